#pragma once

#include "limits.h"
#include "timestamp.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace pk {

/// The three kinds of Portkey API key (openapi.yaml ApiKeyObject.type, L34828; ADMIN-API.md §2).
/// `Unknown` stands for any other wire value, which ApiKey keeps raw in `type`.
enum class KeyType
{
    OrganisationService, ///< Admin API key: `organisation-service`, created at
                         ///< `/api-keys/organisation/service`
    WorkspaceService,    ///< workspace service-account key: `workspace-service`
    WorkspaceUser,       ///< workspace user key: `workspace-user`, tied to one user
    Unknown
};

/// Maps the wire value (`organisation-service`, …) to a KeyType; anything else gives Unknown.
KeyType keyTypeFromWire(const QString &wire);
/// The wire value of a known type; an empty string for Unknown.
QString keyTypeToWire(KeyType type);
/// The `{type}/{sub-type}` path segments of the create endpoint (openapi.yaml L17574), e.g.
/// `workspace/service`. Empty for Unknown. `organisation/user` does not exist (ADMIN-API.md §2).
QString keyTypeCreatePath(KeyType type);
/// A short human label: "Admin key", "Service key", "User key", or the raw text.
QString keyTypeLabel(KeyType type);

/// A key's status as the server reports it: the spec says `active`/`exhausted` (L34843), the service also
/// sends `expired` (ADMIN-API.md §9). Status is an open string; unknown values are shown raw.
enum class KeyStatus
{
    Active,
    Exhausted,
    Expired,
    Unknown
};
KeyStatus keyStatusFromWire(const QString &wire);

/// An API key as read from `GET /api-keys` (openapi.yaml `ApiKeyObject`, L34810). Never holds a full secret:
/// `maskedKey` is what the server returns (e.g. `Xk*******S4`). Fields not modelled here are kept in `extra`
/// and written back by toJson(), so nothing the server sent is lost in the cache.
struct ApiKey
{
    QString id; ///< uuid; stable across rotation
    QString maskedKey;
    QString name;
    QString description;
    QString type;           ///< raw wire value; see keyType()
    QString organisationId; ///< uuid
    QString workspaceId;    ///< id or slug, as the server sent it
    QString userId;         ///< uuid, for workspace user keys
    QString status;         ///< raw wire value; see keyStatus()
    QString creationMode;   ///< `ui`, `api` or `auto`
    Timestamp createdAt;
    Timestamp lastUpdatedAt;
    Timestamp expiresAt; ///< none = never expires
    Timestamp lastResetAt;
    Timestamp keyTransitionExpiresAt; ///< end of the current rotation's transition, when known
    RateLimits rateLimits;
    std::optional<UsageLimits> usageLimits;
    std::optional<double> resetUsage;
    QStringList scopes;
    QJsonObject defaultsMetadata;
    QString defaultsConfigId;
    std::optional<bool> allowConfigOverride;
    QStringList alertEmails;
    std::optional<RotationPolicy> rotationPolicy;
    QJsonObject extra;

    KeyType keyType() const { return keyTypeFromWire(type); }
    KeyStatus keyStatus() const { return keyStatusFromWire(status); }

    /// True when `expiresAt` is a valid instant not after `nowUtc`.
    bool isPastExpiry(const QDateTime &nowUtc) const;
    /// True while a rotation's old secret is still accepted (keyTransitionExpiresAt after `nowUtc`).
    bool inTransition(const QDateTime &nowUtc) const;

    /// Parses an ApiKeyObject. Never fails; the `id` is empty when the server sent none.
    static ApiKey fromJson(const QJsonObject &o);
    /// Serialises every field, modelled or not, in the wire shape.
    QJsonObject toJson() const;
    bool operator==(const ApiKey &o) const { return toJson() == o.toJson(); }
};

/// The body of `POST /api-keys/{type}/{sub-type}` (openapi.yaml `CreateApiKeyObject`, L34922).
struct ApiKeyDraft
{
    KeyType keyType = KeyType::WorkspaceService;
    QString name;
    QString description;
    QString workspaceId; ///< required for workspace keys
    QString userId;      ///< required for workspace user keys
    QStringList scopes;  ///< at least one
    RateLimits rateLimits;
    std::optional<UsageLimits> usageLimits;
    Timestamp expiresAt;
    std::optional<RotationPolicy> rotationPolicy;
    QStringList alertEmails;
    QJsonObject defaultsMetadata;
    QString defaultsConfigId;

    /// The request body; fields left empty are omitted.
    QJsonObject toJson() const;
};

/// A secret exactly as the server returned it in a create or rotate reply. Held only in memory; callers
/// wipe it (see secrets/SecretBuffer) once it is shown or stored.
struct IssuedSecret
{
    QString id;
    QByteArray secret;
    Timestamp transitionExpiresAt; ///< rotate replies only (`key_transition_expires_at`, L35145)
};

} // namespace pk
