// The Admin API client's guards against hostile or broken servers and bad input, each against a real HTTP
// server on 127.0.0.1: ids that would change the endpoint (sandbox server), a reply trickling one byte at
// a time (once, and on every retry), a gzip reply that does not decompress, replies too large to hold, a list
// that never ends, API keys that would split a header, and a create reply that carries the secret but no id.
#include "portkey/adminapiclient.h"
#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>

#include <functional>
#include <optional>

using namespace pk;
using pk::sandbox::SandboxServer;

namespace {

/// Starts a call with a callback that records its result and runs the event loop until the callback ran
/// or `timeoutMs` passed (then `std::nullopt`).
template <class T, class Start> std::optional<ApiResult<T>> run(Start start, int timeoutMs = 20000)
{
    std::optional<ApiResult<T>> out;
    start([&out](const ApiResult<T> &r) { out = r; });
    const QDeadlineTimer deadline(timeoutMs);
    while (!out && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    return out;
}

QString describe(const ApiError &e)
{
    return QStringLiteral("kind %1 status %2: %3").arg(int(e.kind)).arg(e.httpStatus).arg(e.message);
}

/// A plain TCP server speaking just enough HTTP/1.1 to misbehave: `respond` runs once per request, when its
/// head (request line and headers) has arrived, and writes whatever it likes to the socket. Every request
/// head is kept in `heads`.
class RawHttpServer : public QObject
{
public:
    using Respond = std::function<void(QTcpSocket *socket)>;

    explicit RawHttpServer(Respond respond) : m_respond(std::move(respond))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    if (socket->property("answered").toBool())
                        return;
                    const QByteArray data = socket->peek(64 * 1024);
                    const qsizetype end = data.indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    socket->setProperty("answered", true);
                    heads.append(data.left(end));
                    m_respond(socket);
                });
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl baseUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort())); }

    QList<QByteArray> heads;

private:
    QTcpServer m_server;
    Respond m_respond;
};

/// A full page of `count` workspace or key objects with ids unique to `page`.
QJsonArray freshItems(int page, int count)
{
    QJsonArray data;
    for (int i = 0; i < count; ++i)
        data.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("item-%1-%2").arg(page).arg(i)},
                                {QStringLiteral("name"), QStringLiteral("Item %1").arg(i)}});
    return data;
}

} // namespace

class TestClientGuards : public QObject
{
    Q_OBJECT
private slots:
    void idsCannotChangeTheEndpoint();
    void idsArePercentEncoded();
    void tricklingReplyEndsAtTheOverallDeadline();
    void tricklingRetriesShareTheOverallDeadline();
    void undecompressableReplyIsMalformed();
    void declaredHugeReplyIsRefused();
    void endlessReplyIsCutAtTheLimit();
    void endlessPagingStopsAtThePageLimit();
    void apiKeyThatWouldSplitAHeaderIsRefused();
    void createReplyWithoutIdKeepsTheSecret();
};

void TestClientGuards::idsCannotChangeTheEndpoint()
{
    SandboxServer server;
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    const auto owner = server.persona(QStringLiteral("owner"));
    QVERIFY(owner);
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(server.baseUrl()).isError());
    QVERIFY(!client.setApiKey(owner->apiKey.toUtf8()).isError());

    // A real workspace, so that only the bad id can be the reason for a refusal.
    const auto workspaces = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    QVERIFY(workspaces && workspaces->ok() && !workspaces->value.isEmpty());
    const QString ws = workspaces->value.first().id;
    server.clearRecordedRequests();

    const QStringList badIds = {QString(),
                                QStringLiteral("."),
                                QStringLiteral(".."),
                                QStringLiteral("../admin/users"),
                                QStringLiteral("..\\admin"),
                                QStringLiteral("k?workspace_id=x"),
                                QStringLiteral("k#x"),
                                QStringLiteral("%2e%2e"),
                                QStringLiteral("k\r\nx")};
    struct Call
    {
        const char *name;
        QString what; ///< the kind of id the error must name
        std::function<std::optional<ApiResult<bool>>(const QString &)> start;
    };
    // Every call taking an id or slug into its path, with the result reduced to ok / error.
    const auto asBool = [](auto result) -> std::optional<ApiResult<bool>> {
        if (!result)
            return std::nullopt;
        ApiResult<bool> r;
        r.error = result->error;
        return r;
    };
    const QString keyId = QStringLiteral("API key id");
    const QString wsName = QStringLiteral("workspace");
    const QString userName = QStringLiteral("user id");
    const QString inviteName = QStringLiteral("invite id");
    const QList<Call> calls = {
        {"getApiKey", keyId,
         [&](const QString &id) {
             return asBool(run<ApiKey>([&](auto d) { return client.getApiKey(id, d); }));
         }},
        {"updateApiKey", keyId,
         [&](const QString &id) {
             return run<bool>([&](auto d) { return client.updateApiKey(id, QJsonObject{}, d); });
         }},
        {"rotateApiKey", keyId,
         [&](const QString &id) {
             return asBool(
                 run<IssuedSecret>([&](auto d) { return client.rotateApiKey(id, std::nullopt, d); }));
         }},
        {"deleteApiKey", keyId,
         [&](const QString &id) {
             return run<bool>([&](auto d) { return client.deleteApiKey(id, d); });
         }},
        {"getWorkspace", wsName,
         [&](const QString &id) {
             return asBool(run<Workspace>([&](auto d) { return client.getWorkspace(id, d); }));
         }},
        {"updateWorkspace", wsName,
         [&](const QString &id) {
             return run<bool>([&](auto d) { return client.updateWorkspace(id, QJsonObject{}, d); });
         }},
        {"deleteWorkspace", wsName,
         [&](const QString &id) {
             return run<bool>(
                 [&](auto d) { return client.deleteWorkspace(id, QStringLiteral("W"), true, d); });
         }},
        {"listWorkspaceMembers", wsName,
         [&](const QString &id) {
             return asBool(
                 run<QList<WorkspaceMember>>([&](auto d) { return client.listWorkspaceMembers(id, d); }));
         }},
        {"addWorkspaceMembers", wsName,
         [&](const QString &id) {
             return run<bool>([&](auto d) {
                 return client.addWorkspaceMembers(id, {{QStringLiteral("u1"), QStringLiteral("member")}}, d);
             });
         }},
        {"getWorkspaceMember(workspace)", wsName,
         [&](const QString &id) {
             return asBool(run<WorkspaceMember>(
                 [&](auto d) { return client.getWorkspaceMember(id, QStringLiteral("u1"), d); }));
         }},
        {"getWorkspaceMember(user)", userName,
         [&](const QString &id) {
             return asBool(
                 run<WorkspaceMember>([&](auto d) { return client.getWorkspaceMember(ws, id, d); }));
         }},
        {"updateWorkspaceMember", userName,
         [&](const QString &id) {
             return run<bool>(
                 [&](auto d) { return client.updateWorkspaceMember(ws, id, QStringLiteral("member"), d); });
         }},
        {"removeWorkspaceMember(workspace)", wsName,
         [&](const QString &id) {
             return run<bool>(
                 [&](auto d) { return client.removeWorkspaceMember(id, QStringLiteral("u1"), d); });
         }},
        {"removeWorkspaceMember(user)", userName,
         [&](const QString &id) {
             return run<bool>([&](auto d) { return client.removeWorkspaceMember(ws, id, d); });
         }},
        {"getUser", userName,
         [&](const QString &id) {
             return asBool(run<User>([&](auto d) { return client.getUser(id, d); }));
         }},
        {"updateUserRole", userName,
         [&](const QString &id) {
             return run<bool>([&](auto d) { return client.updateUserRole(id, QStringLiteral("member"), d); });
         }},
        {"removeUser", userName,
         [&](const QString &id) {
             return run<bool>([&](auto d) { return client.removeUser(id, d); });
         }},
        {"getInvite", inviteName,
         [&](const QString &id) {
             return asBool(run<Invite>([&](auto d) { return client.getInvite(id, d); }));
         }},
        {"deleteInvite", inviteName,
         [&](const QString &id) {
             return run<bool>([&](auto d) { return client.deleteInvite(id, d); });
         }},
        {"resendInvite", inviteName,
         [&](const QString &id) {
             return asBool(run<InviteLink>([&](auto d) { return client.resendInvite(id, d); }));
         }},
    };
    for (const Call &call : calls) {
        for (const QString &id : badIds) {
            const auto r = call.start(id);
            const QByteArray where = QByteArray(call.name) + " with id \"" + id.toUtf8() + '"';
            QVERIFY2(r, where.constData());
            QVERIFY2(r->error.kind == ApiError::Kind::Invalid,
                     qPrintable(QString::fromUtf8(where) + QStringLiteral(": ") + describe(r->error)));
            QVERIFY2(r->error.userText().contains(call.what), qPrintable(r->error.userText()));
        }
    }
    // Nothing reached the server: not `DELETE /v1`, not `GET /v1/admin/users`, not
    // `DELETE /v1/admin/workspaces/{ws}`, nothing at all.
    const auto requests = server.recordedRequests();
    for (const auto &r : requests)
        qWarning("unexpected request %s %s", qPrintable(r.method), qPrintable(r.path));
    QCOMPARE(requests.size(), 0);
}

void TestClientGuards::idsArePercentEncoded()
{
    RawHttpServer server([](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                      "Connection: close\r\n\r\n{}");
        socket->disconnectFromHost();
    });
    QVERIFY(server.listen());
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(server.baseUrl()).isError());
    QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-encoding-test-key-0001")).isError());

    // One call of each family; spaces, `+`, non-ASCII and inner dots are data, sent percent-encoded.
    const QString odd = QStringLiteral("a b+ü..c");
    const QByteArray encoded = QByteArrayLiteral("a%20b%2B%C3%BC..c");
    QVERIFY(run<bool>([&](auto d) { return client.deleteApiKey(odd, d); })->ok());
    QVERIFY(run<bool>([&](auto d) { return client.updateWorkspace(odd, QJsonObject{}, d); })->ok());
    QVERIFY(run<bool>([&](auto d) { return client.removeWorkspaceMember(odd, odd, d); })->ok());
    QVERIFY(run<bool>([&](auto d) { return client.removeUser(odd, d); })->ok());
    QVERIFY(run<bool>([&](auto d) { return client.deleteInvite(odd, d); })->ok());
    const QList<QByteArray> expected = {
        "DELETE /v1/api-keys/" + encoded + " HTTP/1.1",
        "PUT /v1/admin/workspaces/" + encoded + " HTTP/1.1",
        "DELETE /v1/admin/workspaces/" + encoded + "/users/" + encoded + " HTTP/1.1",
        "DELETE /v1/admin/users/" + encoded + " HTTP/1.1",
        "DELETE /v1/admin/users/invites/" + encoded + " HTTP/1.1",
    };
    QCOMPARE(server.heads.size(), expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        const QByteArray line = server.heads.at(i).left(server.heads.at(i).indexOf("\r\n"));
        QCOMPARE(line, expected.at(i));
    }
}

void TestClientGuards::tricklingReplyEndsAtTheOverallDeadline()
{
    // Headers at once, then one byte every 50 ms: never silent long enough for the transfer timeout.
    RawHttpServer server([](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
        auto *drip = new QTimer(socket);
        QObject::connect(drip, &QTimer::timeout, socket, [socket] { socket->write(" "); });
        drip->start(50);
    });
    QVERIFY(server.listen());
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(server.baseUrl()).isError());
    QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-trickle-test-key-0001")).isError());
    AdminApiClient::Options o;
    o.timeoutMs = 10000;
    o.totalTimeoutMs = 800;
    o.maxGetAttempts = 1;
    client.setOptions(o);

    QElapsedTimer clock;
    clock.start();
    const auto read = run<QList<Workspace>>([&](auto d) { return client.listWorkspaces(d); });
    QVERIFY2(read, "the call hung");
    QCOMPARE(read->error.kind, ApiError::Kind::Timeout);
    QVERIFY2(clock.elapsed() >= 700 && clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(read->error.message.contains(QStringLiteral("800 ms")), qPrintable(read->error.message));
    QVERIFY(!read->error.userText().isEmpty());

    // A write cut off the same way may have been applied.
    WorkspaceDraft draft;
    draft.name = QStringLiteral("trickled");
    clock.restart();
    const auto write = run<Workspace>([&](auto d) { return client.createWorkspace(draft, d); });
    QVERIFY2(write, "the call hung");
    QCOMPARE(write->error.kind, ApiError::Kind::OutcomeUnknown);
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
}

void TestClientGuards::tricklingRetriesShareTheOverallDeadline()
{
    // Every attempt trickles (one byte every 50 ms, never silent for the transfer timeout): four attempts
    // of a GET still end within one overall deadline, and no retry starts once it is spent.
    RawHttpServer server([](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
        auto *drip = new QTimer(socket);
        QObject::connect(drip, &QTimer::timeout, socket, [socket] { socket->write(" "); });
        drip->start(50);
    });
    QVERIFY(server.listen());
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(server.baseUrl()).isError());
    QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-trickle-test-key-0002")).isError());
    AdminApiClient::Options o;
    o.timeoutMs = 10000;
    o.totalTimeoutMs = 900;
    o.maxGetAttempts = 4;
    o.baseBackoffMs = 10;
    client.setOptions(o);

    QElapsedTimer clock;
    clock.start();
    const auto read = run<QList<Workspace>>([&](auto d) { return client.listWorkspaces(d); });
    QVERIFY2(read, "the call hung");
    const qint64 ms = clock.elapsed();
    QCOMPARE(read->error.kind, ApiError::Kind::Timeout);
    QVERIFY2(ms >= 800 && ms < 2000, qPrintable(QString::number(ms)));
    QVERIFY2(read->error.message.contains(QStringLiteral("900 ms")), qPrintable(read->error.message));
    // The budget was spent on the first attempt: no retry was sent.
    QCOMPARE(server.heads.size(), 1);

    // Attempts that fail fast are retried while the budget lasts; a backoff that would outlast it is not
    // waited for: 503 three times with a 400 ms first backoff (±25 %) and an 600 ms budget ends after two
    // attempts with the server's error, well before four attempts' backoffs (400 + 800 + 1600 ms).
    RawHttpServer busy([](QTcpSocket *socket) {
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                      "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
        socket->disconnectFromHost();
    });
    QVERIFY(busy.listen());
    QVERIFY(!client.setBaseUrl(busy.baseUrl()).isError());
    o.totalTimeoutMs = 600;
    o.baseBackoffMs = 400;
    client.setOptions(o);
    clock.restart();
    const auto again = run<QList<Workspace>>([&](auto d) { return client.listWorkspaces(d); });
    QVERIFY2(again, "the call hung");
    QCOMPARE(again->error.kind, ApiError::Kind::Http);
    QCOMPARE(again->error.httpStatus, 503);
    QCOMPARE(busy.heads.size(), 2);
    QVERIFY2(clock.elapsed() < 600, qPrintable(QString::number(clock.elapsed())));
}

void TestClientGuards::undecompressableReplyIsMalformed()
{
    // `Content-Encoding: gzip` over bytes that are not gzip: the reply is malformed, not unreachable.
    const QByteArray garbage = QByteArrayLiteral("this is not gzip at all, only plain bytes \x01\x02\x03");
    RawHttpServer server([garbage](QTcpSocket *socket) {
        socket->write(QByteArray(QByteArrayLiteral("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                                   "Content-Encoding: gzip\r\nContent-Length: ") +
                                 QByteArray::number(garbage.size()) + QByteArrayLiteral("\r\n\r\n") +
                                 garbage));
    });
    QVERIFY(server.listen());
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(server.baseUrl()).isError());
    QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-gzip-test-key-0001")).isError());
    const auto read = run<QList<Workspace>>([&](auto d) { return client.listWorkspaces(d); });
    QVERIFY2(read, "the call hung");
    QVERIFY2(read->error.kind == ApiError::Kind::Parse, qPrintable(describe(read->error)));
    QVERIFY2(read->error.message.contains(QStringLiteral("malformed")), qPrintable(read->error.message));
    QVERIFY2(read->error.userText().contains(QStringLiteral("malformed")) &&
                 !read->error.userText().contains(QStringLiteral("Could not reach")),
             qPrintable(read->error.userText()));
    // A malformed reply is not retried: the server answered, and would answer the same way again.
    QCOMPARE(server.heads.size(), 1);
}

void TestClientGuards::declaredHugeReplyIsRefused()
{
    // A 3 GB `Content-Length`: refused from the header, before the body is read.
    qint64 written = 0;
    RawHttpServer server([&written](QTcpSocket *socket) {
        socket->write(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3221225472\r\n\r\n");
        auto *pump = new QTimer(socket);
        QObject::connect(pump, &QTimer::timeout, socket, [socket, &written] {
            if (socket->bytesToWrite() < 1024 * 1024)
                written += socket->write(QByteArray(256 * 1024, ' '));
        });
        pump->start(1);
    });
    QVERIFY(server.listen());
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(server.baseUrl()).isError());
    QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-huge-reply-test-key-01")).isError());
    QCOMPARE(client.options().maxReplyBytes, qint64(64) * 1024 * 1024);

    const auto r = run<QList<ApiKey>>([&](auto d) { return client.listApiKeys(QString(), d); }, 30000);
    QVERIFY2(r, "the call hung");
    QCOMPARE(r->error.kind, ApiError::Kind::Parse);
    QVERIFY2(r->error.message.contains(QStringLiteral("larger than the limit of 67108864 bytes")),
             qPrintable(r->error.message));
    QVERIFY2(r->error.message.contains(QStringLiteral("3221225472")), qPrintable(r->error.message));
    QVERIFY(!r->error.userText().isEmpty());
    QVERIFY2(written < 64 * 1024 * 1024, qPrintable(QString::number(written)));
    QCOMPARE(server.heads.size(), 1); // an oversized reply is not asked for again
}

void TestClientGuards::endlessReplyIsCutAtTheLimit()
{
    // No `Content-Length`: the body runs until the connection closes, here up to 256 MiB.
    constexpr qint64 kServerMax = 256 * 1024 * 1024;
    qint64 written = 0;
    RawHttpServer server([&written](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
        auto *pump = new QTimer(socket);
        QObject::connect(pump, &QTimer::timeout, socket, [socket, pump, &written] {
            if (written >= kServerMax) {
                pump->stop();
                socket->disconnectFromHost();
            } else if (socket->bytesToWrite() < 1024 * 1024) {
                written += socket->write(QByteArray(256 * 1024, ' '));
            }
        });
        pump->start(1);
    });
    QVERIFY(server.listen());
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(server.baseUrl()).isError());
    QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-endless-reply-test-key")).isError());
    AdminApiClient::Options o;
    o.maxReplyBytes = 4 * 1024 * 1024;
    client.setOptions(o);

    const auto r =
        run<Workspace>([&](auto d) { return client.getWorkspace(QStringLiteral("ws-1"), d); }, 60000);
    QVERIFY2(r, "the call hung");
    QCOMPARE(r->error.kind, ApiError::Kind::Parse);
    QVERIFY2(r->error.message.contains(QStringLiteral("larger than the limit of 4194304 bytes")),
             qPrintable(r->error.message));
    // The client stopped reading soon after the limit: far less than the server was ready to send.
    QVERIFY2(written < 32 * 1024 * 1024, qPrintable(QString::number(written)));
}

void TestClientGuards::endlessPagingStopsAtThePageLimit()
{
    // Every page is full and brings new ids. Keys report a `total` always 150 ahead (250 at first: 3 pages
    // implied, so 4 are allowed); workspaces report no total at all.
    QHttpServer server;
    int keyPages = 0;
    int workspacePages = 0;
    server.route(QStringLiteral("/v1/api-keys"), [&](const QHttpServerRequest &req) {
        ++keyPages;
        const int page = req.query().queryItemValue(QStringLiteral("current_page")).toInt();
        return QHttpServerResponse(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                               {QStringLiteral("total"), 100 * (page + 2) + 50},
                                               {QStringLiteral("data"), freshItems(page, 100)}});
    });
    server.route(QStringLiteral("/v1/admin/workspaces"), [&](const QHttpServerRequest &req) {
        ++workspacePages;
        const int page = req.query().queryItemValue(QStringLiteral("current_page")).toInt();
        return QHttpServerResponse(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                               {QStringLiteral("data"), freshItems(page, 100)}});
    });
    const quint16 port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port))).isError());
    QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-paging-limit-test-key")).isError());
    QCOMPARE(client.options().maxPages, 5000);

    const auto keys = run<QList<ApiKey>>([&](auto d) { return client.listApiKeys(QString(), d); });
    QVERIFY2(keys, "the call hung");
    QCOMPARE(keys->error.kind, ApiError::Kind::Parse);
    QVERIFY2(keys->error.message.contains(QStringLiteral("kept offering more pages")),
             qPrintable(keys->error.message));
    QVERIFY(keys->value.isEmpty());
    QVERIFY(!keys->error.userText().isEmpty());
    QCOMPARE(keyPages, 4);

    AdminApiClient::Options o;
    o.maxPages = 7;
    client.setOptions(o);
    const auto workspaces = run<QList<Workspace>>([&](auto d) { return client.listWorkspaces(d); });
    QVERIFY2(workspaces, "the call hung");
    QCOMPARE(workspaces->error.kind, ApiError::Kind::Parse);
    QCOMPARE(workspacePages, 7);
}

void TestClientGuards::apiKeyThatWouldSplitAHeaderIsRefused()
{
    RawHttpServer server([](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                      "Connection: close\r\n\r\n{}");
        socket->disconnectFromHost();
    });
    QVERIFY(server.listen());
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(server.baseUrl()).isError());

    // A pasted key with a line break around it is fine: the break is not part of the key.
    QVERIFY(!client.setApiKey(QByteArrayLiteral(" pk-pasted-key-0001\r\n")).isError());
    QCOMPARE(client.apiKeyHint(), QStringLiteral("…0001"));
    QVERIFY(run<bool>([&](auto d) { return client.deleteApiKey(QStringLiteral("k1"), d); })->ok());
    QCOMPARE(server.heads.size(), 1);
    QVERIFY2(server.heads.at(0).contains("\r\nx-portkey-api-key: pk-pasted-key-0001\r\n"),
             server.heads.at(0).constData());

    const QList<QByteArray> bad = {QByteArrayLiteral("pk-evil\r\nX-Injected: 1"),
                                   QByteArrayLiteral("pk-evil\nX-Injected: 1"),
                                   QByteArrayLiteral("pk evil key"),
                                   QByteArrayLiteral("pk\tevil"),
                                   QByteArray("pk\0evil", 7),
                                   QByteArrayLiteral("pk-evil\x7f"),
                                   QByteArrayLiteral("pk-\xc3\xa9vil")};
    for (const QByteArray &key : bad) {
        QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-previous-key-0002")).isError());
        const ApiError e = client.setApiKey(key);
        QCOMPARE(e.kind, ApiError::Kind::Invalid);
        QVERIFY(!e.userText().isEmpty());
        QVERIFY(!e.userText().contains(QStringLiteral("evil")));
        // The refused key is not kept, and neither is the previous one.
        QCOMPARE(client.apiKeyHint(), QString());
    }
    QVERIFY(run<bool>([&](auto d) { return client.deleteApiKey(QStringLiteral("k2"), d); })->ok());
    QCOMPARE(server.heads.size(), 2);
    QVERIFY(!server.heads.at(1).contains("X-Injected"));
    QVERIFY(!server.heads.at(1).contains("evil"));
    QVERIFY(!server.heads.at(1).contains("pk-previous-key"));
}

void TestClientGuards::createReplyWithoutIdKeepsTheSecret()
{
    QHttpServer server;
    QJsonObject reply;
    int creates = 0;
    server.route(QStringLiteral("/v1/api-keys/workspace/service"), [&](const QHttpServerRequest &) {
        ++creates;
        return QHttpServerResponse(reply);
    });
    const quint16 port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port))).isError());
    QVERIFY(!client.setApiKey(QByteArrayLiteral("pk-create-test-key-0001")).isError());
    ApiKeyDraft draft;
    draft.keyType = KeyType::WorkspaceService;
    draft.name = QStringLiteral("ci");
    draft.workspaceId = QStringLiteral("ws-1");
    draft.scopes = {QStringLiteral("completions.write")};

    // The secret without an id: the key was created; the secret is handed over, the id is left to a re-list.
    reply = QJsonObject{{QStringLiteral("object"), QStringLiteral("api-key")},
                        {QStringLiteral("key"), QStringLiteral("pk-new-secret-without-id-77")}};
    const auto created = run<IssuedSecret>([&](auto d) { return client.createApiKey(draft, d); });
    QVERIFY2(created && created->ok(), created ? qPrintable(describe(created->error)) : "hung");
    QCOMPARE(created->value.secret, QByteArrayLiteral("pk-new-secret-without-id-77"));
    QVERIFY(created->value.id.isEmpty());
    QCOMPARE(creates, 1);

    // No secret at all: that reply cannot be used, and says so.
    reply = QJsonObject{{QStringLiteral("id"), QStringLiteral("k-1")}};
    const auto noSecret = run<IssuedSecret>([&](auto d) { return client.createApiKey(draft, d); });
    QVERIFY(noSecret);
    QCOMPARE(noSecret->error.kind, ApiError::Kind::Parse);
    QCOMPARE(creates, 2);

    // A rotate names its key, so a reply without id still reports that key's id.
    server.route(QStringLiteral("/v1/api-keys/<arg>/rotate"),
                 [](const QString &, const QHttpServerRequest &) {
                     return QHttpServerResponse(
                         QJsonObject{{QStringLiteral("key"), QStringLiteral("pk-rotated-secret-88")}});
                 });
    const auto rotated = run<IssuedSecret>(
        [&](auto d) { return client.rotateApiKey(QStringLiteral("k-9"), std::nullopt, d); });
    QVERIFY2(rotated && rotated->ok(), rotated ? qPrintable(describe(rotated->error)) : "hung");
    QCOMPARE(rotated->value.id, QStringLiteral("k-9"));
}

QTEST_GUILESS_MAIN(TestClientGuards)
#include "tst_clientguards.moc"
