#include "workspace.h"

#include "json.h"

namespace pk {

QString WorkspaceMember::displayName() const
{
    const QString full = QString(firstName + QLatin1Char(' ') + lastName).trimmed();
    return full.isEmpty() ? email : full;
}

WorkspaceMember WorkspaceMember::fromJson(const QJsonObject &o)
{
    using json::string;
    WorkspaceMember m;
    m.id = string(o, QLatin1String("id"));
    m.firstName = string(o, QLatin1String("first_name"));
    m.lastName = string(o, QLatin1String("last_name"));
    m.email = string(o, QLatin1String("email"));
    m.orgRole = string(o, QLatin1String("org_role"));
    m.role = string(o, QLatin1String("role"));
    if (m.role.startsWith(QLatin1String("ws-")))
        m.role = m.role.mid(3);
    m.status = string(o, QLatin1String("status"));
    m.workspaceId = string(o, QLatin1String("workspace_id"));
    m.scopes = json::stringList(o, QLatin1String("scopes"));
    m.createdAt = Timestamp::fromJson(o.value(QLatin1String("created_at")));
    m.lastUpdatedAt = Timestamp::fromJson(o.value(QLatin1String("last_updated_at")));
    m.extra = json::unmodelled(o, {QLatin1String("object"), QLatin1String("id"), QLatin1String("first_name"),
                                   QLatin1String("last_name"), QLatin1String("email"),
                                   QLatin1String("org_role"), QLatin1String("role"), QLatin1String("status"),
                                   QLatin1String("workspace_id"), QLatin1String("scopes"),
                                   QLatin1String("created_at"), QLatin1String("last_updated_at")});
    return m;
}

QJsonObject WorkspaceMember::toJson() const
{
    QJsonObject o{{QLatin1String("object"), QStringLiteral("workspace-user")},
                  {QLatin1String("id"), id},
                  {QLatin1String("first_name"), firstName},
                  {QLatin1String("last_name"), lastName},
                  {QLatin1String("email"), email},
                  {QLatin1String("org_role"), orgRole},
                  {QLatin1String("role"), role},
                  {QLatin1String("status"), status},
                  {QLatin1String("scopes"), QJsonArray::fromStringList(scopes)}};
    json::putIfNotEmpty(o, QLatin1String("workspace_id"), workspaceId);
    json::putIfSet(o, QLatin1String("created_at"), createdAt);
    json::putIfSet(o, QLatin1String("last_updated_at"), lastUpdatedAt);
    json::mergeExtra(o, extra);
    return o;
}

Workspace Workspace::fromJson(const QJsonObject &o)
{
    using json::string;
    Workspace w;
    w.id = string(o, QLatin1String("id"));
    w.slug = string(o, QLatin1String("slug"));
    w.name = string(o, QLatin1String("name"));
    w.description = string(o, QLatin1String("description"));
    w.createdAt = Timestamp::fromJson(o.value(QLatin1String("created_at")));
    w.lastUpdatedAt = Timestamp::fromJson(o.value(QLatin1String("last_updated_at")));
    const QJsonObject defaults = o.value(QLatin1String("defaults")).toObject();
    w.metadata = defaults.value(QLatin1String("metadata")).toObject();
    w.isDefault = json::integer(defaults, QLatin1String("is_default")).value_or(0) != 0 ||
                  defaults.value(QLatin1String("is_default")).toBool();
    const QJsonArray usage = o.value(QLatin1String("usage_limits")).toArray();
    for (const QJsonValue &v : usage) {
        if (v.isObject())
            w.usageLimits.append(UsageLimits::fromJson(v.toObject()));
    }
    w.rateLimits = rateLimitsFromJson(o.value(QLatin1String("rate_limits")));
    QJsonObject extra = json::unmodelled(o, {QLatin1String("id"), QLatin1String("slug"),
                                             QLatin1String("name"), QLatin1String("description"),
                                             QLatin1String("created_at"), QLatin1String("last_updated_at"),
                                             QLatin1String("usage_limits"), QLatin1String("rate_limits")});
    QJsonObject defaultsRest =
        json::unmodelled(defaults, {QLatin1String("metadata"), QLatin1String("is_default")});
    if (defaultsRest.isEmpty())
        extra.remove(QLatin1String("defaults"));
    else
        extra.insert(QLatin1String("defaults"), defaultsRest);
    w.extra = extra;
    return w;
}

QJsonObject Workspace::toJson() const
{
    QJsonObject o{{QLatin1String("id"), id}, {QLatin1String("slug"), slug}, {QLatin1String("name"), name}};
    o.insert(QLatin1String("description"), description.isEmpty() ? QJsonValue() : QJsonValue(description));
    json::putIfSet(o, QLatin1String("created_at"), createdAt);
    json::putIfSet(o, QLatin1String("last_updated_at"), lastUpdatedAt);
    QJsonObject defaults = extra.value(QLatin1String("defaults")).toObject();
    defaults.insert(QLatin1String("metadata"), metadata);
    defaults.insert(QLatin1String("is_default"), isDefault ? 1 : 0);
    o.insert(QLatin1String("defaults"), defaults);
    QJsonArray usage;
    for (const UsageLimits &u : usageLimits)
        usage.append(u.toJson());
    o.insert(QLatin1String("usage_limits"), usage);
    o.insert(QLatin1String("rate_limits"), rateLimitsToJson(rateLimits));
    json::mergeExtra(o, extra);
    return o;
}

} // namespace pk
