#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QRadioButton;
class QDialogButtonBox;

namespace pk::ui {

/// The first-run dialog: where to connect (Portkey Cloud `https://api.portkey.ai/v1`, a self-hosted control
/// plane, or the built-in sandbox) and with which connection key. The key is typed in a password field and
/// handed to the caller once (connectionKey()), who stores it in the OS keychain only; the dialog never
/// writes it anywhere. Object names: `connectCloud`, `connectSelfHosted`, `connectSandbox`, `connectUrl`,
/// `connectName`, `connectEmail`, `connectKey`, `connectError`, `connectButtons`.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Target
    {
        Cloud,
        SelfHosted,
        Sandbox
    };

    explicit ConnectDialog(QWidget *parent = nullptr);
    ~ConnectDialog() override;

    Target target() const;
    /// The control plane's base URL ending in `/v1`; empty for the sandbox.
    QString baseUrl() const;
    /// The profile's display name; defaults to "Portkey Cloud" or the self-hosted host name.
    QString profileName() const;
    /// The optional e-mail of the person behind the key (used for role look-ups, issue 5).
    QString email() const;
    /// The connection key exactly as typed, or empty for the sandbox. Only read this once, to store it.
    QString connectionKey() const;
    /// Clears the key field (overwrites its text) after the caller has stored it.
    void clearConnectionKey();

    /// Shows an error (e.g. a keychain failure with its remedy) inside the dialog, above the buttons.
    void showError(const QString &text);

    /// Accepts only when the choice is complete: a https (or loopback http) URL without user info, query
    /// or fragment for self-hosted (ProfileStore::baseUrlProblem()), and for Cloud and self-hosted a key
    /// that passes apiKeyProblem() (no control character, no inner space). Otherwise shows what is wrong
    /// and stays open.
    void accept() override;

    /// The reason the current input cannot be accepted, or an empty string when it can.
    QString validationError() const;

private:
    void updateFields();

    QRadioButton *m_cloud = nullptr;
    QRadioButton *m_selfHosted = nullptr;
    QRadioButton *m_sandbox = nullptr;
    QLineEdit *m_url = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_email = nullptr;
    QLineEdit *m_key = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace pk::ui
