#pragma once

#include "domain/apikey.h"
#include "domain/user.h"
#include "domain/workspace.h"
#include "portkey/apierror.h"

#include <QDialog>
#include <QHash>
#include <QList>
#include <QMap>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace pk::ui {

class ScopePicker;
class RateLimitsEditor;
class UsageLimitEditor;
class ExpiryEditor;
class RotationPolicyEditor;

/// One key type the dialog may offer, as the caller's pk::access decision for the matching create action
/// (ROLES.md "Who can create which key"): disallowed types are shown disabled with `reason` as tooltip.
struct KeyTypeChoice
{
    KeyType type = KeyType::WorkspaceService;
    bool allowed = true;
    QString reason; ///< why it is not allowed; empty when allowed
};

/// Field names used for inline messages and server-error mapping; they are the wire names of
/// CreateApiKeyObject (openapi.yaml L34922) so a server message naming one lands on the right widget.
namespace KeyField {
inline const QString Type = QStringLiteral("type");
inline const QString Name = QStringLiteral("name");
inline const QString Description = QStringLiteral("description");
inline const QString Workspace = QStringLiteral("workspace_id");
inline const QString User = QStringLiteral("user_id");
inline const QString Scopes = QStringLiteral("scopes");
inline const QString RateLimits = QStringLiteral("rate_limits");
inline const QString UsageLimits = QStringLiteral("usage_limits");
inline const QString ExpiresAt = QStringLiteral("expires_at");
inline const QString RotationPolicy = QStringLiteral("rotation_policy");
inline const QString AlertEmails = QStringLiteral("alert_emails");
inline const QString Metadata = QStringLiteral("defaults.metadata");
inline const QString ConfigId = QStringLiteral("defaults.config_id");
} // namespace KeyField

/// Length caps the Terraform provider enforces (ADMIN-API.md §2): name ≤ 100, description ≤ 200 characters.
inline constexpr int kMaxKeyNameLength = 100;
inline constexpr int kMaxKeyDescriptionLength = 200;

/// Creates an Admin API key, a workspace service key or a workspace user key (ADMIN-API.md §2, §7; issue 4
/// "Create"). It never talks to the network: pressing Create validates every field, asks to confirm any
/// limit of 0 (0 blocks all traffic; an empty field means "no limit"), then emits draftReady() and turns
/// busy. The caller sends the request and either closes the dialog with done(QDialog::Accepted) or hands
/// the failure back with applyServerError(), which maps a 400 AB01 naming a field onto that field and
/// re-enables the form; nothing typed is lost. Works non-modally (open()/finished).
class NewKeyDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewKeyDialog(QWidget *parent = nullptr);
    ~NewKeyDialog() override;

    /// The key types offered, with the caller's access decisions. The first allowed one is selected.
    void setKeyTypeChoices(const QList<KeyTypeChoice> &choices);
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
    /// bad one. Returns the messages by KeyField name; empty means the draft can be sent. `nowUtc` is the
    /// instant past expiry is judged against (defaults to the current time).
    QMap<QString, QString> validate(const QDateTime &nowUtc = QDateTime());
    /// The request built from the form (expiry as a UTC instant). Only meaningful after validate() came
    /// back empty.
    ApiKeyDraft draft() const;
    /// Human-readable least-privilege warnings for the form as it stands: no expiry, no usage limit,
    /// key-management scopes. Shown in the dialog; empty when none applies.
    QStringList leastPrivilegeWarnings() const;
    /// Limits set to exactly 0 ("blocks all traffic"), described for the confirmation question.
    QStringList zeroLimits() const;

    /// Maps a server failure back onto the form and leaves busy state. A 400 whose message names a field
    /// (wire name such as `name`, `scopes`, `usage_limits.credit_limit`, `expires_at`) puts the message
    /// under that field and focuses it; anything else shows in the dialog's error line. Returns the
    /// KeyField name it was mapped to, or an empty string.
    QString applyServerError(const ApiError &error);
    /// The inline message currently shown for `field` (a KeyField name); empty when none.
    QString fieldError(const QString &field) const;

    /// Disables the form while the caller's request runs.
    void setBusy(bool busy);

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
    void setFieldError(const QString &field, const QString &message);
    void clearFieldErrors();
    QWidget *fieldWidget(const QString &field) const;

    QComboBox *m_type = nullptr;
    QComboBox *m_workspace = nullptr;
    QComboBox *m_user = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    ScopePicker *m_scopes = nullptr;
    RateLimitsEditor *m_rateLimits = nullptr;
    UsageLimitEditor *m_usage = nullptr;
    ExpiryEditor *m_expiry = nullptr;
    RotationPolicyEditor *m_rotation = nullptr;
    QLineEdit *m_alertEmails = nullptr;
    QPlainTextEdit *m_metadata = nullptr;
    QLineEdit *m_configId = nullptr;
    QLabel *m_warnings = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QHash<QString, QLabel *> m_errorLabels;
    QList<KeyTypeChoice> m_choices;
    QList<Workspace> m_workspaces;
    QHash<QString, QList<WorkspaceMember>> m_members;
};

} // namespace pk::ui
