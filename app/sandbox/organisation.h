#pragma once

#include "sandboxserver.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QRandomGenerator>
#include <QStringList>
#include <QUrlQuery>

#include <array>
#include <optional>

namespace pk::sandbox {

/// What an Admin API operation answers: an HTTP status and a JSON body (an object, or an Admin error
/// `{"success":false,"data":{"message","errorCode"}}`, ADMIN-API.md §1).
struct Reply
{
    int status = 200;
    QJsonObject body;

    bool ok() const { return status >= 200 && status < 300; }
    /// An Admin error reply: `status` (400, 401, 403, 404, 409…), `code` (`AB01`…`AB09`) and a message.
    static Reply error(int status, const QString &code, const QString &message);
    /// `{}` with 200, what PUT and DELETE return (ADMIN-API.md §1 "Write responses").
    static Reply empty();
};

/// The principal behind an authenticated request: the calling key (ROLES.md "Principals").
struct Caller
{
    QString keyId;
    QString keyType;     ///< `organisation-service`, `workspace-service` or `workspace-user`
    QString workspaceId; ///< workspace id (uuid) for workspace keys; empty for Admin keys
    QString userId;      ///< for workspace user keys
    QStringList scopes;

    bool isAdminKey() const { return keyType == QLatin1String("organisation-service"); }
    bool has(const QString &scope) const { return scopes.contains(scope); }
};

/// A workspace as the sandbox holds it. `id` is a uuid, `slug` is `ws-<name>-<6 hex>`; both address it.
struct WorkspaceRecord
{
    QString id;
    QString slug;
    QString name;
    QString description; ///< empty = null on the wire
    QDateTime createdAt;
    QDateTime lastUpdatedAt;
    QJsonObject metadata;
    bool isDefault = false;
    QJsonArray usageLimits;
    QJsonArray rateLimits;
    QJsonArray inputGuardrails;
    QJsonArray outputGuardrails;
    QString userApiKeyConfig;
    QString status = QStringLiteral("active");
};

/// An organisation user (openapi.yaml `User`, L33397).
struct UserRecord
{
    QString id;
    QString firstName;
    QString lastName;
    QString email;
    QString role; ///< `owner`, `admin` or `member`
    QDateTime createdAt;
    QDateTime lastUpdatedAt;
};

/// A user's membership of a workspace (openapi.yaml `WorkspaceMember`, L33446).
struct MemberRecord
{
    QString userId;
    QString role; ///< `admin`, `manager` or `member`
    QDateTime createdAt;
    QDateTime lastUpdatedAt;
};

/// An API key with its secrets (openapi.yaml `ApiKeyObject`, L34810, plus what ADMIN-API.md §2 lists as
/// returned in practice).
struct KeyRecord
{
    QString id;
    QString secret;
    QString previousSecret;     ///< the pre-rotation secret, valid until transitionEndsAt
    QDateTime transitionEndsAt; ///< end of the last rotation's transition period
    QString name;
    QString description;
    QString type;        ///< `organisation-service`, `workspace-service`, `workspace-user`
    QString workspaceId; ///< workspace uuid; empty for Admin keys
    QString userId;
    QString status = QStringLiteral("active"); ///< stored status: `active` or `exhausted`
    QString creationMode = QStringLiteral("api");
    QDateTime createdAt;
    QDateTime lastUpdatedAt;
    QDateTime expiresAt; ///< invalid = never
    QDateTime lastResetAt;
    QJsonArray rateLimits;
    QJsonObject usageLimits; ///< empty = none
    double usage = 0;        ///< spend since the last reset, in the usage limit's unit (USD or tokens)
    QStringList scopes;
    QJsonObject defaultsMetadata;
    QString defaultsConfigId;
    bool allowConfigOverride = true;
    QStringList alertEmails;
    QJsonObject rotationPolicy; ///< empty = none
    bool deleted = false;
};

/// An organisation invite (openapi.yaml `Invite`, L33347).
struct InviteRecord
{
    QString id;
    QString email;
    QString role;
    QString status = QStringLiteral("pending"); ///< stored: pending, cancelled, accepted
    QDateTime createdAt;
    QDateTime expiresAt;
    QDateTime acceptedAt;
    QString invitedBy;
    QJsonArray workspaces; ///< [{workspace_id, role}]
    QStringList keyScopes;
};

/// One audit log record (openapi.yaml `AuditLogObjectList.records`, L34744).
struct AuditRecord
{
    QDateTime timestamp;
    QString method;
    QString uri;
    QString requestId;
    QString requestBody; ///< JSON text
    QString queryParams; ///< JSON text
    QString userId;
    QString userType; ///< `api_key`
    QString workspaceId;
    int responseStatusCode = 200;
    QString resourceType; ///< `api_keys`, `workspaces`, `workspace_users`, `users`, `invites`
    QString action;       ///< `create`, `update`, `delete`, `rotate`, `resend`, `reset_usage`
    /// Extra fields of the record; rotations carry `api_key_id`, `rotation_mode`, `old_key_masked` and
    /// `transition_expires_at` (ADMIN-API.md §6).
    QJsonObject details;
};

/// The state of one Portkey organisation and the Admin API's rules over it: authentication (every key's
/// secret, rotation transitions, expiry, revocation), authorisation per ROLES.md, validation (400 AB01 naming
/// the field), and every operation of ADMIN-API.md §2–§6. Knows nothing of HTTP beyond status codes; the
/// HTTP routing lives in Router. Lookups are indexed (keys by id, by secret and by workspace and type), so a
/// page costs O(page size) apart from the skip over other key types in a filtered list.
class Organisation
{
public:
    /// Builds the seeded organisation for `options` (see seed.cpp). Deterministic per options.
    explicit Organisation(const SeedOptions &options);

    /// The organisation's uuid.
    QString id() const { return m_id; }
    /// The seeded personas (owner first).
    const QList<Persona> &personas() const { return m_personas; }

    /// Sets the clock (UTC); an invalid instant returns to the real clock.
    void setNow(const QDateTime &utc) { m_fixedNow = utc.toUTC(); }
    /// Current time (UTC): the fixed instant from setNow(), else the real clock.
    QDateTime now() const;

    /// Finds the key whose current secret, or whose previous secret within its transition period, is
    /// `secret`. std::nullopt for unknown, revoked (deleted), expired or transition-ended secrets, which the
    /// API answers with 401 AB05 (ROLES.md "Errors").
    std::optional<Caller> authenticate(const QString &secret) const;

    // --- API keys (ADMIN-API.md §2) ---
    /// GET /api-keys: `page_size` (1–100, default 100), `current_page` (0-based), `workspace_id` (id or
    /// slug). Lists the key types the caller may list; a workspace key sees its own workspace only.
    Reply listKeys(const Caller &caller, const QUrlQuery &query) const;
    /// GET /api-keys/{id}: the ApiKeyObject with a masked key; 404 AB08 (Admin key) or 403 AB03 (workspace
    /// key) when absent or out of reach; 403 AB03 without `<type>_api_keys.read`.
    Reply getKey(const Caller &caller, const QString &id) const;
    /// POST /api-keys/{type}/{subType}; returns `{id, key, object:"api-key"}` with the full secret.
    Reply createKey(const Caller &caller, const QString &type, const QString &subType,
                    const QJsonObject &body);
    /// PUT /api-keys/{id}: every field optional, `null` clears, `reset_usage` reactivates. Returns `{}`.
    Reply updateKey(const Caller &caller, const QString &id, const QJsonObject &body);
    /// DELETE /api-keys/{id}: revokes at once (its secrets then answer 401). Returns `{}`.
    Reply deleteKey(const Caller &caller, const QString &id);
    /// POST /api-keys/{id}/rotate: `{key_transition_period_ms ≥ 1800000}` (default 1,800,000 ms); returns
    /// `{id, key, key_transition_expires_at}`; 409 AB07 while a previous transition is still running.
    Reply rotateKey(const Caller &caller, const QString &id, const QJsonObject &body);

    // --- Workspaces and members (ADMIN-API.md §4) ---
    /// GET /admin/workspaces: `name` (case-sensitive substring), `exact_name`, `status` (comma-separated),
    /// snake_case paging; `workspaces.list`; a workspace key sees only its own workspace.
    Reply listWorkspaces(const Caller &caller, const QUrlQuery &query) const;
    /// GET /admin/workspaces/{id or slug}: WorkspaceWithUsers; `workspaces.read`.
    Reply getWorkspace(const Caller &caller, const QString &idOrSlug) const;
    /// POST /admin/workspaces: `{name (required, ≤ 100), description, defaults.metadata, users[],
    /// usage_limits[], rate_limits[]}`; Admin keys with `workspaces.create` only. Returns the Workspace.
    Reply createWorkspace(const Caller &caller, const QJsonObject &body);
    /// PUT /admin/workspaces/{id or slug}: name, description, defaults, usage_limits, rate_limits; `{}`.
    Reply updateWorkspace(const Caller &caller, const QString &idOrSlug, const QJsonObject &body);
    /// DELETE: the body must carry the workspace's `name`; 409 AB07 while it holds keys unless
    /// `force_delete` is true, which deletes them too.
    Reply deleteWorkspace(const Caller &caller, const QString &idOrSlug, const QJsonObject &body);
    /// GET /admin/workspaces/{id}/users: `role`, `email` filters, snake_case paging; `workspace_users.list`.
    Reply listMembers(const Caller &caller, const QString &ws, const QUrlQuery &query) const;
    /// POST /admin/workspaces/{id}/users: `{users:[{id, role}]}`; 409 AB07 for an existing member; `{}`.
    Reply addMembers(const Caller &caller, const QString &ws, const QJsonObject &body);
    /// GET /admin/workspaces/{id}/users/{userId}: a WorkspaceMember; `workspace_users.read`.
    Reply getMember(const Caller &caller, const QString &ws, const QString &userId) const;
    /// PUT /admin/workspaces/{id}/users/{userId}: `{role: admin/manager/member}`; `{}`.
    Reply updateMember(const Caller &caller, const QString &ws, const QString &userId,
                       const QJsonObject &body);
    /// DELETE /admin/workspaces/{id}/users/{userId}: `{}`.
    Reply removeMember(const Caller &caller, const QString &ws, const QString &userId);

    // --- Users and invites (ADMIN-API.md §5; camelCase paging) ---
    /// GET /admin/users: `role`, `email` filters, camelCase `pageSize`/`currentPage`; Admin keys with
    /// `organisation_users.list`.
    Reply listUsers(const Caller &caller, const QUrlQuery &query) const;
    /// GET /admin/users/{id}: a User with `workspace_ids`; `organisation_users.read`.
    Reply getUser(const Caller &caller, const QString &id) const;
    /// PUT /admin/users/{id}: `{role: admin/member}`; `owner` cannot be assigned, the owner cannot be
    /// changed, and the same role is refused (ADMIN-API.md §5). `{}`.
    Reply updateUser(const Caller &caller, const QString &id, const QJsonObject &body);
    /// DELETE /admin/users/{id}: removes the user's memberships and user keys too; the owner cannot go. `{}`.
    Reply removeUser(const Caller &caller, const QString &id);
    /// POST /admin/users/invites: `{email, role: admin/member, workspaces:[{id, role}],
    /// workspace_api_key_details:{scopes}}`; 409 AB07 for a user or pending invite with that email. Returns
    /// `{id, invite_link}`; the invite expires after 7 days.
    Reply createInvite(const Caller &caller, const QJsonObject &body);
    /// GET /admin/users/invites: `role`, `email`, `status` filters, camelCase paging.
    Reply listInvites(const Caller &caller, const QUrlQuery &query) const;
    /// GET /admin/users/invites/{id}: an Invite; a pending invite past `expires_at` reports `expired`.
    Reply getInvite(const Caller &caller, const QString &id) const;
    /// DELETE /admin/users/invites/{id}: `{}`.
    Reply deleteInvite(const Caller &caller, const QString &id);
    /// POST /admin/users/invites/{id}/resend: pending invites only; extends the expiry by 7 days from now.
    /// Returns `{inviteLink}`.
    Reply resendInvite(const Caller &caller, const QString &id);

    // --- Audit logs (ADMIN-API.md §6) ---
    /// GET /audit-logs: requires `start_time`, `end_time`, `organisation_id`; Admin keys with
    /// `audit_logs.list` only.
    Reply listAuditLogs(const Caller &caller, const QUrlQuery &query) const;
    /// Records an accepted write (called by the router after a 2xx POST/PUT/DELETE).
    void recordAudit(AuditRecord record);

    /// Number of live (not deleted) API keys.
    int keyCount() const { return int(m_liveKeys.size()); }
    /// Number of workspaces.
    int workspaceCount() const { return int(m_workspaces.size()); }
    /// The live key with uuid `id`, or nullptr.
    const KeyRecord *key(const QString &id) const;
    /// The uuid of the workspace addressed by `idOrSlug`; empty when there is none.
    QString resolveWorkspaceId(const QString &idOrSlug) const;
    /// The status reported for `key` at now(): `expired` past `expires_at`, else the stored status.
    QString statusOf(const KeyRecord &key) const;

    /// A fresh deterministic uuid (v4 layout) from the organisation's generator.
    QString newUuid();
    /// A fresh deterministic 32-character secret.
    QString newSecret();
    /// `Xk*******S4`: first two and last two characters of `secret`.
    static QString mask(const QString &secret);

private:
    friend class Seeder;
    enum KeyKind
    {
        AdminKind = 0,
        ServiceKind = 1,
        UserKind = 2
    };
    static int kindOf(const QString &type);
    static QString scopePrefix(int kind);

    const WorkspaceRecord *findWorkspace(const QString &idOrSlug) const;
    WorkspaceRecord *findWorkspace(const QString &idOrSlug);
    const UserRecord *findUser(const QString &id) const;
    /// The key `id` if the caller may act on it with `action` (`list`, `read`, `update`…): 404 AB08 when
    /// absent, 403 AB03 when out of reach or the scope is missing.
    std::optional<Reply> checkKeyAccess(const Caller &caller, const KeyRecord *key,
                                        const QString &action) const;
    std::optional<Reply> checkWorkspaceAccess(const Caller &caller, const WorkspaceRecord *ws,
                                              const QString &scope) const;

    QJsonObject keyJson(const KeyRecord &key) const;
    QJsonObject workspaceJson(const WorkspaceRecord &ws, bool withUsers) const;
    QJsonObject memberJson(const WorkspaceRecord &ws, const UserRecord &user, const MemberRecord &m) const;
    QJsonObject userJson(const UserRecord &user) const;
    QJsonObject inviteJson(const InviteRecord &invite) const;

    /// Inserts a key into every index; returns its storage index.
    qsizetype insertKey(KeyRecord key);
    void removeKeyFromIndexes(qsizetype index);

    QString m_id;
    QList<Persona> m_personas;
    QDateTime m_fixedNow;
    QRandomGenerator m_rng;

    QList<WorkspaceRecord> m_workspaces; // in creation order
    QHash<QString, qsizetype> m_workspaceByIdOrSlug;
    QList<UserRecord> m_users;
    QHash<QString, qsizetype> m_userIndex;
    QHash<QString, QList<MemberRecord>> m_members; // workspace id -> members, in join order

    QList<KeyRecord> m_keys; // every key ever created, deleted ones flagged
    QHash<QString, qsizetype> m_keyById;
    QHash<QString, qsizetype> m_keyBySecret; // current and previous secrets
    QList<qsizetype> m_liveKeys;             // ascending storage index = creation order
    // live keys per workspace id ("" for Admin keys) and kind, ascending storage index
    QHash<QString, std::array<QList<qsizetype>, 3>> m_keysByWorkspace;
    std::array<QList<qsizetype>, 3> m_keysByKind;

    QList<InviteRecord> m_invites;
    QList<AuditRecord> m_audit;
};

} // namespace pk::sandbox
