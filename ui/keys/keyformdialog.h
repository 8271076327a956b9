#pragma once

#include "portkey/apierror.h"

#include <QDialog>
#include <QHash>
#include <QMap>
#include <QStringList>

#include <functional>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTabWidget;

namespace pk::ui {

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

class ScopePicker;
class RateLimitsEditor;
class UsageLimitEditor;
class ExpiryEditor;
class RotationPolicyEditor;

/// The common frame of NewKeyDialog and EditKeyDialog: the fields both edit (name, description, scopes,
/// rate limits, usage limit, expiry, rotation policy, alert e-mails, default metadata and config id) on
/// tabbed pages, an inline message under each field (by KeyField name), a least-privilege warning line,
/// an error line and the button box; their validation; mapping of server errors onto fields; and the
/// confirmation that a limit of 0 blocks all traffic.
class KeyFormDialog : public QDialog
{
    Q_OBJECT
public:
    ~KeyFormDialog() override;

    /// Maps a server failure back onto the form and leaves busy state. A 400 whose message names a field
    /// (wire name such as `name`, `scopes`, `usage_limits.credit_limit`, `expires_at`; AB01, ADMIN-API.md
    /// §1) is shown under that field, which gets focus; anything else goes to the error line. Nothing typed
    /// is lost. For ApiError::OutcomeUnknown (the reply was lost; the change may have been made) the accept
    /// button stays disabled so the request cannot be sent twice; the caller re-lists and tells the user.
    /// Returns the KeyField name the error was mapped to, or an empty string.
    QString applyServerError(const ApiError &error);
    /// The inline message currently shown for `field` (a KeyField name); empty when none.
    QString fieldError(const QString &field) const;
    /// The text of the error line (server errors not tied to a field, or "fix the marked fields").
    QString errorText() const;
    /// The least-privilege warnings currently shown, one per line; empty when none.
    QStringList warnings() const;
    /// Disables the form and the accept button while the caller's request runs.
    void setBusy(bool busy);
    bool isBusy() const { return m_busy; }
    /// False while busy and after a lost reply (see applyServerError()): accept() then does nothing.
    bool canSend() const { return !m_busy && !m_sendBlocked; }

    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *descriptionEdit() const { return m_description; }
    ScopePicker *scopePicker() const { return m_scopes; }
    RateLimitsEditor *rateLimitsEditor() const { return m_rateLimits; }
    UsageLimitEditor *usageLimitEditor() const { return m_usage; }
    ExpiryEditor *expiryEditor() const { return m_expiry; }
    RotationPolicyEditor *rotationPolicyEditor() const { return m_rotation; }
    QLineEdit *alertEmailsEdit() const { return m_alertEmails; }
    QPlainTextEdit *metadataEdit() const { return m_metadata; }
    QLineEdit *configIdEdit() const { return m_configId; }

protected:
    /// Builds the pages "Key" (name, description, expiry, scopes), "Limits" (rate limits, usage limit)
    /// and "Rotation and defaults" (rotation policy, alert e-mails, metadata, config id). `acceptText` labels
    /// the accept button.
    KeyFormDialog(const QString &acceptText, QWidget *parent);

    /// The form layout of the "Key" page, for subclasses' extra rows.
    QFormLayout *keyPage() const { return m_keyForm; }
    /// Adds `editor` as a row of `form` (at `row`, or appended when -1) with an inline message below it,
    /// known as `field`.
    void addField(QFormLayout *form, const QString &label, QWidget *editor, const QString &field,
                  int row = -1);
    /// Shows or hides the row of `field`.
    void setFieldVisible(const QString &field, bool visible);
    void setFieldError(const QString &field, const QString &message);
    void clearFieldErrors();
    /// Shows the messages of `errors` inline, switches to the first one's page and says so in the error line.
    void showErrors(const QMap<QString, QString> &errors);
    /// Switches to the page of `field` and focuses its editor.
    void showField(const QString &field);
    /// Sets the warning line; hidden when `lines` is empty.
    void setWarnings(const QStringList &lines);
    /// Validates the shared fields into `errors` (rules in NewKeyDialog::validate()); `nowUtc` judges expiry.
    /// `requireFutureExpiry` is false when the expiry is unchanged on an existing key.
    void validateShared(QMap<QString, QString> *errors, const QDateTime &nowUtc,
                        bool requireFutureExpiry) const;
    /// The shared fields' limits set to exactly 0.
    QStringList sharedZeroLimits() const;
    /// The least-privilege warnings for the shared fields: no expiry, no usage limit, key-management scopes.
    QStringList sharedWarnings() const;
    /// Asks whether the limits in `zeroLimits` (0 blocks all traffic) are meant; `proceed` runs only on yes,
    /// at once when the list is empty. Non-blocking; answered through DialogHooks::question in tests.
    void confirmZeroLimits(const QStringList &zeroLimits, std::function<void()> proceed);

    QTabWidget *m_tabs = nullptr;
    QLabel *m_warnings = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
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

private:
    /// Adds a page to the tabs and returns its form layout.
    QFormLayout *addPage(const QString &title);
    /// Calls fieldEdited(`field`) whenever `editor` (a line or text edit, combo box, ScopePicker or one
    /// of the key field editors) changes.
    void watchEdits(QWidget *editor, const QString &field);
    /// Clears `field`'s message once its value changed, and recounts (or hides) the "Fix the N marked
    /// fields" line, so no message outlives the value it was about.
    void fieldEdited(const QString &field);

    QFormLayout *m_keyForm = nullptr;
    QHash<QString, QLabel *> m_errorLabels;
    QHash<QString, QWidget *> m_fieldEditors;
    QHash<QString, QFormLayout *> m_fieldForms;
    bool m_busy = false;
    bool m_sendBlocked = false;
    bool m_summaryShown = false; ///< m_error holds the "Fix the N marked fields" line of showErrors()
};

} // namespace pk::ui
