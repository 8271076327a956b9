// The main window end to end, offscreen, against the real in-process sandbox over HTTP, the real
// SQLCipher cache and the real keyring of the test command's D-Bus session (issue 2 "Tests", issue 5
// "A GUI test per persona").

#include "guitestsupport.h"
#include "ui/actioncontroller.h"
#include "ui/appcontroller.h"
#include "ui/connectdialog.h"
#include "ui/detailspane.h"
#include "ui/dialoghook.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"

#include "access/accesspolicy.h"
#include "models/keyfilterproxy.h"
#include "models/keylist.h"
#include "sandbox/sandboxserver.h"
#include "storage/cachestore.h"
#include "storage/profilestore.h"
#include "sync/sandboxlauncher.h"
#include "sync/session.h"
#include "ui/keys/dialoghooks.h"
#include "ui/keys/newkeydialog.h"
#include "ui/keys/revokedialog.h"
#include "ui/keys/scopepicker.h"
#include "ui/keys/secretdialog.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace pk;
using namespace pk::ui;

namespace {

using pktest::resetAppState;
using pktest::startApp;

/// The last workspace service key of `session`'s snapshot that is active and not in a rotation's transition
/// period; an empty key when there is none.
ApiKey lastSettledServiceKey(const Session &session)
{
    ApiKey target;
    for (const ApiKey &key : session.snapshot().keys) {
        if (key.keyType() == KeyType::WorkspaceService && key.keyStatus() == KeyStatus::Active &&
            !key.inTransition(QDateTime::currentDateTimeUtc()))
            target = key;
    }
    return target;
}

QString labelText(const QWidget *root, const char *name)
{
    const auto *label = root->findChild<QLabel *>(QString::fromLatin1(name));
    return label ? label->text() : QString();
}

/// Every text shown by labels and item views under `root`, for "does it name the key" checks.
QString allText(const QWidget *root)
{
    QStringList texts;
    for (const QLabel *label : root->findChildren<QLabel *>())
        texts.append(label->text());
    for (const QAbstractItemView *view : root->findChildren<QAbstractItemView *>()) {
        const QAbstractItemModel *model = view->model();
        if (!model)
            continue;
        for (int r = 0; r < model->rowCount(); ++r)
            for (int c = 0; c < model->columnCount(); ++c)
                texts.append(model->index(r, c).data().toString());
    }
    return texts.join(QLatin1Char('\n'));
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void connectDialogValidation();
    void connectSyncCreateRevoke();
    void gatingPerPersona_data();
    void gatingPerPersona();
    void offlineShowsCache();
    void rejectedKeyShowsBanner();
    void editAndRotate();
    void serverTextIsPlainText();
    void viewAsPreview();
    void forbiddenTeachesMissingScope();
    void unreadableCacheOffersRebuild();
    void screenshotOption();
    void commandLineErrors();
};

void TestMainWindow::initTestCase()
{
    pktest::initAppTestCase();
}

void TestMainWindow::init()
{
    resetAppState();
}

void TestMainWindow::cleanup()
{
    setDialogHook({});
    DialogHooks::question = {};
}

void TestMainWindow::connectDialogValidation()
{
    ConnectDialog dialog;
    QVERIFY(!dialog.validationError().isEmpty()); // Cloud without a key
    dialog.findChild<QLineEdit *>(QStringLiteral("connectKey"))->setText(QStringLiteral("pk-test-key"));
    QVERIFY(dialog.validationError().isEmpty());
    QCOMPARE(dialog.baseUrl(), QStringLiteral("https://api.portkey.ai/v1"));

    dialog.findChild<QRadioButton *>(QStringLiteral("connectSelfHosted"))->setChecked(true);
    auto *url = dialog.findChild<QLineEdit *>(QStringLiteral("connectUrl"));
    url->setText(QStringLiteral("http://portkey.example.com/v1"));
    QVERIFY(dialog.validationError().contains(QStringLiteral("https://")));
    dialog.accept(); // refused: stays open with the reason shown
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(labelText(&dialog, "connectError").contains(QStringLiteral("https://")));
    url->setText(QStringLiteral("http://127.0.0.1:8080/v1/"));
    QVERIFY(dialog.validationError().isEmpty());
    QCOMPARE(dialog.baseUrl(), QStringLiteral("http://127.0.0.1:8080/v1"));

    // A secret in the URL would be saved in the settings file: user info, query and fragment are refused.
    for (const QString &leaky : {QStringLiteral("https://alice:hunter2@portkey.example.com/v1"),
                                 QStringLiteral("https://portkey.example.com/v1?x-portkey-api-key=hunter2"),
                                 QStringLiteral("https://portkey.example.com/v1#hunter2")}) {
        url->setText(leaky);
        const QString problem = dialog.validationError();
        QVERIFY2(!problem.isEmpty() && !problem.contains(QStringLiteral("hunter2")), qPrintable(leaky));
    }
    url->setText(QStringLiteral("http://127.0.0.1:8080/v1/"));
    // A key with a line break would add a request header: refused with the shared check's reason.
    auto *key = dialog.findChild<QLineEdit *>(QStringLiteral("connectKey"));
    key->setText(QStringLiteral("abc\r\nX-Injected: yes"));
    QVERIFY2(dialog.validationError().contains(QStringLiteral("line break")),
             qPrintable(dialog.validationError()));
    key->setText(QStringLiteral("pk-test-key"));
    QVERIFY(dialog.validationError().isEmpty());

    dialog.findChild<QRadioButton *>(QStringLiteral("connectSandbox"))->setChecked(true);
    QVERIFY(dialog.connectionKey().isEmpty());
    QVERIFY(dialog.validationError().isEmpty());

    // For review: what the first-run dialog looks like.
    dialog.findChild<QRadioButton *>(QStringLiteral("connectCloud"))->setChecked(true);
    QVERIFY(dialog.grab().save(QStringLiteral("connectdialog.png")));
}

void TestMainWindow::connectSyncCreateRevoke()
{
    // First run: the connect dialog appears; choose "Try the sandbox".
    int connectDialogs = 0;
    QString shownSecret;
    int secretDialogs = 0;
    QString revokeText;
    QString newKeyName = QStringLiteral("GUI test key — Überprüfung");
    setDialogHook([&](QDialog *dialog) -> int {
        if (auto *connect = qobject_cast<ConnectDialog *>(dialog)) {
            ++connectDialogs;
            connect->findChild<QRadioButton *>(QStringLiteral("connectSandbox"))->setChecked(true);
            return QDialog::Accepted;
        }
        if (auto *create = qobject_cast<NewKeyDialog *>(dialog)) {
            create->findChild<QLineEdit *>(QStringLiteral("keyName"))->setText(newKeyName);
            create->findChild<ScopePicker *>(QStringLiteral("scopePicker"))
                ->setScopes({QStringLiteral("completions.write"), QStringLiteral("logs.list")});
            create->accept(); // validates, then the window sends the request; the dialog closes on success
            return kDialogStaysOpen;
        }
        if (auto *secret = qobject_cast<SecretDialog *>(dialog)) {
            ++secretDialogs;
            shownSecret = secret->findChild<QLineEdit *>(QStringLiteral("secretField"))->text();
            return QDialog::Accepted; // "I have stored it"
        }
        if (qobject_cast<RevokeDialog *>(dialog)) {
            revokeText = allText(dialog);
            return QDialog::Accepted;
        }
        qWarning() << "unexpected dialog" << dialog->objectName();
        return QDialog::Rejected;
    });

    bool ok = false;
    std::unique_ptr<AppController> app = startApp({}, &ok);
    QVERIFY(ok);
    QCOMPARE(connectDialogs, 1);
    MainWindow *window = app->mainWindow();
    QVERIFY(window);
    Session *session = app->session();
    QVERIFY(app->sandbox());
    sandbox::SandboxServer *server = app->sandbox()->server();

    // The table lists every key of the snapshot (the organisation node is selected).
    auto *table = window->findChild<QTableView *>(QStringLiteral("keysTable"));
    QVERIFY(table);
    const int keyCount = int(session->snapshot().keys.size());
    QVERIFY(keyCount >= 40);
    QCOMPARE(table->model()->rowCount(), keyCount);
    QVERIFY(labelText(window, "syncStatus").startsWith(QStringLiteral("Last synced ")));
    QVERIFY(labelText(window, "syncStatus").contains(QLatin1Char('(')));

    // The details pane shows the selected key's fields, masked.
    const ApiKey sample = session->snapshot().keys.first();
    QVERIFY(window->selectKey(sample.id));
    QCOMPARE(window->selectedKeyIds(), QStringList{sample.id});
    QCOMPARE(window->detailsPane()->fieldText(QStringLiteral("MaskedKey")), sample.maskedKey);
    QCOMPARE(window->detailsPane()->fieldText(QStringLiteral("Id")), sample.id);
    QCOMPARE(window->detailsPane()->fieldText(QStringLiteral("Title")), sample.name);
    QVERIFY(window->detailsPane()->fieldText(QStringLiteral("Expires")).size() > 0);

    // Search narrows the table; Escape in the search box clears it; the selection follows the id.
    auto *search = window->findChild<QLineEdit *>(QStringLiteral("searchBox"));
    search->setText(sample.id);
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(window->selectedKeyIds(), QStringList{sample.id});
    QTest::keyClick(search, Qt::Key_Escape);
    QVERIFY(search->text().isEmpty());
    QCOMPARE(table->model()->rowCount(), keyCount);
    QCOMPARE(window->selectedKeyIds(), QStringList{sample.id});

    // New service key: the secret is shown once, the table shows the key masked.
    QAction *newKey = window->action(QStringLiteral("actionNewKey"));
    QVERIFY(newKey->isEnabled());
    newKey->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(secretDialogs == 1, 20000);
    QVERIFY(shownSecret.size() > 10);
    QTRY_VERIFY_WITH_TIMEOUT(
        window->selectedKeys().size() == 1 && window->selectedKeys().first().name == newKeyName, 20000);
    const ApiKey created = window->selectedKeys().first();
    QCOMPARE(table->model()->rowCount(), keyCount + 1);
    QVERIFY(!created.maskedKey.isEmpty());
    QVERIFY(created.maskedKey != shownSecret);
    QVERIFY(created.maskedKey.contains(QLatin1Char('*')));
    QVERIFY(!allText(window).contains(shownSecret));
    QCOMPARE(window->detailsPane()->fieldText(QStringLiteral("MaskedKey")), created.maskedKey);
    QCOMPARE(secretDialogs, 1);

    // Revoke: the confirmation names the key; the row stays until the server confirms.
    server->clearRecordedRequests();
    const auto *proxy = qobject_cast<const models::KeyFilterProxy *>(table->model());
    QVERIFY(proxy);
    window->action(QStringLiteral("actionRevoke"))->trigger();
    QVERIFY(revokeText.contains(newKeyName));
    QVERIFY(revokeText.contains(created.maskedKey));
    QVERIFY(proxy->indexForId(created.id).isValid()); // the DELETE has not been answered yet
    QTRY_VERIFY_WITH_TIMEOUT(!proxy->indexForId(created.id).isValid(), 20000);
    QCOMPARE(table->model()->rowCount(), keyCount);
    bool deleteSent = false;
    for (const sandbox::RecordedRequest &r : server->recordedRequests())
        deleteSent |=
            r.method == QLatin1String("DELETE") && r.path.endsWith(created.id) && r.status / 100 == 2;
    QVERIFY(deleteSent);
    QVERIFY(window->messageBar()->text().contains(newKeyName));
}

void TestMainWindow::gatingPerPersona_data()
{
    QTest::addColumn<QString>("persona");
    for (const char *name :
         {"owner", "admin", "readonly-admin", "ws-admin", "manager", "member", "org-member"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestMainWindow::gatingPerPersona()
{
    QFETCH(QString, persona);
    StartOptions options;
    options.sandbox = true;
    options.persona = persona;
    bool ok = false;
    std::unique_ptr<AppController> app = startApp(options, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    Session *session = app->session();
    const access::Principal principal = session->principal();
    QVERIFY2(principal.keyType != KeyType::Unknown, "the sandbox persona's key should be identified");

    const auto checkAction = [&](const char *name, const access::Decision &expected) {
        QAction *action = window->action(QString::fromLatin1(name));
        QVERIFY(action);
        QVERIFY2(action->isEnabled() == expected.allowed,
                 qPrintable(QStringLiteral("%1: enabled %2, policy says %3 (%4)")
                                .arg(QString::fromLatin1(name))
                                .arg(action->isEnabled())
                                .arg(expected.allowed)
                                .arg(expected.reason)));
        if (!expected.allowed) {
            QCOMPARE(action->toolTip(), ActionController::reasonFor(expected));
            QCOMPARE(action->statusTip(), action->toolTip());
            QVERIFY(action->toolTip().contains(expected.reason.mid(1))); // the reason, capitalised
        }
    };

    // One key of each type the persona can see.
    QList<ApiKey> samples;
    for (KeyType type : {KeyType::OrganisationService, KeyType::WorkspaceService, KeyType::WorkspaceUser}) {
        for (const ApiKey &key : session->snapshot().keys) {
            if (key.keyType() == type) {
                samples.append(key);
                break;
            }
        }
    }
    // Workspace user keys without `*_api_keys.list` see no keys at all (ROLES.md); the others see some.
    QCOMPARE(samples.isEmpty(), principal.keyType == KeyType::WorkspaceUser);
    for (const ApiKey &key : std::as_const(samples)) {
        QVERIFY(window->selectKey(key.id));
        const access::Target target = access::Target::forKey(key);
        checkAction("actionEdit",
                    access::AccessPolicy::decide(
                        principal, *access::keyAction(key.keyType(), access::KeyVerb::Update), target));
        checkAction("actionRotate",
                    access::AccessPolicy::decide(
                        principal, *access::keyAction(key.keyType(), access::KeyVerb::Rotate), target));
        checkAction("actionRevoke",
                    access::AccessPolicy::decide(
                        principal, *access::keyAction(key.keyType(), access::KeyVerb::Delete), target));
        QVERIFY(window->action(QStringLiteral("actionCopyId"))->isEnabled());
        QVERIFY(window->action(QStringLiteral("actionSync"))->isEnabled());
    }

    // New service key: allowed when some visible workspace allows it (the organisation node is selected).
    access::Decision create;
    for (const Workspace &ws : session->snapshot().workspaces) {
        create = access::AccessPolicy::decide(principal, access::Action::ServiceKeyCreate,
                                              access::Target::forWorkspace(ws.id));
        if (create.allowed)
            break;
    }
    QCOMPARE(window->action(QStringLiteral("actionNewKey"))->isEnabled(), create.allowed);
    QVERIFY(!window->action(QStringLiteral("actionNewKey"))->toolTip().isEmpty());

    // The Users tab follows user.list.
    auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("mainTabs"));
    QCOMPARE(tabs->isTabEnabled(2),
             access::AccessPolicy::decide(principal, access::Action::UserList).allowed);

    // Expectations straight from ROLES.md for the three kinds of human.
    if (persona == QLatin1String("owner")) {
        QVERIFY(window->action(QStringLiteral("actionNewKey"))->isEnabled());
        QVERIFY(tabs->isTabEnabled(2));
    } else if (persona == QLatin1String("member")) {
        QVERIFY(!window->action(QStringLiteral("actionNewKey"))->isEnabled());
        QVERIFY(!window->action(QStringLiteral("actionNewKey"))->toolTip().isEmpty());
        QVERIFY(!tabs->isTabEnabled(2));
    } else if (persona == QLatin1String("manager")) {
        QVERIFY(window->action(QStringLiteral("actionNewKey"))->isEnabled());
        QVERIFY(!tabs->isTabEnabled(2));
    }

    // Nothing selected: key actions say what is missing.
    window->findChild<QTableView *>(QStringLiteral("keysTable"))->clearSelection();
    QAction *revoke = window->action(QStringLiteral("actionRevoke"));
    QVERIFY(!revoke->isEnabled());
    QVERIFY(revoke->toolTip().contains(QStringLiteral("select a key"), Qt::CaseInsensitive));
}

void TestMainWindow::offlineShowsCache()
{
    StartOptions options;
    options.sandbox = true;
    bool ok = false;
    std::unique_ptr<AppController> app = startApp(options, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    const int rows = window->findChild<QTableView *>(QStringLiteral("keysTable"))->model()->rowCount();

    sandbox::Fault reset;
    reset.pathPattern = QStringLiteral("^/v1/.*");
    reset.resetAfterApply = true;
    reset.times = 0;
    app->sandbox()->server()->injectFault(reset);
    QSignalSpy done(window, &MainWindow::syncCompleted);
    window->action(QStringLiteral("actionSync"))->trigger();
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().first().toBool(), false);
    QVERIFY2(labelText(window, "syncStatus").startsWith(QStringLiteral("Offline — showing cache from ")),
             qPrintable(labelText(window, "syncStatus")));
    QCOMPARE(window->findChild<QTableView *>(QStringLiteral("keysTable"))->model()->rowCount(), rows);
    QCOMPARE(window->messageBar()->kind(), MessageBar::Kind::Warning);
    QCOMPARE(window->messageBar()->actionText(), QStringLiteral("Retry"));

    // Back online: Retry syncs and the notice goes.
    app->sandbox()->server()->clearFaults();
    done.clear();
    QVERIFY(window->messageBar()->triggerAction());
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().first().toBool(), true);
    QVERIFY(labelText(window, "syncStatus").startsWith(QStringLiteral("Last synced ")));
}

void TestMainWindow::rejectedKeyShowsBanner()
{
    StartOptions options;
    options.sandbox = true;
    bool ok = false;
    std::unique_ptr<AppController> app = startApp(options, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    const int rows = window->findChild<QTableView *>(QStringLiteral("keysTable"))->model()->rowCount();

    sandbox::Fault rejected;
    rejected.pathPattern = QStringLiteral("^/v1/.*");
    rejected.status = 401;
    rejected.code = QStringLiteral("AB05");
    rejected.times = 0;
    app->sandbox()->server()->injectFault(rejected);
    QSignalSpy done(window, &MainWindow::syncCompleted);
    window->action(QStringLiteral("actionSync"))->trigger();
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().first().toBool(), false);
    QVERIFY2(window->messageBar()->text().startsWith(
                 QStringLiteral("The connection key was rejected (revoked or expired) — enter a new key")),
             qPrintable(window->messageBar()->text()));
    QCOMPARE(window->messageBar()->kind(), MessageBar::Kind::Error);
    // Nothing was deleted: the cached keys are still listed.
    QCOMPARE(window->findChild<QTableView *>(QStringLiteral("keysTable"))->model()->rowCount(), rows);
    QVERIFY(labelText(window, "syncStatus").startsWith(QStringLiteral("Connection key rejected")));

    // "Enter key…": the key goes to the keychain, the profile reopens and syncs.
    app->sandbox()->server()->clearFaults();
    const std::optional<sandbox::Persona> owner = app->sandbox()->server()->persona(QStringLiteral("owner"));
    QVERIFY(owner);

    // A pasted key with a line break is refused with the shared check's reason; nothing is stored.
    setDialogHook([&](QDialog *dialog) -> int {
        auto *input = qobject_cast<QInputDialog *>(dialog);
        if (!input)
            return QDialog::Rejected;
        input->setTextValue(QString(owner->apiKey + QStringLiteral("\r\nX-Injected: yes")));
        return QDialog::Accepted;
    });
    QVERIFY(window->messageBar()->triggerAction());
    QVERIFY2(window->messageBar()->text().contains(QStringLiteral("line break")),
             qPrintable(window->messageBar()->text()));
    QCOMPARE(window->messageBar()->kind(), MessageBar::Kind::Error);

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
    done.clear();
    QVERIFY(window->messageBar()->triggerAction());
    QCOMPARE(asked, 1);
    QVERIFY(masked);
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().first().toBool(), true);
    QVERIFY(labelText(window, "syncStatus").startsWith(QStringLiteral("Last synced ")));
}

void TestMainWindow::editAndRotate()
{
    bool ok = false;
    std::unique_ptr<AppController> app = pktest::startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    const ApiKey target = lastSettledServiceKey(*app->session());
    QVERIFY(!target.id.isEmpty());
    QVERIFY(window->selectKey(target.id));

    // Edit: the new name is shown once the server confirmed it.
    const QString renamed = QStringLiteral("Renamed — Überprüfung");
    setDialogHook([&](QDialog *dialog) -> int {
        if (dialog->objectName() != QLatin1String("editKeyDialog"))
            return QDialog::Rejected;
        dialog->findChild<QLineEdit *>(QStringLiteral("keyName"))->setText(renamed);
        dialog->accept();
        return kDialogStaysOpen;
    });
    window->action(QStringLiteral("actionEdit"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(window->detailsPane()->fieldText(QStringLiteral("Title")), renamed, 20000);
    QCOMPARE(window->selectedKeyIds(), QStringList{target.id});

    // Rotate: the new secret is shown once; the key keeps its id and shows a new masked form.
    int secretDialogs = 0;
    QString secret;
    setDialogHook([&](QDialog *dialog) -> int {
        if (dialog->objectName() == QLatin1String("rotateDialog")) {
            dialog->accept();
            return QDialog::Accepted;
        }
        if (auto *shown = qobject_cast<SecretDialog *>(dialog)) {
            ++secretDialogs;
            secret = shown->findChild<QLineEdit *>(QStringLiteral("secretField"))->text();
            return QDialog::Accepted;
        }
        return QDialog::Rejected;
    });
    window->action(QStringLiteral("actionRotate"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(secretDialogs, 1, 20000);
    QVERIFY(secret.size() > 10);
    QTRY_VERIFY_WITH_TIMEOUT(window->messageBar()->text().contains(renamed), 20000);
    QCOMPARE(window->selectedKeyIds(), QStringList{target.id});
    QVERIFY(!allText(window).contains(secret));
}

void TestMainWindow::serverTextIsPlainText()
{
    bool ok = false;
    std::unique_ptr<AppController> app = pktest::startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    const ApiKey target = lastSettledServiceKey(*app->session());
    QVERIFY(!target.id.isEmpty());
    QVERIFY(window->selectKey(target.id));

    // A key name with markup and a terminal escape, as anyone who may create keys could set it.
    const QString markup = QStringLiteral("<font color=red size=7>HACKED</font><b>x</b>");
    const QString hostile = QString(markup + QStringLiteral("\x1b[2J"));
    setDialogHook([&](QDialog *dialog) -> int {
        if (dialog->objectName() != QLatin1String("editKeyDialog"))
            return QDialog::Rejected;
        dialog->findChild<QLineEdit *>(QStringLiteral("keyName"))->setText(hostile);
        dialog->accept();
        return kDialogStaysOpen;
    });
    window->action(QStringLiteral("actionEdit"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(window->detailsPane()->fieldText(QStringLiteral("Title")).contains(markup),
                             20000);

    // Every label that shows the name shows it as text: the markup is visible, never rendered.
    const auto checkLabels = [&markup](const QWidget *root) {
        int showing = 0;
        for (const QLabel *label : root->findChildren<QLabel *>()) {
            if (!label->text().contains(QStringLiteral("HACKED")))
                continue;
            ++showing;
            if (label->textFormat() != Qt::PlainText)
                return QString(label->objectName() + QStringLiteral(" renders rich text"));
        }
        return showing > 0 ? QString() : QStringLiteral("no label shows the name");
    };
    QString problem = checkLabels(window);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(window->findChild<QLabel *>(QStringLiteral("detailTitle"))->textFormat(), Qt::PlainText);

    // The rotate dialog names the key too.
    bool rotateShown = false;
    setDialogHook([&](QDialog *dialog) -> int {
        if (dialog->objectName() == QLatin1String("rotateDialog")) {
            rotateShown = true;
            problem = checkLabels(dialog);
        }
        return QDialog::Rejected;
    });
    window->action(QStringLiteral("actionRotate"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(rotateShown, 20000);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    for (const char *name : {"principalLabel", "membersHint", "syncStatus", "keyIdFilterText"}) {
        const auto *label = window->findChild<QLabel *>(QString::fromLatin1(name));
        QVERIFY2(label && label->textFormat() == Qt::PlainText, name);
    }
}

void TestMainWindow::viewAsPreview()
{
    StartOptions options;
    options.sandbox = true;
    bool ok = false;
    std::unique_ptr<AppController> app = startApp(options, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    const CacheSnapshot &snapshot = app->session()->snapshot();
    QString production;
    Workspace staging;
    for (const Workspace &ws : snapshot.workspaces) {
        if (ws.name == QLatin1String("Production"))
            production = ws.id;
        if (ws.name == QLatin1String("Staging"))
            staging = ws;
    }
    QVERIFY(!production.isEmpty() && !staging.id.isEmpty());
    ApiKey stagingKey;
    for (const ApiKey &key : snapshot.keys) {
        if (key.keyType() == KeyType::WorkspaceService && staging.matches(key.workspaceId))
            stagingKey = key; // keys may name their workspace by id or slug
    }
    QVERIFY(!stagingKey.id.isEmpty());
    QAction *newKey = window->action(QStringLiteral("actionNewKey"));
    QAction *revoke = window->action(QStringLiteral("actionRevoke"));
    QVERIFY(window->selectKey(stagingKey.id));
    QVERIFY(revoke->isEnabled());

    // The owner previews a manager of Production: keys elsewhere are out of reach.
    QVERIFY(window->setViewAs(production, QStringLiteral("manager")));
    QVERIFY(window->isPreviewing());
    QVERIFY(newKey->isEnabled());
    QVERIFY(!revoke->isEnabled());
    QVERIFY2(revoke->toolTip().contains(QStringLiteral("Staging")), qPrintable(revoke->toolTip()));
    QVERIFY(
        labelText(window, "principalLabel").startsWith(QStringLiteral("Previewing as workspace manager")));

    // … and a member of Production: no key management at all.
    QVERIFY(window->setViewAs(production, QStringLiteral("member")));
    QVERIFY(!newKey->isEnabled());
    QVERIFY(newKey->toolTip().startsWith(QStringLiteral("Not available:")));

    // Back to the real principal.
    QVERIFY(window->setViewAs({}, {}));
    QVERIFY(!window->isPreviewing());
    QVERIFY(newKey->isEnabled());
    QVERIFY(revoke->isEnabled());
    QVERIFY(labelText(window, "principalLabel").startsWith(QStringLiteral("Acting as:")));

    // A workspace manager cannot preview other roles.
    options.persona = QStringLiteral("manager");
    std::unique_ptr<AppController> managerApp = startApp(options, &ok);
    QVERIFY(ok);
    QVERIFY(!managerApp->mainWindow()->setViewAs(production, QStringLiteral("member")));
    QVERIFY(!managerApp->mainWindow()->isPreviewing());
}

void TestMainWindow::forbiddenTeachesMissingScope()
{
    StartOptions options;
    options.sandbox = true;
    bool ok = false;
    std::unique_ptr<AppController> app = startApp(options, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    QAction *newKey = window->action(QStringLiteral("actionNewKey"));
    QVERIFY(newKey->isEnabled());

    // The server refuses the create although the policy allowed it (an organisation security setting).
    sandbox::Fault forbidden;
    forbidden.method = QStringLiteral("POST");
    forbidden.pathPattern = QStringLiteral("^/v1/api-keys/.*");
    forbidden.status = 403;
    forbidden.code = QStringLiteral("AB03");
    app->sandbox()->server()->injectFault(forbidden);

    QPointer<NewKeyDialog> dialog;
    setDialogHook([&](QDialog *d) -> int {
        dialog = qobject_cast<NewKeyDialog *>(d);
        if (!dialog)
            return QDialog::Rejected;
        dialog->findChild<QLineEdit *>(QStringLiteral("keyName"))->setText(QStringLiteral("Refused key"));
        dialog->findChild<ScopePicker *>(QStringLiteral("scopePicker"))
            ->setScopes({QStringLiteral("completions.write")});
        dialog->accept();
        return kDialogStaysOpen;
    });
    newKey->trigger();
    QVERIFY(dialog);
    const QString scope = QStringLiteral("workspace_service_api_keys.create");
    QTRY_VERIFY_WITH_TIMEOUT(allText(dialog).contains(scope), 20000);
    QVERIFY(allText(dialog).contains(QStringLiteral("probably lacks")));
    // The policy learned it: New service key is now disabled with the reason.
    QVERIFY(!newKey->isEnabled());
    QVERIFY2(newKey->toolTip().contains(scope), qPrintable(newKey->toolTip()));
    dialog->reject();
}

void TestMainWindow::unreadableCacheOffersRebuild()
{
    // A saved profile (a sandbox run starts from a fresh cache every time), connected through the dialog
    // to the in-process sandbox over HTTP.
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const std::optional<sandbox::Persona> owner = server.persona(QStringLiteral("owner"));
    QVERIFY(owner);
    setDialogHook([&](QDialog *dialog) -> int {
        auto *connect = qobject_cast<ConnectDialog *>(dialog);
        if (!connect)
            return QDialog::Rejected;
        connect->findChild<QRadioButton *>(QStringLiteral("connectSelfHosted"))->setChecked(true);
        connect->findChild<QLineEdit *>(QStringLiteral("connectUrl"))->setText(server.baseUrl().toString());
        connect->findChild<QLineEdit *>(QStringLiteral("connectName"))->setText(QStringLiteral("Damaged"));
        connect->findChild<QLineEdit *>(QStringLiteral("connectKey"))->setText(owner->apiKey);
        return QDialog::Accepted;
    });
    bool ok = false;
    std::unique_ptr<AppController> first = startApp({}, &ok);
    QVERIFY(ok);
    const QString path = CacheStore::defaultPath(first->session()->profile().id);
    first.reset();
    setDialogHook({});
    StartOptions options;
    options.profileName = QStringLiteral("Damaged");

    // Damage the cache file: same size, other bytes.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 size = file.size();
    QVERIFY(size > 0);
    file.write(QByteArray(int(size), 'x'));
    file.close();

    std::unique_ptr<AppController> app = startApp(options, &ok);
    QVERIFY(!ok);
    MainWindow *window = app->mainWindow();
    QVERIFY(window);
    QCOMPARE(app->session()->state(), Session::State::CacheProblem);
    QCOMPARE(window->messageBar()->kind(), MessageBar::Kind::Error);
    QCOMPARE(window->messageBar()->actionText(), QStringLiteral("Rebuild from server"));
    QVERIFY(!window->action(QStringLiteral("actionSync"))->isEnabled());

    QSignalSpy done(window, &MainWindow::syncCompleted);
    QVERIFY(window->messageBar()->triggerAction());
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().first().toBool(), true);
    QVERIFY(window->findChild<QTableView *>(QStringLiteral("keysTable"))->model()->rowCount() >= 40);
    // The unreadable file was kept aside, not deleted.
    const QStringList aside =
        QFileInfo(path).dir().entryList({QFileInfo(path).fileName() + QStringLiteral(".*")});
    QVERIFY2(!aside.isEmpty(), qPrintable(QFileInfo(path).dir().entryList().join(QLatin1Char(' '))));
}

void TestMainWindow::screenshotOption()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("shot.png"));
    QProcess app;
    app.setProcessChannelMode(QProcess::SeparateChannels);
    app.start(QStringLiteral(PK_GUI_BINARY),
              {QStringLiteral("--sandbox"), QStringLiteral("--screenshot"), png});
    QVERIFY(app.waitForFinished(120000));
    QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0,
             app.readAllStandardError().constData());
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);

    // A path that cannot be written gives a non-zero exit and a message.
    QProcess bad;
    bad.start(QStringLiteral(PK_GUI_BINARY), {QStringLiteral("--sandbox"), QStringLiteral("--screenshot"),
                                              dir.filePath(QStringLiteral("missing/dir/shot.png"))});
    QVERIFY(bad.waitForFinished(120000));
    QVERIFY(bad.exitCode() != 0);
    QVERIFY(bad.readAllStandardError().contains("screenshot"));
}

void TestMainWindow::commandLineErrors()
{
    const auto run = [](const QStringList &arguments, QByteArray *errorText) {
        QProcess app;
        app.start(QStringLiteral(PK_GUI_BINARY), arguments);
        if (!app.waitForFinished(60000))
            return -1;
        *errorText = app.readAllStandardError();
        return app.exitCode();
    };
    QByteArray error;
    QCOMPARE(
        run({QStringLiteral("--sandbox"), QStringLiteral("--persona"), QStringLiteral("nobody")}, &error), 3);
    QVERIFY2(error.contains("owner") && error.contains("manager"), error.constData()); // lists the personas
    QCOMPARE(run({QStringLiteral("--persona"), QStringLiteral("owner")}, &error), 2);
    QVERIFY(error.contains("--sandbox"));
    QCOMPARE(run({QStringLiteral("--profile"), QStringLiteral("No such profile")}, &error), 2);
    QVERIFY(error.contains("No such profile"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
