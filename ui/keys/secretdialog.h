#pragma once

#include "domain/apikey.h"
#include "secrets/secretbuffer.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace pk::ui {

class ClipboardService;

/// Shows a newly issued secret exactly once (create or rotate reply; ADMIN-API.md §2 "Secret handling":
/// the full secret appears only in those replies). The secret is masked by default (a "Show" toggle
/// reveals it), selectable, in a monospace read-only field with undo disabled; "Copy" goes through the
/// ClipboardService (concealed, cleared later). "Store in the OS keychain" emits storeRequested(); the
/// caller writes it with CredentialStore under keychainEntry(keyId) and reports back with setStoreResult().
/// Escape, the close box and Alt+F4 ask "this secret will not be shown again" (DialogHooks::question in
/// tests) before closing; "I have stored it" closes at once. When the dialog closes, the secret is
/// overwritten in the field and in the dialog's own buffer. Never logged, never in QSettings. While the
/// secret is revealed, a mouse selection on X11 also reaches the primary selection (QLineEdit behaviour),
/// which the ClipboardService does not manage; Copy is the managed path.
class SecretDialog : public QDialog
{
    Q_OBJECT
public:
    /// `key` names the key (id, name, type; never its secret); `secret` is taken over and wiped from the
    /// argument (IssuedSecret::secret is overwritten). `clipboard` may be null (Copy is then hidden).
    /// A rotate reply's transitionExpiresAt is shown as "old secret valid until <local> (<UTC>)".
    SecretDialog(const ApiKey &key, IssuedSecret &secret, ClipboardService *clipboard,
                 QWidget *parent = nullptr);
    ~SecretDialog() override;

    /// The keychain entry a stored key secret goes to: `keys/<keyId>` (CredentialStore::storedKeyEntry).
    static QString keychainEntry(const QString &keyId);

    QString keyId() const { return m_keyId; }
    /// True while the secret is shown in clear.
    bool isRevealed() const;
    /// True once the secret has been wiped (after the dialog closed).
    bool isWiped() const { return m_secret.isEmpty(); }
    /// The secret field (read-only, masked until "Show"); its text is the secret until the dialog closes.
    QLineEdit *secretField() const { return m_field; }
    QPushButton *showButton() const { return m_show; }
    QPushButton *copyButton() const { return m_copy; }
    QCheckBox *storeCheck() const { return m_store; }

    /// The caller's answer to storeRequested(): `ok` with no message, or the keychain's user message
    /// (e.g. "Unlock your keyring"); shown beside the option, which is re-enabled on failure.
    void setStoreResult(bool ok, const QString &message);

public slots:
    /// "I have stored it": closes without asking.
    void accept() override;
    /// Escape / close box / Alt+F4: asks first; closes only when the user confirms.
    void reject() override;
    /// Closes and wipes; used by both paths above.
    void done(int result) override;

signals:
    /// The user asked to keep the secret in the OS keychain under `entry` (keychainEntry(keyId)). `secret`
    /// is valid only during the call: store it, do not keep it.
    void storeRequested(const QString &entry, const QByteArray &secret);

protected:
    /// Routes the copy shortcut on the secret field through the ClipboardService (concealed).
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setRevealed(bool revealed);
    void copySecret();
    void wipe();

    QString m_keyId;
    SecretBuffer m_secret;
    QString m_shown; // the text the field shows, shared with it so it can be overwritten in place
    ClipboardService *m_clipboard = nullptr;
    QLineEdit *m_field = nullptr;
    QPushButton *m_show = nullptr;
    QPushButton *m_copy = nullptr;
    QCheckBox *m_store = nullptr;
    QLabel *m_storeStatus = nullptr;
    QLabel *m_copyStatus = nullptr;
    bool m_asking = false;
};

} // namespace pk::ui
