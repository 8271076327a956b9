#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <memory>
#include <optional>

namespace pk::sandbox {

class Organisation;
class HttpFrontEnd;

/// How big the seeded organisation is, and which deterministic variant of it to build. The same options
/// always give byte-identical data (ids, names, secrets, timestamps relative to the seed's epoch).
struct SeedOptions
{
    quint32 seed = 1;   ///< any number; different seeds give different organisations
    int workspaces = 3; ///< at least 3 (Production, Staging, "Recherche & Développement", then generated)
    int users = 10;     ///< at least 10 (the fixed cast covering every role of ROLES.md)
    int keys = 48;      ///< at least 40; 100,000 over 500 workspaces builds in a few seconds
    /// Seeded times (created_at, expires_at, …) are offsets from this UTC instant. Invalid (the default)
    /// means today 00:00 UTC, so that "expires within days" stays true against the real clock; pass a fixed
    /// instant for output that is identical across days too.
    QDateTime epoch;
};

/// A seeded principal with a known credential, for `--sandbox --persona NAME` and for tests. Personas are
/// `owner`, `admin`, `readonly-admin` (Admin keys), `ws-admin`, `manager` (workspace service keys),
/// `member`, `org-member` (workspace user keys); see ROLES.md for what each may do.
struct Persona
{
    QString name;                          ///< e.g. `owner`
    QString orgRole;                       ///< `owner`, `admin` or `member`
    QMap<QString, QString> workspaceRoles; ///< workspace id -> `admin`, `manager` or `member`
    QString keyType;   ///< `organisation-service`, `workspace-service` or `workspace-user`
    QString workspace; ///< workspace id for workspace keys; empty for Admin keys
    QString apiKey;    ///< the full secret (stable for a given seed)
    QString userId;    ///< uuid of the human the persona stands for
    QString email;

    /// `{"name", "org_role", "workspace_roles": {id: role}, "key_type", "workspace", "api_key", "user_id",
    /// "email"}`, the shape `portkey-sandbox` prints at start.
    QJsonObject toJson() const;
};

/// One request the server received, as the server understood it. The `x-portkey-api-key` header is never
/// recorded.
struct RecordedRequest
{
    QString method; ///< `GET`, `POST`, `PUT`, `DELETE`
    QString path;   ///< e.g. `/v1/api-keys`
    QUrlQuery query;
    QJsonValue body; ///< parsed JSON body; Undefined when there was none or it did not parse
    int status = 0;  ///< HTTP status of the reply (an injected Fault::status included)
};

/// A fault to inject into the replies of matching requests, so that clients can be tested against what real
/// networks and servers do: error statuses, slow replies, `Retry-After`, lost replies, broken or extended
/// JSON. A request matches when `method` is empty or equal (case-insensitive) and `pathPattern` equals the
/// path (e.g. `/v1/api-keys`) or, when it starts with `^`, matches it as a regular expression. The request is
/// still processed normally unless `status` is set; the fault then changes the reply:
struct Fault
{
    QString method;
    QString pathPattern;
    int status = 0;     ///< non-zero: do NOT process the request; answer this status instead
    QString code;       ///< with `status`: the Admin `errorCode` (e.g. `AB06`) of the error body
    int delayMs = 0;    ///< wait this long (ms) before replying; a write is applied at once
    QString retryAfter; ///< `Retry-After` header value: seconds (`"2"`) or an HTTP date
    /// Process the request, send the reply's status line and headers, then close the connection before the
    /// body: the write is applied but its reply is lost. (A connection dropped before any reply byte makes
    /// Qt's own HTTP stack resend the request, POST included, so the client would never see the loss.)
    bool resetAfterApply = false;
    bool malformedJson = false;     ///< reply with a body that is not JSON
    bool truncatedJson = false;     ///< reply with the first half of the JSON body
    bool extraUnknownField = false; ///< add `"x_sandbox_unknown": {...}` to the reply object and its items
    int times = 1;                  ///< how many matching requests it applies to; <= 0 means every one
};

/// A local Portkey control plane: the Admin API of openapi.yaml under `/v1`, served by QHttpServer on
/// 127.0.0.1 over a deterministic seeded organisation (ADMIN-API.md §2–§9, ROLES.md). Responses use the
/// spec's shapes; admin errors are `{"success":false,"data":{"message","errorCode"}}` (ADMIN-API.md §1).
/// Lives in the thread that created it; all calls must be made from that thread.
class SandboxServer : public QObject
{
    Q_OBJECT
public:
    /// Builds the seeded organisation (no network yet). Options below the minimums are raised to them.
    explicit SandboxServer(const SeedOptions &options = {}, QObject *parent = nullptr);
    ~SandboxServer() override;

    /// Listens on 127.0.0.1 only; `port` 0 picks a free port. Returns false (see errorString()) when the
    /// port cannot be bound.
    bool listen(quint16 port = 0);
    /// Why listen() failed; empty otherwise.
    QString errorString() const;
    /// `http://127.0.0.1:<port>/v1`; invalid before a successful listen().
    QUrl baseUrl() const;

    /// The seeded personas, in a fixed order (owner first).
    QList<Persona> personas() const;
    /// The persona called `name`, if any.
    std::optional<Persona> persona(const QString &name) const;
    /// `{"base_url": "...", "personas": [Persona::toJson()...]}`, what `portkey-sandbox` prints at start.
    QJsonObject describe() const;

    /// Every request received since construction or the last clearRecordedRequests(), oldest first.
    QList<RecordedRequest> recordedRequests() const;
    void clearRecordedRequests();

    /// Adds a fault; faults are tried in the order added and the first match applies.
    void injectFault(const Fault &fault);
    void clearFaults();

    /// Sets the server's clock (UTC instant) for expiry, rotation transitions and timestamps; an invalid
    /// QDateTime returns to real time. By default the server uses the real clock.
    void setNow(const QDateTime &utc);
    /// The server's current time (UTC).
    QDateTime now() const;

    /// The organisation state behind the HTTP routes (workspaces, users, members, keys, invites, audit
    /// log), for tests that inspect it directly.
    Organisation &organisation();

private:
    std::unique_ptr<Organisation> m_org;
    std::unique_ptr<HttpFrontEnd> m_http;
    QUrl m_baseUrl;
    QString m_error;
};

} // namespace pk::sandbox
