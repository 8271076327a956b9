#include "invitesdialog.h"

#include "logging.h"
#include "orgdialogs.h"

#include "models/timetext.h"
#include "sync/orgcommands.h"
#include "ui/actioncontroller.h"
#include "ui/dialoghook.h"
#include "ui/keys/clipboardservice.h"
#include "ui/keys/dialoghooks.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <utility>

namespace pk::ui {

// --- InviteTableModel -------------------------------------------------------------------------------------

InviteTableModel::InviteTableModel(QObject *parent)
    : RowTableModel({tr("E-mail"), tr("Organisation role"), tr("Status"), tr("Created"), tr("Expires")},
                    parent)
{}

void InviteTableModel::setInvites(const QList<Invite> &invites)
{
    setRows(invites);
}

QVariant InviteTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Invite &invite = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Email:
            return invite.email;
        case Role:
            return invite.role;
        case Status:
            return invite.status;
        case Created:
            return models::localTimeText(invite.createdAt);
        case Expires:
            return invite.expiresAt.isNone() ? tr("never") : models::localTimeText(invite.expiresAt);
        default:
            return {};
        }
    case SortRole:
        if (column == Created)
            return invite.createdAt.utc();
        if (column == Expires)
            return invite.expiresAt.utc();
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (column == Created)
            return models::instantToolTip(invite.createdAt, tr("Creation time unknown"));
        if (column == Expires)
            return models::instantToolTip(invite.expiresAt, tr("never"));
        return {};
    case IdRole:
        return invite.id;
    case StatusRole:
        return invite.status;
    default:
        return {};
    }
}

// --- InvitesDialog ----------------------------------------------------------------------------------------

InvitesDialog::InvitesDialog(OrgCommands *commands, ClipboardService *clipboard,
                             const QList<Workspace> &workspaces, QWidget *parent)
    : QDialog(parent), m_commands(commands), m_clipboard(clipboard), m_workspaces(workspaces)
{
    Q_ASSERT(commands && clipboard);
    setWindowTitle(tr("Invites"));
    m_model = new InviteTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(InviteTableModel::SortRole);
    m_proxy->setFilterRole(InviteTableModel::StatusRole);
    m_proxy->setFilterKeyColumn(InviteTableModel::Status);

    m_table = makeRecordTable(QStringLiteral("invitesTable"), m_proxy, InviteTableModel::Created,
                              InviteTableModel::Email);

    m_refresh = new QPushButton(tr("&Refresh"));
    m_refresh->setObjectName(QStringLiteral("invitesRefresh"));
    m_new = new QPushButton(tr("&Invite person…"));
    m_new->setObjectName(QStringLiteral("invitesNew"));
    m_resend = new QPushButton(tr("Re&send"));
    m_resend->setObjectName(QStringLiteral("invitesResend"));
    m_delete = new QPushButton(tr("&Delete…"));
    m_delete->setObjectName(QStringLiteral("invitesDelete"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_resend);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    m_pendingOnly = new QCheckBox(tr("&Pending only"));
    m_pendingOnly->setObjectName(QStringLiteral("invitesPendingOnly"));
    m_pendingOnly->setToolTip(tr("Hide accepted, cancelled and expired invites"));
    buttons->addWidget(m_pendingOnly);
    buttons->addWidget(m_refresh);

    m_linkRow = new QWidget;
    auto *linkLayout = new QHBoxLayout(m_linkRow);
    linkLayout->setContentsMargins(0, 0, 0, 0);
    m_link = new QLineEdit;
    m_link->setObjectName(QStringLiteral("inviteLink"));
    m_link->setReadOnly(true);
    m_copy = new QPushButton(tr("&Copy link"));
    m_copy->setObjectName(QStringLiteral("inviteLinkCopy"));
    m_copy->setToolTip(tr("Copy the invite link; the clipboard is cleared after a while"));
    linkLayout->addWidget(new QLabel(tr("Invite link:")));
    linkLayout->addWidget(m_link, 1);
    linkLayout->addWidget(m_copy);
    m_linkRow->hide();

    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("invitesProgress"));
    m_progress->setRange(0, 0);
    m_progress->setMaximumHeight(12);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("invitesStatus"));
    m_status->setTextFormat(Qt::PlainText); // server messages and e-mails
    m_status->setWordWrap(true);

    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_linkRow);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(close);
    resize(760, 420);

    connect(m_refresh, &QPushButton::clicked, this, [this] {
        m_outcome.clear();
        reload();
    });
    connect(m_new, &QPushButton::clicked, this, &InvitesDialog::inviteNew);
    connect(m_resend, &QPushButton::clicked, this, &InvitesDialog::resendSelected);
    connect(m_delete, &QPushButton::clicked, this, &InvitesDialog::deleteSelected);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (m_clipboard && !m_link->text().isEmpty()) {
            m_clipboard->copy(m_link->text(), true);
            setStatus(tr("Copied the invite link; the clipboard is cleared after %1 s.")
                          .arg(m_clipboard->clearDelayMs() / 1000),
                      false);
        }
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &InvitesDialog::refreshButtons);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &InvitesDialog::refreshButtons);
    connect(m_pendingOnly, &QCheckBox::toggled, this, &InvitesDialog::setPendingOnly);
    m_pendingOnly->setChecked(true);
    refreshButtons();
}

InvitesDialog::~InvitesDialog() = default;

void InvitesDialog::setPendingOnly(bool on)
{
    if (m_pendingOnly->isChecked() != on)
        m_pendingOnly->setChecked(on); // re-enters through toggled()
    m_proxy->setFilterRegularExpression(on ? QRegularExpression(QStringLiteral("^pending$"))
                                           : QRegularExpression());
    refreshButtons();
}

int InvitesDialog::visibleRowCount() const
{
    return m_proxy->rowCount();
}

QString InvitesDialog::inviteLink() const
{
    return m_link->text();
}

QString InvitesDialog::statusText() const
{
    return m_status->text();
}

void InvitesDialog::setOutcome(const QString &text, bool error)
{
    m_outcome = text;
    m_outcomeIsError = error;
    setStatus(text, error);
}

void InvitesDialog::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void InvitesDialog::showLink(const QString &link, const QString &inviteId)
{
    m_linkInviteId = inviteId;
    m_link->setText(link);
    m_link->setCursorPosition(0);
    m_linkRow->setVisible(!link.isEmpty());
}

void InvitesDialog::beginBusy(bool write)
{
    ++m_busy;
    m_writes += write ? 1 : 0;
    m_progress->show();
    refreshButtons();
}

void InvitesDialog::endBusy(bool write)
{
    m_busy = qMax(0, m_busy - 1);
    m_writes = qMax(0, m_writes - (write ? 1 : 0));
    m_progress->setVisible(m_busy > 0);
    refreshButtons();
}

std::optional<Invite> InvitesDialog::selectedInvite() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return std::nullopt;
    const Invite *invite = m_model->itemAt(m_proxy->mapToSource(rows.first()));
    if (!invite)
        return std::nullopt;
    return *invite;
}

bool InvitesDialog::selectInvite(const QString &id)
{
    const QModelIndex index = m_proxy->mapFromSource(m_model->indexForId(id));
    if (!index.isValid())
        return false;
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
    return true;
}

void InvitesDialog::gate(QPushButton *button, access::Action action, bool needsSelection,
                         const QString &description)
{
    access::Decision decision;
    if (!m_commands) {
        decision.reason = tr("the connection is closed");
    } else if (action == access::Action::InviteList ? m_busy > m_writes : m_writes > 0) {
        decision.reason = tr("wait until the running request has finished");
    } else if (needsSelection && !selectedInvite()) {
        decision.reason = tr("select an invite first");
    } else {
        decision = m_commands->decide(action);
    }
    button->setEnabled(decision.allowed);
    button->setToolTip(decision.allowed ? description : ActionController::reasonFor(decision));
}

void InvitesDialog::refreshButtons()
{
    const std::optional<Invite> invite = selectedInvite();
    gate(m_new, access::Action::InviteCreate, false, tr("Invite someone to the organisation"));
    gate(m_resend, access::Action::InviteResend, true, tr("Send the selected invite's e-mail again"));
    gate(m_delete, access::Action::InviteDelete, true, tr("Withdraw the selected invite"));
    if (invite && m_resend->isEnabled() && invite->status != QLatin1String("pending")) {
        m_resend->setEnabled(false);
        m_resend->setToolTip(tr("Not available: Only pending invites can be sent again."));
    }
    gate(m_refresh, access::Action::InviteList, false, tr("Load the invites from the server"));
}

void InvitesDialog::reload()
{
    if (!m_commands)
        return;
    beginBusy(false);
    if (m_outcome.isEmpty())
        setStatus(tr("Loading invites…"), false);
    QPointer<InvitesDialog> self(this);
    m_commands->listInvites([self](const ApiResult<QList<Invite>> &result) {
        if (!self)
            return;
        self->endBusy(false);
        if (!result.ok()) {
            self->setStatus(tr("The invites could not be loaded: %1").arg(result.error.userText()), true);
            emit self->loaded(false);
            return;
        }
        self->m_model->setInvites(result.value);
        int pending = 0;
        for (const Invite &invite : result.value)
            pending += invite.status == QLatin1String("pending") ? 1 : 0;
        const QString counts =
            (result.value.size() == 1 ? tr("1 invite, %1 pending.")
                                      : tr("%1 invites, %2 pending.").arg(result.value.size()))
                .arg(pending);
        self->setStatus(self->m_outcome.isEmpty() ? counts
                                                  : QString(self->m_outcome + QLatin1Char(' ') + counts),
                        self->m_outcomeIsError);
        if (!self->m_selectAfterLoad.isEmpty())
            self->selectInvite(std::exchange(self->m_selectAfterLoad, QString()));
        self->refreshButtons();
        emit self->loaded(true);
    });
}

void InvitesDialog::inviteNew()
{
    if (!m_new->isEnabled() || !m_commands)
        return;
    auto *dialog = new InviteDialog(m_workspaces, this);
    dialog->setObjectName(QStringLiteral("inviteDialog"));
    QPointer<InviteDialog> guard(dialog);
    QPointer<InvitesDialog> self(this);
    connect(dialog, &OrgFormDialog::submitted, this, [self, guard] {
        const InviteDraft draft = guard->draft();
        guard->setBusy(true);
        self->beginBusy(true);
        qCInfo(lcUiOrg) << "inviting a person as" << draft.role << "to" << draft.workspaces.size()
                        << "workspaces";
        self->m_commands->createInvite(
            draft, [self, guard, email = draft.email](const OrgWriteResult &result, const InviteLink &link) {
                if (!self)
                    return;
                self->endBusy(true);
                if (guard && !result.ok() && !result.maybeApplied) {
                    guard->setBusy(false);
                    guard->showError(result.message.isEmpty() ? result.error.userText() : result.message);
                    emit self->writeFinished(result);
                    return;
                }
                if (guard)
                    guard->done(result.ok() ? QDialog::Accepted : QDialog::Rejected);
                if (result.ok()) {
                    self->showLink(link.link, link.id);
                    self->m_selectAfterLoad = link.id;
                    self->setOutcome(
                        tr("Invited %1. Send them the link below if the e-mail does not arrive.").arg(email),
                        false);
                } else {
                    self->setOutcome(result.message, true);
                }
                emit self->writeFinished(result);
                self->reload();
            });
    });
    openDialog(dialog, {});
}

void InvitesDialog::resendSelected()
{
    const std::optional<Invite> invite = selectedInvite();
    if (!invite || !m_resend->isEnabled() || !m_commands)
        return;
    beginBusy(true);
    QPointer<InvitesDialog> self(this);
    qCInfo(lcUiOrg) << "resending invite" << invite->id;
    m_commands->resendInvite(
        invite->id, [self, invite](const OrgWriteResult &result, const InviteLink &link) {
            if (!self)
                return;
            self->endBusy(true);
            if (result.ok()) {
                self->showLink(link.link, invite->id);
                self->setOutcome(tr("Sent the invite to %1 again.").arg(invite->email), false);
            } else {
                self->setOutcome(result.message.isEmpty() ? result.error.userText() : result.message, true);
            }
            emit self->writeFinished(result);
        });
}

void InvitesDialog::deleteSelected()
{
    const std::optional<Invite> invite = selectedInvite();
    if (!invite || !m_delete->isEnabled() || !m_commands)
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Delete invite"),
                                tr("Delete the invite for %1?").arg(invite->email),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("deleteInviteQuestion"));
    box->setTextFormat(Qt::PlainText);
    box->setInformativeText(tr("The invite link stops working. You can invite them again later."));
    box->button(QMessageBox::Yes)->setText(tr("Delete invite"));
    box->setDefaultButton(QMessageBox::Cancel);
    QPointer<InvitesDialog> self(this);
    askQuestion(box, this, [self, invite](int answer) {
        if (!self || answer != QMessageBox::Yes || !self->m_commands)
            return;
        self->beginBusy(true);
        qCInfo(lcUiOrg) << "deleting invite" << invite->id;
        self->m_commands->deleteInvite(invite->id, [self, invite](const OrgWriteResult &result) {
            if (!self)
                return;
            self->endBusy(true);
            if (result.ok()) {
                self->m_model->removeIds({invite->id});
                if (self->m_linkInviteId == invite->id)
                    self->showLink({}, {}); // that link no longer works
                self->setOutcome(tr("Deleted the invite for %1.").arg(invite->email), false);
            } else {
                self->setOutcome(result.message.isEmpty() ? result.error.userText() : result.message, true);
            }
            emit self->writeFinished(result);
            self->reload();
        });
    });
}

} // namespace pk::ui
