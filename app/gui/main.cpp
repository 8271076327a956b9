// portkey-key-manager: the desktop app (issue 2 "GUI"). Parses the command line and hands over to
// pk::ui::AppController, which runs start-up without blocking the GUI thread.

#include "secrets/processhardening.h"
#include "ui/appcontroller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstdio>

namespace {

/// The application's identity: QSettings paths, the keychain service name and `--version` use it.
void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Portkey"));
    QCoreApplication::setApplicationName(QStringLiteral("Portkey Key Manager"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PK_VERSION));
}

/// The options of `portkey-key-manager`.
struct Options
{
    QCommandLineOption sandbox{QStringLiteral("sandbox"),
                               QStringLiteral("Run against a private built-in sandbox organisation.")};
    QCommandLineOption persona{QStringLiteral("persona"),
                               QStringLiteral("With --sandbox: act as this seeded persona (default: owner)."),
                               QStringLiteral("NAME")};
    QCommandLineOption profile{QStringLiteral("profile"), QStringLiteral("Open the profile called NAME."),
                               QStringLiteral("NAME")};
    QCommandLineOption screenshot{
        QStringLiteral("screenshot"),
        QStringLiteral("Save a PNG of the main window to FILE after the first sync, then exit."),
        QStringLiteral("FILE")};
};

/// Sets up `parser` with the help and version options and `options`.
void describe(QCommandLineParser &parser, const Options &options)
{
    parser.setApplicationDescription(
        QStringLiteral("Manage the API keys, workspaces and members of a Portkey organisation."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({options.sandbox, options.persona, options.profile, options.screenshot});
}

/// Answers `--help`, `--help-all` and `--version` and exits (code 0) when one of them is given; returns
/// otherwise. Runs before the QApplication exists, so these work without a display (a QApplication without
/// one aborts). Other arguments, including Qt's own such as `-platform`, are checked later by process().
void answerInformationOptions(int &argc, char **argv)
{
    QCoreApplication core(argc, argv);
    setApplicationIdentity();
    QCommandLineParser parser;
    const Options options;
    describe(parser, options);
    parser.parse(QCoreApplication::arguments()); // errors are reported by the full parse later
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("help-all")))
        parser.process(core); // prints the Qt options too, then exits
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
}

} // namespace

int main(int argc, char *argv[])
{
    // Before any secret is read: a crash must not write the API key into a core file.
    QString hardeningError;
    const bool hardened = pk::hardenProcess(&hardeningError);
    answerInformationOptions(argc, argv);
    // Quiet by default: the app's own debug lines (ids, timings) only when asked for with QT_LOGGING_RULES,
    // which takes precedence over these rules.
    QLoggingCategory::setFilterRules(QStringLiteral("pk.*.debug=false"));
    QApplication app(argc, argv);
    if (!hardened)
        qWarning().noquote() << "core dumps could not be disabled:" << hardeningError;
    setApplicationIdentity();
    QApplication::setDesktopFileName(QStringLiteral("ai.portkey.KeyManager"));

    QCommandLineParser parser;
    const Options o;
    describe(parser, o);
    parser.process(app);

    QTextStream err(stderr);
    if (parser.isSet(o.persona) && !parser.isSet(o.sandbox)) {
        err << "error: --persona needs --sandbox. Add --sandbox to try a seeded persona.\n";
        return 2;
    }
    if (parser.isSet(o.sandbox) && parser.isSet(o.profile)) {
        err << "error: --sandbox and --profile exclude each other. Use one of them.\n";
        return 2;
    }

    pk::ui::StartOptions options;
    options.sandbox = parser.isSet(o.sandbox);
    options.persona = parser.value(o.persona);
    options.profileName = parser.value(o.profile);
    options.screenshotPath = parser.value(o.screenshot);

    // Queued: start() may fail before exec() runs, and QApplication::exit() only ends a running loop.
    pk::ui::AppController controller(options);
    QObject::connect(
        &controller, &pk::ui::AppController::failed, &app,
        [&err](const QString &message, int exitCode) {
            err << "error: " << message << '\n';
            err.flush();
            QApplication::exit(exitCode);
        },
        Qt::QueuedConnection);
    QObject::connect(
        &controller, &pk::ui::AppController::cancelled, &app, [] { QApplication::exit(0); },
        Qt::QueuedConnection);
    QObject::connect(
        &controller, &pk::ui::AppController::screenshotSaved, &app,
        [](const QString &path) {
            QTextStream(stdout) << "screenshot saved to " << path << '\n';
            QApplication::exit(0);
        },
        Qt::QueuedConnection);
    controller.start();
    return app.exec();
}
