// Drives every Admin API call of the client, and so every route of the sandbox, through Prism in proxy
// mode. Prism validates each request against openapi.yaml before forwarding it and each response
// after; the test fails on any violation that spec-gaps.txt does not explain.
#include "portkey/adminapiclient.h"
#include "sandbox/sandboxserver.h"
#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <algorithm>
#include <optional>

using namespace pk;

namespace {

struct SpecGap
{
    QRegularExpression pattern;
    QString reason;
};

QList<SpecGap> loadSpecGaps()
{
    QList<SpecGap> gaps;
    QFile file(QStringLiteral(PK_SPEC_GAPS));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        qFatal("cannot read %s", PK_SPEC_GAPS);
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList parts = line.split(QLatin1Char('\t'));
        gaps.append({QRegularExpression(parts.value(0)), parts.value(1)});
    }
    return gaps;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

/// Runs one client call and waits (≤ 30 s) for its callback.
template <typename T, typename Start> ApiResult<T> run(Start start)
{
    std::optional<ApiResult<T>> out;
    start([&out](const ApiResult<T> &r) { out = r; });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, 30000)) {
        ApiResult<T> timedOut;
        timedOut.error.kind = ApiError::Kind::Timeout;
        timedOut.error.message = QStringLiteral("no answer within 30 s");
        return timedOut;
    }
    return *out;
}

} // namespace

class TestSpecConformance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyCallConformsToTheSpec();

private:
    void expectOk(const ApiError &error, const char *what);

    sandbox::SandboxServer m_sandbox{sandbox::SeedOptions{}};
    QProcess m_prism;
    QByteArray m_prismLog;
    QUrl m_proxyUrl;
};

void TestSpecConformance::initTestCase()
{
    QVERIFY2(
        QFile::exists(QStringLiteral(PK_PRISM)),
        "Prism is not installed: run `packaging/dev.sh test`, which installs tests/conformance's npm tools");
    const QString spec = pktest::sharedDir() + QStringLiteral("/portkey/openapi.yaml");
    QVERIFY2(QFile::exists(spec), qPrintable(spec));
    QVERIFY(m_sandbox.listen());

    const quint16 port = freePort();
    m_prism.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_prism, &QProcess::readyRead, this, [this] { m_prismLog += m_prism.readAll(); });
    m_prism.start(QStringLiteral(PK_PRISM),
                  {QStringLiteral("proxy"), spec, m_sandbox.baseUrl().toString(), QStringLiteral("--host"),
                   QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QString::number(port)});
    QVERIFY2(m_prism.waitForStarted(10000), qPrintable(m_prism.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_prismLog.contains("Prism is listening"), 90000);
    m_proxyUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    m_prismLog.clear();
}

void TestSpecConformance::cleanupTestCase()
{
    m_prism.terminate();
    if (!m_prism.waitForFinished(5000))
        m_prism.kill();
}

void TestSpecConformance::expectOk(const ApiError &error, const char *what)
{
    QVERIFY2(!error.isError(),
             qPrintable(QString::fromLatin1(what) + QStringLiteral(": ") + error.userText()));
}

void TestSpecConformance::everyCallConformsToTheSpec()
{
    const auto owner = m_sandbox.persona(QStringLiteral("owner"));
    QVERIFY(owner);
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(m_proxyUrl).isError());
    client.setApiKey(owner->apiKey.toUtf8());

    // Reads of everything the app shows.
    const auto workspaces = run<QList<Workspace>>([&](auto done) { client.listWorkspaces(done); });
    expectOk(workspaces.error, "list workspaces");
    QVERIFY(workspaces.value.size() >= 3);
    const Workspace production = workspaces.value.first();
    expectOk(run<Workspace>([&](auto done) { client.getWorkspace(production.id, done); }).error,
             "get workspace");
    const auto members =
        run<QList<WorkspaceMember>>([&](auto done) { client.listWorkspaceMembers(production.id, done); });
    expectOk(members.error, "list members");
    QVERIFY(!members.value.isEmpty());
    expectOk(run<WorkspaceMember>([&](auto done) {
                 client.getWorkspaceMember(production.id, members.value.first().id, done);
             }).error,
             "get member");
    const auto users = run<QList<User>>([&](auto done) { client.listUsers(done); });
    expectOk(users.error, "list users");
    expectOk(run<User>([&](auto done) { client.getUser(users.value.first().id, done); }).error, "get user");
    const auto keys = run<QList<ApiKey>>([&](auto done) { client.listApiKeys(QString(), done); });
    expectOk(keys.error, "list keys");
    QVERIFY(keys.value.size() >= 40);
    expectOk(run<QList<ApiKey>>([&](auto done) { client.listApiKeys(production.slug, done); }).error,
             "list keys of a workspace");
    expectOk(run<ApiKey>([&](auto done) { client.getApiKey(keys.value.first().id, done); }).error, "get key");
    expectOk(run<QList<Invite>>([&](auto done) { client.listInvites(done); }).error, "list invites");

    // The key lifecycle, for each valid type.
    QString memberUserId;
    for (const WorkspaceMember &m : members.value) {
        if (m.role == QLatin1String("member"))
            memberUserId = m.id;
    }
    QVERIFY(!memberUserId.isEmpty());
    QStringList created;
    for (KeyType type : {KeyType::OrganisationService, KeyType::WorkspaceService, KeyType::WorkspaceUser}) {
        ApiKeyDraft draft;
        draft.keyType = type;
        draft.name = QStringLiteral("conformance %1").arg(keyTypeToWire(type));
        draft.description = QStringLiteral("created by the conformance test");
        draft.workspaceId = production.id;
        draft.userId = memberUserId;
        draft.scopes = type == KeyType::OrganisationService
                           ? QStringList{QStringLiteral("workspaces.list")}
                           : QStringList{QStringLiteral("completions.write")};
        draft.rateLimits = {RateLimit{QStringLiteral("requests"), QStringLiteral("rpm"), 60, {}}};
        UsageLimits usage;
        usage.creditLimit = 50;
        usage.alertThreshold = 40;
        usage.type = QStringLiteral("cost");
        usage.periodicReset = QStringLiteral("monthly");
        draft.usageLimits = usage;
        draft.expiresAt = Timestamp::fromUtc(QDateTime::currentDateTimeUtc().addDays(30));
        RotationPolicy rotation;
        rotation.rotationPeriod = QStringLiteral("monthly");
        rotation.keyTransitionPeriodMs = kMinTransitionPeriodMs;
        draft.rotationPolicy = rotation;
        draft.alertEmails = {QStringLiteral("ops@example.com")};
        draft.defaultsMetadata = QJsonObject{{QStringLiteral("team"), QStringLiteral("platform")}};
        const auto issued = run<IssuedSecret>([&](auto done) { client.createApiKey(draft, done); });
        expectOk(issued.error, "create key");
        QVERIFY(!issued.value.secret.isEmpty());
        created.append(issued.value.id);
    }
    const QString id = created.at(1);
    expectOk(run<bool>([&](auto done) {
                 client.updateApiKey(id,
                                     QJsonObject{{QStringLiteral("name"), QStringLiteral("renamed")},
                                                 {QStringLiteral("expires_at"), QJsonValue::Null},
                                                 {QStringLiteral("reset_usage"), true}},
                                     done);
             }).error,
             "update key");
    expectOk(run<IssuedSecret>([&](auto done) {
                 client.rotateApiKey(id, 2 * kMinTransitionPeriodMs, done);
             }).error,
             "rotate key");
    expectOk(
        run<IssuedSecret>([&](auto done) { client.rotateApiKey(created.at(2), std::nullopt, done); }).error,
        "rotate key with the default transition");
    for (const QString &k : created)
        expectOk(run<bool>([&](auto done) { client.deleteApiKey(k, done); }).error, "delete key");

    // Workspaces and members.
    WorkspaceDraft wsDraft;
    wsDraft.name = QStringLiteral("Conformité");
    wsDraft.description = QStringLiteral("temporary");
    wsDraft.metadata = QJsonObject{{QStringLiteral("env"), QStringLiteral("test")}};
    const auto ws = run<Workspace>([&](auto done) { client.createWorkspace(wsDraft, done); });
    expectOk(ws.error, "create workspace");
    expectOk(run<bool>([&](auto done) {
                 client.updateWorkspace(
                     ws.value.id, QJsonObject{{QStringLiteral("description"), QStringLiteral("updated")}},
                     done);
             }).error,
             "update workspace");
    const QString newcomer = users.value.last().id;
    expectOk(
        run<bool>([&](auto done) {
            client.addWorkspaceMembers(ws.value.id, {MemberGrant{newcomer, QStringLiteral("member")}}, done);
        }).error,
        "add member");
    expectOk(run<bool>([&](auto done) {
                 client.updateWorkspaceMember(ws.value.id, newcomer, QStringLiteral("manager"), done);
             }).error,
             "update member role");
    expectOk(run<bool>([&](auto done) { client.removeWorkspaceMember(ws.value.id, newcomer, done); }).error,
             "remove member");
    expectOk(
        run<bool>([&](auto done) { client.deleteWorkspace(ws.value.id, ws.value.name, true, done); }).error,
        "delete workspace");

    // Users and invites.
    InviteDraft invite;
    invite.email = QStringLiteral("nouvelle.recrue@example.com");
    invite.role = QStringLiteral("member");
    invite.workspaces = {InviteWorkspace{production.slug, QStringLiteral("member")}};
    invite.workspaceApiKeyScopes = {QStringLiteral("completions.write")};
    const auto link = run<InviteLink>([&](auto done) { client.createInvite(invite, done); });
    expectOk(link.error, "create invite");
    expectOk(run<Invite>([&](auto done) { client.getInvite(link.value.id, done); }).error, "get invite");
    expectOk(run<InviteLink>([&](auto done) { client.resendInvite(link.value.id, done); }).error,
             "resend invite");
    expectOk(run<bool>([&](auto done) { client.deleteInvite(link.value.id, done); }).error, "delete invite");
    QString plainMember;
    for (const User &u : users.value) {
        if (u.role == QLatin1String("member"))
            plainMember = u.id;
    }
    QVERIFY(!plainMember.isEmpty());
    expectOk(run<bool>([&](auto done) {
                 client.updateUserRole(plainMember, QStringLiteral("admin"), done);
             }).error,
             "update user role");
    expectOk(run<bool>([&](auto done) { client.removeUser(plainMember, done); }).error, "remove user");

    // Audit log of everything above.
    AuditLogQuery query;
    query.startUtc = QDateTime::currentDateTimeUtc().addDays(-1);
    query.endUtc = QDateTime::currentDateTimeUtc().addDays(1);
    query.organisationId = keys.value.first().organisationId;
    const auto audit = run<QList<AuditLogRecord>>([&](auto done) { client.listAuditLogs(query, done); });
    expectOk(audit.error, "list audit logs");
    QVERIFY(audit.value.size() >= 10);

    // Refusals travel through the proxy as well: 401 and 403 must be spec-valid or known gaps.
    AdminApiClient stranger;
    QVERIFY(!stranger.setBaseUrl(m_proxyUrl).isError());
    stranger.setApiKey(QByteArrayLiteral("pk-not-a-real-key"));
    QCOMPARE(run<QList<ApiKey>>([&](auto done) { stranger.listApiKeys(QString(), done); }).error.httpStatus,
             401);

    // Let Prism flush its last log lines, then judge every violation it reported.
    QTest::qWait(1000);
    const QList<SpecGap> gaps = loadSpecGaps();
    QStringList unexplained;
    int violations = 0;
    // Prism logs "[HTTP SERVER] <method> <path> ... Request received" before the violations of that
    // exchange; each violation is judged as "<METHOD> <path> | <violation>".
    static const QRegularExpression received(QStringLiteral("\\[HTTP SERVER\\] (\\w+) (\\S+)"));
    QString exchange;
    for (const QByteArray &raw : m_prismLog.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        const QRegularExpressionMatch request = received.match(line);
        if (request.hasMatch()) {
            exchange = request.captured(1).toUpper() + QLatin1Char(' ') +
                       request.captured(2).section(QLatin1Char('?'), 0, 0);
            continue;
        }
        const int at = line.indexOf(QLatin1String("Violation: "));
        if (at < 0)
            continue;
        ++violations;
        const QString violation = exchange + QStringLiteral(" | ") + line.mid(at + 11).trimmed();
        const auto gap = std::find_if(gaps.begin(), gaps.end(), [&](const SpecGap &g) {
            return g.pattern.match(violation).hasMatch();
        });
        if (gap != gaps.end())
            qInfo("known spec gap: %s (%s)", qPrintable(violation), qPrintable(gap->reason));
        else
            unexplained.append(violation);
    }
    qInfo("Prism reported %d violation(s), %lld not in spec-gaps.txt", violations,
          static_cast<long long>(unexplained.size()));
    QVERIFY2(m_prismLog.contains("Forwarding"), "no request went through Prism");
    QVERIFY2(unexplained.isEmpty(), qPrintable(unexplained.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestSpecConformance)
#include "test_spec_conformance.moc"
