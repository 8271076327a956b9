#include "editkeydialog.h"

#include "keyfieldeditors.h"
#include "logging.h"
#include "scopepicker.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSet>

namespace pk::ui {

namespace {

QJsonObject usageWithoutServerFields(const UsageLimits &l)
{
    QJsonObject o = l.toJson();
    o.remove(QLatin1String("next_usage_reset_at"));
    return o;
}

QJsonObject rotationWithoutServerFields(const RotationPolicy &p)
{
    QJsonObject o = p.toJson();
    o.remove(QLatin1String("status"));
    o.remove(QLatin1String("next_rotation_at"));
    return o;
}

/// The instant to minute precision, as the expiry editor works in minutes.
QDateTime toMinute(const QDateTime &utc)
{
    QDateTime t = utc;
    t.setTime(QTime(t.time().hour(), t.time().minute()));
    return t;
}

} // namespace

EditKeyDialog::EditKeyDialog(const ApiKey &key, QWidget *parent)
    : KeyFormDialog(tr("Save changes"), parent), m_key(key)
{
    setObjectName(QStringLiteral("editKeyDialog"));
    setWindowTitle(tr("Edit %1").arg(key.name.isEmpty() ? key.id : key.name));

    QString fixed = tr("%1 · %2").arg(keyTypeLabel(key.keyType()), key.maskedKey);
    if (!key.workspaceId.isEmpty())
        fixed += tr(" · workspace %1").arg(key.workspaceId);
    if (!key.userId.isEmpty())
        fixed += tr(" · user %1").arg(key.userId);
    auto *fixedLabel = new QLabel(fixed, this);
    fixedLabel->setObjectName(QStringLiteral("fixedKeyFacts"));
    fixedLabel->setTextFormat(Qt::PlainText);
    fixedLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    fixedLabel->setToolTip(tr("Type, workspace and owner cannot be changed."));
    keyPage()->insertRow(0, tr("Key"), fixedLabel);

    m_resetUsage = new QCheckBox(tr("Reset usage (reactivates the exhausted key)"), this);
    m_resetUsage->setObjectName(QStringLiteral("resetUsage"));
    const bool exhausted = key.keyStatus() == KeyStatus::Exhausted;
    m_resetUsage->setEnabled(exhausted);
    if (!exhausted)
        m_resetUsage->setToolTip(tr("Only an exhausted key's usage can be reset; this key is %1.")
                                     .arg(key.status.isEmpty() ? tr("not exhausted") : key.status));
    keyPage()->addRow(tr("Usage"), m_resetUsage);

    m_name->setText(key.name);
    m_description->setText(key.description);
    m_expiry->setExpiresAt(key.expiresAt);
    m_scopes->setKeyType(key.keyType());
    m_scopes->setScopes(key.scopes, true);
    m_rateLimits->setRateLimits(key.rateLimits);
    m_usage->setUsageLimits(key.usageLimits);
    m_rotation->setPolicy(key.rotationPolicy);
    m_alertEmails->setText(key.alertEmails.join(QStringLiteral(", ")));
    if (!key.defaultsMetadata.isEmpty())
        m_metadata->setPlainText(
            QString::fromUtf8(QJsonDocument(key.defaultsMetadata).toJson(QJsonDocument::Indented)).trimmed());
    m_configId->setText(key.defaultsConfigId);

    const auto refresh = [this] {
        updateState();
    };
    connect(m_name, &QLineEdit::textChanged, this, refresh);
    connect(m_description, &QLineEdit::textChanged, this, refresh);
    connect(m_scopes, &ScopePicker::scopesChanged, this, refresh);
    connect(m_rateLimits, &RateLimitsEditor::changed, this, refresh);
    connect(m_usage, &UsageLimitEditor::changed, this, refresh);
    connect(m_expiry, &ExpiryEditor::changed, this, refresh);
    connect(m_rotation, &RotationPolicyEditor::changed, this, refresh);
    connect(m_alertEmails, &QLineEdit::textChanged, this, refresh);
    connect(m_metadata, &QPlainTextEdit::textChanged, this, refresh);
    connect(m_configId, &QLineEdit::textChanged, this, refresh);
    connect(m_resetUsage, &QCheckBox::toggled, this, refresh);
    updateState();
    resize(640, 560);
}

EditKeyDialog::~EditKeyDialog() = default;

void EditKeyDialog::updateState()
{
    setWarnings(sharedWarnings());
}

QJsonObject EditKeyDialog::patch() const
{
    QJsonObject p;
    const QString name = m_name->text().trimmed();
    if (name != m_key.name)
        p.insert(QLatin1String("name"), name);
    const QString description = m_description->text().trimmed();
    if (description != m_key.description)
        p.insert(QLatin1String("description"), description);

    const QStringList scopes = m_scopes->scopes();
    if (QSet<QString>(scopes.begin(), scopes.end()) !=
        QSet<QString>(m_key.scopes.begin(), m_key.scopes.end()))
        p.insert(QLatin1String("scopes"), QJsonArray::fromStringList(scopes));

    const RateLimits rateLimits = m_rateLimits->rateLimits();
    if (rateLimits != m_key.rateLimits) {
        p.insert(QLatin1String("rate_limits"), rateLimits.isEmpty()
                                                   ? QJsonValue(QJsonValue::Null)
                                                   : QJsonValue(rateLimitsToJson(rateLimits)));
    }

    const std::optional<UsageLimits> usage = m_usage->usageLimits();
    const QJsonObject usageBefore =
        m_key.usageLimits ? usageWithoutServerFields(*m_key.usageLimits) : QJsonObject();
    const QJsonObject usageNow = usage ? usageWithoutServerFields(*usage) : QJsonObject();
    if (usageNow != usageBefore)
        p.insert(QLatin1String("usage_limits"), usage ? QJsonValue(usageNow) : QJsonValue(QJsonValue::Null));

    const Timestamp expiry = m_expiry->expiresAt();
    const bool expiryWas = m_key.expiresAt.isValid();
    if (expiry.isValid() != expiryWas ||
        (expiry.isValid() && expiry.utc() != toMinute(m_key.expiresAt.utc())))
        p.insert(QLatin1String("expires_at"), expiry.toJson()); // none → null: never expires

    const std::optional<RotationPolicy> rotation = m_rotation->policy();
    const QJsonObject rotationBefore =
        m_key.rotationPolicy ? rotationWithoutServerFields(*m_key.rotationPolicy) : QJsonObject();
    const QJsonObject rotationNow = rotation ? rotationWithoutServerFields(*rotation) : QJsonObject();
    if (rotationNow != rotationBefore)
        p.insert(QLatin1String("rotation_policy"),
                 rotation ? QJsonValue(rotationNow) : QJsonValue(QJsonValue::Null));

    QStringList emails;
    parseAlertEmails(m_alertEmails->text(), &emails);
    if (emails != m_key.alertEmails) {
        p.insert(QLatin1String("alert_emails"), emails.isEmpty()
                                                    ? QJsonValue(QJsonValue::Null)
                                                    : QJsonValue(QJsonArray::fromStringList(emails)));
    }

    QJsonObject metadata;
    parseMetadata(m_metadata->toPlainText(), &metadata);
    const QString configId = m_configId->text().trimmed();
    if (metadata != m_key.defaultsMetadata || configId != m_key.defaultsConfigId) {
        // `defaults` is sent whole so neither half is lost; a cleared config id is null (ADMIN-API.md §2).
        QJsonObject defaults;
        defaults.insert(QLatin1String("metadata"), metadata);
        defaults.insert(QLatin1String("config_id"),
                        configId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(configId));
        if (m_key.allowConfigOverride) // kept as it is; the dialog does not edit it
            defaults.insert(QLatin1String("allow_config_override"), *m_key.allowConfigOverride);
        p.insert(QLatin1String("defaults"), defaults);
    }

    if (m_resetUsage->isEnabled() && m_resetUsage->isChecked())
        p.insert(QLatin1String("reset_usage"), true);
    return p;
}

QMap<QString, QString> EditKeyDialog::validate(const QDateTime &nowUtc)
{
    QMap<QString, QString> errors;
    // An unchanged past expiry is the key's current state, not input: only a new expiry must be in the
    // future.
    const bool expiryChanged = patch().contains(QLatin1String("expires_at"));
    validateShared(&errors, nowUtc.isValid() ? nowUtc : QDateTime::currentDateTimeUtc(), expiryChanged);
    showErrors(errors);
    return errors;
}

QStringList EditKeyDialog::zeroLimits() const
{
    const QJsonObject p = patch();
    QStringList out;
    if (p.contains(QLatin1String("rate_limits")))
        out << m_rateLimits->zeroLimits();
    if (p.contains(QLatin1String("usage_limits")))
        out << m_usage->zeroLimits();
    return out;
}

void EditKeyDialog::accept()
{
    if (!canSend())
        return;
    if (!validate().isEmpty())
        return;
    const QJsonObject p = patch();
    if (p.isEmpty()) {
        qCInfo(lcUiKeys) << "edit of key" << m_key.id << "closed without changes";
        done(QDialog::Rejected);
        return;
    }
    confirmZeroLimits(zeroLimits(), [this] {
        const QJsonObject body = patch();
        setBusy(true);
        qCInfo(lcUiKeys) << "update requested for key" << m_key.id << "fields" << body.keys();
        emit patchReady(m_key.id, body);
    });
}

} // namespace pk::ui
