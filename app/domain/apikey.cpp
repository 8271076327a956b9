#include "apikey.h"

#include "json.h"

namespace pk {

KeyType keyTypeFromWire(const QString &wire)
{
    if (wire == QLatin1String("organisation-service"))
        return KeyType::OrganisationService;
    if (wire == QLatin1String("workspace-service"))
        return KeyType::WorkspaceService;
    if (wire == QLatin1String("workspace-user"))
        return KeyType::WorkspaceUser;
    return KeyType::Unknown;
}

QString keyTypeToWire(KeyType type)
{
    switch (type) {
    case KeyType::OrganisationService:
        return QStringLiteral("organisation-service");
    case KeyType::WorkspaceService:
        return QStringLiteral("workspace-service");
    case KeyType::WorkspaceUser:
        return QStringLiteral("workspace-user");
    case KeyType::Unknown:
        break;
    }
    return {};
}

QString keyTypeCreatePath(KeyType type)
{
    switch (type) {
    case KeyType::OrganisationService:
        return QStringLiteral("organisation/service");
    case KeyType::WorkspaceService:
        return QStringLiteral("workspace/service");
    case KeyType::WorkspaceUser:
        return QStringLiteral("workspace/user");
    case KeyType::Unknown:
        break;
    }
    return {};
}

QString keyTypeLabel(KeyType type)
{
    switch (type) {
    case KeyType::OrganisationService:
        return QStringLiteral("Admin key");
    case KeyType::WorkspaceService:
        return QStringLiteral("Service key");
    case KeyType::WorkspaceUser:
        return QStringLiteral("User key");
    case KeyType::Unknown:
        break;
    }
    return QStringLiteral("Unknown");
}

KeyStatus keyStatusFromWire(const QString &wire)
{
    if (wire == QLatin1String("active"))
        return KeyStatus::Active;
    if (wire == QLatin1String("exhausted"))
        return KeyStatus::Exhausted;
    if (wire == QLatin1String("expired"))
        return KeyStatus::Expired;
    return KeyStatus::Unknown;
}

bool ApiKey::isPastExpiry(const QDateTime &nowUtc) const
{
    return expiresAt.isValid() && expiresAt.utc() <= nowUtc;
}

bool ApiKey::inTransition(const QDateTime &nowUtc) const
{
    return keyTransitionExpiresAt.isValid() && keyTransitionExpiresAt.utc() > nowUtc;
}

ApiKey ApiKey::fromJson(const QJsonObject &o)
{
    using json::string;
    ApiKey k;
    k.id = string(o, QLatin1String("id"));
    k.maskedKey = json::enforceMasked(string(o, QLatin1String("key")));
    k.name = string(o, QLatin1String("name"));
    k.description = string(o, QLatin1String("description"));
    k.type = string(o, QLatin1String("type"));
    k.organisationId = string(o, QLatin1String("organisation_id"));
    k.workspaceId = string(o, QLatin1String("workspace_id"));
    k.userId = string(o, QLatin1String("user_id"));
    k.status = string(o, QLatin1String("status"));
    k.creationMode = string(o, QLatin1String("creation_mode"));
    k.createdAt = Timestamp::fromJson(o.value(QLatin1String("created_at")));
    k.lastUpdatedAt = Timestamp::fromJson(o.value(QLatin1String("last_updated_at")));
    k.expiresAt = Timestamp::fromJson(o.value(QLatin1String("expires_at")));
    k.lastResetAt = Timestamp::fromJson(o.value(QLatin1String("last_reset_at")));
    k.keyTransitionExpiresAt = Timestamp::fromJson(o.value(QLatin1String("key_transition_expires_at")));
    k.rateLimits = rateLimitsFromJson(o.value(QLatin1String("rate_limits")));
    const QJsonValue usage = o.value(QLatin1String("usage_limits"));
    if (usage.isObject())
        k.usageLimits = UsageLimits::fromJson(usage.toObject());
    k.resetUsage = json::number(o, QLatin1String("reset_usage"));
    k.scopes = json::stringList(o, QLatin1String("scopes"));
    const QJsonObject defaults = o.value(QLatin1String("defaults")).toObject();
    k.defaultsMetadata = defaults.value(QLatin1String("metadata")).toObject();
    k.defaultsConfigId = string(defaults, QLatin1String("config_id"));
    const QJsonValue allow = o.value(QLatin1String("allow_config_override"));
    if (allow.isBool())
        k.allowConfigOverride = allow.toBool();
    else if (allow.isDouble())
        k.allowConfigOverride = allow.toInt() != 0;
    k.alertEmails = json::stringList(o, QLatin1String("alert_emails"));
    const QJsonValue rotation = o.value(QLatin1String("rotation_policy"));
    if (rotation.isObject())
        k.rotationPolicy = RotationPolicy::fromJson(rotation.toObject());
    QJsonObject extra = json::unmodelled(o, {QLatin1String("id"),
                                             QLatin1String("key"),
                                             QLatin1String("name"),
                                             QLatin1String("description"),
                                             QLatin1String("type"),
                                             QLatin1String("organisation_id"),
                                             QLatin1String("workspace_id"),
                                             QLatin1String("user_id"),
                                             QLatin1String("status"),
                                             QLatin1String("creation_mode"),
                                             QLatin1String("created_at"),
                                             QLatin1String("last_updated_at"),
                                             QLatin1String("expires_at"),
                                             QLatin1String("last_reset_at"),
                                             QLatin1String("key_transition_expires_at"),
                                             QLatin1String("rate_limits"),
                                             QLatin1String("usage_limits"),
                                             QLatin1String("reset_usage"),
                                             QLatin1String("scopes"),
                                             QLatin1String("allow_config_override"),
                                             QLatin1String("alert_emails"),
                                             QLatin1String("rotation_policy")});
    // `defaults` is modelled only in part: keep its other members.
    QJsonObject defaultsRest =
        json::unmodelled(defaults, {QLatin1String("metadata"), QLatin1String("config_id")});
    if (defaultsRest.isEmpty())
        extra.remove(QLatin1String("defaults"));
    else
        extra.insert(QLatin1String("defaults"), defaultsRest);
    k.extra = extra;
    return k;
}

QJsonObject ApiKey::toJson() const
{
    QJsonObject o;
    o.insert(QLatin1String("object"), QStringLiteral("api-key"));
    o.insert(QLatin1String("id"), id);
    o.insert(QLatin1String("key"), maskedKey);
    o.insert(QLatin1String("name"), name);
    json::putIfNotEmpty(o, QLatin1String("description"), description);
    o.insert(QLatin1String("type"), type);
    json::putIfNotEmpty(o, QLatin1String("organisation_id"), organisationId);
    json::putIfNotEmpty(o, QLatin1String("workspace_id"), workspaceId);
    json::putIfNotEmpty(o, QLatin1String("user_id"), userId);
    o.insert(QLatin1String("status"), status);
    json::putIfNotEmpty(o, QLatin1String("creation_mode"), creationMode);
    json::putIfSet(o, QLatin1String("created_at"), createdAt);
    json::putIfSet(o, QLatin1String("last_updated_at"), lastUpdatedAt);
    o.insert(QLatin1String("expires_at"), expiresAt.toJson());
    json::putIfSet(o, QLatin1String("last_reset_at"), lastResetAt);
    json::putIfSet(o, QLatin1String("key_transition_expires_at"), keyTransitionExpiresAt);
    o.insert(QLatin1String("rate_limits"), rateLimitsToJson(rateLimits));
    if (usageLimits)
        o.insert(QLatin1String("usage_limits"), usageLimits->toJson());
    if (resetUsage)
        o.insert(QLatin1String("reset_usage"), *resetUsage);
    o.insert(QLatin1String("scopes"), QJsonArray::fromStringList(scopes));
    QJsonObject defaults = extra.value(QLatin1String("defaults")).toObject();
    if (!defaultsMetadata.isEmpty())
        defaults.insert(QLatin1String("metadata"), defaultsMetadata);
    json::putIfNotEmpty(defaults, QLatin1String("config_id"), defaultsConfigId);
    if (!defaults.isEmpty())
        o.insert(QLatin1String("defaults"), defaults);
    if (allowConfigOverride)
        o.insert(QLatin1String("allow_config_override"), *allowConfigOverride);
    o.insert(QLatin1String("alert_emails"), QJsonArray::fromStringList(alertEmails));
    if (rotationPolicy)
        o.insert(QLatin1String("rotation_policy"), rotationPolicy->toJson());
    json::mergeExtra(o, extra);
    return o;
}

QJsonObject ApiKeyDraft::toJson() const
{
    QJsonObject o;
    o.insert(QLatin1String("name"), name);
    json::putIfNotEmpty(o, QLatin1String("description"), description);
    if (keyType != KeyType::OrganisationService)
        json::putIfNotEmpty(o, QLatin1String("workspace_id"), workspaceId);
    if (keyType == KeyType::WorkspaceUser)
        json::putIfNotEmpty(o, QLatin1String("user_id"), userId);
    o.insert(QLatin1String("scopes"), QJsonArray::fromStringList(scopes));
    if (!rateLimits.isEmpty())
        o.insert(QLatin1String("rate_limits"), rateLimitsToJson(rateLimits));
    if (usageLimits)
        o.insert(QLatin1String("usage_limits"), usageLimits->toJson());
    json::putIfSet(o, QLatin1String("expires_at"), expiresAt);
    if (rotationPolicy)
        o.insert(QLatin1String("rotation_policy"), rotationPolicy->toJson());
    if (!alertEmails.isEmpty())
        o.insert(QLatin1String("alert_emails"), QJsonArray::fromStringList(alertEmails));
    QJsonObject defaults;
    if (!defaultsMetadata.isEmpty())
        defaults.insert(QLatin1String("metadata"), defaultsMetadata);
    json::putIfNotEmpty(defaults, QLatin1String("config_id"), defaultsConfigId);
    if (!defaults.isEmpty())
        o.insert(QLatin1String("defaults"), defaults);
    return o;
}

} // namespace pk
