#include "newkeydialog.h"

#include "access/accesspolicy.h"
#include "domain/scopes.h"
#include "keyfieldeditors.h"
#include "logging.h"
#include "scopepicker.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStandardItemModel>

namespace pk::ui {

NewKeyDialog::NewKeyDialog(QWidget *parent) : KeyFormDialog(tr("Create key"), parent)
{
    setObjectName(QStringLiteral("newKeyDialog"));
    setWindowTitle(tr("New API key"));

    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("keyType"));
    m_workspace = new QComboBox(this);
    m_workspace->setObjectName(QStringLiteral("keyWorkspace"));
    m_user = new QComboBox(this);
    m_user->setObjectName(QStringLiteral("keyUser"));
    addField(keyPage(), tr("Key type"), m_type, KeyField::Type, 0);
    addField(keyPage(), tr("Workspace"), m_workspace, KeyField::Workspace, 1);
    addField(keyPage(), tr("Owner"), m_user, KeyField::User, 2);

    setKeyTypeChoices({{KeyType::OrganisationService, true, {}},
                       {KeyType::WorkspaceService, true, {}},
                       {KeyType::WorkspaceUser, true, {}}});

    connect(m_type, &QComboBox::currentIndexChanged, this, &NewKeyDialog::onTypeChanged);
    connect(m_workspace, &QComboBox::currentIndexChanged, this, &NewKeyDialog::onWorkspaceChanged);
    connect(m_scopes, &ScopePicker::scopesChanged, this, &NewKeyDialog::updateWarnings);
    connect(m_usage, &UsageLimitEditor::changed, this, &NewKeyDialog::updateWarnings);
    connect(m_expiry, &ExpiryEditor::changed, this, &NewKeyDialog::updateWarnings);
    onTypeChanged();
    resize(640, 560);
}

NewKeyDialog::~NewKeyDialog() = default;

QList<KeyTypeChoice> NewKeyDialog::keyTypeChoicesFor(const access::Principal &principal,
                                                     const QString &workspaceId)
{
    QList<KeyTypeChoice> out;
    const KeyType types[] = {KeyType::OrganisationService, KeyType::WorkspaceService, KeyType::WorkspaceUser};
    for (KeyType type : types) {
        const QStringList path = keyTypeCreatePath(type).split(QLatin1Char('/'));
        const QString workspace = type == KeyType::OrganisationService ? QString() : workspaceId;
        const access::Decision d =
            access::AccessPolicy::decideCreateKey(principal, path.value(0), path.value(1), workspace);
        out.append({type, d.allowed, d.allowed ? QString() : d.reason});
    }
    return out;
}

void NewKeyDialog::setPrincipal(const access::Principal &principal)
{
    m_principal = principal;
    setKeyTypeChoices(keyTypeChoicesFor(principal, m_workspace->currentData().toString()));
}

void NewKeyDialog::setKeyTypeChoices(const QList<KeyTypeChoice> &choices)
{
    const KeyType previous = keyType();
    m_choices = choices;
    const QSignalBlocker block(m_type);
    m_type->clear();
    int firstAllowed = -1;
    int keep = -1;
    auto *model = qobject_cast<QStandardItemModel *>(m_type->model());
    for (const KeyTypeChoice &c : choices) {
        QString label = keyTypeLabel(c.type);
        if (c.type == KeyType::WorkspaceService)
            label = tr("Workspace service key");
        else if (c.type == KeyType::WorkspaceUser)
            label = tr("Workspace user key");
        else if (c.type == KeyType::OrganisationService)
            label = tr("Admin API key (organisation)");
        m_type->addItem(label, int(c.type));
        const int row = m_type->count() - 1;
        if (!c.allowed) {
            if (QStandardItem *item = model ? model->item(row) : nullptr) {
                item->setEnabled(false);
                item->setToolTip(c.reason);
            }
            m_type->setItemText(row, tr("%1 — %2").arg(label, c.reason));
        } else {
            if (firstAllowed < 0)
                firstAllowed = row;
            if (c.type == previous)
                keep = row;
        }
    }
    m_type->setCurrentIndex(keep >= 0 ? keep : std::max(firstAllowed, 0));
    onTypeChanged();
}

void NewKeyDialog::selectKeyType(KeyType type)
{
    for (int i = 0; i < m_choices.size(); ++i) {
        if (m_choices.at(i).type == type && m_choices.at(i).allowed)
            m_type->setCurrentIndex(i);
    }
}

KeyType NewKeyDialog::keyType() const
{
    const int i = m_type->currentIndex();
    return i >= 0 && i < m_choices.size() ? m_choices.at(i).type : KeyType::Unknown;
}

void NewKeyDialog::setWorkspaces(const QList<Workspace> &workspaces)
{
    m_workspaces = workspaces;
    const QString current = m_workspace->currentData().toString();
    const QSignalBlocker block(m_workspace);
    m_workspace->clear();
    for (const Workspace &w : workspaces) {
        const QString label =
            w.name.isEmpty() ? w.id : tr("%1 (%2)").arg(w.name, w.slug.isEmpty() ? w.id : w.slug);
        m_workspace->addItem(label, w.id);
    }
    const int index = m_workspace->findData(current);
    m_workspace->setCurrentIndex(index >= 0 ? index : 0);
    onWorkspaceChanged();
}

void NewKeyDialog::selectWorkspace(const QString &workspaceId)
{
    for (int i = 0; i < m_workspaces.size(); ++i) {
        if (m_workspaces.at(i).matches(workspaceId))
            m_workspace->setCurrentIndex(i);
    }
}

void NewKeyDialog::setMembers(const QHash<QString, QList<WorkspaceMember>> &membersByWorkspace)
{
    m_members = membersByWorkspace;
    onWorkspaceChanged();
}

void NewKeyDialog::onTypeChanged()
{
    const KeyType type = keyType();
    const bool workspaceKey = type == KeyType::WorkspaceService || type == KeyType::WorkspaceUser;
    setFieldVisible(KeyField::Workspace, workspaceKey);
    setFieldVisible(KeyField::User, type == KeyType::WorkspaceUser);
    m_scopes->setKeyType(type);
    updateWarnings();
}

void NewKeyDialog::onWorkspaceChanged()
{
    if (m_principal) // decisions for workspace keys depend on the workspace
        setKeyTypeChoices(keyTypeChoicesFor(*m_principal, m_workspace->currentData().toString()));
    const QString current = m_user->currentData().toString();
    const QSignalBlocker block(m_user);
    m_user->clear();
    const QString workspaceId = m_workspace->currentData().toString();
    QList<WorkspaceMember> members = m_members.value(workspaceId);
    if (members.isEmpty()) {
        // Members may be keyed by the workspace's slug.
        for (const Workspace &w : std::as_const(m_workspaces)) {
            if (w.id == workspaceId && !w.slug.isEmpty())
                members = m_members.value(w.slug);
        }
    }
    for (const WorkspaceMember &m : std::as_const(members)) {
        const QString label = m.email.isEmpty() || m.displayName() == m.email
                                  ? m.displayName()
                                  : tr("%1 <%2>").arg(m.displayName(), m.email);
        m_user->addItem(m.role.isEmpty() ? label : tr("%1 — %2").arg(label, m.role), m.id);
    }
    const int index = m_user->findData(current);
    m_user->setCurrentIndex(index >= 0 ? index : (m_user->count() > 0 ? 0 : -1));
}

QMap<QString, QString> NewKeyDialog::validate(const QDateTime &nowUtc)
{
    QMap<QString, QString> errors;
    const int i = m_type->currentIndex();
    const KeyType type = keyType();
    if (i < 0 || i >= m_choices.size() || type == KeyType::Unknown)
        errors.insert(KeyField::Type, tr("Choose a key type."));
    else if (!m_choices.at(i).allowed)
        errors.insert(KeyField::Type, m_choices.at(i).reason);
    if ((type == KeyType::WorkspaceService || type == KeyType::WorkspaceUser) &&
        m_workspace->currentData().toString().isEmpty())
        errors.insert(KeyField::Workspace, tr("Choose the workspace the key belongs to."));
    if (type == KeyType::WorkspaceUser && m_user->currentData().toString().isEmpty())
        errors.insert(KeyField::User, tr("Choose the member the user key is for."));
    validateShared(&errors, nowUtc.isValid() ? nowUtc : QDateTime::currentDateTimeUtc(), true);
    if (m_principal && !errors.contains(KeyField::Type) && !errors.contains(KeyField::Scopes)) {
        const QStringList path = keyTypeCreatePath(type).split(QLatin1Char('/'));
        const access::Decision d = access::AccessPolicy::decideCreateKey(
            *m_principal, path.value(0), path.value(1),
            type == KeyType::OrganisationService ? QString() : m_workspace->currentData().toString(),
            m_scopes->scopes());
        if (!d.allowed)
            errors.insert(KeyField::Type, d.reason);
    }
    showErrors(errors);
    return errors;
}

ApiKeyDraft NewKeyDialog::draft() const
{
    ApiKeyDraft d;
    d.keyType = keyType();
    d.name = m_name->text().trimmed();
    d.description = m_description->text().trimmed();
    if (d.keyType != KeyType::OrganisationService)
        d.workspaceId = m_workspace->currentData().toString();
    if (d.keyType == KeyType::WorkspaceUser)
        d.userId = m_user->currentData().toString();
    d.scopes = m_scopes->scopes();
    d.rateLimits = m_rateLimits->rateLimits();
    d.usageLimits = m_usage->usageLimits();
    d.expiresAt = m_expiry->expiresAt();
    d.rotationPolicy = m_rotation->policy();
    parseAlertEmails(m_alertEmails->text(), &d.alertEmails);
    parseMetadata(m_metadata->toPlainText(), &d.defaultsMetadata);
    d.defaultsConfigId = m_configId->text().trimmed();
    return d;
}

QStringList NewKeyDialog::leastPrivilegeWarnings() const
{
    return sharedWarnings();
}

QStringList NewKeyDialog::zeroLimits() const
{
    return sharedZeroLimits();
}

void NewKeyDialog::updateWarnings()
{
    setWarnings(leastPrivilegeWarnings());
}

void NewKeyDialog::accept()
{
    if (!canSend())
        return;
    if (!validate().isEmpty())
        return;
    confirmZeroLimits(zeroLimits(), [this] {
        const ApiKeyDraft d = draft();
        setBusy(true);
        qCInfo(lcUiKeys) << "create requested:" << keyTypeToWire(d.keyType) << "name" << d.name << "workspace"
                         << d.workspaceId;
        emit draftReady(d);
    });
}

} // namespace pk::ui
