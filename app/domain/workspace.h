#pragma once

#include "limits.h"
#include "timestamp.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <optional>

namespace pk {

/// A member of a workspace (openapi.yaml `WorkspaceMember`, L33446). `role` is the workspace role
/// (`admin`/`manager`/`member`; a `ws-` prefix the service sometimes adds is stripped, ADMIN-API.md §4);
/// `orgRole` is the organisation role (`owner`/`admin`/`member`). Unknown values are kept raw.
struct WorkspaceMember
{
    QString id; ///< user uuid
    QString firstName;
    QString lastName;
    QString email;
    QString orgRole;
    QString role;
    QString status;
    QString workspaceId;
    QStringList scopes; ///< user-permission scopes, not API key scopes (ADMIN-API.md §3)
    Timestamp createdAt;
    Timestamp lastUpdatedAt;
    QJsonObject extra;

    /// "First Last", or the e-mail when both names are empty.
    QString displayName() const;
    static WorkspaceMember fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
    bool operator==(const WorkspaceMember &o) const { return toJson() == o.toJson(); }
};

/// A workspace (openapi.yaml `Workspace`, L33542). `id` and `slug` both identify it; the API accepts either
/// (ADMIN-API.md §4) and key objects may name a workspace by slug.
struct Workspace
{
    QString id;
    QString slug;
    QString name;
    QString description;
    Timestamp createdAt;
    Timestamp lastUpdatedAt;
    QJsonObject metadata; ///< defaults.metadata
    bool isDefault = false;
    QList<UsageLimits> usageLimits;
    RateLimits rateLimits;
    QJsonObject extra;

    /// True when `ref` is this workspace's id or slug.
    bool matches(const QString &ref) const { return !ref.isEmpty() && (ref == id || ref == slug); }
    static Workspace fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
    bool operator==(const Workspace &o) const { return toJson() == o.toJson(); }
};

} // namespace pk
