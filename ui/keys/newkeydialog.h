#pragma once

#include "access/principal.h"
#include "domain/apikey.h"
#include "domain/workspace.h"
#include "keyformdialog.h"

#include <QHash>
#include <QList>
#include <QMap>

class QComboBox;

namespace pk::ui {

/// One key type the dialog may offer, as the caller's pk::access decision for the matching create action
/// (ROLES.md "Who can create which key"): disallowed types are shown disabled with `reason` as tooltip.
struct KeyTypeChoice
{
    KeyType type = KeyType::WorkspaceService;
    bool allowed = true;
    QString reason; ///< why it is not allowed; empty when allowed
};

/// Creates an Admin API key, a workspace service key or a workspace user key (ADMIN-API.md §2, §7; issue 4
/// "Create"). It never talks to the network: pressing Create validates every field, asks to confirm any
/// limit of 0 (0 blocks all traffic; an empty field means "no limit"), then emits draftReady() and turns
/// busy. The caller sends the request and either closes the dialog with done(QDialog::Accepted) or hands
/// the failure back with applyServerError(), which maps a 400 AB01 naming a field onto that field and
/// re-enables the form; nothing typed is lost. Works non-modally (open()/finished).
class NewKeyDialog : public KeyFormDialog
{
    Q_OBJECT
public:
    explicit NewKeyDialog(QWidget *parent = nullptr);
    ~NewKeyDialog() override;

    /// The key types offered, with the caller's access decisions. The selected type is kept when it is
    /// still allowed; otherwise the first allowed one is selected.
    void setKeyTypeChoices(const QList<KeyTypeChoice> &choices);
    /// One choice per key type (Admin, service, user), decided by access::AccessPolicy::decideCreateKey for
    /// `principal` in `workspaceId` (ROLES.md "Who can create which key"; the Admin key ignores the
    /// workspace). Denied types carry the policy's reason.
    static QList<KeyTypeChoice> keyTypeChoicesFor(const access::Principal &principal,
                                                  const QString &workspaceId);
    /// Lets the dialog decide the key types itself: keyTypeChoicesFor(principal, selected workspace) is
    /// applied now and whenever the workspace changes, and validate() also asks decideCreateKey with the
    /// chosen scopes (e.g. a workspace user key may not carry key-management scopes).
    void setPrincipal(const access::Principal &principal);
    /// Workspaces a workspace key may be created in (ids are sent as `workspace_id`).
    void setWorkspaces(const QList<Workspace> &workspaces);
    /// Members per workspace id, offered as the owner of a workspace user key (`user_id`).
    void setMembers(const QHash<QString, QList<WorkspaceMember>> &membersByWorkspace);
    /// Selects a key type / workspace up front (e.g. the workspace selected in the main window); ignored
    /// when not offered or not allowed.
    void selectKeyType(KeyType type);
    void selectWorkspace(const QString &workspaceId);

    KeyType keyType() const;

    /// Checks every field against the rules of ADMIN-API.md §2/§7 and shows an inline message under each
    /// bad one: name 1–100 and description ≤ 200 characters, a workspace (and member, for user keys), at
    /// least one scope valid for the type, rate limits whole numbers ≥ 0 without repeats, alert threshold
    /// ≤ credit limit, expiry after `nowUtc`, transition period ≥ 30 min and shorter than the rotation
    /// period, well-formed alert e-mails and metadata. Returns the messages by KeyField name; empty means
    /// the draft can be sent. `nowUtc` defaults to the current time.
    QMap<QString, QString> validate(const QDateTime &nowUtc = QDateTime());
    /// The request built from the form (expiry as a UTC instant). Only meaningful after validate() came
    /// back empty.
    ApiKeyDraft draft() const;
    /// Human-readable least-privilege warnings for the form as it stands: no expiry, no usage limit,
    /// key-management scopes. Shown in the dialog; empty when none applies.
    QStringList leastPrivilegeWarnings() const;
    /// Limits set to exactly 0 ("blocks all traffic"), described for the confirmation question.
    QStringList zeroLimits() const;

    QComboBox *typeCombo() const { return m_type; }
    QComboBox *workspaceCombo() const { return m_workspace; }
    QComboBox *userCombo() const { return m_user; }

public slots:
    /// Create: validate, confirm 0 limits (DialogHooks::question in tests), then emit draftReady().
    void accept() override;

signals:
    /// The validated request; the dialog stays open and busy until done() or applyServerError().
    void draftReady(const pk::ApiKeyDraft &draft);

private:
    void onTypeChanged();
    void onWorkspaceChanged();
    void updateWarnings();

    QComboBox *m_type = nullptr;
    QComboBox *m_workspace = nullptr;
    QComboBox *m_user = nullptr;
    QList<KeyTypeChoice> m_choices;
    std::optional<access::Principal> m_principal;
    QList<Workspace> m_workspaces;
    QHash<QString, QList<WorkspaceMember>> m_members;
};

} // namespace pk::ui
