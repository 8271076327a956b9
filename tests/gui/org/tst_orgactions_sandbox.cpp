// The organisation actions of the main window end to end, offscreen, against the real in-process sandbox
// over HTTP on 127.0.0.1, the real SQLCipher cache and the real keyring of the test command's D-Bus session:
// each action's enabled state and reason per persona (issue 5 "Gating in the UI"), and as the owner the
// whole life of a workspace through the dialogs, answered by the dialog hook: create, rename, add a member,
// change their role, remove them, invite a person and delete the invite, read these writes back from the
// audit log, and delete the workspace (409 while it holds a key, then with its keys).

#include "../guitestsupport.h"

#include "access/accesspolicy.h"
#include "models/auditlogtablemodel.h"
#include "models/memberlist.h"
#include "models/navigation.h"
#include "models/navigationmodel.h"
#include "models/userlist.h"
#include "sandbox/sandboxserver.h"
#include "sync/sandboxlauncher.h"
#include "sync/session.h"
#include "ui/actioncontroller.h"
#include "ui/dialoghook.h"
#include "ui/keys/clipboardservice.h"
#include "ui/keys/dialoghooks.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"
#include "ui/org/auditlogdialog.h"
#include "ui/org/invitesdialog.h"
#include "ui/org/orgactions.h"
#include "ui/org/orgdialogs.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeView>

using namespace pk;
using namespace pk::ui;

namespace {

/// Generous: the CI machine is slow and shared; each wait ends as soon as its condition holds.
constexpr int kServerTimeoutMs = 60000;

const Workspace *workspaceNamed(const Session *session, const QString &name)
{
    for (const Workspace &ws : session->snapshot().workspaces) {
        if (ws.name == name)
            return &ws;
    }
    return nullptr;
}

std::optional<WorkspaceMember> memberOf(const Session *session, const QString &workspaceId,
                                        const QString &userId)
{
    for (const WorkspaceMember &m : session->snapshot().members.value(workspaceId)) {
        if (m.id == userId)
            return m;
    }
    return std::nullopt;
}

/// Selects `workspaceId` in the window's navigation.
bool selectWorkspace(MainWindow *window, const QString &workspaceId)
{
    auto *nav = window->findChild<QTreeView *>(QStringLiteral("navigation"));
    auto *model = nav ? qobject_cast<models::NavigationModel *>(nav->model()) : nullptr;
    const QModelIndex index = model ? model->indexForWorkspace(workspaceId) : QModelIndex();
    if (!index.isValid())
        return false;
    nav->setCurrentIndex(index);
    return true;
}

/// Shows the tab holding `viewName` and selects the row whose `role` is `value`.
bool selectRow(MainWindow *window, const QString &viewName, int role, const QString &value)
{
    auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("mainTabs"));
    auto *view = window->findChild<QTableView *>(viewName);
    if (!tabs || !view)
        return false;
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->widget(i) == view || tabs->widget(i)->isAncestorOf(view))
            tabs->setCurrentIndex(i);
    }
    QAbstractItemModel *model = view->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(role).toString() == value) {
            view->selectionModel()->setCurrentIndex(model->index(r, 0), QItemSelectionModel::ClearAndSelect |
                                                                            QItemSelectionModel::Rows);
            return true;
        }
    }
    return false;
}

/// Checks `action`'s enabled state and tool tip against `expected`.
void checkGate(const QAction *action, const access::Decision &expected, const QString &context)
{
    QVERIFY2(action, qPrintable(context));
    QVERIFY2(action->isEnabled() == expected.allowed,
             qPrintable(QStringLiteral("%1 %2: enabled %3, policy says %4 (%5); tool tip \"%6\"")
                            .arg(context, action->objectName())
                            .arg(action->isEnabled())
                            .arg(expected.allowed)
                            .arg(expected.reason, action->toolTip())));
    if (!expected.allowed) {
        QCOMPARE(action->toolTip(), ActionController::reasonFor(expected));
        QCOMPARE(action->statusTip(), action->toolTip());
    } else {
        QVERIFY(!action->toolTip().startsWith(QStringLiteral("Not available")));
    }
}

} // namespace

class TestOrgActionsSandbox : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { pktest::initAppTestCase(); }
    void init() { pktest::resetAppState(); }
    void cleanup()
    {
        setDialogHook({});
        DialogHooks::question = {};
    }

    void gatingPerPersona_data()
    {
        QTest::addColumn<QString>("persona");
        for (const char *name :
             {"owner", "admin", "readonly-admin", "ws-admin", "manager", "member", "org-member"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void gatingPerPersona()
    {
        QFETCH(QString, persona);
        bool ok = false;
        auto app = pktest::startSandbox(persona, &ok);
        QVERIFY(ok);
        MainWindow *window = app->mainWindow();
        Session *session = app->session();
        OrgActions *org = window->orgActions();
        QVERIFY(org);
        QTRY_VERIFY_WITH_TIMEOUT(!session->isSyncing(), kServerTimeoutMs);
        const access::Principal principal = session->principal();
        using access::Action;
        const auto decide = [&](Action action, const access::Target &target = {}) {
            return access::AccessPolicy::decide(principal, action, target);
        };

        // Organisation actions.
        checkGate(window->action(QStringLiteral("actionNewWorkspace")), decide(Action::WorkspaceCreate),
                  persona);
        checkGate(window->action(QStringLiteral("actionInvites")), decide(Action::InviteList), persona);
        checkGate(window->action(QStringLiteral("actionInvitePerson")), decide(Action::InviteCreate),
                  persona);
        checkGate(window->action(QStringLiteral("actionAuditLog")), decide(Action::AuditLogList), persona);

        // The invite dialog's buttons follow the same policy.
        {
            InvitesDialog invites(org->commands(), window->clipboardService(),
                                  session->snapshot().workspaces);
            auto *newButton = invites.findChild<QPushButton *>(QStringLiteral("invitesNew"));
            const access::Decision create = decide(Action::InviteCreate);
            QCOMPARE(newButton->isEnabled(), create.allowed);
            if (!create.allowed)
                QCOMPARE(newButton->toolTip(), ActionController::reasonFor(create));
            QVERIFY(!invites.findChild<QPushButton *>(QStringLiteral("invitesDelete"))->isEnabled());
        }

        // The menus and context menus hold the actions.
        auto *workspaceMenu = window->findChild<QMenu *>(QStringLiteral("menuWorkspace"));
        auto *orgMenu = window->findChild<QMenu *>(QStringLiteral("menuOrganisation"));
        QVERIFY(workspaceMenu && orgMenu);
        QVERIFY(workspaceMenu->actions().contains(window->action(QStringLiteral("actionDeleteWorkspace"))));
        QVERIFY(orgMenu->actions().contains(window->action(QStringLiteral("actionAuditLog"))));
        QVERIFY(window->findChild<QTableView *>(QStringLiteral("membersTable"))
                    ->actions()
                    .contains(window->action(QStringLiteral("actionRemoveMember"))));
        QVERIFY(window->findChild<QTableView *>(QStringLiteral("usersTable"))
                    ->actions()
                    .contains(window->action(QStringLiteral("actionRemoveUser"))));

        // Workspace actions at organisation level need a workspace selected first.
        const access::Decision update0 =
            org->decisionFor(window->action(QStringLiteral("actionEditWorkspace")));
        QVERIFY(!update0.allowed);

        // Workspace actions in the first visible workspace; a key that sees none can do none of them.
        if (session->snapshot().workspaces.isEmpty()) {
            for (const char *name : {"actionEditWorkspace", "actionDeleteWorkspace", "actionAddMembers",
                                     "actionChangeMemberRole", "actionRemoveMember"}) {
                QAction *action = window->action(QString::fromLatin1(name));
                QVERIFY2(!action->isEnabled(), name);
                QVERIFY(action->toolTip().startsWith(QStringLiteral("Not available")));
            }
            return;
        }
        const Workspace ws = session->snapshot().workspaces.first();
        QVERIFY(selectWorkspace(window, ws.id));
        const access::Target inWs = access::Target::forWorkspace(ws.id);
        checkGate(window->action(QStringLiteral("actionEditWorkspace")),
                  decide(Action::WorkspaceUpdate, inWs), persona);
        checkGate(window->action(QStringLiteral("actionDeleteWorkspace")),
                  decide(Action::WorkspaceDelete, inWs), persona);
        checkGate(window->action(QStringLiteral("actionAddMembers")), decide(Action::MemberAdd, inWs),
                  persona);

        // Member actions on a selected member (when the persona may list them).
        const QList<WorkspaceMember> members = session->snapshot().members.value(ws.id);
        if (!members.isEmpty() && selectRow(window, QStringLiteral("membersTable"),
                                            models::MemberList::UserIdRole, members.first().id)) {
            access::Target target = inWs;
            target.userId = members.first().id;
            checkGate(window->action(QStringLiteral("actionChangeMemberRole")),
                      decide(Action::MemberUpdateRole, target), persona);
            checkGate(window->action(QStringLiteral("actionRemoveMember")),
                      decide(Action::MemberRemove, target), persona);
        } else {
            QVERIFY(!window->action(QStringLiteral("actionChangeMemberRole"))->isEnabled());
            QVERIFY(!window->action(QStringLiteral("actionRemoveMember"))->isEnabled());
        }

        // User actions: the owner row is never changeable; another user follows the policy.
        for (const User &user : session->snapshot().users) {
            if (!selectRow(window, QStringLiteral("usersTable"), models::UserList::IdRole, user.id))
                continue;
            access::Target target;
            target.userId = user.id;
            target.userRole = user.role;
            checkGate(window->action(QStringLiteral("actionChangeUserRole")),
                      decide(Action::UserUpdateRole, target), persona + QLatin1Char(' ') + user.role);
            checkGate(window->action(QStringLiteral("actionRemoveUser")), decide(Action::UserRemove, target),
                      persona + QLatin1Char(' ') + user.role);
            if (user.role == QLatin1String("owner"))
                QVERIFY(!window->action(QStringLiteral("actionRemoveUser"))->isEnabled());
        }

        // Back on the keys tab, member and user actions say why they are off.
        window->findChild<QTabWidget *>(QStringLiteral("mainTabs"))->setCurrentIndex(0);
        QVERIFY(!window->action(QStringLiteral("actionRemoveMember"))->isEnabled());
        QVERIFY(!window->action(QStringLiteral("actionRemoveUser"))->isEnabled());
        QVERIFY(window->action(QStringLiteral("actionRemoveUser"))
                    ->toolTip()
                    .startsWith(QStringLiteral("Not available")));
    }

    void memberCannotReadAuditLog()
    {
        bool ok = false;
        auto app = pktest::startSandbox(QStringLiteral("member"), &ok);
        QVERIFY(ok);
        MainWindow *window = app->mainWindow();
        QAction *audit = window->action(QStringLiteral("actionAuditLog"));
        QVERIFY(!audit->isEnabled());
        QVERIFY(audit->toolTip().startsWith(QStringLiteral("Not available")));
        // The dialog on its own refuses with the policy's reason; nothing is sent.
        AuditLogDialog dialog(window->orgActions()->commands(), app->session()->snapshot().workspaces);
        QSignalSpy loaded(&dialog, &AuditLogDialog::loaded);
        dialog.load();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kServerTimeoutMs);
        QCOMPARE(loaded.first().first().toBool(), false);
        QVERIFY2(dialog.statusText().contains(QStringLiteral("cannot read the audit log")),
                 qPrintable(dialog.statusText()));
    }

    void ownerChangesAndRemovesAUser()
    {
        bool ok = false;
        auto app = pktest::startSandbox(QString(), &ok);
        QVERIFY(ok);
        MainWindow *window = app->mainWindow();
        Session *session = app->session();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isSyncing(), kServerTimeoutMs);
        const auto userById = [session](const QString &id) -> std::optional<User> {
            for (const User &u : session->snapshot().users) {
                if (u.id == id)
                    return u;
            }
            return std::nullopt;
        };
        User target;
        for (const User &u : session->snapshot().users) {
            if (u.role == QLatin1String("member") && !u.workspaceIds.isEmpty()) {
                target = u;
                break;
            }
        }
        QVERIFY(!target.id.isEmpty());

        // Change the organisation role: owner is never offered, the same role is refused in the dialog.
        QVERIFY(selectRow(window, QStringLiteral("usersTable"), models::UserList::IdRole, target.id));
        QAction *changeRole = window->action(QStringLiteral("actionChangeUserRole"));
        QTRY_VERIFY_WITH_TIMEOUT(changeRole->isEnabled(), kServerTimeoutMs);
        QStringList offered;
        QString sameRoleError;
        setDialogHook([&](QDialog *d) {
            auto *dialog = qobject_cast<RoleDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            const auto *combo = dialog->findChild<QComboBox *>(QStringLiteral("roleChoice"));
            for (int i = 0; i < combo->count(); ++i)
                offered.append(combo->itemText(i));
            dialog->setRole(QStringLiteral("member"));
            dialog->accept();
            sameRoleError = dialog->errorText();
            dialog->setRole(QStringLiteral("admin"));
            dialog->accept();
            return kDialogStaysOpen;
        });
        changeRole->trigger();
        QCOMPARE(offered, QStringList({QStringLiteral("admin"), QStringLiteral("member")}));
        QVERIFY2(sameRoleError.contains(QStringLiteral("already")), qPrintable(sameRoleError));
        QTRY_VERIFY_WITH_TIMEOUT(userById(target.id) && userById(target.id)->role == QLatin1String("admin") &&
                                     !session->isSyncing(),
                                 kServerTimeoutMs);

        // The owner's row can be neither changed nor removed, and says why.
        for (const User &u : session->snapshot().users) {
            if (u.role != QLatin1String("owner"))
                continue;
            QVERIFY(selectRow(window, QStringLiteral("usersTable"), models::UserList::IdRole, u.id));
            QVERIFY(!window->action(QStringLiteral("actionRemoveUser"))->isEnabled());
            QVERIFY2(window->action(QStringLiteral("actionRemoveUser"))
                         ->toolTip()
                         .contains(QStringLiteral("owner")),
                     qPrintable(window->action(QStringLiteral("actionRemoveUser"))->toolTip()));
        }

        // Remove from the organisation: the question names what they lose.
        QVERIFY(selectRow(window, QStringLiteral("usersTable"), models::UserList::IdRole, target.id));
        QAction *remove = window->action(QStringLiteral("actionRemoveUser"));
        QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), kServerTimeoutMs);
        QString informative;
        DialogHooks::question = [&informative](QMessageBox *box) {
            informative = box->informativeText();
            return int(QMessageBox::Yes);
        };
        remove->trigger();
        QVERIFY2(informative.contains(QStringLiteral("membership of")) &&
                     informative.contains(QStringLiteral("organisation admin rights")),
                 qPrintable(informative));
        QTRY_VERIFY_WITH_TIMEOUT(!userById(target.id) && !session->isSyncing(), kServerTimeoutMs);
    }

    void removingYourselfSaysSo()
    {
        bool ok = false;
        auto app = pktest::startSandbox(QString(), &ok);
        QVERIFY(ok);
        MainWindow *window = app->mainWindow();
        Session *session = app->session();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isSyncing(), kServerTimeoutMs);
        const QString self = session->principal().userId;
        QVERIFY(!self.isEmpty());
        QString workspace;
        for (auto it = session->snapshot().members.constBegin(); it != session->snapshot().members.constEnd();
             ++it) {
            if (memberOf(session, it.key(), self))
                workspace = it.key();
        }
        QVERIFY(!workspace.isEmpty());
        QVERIFY(selectWorkspace(window, workspace));
        QVERIFY(selectRow(window, QStringLiteral("membersTable"), models::MemberList::UserIdRole, self));
        QAction *remove = window->action(QStringLiteral("actionRemoveMember"));
        QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), kServerTimeoutMs);
        QString informative;
        DialogHooks::question = [&informative](QMessageBox *box) {
            informative = box->informativeText();
            return int(QMessageBox::Cancel);
        };
        remove->trigger();
        QVERIFY2(informative.startsWith(QStringLiteral("This is you")), qPrintable(informative));
        QVERIFY(memberOf(session, workspace, self)); // cancelled: nothing sent
    }

    void keyActionsWaitForAnOrganisationWrite()
    {
        bool ok = false;
        auto app = pktest::startSandbox(QString(), &ok);
        QVERIFY(ok);
        MainWindow *window = app->mainWindow();
        Session *session = app->session();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isSyncing(), kServerTimeoutMs);
        QAction *newKey = window->action(QStringLiteral("actionNewKey"));
        QAction *newWorkspace = window->action(QStringLiteral("actionNewWorkspace"));
        QTRY_VERIFY_WITH_TIMEOUT(newKey->isEnabled() && newWorkspace->isEnabled(), kServerTimeoutMs);

        // The server holds the reply to the workspace create for a while: both kinds of write wait for it.
        sandbox::Fault slow;
        slow.method = QStringLiteral("POST");
        slow.pathPattern = QStringLiteral("/v1/admin/workspaces");
        slow.delayMs = 1500;
        app->sandbox()->server()->injectFault(slow);
        setDialogHook([](QDialog *d) {
            auto *form = qobject_cast<WorkspaceDialog *>(d);
            if (!form)
                return int(QDialog::Rejected);
            form->nameEdit()->setText(QStringLiteral("Slow lane"));
            form->accept();
            return kDialogStaysOpen;
        });
        newWorkspace->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->orgActions()->isWriting(), kServerTimeoutMs);
        QVERIFY(!newKey->isEnabled());
        QVERIFY(!newWorkspace->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!window->orgActions()->isWriting() && !session->isSyncing() &&
                                     workspaceNamed(session, QStringLiteral("Slow lane")),
                                 kServerTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(newKey->isEnabled() && newWorkspace->isEnabled(), kServerTimeoutMs);
    }

    void ownerManagesAWorkspaceEndToEnd()
    {
        bool ok = false;
        auto app = pktest::startSandbox(QString(), &ok);
        QVERIFY(ok);
        MainWindow *window = app->mainWindow();
        Session *session = app->session();
        OrgActions *org = window->orgActions();
        QSignalSpy writes(org, &OrgActions::writeFinished);
        QStringList reported; // what the message bar said when each write finished (a sync may replace it)
        QObject receiver;     // disconnects before `reported` goes
        connect(org, &OrgActions::writeFinished, &receiver,
                [&reported, window] { reported.append(window->messageBar()->text()); });
        const auto lastWriteOk = [&writes] {
            return !writes.isEmpty() && writes.last().first().value<OrgWriteResult>().ok();
        };
        const auto idle = [&] {
            return !session->isSyncing();
        };
        QTRY_VERIFY_WITH_TIMEOUT(idle(), kServerTimeoutMs);

        // 1. Create: an empty name is refused in the dialog, then the workspace is created.
        QString validation;
        setDialogHook([&validation](QDialog *d) {
            auto *dialog = qobject_cast<WorkspaceDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            dialog->accept();
            validation = dialog->errorText();
            dialog->nameEdit()->setText(QStringLiteral("Ops Lab"));
            dialog->descriptionEdit()->setPlainText(QStringLiteral("Experiments"));
            dialog->accept();
            return kDialogStaysOpen;
        });
        QTRY_VERIFY_WITH_TIMEOUT(window->action(QStringLiteral("actionNewWorkspace"))->isEnabled(),
                                 kServerTimeoutMs);
        window->action(QStringLiteral("actionNewWorkspace"))->trigger();
        QVERIFY2(validation.contains(QStringLiteral("Enter a name")), qPrintable(validation));
        QTRY_VERIFY_WITH_TIMEOUT(workspaceNamed(session, QStringLiteral("Ops Lab")), kServerTimeoutMs);
        QVERIFY(lastWriteOk());
        QVERIFY2(reported.last().contains(QStringLiteral("Ops Lab")), qPrintable(reported.last()));
        const QString wsId = workspaceNamed(session, QStringLiteral("Ops Lab"))->id;
        QCOMPARE(workspaceNamed(session, QStringLiteral("Ops Lab"))->description,
                 QStringLiteral("Experiments"));

        // 2. Rename.
        QTRY_VERIFY_WITH_TIMEOUT(idle(), kServerTimeoutMs);
        QVERIFY(selectWorkspace(window, wsId));
        QTRY_VERIFY_WITH_TIMEOUT(window->action(QStringLiteral("actionEditWorkspace"))->isEnabled(),
                                 kServerTimeoutMs);
        setDialogHook([](QDialog *d) {
            auto *dialog = qobject_cast<WorkspaceDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            dialog->nameEdit()->setText(QStringLiteral("Ops Lab EU"));
            dialog->accept();
            return kDialogStaysOpen;
        });
        window->action(QStringLiteral("actionEditWorkspace"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(workspaceNamed(session, QStringLiteral("Ops Lab EU")), kServerTimeoutMs);
        QCOMPARE(workspaceNamed(session, QStringLiteral("Ops Lab EU"))->id, wsId);

        // 3. Add a member found by searching the candidates.
        QTRY_VERIFY_WITH_TIMEOUT(idle(), kServerTimeoutMs);
        User newcomer;
        for (const User &user : session->snapshot().users) {
            if (user.role == QLatin1String("member") && !memberOf(session, wsId, user.id)) {
                newcomer = user;
                break;
            }
        }
        QVERIFY(!newcomer.id.isEmpty());
        QStringList visible;
        setDialogHook([&](QDialog *d) {
            auto *dialog = qobject_cast<AddMembersDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            dialog->grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/orgui-add-members.png"));
            dialog->setSearchText(newcomer.email);
            visible = dialog->visibleUserIds();
            dialog->setChecked(newcomer.id, true);
            dialog->setRole(QStringLiteral("member"));
            dialog->accept();
            return kDialogStaysOpen;
        });
        QTRY_VERIFY_WITH_TIMEOUT(window->action(QStringLiteral("actionAddMembers"))->isEnabled(),
                                 kServerTimeoutMs);
        window->action(QStringLiteral("actionAddMembers"))->trigger();
        QCOMPARE(visible, QStringList({newcomer.id}));
        QTRY_VERIFY_WITH_TIMEOUT(memberOf(session, wsId, newcomer.id).has_value() && idle(),
                                 kServerTimeoutMs);
        QCOMPARE(memberOf(session, wsId, newcomer.id)->role, QStringLiteral("member"));

        // 4. Change their role.
        QVERIFY(
            selectRow(window, QStringLiteral("membersTable"), models::MemberList::UserIdRole, newcomer.id));
        QTRY_VERIFY_WITH_TIMEOUT(window->action(QStringLiteral("actionChangeMemberRole"))->isEnabled(),
                                 kServerTimeoutMs);
        setDialogHook([](QDialog *d) {
            auto *dialog = qobject_cast<RoleDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            dialog->setRole(QStringLiteral("manager"));
            dialog->accept();
            return kDialogStaysOpen;
        });
        window->action(QStringLiteral("actionChangeMemberRole"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(memberOf(session, wsId, newcomer.id) &&
                                     memberOf(session, wsId, newcomer.id)->role == QLatin1String("manager") &&
                                     idle(),
                                 kServerTimeoutMs);

        // 5. Remove them after confirming.
        QVERIFY(
            selectRow(window, QStringLiteral("membersTable"), models::MemberList::UserIdRole, newcomer.id));
        QTRY_VERIFY_WITH_TIMEOUT(window->action(QStringLiteral("actionRemoveMember"))->isEnabled(),
                                 kServerTimeoutMs);
        QString question;
        DialogHooks::question = [&question](QMessageBox *box) {
            question = box->text();
            return int(QMessageBox::Yes);
        };
        window->action(QStringLiteral("actionRemoveMember"))->trigger();
        QVERIFY2(question.contains(newcomer.email) && question.contains(QStringLiteral("Ops Lab EU")),
                 qPrintable(question));
        QTRY_VERIFY_WITH_TIMEOUT(!memberOf(session, wsId, newcomer.id) && idle(), kServerTimeoutMs);

        // 6. Invite a person: a bad address is refused in the form, an address already in the organisation by
        // the server (409; the form stays open with the input), then the invite goes out. Copy the link,
        // resend, and delete the invite.
        QPointer<InvitesDialog> invites;
        QPointer<InviteDialog> form;
        QString inviteValidation;
        const QString email = QStringLiteral("new.person@example.com");
        const QString taken = session->snapshot().users.first().email;
        setDialogHook([&](QDialog *d) {
            if (auto *list = qobject_cast<InvitesDialog *>(d)) {
                invites = list;
                return kDialogStaysOpen;
            }
            form = qobject_cast<InviteDialog *>(d);
            if (!form)
                return int(QDialog::Rejected);
            form->emailEdit()->setText(QStringLiteral("new.person"));
            form->accept();
            inviteValidation = form->errorText();
            form->emailEdit()->setText(taken);
            form->setOrgRole(QStringLiteral("member"));
            form->setWorkspace(wsId, true, QStringLiteral("member"));
            form->accept();
            return kDialogStaysOpen;
        });
        QTRY_VERIFY_WITH_TIMEOUT(window->action(QStringLiteral("actionInvitePerson"))->isEnabled(),
                                 kServerTimeoutMs);
        window->action(QStringLiteral("actionInvitePerson"))->trigger(); // the list, then the form over it
        QVERIFY(invites);
        QVERIFY(form);
        QVERIFY2(inviteValidation.contains(QStringLiteral("not an e-mail")), qPrintable(inviteValidation));
        QTRY_VERIFY_WITH_TIMEOUT(form && !form->isBusy() && !form->errorText().isEmpty(), kServerTimeoutMs);
        QVERIFY2(form->errorText().contains(QStringLiteral("already in the organisation")),
                 qPrintable(form->errorText()));
        QCOMPARE(form->emailEdit()->text(), taken); // nothing lost
        QVERIFY(form->okButton()->isEnabled());
        form->emailEdit()->setText(email);
        form->accept();
        QTRY_VERIFY_WITH_TIMEOUT(!invites->inviteLink().isEmpty() && !invites->isBusy(), kServerTimeoutMs);
        QVERIFY(!form || form->result() == QDialog::Accepted);
        QVERIFY2(invites->statusText().contains(QStringLiteral("Invited %1").arg(email)),
                 qPrintable(invites->statusText()));
        QString inviteId;
        for (int r = 0; r < invites->model()->rowCount(); ++r) {
            const QModelIndex index = invites->model()->index(r, InviteTableModel::Email);
            if (index.data().toString() == email) {
                inviteId = index.data(InviteTableModel::IdRole).toString();
                QCOMPARE(invites->model()->index(r, InviteTableModel::Role).data().toString(),
                         QStringLiteral("member"));
                QVERIFY(invites->model()
                            ->index(r, InviteTableModel::Created)
                            .data()
                            .toString()
                            .contains(QRegularExpression(QStringLiteral("CES?T$"))));
            }
        }
        QVERIFY(!inviteId.isEmpty());
        // Pending invites only by default; the seeded accepted and expired ones appear on request.
        QVERIFY(invites->visibleRowCount() < invites->model()->rowCount());
        invites->setPendingOnly(false);
        QCOMPARE(invites->visibleRowCount(), invites->model()->rowCount());
        invites->setPendingOnly(true);
        invites->findChild<QPushButton *>(QStringLiteral("inviteLinkCopy"))->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), invites->inviteLink());
        QVERIFY(window->clipboardService()->holdsConcealedCopy());
        window->clipboardService()->clearIfUnchanged();

        // Resend gives a link again.
        QVERIFY(invites->selectInvite(inviteId));
        auto *resendButton = invites->findChild<QPushButton *>(QStringLiteral("invitesResend"));
        QVERIFY2(resendButton->isEnabled(), qPrintable(resendButton->toolTip()));
        resendButton->click();
        QTRY_VERIFY_WITH_TIMEOUT(!invites->isBusy(), kServerTimeoutMs);
        QVERIFY2(invites->statusText().contains(QStringLiteral("Sent the invite to %1 again").arg(email)),
                 qPrintable(invites->statusText()));
        QVERIFY(!invites->inviteLink().isEmpty());

        QVERIFY(invites->selectInvite(inviteId));
        auto *deleteButton = invites->findChild<QPushButton *>(QStringLiteral("invitesDelete"));
        QVERIFY2(deleteButton->isEnabled(), qPrintable(deleteButton->toolTip()));
        question.clear();
        deleteButton->click();
        QVERIFY2(question.contains(email), qPrintable(question));
        QTRY_VERIFY_WITH_TIMEOUT(
            !invites->isBusy() && invites->model()->indexForId(inviteId).data(InviteTableModel::StatusRole) !=
                                      QStringLiteral("pending"),
            kServerTimeoutMs);
        QVERIFY2(invites->statusText().contains(QStringLiteral("Deleted")),
                 qPrintable(invites->statusText()));
        QVERIFY(invites->inviteLink().isEmpty()); // the deleted invite's link is not offered any more
        QVERIFY(invites->grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/orgui-invites.png")));
        invites->reject();

        // 7. The audit log lists these writes.
        QPointer<AuditLogDialog> audit;
        setDialogHook([&audit](QDialog *d) {
            audit = qobject_cast<AuditLogDialog *>(d);
            return audit ? kDialogStaysOpen : int(QDialog::Rejected);
        });
        window->action(QStringLiteral("actionAuditLog"))->trigger();
        QVERIFY(audit);
        QTRY_VERIFY_WITH_TIMEOUT(!audit->isLoading(), kServerTimeoutMs);
        QVERIFY2(audit->statusText().contains(QStringLiteral("record")), qPrintable(audit->statusText()));
        // The range is shown in local time with the zone (Europe/Berlin here) and sent as UTC.
        const QString fromText = audit->findChild<QDateTimeEdit *>(QStringLiteral("auditFrom"))->text();
        QVERIFY2(fromText.contains(QRegularExpression(QStringLiteral("CES?T$"))), qPrintable(fromText));
        QCOMPARE(audit->query().endUtc.timeSpec(), Qt::UTC);
        QVERIFY(qAbs(audit->query().startUtc.daysTo(audit->query().endUtc) - 7) <= 1);
        QSet<QString> seen;
        models::AuditLogTableModel *model = audit->model();
        for (int r = 0; r < model->rowCount(); ++r) {
            const QModelIndex i = model->index(r, 0);
            seen.insert(i.data(models::AuditLogList::ResourceTypeRole).toString() + QLatin1Char('.') +
                        i.data(models::AuditLogList::ActionRole).toString());
        }
        for (const char *expected :
             {"workspaces.create", "workspaces.update", "workspace_users.create", "workspace_users.update",
              "workspace_users.delete", "invites.create", "invites.delete"})
            QVERIFY2(seen.contains(QString::fromLatin1(expected)), expected);
        // Search narrows the loaded rows; the details show the selected record's JSON.
        audit->findChild<QLineEdit *>(QStringLiteral("auditSearch"))->setText(QStringLiteral("invites"));
        QVERIFY(audit->proxy()->rowCount() > 0 && audit->proxy()->rowCount() < model->rowCount());
        auto *table = audit->findChild<QTableView *>(QStringLiteral("auditTable"));
        table->selectRow(0);
        QVERIFY(audit->findChild<QPlainTextEdit *>(QStringLiteral("auditDetails"))
                    ->toPlainText()
                    .contains(QStringLiteral("\"resource_type\": \"invites\"")));
        // A server-side filter: only DELETEs.
        auto *method = audit->findChild<QComboBox *>(QStringLiteral("auditMethod"));
        method->setCurrentIndex(method->findData(QStringLiteral("DELETE")));
        audit->findChild<QLineEdit *>(QStringLiteral("auditSearch"))->clear();
        audit->load();
        QTRY_VERIFY_WITH_TIMEOUT(!audit->isLoading(), kServerTimeoutMs);
        QVERIFY(model->rowCount() > 0);
        for (int r = 0; r < model->rowCount(); ++r)
            QCOMPARE(model->index(r, 0).data(models::AuditLogList::MethodRole).toString(),
                     QStringLiteral("DELETE"));
        audit->resize(1100, 700);
        QVERIFY(audit->grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/orgui-audit-log.png")));
        audit->reject();

        // 8. Delete: with a key inside the server answers 409; the second step deletes it with its keys.
        QTRY_VERIFY_WITH_TIMEOUT(idle(), kServerTimeoutMs);
        ApiKeyDraft draft;
        draft.keyType = KeyType::WorkspaceService;
        draft.name = QStringLiteral("ops-lab-service");
        draft.workspaceId = wsId;
        draft.scopes = {QStringLiteral("completions.write")};
        std::optional<CreateKeyResult> created;
        session->createKey(draft, [&created](const CreateKeyResult &r) { created = r; });
        QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), kServerTimeoutMs);
        QCOMPARE(int(created->outcome), int(CreateKeyResult::Outcome::Created));
        QTRY_VERIFY_WITH_TIMEOUT(idle(), kServerTimeoutMs);

        QVERIFY(selectWorkspace(window, wsId));
        QTRY_VERIFY_WITH_TIMEOUT(window->action(QStringLiteral("actionDeleteWorkspace"))->isEnabled(),
                                 kServerTimeoutMs);
        QPointer<DeleteWorkspaceDialog> deletion;
        QString nameError;
        setDialogHook([&](QDialog *d) {
            deletion = qobject_cast<DeleteWorkspaceDialog *>(d);
            if (!deletion)
                return int(QDialog::Rejected);
            deletion->confirmEdit()->setText(QStringLiteral("ops lab eu"));
            deletion->accept();
            nameError = deletion->errorText();
            deletion->confirmEdit()->setText(QStringLiteral("Ops Lab EU"));
            deletion->accept();
            return kDialogStaysOpen;
        });
        window->action(QStringLiteral("actionDeleteWorkspace"))->trigger();
        QVERIFY2(nameError.contains(QStringLiteral("exactly")), qPrintable(nameError));
        QTRY_VERIFY_WITH_TIMEOUT(deletion && deletion->force() && !deletion->isBusy(), kServerTimeoutMs);
        QCOMPARE(deletion->okButton()->text(), QStringLiteral("Delete with its keys"));
        QVERIFY(deletion->grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/orgui-delete-workspace.png")));
        QVERIFY(workspaceNamed(session, QStringLiteral("Ops Lab EU"))); // nothing deleted yet
        deletion->accept();
        QTRY_VERIFY_WITH_TIMEOUT(!workspaceNamed(session, QStringLiteral("Ops Lab EU")) && idle(),
                                 kServerTimeoutMs);
        QVERIFY(lastWriteOk());
        QVERIFY2(reported.last().contains(QStringLiteral("and its keys")), qPrintable(reported.last()));
    }
};

QTEST_MAIN(TestOrgActionsSandbox)
#include "tst_orgactions_sandbox.moc"
