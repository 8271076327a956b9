#pragma once

#include "timestamp.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace pk {

/// One rate limit of a key or workspace (openapi.yaml CreateApiKeyObject.rate_limits, L34972; workspace
/// RateLimits L32055). `type` is `requests` or `tokens`; `unit` is rps/rpm/rph/rpd/rpw. Unknown values are
/// kept as received. `value` is a count per unit; 0 blocks all traffic.
struct RateLimit
{
    QString type;
    QString unit;
    qint64 value = 0;
    QJsonObject extra; ///< fields this type does not model, kept so they round-trip

    static RateLimit fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
    bool operator==(const RateLimit &o) const
    {
        return type == o.type && unit == o.unit && value == o.value && extra == o.extra;
    }
};
using RateLimits = QList<RateLimit>;

/// A usage limit (openapi.yaml `UsageLimits`, L32066; ADMIN-API.md §7). `creditLimit` and
/// `alertThreshold` are in USD when `type` is `cost`, in tokens when `tokens`; absent means "no limit".
/// `periodicReset` (`weekly`/`monthly`) and `periodicResetDays` (1–365) are mutually exclusive.
struct UsageLimits
{
    std::optional<double> creditLimit;
    QString type;
    std::optional<double> alertThreshold;
    QString periodicReset;
    std::optional<int> periodicResetDays;
    Timestamp nextUsageResetAt;
    QJsonObject extra;

    static UsageLimits fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
    bool operator==(const UsageLimits &o) const;
};

/// A key's automatic rotation policy (ADMIN-API.md §2, §9). `rotationPeriod` is `weekly` or `monthly`;
/// `rotationPeriodDays` (1–365) is the docs' extension; `keyTransitionPeriodMs` is in ms, ≥ 1,800,000.
/// `status` is only ever reported by the server (e.g. `ACTIVE`).
struct RotationPolicy
{
    QString rotationPeriod;
    std::optional<int> rotationPeriodDays;
    Timestamp nextRotationAt;
    std::optional<qint64> keyTransitionPeriodMs;
    QString status;
    QJsonObject extra;

    static RotationPolicy fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
    bool operator==(const RotationPolicy &o) const;
};

/// The minimum (and default) rotation transition period, in ms (openapi.yaml L35119, ADMIN-API.md §9).
inline constexpr qint64 kMinTransitionPeriodMs = 1800000;

/// Parses an array of rate limits; non-object entries are skipped.
RateLimits rateLimitsFromJson(const QJsonValue &v);
QJsonArray rateLimitsToJson(const RateLimits &limits);

} // namespace pk
