#pragma once

#include "access/accesspolicy.h"
#include "domain/user.h"
#include "domain/workspace.h"
#include "models/rowtablemodel.h"

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace pk {
class OrgCommands;
struct OrgWriteResult;
} // namespace pk

namespace pk::ui {

class ClipboardService;

/// Invites as a table: e-mail, organisation role, status, created and expires (local time with zone;
/// tool tips local and UTC). Row id: the invite id.
class InviteTableModel : public models::RowTableModel<Invite, 5>
{
    Q_OBJECT
public:
    enum Column
    {
        Email,
        Role,
        Status,
        Created,
        Expires
    };
    enum Role
    {
        IdRole = Qt::UserRole + 1, ///< QString: invite id
        StatusRole,                ///< QString: raw status
        SortRole,                  ///< raw sortable value of the column
    };
    explicit InviteTableModel(QObject *parent = nullptr);
    /// Replaces every row by `invites` (`GET /admin/users/invites`, L13395), diffing by invite id.
    void setInvites(const QList<Invite> &invites);
    /// Display texts per column; SortRole gives UTC instants for Created and Expires; tool tips give the
    /// instants in local time and UTC.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
};

/// Organisation → Invites… (ADMIN-API.md §5): lists the invites (`GET /admin/users/invites`, L13395,
/// loaded when shown, with progress), and offers Invite person… (InviteDialog, L13204), Resend (L13744) and
/// Delete (after confirming) for the selected pending invite. Buttons are enabled by the policy's
/// decision (OrgCommands::decide()) with the reason as tool tip. The invite link of a create or resend is
/// shown with a Copy button that copies through the ClipboardService (cleared after its delay; the link is
/// not an API key but grants a seat). Object names: `invitesTable`, `invitesRefresh`, `invitesNew`,
/// `invitesResend`, `invitesDelete`, `invitesPendingOnly`, `invitesProgress`, `invitesStatus`, `inviteLink`,
/// `inviteLinkCopy`.
class InvitesDialog : public QDialog
{
    Q_OBJECT
public:
    /// `commands` and `clipboard` must outlive the dialog. `workspaces` are offered in the invite form.
    InvitesDialog(OrgCommands *commands, ClipboardService *clipboard, const QList<Workspace> &workspaces,
                  QWidget *parent = nullptr);
    ~InvitesDialog() override;

    /// Reloads the list from the server; the table keeps its rows until the answer arrives.
    void reload();
    /// Opens the invite form (InviteDialog through openDialog()).
    void inviteNew();
    /// Sends the selected invite again.
    void resendSelected();
    /// Asks, then deletes the selected invite.
    void deleteSelected();
    /// Shows only pending invites (the default) or every invite (accepted, cancelled, expired too).
    void setPendingOnly(bool on);
    /// The number of invites the table shows (after the pending-only filter).
    int visibleRowCount() const;
    /// Selects the invite with `id`; false when not listed or hidden by the filter.
    bool selectInvite(const QString &id);

    InviteTableModel *model() const { return m_model; }
    /// The link last shown (empty when none).
    QString inviteLink() const;
    /// True while a list or write is running.
    bool isBusy() const { return m_busy > 0; }
    /// The status line's text (errors and outcomes).
    QString statusText() const;

signals:
    /// A list finished (ok or not).
    void loaded(bool ok);
    /// A create, resend or delete finished.
    void writeFinished(const pk::OrgWriteResult &result);

private:
    void refreshButtons();
    std::optional<Invite> selectedInvite() const;
    /// Shows the invite link of `inviteId` with its Copy button; an empty link hides the row.
    void showLink(const QString &link, const QString &inviteId);
    void setStatus(const QString &text, bool error);
    /// Shows the outcome of a write; it stays in front of the counts until Refresh is pressed.
    void setOutcome(const QString &text, bool error);
    /// A list (`write` false) or a write started / ended: progress shows while any runs; writes block
    /// the write buttons, a list blocks Refresh.
    void beginBusy(bool write);
    void endBusy(bool write);
    /// Enables `button` by the policy's decision for `action` (and a selected invite when
    /// `needsSelection`), with the reason as tool tip when disabled.
    void gate(QPushButton *button, access::Action action, bool needsSelection, const QString &description);

    QPointer<OrgCommands> m_commands;
    QPointer<ClipboardService> m_clipboard;
    QList<Workspace> m_workspaces;
    InviteTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_new = nullptr;
    QPushButton *m_resend = nullptr;
    QPushButton *m_delete = nullptr;
    QCheckBox *m_pendingOnly = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QWidget *m_linkRow = nullptr;
    QLineEdit *m_link = nullptr;
    QPushButton *m_copy = nullptr;
    int m_busy = 0;                ///< lists and writes running
    int m_writes = 0;              ///< writes running
    QString m_outcome;             ///< the last write's outcome, kept across the reload that follows it
    bool m_outcomeIsError = false; ///< the outcome is a failure
    QString m_linkInviteId;        ///< the invite whose link is shown
    QString m_selectAfterLoad;     ///< the invite to select when the next list arrives (a new one)
};

} // namespace pk::ui
