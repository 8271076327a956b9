// The Admin API client against the real sandbox server over HTTP on 127.0.0.1: paging, errors, the key
// lifecycle, every injected fault, redirects to another origin, cancellation and log hygiene.
#include "portkey/adminapiclient.h"
#include "portkey/workspacedirectory.h"
#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QLoggingCategory>
#include <QMutex>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <optional>

using namespace pk;
using pk::sandbox::Fault;
using pk::sandbox::SandboxServer;
using pk::sandbox::SeedOptions;

namespace {

/// Starts a call with a callback that records its result, and runs the event loop until the callback ran
/// (or `timeoutMs` passed). Counts callback invocations in `calls` when given.
template <class T, class Start> ApiResult<T> run(Start start, int timeoutMs = 20000, int *calls = nullptr)
{
    std::optional<ApiResult<T>> out;
    start([&out, calls](const ApiResult<T> &r) {
        out = r;
        if (calls)
            ++*calls;
    });
    const QDeadlineTimer deadline(timeoutMs);
    while (!out && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    if (!out) {
        ApiResult<T> r;
        r.error.kind = ApiError::Kind::Timeout;
        r.error.message = QStringLiteral("the test gave up waiting for the callback");
        return r;
    }
    return *out;
}

QString describe(const ApiError &e)
{
    return QStringLiteral("kind %1 status %2 code %3: %4")
        .arg(int(e.kind))
        .arg(e.httpStatus)
        .arg(e.code, e.message);
}

#define EXPECT_OK(result) QVERIFY2((result).ok(), qPrintable(describe((result).error)))

int countRequests(const SandboxServer &server, const QString &method, const QString &path)
{
    int n = 0;
    const auto requests = server.recordedRequests();
    for (const auto &r : requests) {
        if (r.method == method && r.path == path)
            ++n;
    }
    return n;
}

QString httpDate(const QDateTime &utc)
{
    return QLocale::c().toString(utc.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
}

// Captures every message while installed, for the log hygiene test.
QMutex g_logMutex;
QStringList g_log;
void captureMessage(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    QMutexLocker lock(&g_logMutex);
    g_log.append(
        QString(QString::fromLatin1(context.category ? context.category : "") + QLatin1Char(' ') + message));
}

} // namespace

class TestAdminApiClient : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void listsEverything();
    void pagesAcrossManyKeys();
    void badKeyIsUnauthorized();
    void missingScopeIsForbidden();
    void createShowsSecretOnceThenMasked();
    void workspaceSurface();
    void usersInvitesAndAuditLogs();
    void tooManyRequestsHonoursRetryAfterSeconds();
    void tooManyRequestsHonoursRetryAfterDate();
    void hugeRetryAfterIsReportedNotSlept();
    void serverErrorOnGetIsRetried();
    void writesAreNotRetried();
    void lostCreateReplyIsOutcomeUnknown();
    void malformedAndTruncatedJsonAreParseErrors();
    void unknownFieldsAreKept();
    void slowServerTimesOut();
    void cancelAllEndsEveryCallOnce();
    void crossOriginRedirectNeverCarriesTheKey();
    void droppedConnectionNeverResendsAPost();
    void serverIgnoringPagingDoesNotLoop();
    void refusedConnection();
    void keyNeverAppearsInLogs();

private:
    void connectAs(AdminApiClient &client, const QString &persona);

    std::unique_ptr<SandboxServer> m_server;
};

void TestAdminApiClient::initTestCase()
{
    SeedOptions seed;
    seed.keys = 250;
    m_server = std::make_unique<SandboxServer>(seed);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

void TestAdminApiClient::init()
{
    m_server->clearFaults();
    m_server->clearRecordedRequests();
}

void TestAdminApiClient::connectAs(AdminApiClient &client, const QString &persona)
{
    const auto p = m_server->persona(persona);
    QVERIFY2(p, qPrintable(persona));
    QVERIFY(!client.setBaseUrl(m_server->baseUrl()).isError());
    client.setApiKey(p->apiKey.toUtf8());
    AdminApiClient::Options o;
    o.baseBackoffMs = 20;
    client.setOptions(o);
}

void TestAdminApiClient::listsEverything()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));

    const auto workspaces = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    EXPECT_OK(workspaces);
    QCOMPARE(workspaces.value.size(), m_server->organisation().workspaceCount());
    const auto users = run<QList<User>>([&](auto done) { return client.listUsers(done); });
    EXPECT_OK(users);
    QVERIFY(users.value.size() >= 8); // SeedOptions: at least 8 users, so that every role is present
    QSet<QString> userIds;
    for (const User &u : users.value)
        userIds.insert(u.id);
    QCOMPARE(userIds.size(), users.value.size());
    const Workspace first = workspaces.value.first();
    const auto members =
        run<QList<WorkspaceMember>>([&](auto done) { return client.listWorkspaceMembers(first.id, done); });
    EXPECT_OK(members);
    QVERIFY(!members.value.isEmpty());
    const auto invites = run<QList<Invite>>([&](auto done) { return client.listInvites(done); });
    EXPECT_OK(invites);

    // Paging parameters in each list's own spelling; members always get both (ADMIN-API.md §11).
    for (const auto &r : m_server->recordedRequests()) {
        const bool camel = r.path.startsWith(QLatin1String("/v1/admin/users"));
        QVERIFY2(r.query.hasQueryItem(camel ? QStringLiteral("currentPage") : QStringLiteral("current_page")),
                 qPrintable(r.path));
        QVERIFY2(r.query.hasQueryItem(camel ? QStringLiteral("pageSize") : QStringLiteral("page_size")),
                 qPrintable(r.path));
        QVERIFY(!r.query.hasQueryItem(camel ? QStringLiteral("page_size") : QStringLiteral("pageSize")));
    }

    // One workspace, whether a key names it by slug or by id.
    WorkspaceDirectory directory(workspaces.value);
    const auto keys = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys(first.slug, done); });
    EXPECT_OK(keys);
    QVERIFY(!keys.value.isEmpty());
    for (const ApiKey &k : keys.value) {
        const auto ws = directory.resolve(k.workspaceId);
        QVERIFY2(ws, qPrintable(k.workspaceId));
        QCOMPARE(ws->id, first.id);
        QVERIFY(k.createdAt.isValid());
    }
    const auto byId = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys(first.id, done); });
    EXPECT_OK(byId);
    QCOMPARE(byId.value.size(), keys.value.size());
    const auto single = run<Workspace>([&](auto done) { return client.getWorkspace(first.slug, done); });
    EXPECT_OK(single);
    QCOMPARE(single.value.id, first.id);
}

void TestAdminApiClient::pagesAcrossManyKeys()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    QList<int> progress;
    connect(&client, &AdminApiClient::progress, this, [&](int received, int) { progress.append(received); });

    QElapsedTimer clock;
    clock.start();
    const auto keys = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(keys);
    qInfo("listed %lld keys in %lld ms", static_cast<long long>(keys.value.size()),
          static_cast<long long>(clock.elapsed()));
    QCOMPARE(keys.value.size(), m_server->organisation().keyCount());
    QVERIFY(keys.value.size() >= 250);
    QSet<QString> ids;
    for (const ApiKey &k : keys.value)
        ids.insert(k.id);
    QCOMPARE(ids.size(), keys.value.size());
    const int pages = countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/api-keys"));
    QCOMPARE(pages, int((keys.value.size() + 99) / 100));
    QCOMPARE(progress.size(), pages);
    QCOMPARE(progress.last(), int(keys.value.size()));

    // Smaller pages: same keys.
    AdminApiClient::Options o = client.options();
    o.pageSize = 7;
    client.setOptions(o);
    const auto small = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(small);
    QCOMPARE(small.value.size(), keys.value.size());
}

void TestAdminApiClient::badKeyIsUnauthorized()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    client.setApiKey(QByteArrayLiteral("pk-this-key-does-not-exist-0000"));
    QList<ApiError> signalled;
    connect(&client, &AdminApiClient::unauthorized, this, [&](const ApiError &e) { signalled.append(e); });
    const auto r = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    QCOMPARE(r.error.kind, ApiError::Kind::Http);
    QCOMPARE(r.error.httpStatus, 401);
    QCOMPARE(r.error.code, QStringLiteral("AB05"));
    QVERIFY(r.error.isUnauthorized());
    QCOMPARE(signalled.size(), 1);
    QVERIFY(r.error.userText().contains(QStringLiteral("API key")));
    // 401 is not transient: one request only.
    QCOMPARE(countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/admin/workspaces")), 1);
}

void TestAdminApiClient::missingScopeIsForbidden()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("member"));
    const auto users = run<QList<User>>([&](auto done) { return client.listUsers(done); });
    QCOMPARE(users.error.httpStatus, 403);
    QCOMPARE(users.error.code, QStringLiteral("AB03"));
    QVERIFY(users.error.isForbidden());
    QVERIFY(!users.error.message.isEmpty());

    AdminApiClient readonly;
    connectAs(readonly, QStringLiteral("readonly-admin"));
    ApiKeyDraft draft;
    draft.keyType = KeyType::OrganisationService;
    draft.name = QStringLiteral("not allowed");
    draft.scopes = {QStringLiteral("workspaces.list")};
    const auto created = run<IssuedSecret>([&](auto done) { return readonly.createApiKey(draft, done); });
    QCOMPARE(created.error.httpStatus, 403);
    QVERIFY(created.value.secret.isEmpty());
}

void TestAdminApiClient::createShowsSecretOnceThenMasked()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    const auto workspaces = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    EXPECT_OK(workspaces);
    const int before = m_server->organisation().keyCount();

    ApiKeyDraft draft;
    draft.keyType = KeyType::WorkspaceService;
    draft.name = QStringLiteral("Clé de déploiement");
    draft.workspaceId = workspaces.value.first().slug;
    draft.scopes = {QStringLiteral("completions.write")};
    draft.expiresAt = Timestamp::fromUtc(QDateTime::currentDateTimeUtc().addDays(10));
    const auto issued = run<IssuedSecret>([&](auto done) { return client.createApiKey(draft, done); });
    EXPECT_OK(issued);
    QVERIFY(!issued.value.id.isEmpty());
    QVERIFY(issued.value.secret.size() >= 16);
    QCOMPARE(m_server->organisation().keyCount(), before + 1);

    const auto listed =
        run<QList<ApiKey>>([&](auto done) { return client.listApiKeys(workspaces.value.first().id, done); });
    EXPECT_OK(listed);
    const auto it = std::find_if(listed.value.begin(), listed.value.end(),
                                 [&](const ApiKey &k) { return k.id == issued.value.id; });
    QVERIFY(it != listed.value.end());
    QCOMPARE(it->name, draft.name);
    QVERIFY(!it->maskedKey.isEmpty());
    QVERIFY(it->maskedKey.contains(QLatin1Char('*')));
    QVERIFY(it->maskedKey != QString::fromUtf8(issued.value.secret));
    QVERIFY(!QJsonDocument(it->toJson()).toJson().contains(issued.value.secret));
    QCOMPARE(it->expiresAt.utc().date(), draft.expiresAt.utc().date());

    // The new secret authenticates; a rotation keeps the id and issues another secret.
    AdminApiClient asNewKey;
    QVERIFY(!asNewKey.setBaseUrl(m_server->baseUrl()).isError());
    asNewKey.setApiKey(issued.value.secret);
    const auto own = run<QList<ApiKey>>([&](auto done) { return asNewKey.listApiKeys({}, done); });
    QVERIFY(own.error.httpStatus != 401);
    const auto rotated = run<IssuedSecret>(
        [&](auto done) { return client.rotateApiKey(issued.value.id, std::nullopt, done); });
    EXPECT_OK(rotated);
    QCOMPARE(rotated.value.id, issued.value.id);
    QVERIFY(rotated.value.secret != issued.value.secret);
    QVERIFY(rotated.value.transitionExpiresAt.isValid());

    const auto patched = run<bool>([&](auto done) {
        return client.updateApiKey(issued.value.id,
                                   QJsonObject{{QStringLiteral("description"), QStringLiteral("patched")},
                                               {QStringLiteral("expires_at"), QJsonValue::Null}},
                                   done);
    });
    EXPECT_OK(patched);
    const auto read = run<ApiKey>([&](auto done) { return client.getApiKey(issued.value.id, done); });
    EXPECT_OK(read);
    QCOMPARE(read.value.description, QStringLiteral("patched"));
    QVERIFY(read.value.expiresAt.isNone());

    const auto deleted = run<bool>([&](auto done) { return client.deleteApiKey(issued.value.id, done); });
    EXPECT_OK(deleted);
    QVERIFY(deleted.value);
    QCOMPARE(m_server->organisation().keyCount(), before);
    const auto gone = run<ApiKey>([&](auto done) { return client.getApiKey(issued.value.id, done); });
    QVERIFY(gone.error.httpStatus == 404 || gone.error.httpStatus == 403);
    // A revoked key is refused at once.
    const auto revoked = run<QList<ApiKey>>([&](auto done) { return asNewKey.listApiKeys({}, done); });
    QCOMPARE(revoked.error.httpStatus, 401);

    // Refused locally before sending: no such create path.
    draft.keyType = KeyType::Unknown;
    const auto refused = run<IssuedSecret>([&](auto done) { return client.createApiKey(draft, done); });
    QCOMPARE(refused.error.kind, ApiError::Kind::Invalid);
}

void TestAdminApiClient::workspaceSurface()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    const auto users = run<QList<User>>([&](auto done) { return client.listUsers(done); });
    EXPECT_OK(users);

    WorkspaceDraft draft;
    draft.name = QStringLiteral("Éphémère");
    draft.description = QStringLiteral("for the client test");
    draft.metadata = QJsonObject{{QStringLiteral("env"), QStringLiteral("test")}};
    const auto ws = run<Workspace>([&](auto done) { return client.createWorkspace(draft, done); });
    EXPECT_OK(ws);
    QCOMPARE(ws.value.name, draft.name);
    QVERIFY(!ws.value.id.isEmpty());

    EXPECT_OK(run<bool>([&](auto done) {
        return client.updateWorkspace(ws.value.slug.isEmpty() ? ws.value.id : ws.value.slug,
                                      QJsonObject{{QStringLiteral("description"), QStringLiteral("updated")}},
                                      done);
    }));
    const auto read = run<Workspace>([&](auto done) { return client.getWorkspace(ws.value.id, done); });
    EXPECT_OK(read);
    QCOMPARE(read.value.description, QStringLiteral("updated"));

    const QString userId = users.value.last().id;
    EXPECT_OK(run<bool>([&](auto done) {
        return client.addWorkspaceMembers(ws.value.id, {MemberGrant{userId, QStringLiteral("member")}}, done);
    }));
    const auto member =
        run<WorkspaceMember>([&](auto done) { return client.getWorkspaceMember(ws.value.id, userId, done); });
    EXPECT_OK(member);
    QCOMPARE(member.value.id, userId);
    QCOMPARE(member.value.role, QStringLiteral("member"));
    EXPECT_OK(run<bool>([&](auto done) {
        return client.updateWorkspaceMember(ws.value.id, userId, QStringLiteral("manager"), done);
    }));
    MemberFilter managers;
    managers.role = QStringLiteral("manager");
    const auto filtered = run<QList<WorkspaceMember>>(
        [&](auto done) { return client.listWorkspaceMembers(ws.value.id, managers, done); });
    EXPECT_OK(filtered);
    QVERIFY(std::any_of(filtered.value.begin(), filtered.value.end(),
                        [&](const WorkspaceMember &m) { return m.id == userId; }));
    EXPECT_OK(run<bool>([&](auto done) { return client.removeWorkspaceMember(ws.value.id, userId, done); }));

    // A workspace that holds a key: 409 AB07 without force, gone with force.
    ApiKeyDraft key;
    key.keyType = KeyType::WorkspaceService;
    key.name = QStringLiteral("keeps the workspace busy");
    key.workspaceId = ws.value.id;
    key.scopes = {QStringLiteral("completions.write")};
    EXPECT_OK(run<IssuedSecret>([&](auto done) { return client.createApiKey(key, done); }));
    const auto blocked =
        run<bool>([&](auto done) { return client.deleteWorkspace(ws.value.id, ws.value.name, false, done); });
    QCOMPARE(blocked.error.httpStatus, 409);
    QCOMPARE(blocked.error.code, QStringLiteral("AB07"));
    QVERIFY(blocked.error.userText().contains(QStringLiteral("conflicts")));
    EXPECT_OK(
        run<bool>([&](auto done) { return client.deleteWorkspace(ws.value.id, ws.value.name, true, done); }));
    const auto gone = run<Workspace>([&](auto done) { return client.getWorkspace(ws.value.id, done); });
    QVERIFY(gone.error.httpStatus == 404 || gone.error.httpStatus == 403);
}

void TestAdminApiClient::usersInvitesAndAuditLogs()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    const QDateTime start = m_server->now().addSecs(-5);
    const auto workspaces = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    EXPECT_OK(workspaces);
    const auto users = run<QList<User>>([&](auto done) { return client.listUsers(done); });
    EXPECT_OK(users);

    QString memberId;
    for (const User &u : users.value) {
        if (u.role == QLatin1String("member"))
            memberId = u.id;
    }
    QVERIFY(!memberId.isEmpty());
    const auto user = run<User>([&](auto done) { return client.getUser(memberId, done); });
    EXPECT_OK(user);
    QCOMPARE(user.value.id, memberId);
    EXPECT_OK(
        run<bool>([&](auto done) { return client.updateUserRole(memberId, QStringLiteral("admin"), done); }));
    QCOMPARE(run<User>([&](auto done) { return client.getUser(memberId, done); }).value.role,
             QStringLiteral("admin"));
    EXPECT_OK(run<bool>(
        [&](auto done) { return client.updateUserRole(memberId, QStringLiteral("member"), done); }));
    const auto owner =
        run<bool>([&](auto done) { return client.updateUserRole(memberId, QStringLiteral("owner"), done); });
    QCOMPARE(owner.error.kind, ApiError::Kind::Invalid);

    InviteDraft invite;
    invite.email = QStringLiteral("new.colleague@example.com");
    invite.role = QStringLiteral("member");
    invite.workspaces = {InviteWorkspace{workspaces.value.first().slug, QStringLiteral("member")}};
    invite.workspaceApiKeyScopes = {QStringLiteral("completions.write")};
    const auto link = run<InviteLink>([&](auto done) { return client.createInvite(invite, done); });
    EXPECT_OK(link);
    QVERIFY(!link.value.id.isEmpty());
    const auto invites = run<QList<Invite>>([&](auto done) { return client.listInvites(done); });
    EXPECT_OK(invites);
    QVERIFY(std::any_of(invites.value.begin(), invites.value.end(),
                        [&](const Invite &i) { return i.id == link.value.id && i.email == invite.email; }));
    const auto got = run<Invite>([&](auto done) { return client.getInvite(link.value.id, done); });
    EXPECT_OK(got);
    QCOMPARE(got.value.email, invite.email);
    EXPECT_OK(run<InviteLink>([&](auto done) { return client.resendInvite(link.value.id, done); }));
    EXPECT_OK(run<bool>([&](auto done) { return client.deleteInvite(link.value.id, done); }));

    EXPECT_OK(run<bool>([&](auto done) { return client.removeUser(memberId, done); }));
    const auto removed = run<User>([&](auto done) { return client.getUser(memberId, done); });
    QVERIFY(removed.error.httpStatus == 404 || removed.error.httpStatus == 403);

    AuditLogQuery query;
    query.startUtc = start;
    query.endUtc = m_server->now().addSecs(5);
    query.organisationId = m_server->organisation().id();
    const auto audit =
        run<QList<AuditLogRecord>>([&](auto done) { return client.listAuditLogs(query, done); });
    EXPECT_OK(audit);
    QVERIFY2(audit.value.size() >= 4, qPrintable(QString::number(audit.value.size())));
    for (const AuditLogRecord &r : audit.value) {
        QVERIFY(r.timestamp.isValid());
        QVERIFY(!r.method.isEmpty());
    }
    query.method = QStringLiteral("DELETE");
    const auto deletes =
        run<QList<AuditLogRecord>>([&](auto done) { return client.listAuditLogs(query, done); });
    EXPECT_OK(deletes);
    QVERIFY(!deletes.value.isEmpty());
    for (const AuditLogRecord &r : deletes.value)
        QCOMPARE(r.method, QStringLiteral("DELETE"));

    AuditLogQuery incomplete;
    const auto refused =
        run<QList<AuditLogRecord>>([&](auto done) { return client.listAuditLogs(incomplete, done); });
    QCOMPARE(refused.error.kind, ApiError::Kind::Invalid);
}

void TestAdminApiClient::tooManyRequestsHonoursRetryAfterSeconds()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    Fault f;
    f.method = QStringLiteral("GET");
    f.pathPattern = QStringLiteral("/v1/admin/workspaces");
    f.status = 429;
    f.code = QStringLiteral("AB06");
    f.retryAfter = QStringLiteral("1");
    m_server->injectFault(f);
    QElapsedTimer clock;
    clock.start();
    const auto r = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    EXPECT_OK(r);
    QVERIFY2(clock.elapsed() >= 950, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/admin/workspaces")), 2);
}

void TestAdminApiClient::tooManyRequestsHonoursRetryAfterDate()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    Fault f;
    f.method = QStringLiteral("GET");
    f.pathPattern = QStringLiteral("/v1/admin/users");
    f.status = 429;
    f.code = QStringLiteral("AB06");
    f.retryAfter = httpDate(QDateTime::currentDateTimeUtc().addSecs(2));
    m_server->injectFault(f);
    QElapsedTimer clock;
    clock.start();
    const auto r = run<QList<User>>([&](auto done) { return client.listUsers(done); });
    EXPECT_OK(r);
    QVERIFY2(clock.elapsed() >= 900, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/admin/users")), 2);
}

void TestAdminApiClient::hugeRetryAfterIsReportedNotSlept()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    Fault f;
    f.method = QStringLiteral("GET");
    f.pathPattern = QStringLiteral("/v1/api-keys");
    f.status = 429;
    f.code = QStringLiteral("AB06");
    f.retryAfter = QStringLiteral("3600");
    f.times = 0;
    m_server->injectFault(f);
    QElapsedTimer clock;
    clock.start();
    const auto r = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    QVERIFY(clock.elapsed() < 5000);
    QCOMPARE(r.error.httpStatus, 429);
    QCOMPARE(r.error.code, QStringLiteral("AB06"));
    QCOMPARE(r.error.retryAfterS, 3600);
    QVERIFY2(r.error.userText().contains(QStringLiteral("60 minutes")), qPrintable(r.error.userText()));
    QCOMPARE(countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/api-keys")), 1);

    // Without Retry-After, a persistent 429 ends after maxGetAttempts with backoff in between.
    m_server->clearFaults();
    m_server->clearRecordedRequests();
    f.retryAfter.clear();
    m_server->injectFault(f);
    const auto exhausted = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    QCOMPARE(exhausted.error.httpStatus, 429);
    QCOMPARE(countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/api-keys")),
             client.options().maxGetAttempts);
}

void TestAdminApiClient::serverErrorOnGetIsRetried()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    const auto keys = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(keys);
    m_server->clearRecordedRequests();

    Fault f;
    f.method = QStringLiteral("GET");
    f.pathPattern = QStringLiteral("/v1/api-keys");
    f.status = 500;
    f.code = QStringLiteral("AB04");
    f.times = 2;
    m_server->injectFault(f);
    const auto r = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(r);
    QCOMPARE(r.value.size(), keys.value.size());
    const int pages = int((keys.value.size() + 99) / 100);
    QCOMPARE(countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/api-keys")), pages + 2);
}

void TestAdminApiClient::writesAreNotRetried()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    const auto keys = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(keys);
    const QString id = keys.value.last().id;
    const QString path = QString(QStringLiteral("/v1/api-keys/") + id);
    m_server->clearRecordedRequests();

    Fault f;
    f.pathPattern = path;
    f.status = 503;
    f.code = QStringLiteral("AB04");
    f.times = 0;
    f.method = QStringLiteral("PUT");
    m_server->injectFault(f);
    f.method = QStringLiteral("DELETE");
    m_server->injectFault(f);
    const auto put = run<bool>([&](auto done) {
        return client.updateApiKey(id, QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}, done);
    });
    QCOMPARE(put.error.httpStatus, 503);
    QVERIFY(!put.value);
    const auto del = run<bool>([&](auto done) { return client.deleteApiKey(id, done); });
    QCOMPARE(del.error.httpStatus, 503);
    QCOMPARE(countRequests(*m_server, QStringLiteral("PUT"), path), 1);
    QCOMPARE(countRequests(*m_server, QStringLiteral("DELETE"), path), 1);
    QVERIFY(m_server->organisation().key(id) && !m_server->organisation().key(id)->deleted);

    // A POST answered 500 is reported as it is, never sent twice.
    Fault post;
    post.method = QStringLiteral("POST");
    post.pathPattern = QStringLiteral("/v1/admin/workspaces");
    post.status = 500;
    post.code = QStringLiteral("AB04");
    m_server->injectFault(post);
    WorkspaceDraft draft;
    draft.name = QStringLiteral("never twice");
    const auto created = run<Workspace>([&](auto done) { return client.createWorkspace(draft, done); });
    QCOMPARE(created.error.httpStatus, 500);
    QCOMPARE(countRequests(*m_server, QStringLiteral("POST"), QStringLiteral("/v1/admin/workspaces")), 1);
}

void TestAdminApiClient::lostCreateReplyIsOutcomeUnknown()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    const auto before = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(before);

    Fault f;
    f.method = QStringLiteral("POST");
    f.pathPattern = QStringLiteral("/v1/api-keys/organisation/service");
    f.resetAfterApply = true;
    m_server->injectFault(f);
    ApiKeyDraft draft;
    draft.keyType = KeyType::OrganisationService;
    draft.name = QStringLiteral("lost reply");
    draft.scopes = {QStringLiteral("workspaces.list")};
    const auto r = run<IssuedSecret>([&](auto done) { return client.createApiKey(draft, done); });
    QCOMPARE(r.error.kind, ApiError::Kind::OutcomeUnknown);
    QVERIFY(r.value.secret.isEmpty());
    QVERIFY(r.error.userText().contains(QStringLiteral("Refresh")));
    QCOMPARE(countRequests(*m_server, QStringLiteral("POST"), f.pathPattern), 1);

    // Re-listing shows the outcome: exactly one key was created.
    const auto after = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(after);
    QCOMPARE(after.value.size(), before.value.size() + 1);
    QCOMPARE(std::count_if(after.value.begin(), after.value.end(),
                           [](const ApiKey &k) { return k.name == QLatin1String("lost reply"); }),
             1);
}

void TestAdminApiClient::malformedAndTruncatedJsonAreParseErrors()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    const auto keys = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(keys);
    m_server->clearRecordedRequests();

    Fault malformed;
    malformed.method = QStringLiteral("GET");
    malformed.pathPattern = QStringLiteral("/v1/admin/workspaces");
    malformed.malformedJson = true;
    m_server->injectFault(malformed);
    const auto r = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    QCOMPARE(r.error.kind, ApiError::Kind::Parse);
    QVERIFY(!r.error.message.isEmpty());
    QVERIFY(r.value.isEmpty());
    QCOMPARE(countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/admin/workspaces")), 1);

    Fault truncated;
    truncated.method = QStringLiteral("GET");
    truncated.pathPattern = QString(QStringLiteral("/v1/api-keys/") + keys.value.first().id);
    truncated.truncatedJson = true;
    m_server->injectFault(truncated);
    const auto one = run<ApiKey>([&](auto done) { return client.getApiKey(keys.value.first().id, done); });
    QCOMPARE(one.error.kind, ApiError::Kind::Parse);
    QVERIFY2(one.error.message.contains(QStringLiteral("cut off")), qPrintable(one.error.message));

    Fault truncatedPage;
    truncatedPage.method = QStringLiteral("GET");
    truncatedPage.pathPattern = QStringLiteral("/v1/api-keys");
    truncatedPage.truncatedJson = true;
    m_server->injectFault(truncatedPage);
    const auto page = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    QCOMPARE(page.error.kind, ApiError::Kind::Parse);
}

void TestAdminApiClient::unknownFieldsAreKept()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    Fault f;
    f.method = QStringLiteral("GET");
    f.pathPattern = QStringLiteral("/v1/admin/workspaces");
    f.extraUnknownField = true;
    m_server->injectFault(f);
    const auto r = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    EXPECT_OK(r);
    QVERIFY(!r.value.isEmpty());
    QVERIFY(r.value.first().extra.contains(QStringLiteral("x_sandbox_unknown")));
}

void TestAdminApiClient::slowServerTimesOut()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    AdminApiClient::Options o = client.options();
    o.timeoutMs = 300;
    o.maxGetAttempts = 1;
    client.setOptions(o);
    Fault f;
    f.method = QStringLiteral("GET");
    f.pathPattern = QStringLiteral("/v1/admin/workspaces");
    f.delayMs = 1500;
    m_server->injectFault(f);
    QElapsedTimer clock;
    clock.start();
    const auto r = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    QCOMPARE(r.error.kind, ApiError::Kind::Timeout);
    QVERIFY(clock.elapsed() < 1400);
    QVERIFY(!r.error.userText().isEmpty());

    // With retries allowed, a single slow answer is retried and the list arrives.
    o.maxGetAttempts = 3;
    client.setOptions(o);
    m_server->injectFault(f);
    const auto retried = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    EXPECT_OK(retried);

    // A slow reply to a POST: the create may have happened, so the outcome is unknown.
    Fault slowPost;
    slowPost.method = QStringLiteral("POST");
    slowPost.pathPattern = QStringLiteral("/v1/admin/workspaces");
    slowPost.delayMs = 1500;
    m_server->injectFault(slowPost);
    WorkspaceDraft draft;
    draft.name = QStringLiteral("slow create");
    const auto created = run<Workspace>([&](auto done) { return client.createWorkspace(draft, done); });
    QCOMPARE(created.error.kind, ApiError::Kind::OutcomeUnknown);
}

void TestAdminApiClient::cancelAllEndsEveryCallOnce()
{
    AdminApiClient client;
    connectAs(client, QStringLiteral("owner"));
    Fault f;
    f.method = QStringLiteral("GET");
    f.pathPattern = QStringLiteral("/v1/admin/users");
    f.delayMs = 1000;
    f.times = 0;
    m_server->injectFault(f);

    int usersCalls = 0;
    int retryCalls = 0;
    ApiResult<QList<User>> users;
    ApiResult<QList<Workspace>> workspaces;
    QPointer<ApiCall> first = client.listUsers([&](const ApiResult<QList<User>> &r) {
        users = r;
        ++usersCalls;
    });
    // A call waiting for its retry is cancelled too.
    Fault busy;
    busy.method = QStringLiteral("GET");
    busy.pathPattern = QStringLiteral("/v1/admin/workspaces");
    busy.status = 429;
    busy.retryAfter = QStringLiteral("30");
    m_server->injectFault(busy);
    QPointer<ApiCall> second = client.listWorkspaces([&](const ApiResult<QList<Workspace>> &r) {
        workspaces = r;
        ++retryCalls;
    });
    QTRY_COMPARE(countRequests(*m_server, QStringLiteral("GET"), QStringLiteral("/v1/admin/workspaces")), 1);
    QTest::qWait(100);
    QCOMPARE(client.pendingCount(), 2);
    QVERIFY(!first->isFinished());

    client.cancelAll();
    QCOMPARE(usersCalls, 1);
    QCOMPARE(retryCalls, 1);
    QCOMPARE(users.error.kind, ApiError::Kind::Cancelled);
    QCOMPARE(workspaces.error.kind, ApiError::Kind::Cancelled);
    QCOMPARE(client.pendingCount(), 0);
    QTRY_VERIFY(first.isNull() && second.isNull());
    QTest::qWait(1200);
    QCOMPARE(usersCalls, 1);
    QCOMPARE(retryCalls, 1);

    // Cancelling a finished call does nothing; a single call can be cancelled on its own.
    int calls = 0;
    QPointer<ApiCall> lone = client.getWorkspace(QStringLiteral("no-such-workspace"),
                                                 [&](const ApiResult<Workspace> &) { ++calls; });
    lone->cancel();
    lone->cancel();
    QCOMPARE(calls, 1);
}

void TestAdminApiClient::crossOriginRedirectNeverCarriesTheKey()
{
    // Origin B: records whether anything (and which key header) ever reaches it.
    QHttpServer other;
    int otherHits = 0;
    QByteArray keySeenByOther;
    other.route(QStringLiteral("/v1/api-keys"), [&](const QHttpServerRequest &req) {
        ++otherHits;
        keySeenByOther = req.value(QByteArrayLiteral("x-portkey-api-key"));
        return QHttpServerResponse(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                               {QStringLiteral("total"), 0},
                                               {QStringLiteral("data"), QJsonArray()}});
    });
    const quint16 otherPort = other.listen(QHostAddress::LocalHost, 0);
    QVERIFY(otherPort != 0);

    // Origin A: a cross-origin redirect under /cross, a same-origin one under /same.
    QHttpServer origin;
    QByteArray keySeenAfterSameOriginRedirect;
    origin.route(QStringLiteral("/cross/api-keys"), [&](const QHttpServerRequest &) {
        QHttpServerResponse r(QHttpServerResponse::StatusCode::Found);
        r.setHeader(QByteArrayLiteral("Location"),
                    QStringLiteral("http://127.0.0.1:%1/v1/api-keys?current_page=0&page_size=100")
                        .arg(otherPort)
                        .toLatin1());
        return r;
    });
    origin.route(QStringLiteral("/same/api-keys"), [&](const QHttpServerRequest &) {
        QHttpServerResponse r(QHttpServerResponse::StatusCode::Found);
        r.setHeader(QByteArrayLiteral("Location"), QByteArrayLiteral("/moved/api-keys?current_page=0"));
        return r;
    });
    origin.route(QStringLiteral("/moved/api-keys"), [&](const QHttpServerRequest &req) {
        keySeenAfterSameOriginRedirect = req.value(QByteArrayLiteral("x-portkey-api-key"));
        return QHttpServerResponse(QJsonObject{
            {QStringLiteral("object"), QStringLiteral("list")},
            {QStringLiteral("total"), 1},
            {QStringLiteral("data"), QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("k1")}}}}});
    });
    const quint16 originPort = origin.listen(QHostAddress::LocalHost, 0);
    QVERIFY(originPort != 0);

    const QByteArray key("pk-redirect-test-secret-ABCDEFGH1234");
    AdminApiClient client;
    client.setApiKey(key);
    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/cross").arg(originPort))).isError());
    const auto refused = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    QCOMPARE(refused.error.kind, ApiError::Kind::Network);
    QVERIFY2(refused.error.message.contains(QStringLiteral("redirect")), qPrintable(refused.error.message));
    QCOMPARE(otherHits, 0);
    QVERIFY(keySeenByOther.isEmpty());

    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/same").arg(originPort))).isError());
    const auto followed = run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    EXPECT_OK(followed);
    QCOMPARE(followed.value.size(), 1);
    QCOMPARE(keySeenAfterSameOriginRedirect, key);
    QCOMPARE(otherHits, 0);
}

void TestAdminApiClient::droppedConnectionNeverResendsAPost()
{
    // A server that drops every connection as soon as a request's headers arrived, while the client is
    // still writing a large body. Qt's HTTP layer re-sends such requests on a new connection by itself;
    // for a POST the client must not let it, and must report the outcome as unknown.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    int requests = 0;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [&requests, socket] {
                if (socket->property("seen").toBool())
                    return;
                const QByteArray head = socket->peek(64 * 1024);
                if (!head.contains("\r\n\r\n"))
                    return;
                socket->setProperty("seen", true);
                ++requests;
                socket->abort();
                socket->deleteLater();
            });
        }
    });

    AdminApiClient client;
    client.setApiKey(QByteArrayLiteral("pk-dropped-connection-test-key"));
    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(server.serverPort())))
                 .isError());
    WorkspaceDraft draft;
    draft.name = QStringLiteral("large");
    draft.description = QString(4 * 1024 * 1024, QLatin1Char('x'));
    const auto r = run<Workspace>([&](auto done) { return client.createWorkspace(draft, done); });
    QCOMPARE(r.error.kind, ApiError::Kind::OutcomeUnknown);
    QTest::qWait(300);
    QCOMPARE(requests, 1);
}

void TestAdminApiClient::serverIgnoringPagingDoesNotLoop()
{
    // Always the same full page, whatever `current_page` says, and a `total` that is never reached.
    QHttpServer server;
    int requests = 0;
    server.route(QStringLiteral("/v1/admin/workspaces"), [&](const QHttpServerRequest &) {
        ++requests;
        QJsonArray data;
        for (int i = 0; i < 100; ++i)
            data.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("ws-%1").arg(i)},
                                    {QStringLiteral("name"), QStringLiteral("W%1").arg(i)}});
        return QHttpServerResponse(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                               {QStringLiteral("total"), 1000},
                                               {QStringLiteral("data"), data}});
    });
    const quint16 port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);

    AdminApiClient client;
    client.setApiKey(QByteArrayLiteral("pk-paging-test-key-0000"));
    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port))).isError());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("repeated ids already seen")));
    const auto r = run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
    EXPECT_OK(r);
    QCOMPARE(r.value.size(), 100);
    QCOMPARE(requests, 2);
}

void TestAdminApiClient::refusedConnection()
{
    // A port nobody listens on: reads are retried with backoff, then reported; a write that could not
    // even connect was certainly not applied, so it is a plain network error, not an unknown outcome.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    AdminApiClient client;
    client.setApiKey(QByteArrayLiteral("pk-refused-connection-key"));
    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port))).isError());
    AdminApiClient::Options o;
    o.baseBackoffMs = 100;
    o.maxGetAttempts = 3;
    client.setOptions(o);
    QElapsedTimer clock;
    clock.start();
    const auto read = run<QList<User>>([&](auto done) { return client.listUsers(done); });
    QCOMPARE(read.error.kind, ApiError::Kind::Network);
    QVERIFY2(clock.elapsed() >= 200, qPrintable(QString::number(clock.elapsed()))); // 75–125 + 150–250 ms
    QVERIFY(read.error.userText().contains(QStringLiteral("Could not reach")));

    WorkspaceDraft draft;
    draft.name = QStringLiteral("unreachable");
    const auto write = run<Workspace>([&](auto done) { return client.createWorkspace(draft, done); });
    QCOMPARE(write.error.kind, ApiError::Kind::Network);
}

void TestAdminApiClient::keyNeverAppearsInLogs()
{
    const auto owner = m_server->persona(QStringLiteral("owner"));
    QVERIFY(owner);
    const QByteArray badKey("pk-bad-key-that-must-not-be-logged-7Q7Q");
    {
        QMutexLocker lock(&g_logMutex);
        g_log.clear();
    }
    // Everything at every verbosity, except the in-process sandbox's HTTP server, whose Qt debug output
    // dumps request headers: that is the server's side of the wire, not the client's.
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=true\nqt.httpserver*=false"));
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);

    IssuedSecret issued;
    {
        AdminApiClient client;
        connectAs(client, QStringLiteral("owner"));
        run<QList<Workspace>>([&](auto done) { return client.listWorkspaces(done); });
        Fault f;
        f.method = QStringLiteral("GET");
        f.pathPattern = QStringLiteral("/v1/admin/users");
        f.status = 500;
        m_server->injectFault(f);
        run<QList<User>>([&](auto done) { return client.listUsers(done); });
        ApiKeyDraft draft;
        draft.keyType = KeyType::OrganisationService;
        draft.name = QStringLiteral("log hygiene");
        draft.scopes = {QStringLiteral("workspaces.list")};
        issued = run<IssuedSecret>([&](auto done) { return client.createApiKey(draft, done); }).value;
        run<bool>([&](auto done) { return client.deleteApiKey(issued.id, done); });

        client.setApiKey(badKey);
        run<QList<ApiKey>>([&](auto done) { return client.listApiKeys({}, done); });
    }

    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    QMutexLocker lock(&g_logMutex);
    const QString all = g_log.join(QLatin1Char('\n'));
    QVERIFY2(all.contains(QStringLiteral("pk.portkey")), "the client logged nothing");
    QVERIFY(all.contains(QStringLiteral("/v1/admin/workspaces")));
    QVERIFY(!issued.secret.isEmpty());
    for (const QByteArray &secret : {owner->apiKey.toUtf8(), badKey, issued.secret}) {
        // On failure, name the category of the offending line, never the line itself.
        QStringList leaking;
        for (const QString &line : std::as_const(g_log)) {
            if (line.contains(QString::fromUtf8(secret)))
                leaking.append(line.section(QLatin1Char(' '), 0, 0));
        }
        QVERIFY2(leaking.isEmpty(),
                 qPrintable(QString(QStringLiteral("a secret reached the log in category ") +
                                    leaking.join(QLatin1Char(',')))));
    }
    // At most the last four characters identify a key.
    QVERIFY(!all.contains(QString::fromLatin1(badKey.left(12))));
}

QTEST_GUILESS_MAIN(TestAdminApiClient)
#include "tst_adminapiclient.moc"
