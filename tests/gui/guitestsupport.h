#pragma once

// The start shared by the desktop tests: a first-run state, the application's identity and the check for the
// D-Bus session, and an AppController started and waited for until its first sync ended.

#include "storage/profilestore.h"
#include "ui/appcontroller.h"

#include <QCoreApplication>
#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <memory>

namespace pktest {

/// How long an AppController may take to open its profile and finish the first sync (ms).
constexpr int kAppReadyTimeoutMs = 60000;

/// Forgets every stored profile and the caches of earlier runs, so a test starts like a first run.
inline void resetAppState()
{
    pk::ProfileStore store;
    for (const pk::Profile &p : store.profiles())
        store.remove(p.id);
    store.sync();
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
}

/// Test-case check for initTestCase(): sets the application's organisation and name (so settings, caches and
/// keychain entries land where the app keeps them) and verifies (QVERIFY2) that a D-Bus session bus is
/// present.
inline void initAppTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Portkey"));
    QCoreApplication::setApplicationName(QStringLiteral("Portkey Key Manager"));
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "needs a D-Bus session with an unlocked gnome-keyring (run through the project's test command)");
}

/// Starts an AppController with `options` and waits at most kAppReadyTimeoutMs for ready() or failed().
/// `*ok` is true when the first sync succeeded; a start failure is logged with its text.
inline std::unique_ptr<pk::ui::AppController> startApp(const pk::ui::StartOptions &options, bool *ok)
{
    auto app = std::make_unique<pk::ui::AppController>(options);
    QSignalSpy ready(app.get(), &pk::ui::AppController::ready);
    QSignalSpy failed(app.get(), &pk::ui::AppController::failed);
    app->start();
    const bool answered =
        QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, kAppReadyTimeoutMs);
    *ok = answered && !ready.isEmpty() && ready.first().first().toBool();
    if (!failed.isEmpty())
        qWarning() << "start failed:" << failed.first().first().toString();
    return app;
}

/// startApp() on a private in-process sandbox as `persona` (a sandbox persona name; empty means the owner).
inline std::unique_ptr<pk::ui::AppController> startSandbox(const QString &persona, bool *ok)
{
    pk::ui::StartOptions options;
    options.sandbox = true;
    options.persona = persona;
    return startApp(options, ok);
}

} // namespace pktest
