#pragma once

#include "access/accesspolicy.h"
#include "access/action.h"
#include "domain/user.h"
#include "domain/workspace.h"
#include "sync/orgcommands.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

#include <optional>

class QAction;
class QMainWindow;
class QMenu;
class QTabWidget;
class QTableView;
class QTreeView;

namespace pk {
class Session;
}

namespace pk::ui {

class ActionController;
class ClipboardService;
class MessageBar;
class OrgFormDialog;

/// The main window's widgets the organisation actions read their selection from and report to. None is
/// owned; all must outlive the OrgActions.
struct OrgViews
{
    QTreeView *navigation = nullptr; ///< the navigation tree (models/navigation.h roles)
    QTabWidget *tabs = nullptr;      ///< the main tabs holding `members` and `users`
    QTableView *members = nullptr;   ///< the members view (a proxy over models::MemberTableModel)
    QTableView *users = nullptr;     ///< the users view (a proxy over models::UserTableModel)
    MessageBar *messageBar = nullptr;
    ClipboardService *clipboard = nullptr; ///< copies invite links (cleared after the preference's delay)
};

/// Organisation management in the desktop app: workspaces, workspace members, organisation users, invites
/// and audit logs (ADMIN-API.md §4–§6), on top of pk::OrgCommands.
///
/// Builds the actions and puts them in a "Workspace" and an "Organisation" menu (before Help) and in the
/// members' and users' context menus. Every action is registered with the ActionController with the
/// access::Action it performs (issue 5 "Gating in the UI"); after each evaluation the actions that act on
/// a selected member, user or workspace are further decided with the selection as access::Target
/// (OrgCommands::decide(): e.g. the owner's role can never be changed), and a denied action shows the
/// policy's reason as tool tip and status tip (ActionController::reasonFor()).
///
/// Writes go through dialogs that stay open with the input when the server refuses, and report the
/// outcome in the message bar; the snapshot changes only through the sync OrgCommands starts after a
/// write. Nothing blocks the GUI thread.
///
/// Action object names: `actionNewWorkspace` (Ctrl+Shift+N), `actionEditWorkspace` (Ctrl+Shift+E),
/// `actionDeleteWorkspace` (Ctrl+Shift+Del), `actionAddMembers` (Ctrl+Shift+M), `actionChangeMemberRole`
/// (Ctrl+Shift+O), `actionRemoveMember` (Ctrl+Shift+X), `actionChangeUserRole` (Ctrl+Alt+O),
/// `actionRemoveUser` (Ctrl+Alt+X), `actionInvites` (Ctrl+Shift+I),
/// `actionInvitePerson` (Ctrl+Alt+I), `actionAuditLog` (Ctrl+Shift+L).
class OrgActions : public QObject
{
    Q_OBJECT
public:
    /// Creates the actions (children of `window`) and menus. `session` and `controller` must outlive this
    /// object; it is usually a child of `window`.
    OrgActions(QMainWindow *window, ActionController *controller, Session *session, const OrgViews &views);
    ~OrgActions() override;

    /// The action with `objectName` (see the class comment), or nullptr.
    QAction *action(const QString &objectName) const;
    /// Every action, in menu order.
    QList<QAction *> actions() const;
    /// The decision shown on `qaction`: the ActionController's, narrowed by the selection (see the class
    /// comment).
    access::Decision decisionFor(const QAction *qaction) const;
    /// The command layer the actions use (owned).
    OrgCommands *commands() const { return m_commands; }

    /// True while a write started from these actions is in flight (the window's other writes wait too).
    bool isWriting() const { return m_writes > 0; }

    /// The workspace selected in the navigation (id), or empty at organisation level.
    QString currentWorkspaceId() const;
    /// The member selected on the Members tab, when exactly one row is selected.
    std::optional<WorkspaceMember> selectedMember() const;
    /// The user selected on the Users tab, when exactly one row is selected.
    std::optional<User> selectedUser() const;

public slots:
    /// Workspace → New workspace…: name and description, `POST /admin/workspaces` (L14927).
    void newWorkspace();
    /// Workspace → Edit workspace…: the navigation's workspace, `PUT /admin/workspaces/{id}` (L15230).
    void editWorkspace();
    /// Workspace → Delete workspace…: type the name to confirm; after a 409 (it still holds keys) offers
    /// "Delete with its keys" as a second, explicit step (L15487, ADMIN-API.md §4).
    void deleteWorkspace();
    /// Workspace → Add members…: organisation users not yet members, with a role (L14303).
    void addMembers();
    /// Change the selected member's workspace role (L14558).
    void changeMemberRole();
    /// Remove the selected member from the workspace after confirming (L14682).
    void removeMember();
    /// Change the selected user's organisation role to admin or member (L14183); owner is never offered.
    void changeUserRole();
    /// Remove the selected user from the organisation after confirming what they lose (L14087).
    void removeUser();
    /// Organisation → Invites…: the InvitesDialog (list, invite, resend, delete, copy link).
    void showInvites();
    /// Organisation → Invite person…: the InvitesDialog with the invite form opened at once.
    void invitePerson();
    /// Organisation → Audit log…: the AuditLogDialog.
    void showAuditLog();

signals:
    /// A write started from these actions finished (after its message was shown); for tests and status.
    void writeFinished(const pk::OrgWriteResult &result);
    /// isWriting() changed: a write started or the last one ended.
    void writingChanged();

private:
    struct Entry
    {
        QPointer<QAction> qaction;
        access::Action action;
        QString description;
        access::Decision decision;
    };
    QAction *addOrgAction(const QString &name, const QString &text, const QList<QKeySequence> &shortcuts,
                          access::Action action, unsigned needs, const QString &description);
    /// Narrows every entry's ActionController decision by the current selection and applies it.
    void refine();
    access::Decision narrowed(const Entry &entry) const;
    bool tabCurrent(const QWidget *page) const;
    /// " This is you: …" when `userId` is the person acting (OrgCommands::isSelf()), else empty.
    QString selfNote(const QString &userId) const;
    std::optional<Workspace> currentWorkspace() const;
    /// What to do when the server refuses a form's write; returns false to show the error on the form.
    using Refusal = std::function<bool(OrgFormDialog *form, const OrgWriteResult &result)>;
    /// Sends a form's write through `send` (given the completion): the form is busy meanwhile; a refusal
    /// keeps it open with the input and the error (or runs `onRefusal`); a confirmed write, or one whose
    /// reply was lost, closes it and reports `successText` or the message in the message bar.
    void sendFromForm(OrgFormDialog *form, const QString &progressText, const QString &successText,
                      const std::function<void(OrgCommands::Done)> &send, const Refusal &onRefusal = {});
    /// Shows `result` in the message bar (information, or error) and emits writeFinished().
    void report(const OrgWriteResult &result, const QString &successText);
    /// A write starts: its actions wait, and the status bar shows `progressText` until it ends.
    void beginWrite(const QString &progressText);
    void endWrite();

    QMainWindow *m_window = nullptr;
    ActionController *m_controller = nullptr;
    Session *m_session = nullptr;
    OrgViews m_views;
    OrgCommands *m_commands = nullptr;
    QList<Entry> m_entries;
    int m_writes = 0; ///< writes of these actions in flight
};

} // namespace pk::ui
