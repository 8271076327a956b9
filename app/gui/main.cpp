// portkey-key-manager: the desktop app (issue 2 "GUI"). Parses the command line and hands over to
// pk::ui::AppController, which runs start-up without blocking the GUI thread.

#include "ui/appcontroller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Portkey"));
    QApplication::setApplicationName(QStringLiteral("Portkey Key Manager"));
    QApplication::setApplicationVersion(QStringLiteral(PK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("ai.portkey.KeyManager"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Manage the API keys, workspaces and members of a Portkey organisation."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption sandbox(QStringLiteral("sandbox"),
                                     QStringLiteral("Run against a private built-in sandbox organisation."));
    const QCommandLineOption persona(
        QStringLiteral("persona"),
        QStringLiteral("With --sandbox: act as this seeded persona (default: owner)."),
        QStringLiteral("NAME"));
    const QCommandLineOption profile(QStringLiteral("profile"),
                                     QStringLiteral("Open the profile called NAME."), QStringLiteral("NAME"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a PNG of the main window to FILE after the first sync, then exit."),
        QStringLiteral("FILE"));
    parser.addOptions({sandbox, persona, profile, screenshot});
    parser.process(app);

    QTextStream err(stderr);
    if (parser.isSet(persona) && !parser.isSet(sandbox)) {
        err << "error: --persona needs --sandbox. Add --sandbox to try a seeded persona.\n";
        return 2;
    }
    if (parser.isSet(sandbox) && parser.isSet(profile)) {
        err << "error: --sandbox and --profile exclude each other. Use one of them.\n";
        return 2;
    }

    pk::ui::StartOptions options;
    options.sandbox = parser.isSet(sandbox);
    options.persona = parser.value(persona);
    options.profileName = parser.value(profile);
    options.screenshotPath = parser.value(screenshot);

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
