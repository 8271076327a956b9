// portkey-key-manager-cli: the command-line face of Portkey Key Manager (issue 2 "CLI").

#include "cli/cliapp.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTimer>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Portkey"));
    QCoreApplication::setApplicationName(QStringLiteral("Portkey Key Manager"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PK_VERSION));

    // stderr carries exactly one line on failure: log lines only with --verbose (or QT_LOGGING_RULES).
    if (!QCoreApplication::arguments().contains(QStringLiteral("--verbose")))
        QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false\n*.info=false\n*.warning=false"));

    pk::CliApp cli(QCoreApplication::arguments());
    QTimer::singleShot(0, &cli, &pk::CliApp::start);
    return QCoreApplication::exec();
}
