#pragma once

#include "domain/limits.h"
#include "domain/timestamp.h"

#include <QJsonObject>
#include <QMap>
#include <QStringList>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace pk::ui {

/// Editors for the structured key fields, shared by NewKeyDialog and EditKeyDialog. Each one validates its
/// own input and reports messages by KeyField name (see newkeydialog.h); none of them talks to the network.

/// An editable list of rate limits (ADMIN-API.md §7: `{type: requests|tokens, unit: rps|rpm|rph|rpd|rpw,
/// value: int ≥ 0}`). An empty list means "no rate limit"; a value of 0 blocks all traffic.
class RateLimitsEditor : public QWidget
{
    Q_OBJECT
public:
    explicit RateLimitsEditor(QWidget *parent = nullptr);

    void setRateLimits(const RateLimits &limits);
    /// The rows as limits; rows with an unparseable value are left out (validationError() names them).
    RateLimits rateLimits() const;
    /// Appends a row (the "Add" button does the same with requests/rpm and an empty value).
    void addRow(const QString &type, const QString &unit, const QString &value);
    int rowCount() const;
    /// Empty when valid; otherwise what is wrong: a value that is not a whole number ≥ 0, or the same
    /// type and unit twice.
    QString validationError() const;
    /// Descriptions of the limits set to 0, e.g. "requests per minute".
    QStringList zeroLimits() const;

signals:
    void changed();

private:
    QTableWidget *m_table = nullptr;
};

/// The key's usage limit (ADMIN-API.md §7 `UsageLimits`): limit type (cost in USD or tokens), credit limit,
/// alert threshold (≤ credit limit) and periodic reset (none, weekly, monthly, or every N days, 1–365).
/// An empty credit limit means "no limit"; 0 blocks all traffic.
class UsageLimitEditor : public QWidget
{
    Q_OBJECT
public:
    explicit UsageLimitEditor(QWidget *parent = nullptr);

    /// Fills the form; nullopt clears it. Server-computed `next_usage_reset_at` is not edited or sent back;
    /// unmodelled fields (`extra`) are kept.
    void setUsageLimits(const std::optional<UsageLimits> &limits);
    /// nullopt when nothing is set; otherwise the limits as typed (only valid after validate() is empty).
    std::optional<UsageLimits> usageLimits() const;
    /// Messages keyed by `usage_limits`; empty when valid.
    QString validationError() const;
    /// "credit limit" when the credit limit is exactly 0.
    QStringList zeroLimits() const;

    QLineEdit *creditLimitEdit() const { return m_credit; }
    QLineEdit *alertThresholdEdit() const { return m_alert; }
    QComboBox *typeCombo() const { return m_type; }
    QComboBox *resetCombo() const { return m_reset; }
    QSpinBox *resetDaysSpin() const { return m_resetDays; }

signals:
    void changed();

private:
    void updateEnabled();

    QComboBox *m_type = nullptr;
    QLineEdit *m_credit = nullptr;
    QLineEdit *m_alert = nullptr;
    QComboBox *m_reset = nullptr;
    QSpinBox *m_resetDays = nullptr;
    QJsonObject m_extra;
};

/// Expiry: "never" or an instant picked in local time with the zone shown; the UTC instant that will be
/// sent is displayed beside it (issue 4: "Expiry picked in local time with the zone shown, sent as a UTC
/// instant").
class ExpiryEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ExpiryEditor(QWidget *parent = nullptr);

    /// none → "never"; an instant is shown in local time.
    void setExpiresAt(const Timestamp &expiresAt);
    /// none when "never"; otherwise the picked local time converted to a UTC instant (minute precision).
    Timestamp expiresAt() const;
    /// Picks `local` (a local date-time) and enables expiry.
    void setLocalDateTime(const QDateTime &local);
    /// Empty when valid; "must be in the future" when the instant is not after `nowUtc`.
    QString validationError(const QDateTime &nowUtc) const;

    QCheckBox *enabledCheck() const { return m_enabled; }
    QDateTimeEdit *dateTimeEdit() const { return m_edit; }

signals:
    void changed();

private:
    void updateUtcLabel();

    QCheckBox *m_enabled = nullptr;
    QDateTimeEdit *m_edit = nullptr;
    QLabel *m_utc = nullptr;
};

/// Automatic rotation (ADMIN-API.md §2 `rotation_policy`, §9): none, weekly, monthly or every N days
/// (1–365, `rotation_period_days`), with a transition period in minutes ≥ 30 (`key_transition_period_ms`
/// ≥ 1,800,000) that must be shorter than the rotation period.
class RotationPolicyEditor : public QWidget
{
    Q_OBJECT
public:
    explicit RotationPolicyEditor(QWidget *parent = nullptr);

    /// Fills the form; server-reported `status` and `next_rotation_at` are not edited or sent back.
    void setPolicy(const std::optional<RotationPolicy> &policy);
    /// nullopt when "none"; otherwise rotation_period or rotation_period_days plus key_transition_period_ms.
    std::optional<RotationPolicy> policy() const;
    /// Empty when valid.
    QString validationError() const;

    QComboBox *periodCombo() const { return m_period; }
    QSpinBox *daysSpin() const { return m_days; }
    QSpinBox *transitionMinutesSpin() const { return m_transition; }

signals:
    void changed();

private:
    void updateEnabled();

    QComboBox *m_period = nullptr;
    QSpinBox *m_days = nullptr;
    QSpinBox *m_transition = nullptr;
    QJsonObject m_extra;
};

/// Splits comma/semicolon/space separated e-mail addresses into `out`; returns an error naming the first
/// malformed one, or an empty string.
QString parseAlertEmails(const QString &text, QStringList *out);
/// Parses default metadata: empty text → empty object; otherwise a JSON object of string values
/// (Portkey metadata values are strings). Returns an error naming the problem, or an empty string.
QString parseMetadata(const QString &text, QJsonObject *out);
/// The KeyField name (see newkeydialog.h) a server validation message refers to, found by the wire field
/// names it mentions (`usage_limits.credit_limit` → `usage_limits`); empty when it names none.
QString fieldForServerMessage(const QString &message);

} // namespace pk::ui
