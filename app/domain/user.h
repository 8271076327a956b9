#pragma once

#include "timestamp.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace pk {

/// An organisation user (openapi.yaml `User`, L33397). `role` is the organisation role
/// (`owner`/`admin`/`member`), kept raw.
struct User
{
    QString id;
    QString firstName;
    QString lastName;
    QString email;
    QString role;
    Timestamp createdAt;
    Timestamp lastUpdatedAt;
    QStringList workspaceIds;
    QJsonObject extra;

    /// "First Last", or the e-mail when both names are empty.
    QString displayName() const;
    static User fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
    bool operator==(const User &o) const { return toJson() == o.toJson(); }
};

/// An invitation to the organisation (openapi.yaml `Invite`, L33347). `status` is pending, cancelled,
/// accepted or expired, kept raw; `workspaces` is the examples' `[{workspace_id, role}]`, kept as sent.
struct Invite
{
    QString id;
    QString email;
    QString role;
    QString status;
    Timestamp createdAt;
    Timestamp expiresAt;
    Timestamp acceptedAt;
    QString invitedBy;
    QJsonArray workspaces;
    QJsonObject extra;

    static Invite fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
    bool operator==(const Invite &o) const { return toJson() == o.toJson(); }
};

} // namespace pk
