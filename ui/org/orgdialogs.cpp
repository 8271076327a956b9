#include "orgdialogs.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pk::ui {

namespace {

constexpr int kUserIdRole = Qt::UserRole + 1;
constexpr int kSearchTextRole = Qt::UserRole + 2;

/// A plain-text label that wraps (names and e-mails come from the server).
QLabel *plainLabel(const QString &text)
{
    auto *label = new QLabel(text);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    return label;
}

} // namespace

QStringList assignableOrgRoles()
{
    return {QStringLiteral("admin"), QStringLiteral("member")};
}

QStringList workspaceRoles()
{
    return {QStringLiteral("admin"), QStringLiteral("manager"), QStringLiteral("member")};
}

// --- OrgFormDialog ----------------------------------------------------------------------------------------

QTableView *makeRecordTable(const QString &objectName, QAbstractItemModel *model, int sortColumn,
                            int stretchColumn)
{
    auto *table = new QTableView;
    table->setObjectName(objectName);
    table->setModel(model);
    table->setSortingEnabled(true);
    table->sortByColumn(sortColumn, Qt::DescendingOrder);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(stretchColumn, QHeaderView::Stretch);
    return table;
}

OrgFormDialog::OrgFormDialog(const QString &title, const QString &okText, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);
    m_body = new QVBoxLayout;
    layout->addLayout(m_body, 1);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("orgFormError"));
    m_error->setTextFormat(Qt::PlainText); // server messages
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = m_buttons->button(QDialogButtonBox::Ok);
    m_ok->setObjectName(QStringLiteral("orgFormOk"));
    m_ok->setText(okText);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &OrgFormDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void OrgFormDialog::setBusy(bool busy)
{
    m_busy = busy;
    for (QWidget *child : findChildren<QWidget *>()) {
        if (child == m_error || child == m_buttons || m_buttons->isAncestorOf(child))
            continue;
        if (child->parentWidget() == this)
            child->setEnabled(!busy);
    }
    m_ok->setEnabled(!busy);
    if (busy)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

void OrgFormDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

QString OrgFormDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void OrgFormDialog::accept()
{
    if (m_busy)
        return;
    const QString error = validationError();
    showError(error);
    if (!error.isEmpty())
        return;
    emit submitted();
}

// --- WorkspaceDialog --------------------------------------------------------------------------------------

WorkspaceDialog::WorkspaceDialog(const Workspace *existing, QWidget *parent)
    : OrgFormDialog(existing ? tr("Edit workspace") : tr("New workspace"),
                    existing ? tr("Save") : tr("Create"), parent)
{
    m_editing = existing != nullptr;
    if (existing)
        m_existing = *existing;
    m_name = new QLineEdit(m_existing.name);
    m_name->setObjectName(QStringLiteral("workspaceName"));
    m_name->setPlaceholderText(tr("e.g. Production"));
    m_name->setMaxLength(kMaxNameLength * 2); // longer input is reported, not cut silently
    m_description = new QPlainTextEdit(m_existing.description);
    m_description->setObjectName(QStringLiteral("workspaceDescription"));
    m_description->setTabChangesFocus(true);
    m_description->setMaximumHeight(90);
    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Description:"), m_description);
    body()->addLayout(form);
    setMinimumWidth(440);
    adjustSize();
}

QString WorkspaceDialog::validationError() const
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty())
        return tr("Enter a name for the workspace.");
    if (name.size() > kMaxNameLength)
        return tr("The name is %1 characters long; use at most %2.").arg(name.size()).arg(kMaxNameLength);
    if (m_editing && changes().isEmpty())
        return tr("Nothing changed: edit the name or the description first.");
    return {};
}

WorkspaceDraft WorkspaceDialog::draft() const
{
    WorkspaceDraft d;
    d.name = m_name->text().trimmed();
    d.description = m_description->toPlainText().trimmed();
    return d;
}

QJsonObject WorkspaceDialog::changes() const
{
    QJsonObject o;
    const QString name = m_name->text().trimmed();
    const QString description = m_description->toPlainText().trimmed();
    if (name != m_existing.name)
        o.insert(QStringLiteral("name"), name);
    if (description != m_existing.description)
        o.insert(QStringLiteral("description"), description);
    return o;
}

// --- DeleteWorkspaceDialog --------------------------------------------------------------------------------

DeleteWorkspaceDialog::DeleteWorkspaceDialog(const Workspace &workspace, int keyCount, QWidget *parent)
    : OrgFormDialog(tr("Delete workspace"), tr("Delete workspace"), parent), m_workspace(workspace)
{
    QString text = tr("Delete the workspace \"%1\"? Its members lose access to it. This cannot be undone.")
                       .arg(workspace.name);
    if (keyCount > 0) {
        text += QLatin1Char(' ') +
                (keyCount == 1
                     ? tr("It holds 1 API key; the server refuses while it holds keys.")
                     : tr("It holds %1 API keys; the server refuses while it holds keys.").arg(keyCount));
    }
    body()->addWidget(plainLabel(text));
    body()->addWidget(plainLabel(tr("Type the workspace's name to confirm:")));
    m_confirm = new QLineEdit;
    m_confirm->setObjectName(QStringLiteral("confirmName"));
    m_confirm->setPlaceholderText(workspace.name);
    body()->addWidget(m_confirm);
    m_forceNotice = plainLabel(QString());
    m_forceNotice->setObjectName(QStringLiteral("forceNotice"));
    m_forceNotice->setStyleSheet(QStringLiteral("font-weight: bold;"));
    m_forceNotice->hide();
    body()->addWidget(m_forceNotice);
    body()->addStretch(1);
    setMinimumWidth(460);
    adjustSize();
}

QString DeleteWorkspaceDialog::validationError() const
{
    if (m_confirm->text() != m_workspace.name)
        return tr("Type the name exactly as shown (\"%1\") to confirm.").arg(m_workspace.name);
    return {};
}

void DeleteWorkspaceDialog::offerForce(const QString &serverText)
{
    m_force = true;
    m_forceNotice->setText(
        tr("%1\nEvery application using those keys stops working at once. Press \"Delete with its keys\" "
           "to go ahead, or Cancel to keep the workspace.")
            .arg(serverText));
    m_forceNotice->show();
    okButton()->setText(tr("Delete with its keys"));
    showError(QString());
    adjustSize(); // room for the notice
}

// --- AddMembersDialog -------------------------------------------------------------------------------------

AddMembersDialog::AddMembersDialog(const QList<User> &candidates, const QString &workspaceName,
                                   QWidget *parent)
    : OrgFormDialog(tr("Add members to %1").arg(workspaceName), tr("Add"), parent)
{
    body()->addWidget(
        plainLabel(tr("Choose the organisation users to add to \"%1\"; they all get the role below.")
                       .arg(workspaceName)));
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("memberSearch"));
    m_search->setPlaceholderText(tr("Search name or e-mail"));
    m_search->setClearButtonEnabled(true);
    body()->addWidget(m_search);
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("memberCandidates"));
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    for (const User &user : candidates) {
        const QString label = user.displayName() == user.email
                                  ? user.email
                                  : QStringLiteral("%1 <%2>").arg(user.displayName(), user.email);
        auto *item = new QListWidgetItem(label, m_list);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        item->setData(kUserIdRole, user.id);
        item->setData(kSearchTextRole, QString(user.displayName() + QLatin1Char(' ') + user.email));
        item->setToolTip(tr("Organisation role: %1").arg(user.role));
    }
    m_list->sortItems();
    body()->addWidget(m_list, 1);
    // Space toggles every selected row, so a person can pick several with Shift/Ctrl and check them at once.
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *activated) {
        const Qt::CheckState state = activated->checkState() == Qt::Checked ? Qt::Unchecked : Qt::Checked;
        for (QListWidgetItem *item : m_list->selectedItems())
            item->setCheckState(state);
    });
    m_role = new QComboBox;
    m_role->setObjectName(QStringLiteral("memberRole"));
    m_role->addItems(workspaceRoles());
    m_role->setCurrentText(QStringLiteral("member"));
    auto *form = new QFormLayout;
    form->addRow(tr("Workspace &role:"), m_role);
    body()->addLayout(form);
    connect(m_search, &QLineEdit::textChanged, this, &AddMembersDialog::setSearchText);
    if (candidates.isEmpty())
        showError(tr("Every organisation user is already a member of \"%1\". Invite a person first.")
                      .arg(workspaceName));
    resize(480, 460);
}

QString AddMembersDialog::validationError() const
{
    if (m_list->count() == 0)
        return tr("Every organisation user is already a member. Invite a person first.");
    if (grants().isEmpty())
        return tr("Check at least one user to add.");
    return {};
}

QList<MemberGrant> AddMembersDialog::grants() const
{
    QList<MemberGrant> out;
    for (int i = 0; i < m_list->count(); ++i) {
        const QListWidgetItem *item = m_list->item(i);
        if (item->checkState() == Qt::Checked)
            out.append(MemberGrant{item->data(kUserIdRole).toString(), m_role->currentText()});
    }
    return out;
}

bool AddMembersDialog::setChecked(const QString &userId, bool checked)
{
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        if (item->data(kUserIdRole).toString() == userId) {
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
            return true;
        }
    }
    return false;
}

void AddMembersDialog::setRole(const QString &role)
{
    m_role->setCurrentText(role);
}

void AddMembersDialog::setSearchText(const QString &text)
{
    if (m_search->text() != text)
        m_search->setText(text); // re-enters through textChanged
    const QString needle = text.trimmed();
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        item->setHidden(!needle.isEmpty() &&
                        !item->data(kSearchTextRole).toString().contains(needle, Qt::CaseInsensitive));
    }
}

QStringList AddMembersDialog::visibleUserIds() const
{
    QStringList ids;
    for (int i = 0; i < m_list->count(); ++i) {
        if (!m_list->item(i)->isHidden())
            ids.append(m_list->item(i)->data(kUserIdRole).toString());
    }
    return ids;
}

// --- RoleDialog -------------------------------------------------------------------------------------------

RoleDialog::RoleDialog(const QString &title, const QString &text, const QStringList &roles,
                       const QString &currentRole, QWidget *parent)
    : OrgFormDialog(title, tr("Change role"), parent), m_current(currentRole)
{
    body()->addWidget(plainLabel(text));
    m_role = new QComboBox;
    m_role->setObjectName(QStringLiteral("roleChoice"));
    m_role->addItems(roles);
    const int other = roles.indexOf(currentRole) == 0 && roles.size() > 1 ? 1 : 0;
    m_role->setCurrentIndex(roles.contains(currentRole) ? other : 0);
    auto *form = new QFormLayout;
    form->addRow(tr("New &role:"), m_role);
    body()->addLayout(form);
    setMinimumWidth(400);
    adjustSize();
}

QString RoleDialog::validationError() const
{
    if (m_role->currentText().isEmpty())
        return tr("Choose a role.");
    if (m_role->currentText() == m_current)
        return tr("The role is already \"%1\"; choose another one.").arg(m_current);
    return {};
}

QString RoleDialog::role() const
{
    return m_role->currentText();
}

void RoleDialog::setRole(const QString &role)
{
    m_role->setCurrentText(role);
}

// --- InviteDialog -----------------------------------------------------------------------------------------

InviteDialog::InviteDialog(const QList<Workspace> &workspaces, QWidget *parent)
    : OrgFormDialog(tr("Invite person"), tr("Send invite"), parent)
{
    m_email = new QLineEdit;
    m_email->setObjectName(QStringLiteral("inviteEmail"));
    m_email->setPlaceholderText(tr("name@example.com"));
    m_role = new QComboBox;
    m_role->setObjectName(QStringLiteral("inviteRole"));
    m_role->addItems(assignableOrgRoles());
    m_role->setCurrentText(QStringLiteral("member"));
    auto *form = new QFormLayout;
    form->addRow(tr("&E-mail:"), m_email);
    form->addRow(tr("Organisation &role:"), m_role);
    body()->addLayout(form);
    body()->addWidget(plainLabel(tr("Workspaces (at least one) and the role in each:")));
    m_workspaces = new QTreeWidget;
    m_workspaces->setObjectName(QStringLiteral("inviteWorkspaces"));
    m_workspaces->setColumnCount(2);
    m_workspaces->setHeaderLabels({tr("Workspace"), tr("Role")});
    m_workspaces->setRootIsDecorated(false);
    m_workspaces->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (const Workspace &ws : workspaces) {
        auto *item = new QTreeWidgetItem(m_workspaces, {ws.name});
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(0, Qt::Unchecked);
        item->setData(0, kUserIdRole, ws.id);
        auto *role = new QComboBox;
        role->addItems(workspaceRoles());
        role->setCurrentText(QStringLiteral("member"));
        m_workspaces->setItemWidget(item, 1, role);
    }
    body()->addWidget(m_workspaces, 1);
    if (workspaces.size() == 1)
        m_workspaces->topLevelItem(0)->setCheckState(0, Qt::Checked);
    resize(460, 420);
}

QString InviteDialog::validationError() const
{
    const QString email = m_email->text().trimmed();
    if (email.isEmpty())
        return tr("Enter the e-mail address of the person to invite.");
    static const QRegularExpression shape(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"));
    if (!shape.match(email).hasMatch())
        return tr("\"%1\" is not an e-mail address (expected name@example.com).").arg(email);
    if (m_role->currentText() == QLatin1String("owner"))
        return tr("The owner role cannot be given through an invite.");
    if (draft().workspaces.isEmpty())
        return tr("Choose at least one workspace for the person.");
    return {};
}

InviteDraft InviteDialog::draft() const
{
    InviteDraft d;
    d.email = m_email->text().trimmed();
    d.role = m_role->currentText();
    for (int i = 0; i < m_workspaces->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_workspaces->topLevelItem(i);
        if (item->checkState(0) != Qt::Checked)
            continue;
        const auto *role = qobject_cast<QComboBox *>(m_workspaces->itemWidget(item, 1));
        d.workspaces.append(InviteWorkspace{item->data(0, kUserIdRole).toString(),
                                            role ? role->currentText() : QStringLiteral("member")});
    }
    return d;
}

void InviteDialog::setOrgRole(const QString &role)
{
    m_role->setCurrentText(role);
}

bool InviteDialog::setWorkspace(const QString &workspaceId, bool checked, const QString &role)
{
    for (int i = 0; i < m_workspaces->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_workspaces->topLevelItem(i);
        if (item->data(0, kUserIdRole).toString() != workspaceId)
            continue;
        item->setCheckState(0, checked ? Qt::Checked : Qt::Unchecked);
        if (auto *combo = qobject_cast<QComboBox *>(m_workspaces->itemWidget(item, 1)))
            combo->setCurrentText(role);
        return true;
    }
    return false;
}

} // namespace pk::ui
