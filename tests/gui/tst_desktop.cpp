// The desktop experience around the main window, offscreen, against the real in-process sandbox over HTTP,
// the real SQLCipher cache and the real keyring of the test command's D-Bus session: preferences, local
// and UTC instants in the details pane, the expiry notice, the "Admin keys" node, progress with Cancel for
// sync and bulk revoke, shortcuts, menus and tab order. Runs with TZ=Europe/Berlin (tests/gui/CMakeLists.txt)
// so local time differs from UTC.

#include "guitestsupport.h"
#include "ui/actioncontroller.h"
#include "ui/appcontroller.h"
#include "ui/detailspane.h"
#include "ui/dialoghook.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"
#include "ui/preferencesdialog.h"
#include "ui/shortcutsdialog.h"

#include "access/accesspolicy.h"
#include "models/keyfilterproxy.h"
#include "models/keylist.h"
#include "models/keytablemodel.h"
#include "models/navigation.h"
#include "models/navigationmodel.h"
#include "sandbox/sandboxserver.h"
#include "storage/profilestore.h"
#include "sync/sandboxlauncher.h"
#include "sync/session.h"
#include "ui/keys/clipboardservice.h"
#include "ui/keys/dialoghooks.h"
#include "ui/keys/revokedialog.h"
#include "ui/keys/secretdialog.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace pk;
using namespace pk::ui;

namespace {

using pktest::startSandbox;

/// pktest::resetAppState() and the default preferences: the clipboard cleared after 30 s, expiry warnings
/// 7 days ahead.
void resetAppState()
{
    pktest::resetAppState();
    ProfileStore store;
    store.setClipboardClearDelaySeconds(30);
    store.setExpiryWarningDays(7);
    store.sync();
}

QTableView *keysTable(const MainWindow *window)
{
    return window->findChild<QTableView *>(QStringLiteral("keysTable"));
}

const models::KeyFilterProxy *keysProxy(const MainWindow *window)
{
    return qobject_cast<const models::KeyFilterProxy *>(keysTable(window)->model());
}

const models::KeyTableModel *keyModel(const MainWindow *window)
{
    return qobject_cast<const models::KeyTableModel *>(keysProxy(window)->sourceModel());
}

/// Selects the keys with `ids` in the table (all must be visible).
void selectKeys(MainWindow *window, const QStringList &ids)
{
    QTableView *table = keysTable(window);
    QItemSelection selection;
    for (const QString &id : ids) {
        const QModelIndex index = keysProxy(window)->indexForId(id);
        QVERIFY2(index.isValid(), qPrintable(id));
        selection.select(index, index);
    }
    table->selectionModel()->select(selection,
                                    QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

/// `count` workspace service keys of the snapshot that `principal` may revoke, by name.
QStringList revocableServiceKeys(const Session *session, int count)
{
    QList<ApiKey> keys;
    for (const ApiKey &key : session->snapshot().keys) {
        if (key.keyType() == KeyType::WorkspaceService &&
            access::AccessPolicy::decide(session->principal(), access::Action::ServiceKeyDelete,
                                         access::Target::forKey(key))
                .allowed &&
            key.id != session->principal().keyId)
            keys.append(key);
    }
    std::sort(keys.begin(), keys.end(), [](const ApiKey &a, const ApiKey &b) { return a.name < b.name; });
    QStringList ids;
    for (int i = 0; i < count && i < keys.size(); ++i)
        ids.append(keys.at(i).id);
    return ids;
}

bool snapshotHasKey(const Session *session, const QString &id)
{
    const QList<ApiKey> &keys = session->snapshot().keys;
    return std::any_of(keys.cbegin(), keys.cend(), [&](const ApiKey &k) { return k.id == id; });
}

} // namespace

class TestDesktop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void preferencesSavedAndApplied();
    void detailsShowLocalAndUtc();
    void rotationShowsOldSecretWindow();
    void expiryNoticeFiltersTable();
    void expiryNoticeOnlyForManageableKeys();
    void adminKeysNodeFollowsPermission();
    void navigationAdminNodeToggles();
    void syncProgressHasCancel();
    void bulkRevokeShowsProgress();
    void bulkRevokeCancelStopsBetweenKeys();
    void shortcutsMenusAndTabOrder();
};

void TestDesktop::initTestCase()
{
    pktest::initAppTestCase();
}

void TestDesktop::init()
{
    resetAppState();
}

void TestDesktop::cleanup()
{
    setDialogHook({});
    DialogHooks::question = {};
    resetAppState();
}

void TestDesktop::preferencesSavedAndApplied()
{
    {
        ProfileStore store;
        store.setClipboardClearDelaySeconds(45);
        store.setExpiryWarningDays(14);
        QVERIFY(store.sync());
    }
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    // Start-up applies the stored settings.
    QCOMPARE(window->clipboardService()->clearDelayMs(), 45000);
    QCOMPARE(keyModel(window)->expiryWarningDays(), 14);

    QAction *preferences = window->action(QStringLiteral("actionPreferences"));
    QVERIFY(preferences);
    QCOMPARE(preferences->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Comma));

    // Cancel changes nothing.
    int dialogs = 0;
    setDialogHook([&](QDialog *dialog) -> int {
        ++dialogs;
        auto *prefs = qobject_cast<PreferencesDialog *>(dialog);
        if (!prefs)
            return QDialog::Rejected;
        prefs->findChild<QSpinBox *>(QStringLiteral("clipboardClearDelay"))->setValue(300);
        return QDialog::Rejected;
    });
    preferences->trigger();
    QCOMPARE(dialogs, 1);
    QCOMPARE(window->clipboardService()->clearDelayMs(), 45000);

    // The ranges: a secret is always cleared (5–600 s); warnings 0–90 days. OK saves and applies at once.
    QString rangeProblem;
    setDialogHook([&](QDialog *dialog) -> int {
        ++dialogs;
        auto *prefs = qobject_cast<PreferencesDialog *>(dialog);
        if (!prefs)
            return QDialog::Rejected;
        auto *clipboard = prefs->findChild<QSpinBox *>(QStringLiteral("clipboardClearDelay"));
        auto *warning = prefs->findChild<QSpinBox *>(QStringLiteral("expiryWarningDays"));
        if (!clipboard || !warning)
            rangeProblem = QStringLiteral("missing spin boxes");
        else if (clipboard->value() != 45 || warning->value() != 14)
            rangeProblem = QStringLiteral("does not show the current values");
        else if (clipboard->minimum() != 5 || clipboard->maximum() != 600 || warning->minimum() != 0 ||
                 warning->maximum() != 90)
            rangeProblem = QStringLiteral("wrong ranges");
        clipboard->setValue(0); // clamped to the minimum: "never" is not possible
        if (clipboard->value() != 5)
            rangeProblem = QStringLiteral("0 s accepted");
        clipboard->setValue(120);
        warning->setValue(30);
        prefs->adjustSize();
        prefs->grab().save(QStringLiteral("preferencesdialog.png"));
        return QDialog::Accepted;
    });
    window->show();
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window));
    QTest::keySequence(window, QKeySequence(Qt::CTRL | Qt::Key_Comma));
    QCOMPARE(dialogs, 2);
    QVERIFY2(rangeProblem.isEmpty(), qPrintable(rangeProblem));
    QCOMPARE(window->clipboardService()->clearDelayMs(), 120000);
    QCOMPARE(keyModel(window)->expiryWarningDays(), 30);
    ProfileStore reread;
    QCOMPARE(reread.clipboardClearDelaySeconds(), 120);
    QCOMPARE(reread.expiryWarningDays(), 30);
}

void TestDesktop::detailsShowLocalAndUtc()
{
    QCOMPARE(QDateTime(QDate(2026, 12, 3), QTime(13, 5), Qt::UTC)
                 .toLocalTime()
                 .toString(QStringLiteral("HH:mm t")),
             QStringLiteral("14:05 CET")); // TZ=Europe/Berlin (tests/gui/CMakeLists.txt)
    ApiKey key;
    key.id = QStringLiteral("k-1");
    key.name = QStringLiteral("Rotating key");
    key.type = QStringLiteral("workspace-service");
    key.status = QStringLiteral("active");
    key.expiresAt = Timestamp::fromUtc(QDateTime(QDate(2026, 12, 31), QTime(23, 30), Qt::UTC));
    key.keyTransitionExpiresAt = Timestamp::fromUtc(QDateTime(QDate(2026, 12, 3), QTime(13, 5), Qt::UTC));
    const QDateTime now(QDate(2026, 12, 3), QTime(12, 0), Qt::UTC);

    DetailsPane pane;
    pane.showKey(&key, QStringLiteral("Production"), now);
    QVERIFY2(pane.fieldText(QStringLiteral("Rotation"))
                 .contains(QStringLiteral("old secret valid until 2026-12-03 14:05 CET (13:05 UTC)")),
             qPrintable(pane.fieldText(QStringLiteral("Rotation"))));
    // Expiry: local (next day in Berlin) and the UTC instant with its own date.
    QVERIFY2(pane.fieldText(QStringLiteral("Expires")) ==
                 QStringLiteral("2027-01-01 00:30 CET (2026-12-31 23:30 UTC)"),
             qPrintable(pane.fieldText(QStringLiteral("Expires"))));

    // After the transition period the rotation state is gone.
    pane.showKey(&key, QStringLiteral("Production"), now.addSecs(3600 * 2));
    QVERIFY(!pane.fieldText(QStringLiteral("Rotation")).contains(QStringLiteral("old secret")));
}

void TestDesktop::rotationShowsOldSecretWindow()
{
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    Session *session = app->session();
    const QStringList ids = revocableServiceKeys(session, 1);
    QCOMPARE(ids.size(), 1);
    QVERIFY(window->selectKey(ids.first()));
    int secrets = 0;
    setDialogHook([&](QDialog *dialog) -> int {
        if (dialog->objectName() == QLatin1String("rotateDialog")) {
            dialog->accept();
            return QDialog::Accepted;
        }
        if (qobject_cast<SecretDialog *>(dialog)) {
            ++secrets;
            return QDialog::Accepted;
        }
        return QDialog::Rejected;
    });
    window->action(QStringLiteral("actionRotate"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(secrets, 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(window->detailsPane()
                                 ->fieldText(QStringLiteral("Rotation"))
                                 .contains(QStringLiteral("old secret valid until")),
                             20000);
    const QString rotation = window->detailsPane()->fieldText(QStringLiteral("Rotation"));
    QVERIFY2(rotation.contains(QStringLiteral(" CET (")) && rotation.contains(QStringLiteral(" UTC)")),
             qPrintable(rotation));
}

void TestDesktop::expiryNoticeFiltersTable()
{
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    Session *session = app->session();
    const QStringList ids = window->attentionKeyIds();
    QVERIFY2(ids.size() >= 2, "the sandbox seeds keys that expire soon and an exhausted one");

    // Every named key needs attention by the rules, and every such key is named (the owner manages all).
    const QDateTime horizon = QDateTime::currentDateTimeUtc().addDays(7);
    int expiring = 0;
    int exhausted = 0;
    for (const ApiKey &key : session->snapshot().keys) {
        const bool soon =
            key.keyStatus() == KeyStatus::Active && key.expiresAt.isValid() && key.expiresAt.utc() <= horizon;
        const bool used = key.keyStatus() == KeyStatus::Exhausted;
        QCOMPARE(ids.contains(key.id), soon || used);
        expiring += soon ? 1 : 0;
        exhausted += used ? 1 : 0;
    }
    QVERIFY(expiring > 0 && exhausted > 0);

    MessageBar *bar = window->messageBar();
    QVERIFY(bar->isVisible());
    QCOMPARE(bar->kind(), MessageBar::Kind::Warning);
    QVERIFY2(bar->text().startsWith(QStringLiteral("%1 keys you manage expire within 7 days").arg(expiring)),
             qPrintable(bar->text()));
    QVERIFY2(bar->text().contains(QStringLiteral("reached")), qPrintable(bar->text()));
    QCOMPARE(bar->actionText(), QStringLiteral("Show them"));

    // "Show them" filters the table to exactly those keys, whatever filters were on.
    window->findChild<QLineEdit *>(QStringLiteral("searchBox"))
        ->setText(QStringLiteral("no such key at all"));
    QVERIFY(bar->triggerAction());
    QTableView *table = keysTable(window);
    QCOMPARE(table->model()->rowCount(), int(ids.size()));
    QStringList shown;
    for (int r = 0; r < table->model()->rowCount(); ++r)
        shown.append(table->model()->index(r, 0).data(models::KeyList::IdRole).toString());
    QStringList expected = ids;
    shown.sort();
    expected.sort();
    QCOMPARE(shown, expected);
    QCOMPARE(window->keyIdFilter(), expected);
    auto *strip = window->findChild<QWidget *>(QStringLiteral("keyIdFilter"));
    QVERIFY(strip && strip->isVisible());
    window->grab().save(QStringLiteral("mainwindow-attention.png"));

    // "Show all keys" ends it.
    QTest::mouseClick(window->findChild<QToolButton *>(QStringLiteral("keyIdFilterClear")), Qt::LeftButton);
    QVERIFY(!strip->isVisible());
    QVERIFY(window->keyIdFilter().isEmpty());
    QCOMPARE(table->model()->rowCount(), int(session->snapshot().keys.size()));

    // With a 0-day window only the exhausted keys remain; the next sync says so.
    window->applyPreferences(30, 0);
    QCOMPARE(int(window->attentionKeyIds().size()), exhausted);
    QSignalSpy synced(window, &MainWindow::syncCompleted);
    window->sync();
    QTRY_COMPARE_WITH_TIMEOUT(synced.size(), 1, 20000);
    QVERIFY2(!bar->text().contains(QStringLiteral("expire")) &&
                 bar->text().contains(QStringLiteral("usage limit")),
             qPrintable(bar->text()));
}

void TestDesktop::expiryNoticeOnlyForManageableKeys()
{
    // A read-only Admin API key manages no key: no notice, whatever expires.
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox(QStringLiteral("readonly-admin"), &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    QVERIFY(window->attentionKeyIds().isEmpty());
    QVERIFY(!window->messageBar()->text().contains(QStringLiteral("you manage")));

    // A workspace manager is told only about keys of the workspace it manages.
    std::unique_ptr<AppController> manager = startSandbox(QStringLiteral("manager"), &ok);
    QVERIFY(ok);
    const access::Principal principal = manager->session()->principal();
    for (const QString &id : manager->mainWindow()->attentionKeyIds()) {
        const ApiKey *key = keyModel(manager->mainWindow())->keyById(id);
        QVERIFY(key);
        const auto action = access::keyAction(key->keyType(), access::KeyVerb::Update);
        QVERIFY(action);
        QVERIFY(access::AccessPolicy::decide(principal, *action, access::Target::forKey(*key)).allowed);
    }
}

void TestDesktop::adminKeysNodeFollowsPermission()
{
    bool ok = false;
    std::unique_ptr<AppController> owner = startSandbox({}, &ok);
    QVERIFY(ok);
    auto *nav = owner->mainWindow()->findChild<QTreeView *>(QStringLiteral("navigation"));
    QVERIFY(nav);
    QAbstractItemModelTester ownerTester(nav->model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QModelIndex org = nav->model()->index(0, 0);
    const QModelIndex adminNode = nav->model()->index(0, 0, org);
    QCOMPARE(models::Navigation::NodeKind(adminNode.data(models::Navigation::NodeKindRole).toInt()),
             models::Navigation::NodeKind::AdminKeys);
    QVERIFY(adminNode.flags().testFlag(Qt::ItemIsEnabled));
    QVERIFY(adminNode.flags().testFlag(Qt::ItemIsSelectable));

    // A workspace service key cannot list Admin API keys (ROLES.md): the node is greyed out with the reason.
    std::unique_ptr<AppController> manager = startSandbox(QStringLiteral("manager"), &ok);
    QVERIFY(ok);
    MainWindow *window = manager->mainWindow();
    auto *managerNav = window->findChild<QTreeView *>(QStringLiteral("navigation"));
    QAbstractItemModelTester tester(managerNav->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QModelIndex managerAdmin = managerNav->model()->index(0, 0, managerNav->model()->index(0, 0));
    QCOMPARE(managerAdmin.data(models::Navigation::IdRole).toString(), QStringLiteral("admin-keys"));
    QVERIFY(!managerAdmin.flags().testFlag(Qt::ItemIsEnabled));
    QVERIFY(!managerAdmin.flags().testFlag(Qt::ItemIsSelectable));
    const access::Decision decision =
        access::AccessPolicy::decide(manager->session()->principal(), access::Action::AdminKeyList);
    QVERIFY(!decision.allowed);
    QCOMPARE(managerAdmin.data(Qt::ToolTipRole).toString(), ActionController::reasonFor(decision));
    // Clicking it does not select it.
    managerNav->setCurrentIndex(managerAdmin);
    QVERIFY(managerNav->currentIndex() != managerAdmin);
    // A sync keeps the model consistent (the tester watches every signal).
    QSignalSpy synced(window, &MainWindow::syncCompleted);
    window->sync();
    QTRY_COMPARE_WITH_TIMEOUT(synced.size(), 1, 20000);
    QVERIFY(!managerAdmin.flags().testFlag(Qt::ItemIsEnabled));
}

void TestDesktop::navigationAdminNodeToggles()
{
    models::NavigationModel nav;
    QAbstractItemModelTester tester(&nav, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Workspace production;
    production.id = QStringLiteral("ws-1");
    production.name = QStringLiteral("Production");
    nav.setWorkspaces({production});
    const QPersistentModelIndex admin = nav.adminKeysIndex();
    QSignalSpy changed(&nav, &QAbstractItemModel::dataChanged);
    QVERIFY(nav.adminKeysListable());

    nav.setAdminKeysListable(
        false, QStringLiteral("Not available: key lacks `organisation_service_api_keys.list`."));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>(), QModelIndex(admin));
    QCOMPARE(nav.flags(admin), Qt::NoItemFlags);
    QVERIFY(admin.data(Qt::ToolTipRole).toString().contains(QStringLiteral("lacks")));
    QCOMPARE(nav.rowCount(nav.organisationIndex()), 2); // the node stays; rows do not move
    QVERIFY(nav.flags(nav.indexForWorkspace(QStringLiteral("ws-1"))).testFlag(Qt::ItemIsSelectable));

    nav.setAdminKeysListable(
        false, QStringLiteral("Not available: key lacks `organisation_service_api_keys.list`."));
    QCOMPARE(changed.size(), 1); // nothing changed, nothing emitted

    nav.setAdminKeysListable(true);
    QCOMPARE(changed.size(), 2);
    QVERIFY(nav.flags(admin).testFlag(Qt::ItemIsEnabled));
    QCOMPARE(admin.data(Qt::ToolTipRole).toString(), QStringLiteral("Organisation-level Admin API keys"));
}

void TestDesktop::syncProgressHasCancel()
{
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    window->show();
    auto *progress = window->findChild<QProgressBar *>(QStringLiteral("syncProgress"));
    auto *cancel = window->findChild<QToolButton *>(QStringLiteral("syncCancel"));
    QAction *cancelAction = window->action(QStringLiteral("actionCancel"));
    QVERIFY(progress && cancel && cancelAction);
    QVERIFY(!progress->isVisible());
    QVERIFY(!cancel->isVisible());
    QVERIFY(!cancelAction->isEnabled()); // Escape does nothing while idle
    QCOMPARE(cancelAction->shortcut(), QKeySequence(Qt::Key_Escape));

    QSignalSpy finished(app->session(), &Session::syncFinished);
    window->action(QStringLiteral("actionSync"))->trigger();
    QVERIFY(app->session()->isSyncing());
    QVERIFY(progress->isVisible());
    QVERIFY(cancel->isVisible());
    QVERIFY(cancelAction->isEnabled());
    QVERIFY(!window->action(QStringLiteral("actionSync"))->isEnabled());
    window->grab().save(QStringLiteral("mainwindow-syncing.png"));
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QCOMPARE(finished.first().first().value<ApiError>().kind, ApiError::Kind::Cancelled);
    QVERIFY(!progress->isVisible());
    QVERIFY(!cancel->isVisible());
    QVERIFY(!cancelAction->isEnabled());
    QVERIFY(window->messageBar()->kind() != MessageBar::Kind::Error || !window->messageBar()->isVisible());
    QVERIFY(window->action(QStringLiteral("actionSync"))->isEnabled());
}

void TestDesktop::bulkRevokeShowsProgress()
{
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    Session *session = app->session();
    sandbox::SandboxServer *server = app->sandbox()->server();
    const QStringList ids = revocableServiceKeys(session, 3);
    QCOMPARE(ids.size(), 3);
    selectKeys(window, ids);
    QCOMPARE(window->selectedKeyIds().size(), 3);

    int revokeDialogs = 0;
    setDialogHook([&](QDialog *dialog) -> int {
        if (qobject_cast<RevokeDialog *>(dialog)) {
            ++revokeDialogs;
            return QDialog::Accepted;
        }
        return QDialog::Rejected;
    });
    auto *progress = window->findChild<QProgressBar *>(QStringLiteral("syncProgress"));
    QStringList formats;
    connect(progress, &QProgressBar::valueChanged, this, [&] { formats.append(progress->format()); });
    server->clearRecordedRequests();

    QAction *revoke = window->action(QStringLiteral("actionRevoke"));
    revoke->trigger();
    QCOMPARE(revokeDialogs, 1);
    QVERIFY(window->isRevoking());
    QCOMPARE(progress->format(), QStringLiteral("Revoking 1 of 3…"));
    QVERIFY(!progress->isHidden());
    // It cannot be started twice: the action is disabled, and calling the slot asks nothing.
    QVERIFY(!revoke->isEnabled());
    window->revokeSelected();
    QCOMPARE(revokeDialogs, 1);

    QTRY_VERIFY_WITH_TIMEOUT(!window->isRevoking(), 30000);
    QVERIFY2(formats.contains(QStringLiteral("Revoking 2 of 3…")) &&
                 formats.contains(QStringLiteral("Revoking 3 of 3…")),
             qPrintable(formats.join(QLatin1String(" | "))));
    QVERIFY(progress->isHidden());
    QCOMPARE(window->messageBar()->text(), QStringLiteral("Revoked 3 keys."));
    for (const QString &id : ids)
        QVERIFY(!snapshotHasKey(session, id));
    int deletes = 0;
    for (const sandbox::RecordedRequest &r : server->recordedRequests())
        deletes += r.method == QLatin1String("DELETE") ? 1 : 0;
    QCOMPARE(deletes, 3); // one DELETE per key, none repeated
}

void TestDesktop::bulkRevokeCancelStopsBetweenKeys()
{
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();
    Session *session = app->session();
    const QStringList ids = revocableServiceKeys(session, 3);
    QCOMPARE(ids.size(), 3);
    selectKeys(window, ids);
    setDialogHook([](QDialog *dialog) -> int {
        return qobject_cast<RevokeDialog *>(dialog) ? int(QDialog::Accepted) : int(QDialog::Rejected);
    });
    window->action(QStringLiteral("actionRevoke"))->trigger();
    QVERIFY(window->isRevoking());
    QVERIFY(window->action(QStringLiteral("actionCancel"))->isEnabled());
    window->show();
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window));
    QTest::keyClick(window, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!window->isRevoking(), 30000);
    // The key in flight was revoked; the other two were never sent and are unchanged.
    QVERIFY(!snapshotHasKey(session, ids.at(0)));
    QVERIFY(snapshotHasKey(session, ids.at(1)));
    QVERIFY(snapshotHasKey(session, ids.at(2)));
    const QString text = window->messageBar()->text();
    QVERIFY2(text.contains(QStringLiteral("Revoked 1 key;")) &&
                 text.contains(QStringLiteral("Stopped before 2 keys, which are unchanged")),
             qPrintable(text));
    QVERIFY(window->action(QStringLiteral("actionRevoke"))->isEnabled());
}

void TestDesktop::shortcutsMenusAndTabOrder()
{
    bool ok = false;
    std::unique_ptr<AppController> app = startSandbox({}, &ok);
    QVERIFY(ok);
    MainWindow *window = app->mainWindow();

    // Every menu action has a shortcut (except About and the "View as" choices), and none is used twice.
    const QList<QAction *> actions = ShortcutsDialog::menuActions(window->menuBar());
    QVERIFY(actions.size() >= 15);
    auto *viewAs = window->findChild<QMenu *>(QStringLiteral("menuViewAs"));
    QVERIFY(viewAs);
    QHash<QKeySequence, QString> seen;
    for (const QAction *action : actions) {
        if (action->objectName() == QLatin1String("actionAbout") || viewAs->actions().contains(action))
            continue;
        QVERIFY2(!action->shortcuts().isEmpty(), qPrintable(ShortcutsDialog::plainText(action)));
        for (const QKeySequence &sequence : action->shortcuts()) {
            QVERIFY2(!seen.contains(sequence),
                     qPrintable(QStringLiteral("%1 used by %2 and %3")
                                    .arg(sequence.toString(), seen.value(sequence), action->text())));
            seen.insert(sequence, action->text());
        }
    }
    // Every user action of the window is in a menu (the gating-only ones are not user actions).
    for (const char *name :
         {"actionSync", "actionCancel", "actionNewKey", "actionEdit", "actionRotate", "actionRevoke",
          "actionCopyId", "actionFind", "actionPreferences", "actionQuit", "actionShowKeysTab",
          "actionShowMembersTab", "actionShowUsersTab", "actionShortcuts", "actionWhoAmI", "actionAbout"}) {
        QAction *action = window->action(QString::fromLatin1(name));
        QVERIFY2(action && actions.contains(action), name);
    }

    // Help → Keyboard shortcuts lists them, generated from the menus.
    QStringList rows;
    setDialogHook([&](QDialog *dialog) -> int {
        if (auto *shortcuts = qobject_cast<ShortcutsDialog *>(dialog)) {
            rows = shortcuts->rows();
            shortcuts->grab().save(QStringLiteral("shortcutsdialog.png"));
        }
        return QDialog::Accepted;
    });
    window->action(QStringLiteral("actionShortcuts"))->trigger();
    const QString native = QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R).toString(QKeySequence::NativeText);
    QVERIFY2(rows.contains(QStringLiteral("Keys / Rotate\t") + native),
             qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY(rows.contains(QStringLiteral("Edit / Preferences\t") +
                          QKeySequence(Qt::CTRL | Qt::Key_Comma).toString(QKeySequence::NativeText)));
    QVERIFY(rows.contains(QStringLiteral("File / Sync\t") +
                          QKeySequence(Qt::Key_F5).toString(QKeySequence::NativeText) + QStringLiteral(", ") +
                          QKeySequence(Qt::CTRL | Qt::Key_R).toString(QKeySequence::NativeText)));
    int withShortcut = 0;
    for (const QAction *action : actions)
        withShortcut += action->shortcuts().isEmpty() ? 0 : 1;
    QCOMPARE(int(rows.size()), withShortcut);

    // Tab order: navigation, search, type filter, status filter, keys table.
    window->show();
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window));
    QStringList order;
    QWidget *start = window->findChild<QWidget *>(QStringLiteral("navigation"));
    start->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(start->hasFocus());
    order.append(start->objectName());
    for (int i = 0; i < 4; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        order.append(QApplication::focusWidget() ? QApplication::focusWidget()->objectName() : QString());
    }
    QCOMPARE(order, (QStringList{QStringLiteral("navigation"), QStringLiteral("searchBox"),
                                 QStringLiteral("typeFilter"), QStringLiteral("statusFilter"),
                                 QStringLiteral("keysTable")}));
    QTest::qWait(50); // let pending layout requests run before the picture
    window->grab().save(QStringLiteral("mainwindow.png"));
}

QTEST_MAIN(TestDesktop)
#include "tst_desktop.moc"
