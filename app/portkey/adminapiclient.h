#pragma once

#include "domain/apikey.h"
#include "domain/user.h"
#include "domain/workspace.h"
#include "portkey/apierror.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace pk {

/// The outcome of one Admin API call: `value` is meaningful only when ok(); otherwise `error` says what
/// went wrong (see ApiError). Writes answered with `{}` report `value == true` on success.
template <typename T> struct ApiResult
{
    T value{};
    ApiError error;
    bool ok() const { return !error.isError(); }
};

/// A user and the workspace role to give them: one entry of `POST /admin/workspaces/{id}/users`
/// (`{users:[{id, role}]}`, openapi.yaml L14303; ADMIN-API.md §4). `role` is admin, manager or member.
struct MemberGrant
{
    QString userId;
    QString role;
};

/// A workspace and the role an invitee gets in it (`CreateInvite.workspaces[]`, L21806; ADMIN-API.md §5).
/// `workspace` is the slug or id; `role` is admin, manager or member.
struct InviteWorkspace
{
    QString workspace;
    QString role;
};

/// The body of `POST /admin/users/invites` (openapi.yaml `CreateInvite`, L21806; ADMIN-API.md §5).
struct InviteDraft
{
    QString email;                     ///< required
    QString role;                      ///< organisation role: admin or member (owner cannot be invited)
    QList<InviteWorkspace> workspaces; ///< at least one
    QStringList workspaceApiKeyScopes; ///< `workspace_api_key_details.scopes`; empty = omitted
    QJsonObject toJson() const;
};

/// The reply of an invite create or resend: `{id, invite_link}` / `{inviteLink}` (L13204, L13744).
struct InviteLink
{
    QString id; ///< empty for resend replies, which carry no id
    QString link;
};

/// The body of `POST /admin/workspaces` (ADMIN-API.md §4, L14927). Empty fields are omitted.
struct WorkspaceDraft
{
    QString name; ///< required by this client (the spec marks nothing required)
    QString description;
    QJsonObject metadata; ///< `defaults.metadata`, string → string
    QList<UsageLimits> usageLimits;
    RateLimits rateLimits;
    QJsonObject toJson() const;
};

/// The filters of `GET /audit-logs` (openapi.yaml L17460; ADMIN-API.md §6). `startUtc`, `endUtc` and
/// `organisationId` are required by the server; the client refuses the call (ApiError::Invalid) without
/// them. Empty strings and 0 mean "no filter".
struct AuditLogQuery
{
    QDateTime startUtc;
    QDateTime endUtc;
    QString organisationId;
    QString method; ///< POST, PUT or DELETE
    QString uri;
    QString requestId;
    QString userId;
    QString userType; ///< user or api_key
    QString workspaceId;
    int responseStatusCode = 0;
    QString resourceType;
    QString action;
};

/// One audit-log record (openapi.yaml L34742). The fields the app shows are modelled; the whole record is
/// kept in `raw` so nothing is lost.
struct AuditLogRecord
{
    Timestamp timestamp;
    QString method;
    QString uri;
    QString requestId;
    QString userId;
    QString userType;
    QString workspaceId;
    int responseStatusCode = 0;
    QString resourceType;
    QString action;
    QJsonObject raw;
    static AuditLogRecord fromJson(const QJsonObject &o);
};

/// Filters of `GET /admin/workspaces/{id}/users` (L14444): empty = no filter.
struct MemberFilter
{
    QString role; ///< admin, manager or member
    QString email;
};

class AdminApiClient;

/// One pending Admin API call. Owned by the AdminApiClient that made it; deleted (deleteLater) after
/// finished() is emitted, so hold it in a QPointer. The call's callback runs exactly once, before
/// finished(): when the call ends, or with ApiError::Cancelled from cancel().
class ApiCall : public QObject
{
    Q_OBJECT
public:
    ~ApiCall() override;
    /// Aborts the request (and any pending retry). The callback runs synchronously, inside cancel(), with
    /// ApiError::Cancelled, unless the call had already finished (then nothing happens).
    void cancel();
    /// True once the callback has run.
    bool isFinished() const;

signals:
    void finished();

private:
    friend class AdminApiClient;
    struct Private;
    explicit ApiCall(AdminApiClient *client);
    std::unique_ptr<Private> d;
};

/// The Portkey Admin API client (ADMIN-API.md §1–§6): one function per endpoint, every page of every list,
/// retries for reads, typed errors. Asynchronous: each function returns at once with an ApiCall and later
/// calls `done` on the client's thread; nothing blocks and no nested event loop runs.
///
/// Policies (issue "Client robustness"):
///  - GET is retried on network errors, timeouts, 429 and 5xx with exponential backoff (baseBackoffMs ×
///    2^attempt, ±25 % jitter) up to maxGetAttempts, honouring `Retry-After` (seconds or HTTP date); a
///    `Retry-After` larger than maxRetryAfterS ends the call with that error instead of waiting.
///  - A write (POST, PUT, DELETE) is sent at most once, not even re-sent by Qt's HTTP layer, which re-sends
///    a request on a new connection when the old one drops before a reply: every write goes on a fresh
///    connection (`Connection: close`) with a body device that refuses to rewind; a write without a body
///    gets an empty device (`Content-Length: 0`) that refuses every rewind: Qt never reads an empty body,
///    and an empty device that allowed a rewind was sent twice (verified on Qt 6.4.2,
///    tests/portkey/tst_writeonce.cpp). A write whose reply is lost (dropped connection; for a POST also a
///    timeout or an oversized reply) ends with ApiError::OutcomeUnknown: re-read to see whether it was
///    applied. A PUT or DELETE that timed out gives Timeout, an oversized reply Parse; the caller re-reads
///    after those too. Only a refused connection or unknown host (nothing sent) gives Network. POST is never
///    retried; PUT and DELETE are retried only when the caller asks the user and calls again.
///  - Every request has a transfer timeout (timeoutMs: the longest silence of one attempt) and an overall
///    deadline (totalTimeoutMs: a budget for the whole request, every attempt and every backoff or
///    `Retry-After` wait included, so a server trickling one byte at a time cannot hold a call open for
///    maxGetAttempts × totalTimeoutMs). A transfer timeout ends the attempt with ApiError::Timeout and may be
///    retried; a spent budget ends the call with ApiError::Timeout naming totalTimeoutMs, never retried
///    (OutcomeUnknown for a POST). A retry whose wait would not end before the budget is spent is not
///    started: the call ends at once with the error of the last attempt. For a list, each page is one
///    request with its own budget.
///  - A reply whose body cannot be decoded (a `Content-Encoding: gzip` body that does not decompress, a
///    decompression bomb, broken framing: Qt's UnknownContentError or ProtocolFailure after a 2xx status
///    line) is ApiError::Parse, "malformed", not retried (OutcomeUnknown for a POST).
///  - A reply larger than maxReplyBytes (by `Content-Length`, or while it arrives) is aborted and reported
///    as ApiError::Parse (OutcomeUnknown for a POST), so a huge answer never fills memory.
///  - A list reads at most wire::PageCollector::pageLimit() pages: one more than the first `total`
///    implies, and never more than maxPages; a server offering more ends the call with ApiError::Parse.
///  - Every id or slug placed in a request path passes wire::pathSegment(): empty, `.`, `..` and ids with
///    `/`, `\`, `?`, `#`, `%` or control characters are refused (ApiError::Invalid) before anything is
///    sent, so no id can turn a call into another endpoint.
///  - Redirects are followed only to the same origin (scheme, host, port), so `x-portkey-api-key` never
///    reaches another host.
///  - The key is held in memory only and never logged; log lines (category `pk.portkey`) carry method,
///    path, status and duration.
class AdminApiClient : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int timeoutMs = 30000;   ///< transfer timeout of each request (longest silence), ms
        int maxGetAttempts = 4;  ///< total attempts of a GET (1 = no retry)
        int maxRetryAfterS = 60; ///< longest `Retry-After` the client waits, s; longer is reported
        int pageSize = 100;      ///< page size of list calls (server maximum 100, ADMIN-API.md §1)
        int baseBackoffMs = 500; ///< first retry delay without `Retry-After`, ms
        /// Overall deadline of one request (one page of a list), ms: a budget for all its attempts and the
        /// backoff waits between them; no retry starts once it would be spent. Ends with ApiError::Timeout.
        int totalTimeoutMs = 120000;
        qint64 maxReplyBytes = 64 * 1024 * 1024; ///< largest reply body accepted, bytes (64 MiB)
        int maxPages = 5000; ///< absolute page limit of one list (5,000 × 100 = 500,000 items)
    };

    explicit AdminApiClient(QObject *parent = nullptr);
    /// Cancels every pending call first: their callbacks run, with ApiError::Cancelled, inside the
    /// destructor, so callbacks must not touch objects destroyed before the client.
    ~AdminApiClient() override;

    /// Sets the control-plane base URL, e.g. `https://api.portkey.ai/v1` (paths are appended to it).
    /// Returns ApiError::InsecureUrl (and keeps the previous URL) unless the scheme is https, or http on a
    /// loopback host (127.0.0.0/8, ::1, localhost); ApiError::Invalid for an empty or relative URL.
    ApiError setBaseUrl(const QUrl &url);
    QUrl baseUrl() const;
    /// Sets the `x-portkey-api-key` sent with every request. Kept in memory only; never logged. Leading and
    /// trailing whitespace (a pasted line break) is removed. Returns ApiError::Invalid for a key that then
    /// still holds anything but printable ASCII (a control character such as CR or LF, a space, a tab, or
    /// a non-ASCII byte), since such a key could split the HTTP header; the previous key is wiped as well
    /// then, so no request carries a stale credential. An empty key clears the key.
    ApiError setApiKey(const QByteArray &key);
    /// The last 4 characters of the key, for display and logs ("…abcd"); empty when no key is set.
    QString apiKeyHint() const;
    void setOptions(const Options &o);
    Options options() const;

    template <class T> using Done = std::function<void(const ApiResult<T> &)>;

    // --- API keys (ADMIN-API.md §2) ---

    /// All keys the caller can see (`GET /api-keys`, L17906), every page. `workspace` (id or slug)
    /// filters by workspace; empty = no filter.
    ApiCall *listApiKeys(const QString &workspace, Done<QList<ApiKey>> done);
    /// One key by uuid (`GET /api-keys/{id}`, L18423). 403 AB03 often means "gone" (ADMIN-API.md §1).
    ApiCall *getApiKey(const QString &id, Done<ApiKey> done);
    /// Creates a key (`POST /api-keys/{type}/{sub-type}`, L17576). The secret is in the reply only once.
    /// Never retried; a lost reply gives ApiError::OutcomeUnknown. Invalid for KeyType::Unknown.
    /// A success reply that carries the secret (`key`) but no `id` still means the key WAS created: the
    /// result is ok() with the secret and an empty IssuedSecret::id; the caller re-lists the keys to learn
    /// the id (it never creates again). A success reply without `key` is ApiError::Parse: the key may
    /// exist without a secret the app received.
    ApiCall *createApiKey(const ApiKeyDraft &draft, Done<IssuedSecret> done);
    /// Updates a key (`PUT /api-keys/{id}`, L18010) with `patch` (UpdateApiKeyObject, L35029; `null`
    /// clears a field, `reset_usage: true` reactivates an exhausted key). Reply `{}` → `true`. Sent once;
    /// a lost reply gives ApiError::OutcomeUnknown (re-read the key to learn whether it changed).
    ApiCall *updateApiKey(const QString &id, const QJsonObject &patch, Done<bool> done);
    /// Rotates a key (`POST /api-keys/{id}/rotate`, L18618). `transitionMs` (≥ 1,800,000 ms) is the old
    /// secret's grace period; std::nullopt sends no body (server default 30 min). Never retried; a
    /// lost reply gives ApiError::OutcomeUnknown (re-read the key: it may have been rotated).
    ApiCall *rotateApiKey(const QString &id, std::optional<qint64> transitionMs, Done<IssuedSecret> done);
    /// Deletes (revokes) a key (`DELETE /api-keys/{id}`, L18520). Reply `{}` → `true`.
    /// Sent once; a lost reply gives ApiError::OutcomeUnknown.
    ApiCall *deleteApiKey(const QString &id, Done<bool> done);

    // --- Workspaces (ADMIN-API.md §4) ---

    /// All workspaces (`GET /admin/workspaces`, L15103), every page.
    ApiCall *listWorkspaces(Done<QList<Workspace>> done);
    /// One workspace by id or slug (`GET /admin/workspaces/{id}`, L15393).
    ApiCall *getWorkspace(const QString &idOrSlug, Done<Workspace> done);
    /// Creates a workspace (`POST /admin/workspaces`, L14927). Never retried. Invalid without a name.
    ApiCall *createWorkspace(const WorkspaceDraft &draft, Done<Workspace> done);
    /// Updates a workspace (`PUT /admin/workspaces/{id}`, L15230). Reply `{}` → `true`.
    ApiCall *updateWorkspace(const QString &idOrSlug, const QJsonObject &patch, Done<bool> done);
    /// Deletes a workspace (`DELETE /admin/workspaces/{id}`, L15487) with body `{name, force_delete}`.
    /// Without `force` the server answers 409 AB07 while the workspace still holds keys.
    ApiCall *deleteWorkspace(const QString &idOrSlug, const QString &name, bool force, Done<bool> done);

    // --- Workspace members (ADMIN-API.md §4) ---

    /// All members of a workspace (`GET /admin/workspaces/{id}/users`, L14444), every page; always sends
    /// both `current_page` and `page_size` (ADMIN-API.md §11).
    ApiCall *listWorkspaceMembers(const QString &workspace, Done<QList<WorkspaceMember>> done);
    ApiCall *listWorkspaceMembers(const QString &workspace, const MemberFilter &filter,
                                  Done<QList<WorkspaceMember>> done);
    /// Adds users to a workspace (`POST /admin/workspaces/{id}/users`, L14303). Never retried.
    ApiCall *addWorkspaceMembers(const QString &workspace, const QList<MemberGrant> &grants, Done<bool> done);
    /// One member (`GET /admin/workspaces/{id}/users/{userId}`, L14790). A missing `id` is filled from
    /// `userId` and a `ws-` role prefix is stripped (ADMIN-API.md §4, TF findings).
    ApiCall *getWorkspaceMember(const QString &workspace, const QString &userId, Done<WorkspaceMember> done);
    /// Changes a member's workspace role (`PUT …/users/{userId}`, L14558): admin, manager or member.
    ApiCall *updateWorkspaceMember(const QString &workspace, const QString &userId, const QString &role,
                                   Done<bool> done);
    /// Removes a member (`DELETE …/users/{userId}`, L14682).
    ApiCall *removeWorkspaceMember(const QString &workspace, const QString &userId, Done<bool> done);

    // --- Users and invites (ADMIN-API.md §5; camelCase paging) ---

    /// All organisation users (`GET /admin/users`, L13853), every page.
    ApiCall *listUsers(Done<QList<User>> done);
    ApiCall *getUser(const QString &userId, Done<User> done);
    /// Changes a user's organisation role (`PUT /admin/users/{id}`, L14183): admin or member; `owner` is
    /// refused locally (ApiError::Invalid).
    ApiCall *updateUserRole(const QString &userId, const QString &role, Done<bool> done);
    /// Removes a user from the organisation (`DELETE /admin/users/{id}`, L14087).
    ApiCall *removeUser(const QString &userId, Done<bool> done);
    /// Invites a person (`POST /admin/users/invites`, L13204). Never retried.
    ApiCall *createInvite(const InviteDraft &draft, Done<InviteLink> done);
    /// All invites (`GET /admin/users/invites`, L13395), every page.
    ApiCall *listInvites(Done<QList<Invite>> done);
    ApiCall *getInvite(const QString &inviteId, Done<Invite> done);
    ApiCall *deleteInvite(const QString &inviteId, Done<bool> done);
    /// Sends an invite again (`POST /admin/users/invites/{id}/resend`, L13744). Never retried.
    ApiCall *resendInvite(const QString &inviteId, Done<InviteLink> done);

    // --- Audit logs (ADMIN-API.md §6) ---

    /// Audit-log records matching `query` (`GET /audit-logs`, L17460), every page. Needs an Admin key with
    /// `audit_logs.list`.
    ApiCall *listAuditLogs(const AuditLogQuery &query, Done<QList<AuditLogRecord>> done);

    /// Cancels every pending call (window closed, profile changed): each callback runs with Cancelled.
    void cancelAll();
    /// Number of calls whose callback has not run yet.
    int pendingCount() const;

signals:
    /// Any 401 answer: the profile's key is invalid, expired or revoked (ROLES.md "Errors").
    void unauthorized(const pk::ApiError &e);
    /// Paging progress of list calls: items received so far and the server's `total` (-1 if unknown).
    void progress(int received, int total);

private:
    friend class ApiCall;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace pk
