#include "user.h"

#include "json.h"

namespace pk {

QString User::displayName() const
{
    const QString full = QString(firstName + QLatin1Char(' ') + lastName).trimmed();
    return full.isEmpty() ? email : full;
}

User User::fromJson(const QJsonObject &o)
{
    using json::string;
    User u;
    u.id = string(o, QLatin1String("id"));
    u.firstName = string(o, QLatin1String("first_name"));
    u.lastName = string(o, QLatin1String("last_name"));
    u.email = string(o, QLatin1String("email"));
    u.role = string(o, QLatin1String("role"));
    u.createdAt = Timestamp::fromJson(o.value(QLatin1String("created_at")));
    u.lastUpdatedAt = Timestamp::fromJson(o.value(QLatin1String("last_updated_at")));
    u.workspaceIds = json::stringList(o, QLatin1String("workspace_ids"));
    u.extra = json::unmodelled(o, {QLatin1String("object"), QLatin1String("id"), QLatin1String("first_name"),
                                   QLatin1String("last_name"), QLatin1String("email"), QLatin1String("role"),
                                   QLatin1String("created_at"), QLatin1String("last_updated_at"),
                                   QLatin1String("workspace_ids")});
    return u;
}

QJsonObject User::toJson() const
{
    QJsonObject o{{QLatin1String("object"), QStringLiteral("user")},
                  {QLatin1String("id"), id},
                  {QLatin1String("first_name"), firstName},
                  {QLatin1String("last_name"), lastName},
                  {QLatin1String("email"), email},
                  {QLatin1String("role"), role},
                  {QLatin1String("workspace_ids"), QJsonArray::fromStringList(workspaceIds)}};
    json::putIfSet(o, QLatin1String("created_at"), createdAt);
    json::putIfSet(o, QLatin1String("last_updated_at"), lastUpdatedAt);
    json::mergeExtra(o, extra);
    return o;
}

Invite Invite::fromJson(const QJsonObject &o)
{
    using json::string;
    Invite i;
    i.id = string(o, QLatin1String("id"));
    i.email = string(o, QLatin1String("email"));
    i.role = string(o, QLatin1String("role"));
    i.status = string(o, QLatin1String("status"));
    i.createdAt = Timestamp::fromJson(o.value(QLatin1String("created_at")));
    i.expiresAt = Timestamp::fromJson(o.value(QLatin1String("expires_at")));
    i.acceptedAt = Timestamp::fromJson(o.value(QLatin1String("accepted_at")));
    i.invitedBy = string(o, QLatin1String("invited_by"));
    i.workspaces = o.value(QLatin1String("workspaces")).toArray();
    i.extra = json::unmodelled(
        o, {QLatin1String("object"), QLatin1String("id"), QLatin1String("email"), QLatin1String("role"),
            QLatin1String("status"), QLatin1String("created_at"), QLatin1String("expires_at"),
            QLatin1String("accepted_at"), QLatin1String("invited_by"), QLatin1String("workspaces")});
    return i;
}

QJsonObject Invite::toJson() const
{
    QJsonObject o{{QLatin1String("object"), QStringLiteral("invite")},
                  {QLatin1String("id"), id},
                  {QLatin1String("email"), email},
                  {QLatin1String("role"), role},
                  {QLatin1String("status"), status}};
    json::putIfSet(o, QLatin1String("created_at"), createdAt);
    json::putIfSet(o, QLatin1String("expires_at"), expiresAt);
    json::putIfSet(o, QLatin1String("accepted_at"), acceptedAt);
    json::putIfNotEmpty(o, QLatin1String("invited_by"), invitedBy);
    if (!workspaces.isEmpty())
        o.insert(QLatin1String("workspaces"), workspaces);
    json::mergeExtra(o, extra);
    return o;
}

} // namespace pk
