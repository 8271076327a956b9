#include "limits.h"

#include "json.h"

#include <QJsonArray>

namespace pk {

RateLimit RateLimit::fromJson(const QJsonObject &o)
{
    RateLimit r;
    r.type = json::string(o, QLatin1String("type"));
    r.unit = json::string(o, QLatin1String("unit"));
    r.value = json::integer(o, QLatin1String("value")).value_or(0);
    r.extra = json::unmodelled(o, {QLatin1String("type"), QLatin1String("unit"), QLatin1String("value")});
    return r;
}

QJsonObject RateLimit::toJson() const
{
    QJsonObject o{
        {QLatin1String("type"), type}, {QLatin1String("unit"), unit}, {QLatin1String("value"), value}};
    json::mergeExtra(o, extra);
    return o;
}

RateLimits rateLimitsFromJson(const QJsonValue &v)
{
    RateLimits out;
    const QJsonArray a = v.toArray();
    for (const QJsonValue &e : a) {
        if (e.isObject())
            out.append(RateLimit::fromJson(e.toObject()));
    }
    return out;
}

QJsonArray rateLimitsToJson(const RateLimits &limits)
{
    QJsonArray a;
    for (const RateLimit &r : limits)
        a.append(r.toJson());
    return a;
}

UsageLimits UsageLimits::fromJson(const QJsonObject &o)
{
    UsageLimits u;
    u.creditLimit = json::number(o, QLatin1String("credit_limit"));
    u.type = json::string(o, QLatin1String("type"));
    u.alertThreshold = json::number(o, QLatin1String("alert_threshold"));
    u.periodicReset = json::string(o, QLatin1String("periodic_reset"));
    if (const auto d = json::integer(o, QLatin1String("periodic_reset_days")))
        u.periodicResetDays = static_cast<int>(*d);
    u.nextUsageResetAt = Timestamp::fromJson(o.value(QLatin1String("next_usage_reset_at")));
    u.extra =
        json::unmodelled(o, {QLatin1String("credit_limit"), QLatin1String("type"),
                             QLatin1String("alert_threshold"), QLatin1String("periodic_reset"),
                             QLatin1String("periodic_reset_days"), QLatin1String("next_usage_reset_at")});
    return u;
}

QJsonObject UsageLimits::toJson() const
{
    QJsonObject o;
    if (creditLimit)
        o.insert(QLatin1String("credit_limit"), *creditLimit);
    json::putIfNotEmpty(o, QLatin1String("type"), type);
    if (alertThreshold)
        o.insert(QLatin1String("alert_threshold"), *alertThreshold);
    json::putIfNotEmpty(o, QLatin1String("periodic_reset"), periodicReset);
    if (periodicResetDays)
        o.insert(QLatin1String("periodic_reset_days"), *periodicResetDays);
    json::putIfSet(o, QLatin1String("next_usage_reset_at"), nextUsageResetAt);
    json::mergeExtra(o, extra);
    return o;
}

bool UsageLimits::operator==(const UsageLimits &o) const
{
    return creditLimit == o.creditLimit && type == o.type && alertThreshold == o.alertThreshold &&
           periodicReset == o.periodicReset && periodicResetDays == o.periodicResetDays &&
           nextUsageResetAt == o.nextUsageResetAt && extra == o.extra;
}

RotationPolicy RotationPolicy::fromJson(const QJsonObject &o)
{
    RotationPolicy r;
    r.rotationPeriod = json::string(o, QLatin1String("rotation_period"));
    if (const auto d = json::integer(o, QLatin1String("rotation_period_days")))
        r.rotationPeriodDays = static_cast<int>(*d);
    r.nextRotationAt = Timestamp::fromJson(o.value(QLatin1String("next_rotation_at")));
    r.keyTransitionPeriodMs = json::integer(o, QLatin1String("key_transition_period_ms"));
    r.status = json::string(o, QLatin1String("status"));
    r.extra = json::unmodelled(o, {QLatin1String("rotation_period"), QLatin1String("rotation_period_days"),
                                   QLatin1String("next_rotation_at"),
                                   QLatin1String("key_transition_period_ms"), QLatin1String("status")});
    return r;
}

QJsonObject RotationPolicy::toJson() const
{
    QJsonObject o;
    json::putIfNotEmpty(o, QLatin1String("rotation_period"), rotationPeriod);
    if (rotationPeriodDays)
        o.insert(QLatin1String("rotation_period_days"), *rotationPeriodDays);
    json::putIfSet(o, QLatin1String("next_rotation_at"), nextRotationAt);
    if (keyTransitionPeriodMs)
        o.insert(QLatin1String("key_transition_period_ms"), *keyTransitionPeriodMs);
    json::putIfNotEmpty(o, QLatin1String("status"), status);
    json::mergeExtra(o, extra);
    return o;
}

bool RotationPolicy::operator==(const RotationPolicy &o) const
{
    return rotationPeriod == o.rotationPeriod && rotationPeriodDays == o.rotationPeriodDays &&
           nextRotationAt == o.nextRotationAt && keyTransitionPeriodMs == o.keyTransitionPeriodMs &&
           status == o.status && extra == o.extra;
}

} // namespace pk
