// portkey-key-manager-cli: the command-line face of Portkey Key Manager (issue 2 "CLI").

#include "cli/cliapp.h"
#include "secrets/processhardening.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTimer>

int main(int argc, char *argv[])
{
    // Before any secret is read: a crash must not write the API key into a core file.
    QString hardeningError;
    const bool hardened = pk::hardenProcess(&hardeningError);
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Portkey"));
    QCoreApplication::setApplicationName(QStringLiteral("Portkey Key Manager"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PK_VERSION));

    // stderr carries exactly one line on failure: log lines (critical ones included) only with --verbose.
    if (!QCoreApplication::arguments().contains(QStringLiteral("--verbose")))
        QLoggingCategory::setFilterRules(
            QStringLiteral("*.debug=false\n*.info=false\n*.warning=false\n*.critical=false"));
    else if (!hardened)
        qWarning().noquote() << "core dumps could not be disabled:" << hardeningError;

    pk::CliApp cli(QCoreApplication::arguments());
    QTimer::singleShot(0, &cli, &pk::CliApp::start);
    return QCoreApplication::exec();
}
