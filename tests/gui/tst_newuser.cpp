// What a new user meets, offscreen, with the real keyring of the test command's D-Bus session:
// - first run: the real ConnectDialog clicked through inside a running QApplication::exec() (so the app's
//   quit-on-last-window rule is live), against a SandboxServer on 127.0.0.1 used as a self-hosted control
//   plane and against the "Try the sandbox" choice;
// - a profile whose key is missing from the keychain offers "Enter key…";
// - key actions (Delete = revoke) act only while the API keys tab is shown;
// - revoking the profile's own connection key is warned about and ends in the "Enter key…" banner;
// - messages in the new-key, secret and connect dialogs clear when fixed and are never cut off;
// - `--help` and `--version` work without any display.

#include "guitestsupport.h"
#include "ui/actioncontroller.h"
#include "ui/appcontroller.h"
#include "ui/connectdialog.h"
#include "ui/dialoghook.h"
#include "ui/keys/clipboardservice.h"
#include "ui/keys/keyformdialog.h"
#include "ui/keys/newkeydialog.h"
#include "ui/keys/revokedialog.h"
#include "ui/keys/scopepicker.h"
#include "ui/keys/secretdialog.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"

#include "models/navigationmodel.h"
#include "sandbox/sandboxserver.h"
#include "secrets/credentialstore.h"
#include "storage/profilestore.h"
#include "sync/sandboxlauncher.h"
#include "sync/session.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QInputDialog>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QProcess>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace pk;
using namespace pk::ui;

namespace {

using pktest::resetAppState;
using pktest::startSandbox;

constexpr int kReadyTimeoutMs = pktest::kAppReadyTimeoutMs;

/// The visible first-run dialog, or nullptr.
ConnectDialog *visibleConnectDialog()
{
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *dialog = qobject_cast<ConnectDialog *>(w); dialog && dialog->isVisible())
            return dialog;
    return nullptr;
}

/// What happened while the app ran in QApplication::exec().
struct FirstRunOutcome
{
    bool dialogSeen = false;
    bool windowShown = false; ///< the main window was visible and the first sync ended
    bool firstSyncOk = false;
    bool timedOut = false;
    QString failure; ///< AppController::failed() text, if any
};

/// Starts `app` inside QApplication::exec(), lets `fill` set up the real ConnectDialog once it shows, clicks
/// its OK button ("Connect" / "Start sandbox") with the mouse, and leaves the loop when the main window is
/// shown and its first sync ended, when start-up fails, or after kReadyTimeoutMs. If the app quits on its
/// own (the bug: the dialog was the last window), exec() returns early and windowShown stays false.
FirstRunOutcome runFirstRun(AppController *app, const std::function<void(ConnectDialog *)> &fill)
{
    FirstRunOutcome outcome;
    QObject guard;
    QObject::connect(app, &AppController::ready, &guard, [&](bool ok) {
        outcome.firstSyncOk = ok;
        outcome.windowShown = app->mainWindow() && app->mainWindow()->isVisible();
        QApplication::exit(0);
    });
    QObject::connect(app, &AppController::failed, &guard, [&](const QString &message, int) {
        outcome.failure = message;
        QApplication::exit(0);
    });
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, &guard, [&] {
        ConnectDialog *dialog = visibleConnectDialog();
        if (!dialog)
            return;
        poll.stop();
        outcome.dialogSeen = true;
        fill(dialog);
        QPushButton *ok = dialog->findChild<QDialogButtonBox *>(QStringLiteral("connectButtons"))
                              ->button(QDialogButtonBox::Ok);
        QTest::mouseClick(ok, Qt::LeftButton);
    });
    QTimer::singleShot(kReadyTimeoutMs, &guard, [&] {
        outcome.timedOut = true;
        QApplication::exit(1);
    });
    poll.start();
    QTimer::singleShot(0, app, [app] { app->start(); });
    QApplication::exec();
    return outcome;
}

/// Reads `entry` from the real keychain; `*found` tells whether it exists, `*matches` whether it equals
/// `expected` (compared here so the secret never reaches the test output).
void readKeychain(const QString &entry, const QByteArray &expected, bool *found, bool *matches)
{
    CredentialStore credentials;
    bool done = false;
    credentials.read(entry, [&](KeychainResult r) {
        *found = r.ok();
        *matches = r.ok() && r.secret.view() == expected;
        done = true;
    });
    QVERIFY(QTest::qWaitFor([&] { return done; }, 30000));
}

/// Starts a second AppController the way a second launch does and checks that it opens the saved profile
/// without the first-run dialog and syncs.
void secondStartOpensWithoutDialog()
{
    int dialogs = 0;
    setDialogHook([&](QDialog *dialog) -> int {
        if (qobject_cast<ConnectDialog *>(dialog))
            ++dialogs;
        return QDialog::Rejected;
    });
    AppController again({});
    QSignalSpy ready(&again, &AppController::ready);
    QSignalSpy failed(&again, &AppController::failed);
    again.start();
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, kReadyTimeoutMs));
    setDialogHook({});
    QCOMPARE(dialogs, 0);
    QVERIFY(failed.isEmpty());
    QCOMPARE(ready.first().first().toBool(), true);
    QVERIFY(again.mainWindow() && again.mainWindow()->isVisible());
}

/// The visible labels, line edits and buttons under `dialog` that are shown smaller than they need or stick
/// out of the dialog (cut off), by object name or text; empty when everything fits.
QStringList clippedWidgets(QWidget *dialog)
{
    QCoreApplication::processEvents(); // pending layout requests
    QStringList clipped;
    for (QWidget *w : dialog->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(dialog) || !(qobject_cast<QLabel *>(w) || qobject_cast<QLineEdit *>(w) ||
                                         qobject_cast<QAbstractButton *>(w)))
            continue;
        const int needed =
            w->hasHeightForWidth() ? w->heightForWidth(w->width()) : w->minimumSizeHint().height();
        const QRect inDialog(w->mapTo(dialog, QPoint(0, 0)), w->size());
        if (w->height() < needed || !dialog->rect().contains(inDialog)) {
            const auto *label = qobject_cast<QLabel *>(w);
            clipped.append(QStringLiteral("%1 \"%2\" (%3 px of %4)")
                               .arg(w->objectName(), label ? label->text().left(40) : QString())
                               .arg(w->height())
                               .arg(needed));
        }
    }
    return clipped;
}

} // namespace

class TestNewUser : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void selfHostedConnectStoresKeyAndOpens();
    void sandboxChoiceOpens();
    void missingKeyOffersEnterKey();
    void keyActionsOnlyInKeysView();
    void revokingOwnKeyWarnsAndOffersEnterKey();
    void keyFormErrorsClearAsFieldsChange();
    void secretDialogFitsAfterCopy();
    void connectDialogFitsWithError();
    void helpAndVersionNeedNoDisplay();
};

void TestNewUser::initTestCase()
{
    pktest::initAppTestCase();
    QVERIFY(QApplication::quitOnLastWindowClosed()); // the default rule the app must live with
}

void TestNewUser::init()
{
    resetAppState();
}

void TestNewUser::cleanup()
{
    setDialogHook({});
    QApplication::setQuitOnLastWindowClosed(true);
}

void TestNewUser::selfHostedConnectStoresKeyAndOpens()
{
    sandbox::SandboxServer server;
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    const std::optional<sandbox::Persona> owner = server.persona(QStringLiteral("owner"));
    QVERIFY(owner);
    const QString url = server.baseUrl().toString();

    FirstRunOutcome outcome;
    {
        AppController app({});
        outcome = runFirstRun(&app, [&](ConnectDialog *dialog) {
            dialog->findChild<QRadioButton *>(QStringLiteral("connectSelfHosted"))->setChecked(true);
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("connectUrl")), url);
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("connectName")),
                             QStringLiteral("Local control plane"));
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("connectKey")), owner->apiKey);
        });
        QVERIFY2(outcome.failure.isEmpty(), qPrintable(outcome.failure));
        QVERIFY(!outcome.timedOut);
        QVERIFY(outcome.dialogSeen);
        QVERIFY2(outcome.windowShown, "the app quit (or showed no main window) after Connect");
        QVERIFY(outcome.firstSyncOk);
        QVERIFY(app.mainWindow()->findChild<QTableView *>(QStringLiteral("keysTable"))->model()->rowCount() >=
                40);
        // The main window now decides when the app ends.
        QVERIFY(QApplication::quitOnLastWindowClosed());
    }

    // The profile is saved, and its key is in the keychain under the profile's entry.
    ProfileStore store;
    QCOMPARE(store.profiles().size(), 1);
    const Profile saved = store.profiles().first();
    QCOMPARE(saved.name, QStringLiteral("Local control plane"));
    QCOMPARE(saved.baseUrl, url);
    bool found = false;
    bool matches = false;
    readKeychain(CredentialStore::apiKeyEntry(saved.id), owner->apiKey.toUtf8(), &found, &matches);
    QVERIFY2(found, "the connection key never reached the keychain");
    QVERIFY2(matches, "the keychain holds a different key than the one typed");

    secondStartOpensWithoutDialog();
}

void TestNewUser::sandboxChoiceOpens()
{
    FirstRunOutcome outcome;
    {
        AppController app({});
        outcome = runFirstRun(&app, [](ConnectDialog *dialog) {
            dialog->findChild<QRadioButton *>(QStringLiteral("connectSandbox"))->setChecked(true);
        });
        QVERIFY2(outcome.failure.isEmpty(), qPrintable(outcome.failure));
        QVERIFY(!outcome.timedOut);
        QVERIFY(outcome.dialogSeen);
        QVERIFY2(outcome.windowShown, "the app quit (or showed no main window) after Start sandbox");
        QVERIFY(outcome.firstSyncOk);
        QVERIFY(app.sandbox());
        const QString id = app.session()->profile().id;
        QVERIFY2(id.startsWith(QStringLiteral("sandbox-owner-")), qPrintable(id));
        // The sandbox profile lives as long as its launcher (SandboxLauncher never saves it); its key went
        // to the keychain before the window opened, and goes with the launcher.
        bool found = false;
        bool matches = false;
        readKeychain(CredentialStore::apiKeyEntry(id), {}, &found, &matches);
        QVERIFY2(found, "the sandbox persona's key never reached the keychain");
    }
}

void TestNewUser::missingKeyOffersEnterKey()
{
    sandbox::SandboxServer server;
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    const std::optional<sandbox::Persona> owner = server.persona(QStringLiteral("owner"));
    QVERIFY(owner);

    // A profile whose keychain entry is missing (e.g. written by an older version that lost it).
    Profile profile;
    profile.name = QStringLiteral("Keyless");
    profile.baseUrl = server.baseUrl().toString();
    ProfileStore store;
    QString problem;
    profile.id = store.add(profile, &problem);
    QVERIFY2(!profile.id.isEmpty(), qPrintable(problem));
    store.setLastUsed(profile.id);
    store.sync();

    AppController app({});
    QSignalSpy ready(&app, &AppController::ready);
    app.start();
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty(); }, kReadyTimeoutMs));
    QCOMPARE(ready.first().first().toBool(), false);
    MainWindow *window = app.mainWindow();
    QVERIFY(window);
    MessageBar *bar = window->messageBar();
    QTRY_COMPARE_WITH_TIMEOUT(bar->actionText(), QStringLiteral("Enter key…"), 20000);
    QVERIFY2(bar->text().contains(QStringLiteral("Keyless")), qPrintable(bar->text()));
    QVERIFY2(!bar->text().contains(QStringLiteral("Remove the profile")), qPrintable(bar->text()));

    // "Enter key…": the key goes to the keychain and the same profile opens and syncs.
    int asked = 0;
    bool masked = false;
    setDialogHook([&](QDialog *dialog) -> int {
        auto *input = qobject_cast<QInputDialog *>(dialog);
        if (!input)
            return QDialog::Rejected;
        ++asked;
        masked = input->textEchoMode() == QLineEdit::Password;
        input->setTextValue(owner->apiKey);
        return QDialog::Accepted;
    });
    QSignalSpy synced(window, &MainWindow::syncCompleted);
    QVERIFY(bar->triggerAction());
    QVERIFY(synced.wait(30000));
    QCOMPARE(synced.first().first().toBool(), true);
    QCOMPARE(asked, 1);
    QVERIFY(masked);
    QCOMPARE(app.session()->profile().id, profile.id);
    bool found = false;
    bool matches = false;
    readKeychain(CredentialStore::apiKeyEntry(profile.id), owner->apiKey.toUtf8(), &found, &matches);
    QVERIFY(found && matches);
}

void TestNewUser::keyActionsOnlyInKeysView()
{
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox(QStringLiteral("owner"), &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    Session *session = app->session();
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window));

    // A workspace with members and keys in the navigation; its first key selected on the API keys tab.
    auto *navView = window->findChild<QTreeView *>(QStringLiteral("navigation"));
    QVERIFY(navView);
    const auto *nav = qobject_cast<const models::NavigationModel *>(navView->model());
    QVERIFY(nav);
    auto *members = window->findChild<QTableView *>(QStringLiteral("membersTable"));
    auto *table = window->findChild<QTableView *>(QStringLiteral("keysTable"));
    QVERIFY(members && table);
    bool found = false;
    for (const Workspace &ws : session->snapshot().workspaces) {
        navView->setCurrentIndex(nav->indexForWorkspace(ws.id));
        if (members->model()->rowCount() > 0 && table->model()->rowCount() > 0) {
            found = true;
            break;
        }
    }
    QVERIFY2(found, "no workspace with both members and keys in the sandbox");
    table->selectRow(0);
    QCOMPARE(window->selectedKeyIds().size(), 1);
    const QString keyId = window->selectedKeyIds().first();
    QAction *revoke = window->action(QStringLiteral("actionRevoke"));
    QVERIFY(revoke->isEnabled());

    int revokeDialogs = 0;
    setDialogHook([&](QDialog *dialog) -> int {
        if (qobject_cast<RevokeDialog *>(dialog))
            ++revokeDialogs;
        return QDialog::Rejected;
    });

    // On the Members tab, a member selected, Delete must not revoke the key selected elsewhere.
    auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("mainTabs"));
    QVERIFY(tabs && tabs->isTabEnabled(1));
    tabs->setCurrentIndex(1);
    members->setFocus();
    members->selectRow(0);
    QTest::keyClick(members, Qt::Key_Delete);
    QCOMPARE(revokeDialogs, 0);
    QCOMPARE(window->selectedKeyIds(), QStringList{keyId}); // the selection is kept for the keys view
    for (const char *name : {"actionRevoke", "actionEdit", "actionRotate", "actionCopyId"}) {
        QAction *action = window->action(QString::fromLatin1(name));
        QVERIFY2(action, name);
        QVERIFY2(!action->isEnabled(), name);
        QVERIFY2(action->toolTip().contains(QStringLiteral("API keys tab")), qPrintable(action->toolTip()));
    }
    revoke->trigger(); // even a direct trigger does nothing while disabled
    QCOMPARE(revokeDialogs, 0);

    // Back on the API keys tab the same key is revocable again, and Delete asks.
    tabs->setCurrentIndex(0);
    QVERIFY(revoke->isEnabled());
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Delete);
    QCOMPARE(revokeDialogs, 1);
}

void TestNewUser::revokingOwnKeyWarnsAndOffersEnterKey()
{
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox(QStringLiteral("ws-admin"), &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    Session *session = app->session();
    const QString ownId = session->principal().keyId;
    QVERIFY2(!ownId.isEmpty(), "the sandbox persona's own key should be identified");

    // Another key first: its confirmation has no own-key warning.
    QString otherId;
    for (const ApiKey &key : session->snapshot().keys)
        if (key.id != ownId && key.workspaceId == session->snapshot().keys.first().workspaceId)
            otherId = key.id;
    QString warning;
    bool cancelIsDefault = false;
    bool revokeIsDefault = true;
    bool warned = false;
    setDialogHook([&](QDialog *dialog) -> int {
        auto *confirm = qobject_cast<RevokeDialog *>(dialog);
        if (!confirm)
            return QDialog::Rejected;
        const auto *label = confirm->findChild<QLabel *>(QStringLiteral("revokeOwnKeyWarning"));
        warned = label != nullptr;
        warning = label ? label->text() : QString();
        cancelIsDefault = confirm->cancelButton()->isDefault();
        revokeIsDefault = confirm->revokeButton()->isDefault();
        return warned ? QDialog::Accepted : QDialog::Rejected;
    });
    if (!otherId.isEmpty() && window->selectKey(otherId) &&
        window->action(QStringLiteral("actionRevoke"))->isEnabled()) {
        window->action(QStringLiteral("actionRevoke"))->trigger();
        QVERIFY(!warned);
    }

    // The profile's own key: the confirmation says so plainly, Cancel stays the default.
    QVERIFY(window->selectKey(ownId));
    QAction *revoke = window->action(QStringLiteral("actionRevoke"));
    QVERIFY2(revoke->isEnabled(), qPrintable(revoke->toolTip()));
    revoke->trigger();
    QVERIFY(warned);
    QVERIFY2(warning.contains(QStringLiteral("connection key")) &&
                 warning.contains(session->profile().name) &&
                 warning.contains(QStringLiteral("loses access")),
             qPrintable(warning));
    QVERIFY(cancelIsDefault);
    QVERIFY(!revokeIsDefault);

    // After the revoke: the 401 banner path with "Enter key…", not a bare "Revoked 1 key;".
    MessageBar *bar = window->messageBar();
    QTRY_COMPARE_WITH_TIMEOUT(bar->actionText(), QStringLiteral("Enter key…"), 30000);
    QCOMPARE(bar->kind(), MessageBar::Kind::Error);
    QVERIFY2(bar->text().contains(QStringLiteral("connection key")) &&
                 bar->text().contains(QStringLiteral("no access")),
             qPrintable(bar->text()));
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("syncStatus"))
                ->text()
                .startsWith(QStringLiteral("Connection key rejected")));

    // "Enter key…" with a working key: the profile syncs again.
    const std::optional<sandbox::Persona> owner = app->sandbox()->server()->persona(QStringLiteral("owner"));
    QVERIFY(owner);
    setDialogHook([&](QDialog *dialog) -> int {
        auto *input = qobject_cast<QInputDialog *>(dialog);
        if (!input)
            return QDialog::Rejected;
        input->setTextValue(owner->apiKey);
        return QDialog::Accepted;
    });
    QSignalSpy synced(window, &MainWindow::syncCompleted);
    QVERIFY(bar->triggerAction());
    QVERIFY(synced.wait(30000));
    QCOMPARE(synced.first().first().toBool(), true);
}

void TestNewUser::keyFormErrorsClearAsFieldsChange()
{
    NewKeyDialog d;
    Workspace production;
    production.id = QStringLiteral("ws-prod-id");
    production.slug = QStringLiteral("production");
    production.name = QStringLiteral("Production");
    d.setWorkspaces({production});
    d.selectKeyType(KeyType::WorkspaceService);
    d.selectWorkspace(production.id);
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));

    // Create with neither name nor scope: both marked, and the summary counts them.
    d.nameEdit()->clear();
    d.scopePicker()->setScopes({});
    const QMap<QString, QString> errors = d.validate();
    QVERIFY(errors.contains(KeyField::Name) && errors.contains(KeyField::Scopes));
    QCOMPARE(errors.size(), 2);
    QCOMPARE(d.fieldError(KeyField::Name), QStringLiteral("Enter a name."));
    QCOMPARE(d.fieldError(KeyField::Scopes), QStringLiteral("Choose at least one scope."));
    QCOMPARE(d.errorText(), QStringLiteral("Fix the 2 marked fields before sending."));

    // Fixing the name clears its message and recounts; fixing the scopes clears everything.
    QTest::keyClicks(d.nameEdit(), QStringLiteral("search-backend"));
    QVERIFY(d.fieldError(KeyField::Name).isEmpty());
    QVERIFY(!d.findChild<QLabel *>(QStringLiteral("error_") + KeyField::Name)->isVisible());
    QCOMPARE(d.errorText(), QStringLiteral("Fix the marked field before sending."));
    d.scopePicker()->setScopes({QStringLiteral("completions.write")});
    QVERIFY(d.fieldError(KeyField::Scopes).isEmpty());
    QVERIFY(d.errorText().isEmpty());
    QVERIFY(!d.findChild<QLabel *>(QStringLiteral("formError"))->isVisible());
    QVERIFY(d.validate().isEmpty());
    QCoreApplication::processEvents(); // the hidden messages' rows shrink
    QVERIFY(d.grab().save(QStringLiteral("newkey-fixed.png")));

    // Emptying the name again brings its message back only on the next validation.
    d.nameEdit()->clear();
    QVERIFY(d.fieldError(KeyField::Name).isEmpty());
    QVERIFY(d.validate().contains(KeyField::Name));
    QCOMPARE(d.errorText(), QStringLiteral("Fix the marked field before sending."));
}

void TestNewUser::secretDialogFitsAfterCopy()
{
    ClipboardService clipboard;
    clipboard.setClearDelayMs(60000);
    ApiKey key;
    key.id = QStringLiteral("2f9d4c1e-3b7a-4c1d-9e8f-0a1b2c3d4e5f");
    key.name = QStringLiteral("billing-service");
    key.type = QStringLiteral("workspace-service");
    key.workspaceId = QStringLiteral("production");
    IssuedSecret issued{key.id, QByteArrayLiteral("pk-live-Qx7eT2s9LmB4"), {}};
    SecretDialog d(key, issued, &clipboard);
    d.resize(d.sizeHint()); // the size it opens with
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QVERIFY2(clippedWidgets(&d).isEmpty(), qPrintable(clippedWidgets(&d).join(QLatin1String("; "))));

    QTest::mouseClick(d.findChild<QPushButton *>(QStringLiteral("copySecret")), Qt::LeftButton);
    QVERIFY(d.findChild<QLabel *>(QStringLiteral("copyStatus"))->isVisible());
    QVERIFY(d.grab().save(QStringLiteral("secret-copied.png")));
    QVERIFY2(clippedWidgets(&d).isEmpty(), qPrintable(clippedWidgets(&d).join(QLatin1String("; "))));
    clipboard.clearIfUnchanged();
}

void TestNewUser::connectDialogFitsWithError()
{
    ConnectDialog d;
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QVERIFY2(clippedWidgets(&d).isEmpty(), qPrintable(clippedWidgets(&d).join(QLatin1String("; "))));

    // Connect with no key: the reason appears above the buttons and nothing is squashed or cut off.
    d.findChild<QRadioButton *>(QStringLiteral("connectSelfHosted"))->setChecked(true);
    QTest::keyClicks(d.findChild<QLineEdit *>(QStringLiteral("connectUrl")),
                     QStringLiteral("https://portkey.example.com/v1"));
    QTest::mouseClick(
        d.findChild<QDialogButtonBox *>(QStringLiteral("connectButtons"))->button(QDialogButtonBox::Ok),
        Qt::LeftButton);
    QVERIFY(d.isVisible());
    QVERIFY(d.findChild<QLabel *>(QStringLiteral("connectError"))->isVisible());
    QVERIFY(d.grab().save(QStringLiteral("connect-error.png")));
    QVERIFY2(clippedWidgets(&d).isEmpty(), qPrintable(clippedWidgets(&d).join(QLatin1String("; "))));
}

void TestNewUser::helpAndVersionNeedNoDisplay()
{
    // No display of any kind: a QApplication would abort (exit 134) here.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
        env.remove(QString::fromLatin1(name));
    const auto run = [&env](const QString &option, QByteArray *out) {
        QProcess app;
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(PK_GUI_BINARY), {option});
        if (!app.waitForFinished(30000))
            return -1;
        *out = app.readAllStandardOutput();
        return app.exitStatus() == QProcess::NormalExit ? app.exitCode() : -2;
    };
    QByteArray out;
    QCOMPARE(run(QStringLiteral("--help"), &out), 0);
    QVERIFY2(out.contains("--sandbox") && out.contains("--profile") && out.contains("--screenshot"),
             out.constData());
    QCOMPARE(run(QStringLiteral("--version"), &out), 0);
    QVERIFY2(out.contains("Portkey Key Manager"), out.constData());
    QCOMPARE(run(QStringLiteral("-h"), &out), 0);
    QVERIFY(out.contains("--persona"));
}

QTEST_MAIN(TestNewUser)
#include "tst_newuser.moc"
