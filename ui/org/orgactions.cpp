#include "orgactions.h"

#include "auditlogdialog.h"
#include "invitesdialog.h"
#include "logging.h"
#include "orgdialogs.h"

#include "models/membertablemodel.h"
#include "models/navigation.h"
#include "models/usertablemodel.h"
#include "sync/session.h"
#include "ui/actioncontroller.h"
#include "ui/dialoghook.h"
#include "ui/keys/dialoghooks.h"
#include "ui/messagebar.h"

#include <QAbstractButton>
#include <QAction>
#include <QItemSelectionModel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>

#include <functional>
#include <memory>

namespace pk::ui {

namespace Navigation = models::Navigation;

namespace {

/// The source-model index behind `view`'s single selected row; invalid unless exactly
/// one row is selected.
QModelIndex singleSourceRow(const QTableView *view)
{
    if (!view || !view->selectionModel())
        return {};
    const QModelIndexList rows = view->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return {};
    const auto *proxy = qobject_cast<const QSortFilterProxyModel *>(view->model());
    return proxy ? proxy->mapToSource(rows.first()) : rows.first();
}

access::Decision deny(const QString &reason)
{
    access::Decision d;
    d.reason = reason;
    return d;
}

/// The text of a failed write for a person.
QString failureText(const OrgWriteResult &result)
{
    return result.message.isEmpty() ? result.error.userText() : result.message;
}

} // namespace

OrgActions::OrgActions(QMainWindow *window, ActionController *controller, Session *session,
                       const OrgViews &views)
    : QObject(window), m_window(window), m_controller(controller), m_session(session), m_views(views)
{
    Q_ASSERT(window && controller && session && views.navigation && views.tabs && views.members &&
             views.users && views.messageBar && views.clipboard);
    m_commands = new OrgCommands(session, this);

    using access::Action;
    QAction *newWorkspace =
        addOrgAction(QStringLiteral("actionNewWorkspace"), tr("&New workspace…"),
                     {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N)}, Action::WorkspaceCreate,
                     NeedsConnection, tr("Create a workspace in the organisation (Ctrl+Shift+N)"));
    QAction *editWorkspace =
        addOrgAction(QStringLiteral("actionEditWorkspace"), tr("&Edit workspace…"),
                     {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)}, Action::WorkspaceUpdate,
                     NeedsConnection | NeedsWorkspace,
                     tr("Change the selected workspace's name and description (Ctrl+Shift+E)"));
    QAction *deleteWorkspace =
        addOrgAction(QStringLiteral("actionDeleteWorkspace"), tr("&Delete workspace…"),
                     {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Delete)}, Action::WorkspaceDelete,
                     NeedsConnection | NeedsWorkspace, tr("Delete the selected workspace (Ctrl+Shift+Del)"));
    QAction *addMembers = addOrgAction(QStringLiteral("actionAddMembers"), tr("&Add members…"),
                                       {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M)}, Action::MemberAdd,
                                       NeedsConnection | NeedsWorkspace,
                                       tr("Add organisation users to the selected workspace (Ctrl+Shift+M)"));
    QAction *memberRole =
        addOrgAction(QStringLiteral("actionChangeMemberRole"), tr("Change workspace &role…"),
                     {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O)}, Action::MemberUpdateRole,
                     NeedsConnection | NeedsWorkspace,
                     tr("Make the selected member a workspace admin, manager or member (Ctrl+Shift+O)"));
    QAction *removeMember = addOrgAction(QStringLiteral("actionRemoveMember"), tr("Re&move from workspace…"),
                                         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X)},
                                         Action::MemberRemove, NeedsConnection | NeedsWorkspace,
                                         tr("Remove the selected member from the workspace (Ctrl+Shift+X)"));
    QAction *userRole =
        addOrgAction(QStringLiteral("actionChangeUserRole"), tr("Change organisation &role…"),
                     {QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O)}, Action::UserUpdateRole, NeedsConnection,
                     tr("Make the selected user an organisation admin or member (Ctrl+Alt+O)"));
    QAction *removeUser =
        addOrgAction(QStringLiteral("actionRemoveUser"), tr("Remove from &organisation…"),
                     {QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_X)}, Action::UserRemove, NeedsConnection,
                     tr("Remove the selected user from the organisation (Ctrl+Alt+X)"));
    QAction *invites =
        addOrgAction(QStringLiteral("actionInvites"), tr("&Invites…"),
                     {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I)}, Action::InviteList, NeedsConnection,
                     tr("Pending invites: resend, delete, copy the link (Ctrl+Shift+I)"));
    QAction *invitePerson =
        addOrgAction(QStringLiteral("actionInvitePerson"), tr("Invite &person…"),
                     {QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_I)}, Action::InviteCreate, NeedsConnection,
                     tr("Invite someone to the organisation (Ctrl+Alt+I)"));
    QAction *auditLog = addOrgAction(
        QStringLiteral("actionAuditLog"), tr("Audit &log…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L)},
        Action::AuditLogList, NeedsConnection, tr("Who changed what in the organisation (Ctrl+Shift+L)"));

    connect(newWorkspace, &QAction::triggered, this, &OrgActions::newWorkspace);
    connect(editWorkspace, &QAction::triggered, this, &OrgActions::editWorkspace);
    connect(deleteWorkspace, &QAction::triggered, this, &OrgActions::deleteWorkspace);
    connect(addMembers, &QAction::triggered, this, &OrgActions::addMembers);
    connect(memberRole, &QAction::triggered, this, &OrgActions::changeMemberRole);
    connect(removeMember, &QAction::triggered, this, &OrgActions::removeMember);
    connect(userRole, &QAction::triggered, this, &OrgActions::changeUserRole);
    connect(removeUser, &QAction::triggered, this, &OrgActions::removeUser);
    connect(invites, &QAction::triggered, this, &OrgActions::showInvites);
    connect(invitePerson, &QAction::triggered, this, &OrgActions::invitePerson);
    connect(auditLog, &QAction::triggered, this, &OrgActions::showAuditLog);

    // Menus before Help (the last menu), and the members' and users' context menus.
    QMenuBar *bar = window->menuBar();
    const QList<QAction *> top = bar->actions();
    QAction *before = top.isEmpty() ? nullptr : top.last();
    auto *workspaceMenu = new QMenu(tr("&Workspace"), bar);
    workspaceMenu->setObjectName(QStringLiteral("menuWorkspace"));
    workspaceMenu->setToolTipsVisible(true);
    workspaceMenu->addActions({newWorkspace, editWorkspace, deleteWorkspace});
    workspaceMenu->addSeparator();
    workspaceMenu->addActions({addMembers, memberRole, removeMember});
    auto *orgMenu = new QMenu(tr("&Organisation"), bar);
    orgMenu->setObjectName(QStringLiteral("menuOrganisation"));
    orgMenu->setToolTipsVisible(true);
    orgMenu->addActions({userRole, removeUser});
    orgMenu->addSeparator();
    orgMenu->addActions({invites, invitePerson});
    orgMenu->addSeparator();
    orgMenu->addAction(auditLog);
    bar->insertMenu(before, workspaceMenu);
    bar->insertMenu(before, orgMenu);

    views.members->setContextMenuPolicy(Qt::ActionsContextMenu);
    views.members->addActions({addMembers, memberRole, removeMember});
    views.members->setSelectionMode(QAbstractItemView::SingleSelection);
    views.users->setContextMenuPolicy(Qt::ActionsContextMenu);
    views.users->addActions({userRole, removeUser});
    views.users->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(views.members, &QTableView::doubleClicked, this, [memberRole] {
        if (memberRole->isEnabled())
            memberRole->trigger();
    });
    connect(views.users, &QTableView::doubleClicked, this, [userRole] {
        if (userRole->isEnabled())
            userRole->trigger();
    });

    // Re-decide after every evaluation and whenever the members' or users' selection changes.
    connect(controller, &ActionController::evaluated, this, &OrgActions::refine);
    for (QTableView *view : {views.members, views.users}) {
        connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &OrgActions::refine);
        connect(view->model(), &QAbstractItemModel::modelReset, this, &OrgActions::refine);
        connect(view->model(), &QAbstractItemModel::rowsRemoved, this, &OrgActions::refine);
        connect(view->model(), &QAbstractItemModel::layoutChanged, this, &OrgActions::refine);
    }
    connect(views.navigation->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &OrgActions::refine);
    refine();
}

OrgActions::~OrgActions() = default;

QAction *OrgActions::addOrgAction(const QString &name, const QString &text,
                                  const QList<QKeySequence> &shortcuts, access::Action action, unsigned needs,
                                  const QString &description)
{
    auto *qaction = new QAction(text, m_window);
    qaction->setObjectName(name);
    qaction->setShortcuts(shortcuts);
    m_controller->addAction(qaction, action, needs, description);
    Entry entry;
    entry.qaction = qaction;
    entry.action = action;
    entry.description = description;
    m_entries.append(entry);
    return qaction;
}

QAction *OrgActions::action(const QString &objectName) const
{
    for (const Entry &entry : m_entries) {
        if (entry.qaction && entry.qaction->objectName() == objectName)
            return entry.qaction;
    }
    return nullptr;
}

QList<QAction *> OrgActions::actions() const
{
    QList<QAction *> out;
    for (const Entry &entry : m_entries) {
        if (entry.qaction)
            out.append(entry.qaction);
    }
    return out;
}

access::Decision OrgActions::decisionFor(const QAction *qaction) const
{
    for (const Entry &entry : m_entries) {
        if (entry.qaction == qaction)
            return entry.decision;
    }
    return {};
}

QString OrgActions::currentWorkspaceId() const
{
    const QModelIndex index = m_views.navigation->currentIndex();
    if (!index.isValid() ||
        Navigation::NodeKind(index.data(Navigation::NodeKindRole).toInt()) != Navigation::NodeKind::Workspace)
        return {};
    return index.data(Navigation::WorkspaceIdRole).toString();
}

std::optional<Workspace> OrgActions::currentWorkspace() const
{
    const QString id = currentWorkspaceId();
    if (id.isEmpty())
        return std::nullopt;
    for (const Workspace &ws : m_session->snapshot().workspaces) {
        if (ws.matches(id))
            return ws;
    }
    return std::nullopt;
}

std::optional<WorkspaceMember> OrgActions::selectedMember() const
{
    const QModelIndex source = singleSourceRow(m_views.members);
    const auto *model = qobject_cast<const models::MemberTableModel *>(source.model());
    const WorkspaceMember *member = model ? model->itemAt(source) : nullptr;
    if (!member)
        return std::nullopt;
    return *member;
}

std::optional<User> OrgActions::selectedUser() const
{
    const QModelIndex source = singleSourceRow(m_views.users);
    const auto *model = qobject_cast<const models::UserTableModel *>(source.model());
    const User *user = model ? model->itemAt(source) : nullptr;
    if (!user)
        return std::nullopt;
    return *user;
}

bool OrgActions::tabCurrent(const QWidget *page) const
{
    const QWidget *current = m_views.tabs->currentWidget();
    return current && (current == page || current->isAncestorOf(page));
}

access::Decision OrgActions::narrowed(const Entry &entry) const
{
    using access::Action;
    const access::Decision base = m_controller->decisionFor(entry.qaction);
    // A missing precondition is shown unless the controller already refuses for a reason of its own.
    const auto precondition = [&base](const QString &reason) {
        return base.allowed ? deny(reason) : base;
    };
    access::Target target;
    switch (entry.action) {
    case Action::WorkspaceUpdate:
    case Action::WorkspaceDelete:
    case Action::MemberAdd:
        target.workspaceId = currentWorkspaceId();
        if (target.workspaceId.isEmpty())
            return precondition(tr("select a workspace on the left first"));
        break;
    case Action::MemberUpdateRole:
    case Action::MemberRemove: {
        target.workspaceId = currentWorkspaceId();
        if (target.workspaceId.isEmpty())
            return precondition(tr("select a workspace on the left first"));
        if (!tabCurrent(m_views.members))
            return precondition(tr("switch to the Members tab to act on a member"));
        const std::optional<WorkspaceMember> member = selectedMember();
        if (!member)
            return precondition(tr("select a member first"));
        target.userId = member->id;
        break;
    }
    case Action::UserUpdateRole:
    case Action::UserRemove: {
        if (!tabCurrent(m_views.users))
            return precondition(tr("switch to the Users tab to act on a user"));
        const std::optional<User> user = selectedUser();
        if (!user)
            return precondition(tr("select a user first"));
        target.userId = user->id;
        target.userRole = user->role;
        break;
    }
    default:
        return base;
    }
    // The policy's decision on the selected target wins when it refuses (e.g. the owner can never be
    // changed); otherwise the controller's (connection, running sync).
    // Decided for the controller's principal, so a "View as" preview is narrowed as the previewed person.
    const access::Decision decision =
        access::AccessPolicy::decide(m_controller->context().principal, entry.action, target);
    return decision.allowed ? base : decision;
}

void OrgActions::refine()
{
    for (Entry &entry : m_entries) {
        if (!entry.qaction)
            continue;
        entry.decision = narrowed(entry);
        const QString tip =
            entry.decision.allowed ? entry.description : ActionController::reasonFor(entry.decision);
        entry.qaction->setEnabled(entry.decision.allowed);
        entry.qaction->setToolTip(tip);
        entry.qaction->setStatusTip(tip);
    }
}

void OrgActions::beginWrite(const QString &progressText)
{
    ++m_writes;
    m_window->statusBar()->showMessage(progressText);
    emit writingChanged();
}

void OrgActions::endWrite()
{
    m_writes = qMax(0, m_writes - 1);
    if (m_writes == 0)
        m_window->statusBar()->clearMessage();
    emit writingChanged();
}

void OrgActions::report(const OrgWriteResult &result, const QString &successText)
{
    if (result.ok())
        m_views.messageBar->showMessage(MessageBar::Kind::Information, successText);
    else
        m_views.messageBar->showMessage(
            result.maybeApplied ? MessageBar::Kind::Warning : MessageBar::Kind::Error, failureText(result));
    emit writeFinished(result);
}

void OrgActions::sendFromForm(OrgFormDialog *form, const QString &progressText, const QString &successText,
                              const std::function<void(OrgCommands::Done)> &send, const Refusal &onRefusal)
{
    QPointer<OrgFormDialog> guard(form);
    form->setBusy(true);
    beginWrite(progressText);
    send([this, guard, successText, onRefusal](const OrgWriteResult &result) {
        endWrite();
        // Refused: the form stays open with the input. Confirmed, or a reply lost (the write may have been
        // applied; a second OK must not send it again): the form closes and the message bar says which.
        if (guard && !result.ok() && !result.maybeApplied) {
            guard->setBusy(false);
            if (!onRefusal || !onRefusal(guard, result))
                guard->showError(failureText(result));
            emit writeFinished(result);
            return;
        }
        if (guard)
            guard->done(result.ok() ? QDialog::Accepted : QDialog::Rejected);
        report(result, successText);
    });
}

// --- workspaces -------------------------------------------------------------------------------------------

void OrgActions::newWorkspace()
{
    if (!action(QStringLiteral("actionNewWorkspace"))->isEnabled())
        return;
    auto *dialog = new WorkspaceDialog(nullptr, m_window);
    dialog->setObjectName(QStringLiteral("newWorkspaceDialog"));
    QPointer<WorkspaceDialog> guard(dialog);
    connect(dialog, &OrgFormDialog::submitted, this, [this, guard] {
        const WorkspaceDraft draft = guard->draft();
        qCInfo(lcUiOrg) << "creating workspace" << draft.name;
        sendFromForm(guard, tr("Creating the workspace…"),
                     tr("Created the workspace \"%1\". It appears when the sync finishes.").arg(draft.name),
                     [this, draft](OrgCommands::Done done) { m_commands->createWorkspace(draft, done); });
    });
    openDialog(dialog, {});
}

void OrgActions::editWorkspace()
{
    const std::optional<Workspace> ws = currentWorkspace();
    if (!action(QStringLiteral("actionEditWorkspace"))->isEnabled() || !ws)
        return;
    auto *dialog = new WorkspaceDialog(&*ws, m_window);
    dialog->setObjectName(QStringLiteral("editWorkspaceDialog"));
    QPointer<WorkspaceDialog> guard(dialog);
    connect(dialog, &OrgFormDialog::submitted, this, [this, guard, ws] {
        const QJsonObject changes = guard->changes();
        qCInfo(lcUiOrg) << "updating workspace" << ws->id << changes.keys();
        sendFromForm(guard, tr("Saving the workspace…"),
                     tr("Saved the workspace \"%1\".").arg(guard->draft().name),
                     [this, ws, changes](OrgCommands::Done done) {
                         m_commands->updateWorkspace(ws->id, changes, done);
                     });
    });
    openDialog(dialog, {});
}

void OrgActions::deleteWorkspace()
{
    const std::optional<Workspace> ws = currentWorkspace();
    if (!action(QStringLiteral("actionDeleteWorkspace"))->isEnabled() || !ws)
        return;
    int keyCount = 0;
    for (const ApiKey &key : m_session->snapshot().keys) {
        if (ws->matches(key.workspaceId))
            ++keyCount;
    }
    auto *dialog = new DeleteWorkspaceDialog(*ws, keyCount, m_window);
    dialog->setObjectName(QStringLiteral("deleteWorkspaceDialog"));
    QPointer<DeleteWorkspaceDialog> guard(dialog);
    connect(dialog, &OrgFormDialog::submitted, this, [this, guard, ws] {
        const bool force = guard->force();
        qCInfo(lcUiOrg) << "deleting workspace" << ws->id << (force ? "with its keys" : "");
        const auto offerForce = [force](OrgFormDialog *form, const OrgWriteResult &result) {
            auto *deletion = qobject_cast<DeleteWorkspaceDialog *>(form);
            if (force || !deletion || result.error.kind != ApiError::Kind::Http ||
                result.error.httpStatus != 409)
                return false;
            deletion->offerForce(failureText(result)); // the second, explicit step
            return true;
        };
        sendFromForm(
            guard, tr("Deleting the workspace…"),
            force ? tr("Deleted the workspace \"%1\" and its keys.").arg(ws->name)
                  : tr("Deleted the workspace \"%1\".").arg(ws->name),
            [this, ws, force](OrgCommands::Done done) {
                m_commands->deleteWorkspace(ws->id, ws->name, force, done);
            },
            offerForce);
    });
    openDialog(dialog, {});
}

// --- members ----------------------------------------------------------------------------------------------

void OrgActions::addMembers()
{
    const std::optional<Workspace> ws = currentWorkspace();
    if (!action(QStringLiteral("actionAddMembers"))->isEnabled() || !ws)
        return;
    const CacheSnapshot &snapshot = m_session->snapshot();
    QSet<QString> memberIds;
    for (auto it = snapshot.members.cbegin(); it != snapshot.members.cend(); ++it) {
        if (!ws->matches(it.key()))
            continue;
        for (const WorkspaceMember &m : it.value())
            memberIds.insert(m.id);
    }
    QList<User> candidates;
    for (const User &user : snapshot.users) {
        if (!memberIds.contains(user.id))
            candidates.append(user);
    }
    auto *dialog = new AddMembersDialog(candidates, ws->name, m_window);
    dialog->setObjectName(QStringLiteral("addMembersDialog"));
    QPointer<AddMembersDialog> guard(dialog);
    connect(dialog, &OrgFormDialog::submitted, this, [this, guard, ws] {
        const QList<MemberGrant> grants = guard->grants();
        qCInfo(lcUiOrg) << "adding" << grants.size() << "members to workspace" << ws->id;
        sendFromForm(
            guard, tr("Adding members…"),
            (grants.size() == 1 ? tr("Added 1 member to \"%1\".")
                                : tr("Added %1 members to \"%2\".").arg(grants.size()))
                .arg(ws->name),
            [this, ws, grants](OrgCommands::Done done) { m_commands->addMembers(ws->id, grants, done); });
    });
    openDialog(dialog, {});
}

QString OrgActions::selfNote(const QString &userId) const
{
    return m_commands->isSelf(userId)
               ? QString(QLatin1Char(' ') + tr("This is you: lowering your own role may leave you unable to "
                                               "undo it."))
               : QString();
}

void OrgActions::changeMemberRole()
{
    const std::optional<WorkspaceMember> member = selectedMember();
    const std::optional<Workspace> ws = currentWorkspace();
    if (!action(QStringLiteral("actionChangeMemberRole"))->isEnabled() || !member || !ws)
        return;
    auto *dialog = new RoleDialog(tr("Change workspace role"),
                                  tr("%1 is %2 in \"%3\". Workspace admins and managers manage its keys and "
                                     "members; members only see them.")
                                          .arg(member->displayName(), member->role, ws->name) +
                                      selfNote(member->id),
                                  workspaceRoles(), member->role, m_window);
    dialog->setObjectName(QStringLiteral("memberRoleDialog"));
    QPointer<RoleDialog> guard(dialog);
    connect(dialog, &OrgFormDialog::submitted, this, [this, guard, member, ws] {
        const QString role = guard->role();
        qCInfo(lcUiOrg) << "member" << member->id << "of workspace" << ws->id << "becomes" << role;
        sendFromForm(guard, tr("Changing the workspace role…"),
                     tr("%1 is now %2 in \"%3\".").arg(member->displayName(), role, ws->name),
                     [this, member, ws, role](OrgCommands::Done done) {
                         m_commands->updateMemberRole(ws->id, member->id, role, done);
                     });
    });
    openDialog(dialog, {});
}

void OrgActions::removeMember()
{
    const std::optional<WorkspaceMember> member = selectedMember();
    const std::optional<Workspace> ws = currentWorkspace();
    if (!action(QStringLiteral("actionRemoveMember"))->isEnabled() || !member || !ws)
        return;
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Remove from workspace"),
        tr("Remove %1 (%2) from the workspace \"%3\"?").arg(member->displayName(), member->email, ws->name),
        QMessageBox::Yes | QMessageBox::Cancel, m_window);
    box->setObjectName(QStringLiteral("removeMemberQuestion"));
    box->setTextFormat(Qt::PlainText);
    box->setInformativeText(m_commands->isSelf(member->id)
                                ? tr("This is you: you lose access to the workspace's keys and settings, and "
                                     "only an organisation "
                                     "admin or another workspace admin can add you again.")
                                : tr("They lose access to the workspace's keys and settings; they stay in "
                                     "the organisation and can "
                                     "be added again."));
    box->button(QMessageBox::Yes)->setText(tr("Remove"));
    box->setDefaultButton(QMessageBox::Cancel);
    askQuestion(box, this, [this, member, ws](int answer) {
        if (answer != QMessageBox::Yes)
            return;
        beginWrite(tr("Removing the member…"));
        qCInfo(lcUiOrg) << "removing member" << member->id << "from workspace" << ws->id;
        m_commands->removeMember(ws->id, member->id, [this, member, ws](const OrgWriteResult &result) {
            endWrite();
            report(result, tr("Removed %1 from \"%2\".").arg(member->displayName(), ws->name));
        });
    });
}

// --- organisation users -----------------------------------------------------------------------------------

void OrgActions::changeUserRole()
{
    const std::optional<User> user = selectedUser();
    if (!action(QStringLiteral("actionChangeUserRole"))->isEnabled() || !user)
        return;
    auto *dialog =
        new RoleDialog(tr("Change organisation role"),
                       tr("%1 is an organisation %2. Organisation admins manage every workspace, user "
                          "and key; members act only in their workspaces.")
                               .arg(user->displayName(), user->role) +
                           selfNote(user->id),
                       assignableOrgRoles(), user->role, m_window);
    dialog->setObjectName(QStringLiteral("userRoleDialog"));
    QPointer<RoleDialog> guard(dialog);
    connect(dialog, &OrgFormDialog::submitted, this, [this, guard, user] {
        const QString role = guard->role();
        qCInfo(lcUiOrg) << "user" << user->id << "becomes organisation" << role;
        sendFromForm(
            guard, tr("Changing the organisation role…"),
            tr("%1 is now an organisation %2.").arg(user->displayName(), role),
            [this, user, role](OrgCommands::Done done) { m_commands->updateUserRole(user->id, role, done); });
    });
    openDialog(dialog, {});
}

void OrgActions::removeUser()
{
    const std::optional<User> user = selectedUser();
    if (!action(QStringLiteral("actionRemoveUser"))->isEnabled() || !user)
        return;
    const CacheSnapshot &snapshot = m_session->snapshot();
    QStringList workspaceNames;
    for (const Workspace &ws : snapshot.workspaces) {
        bool member = false;
        for (const QString &id : user->workspaceIds)
            member = member || ws.matches(id);
        for (const WorkspaceMember &m : snapshot.members.value(ws.id))
            member = member || m.id == user->id;
        if (member)
            workspaceNames.append(ws.name);
    }
    int userKeys = 0;
    for (const ApiKey &key : snapshot.keys) {
        if (!key.userId.isEmpty() && key.userId == user->id)
            ++userKeys;
    }
    QStringList losses;
    if (workspaceNames.isEmpty())
        losses.append(tr("their place in the organisation (they are in no workspace)"));
    else
        losses.append((workspaceNames.size() == 1
                           ? tr("membership of the workspace %1")
                           : tr("membership of %1 workspaces: %2").arg(workspaceNames.size()))
                          .arg(workspaceNames.join(QLatin1String(", "))));
    if (userKeys > 0)
        losses.append((userKeys == 1
                           ? tr("the use of the workspace user key issued to them")
                           : tr("the use of the %1 workspace user keys issued to them").arg(userKeys)));
    if (user->role == QLatin1String("admin"))
        losses.append(tr("their organisation admin rights"));
    if (m_commands->isSelf(user->id))
        losses.prepend(tr("this is you: your own access to the organisation"));
    auto *box =
        new QMessageBox(QMessageBox::Warning, tr("Remove from organisation"),
                        tr("Remove %1 (%2) from the organisation?").arg(user->displayName(), user->email),
                        QMessageBox::Yes | QMessageBox::Cancel, m_window);
    box->setObjectName(QStringLiteral("removeUserQuestion"));
    box->setTextFormat(Qt::PlainText);
    box->setInformativeText(
        tr("They lose %1. To come back they need a new invite.").arg(losses.join(QLatin1String("; "))));
    box->button(QMessageBox::Yes)->setText(tr("Remove from organisation"));
    box->setDefaultButton(QMessageBox::Cancel);
    askQuestion(box, this, [this, user](int answer) {
        if (answer != QMessageBox::Yes)
            return;
        beginWrite(tr("Removing the user from the organisation…"));
        qCInfo(lcUiOrg) << "removing user" << user->id << "from the organisation";
        m_commands->removeUser(user->id, [this, user](const OrgWriteResult &result) {
            endWrite();
            report(result, tr("Removed %1 from the organisation.").arg(user->displayName()));
        });
    });
}

// --- invites and audit log --------------------------------------------------------------------------------

void OrgActions::showInvites()
{
    if (!action(QStringLiteral("actionInvites"))->isEnabled())
        return;
    auto *dialog =
        new InvitesDialog(m_commands, m_views.clipboard, m_session->snapshot().workspaces, m_window);
    dialog->setObjectName(QStringLiteral("invitesDialog"));
    connect(dialog, &InvitesDialog::writeFinished, this, &OrgActions::writeFinished);
    dialog->reload();
    openDialog(dialog, {});
}

void OrgActions::invitePerson()
{
    if (!action(QStringLiteral("actionInvitePerson"))->isEnabled())
        return;
    auto *dialog =
        new InvitesDialog(m_commands, m_views.clipboard, m_session->snapshot().workspaces, m_window);
    dialog->setObjectName(QStringLiteral("invitesDialog"));
    connect(dialog, &InvitesDialog::writeFinished, this, &OrgActions::writeFinished);
    QPointer<InvitesDialog> guard(dialog);
    const auto finished = std::make_shared<bool>(false);
    dialog->reload();
    openDialog(dialog, [finished](int) { *finished = true; });
    if (guard && !*finished)
        guard->inviteNew(); // the form opens over the list, which keeps loading behind it
}

void OrgActions::showAuditLog()
{
    if (!action(QStringLiteral("actionAuditLog"))->isEnabled())
        return;
    auto *dialog = new AuditLogDialog(m_commands, m_session->snapshot().workspaces, m_window);
    dialog->setObjectName(QStringLiteral("auditLogDialog"));
    dialog->setActorNames(m_commands->actorNames());
    dialog->load();
    openDialog(dialog, {});
}

} // namespace pk::ui
