#pragma once

#include "domain/apikey.h"
#include "keyformdialog.h"

#include <QJsonObject>

class QCheckBox;
class QLabel;

namespace pk::ui {

/// Edits every mutable field of a key (`PUT /api-keys/{id}`, UpdateApiKeyObject L35029, ADMIN-API.md §2
/// "Update body"): name, description, scopes, rate limits, usage limit, expiry, rotation policy, alert
/// e-mails, default metadata and config id. Type, workspace and owner cannot change and are shown
/// read-only. patch() holds only what changed; a cleared value is sent as JSON `null` (expires_at,
/// alert_emails, usage_limits, rate_limits, rotation_policy, defaults.config_id). "Reset usage" (only for
/// exhausted keys) adds `reset_usage: true`. Save validates like NewKeyDialog, confirms 0 limits, emits
/// patchReady() and turns busy; the caller closes with done(Accepted) or calls applyServerError().
class EditKeyDialog : public KeyFormDialog
{
    Q_OBJECT
public:
    explicit EditKeyDialog(const ApiKey &key, QWidget *parent = nullptr);
    ~EditKeyDialog() override;

    /// The update body: only changed fields, `null` for cleared ones; empty when nothing changed.
    QJsonObject patch() const;
    /// Validation as NewKeyDialog::validate(); keys are KeyField names.
    QMap<QString, QString> validate(const QDateTime &nowUtc = QDateTime());
    /// Limits set to exactly 0 ("blocks all traffic") that were not 0 before.
    QStringList zeroLimits() const;

    QString keyId() const { return m_key.id; }

    QCheckBox *resetUsageCheck() const { return m_resetUsage; }

public slots:
    /// Save: validate, confirm new 0 limits, then emit patchReady(); closes at once when nothing changed.
    void accept() override;

signals:
    void patchReady(const QString &keyId, const QJsonObject &patch);

private:
    void updateState();

    ApiKey m_key;
    QCheckBox *m_resetUsage = nullptr;
};

} // namespace pk::ui
