#pragma once

#include "domain/user.h"
#include "domain/workspace.h"
#include "portkey/adminapiclient.h"

#include <QDialog>
#include <QJsonObject>
#include <QList>
#include <QStringList>

class QAbstractItemModel;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTreeWidget;
class QVBoxLayout;

namespace pk::ui {

/// The organisation roles the Admin API can give (`PUT /admin/users/{id}` L14183, `CreateInvite.role`
/// L21806): admin and member. Owner is never offered (ADMIN-API.md §4).
QStringList assignableOrgRoles();
/// The workspace roles (`admin`, `manager`, `member`; ADMIN-API.md §4, ROLES.md).
QStringList workspaceRoles();
/// A read-only record table (invites, audit log) named `objectName` over `model`: sortable, newest first by
/// `sortColumn`, one whole row selected at a time, columns fitted to their contents except `stretchColumn`,
/// which takes the rest. The caller owns it (put it in a layout).
QTableView *makeRecordTable(const QString &objectName, QAbstractItemModel *model, int sortColumn,
                            int stretchColumn);

/// A form whose OK sends a request and stays open until the server answers (the KeyFormDialog habit of
/// ui/keys). accept() checks validationError(): with an error the error line shows it and nothing is
/// sent; otherwise submitted() is emitted and the caller sends, then calls done() on success or
/// showError() (the input stays) on a refusal. Object names: `orgFormError` (the error line), `orgFormOk`.
class OrgFormDialog : public QDialog
{
    Q_OBJECT
public:
    /// What is wrong with the input, for a person; empty when it can be sent.
    virtual QString validationError() const = 0;
    /// While busy the inputs and OK are disabled and accept() does nothing.
    void setBusy(bool busy);
    bool isBusy() const { return m_busy; }
    /// Shows `text` (plain text) on the error line; empty hides it.
    void showError(const QString &text);
    /// The error line's text; empty when hidden.
    QString errorText() const;
    /// Validates, then emits submitted() (the dialog stays open).
    void accept() override;
    QPushButton *okButton() const { return m_ok; }

signals:
    /// The input is valid and should be sent.
    void submitted();

protected:
    OrgFormDialog(const QString &title, const QString &okText, QWidget *parent);
    /// The layout above the error line, for the subclass's fields.
    QVBoxLayout *body() const { return m_body; }

private:
    QVBoxLayout *m_body = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_ok = nullptr;
    bool m_busy = false;
};

/// New or edit workspace: name (required, at most kMaxNameLength characters) and description. Object
/// names: `workspaceName`, `workspaceDescription`.
class WorkspaceDialog : public OrgFormDialog
{
    Q_OBJECT
public:
    static constexpr int kMaxNameLength = 100;
    /// A new workspace when `existing` is null; otherwise edits it (fields filled in).
    explicit WorkspaceDialog(const Workspace *existing, QWidget *parent = nullptr);
    QString validationError() const override;
    /// The `POST /admin/workspaces` body (L14927): trimmed name and description.
    WorkspaceDraft draft() const;
    /// The `PUT /admin/workspaces/{id}` changes (L15230): only `name` and `description` that differ from
    /// the edited workspace.
    QJsonObject changes() const;
    QLineEdit *nameEdit() const { return m_name; }
    QPlainTextEdit *descriptionEdit() const { return m_description; }

private:
    bool m_editing = false;
    Workspace m_existing;
    QLineEdit *m_name = nullptr;
    QPlainTextEdit *m_description = nullptr;
};

/// Delete a workspace: the person types its name to confirm (the API also checks it, L15487). After the
/// server's 409 (it still holds keys) offerForce() turns OK into "Delete with its keys", a second, explicit
/// step. Object names: `confirmName`, `forceNotice`.
class DeleteWorkspaceDialog : public OrgFormDialog
{
    Q_OBJECT
public:
    /// `keyCount` is the number of keys the snapshot shows in the workspace (told to the person).
    DeleteWorkspaceDialog(const Workspace &workspace, int keyCount, QWidget *parent = nullptr);
    QString validationError() const override;
    /// Explains `serverText` and asks again with force: OK then reads "Delete with its keys".
    void offerForce(const QString &serverText);
    /// True after offerForce(): the next submission deletes the workspace with its keys.
    bool force() const { return m_force; }
    QLineEdit *confirmEdit() const { return m_confirm; }

private:
    Workspace m_workspace;
    QLineEdit *m_confirm = nullptr;
    QLabel *m_forceNotice = nullptr;
    bool m_force = false;
};

/// Add organisation users to a workspace: a searchable list with a check box per user (multi-select) and
/// one workspace role for all. Object names: `memberSearch`, `memberCandidates`, `memberRole`.
class AddMembersDialog : public OrgFormDialog
{
    Q_OBJECT
public:
    /// `candidates`: organisation users not yet members of `workspaceName`.
    AddMembersDialog(const QList<User> &candidates, const QString &workspaceName, QWidget *parent = nullptr);
    QString validationError() const override;
    /// One grant per checked user, with the chosen role.
    QList<MemberGrant> grants() const;
    /// Checks or unchecks the user with `userId`; returns false when not a candidate.
    bool setChecked(const QString &userId, bool checked);
    /// Selects `role` (admin, manager, member).
    void setRole(const QString &role);
    /// Filters the list by name or e-mail (case-insensitive); checked users stay checked when hidden.
    void setSearchText(const QString &text);
    /// The user ids currently shown by the search.
    QStringList visibleUserIds() const;

private:
    QLineEdit *m_search = nullptr;
    QListWidget *m_list = nullptr;
    QComboBox *m_role = nullptr;
};

/// Choose a role from `roles` for someone whose role is now `currentRole` (a member's workspace role or a
/// user's organisation role). Object name: `roleChoice`.
class RoleDialog : public OrgFormDialog
{
    Q_OBJECT
public:
    RoleDialog(const QString &title, const QString &text, const QStringList &roles,
               const QString &currentRole, QWidget *parent = nullptr);
    QString validationError() const override;
    QString role() const;
    void setRole(const QString &role);

private:
    QComboBox *m_role = nullptr;
    QString m_current;
};

/// Invite a person: e-mail, organisation role (admin or member) and one or more workspaces, each with a
/// role (`CreateInvite`, L21806; ADMIN-API.md §5). Object names: `inviteEmail`, `inviteRole`,
/// `inviteWorkspaces` (a check box and a role per workspace).
class InviteDialog : public OrgFormDialog
{
    Q_OBJECT
public:
    InviteDialog(const QList<Workspace> &workspaces, QWidget *parent = nullptr);
    QString validationError() const override;
    InviteDraft draft() const;
    QLineEdit *emailEdit() const { return m_email; }
    void setOrgRole(const QString &role);
    /// Checks the workspace with `workspaceId` and gives `role` in it; returns false when unknown.
    bool setWorkspace(const QString &workspaceId, bool checked,
                      const QString &role = QStringLiteral("member"));

private:
    QLineEdit *m_email = nullptr;
    QComboBox *m_role = nullptr;
    QTreeWidget *m_workspaces = nullptr;
};

} // namespace pk::ui
