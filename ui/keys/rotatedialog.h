#pragma once

#include "domain/apikey.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QSpinBox;

namespace pk::ui {

/// Rotates one key (`POST /api-keys/{id}/rotate`, ADMIN-API.md §2, §9). The transition period — how long
/// the old secret keeps working — is chosen in minutes or hours, at least 30 minutes (1,800,000 ms,
/// openapi.yaml L35119), default 30 minutes. Warns when the key is the profile's own connection
/// credential. Disabled, with the reason, while an earlier rotation's transition runs (rotating again is
/// blocked until the old secret expires, ADMIN-API.md §9). Non-modal: Rotate emits rotateRequested()
/// and closes with Accepted.
class RotateDialog : public QDialog
{
    Q_OBJECT
public:
    /// `nowUtc` decides whether `key` is in a transition (defaults to the current time).
    explicit RotateDialog(const ApiKey &key, QWidget *parent = nullptr,
                          const QDateTime &nowUtc = QDateTime());

    /// Marks the key as the profile's own connection credential: shows the warning that the app will
    /// switch to the new secret (kept in the keychain before the old one is dropped).
    void setOwnCredential(bool own);
    /// Disables Rotate with `reason` (e.g. a pk::access denial or a running transition); an empty reason
    /// re-enables it unless the key is in a transition.
    void setBlockedReason(const QString &reason);
    /// The reason Rotate is disabled, or empty.
    QString blockedReason() const;

    /// The chosen transition period in ms (≥ kMinTransitionPeriodMs).
    qint64 transitionPeriodMs() const;
    /// Sets the period shown, in ms; values below the minimum are raised to it.
    void setTransitionPeriodMs(qint64 ms);

public slots:
    void accept() override;

signals:
    /// The user confirmed; `transitionPeriodMs` is the `key_transition_period_ms` to send.
    void rotateRequested(const QString &keyId, qint64 transitionPeriodMs);

private:
    void updateState();

    QString m_keyId;
    QString m_transitionReason;
    QString m_blockedReason;
    QSpinBox *m_amount = nullptr;
    QComboBox *m_unit = nullptr;
    QLabel *m_ownWarning = nullptr;
    QLabel *m_blocked = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace pk::ui
