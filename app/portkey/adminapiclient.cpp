#include "adminapiclient.h"

#include "domain/json.h"
#include "portkey/wire.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSet>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <cstring>

Q_LOGGING_CATEGORY(lcPortkey, "pk.portkey")

namespace pk {

namespace {

enum class Verb
{
    Get,
    Post,
    Put,
    Delete
};

QByteArray verbName(Verb v)
{
    switch (v) {
    case Verb::Get:
        return QByteArrayLiteral("GET");
    case Verb::Post:
        return QByteArrayLiteral("POST");
    case Verb::Put:
        return QByteArrayLiteral("PUT");
    case Verb::Delete:
        return QByteArrayLiteral("DELETE");
    }
    return {};
}

/// One HTTP request of a call. `path` is already percent-encoded and starts with '/'.
struct Request
{
    Verb verb = Verb::Get;
    QString path;
    QUrlQuery query;
    QByteArray body; ///< empty for a request without a body
};

QByteArray jsonBody(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

ApiError invalid(const QString &message)
{
    ApiError e;
    e.kind = ApiError::Kind::Invalid;
    e.message = message;
    return e;
}

/// Network errors after which the request certainly never reached the server.
bool neverSent(QNetworkReply::NetworkError e)
{
    switch (e) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
    case QNetworkReply::UnknownProxyError:
    case QNetworkReply::ProtocolUnknownError:
        return true;
    default:
        return false;
    }
}

/// The body of a write (POST, PUT, DELETE) that can be sent only once. Qt's HTTP layer silently re-sends a
/// request whose connection dropped before a reply arrived, writes included (QHttpNetworkConnectionChannel's
/// reconnect attempts); a write could then apply twice. Qt rewinds the upload device before each re-send:
/// this device refuses to rewind once reading started, so Qt ends the reply with ContentReSendError instead,
/// which the client reports as ApiError::OutcomeUnknown. Qt never reads an empty body, so reading cannot mark
/// it started: an empty body refuses every rewind, and Qt rewinds only to send the request again.
class OneShotBody : public QIODevice
{
public:
    explicit OneShotBody(QByteArray data) : m_data(std::move(data))
    {
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_data.size(); }
    bool reset() override { return !m_started && !m_data.isEmpty() && QIODevice::reset(); }
    bool seek(qint64 pos) override { return (!m_started || pos == this->pos()) && QIODevice::seek(pos); }

protected:
    qint64 readData(char *out, qint64 max) override
    {
        m_started = true;
        const qint64 at = pos();
        const qint64 n = std::min<qint64>(max, m_data.size() - at);
        if (n <= 0)
            return -1;
        std::memcpy(out, m_data.constData() + at, size_t(n));
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    bool m_started = false;
};

} // namespace

using SingleDone = std::function<void(const ApiError &, const QJsonObject &)>;
using ListDone = std::function<void(const ApiError &, const QList<QJsonObject> &)>;

struct ApiCall::Private
{
    QPointer<AdminApiClient> client;
    Request request;
    bool paged = false;
    wire::PagingStyle style = wire::PagingStyle::SnakeCase;
    QLatin1String arrayKey{"data"};
    std::optional<wire::PageCollector> collector;
    int page = 0;
    int attempt = 0; ///< attempts of the current request (page)
    QPointer<QNetworkReply> reply;
    QTimer retryTimer;
    QTimer deadlineTimer; ///< end of the current request's budget (Options::totalTimeoutMs), all attempts
    QElapsedTimer clock;
    QElapsedTimer budgetClock; ///< since the first attempt of the current request (page), retries included
    bool finished = false;
    bool redirectRefused = false;
    bool deadlinePassed = false; ///< the current attempt was aborted by deadlineTimer: the budget is spent
    qint64 oversizeBytes = -1;   ///< the current reply was aborted for being this large (≥ 0), in bytes
    QUrl refusedTarget;
    bool wipeReply = false; ///< the reply holds a secret: zero the raw bytes after parsing
    QUrl sentUrl;           ///< the URL of the current request, before any redirect
    SingleDone single;
    ListDone list;
};

struct AdminApiClient::Private
{
    AdminApiClient *q = nullptr;
    QNetworkAccessManager *nam = nullptr;
    /// Every write (POST, PUT, DELETE), each on a new connection (`Connection: close`) with a OneShotBody:
    /// a write must never be written to a kept-alive connection the server may already have dropped, where
    /// the loss would look like an unknown outcome although the request never arrived.
    QNetworkAccessManager *writeNam = nullptr;
    QUrl baseUrl;
    QByteArray apiKey;
    Options options;
    QSet<ApiCall *> pending;

    ApiCall *newCall(Request request);
    ApiCall *startSingle(Request request, SingleDone done, bool wipeReply = false);
    ApiCall *startList(Request request, wire::PagingStyle style, QLatin1String arrayKey, ListDone done);
    ApiCall *refuse(const ApiError &error, SingleDone single, ListDone list);
    void start(ApiCall *call);
    void send(ApiCall *call);
    void onReply(ApiCall *call, QNetworkReply *reply);
    bool retryGet(ApiCall *call, const ApiError &error);
    void finish(ApiCall *call, const ApiError &error, const QJsonObject &object = {},
                const QList<QJsonObject> &items = {});
    QUrl urlFor(const ApiCall *call) const;
};

// ---------------------------------------------------------------------------------------------------------
// Value types

QJsonObject InviteDraft::toJson() const
{
    QJsonObject o;
    o.insert(QLatin1String("email"), email);
    o.insert(QLatin1String("role"), role);
    QJsonArray ws;
    for (const InviteWorkspace &w : workspaces)
        ws.append(QJsonObject{{QLatin1String("id"), w.workspace}, {QLatin1String("role"), w.role}});
    o.insert(QLatin1String("workspaces"), ws);
    if (!workspaceApiKeyScopes.isEmpty())
        o.insert(QLatin1String("workspace_api_key_details"),
                 QJsonObject{{QLatin1String("scopes"), QJsonArray::fromStringList(workspaceApiKeyScopes)}});
    return o;
}

QJsonObject WorkspaceDraft::toJson() const
{
    QJsonObject o;
    o.insert(QLatin1String("name"), name);
    json::putIfNotEmpty(o, QLatin1String("description"), description);
    if (!metadata.isEmpty())
        o.insert(QLatin1String("defaults"), QJsonObject{{QLatin1String("metadata"), metadata}});
    if (!usageLimits.isEmpty()) {
        QJsonArray a;
        for (const UsageLimits &u : usageLimits)
            a.append(u.toJson());
        o.insert(QLatin1String("usage_limits"), a);
    }
    if (!rateLimits.isEmpty()) {
        QJsonArray a;
        for (const RateLimit &r : rateLimits)
            a.append(r.toJson());
        o.insert(QLatin1String("rate_limits"), a);
    }
    return o;
}

AuditLogRecord AuditLogRecord::fromJson(const QJsonObject &o)
{
    AuditLogRecord r;
    r.timestamp = Timestamp::fromJson(o.value(QLatin1String("timestamp")));
    r.method = json::string(o, QLatin1String("method"));
    r.uri = json::string(o, QLatin1String("uri"));
    r.requestId = json::string(o, QLatin1String("request_id"));
    r.userId = json::string(o, QLatin1String("user_id"));
    r.userType = json::string(o, QLatin1String("user_type"));
    r.workspaceId = json::string(o, QLatin1String("workspace_id"));
    r.responseStatusCode = int(json::integer(o, QLatin1String("response_status_code")).value_or(0));
    r.resourceType = json::string(o, QLatin1String("resource_type"));
    r.action = json::string(o, QLatin1String("action"));
    r.raw = o;
    return r;
}

// ---------------------------------------------------------------------------------------------------------
// ApiCall

ApiCall::ApiCall(AdminApiClient *client) : QObject(client), d(std::make_unique<Private>())
{
    d->client = client;
    d->retryTimer.setSingleShot(true);
    // A coarse timer may fire up to 5 % early; a retry must never come before `Retry-After` allows.
    d->retryTimer.setTimerType(Qt::PreciseTimer);
    d->deadlineTimer.setSingleShot(true);
}

ApiCall::~ApiCall()
{
    if (d->client)
        d->client->d->pending.remove(this);
    if (d->reply) {
        d->reply->disconnect(this);
        d->reply->abort();
        d->reply->deleteLater();
    }
}

void ApiCall::cancel()
{
    if (d->finished || !d->client)
        return;
    ApiError e;
    e.kind = ApiError::Kind::Cancelled;
    e.message = QStringLiteral("Cancelled by the application.");
    d->client->d->finish(this, e);
}

bool ApiCall::isFinished() const
{
    return d->finished;
}

// ---------------------------------------------------------------------------------------------------------
// Engine

ApiCall *AdminApiClient::Private::newCall(Request request)
{
    auto *call = new ApiCall(q);
    call->d->request = std::move(request);
    pending.insert(call);
    QObject::connect(&call->d->retryTimer, &QTimer::timeout, call, [this, call] { send(call); });
    QObject::connect(&call->d->deadlineTimer, &QTimer::timeout, call, [call] {
        if (QNetworkReply *reply = call->d->reply) {
            call->d->deadlinePassed = true;
            reply->abort();
        }
    });
    return call;
}

ApiCall *AdminApiClient::Private::startSingle(Request request, SingleDone done, bool wipeReply)
{
    ApiCall *call = newCall(std::move(request));
    call->d->single = std::move(done);
    call->d->wipeReply = wipeReply;
    start(call);
    return call;
}

ApiCall *AdminApiClient::Private::startList(Request request, wire::PagingStyle style, QLatin1String arrayKey,
                                            ListDone done)
{
    ApiCall *call = newCall(std::move(request));
    call->d->list = std::move(done);
    call->d->paged = true;
    call->d->style = style;
    call->d->arrayKey = arrayKey;
    call->d->collector.emplace(options.pageSize, options.maxPages);
    start(call);
    return call;
}

ApiCall *AdminApiClient::Private::refuse(const ApiError &error, SingleDone single, ListDone list)
{
    ApiCall *call = newCall(Request{});
    call->d->single = std::move(single);
    call->d->list = std::move(list);
    // Delivered from the event loop so the caller always gets the ApiCall before its callback runs.
    QTimer::singleShot(0, call, [this, call, error] { finish(call, error); });
    return call;
}

void AdminApiClient::Private::start(ApiCall *call)
{
    ApiError e = wire::checkBaseUrl(baseUrl);
    if (baseUrl.isEmpty())
        e = invalid(QStringLiteral("No Portkey server address is set for this profile."));
    if (e.isError()) {
        QTimer::singleShot(0, call, [this, call, e] { finish(call, e); });
        return;
    }
    send(call);
}

QUrl AdminApiClient::Private::urlFor(const ApiCall *call) const
{
    QUrl url = baseUrl;
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(QString(base + call->d->request.path), QUrl::TolerantMode);
    QUrlQuery query = call->d->request.query;
    if (call->d->paged)
        wire::setPageQuery(query, call->d->style, call->d->page, options.pageSize);
    url.setQuery(query);
    url.setFragment({});
    return url;
}

void AdminApiClient::Private::send(ApiCall *call)
{
    if (call->d->finished)
        return;
    const QUrl url = urlFor(call);
    QNetworkRequest req(url);
    req.setTransferTimeout(options.timeoutMs);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    req.setRawHeader(QByteArrayLiteral("x-portkey-api-key"), apiKey);
    req.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("PortkeyKeyManager/0.1"));

    const Request &r = call->d->request;
    QNetworkReply *reply = nullptr;
    switch (r.verb) {
    case Verb::Get:
        reply = nam->get(req);
        break;
    case Verb::Post:
    case Verb::Put:
    case Verb::Delete: {
        auto *body = new OneShotBody(r.body);
        req.setHeader(QNetworkRequest::ContentLengthHeader, body->size());
        req.setRawHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
        reply = writeNam->sendCustomRequest(req, verbName(r.verb), body);
        body->setParent(reply);
        break;
    }
    }
    call->d->reply = reply;
    call->d->sentUrl = url;
    call->d->redirectRefused = false;
    call->d->deadlinePassed = false;
    call->d->oversizeBytes = -1;
    if (call->d->attempt == 0)
        call->d->budgetClock.start();
    ++call->d->attempt;
    call->d->clock.start();
    // Retries never start once the budget is spent (retryGet), so at least 1 ms of it is left here.
    call->d->deadlineTimer.start(
        std::max<qint64>(1, qint64(options.totalTimeoutMs) - call->d->budgetClock.elapsed()));

    // A reply larger than maxReplyBytes is aborted as soon as that is known: from `Content-Length`, or
    // while the body arrives, so memory never holds more than about maxReplyBytes of it.
    const qint64 maxBytes = options.maxReplyBytes;
    const auto refuseIfLarger = [call, reply, maxBytes](qint64 bytes) {
        if (bytes <= maxBytes || call->d->oversizeBytes >= 0 || call->d->reply != reply)
            return;
        call->d->oversizeBytes = bytes;
        reply->abort();
    };
    QObject::connect(reply, &QNetworkReply::metaDataChanged, call, [reply, refuseIfLarger] {
        bool known = false;
        const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&known);
        if (known)
            refuseIfLarger(length);
    });
    QObject::connect(reply, &QNetworkReply::downloadProgress, call,
                     [refuseIfLarger](qint64 received, qint64) { refuseIfLarger(received); });

    // Compared with the URL this request was sent to: by the time redirected() is emitted, reply->url()
    // already names the target.
    QObject::connect(reply, &QNetworkReply::redirected, call, [call, reply, url](const QUrl &target) {
        if (wire::sameOrigin(target, url)) {
            emit reply->redirectAllowed();
            return;
        }
        call->d->redirectRefused = true;
        call->d->refusedTarget = target;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, call, [this, call, reply] { onReply(call, reply); });
}

bool AdminApiClient::Private::retryGet(ApiCall *call, const ApiError &error)
{
    if (call->d->request.verb != Verb::Get || call->d->attempt >= options.maxGetAttempts)
        return false;
    if (error.retryAfterS > options.maxRetryAfterS)
        return false;
    const int delayMs = error.retryAfterS >= 0
                            ? error.retryAfterS * 1000
                            : wire::backoffDelayMs(call->d->attempt, options.baseBackoffMs,
                                                   QRandomGenerator::global()->generateDouble());
    // The overall deadline covers every attempt and the waits between them: a retry that could not even
    // start before the budget is spent is not waited for; the call ends with the last error instead.
    const qint64 budgetLeftMs = qint64(options.totalTimeoutMs) - call->d->budgetClock.elapsed();
    if (delayMs >= budgetLeftMs) {
        qCInfo(lcPortkey).noquote() << "not retrying GET" << call->d->request.path << "after attempt"
                                    << call->d->attempt << ": the retry delay of" << delayMs
                                    << "ms exceeds the" << budgetLeftMs << "ms left of the overall deadline";
        return false;
    }
    qCInfo(lcPortkey).noquote() << "retrying GET" << call->d->request.path << "attempt"
                                << call->d->attempt + 1 << "of" << options.maxGetAttempts << "in" << delayMs
                                << "ms";
    call->d->retryTimer.start(delayMs);
    return true;
}

void AdminApiClient::Private::onReply(ApiCall *call, QNetworkReply *reply)
{
    reply->deleteLater();
    if (call->d->reply == reply)
        call->d->reply = nullptr;
    if (call->d->finished)
        return;

    call->d->deadlineTimer.stop();
    const Verb verb = call->d->request.verb;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError netError = reply->error();
    const qint64 ms = call->d->clock.elapsed();

    if (call->d->oversizeBytes >= 0) {
        ApiError e;
        e.kind = verb == Verb::Post ? ApiError::Kind::OutcomeUnknown : ApiError::Kind::Parse;
        e.message = QStringLiteral("The server's reply (HTTP %1) is larger than the limit of %2 bytes "
                                   "(%3 bytes at least); it was not read.")
                        .arg(status)
                        .arg(options.maxReplyBytes)
                        .arg(call->d->oversizeBytes);
        if (verb != Verb::Get)
            e.message = QString(e.message + QStringLiteral(" The write may or may not have been applied."));
        qCWarning(lcPortkey).noquote()
            << "aborted an oversized reply to" << verbName(verb) << call->d->request.path << "after"
            << call->d->oversizeBytes << "bytes";
        finish(call, e);
        return;
    }
    if (call->d->deadlinePassed) {
        ApiError e;
        e.kind = verb == Verb::Post ? ApiError::Kind::OutcomeUnknown : ApiError::Kind::Timeout;
        e.message = QStringLiteral("The server did not complete its answer within the overall time limit of "
                                   "%1 ms, retries included.")
                        .arg(options.totalTimeoutMs);
        if (verb != Verb::Get)
            e.message = QString(e.message + QStringLiteral(" The write may or may not have been applied."));
        qCWarning(lcPortkey).noquote()
            << verbName(verb) << call->d->request.path << "passed the overall deadline of"
            << options.totalTimeoutMs << "ms after" << call->d->attempt << "attempts";
        finish(call, e);
        return;
    }
    QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();

    if (call->d->redirectRefused) {
        ApiError e;
        e.kind = ApiError::Kind::Network;
        e.message = QStringLiteral("The server redirected to another address (%1); the redirect was not "
                                   "followed so the API key is not sent there.")
                        .arg(call->d->refusedTarget.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemovePath |
                                                                    QUrl::RemoveQuery));
        qCWarning(lcPortkey).noquote()
            << "refused a cross-origin redirect of" << verbName(verb) << call->d->request.path;
        finish(call, e);
        return;
    }

    // The server answered, but its body could not be decoded: a `Content-Encoding` that does not decompress
    // (corrupt gzip, a decompression bomb past Qt's ratio limit) gives UnknownContentError on Qt 6.4.2, a
    // broken framing ProtocolFailure. The reply is malformed, not the server unreachable, and not retried.
    // Only on a 2xx: Qt also reports UnknownContentError for a status it has no error of its own for (429),
    // which wire::errorFromHttp() below reads from the status.
    if (status >= 200 && status < 300 &&
        (netError == QNetworkReply::UnknownContentError || netError == QNetworkReply::ProtocolFailure)) {
        ApiError e;
        e.kind = verb == Verb::Post ? ApiError::Kind::OutcomeUnknown : ApiError::Kind::Parse;
        e.message = QStringLiteral("The server's reply (HTTP %1) was malformed and could not be read (%2).")
                        .arg(status)
                        .arg(wire::redact(reply->errorString(), apiKey));
        if (verb != Verb::Get)
            e.message = QString(e.message + QStringLiteral(" The write may or may not have been applied."));
        qCWarning(lcPortkey).noquote() << "malformed reply to" << verbName(verb) << call->d->request.path
                                       << "status" << status << "network error" << int(netError);
        finish(call, e);
        return;
    }

    // A transport failure can come with a status attribute left over from a partial answer: the transport
    // error wins, and so does any error on a 2xx (the body is incomplete).
    const bool transportFailure =
        netError != QNetworkReply::NoError &&
        (status == 0 || int(netError) < 200 || netError == QNetworkReply::ContentReSendError ||
         (status >= 200 && status < 300));
    const QString path = call->d->sentUrl.path(QUrl::FullyEncoded);
    const QString query = call->d->sentUrl.query(QUrl::FullyEncoded);
    if (transportFailure) {
        qCDebug(lcPortkey).noquote() << verbName(verb) << path << query << "network error" << int(netError)
                                     << ms << "ms";
        ApiError e;
        const bool timedOut =
            netError == QNetworkReply::OperationCanceledError || netError == QNetworkReply::TimeoutError;
        e.kind = timedOut ? ApiError::Kind::Timeout : ApiError::Kind::Network;
        e.message = timedOut ? QStringLiteral("No answer within %1 ms.").arg(options.timeoutMs)
                             : wire::redact(reply->errorString(), apiKey);
        // A PUT or DELETE that timed out stays Timeout; every other lost write reply is OutcomeUnknown.
        if (verb != Verb::Get && !neverSent(netError)) {
            e.message = QString(QStringLiteral("The reply to a write was lost (") + e.message +
                                QStringLiteral("); it may or may not have been applied."));
            if (verb == Verb::Post || !timedOut)
                e.kind = ApiError::Kind::OutcomeUnknown;
        }
        if (!retryGet(call, e))
            finish(call, e);
        return;
    }

    qCDebug(lcPortkey).noquote() << verbName(verb) << path << query << "status" << status << ms << "ms";
    if (status < 200 || status >= 300) {
        ApiError e = wire::errorFromHttp(
            status, body, reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray(),
            reply->rawHeader(QByteArrayLiteral("Retry-After")), QDateTime::currentDateTimeUtc());
        e.message = wire::redact(e.message, apiKey);
        if (e.isUnauthorized()) {
            const QPointer<ApiCall> alive(call);
            emit q->unauthorized(e);
            if (!alive)
                return;
        }
        const bool transient = status == 429 || status >= 500;
        if (transient && e.retryAfterS > options.maxRetryAfterS)
            qCWarning(lcPortkey).noquote() << "Retry-After" << e.retryAfterS << "s exceeds the limit of"
                                           << options.maxRetryAfterS << "s; reporting instead of waiting";
        if (!transient || !retryGet(call, e))
            finish(call, e);
        return;
    }

    if (call->d->paged) {
        wire::ListPage page;
        const ApiError e = wire::parseListPage(body, call->d->arrayKey, &page);
        if (e.isError()) {
            finish(call, e);
            return;
        }
        wire::PageCollector &collector = *call->d->collector;
        const wire::PageCollector::Next next = collector.addPage(page);
        const QPointer<ApiCall> alive(call);
        emit q->progress(collector.count(), collector.total());
        if (!alive || call->d->finished)
            return;
        if (next == wire::PageCollector::Next::TooManyPages) {
            ApiError tooMany;
            tooMany.kind = ApiError::Kind::Parse;
            tooMany.message = QStringLiteral("The server kept offering more pages of %1 after %2 pages (%3 "
                                             "items; it reported %4 in all); the list was not read.")
                                  .arg(call->d->request.path)
                                  .arg(collector.pages())
                                  .arg(collector.count())
                                  .arg(collector.total());
            qCWarning(lcPortkey).noquote()
                << "stopped paging" << call->d->request.path << "after" << collector.pages()
                << "pages: page limit" << collector.pageLimit();
            finish(call, tooMany);
            return;
        }
        if (next == wire::PageCollector::Next::More) {
            ++call->d->page;
            call->d->attempt = 0;
            send(call);
            return;
        }
        if (next == wire::PageCollector::Next::StoppedOnRepeat)
            qCWarning(lcPortkey).noquote()
                << "page" << call->d->page << "of" << call->d->request.path
                << "repeated ids already seen; stopped paging with" << collector.count() << "items";
        finish(call, {}, {}, collector.items());
        return;
    }

    QJsonObject object;
    const ApiError e = wire::parseObject(body, verb != Verb::Get, &object);
    if (call->d->wipeReply)
        body.fill('\0');
    finish(call, e, object);
}

void AdminApiClient::Private::finish(ApiCall *call, const ApiError &error, const QJsonObject &object,
                                     const QList<QJsonObject> &items)
{
    if (call->d->finished)
        return;
    call->d->finished = true;
    call->d->retryTimer.stop();
    call->d->deadlineTimer.stop();
    if (QNetworkReply *reply = call->d->reply) {
        call->d->reply = nullptr;
        reply->disconnect(call);
        reply->abort();
        reply->deleteLater();
    }
    pending.remove(call);
    if (error.isError() && error.kind != ApiError::Kind::Cancelled)
        qCInfo(lcPortkey).noquote() << verbName(call->d->request.verb) << call->d->request.path
                                    << "failed:" << int(error.kind) << error.httpStatus << error.code;
    // The callback may destroy the client (and with it the call): touch nothing after it unless alive.
    const QPointer<ApiCall> alive(call);
    if (call->d->single)
        call->d->single(error, object);
    else if (call->d->list)
        call->d->list(error, items);
    if (!alive)
        return;
    emit call->finished();
    if (alive)
        call->deleteLater();
}

// ---------------------------------------------------------------------------------------------------------
// AdminApiClient: configuration

AdminApiClient::AdminApiClient(QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->nam = new QNetworkAccessManager(this);
    d->nam->setRedirectPolicy(QNetworkRequest::UserVerifiedRedirectPolicy);
    d->writeNam = new QNetworkAccessManager(this);
    d->writeNam->setRedirectPolicy(QNetworkRequest::UserVerifiedRedirectPolicy);
}

AdminApiClient::~AdminApiClient()
{
    cancelAll();
}

ApiError AdminApiClient::setBaseUrl(const QUrl &url)
{
    const ApiError e = wire::checkBaseUrl(url);
    if (e.isError()) {
        qCWarning(lcPortkey).noquote()
            << "refused server address" << url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)
            << ":" << e.message;
        return e;
    }
    d->baseUrl = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    return e;
}

QUrl AdminApiClient::baseUrl() const
{
    return d->baseUrl;
}

ApiError AdminApiClient::setApiKey(const QByteArray &key)
{
    d->apiKey.fill('\0');
    d->apiKey.clear();
    const QByteArray trimmed = key.trimmed();
    const bool printable = std::all_of(trimmed.cbegin(), trimmed.cend(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
    });
    if (!printable) {
        qCWarning(lcPortkey) << "refused an API key holding whitespace, control or non-ASCII characters";
        return invalid(QStringLiteral("The API key holds spaces, line breaks or other characters a Portkey "
                                      "key never has. Copy the key again, exactly as Portkey shows it."));
    }
    d->apiKey = trimmed;
    qCDebug(lcPortkey).noquote() << "API key set" << wire::keyHint(trimmed);
    return {};
}

QString AdminApiClient::apiKeyHint() const
{
    return wire::keyHint(d->apiKey);
}

void AdminApiClient::setOptions(const Options &o)
{
    d->options = o;
    d->options.pageSize = std::clamp(o.pageSize, 1, 100);
    d->options.maxGetAttempts = std::max(o.maxGetAttempts, 1);
    d->options.timeoutMs = std::max(o.timeoutMs, 1);
    d->options.totalTimeoutMs = std::max(o.totalTimeoutMs, 1);
    d->options.maxReplyBytes = std::max<qint64>(o.maxReplyBytes, 1);
    d->options.maxPages = std::max(o.maxPages, 1);
}

AdminApiClient::Options AdminApiClient::options() const
{
    return d->options;
}

void AdminApiClient::cancelAll()
{
    QList<QPointer<ApiCall>> calls;
    for (ApiCall *call : std::as_const(d->pending))
        calls.append(call);
    for (const QPointer<ApiCall> &call : std::as_const(calls)) {
        if (call)
            call->cancel();
    }
}

int AdminApiClient::pendingCount() const
{
    return int(d->pending.size());
}

// ---------------------------------------------------------------------------------------------------------
// Typed adapters

namespace {

Request get(const QString &path, const QUrlQuery &query = {})
{
    Request r;
    r.path = path;
    r.query = query;
    return r;
}

Request write(Verb verb, const QString &path, const std::optional<QJsonObject> &body)
{
    Request r;
    r.verb = verb;
    r.path = path;
    if (body)
        r.body = jsonBody(*body);
    return r;
}

template <class T, class Convert> SingleDone single(AdminApiClient::Done<T> done, Convert convert)
{
    return [done = std::move(done), convert](const ApiError &e, const QJsonObject &o) {
        ApiResult<T> r;
        r.error = e;
        if (!e.isError())
            r.error = convert(o, &r.value);
        if (done)
            done(r);
    };
}

template <class T> ListDone listOf(AdminApiClient::Done<QList<T>> done)
{
    return [done = std::move(done)](const ApiError &e, const QList<QJsonObject> &items) {
        ApiResult<QList<T>> r;
        r.error = e;
        if (!e.isError()) {
            r.value.reserve(items.size());
            for (const QJsonObject &o : items)
                r.value.append(T::fromJson(o));
        }
        if (done)
            done(r);
    };
}

template <class T> SingleDone object(AdminApiClient::Done<T> done)
{
    return single<T>(std::move(done), [](const QJsonObject &o, T *out) {
        *out = T::fromJson(o);
        return ApiError{};
    });
}

SingleDone acknowledged(AdminApiClient::Done<bool> done)
{
    return single<bool>(std::move(done), [](const QJsonObject &, bool *out) {
        *out = true;
        return ApiError{};
    });
}

/// Whether a secret-bearing reply must name the key: a rotate names a known key; a create reply that holds
/// the secret proves the key exists even when its `id` is missing (the caller re-lists to learn it).
enum class IdPolicy
{
    Required,
    MayBeMissing
};

ApiError secretFrom(const QJsonObject &o, IdPolicy policy, const QString &fallbackId, IssuedSecret *out)
{
    out->id = json::string(o, QLatin1String("id"));
    if (out->id.isEmpty())
        out->id = fallbackId;
    out->secret = json::string(o, QLatin1String("key")).toUtf8();
    out->transitionExpiresAt = Timestamp::fromJson(o.value(QLatin1String("key_transition_expires_at")));
    if (!out->secret.isEmpty() && out->id.isEmpty() && policy == IdPolicy::MayBeMissing) {
        qCWarning(lcPortkey) << "a create reply holds a new secret but no key id; the key was created";
        return {};
    }
    if (out->secret.isEmpty() || out->id.isEmpty()) {
        ApiError e;
        e.kind = ApiError::Kind::Parse;
        e.message = QStringLiteral("The server's reply holds no new secret (\"key\") or no key id.");
        return e;
    }
    return {};
}

ApiError linkFrom(const QJsonObject &o, InviteLink *out)
{
    out->id = json::string(o, QLatin1String("id"));
    out->link = json::string(o, QLatin1String("invite_link"));
    if (out->link.isEmpty())
        out->link = json::string(o, QLatin1String("inviteLink"));
    return {};
}

} // namespace

#define PK_REQUIRE(cond, message, done)                                                                      \
    if (!(cond))                                                                                             \
        return d->refuse(invalid(message), done, {});

/// Declares `var` as the percent-encoded path segment of `value`, or refuses the call (wire::pathSegment).
#define PK_SEGMENT(var, value, what, done)                                                                   \
    QString var;                                                                                             \
    if (const ApiError segmentError = wire::pathSegment(value, what, &var); segmentError.isError())          \
        return d->refuse(segmentError, done, {});

// --- API keys

ApiCall *AdminApiClient::listApiKeys(const QString &workspace, Done<QList<ApiKey>> done)
{
    QUrlQuery query;
    if (!workspace.isEmpty())
        query.addQueryItem(QStringLiteral("workspace_id"), workspace);
    return d->startList(get(QStringLiteral("/api-keys"), query), wire::PagingStyle::SnakeCase,
                        QLatin1String("data"), listOf<ApiKey>(std::move(done)));
}

ApiCall *AdminApiClient::getApiKey(const QString &id, Done<ApiKey> done)
{
    auto cb = object<ApiKey>(std::move(done));
    PK_SEGMENT(key, id, QStringLiteral("API key id"), cb);
    return d->startSingle(get(QString(QStringLiteral("/api-keys/") + key)), cb);
}

ApiCall *AdminApiClient::createApiKey(const ApiKeyDraft &draft, Done<IssuedSecret> done)
{
    auto cb = single<IssuedSecret>(std::move(done), [](const QJsonObject &o, IssuedSecret *out) {
        return secretFrom(o, IdPolicy::MayBeMissing, QString(), out);
    });
    const QString typePath = keyTypeCreatePath(draft.keyType);
    PK_REQUIRE(!typePath.isEmpty(), QStringLiteral("Choose the kind of key to create."), cb);
    return d->startSingle(write(Verb::Post, QString(QStringLiteral("/api-keys/") + typePath), draft.toJson()),
                          cb, true);
}

ApiCall *AdminApiClient::updateApiKey(const QString &id, const QJsonObject &patch, Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(key, id, QStringLiteral("API key id"), cb);
    return d->startSingle(write(Verb::Put, QString(QStringLiteral("/api-keys/") + key), patch), cb);
}

ApiCall *AdminApiClient::rotateApiKey(const QString &id, std::optional<qint64> transitionMs,
                                      Done<IssuedSecret> done)
{
    auto cb = single<IssuedSecret>(std::move(done), [id](const QJsonObject &o, IssuedSecret *out) {
        return secretFrom(o, IdPolicy::Required, id, out);
    });
    PK_SEGMENT(key, id, QStringLiteral("API key id"), cb);
    std::optional<QJsonObject> body;
    if (transitionMs)
        body = QJsonObject{{QLatin1String("key_transition_period_ms"), double(*transitionMs)}};
    return d->startSingle(
        write(Verb::Post, QString(QStringLiteral("/api-keys/") + key + QStringLiteral("/rotate")), body), cb,
        true);
}

ApiCall *AdminApiClient::deleteApiKey(const QString &id, Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(key, id, QStringLiteral("API key id"), cb);
    return d->startSingle(write(Verb::Delete, QString(QStringLiteral("/api-keys/") + key), std::nullopt), cb);
}

// --- Workspaces

ApiCall *AdminApiClient::listWorkspaces(Done<QList<Workspace>> done)
{
    return d->startList(get(QStringLiteral("/admin/workspaces")), wire::PagingStyle::SnakeCase,
                        QLatin1String("data"), listOf<Workspace>(std::move(done)));
}

ApiCall *AdminApiClient::getWorkspace(const QString &idOrSlug, Done<Workspace> done)
{
    auto cb = object<Workspace>(std::move(done));
    PK_SEGMENT(ws, idOrSlug, QStringLiteral("workspace"), cb);
    return d->startSingle(get(QString(QStringLiteral("/admin/workspaces/") + ws)), cb);
}

ApiCall *AdminApiClient::createWorkspace(const WorkspaceDraft &draft, Done<Workspace> done)
{
    auto cb = object<Workspace>(std::move(done));
    PK_REQUIRE(!draft.name.trimmed().isEmpty(), QStringLiteral("A workspace needs a name."), cb);
    return d->startSingle(write(Verb::Post, QStringLiteral("/admin/workspaces"), draft.toJson()), cb);
}

ApiCall *AdminApiClient::updateWorkspace(const QString &idOrSlug, const QJsonObject &patch, Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(ws, idOrSlug, QStringLiteral("workspace"), cb);
    return d->startSingle(write(Verb::Put, QString(QStringLiteral("/admin/workspaces/") + ws), patch), cb);
}

ApiCall *AdminApiClient::deleteWorkspace(const QString &idOrSlug, const QString &name, bool force,
                                         Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(ws, idOrSlug, QStringLiteral("workspace"), cb);
    PK_REQUIRE(!name.isEmpty(), QStringLiteral("Deleting a workspace needs its name."), cb);
    QJsonObject body{{QLatin1String("name"), name}};
    if (force)
        body.insert(QLatin1String("force_delete"), true);
    return d->startSingle(write(Verb::Delete, QString(QStringLiteral("/admin/workspaces/") + ws), body), cb);
}

// --- Members

ApiCall *AdminApiClient::listWorkspaceMembers(const QString &workspace, Done<QList<WorkspaceMember>> done)
{
    return listWorkspaceMembers(workspace, MemberFilter{}, std::move(done));
}

ApiCall *AdminApiClient::listWorkspaceMembers(const QString &workspace, const MemberFilter &filter,
                                              Done<QList<WorkspaceMember>> done)
{
    ListDone cb = [workspace, inner = listOf<WorkspaceMember>(std::move(done))](
                      const ApiError &e, const QList<QJsonObject> &items) {
        // Members carry the workspace's uuid; fill it in when the server leaves it out.
        QList<QJsonObject> filled = items;
        for (QJsonObject &o : filled) {
            if (json::string(o, QLatin1String("workspace_id")).isEmpty())
                o.insert(QLatin1String("workspace_id"), workspace);
        }
        inner(e, filled);
    };
    QString ws;
    if (const ApiError e = wire::pathSegment(workspace, QStringLiteral("workspace"), &ws); e.isError())
        return d->refuse(e, {}, cb);
    QUrlQuery query;
    if (!filter.role.isEmpty())
        query.addQueryItem(QStringLiteral("role"), filter.role);
    if (!filter.email.isEmpty())
        query.addQueryItem(QStringLiteral("email"), filter.email);
    return d->startList(
        get(QString(QStringLiteral("/admin/workspaces/") + ws + QStringLiteral("/users")), query),
        wire::PagingStyle::SnakeCase, QLatin1String("data"), cb);
}

ApiCall *AdminApiClient::addWorkspaceMembers(const QString &workspace, const QList<MemberGrant> &grants,
                                             Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(ws, workspace, QStringLiteral("workspace"), cb);
    PK_REQUIRE(!grants.isEmpty(), QStringLiteral("Choose at least one user to add."), cb);
    QJsonArray users;
    for (const MemberGrant &g : grants)
        users.append(QJsonObject{{QLatin1String("id"), g.userId}, {QLatin1String("role"), g.role}});
    return d->startSingle(write(Verb::Post,
                                QString(QStringLiteral("/admin/workspaces/") + ws + QStringLiteral("/users")),
                                QJsonObject{{QLatin1String("users"), users}}),
                          cb);
}

ApiCall *AdminApiClient::getWorkspaceMember(const QString &workspace, const QString &userId,
                                            Done<WorkspaceMember> done)
{
    auto cb = single<WorkspaceMember>(std::move(done), [userId](const QJsonObject &o, WorkspaceMember *out) {
        *out = WorkspaceMember::fromJson(o);
        if (out->id.isEmpty())
            out->id = userId;
        return ApiError{};
    });
    PK_SEGMENT(ws, workspace, QStringLiteral("workspace"), cb);
    PK_SEGMENT(user, userId, QStringLiteral("user id"), cb);
    return d->startSingle(
        get(QString(QStringLiteral("/admin/workspaces/") + ws + QStringLiteral("/users/") + user)), cb);
}

ApiCall *AdminApiClient::updateWorkspaceMember(const QString &workspace, const QString &userId,
                                               const QString &role, Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(ws, workspace, QStringLiteral("workspace"), cb);
    PK_SEGMENT(user, userId, QStringLiteral("user id"), cb);
    PK_REQUIRE(!role.isEmpty(), QStringLiteral("Choose a workspace role."), cb);
    return d->startSingle(
        write(Verb::Put,
              QString(QStringLiteral("/admin/workspaces/") + ws + QStringLiteral("/users/") + user),
              QJsonObject{{QLatin1String("role"), role}}),
        cb);
}

ApiCall *AdminApiClient::removeWorkspaceMember(const QString &workspace, const QString &userId,
                                               Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(ws, workspace, QStringLiteral("workspace"), cb);
    PK_SEGMENT(user, userId, QStringLiteral("user id"), cb);
    return d->startSingle(
        write(Verb::Delete,
              QString(QStringLiteral("/admin/workspaces/") + ws + QStringLiteral("/users/") + user),
              std::nullopt),
        cb);
}

// --- Users and invites

ApiCall *AdminApiClient::listUsers(Done<QList<User>> done)
{
    return d->startList(get(QStringLiteral("/admin/users")), wire::PagingStyle::CamelCase,
                        QLatin1String("data"), listOf<User>(std::move(done)));
}

ApiCall *AdminApiClient::getUser(const QString &userId, Done<User> done)
{
    auto cb = object<User>(std::move(done));
    PK_SEGMENT(user, userId, QStringLiteral("user id"), cb);
    return d->startSingle(get(QString(QStringLiteral("/admin/users/") + user)), cb);
}

ApiCall *AdminApiClient::updateUserRole(const QString &userId, const QString &role, Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(user, userId, QStringLiteral("user id"), cb);
    PK_REQUIRE(role == QLatin1String("admin") || role == QLatin1String("member"),
               QStringLiteral("An organisation role can be changed only to admin or member; ownership "
                              "cannot be assigned."),
               cb);
    return d->startSingle(write(Verb::Put, QString(QStringLiteral("/admin/users/") + user),
                                QJsonObject{{QLatin1String("role"), role}}),
                          cb);
}

ApiCall *AdminApiClient::removeUser(const QString &userId, Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(user, userId, QStringLiteral("user id"), cb);
    return d->startSingle(write(Verb::Delete, QString(QStringLiteral("/admin/users/") + user), std::nullopt),
                          cb);
}

ApiCall *AdminApiClient::createInvite(const InviteDraft &draft, Done<InviteLink> done)
{
    auto cb = single<InviteLink>(std::move(done), linkFrom);
    PK_REQUIRE(!draft.email.trimmed().isEmpty(), QStringLiteral("An invite needs an e-mail address."), cb);
    PK_REQUIRE(!draft.workspaces.isEmpty(), QStringLiteral("An invite needs at least one workspace."), cb);
    return d->startSingle(write(Verb::Post, QStringLiteral("/admin/users/invites"), draft.toJson()), cb);
}

ApiCall *AdminApiClient::listInvites(Done<QList<Invite>> done)
{
    return d->startList(get(QStringLiteral("/admin/users/invites")), wire::PagingStyle::CamelCase,
                        QLatin1String("data"), listOf<Invite>(std::move(done)));
}

ApiCall *AdminApiClient::getInvite(const QString &inviteId, Done<Invite> done)
{
    auto cb = object<Invite>(std::move(done));
    PK_SEGMENT(invite, inviteId, QStringLiteral("invite id"), cb);
    return d->startSingle(get(QString(QStringLiteral("/admin/users/invites/") + invite)), cb);
}

ApiCall *AdminApiClient::deleteInvite(const QString &inviteId, Done<bool> done)
{
    auto cb = acknowledged(std::move(done));
    PK_SEGMENT(invite, inviteId, QStringLiteral("invite id"), cb);
    return d->startSingle(
        write(Verb::Delete, QString(QStringLiteral("/admin/users/invites/") + invite), std::nullopt), cb);
}

ApiCall *AdminApiClient::resendInvite(const QString &inviteId, Done<InviteLink> done)
{
    auto cb = single<InviteLink>(std::move(done), linkFrom);
    PK_SEGMENT(invite, inviteId, QStringLiteral("invite id"), cb);
    return d->startSingle(
        write(Verb::Post,
              QString(QStringLiteral("/admin/users/invites/") + invite + QStringLiteral("/resend")),
              std::nullopt),
        cb);
}

// --- Audit logs

ApiCall *AdminApiClient::listAuditLogs(const AuditLogQuery &q, Done<QList<AuditLogRecord>> done)
{
    ListDone cb = [done = std::move(done)](const ApiError &e, const QList<QJsonObject> &items) {
        ApiResult<QList<AuditLogRecord>> r;
        r.error = e;
        for (const QJsonObject &o : items)
            r.value.append(AuditLogRecord::fromJson(o));
        if (done)
            done(r);
    };
    if (!q.startUtc.isValid() || !q.endUtc.isValid() || q.organisationId.isEmpty())
        return d->refuse(invalid(QStringLiteral("Audit logs need a start time, an end time and the "
                                                "organisation id.")),
                         {}, cb);
    const auto iso = [](const QDateTime &t) {
        return Timestamp::fromUtc(t).toWire();
    };
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("start_time"), iso(q.startUtc));
    query.addQueryItem(QStringLiteral("end_time"), iso(q.endUtc));
    query.addQueryItem(QStringLiteral("organisation_id"), q.organisationId);
    const std::pair<const char *, QString> optional[] = {{"method", q.method},
                                                         {"uri", q.uri},
                                                         {"request_id", q.requestId},
                                                         {"user_id", q.userId},
                                                         {"user_type", q.userType},
                                                         {"workspace_id", q.workspaceId},
                                                         {"resource_type", q.resourceType},
                                                         {"action", q.action}};
    for (const auto &[key, value] : optional) {
        if (!value.isEmpty())
            query.addQueryItem(QString::fromLatin1(key), value);
    }
    if (q.responseStatusCode > 0)
        query.addQueryItem(QStringLiteral("response_status_code"), QString::number(q.responseStatusCode));
    return d->startList(get(QStringLiteral("/audit-logs"), query), wire::PagingStyle::SnakeCase,
                        QLatin1String("records"), cb);
}

#undef PK_REQUIRE
#undef PK_SEGMENT

} // namespace pk
