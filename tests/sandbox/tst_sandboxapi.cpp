// The sandbox's Admin API over real HTTP: authentication and authorisation (ROLES.md), paging, API key
// create/get/update/delete/rotate, expiry, validation, workspaces, members, users, invites, audit logs, and
// fault injection.

#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"
#include "sandboxhttp.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pk::sandbox;
using sandboxtest::Http;
using sandboxtest::query;
using sandboxtest::Response;

namespace {

const QDateTime kNow(QDate(2026, 3, 2), QTime(9, 30), Qt::UTC);

QString iso(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

class TestSandboxApi : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void unknownOrMissingKeyIs401();
    void missingScopeOrWorkspaceIs403();
    void pagingOverMoreThan100Keys();
    void workspaceFilterAcceptsIdOrSlug();
    void createGetDeleteServiceKey();
    void createValidationNamesTheField_data();
    void createValidationNamesTheField();
    void userKeyNeedsWorkspaceMember();
    void updateKeyClearsAndResetsUsage();
    void rotationTransition();
    void expiredKeyReportsExpiredAndIs401();
    void workspaceLifecycle();
    void membersLifecycle();
    void usersAndCamelCasePaging();
    void invitesLifecycle();
    void auditLogRecordsWrites();
    void faultStatusAndRetryAfter();
    void faultDelay();
    void faultResetAfterApply();
    void faultMalformedTruncatedAndExtraField();
    void recordsRequestsWithoutTheKey();
    void badRequestBodiesAndRoutes();

private:
    QString key(const QString &persona) const { return m_server->persona(persona)->apiKey; }
    QString workspace(const QString &persona) const { return m_server->persona(persona)->workspace; }
    QString slugOf(const QString &workspaceId)
    {
        return m_http->get(u"/admin/workspaces/"_s + workspaceId, key(u"owner"_s))
            .json.value(u"slug"_s)
            .toString();
    }
    Response createServiceKey(const QString &as, const QString &ws, const QStringList &scopes,
                              QJsonObject extra = {})
    {
        extra.insert(u"name"_s, u"Test service key"_s);
        extra.insert(u"workspace_id"_s, ws);
        extra.insert(u"scopes"_s, QJsonArray::fromStringList(scopes));
        return m_http->post(u"/api-keys/workspace/service"_s, key(as), extra);
    }

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<Http> m_http;
};

void TestSandboxApi::init()
{
    SeedOptions options;
    options.seed = 11;
    options.keys = 150;
    options.epoch = QDateTime(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC);
    m_server = std::make_unique<SandboxServer>(options);
    m_server->setNow(kNow);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    QVERIFY(m_server->baseUrl().toString().startsWith(u"http://127.0.0.1:"_s));
    m_http = std::make_unique<Http>(m_server->baseUrl());
}

void TestSandboxApi::cleanup()
{
    m_http.reset();
    m_server.reset();
}

void TestSandboxApi::unknownOrMissingKeyIs401()
{
    for (const QString &k : {QString(), u"not-a-key"_s, QString(key(u"owner"_s) + u"x"_s)}) {
        const auto r = m_http->get(u"/api-keys"_s, k);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json.value(u"success"_s).toBool(true), false);
        QCOMPARE(r.errorCode(), u"AB05"_s);
        QVERIFY(!r.message().isEmpty());
    }
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, u"bogus"_s).status, 401);
}

void TestSandboxApi::missingScopeOrWorkspaceIs403()
{
    // A workspace user key never manages keys (ROLES.md).
    auto r = m_http->get(u"/api-keys"_s, key(u"member"_s));
    QCOMPARE(r.status, 403);
    QCOMPARE(r.errorCode(), u"AB03"_s);
    // Workspace keys never see organisation users.
    QCOMPARE(m_http->get(u"/admin/users"_s, key(u"manager"_s)).status, 403);
    // The read-only Admin key cannot create, and the error names the scope.
    r = createServiceKey(u"readonly-admin"_s, workspace(u"manager"_s), {u"completions.write"_s});
    QCOMPARE(r.status, 403);
    QVERIFY2(r.message().contains(u"workspace_service_api_keys.create"_s), qPrintable(r.message()));
    // A workspace manager's service key sees its own workspace's keys only ...
    r = m_http->get(u"/api-keys"_s, key(u"manager"_s));
    QCOMPARE(r.status, 200);
    const QString ownSlug = slugOf(workspace(u"manager"_s));
    for (const auto &v : r.json.value(u"data"_s).toArray())
        QCOMPARE(v.toObject().value(u"workspace_id"_s).toString(), ownSlug);
    // ... cannot list another workspace's, nor create Admin keys, nor keys elsewhere.
    r = m_http->get(u"/api-keys"_s, key(u"manager"_s),
                    query({{u"workspace_id"_s, workspace(u"ws-admin"_s)}}));
    QCOMPARE(r.status, 403);
    r = m_http->post(u"/api-keys/organisation/service"_s, key(u"manager"_s),
                     QJsonObject{{u"name"_s, u"x"_s}, {u"scopes"_s, QJsonArray{u"workspaces.list"_s}}});
    QCOMPARE(r.status, 403);
    QCOMPARE(createServiceKey(u"manager"_s, workspace(u"ws-admin"_s), {u"completions.write"_s}).status, 403);
    // A key of another workspace is out of reach: 403, as Portkey answers.
    const auto staging =
        m_http->get(u"/api-keys"_s, key(u"owner"_s), query({{u"workspace_id"_s, workspace(u"ws-admin"_s)}}));
    const QString stagingKey =
        staging.json.value(u"data"_s).toArray().at(0).toObject().value(u"id"_s).toString();
    QVERIFY(!stagingKey.isEmpty());
    QCOMPARE(m_http->get(u"/api-keys/"_s + stagingKey, key(u"manager"_s)).status, 403);
    QCOMPARE(m_http->get(u"/api-keys/"_s + stagingKey, key(u"owner"_s)).status, 200);
    // The manager persona has no workspaces.update scope.
    r = m_http->put(u"/admin/workspaces/"_s + workspace(u"manager"_s), key(u"manager"_s),
                    QJsonObject{{u"description"_s, u"x"_s}});
    QCOMPARE(r.status, 403);
    QVERIFY(r.message().contains(u"workspaces.update"_s));
    // Workspace keys never create workspaces or read audit logs.
    QCOMPARE(
        m_http->post(u"/admin/workspaces"_s, key(u"ws-admin"_s), QJsonObject{{u"name"_s, u"X"_s}}).status,
        403);
    QCOMPARE(m_http->get(u"/audit-logs"_s, key(u"ws-admin"_s)).status, 403);
    // Unknown routes are 404 with an Admin error body.
    r = m_http->get(u"/nothing-here"_s, key(u"owner"_s));
    QCOMPARE(r.status, 404);
    QVERIFY(r.parsed);
}

void TestSandboxApi::pagingOverMoreThan100Keys()
{
    const QString owner = key(u"owner"_s);
    QSet<QString> ids;
    int total = -1;
    int pages = 0;
    for (int page = 0;; ++page) {
        const auto r =
            m_http->get(u"/api-keys"_s, owner,
                        query({{u"page_size"_s, u"100"_s}, {u"current_page"_s, QString::number(page)}}));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"object"_s).toString(), u"list"_s);
        total = r.json.value(u"total"_s).toInt();
        const QJsonArray data = r.json.value(u"data"_s).toArray();
        ++pages;
        for (const auto &v : data)
            ids.insert(v.toObject().value(u"id"_s).toString());
        if (data.size() < 100)
            break;
    }
    QCOMPARE(total, 150);
    QCOMPARE(pages, 2);
    QCOMPARE(ids.size(), 150);
    // Small pages cover the same keys in the same order.
    QStringList small;
    for (int page = 0; page < 3; ++page)
        for (const auto &v :
             m_http
                 ->get(u"/api-keys"_s, owner,
                       query({{u"page_size"_s, u"7"_s}, {u"current_page"_s, QString::number(page)}}))
                 .json.value(u"data"_s)
                 .toArray())
            small << v.toObject().value(u"id"_s).toString();
    const QJsonArray first = m_http->get(u"/api-keys"_s, owner, query({{u"page_size"_s, u"21"_s}}))
                                 .json.value(u"data"_s)
                                 .toArray();
    QCOMPARE(small.size(), 21);
    for (int i = 0; i < 21; ++i)
        QCOMPARE(small.at(i), first.at(i).toObject().value(u"id"_s).toString());
    // Past the end: an empty page with the total.
    const auto past =
        m_http->get(u"/api-keys"_s, owner, query({{u"page_size"_s, u"100"_s}, {u"current_page"_s, u"5"_s}}));
    QCOMPARE(past.json.value(u"data"_s).toArray().size(), 0);
    QCOMPARE(past.json.value(u"total"_s).toInt(), 150);
    // page_size above 100 is refused, naming the parameter.
    const auto big = m_http->get(u"/api-keys"_s, owner, query({{u"page_size"_s, u"101"_s}}));
    QCOMPARE(big.status, 400);
    QCOMPARE(big.errorCode(), u"AB01"_s);
    QVERIFY(big.message().contains(u"page_size"_s));
}

void TestSandboxApi::workspaceFilterAcceptsIdOrSlug()
{
    const QString ws = workspace(u"manager"_s);
    const auto byId = m_http->get(u"/api-keys"_s, key(u"owner"_s), query({{u"workspace_id"_s, ws}}));
    const auto bySlug =
        m_http->get(u"/api-keys"_s, key(u"owner"_s), query({{u"workspace_id"_s, slugOf(ws)}}));
    QCOMPARE(byId.status, 200);
    QVERIFY(byId.json.value(u"total"_s).toInt() > 0);
    QCOMPARE(byId.raw, bySlug.raw);
    QCOMPARE(
        m_http->get(u"/admin/workspaces/"_s + slugOf(ws), key(u"owner"_s)).json.value(u"id"_s).toString(),
        ws);
}

void TestSandboxApi::createGetDeleteServiceKey()
{
    const QString ws = workspace(u"manager"_s);
    const auto created =
        createServiceKey(u"manager"_s, slugOf(ws), {u"workspaces.list"_s, u"completions.write"_s},
                         QJsonObject{{u"description"_s, u"Für die Tests"_s}});
    QCOMPARE(created.status, 200);
    QCOMPARE(created.json.value(u"object"_s).toString(), u"api-key"_s);
    const QString id = created.json.value(u"id"_s).toString();
    const QString secret = created.json.value(u"key"_s).toString();
    QCOMPARE(secret.size(), 32);
    QVERIFY(!secret.contains(u'*'));

    const auto got = m_http->get(u"/api-keys/"_s + id, key(u"owner"_s));
    QCOMPARE(got.status, 200);
    QCOMPARE(got.json.value(u"name"_s).toString(), u"Test service key"_s);
    QCOMPARE(got.json.value(u"description"_s).toString(), u"Für die Tests"_s);
    QCOMPARE(got.json.value(u"type"_s).toString(), u"workspace-service"_s);
    QCOMPARE(got.json.value(u"status"_s).toString(), u"active"_s);
    QCOMPARE(got.json.value(u"workspace_id"_s).toString(), slugOf(ws));
    QCOMPARE(got.json.value(u"creation_mode"_s).toString(), u"api"_s);
    QCOMPARE(got.json.value(u"created_at"_s).toString(), iso(kNow));
    QCOMPARE(got.json.value(u"key"_s).toString(), QString(secret.left(2) + u"*******"_s + secret.right(2)));
    QVERIFY(!got.raw.contains(secret.toUtf8()));

    // The new secret authenticates at once, with its own scopes.
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, secret).status, 200);
    QCOMPARE(m_http->get(u"/api-keys"_s, secret).status, 403);

    const auto deleted = m_http->del(u"/api-keys/"_s + id, key(u"manager"_s));
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.json, QJsonObject());
    const auto gone = m_http->get(u"/api-keys/"_s + id, key(u"owner"_s));
    QCOMPARE(gone.status, 404);
    QCOMPARE(gone.errorCode(), u"AB08"_s);
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, secret).status, 401); // revoked: 401 at once
    QCOMPARE(m_http->del(u"/api-keys/"_s + id, key(u"owner"_s)).status, 404);
}

void TestSandboxApi::createValidationNamesTheField_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("field");
    const QJsonArray scopes{u"completions.write"_s};
    const QJsonObject base{{u"name"_s, u"ok"_s}, {u"scopes"_s, scopes}};
    auto with = [&](const QString &k, const QJsonValue &v) {
        QJsonObject o = base;
        o.insert(k, v);
        return o;
    };
    auto without = [&](const QString &k) {
        QJsonObject o = base;
        o.remove(k);
        return o;
    };
    const QString service = u"/api-keys/workspace/service"_s;
    QTest::newRow("missing name") << service << without(u"name"_s) << u"name"_s;
    QTest::newRow("long name") << service << with(u"name"_s, QString(101, u'n')) << u"name"_s;
    QTest::newRow("long description")
        << service << with(u"description"_s, QString(201, u'd')) << u"description"_s;
    QTest::newRow("no scopes") << service << with(u"scopes"_s, QJsonArray()) << u"scopes"_s;
    QTest::newRow("missing scopes") << service << without(u"scopes"_s) << u"scopes"_s;
    QTest::newRow("unknown scope") << service << with(u"scopes"_s, QJsonArray{u"everything.all"_s})
                                   << u"scopes"_s;
    QTest::newRow("bad rate unit")
        << service
        << with(u"rate_limits"_s,
                QJsonArray{QJsonObject{{u"type"_s, u"requests"_s}, {u"unit"_s, u"rpy"_s}, {u"value"_s, 5}}})
        << u"rate_limits[0].unit"_s;
    QTest::newRow("alert above credit")
        << service
        << with(u"usage_limits"_s, QJsonObject{{u"credit_limit"_s, 10}, {u"alert_threshold"_s, 20}})
        << u"alert_threshold"_s;
    QTest::newRow("bad usage type") << service
                                    << with(u"usage_limits"_s,
                                            QJsonObject{{u"credit_limit"_s, 10}, {u"type"_s, u"euros"_s}})
                                    << u"usage_limits.type"_s;
    QTest::newRow("bad email") << service << with(u"alert_emails"_s, QJsonArray{u"nobody"_s})
                               << u"alert_emails"_s;
    QTest::newRow("past expiry") << service << with(u"expires_at"_s, iso(kNow.addDays(-1)))
                                 << u"expires_at"_s;
    QTest::newRow("bad expiry") << service << with(u"expires_at"_s, u"tomorrow"_s) << u"expires_at"_s;
    QTest::newRow("short transition")
        << service
        << with(u"rotation_policy"_s,
                QJsonObject{{u"rotation_period"_s, u"monthly"_s}, {u"key_transition_period_ms"_s, 1000}})
        << u"key_transition_period_ms"_s;
    QTest::newRow("bad rotation period")
        << service << with(u"rotation_policy"_s, QJsonObject{{u"rotation_period"_s, u"daily"_s}})
        << u"rotation_period"_s;
    QTest::newRow("organisation/user") << u"/api-keys/organisation/user"_s << base << u"sub-type"_s;
    QTest::newRow("user key with key management")
        << u"/api-keys/workspace/user"_s << with(u"scopes"_s, QJsonArray{u"workspace_user_api_keys.list"_s})
        << u"scopes"_s;
}

void TestSandboxApi::createValidationNamesTheField()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, body);
    QFETCH(QString, field);
    if (!body.contains(u"workspace_id"_s))
        body.insert(u"workspace_id"_s, workspace(u"manager"_s));
    if (path.endsWith(u"/user"_s))
        body.insert(u"user_id"_s, m_server->persona(u"member"_s)->userId);
    const int before = m_http->get(u"/api-keys"_s, key(u"owner"_s)).json.value(u"total"_s).toInt();
    const auto r = m_http->post(path, key(u"owner"_s), body);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), u"AB01"_s);
    QVERIFY2(r.message().contains(field), qPrintable(r.message()));
    QCOMPARE(m_http->get(u"/api-keys"_s, key(u"owner"_s)).json.value(u"total"_s).toInt(), before);
}

void TestSandboxApi::userKeyNeedsWorkspaceMember()
{
    const Persona member = *m_server->persona(u"member"_s);
    QJsonObject body{{u"name"_s, u"Notebook"_s},
                     {u"workspace_id"_s, member.workspace},
                     {u"scopes"_s, QJsonArray{u"completions.write"_s}}};
    auto r = m_http->post(u"/api-keys/workspace/user"_s, key(u"owner"_s), body);
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"user_id"_s));
    body.insert(u"user_id"_s, m_server->persona(u"org-member"_s)->userId); // not in Production
    r = m_http->post(u"/api-keys/workspace/user"_s, key(u"owner"_s), body);
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"user_id"_s));
    body.insert(u"user_id"_s, member.userId);
    r = m_http->post(u"/api-keys/workspace/user"_s, key(u"manager"_s), body);
    QCOMPARE(r.status, 200);
    const auto got = m_http->get(u"/api-keys/"_s + r.json.value(u"id"_s).toString(), key(u"owner"_s));
    QCOMPARE(got.json.value(u"type"_s).toString(), u"workspace-user"_s);
    QCOMPARE(got.json.value(u"user_id"_s).toString(), member.userId);
}

void TestSandboxApi::updateKeyClearsAndResetsUsage()
{
    const QString owner = key(u"owner"_s);
    const auto created = createServiceKey(
        u"owner"_s, workspace(u"manager"_s), {u"completions.write"_s},
        QJsonObject{
            {u"expires_at"_s, iso(kNow.addDays(30))},
            {u"alert_emails"_s, QJsonArray{u"ops@example.com"_s}},
            {u"rate_limits"_s,
             QJsonArray{QJsonObject{{u"type"_s, u"requests"_s}, {u"unit"_s, u"rpm"_s}, {u"value"_s, 60}}}},
            {u"usage_limits"_s, QJsonObject{{u"credit_limit"_s, 100}, {u"periodic_reset"_s, u"monthly"_s}}}});
    QCOMPARE(created.status, 200);
    const QString id = created.json.value(u"id"_s).toString();
    auto got = m_http->get(u"/api-keys/"_s + id, owner);
    QCOMPARE(got.json.value(u"usage_limits"_s).toObject().value(u"next_usage_reset_at"_s).toString(),
             u"2026-04-01T00:00:00.000Z"_s);

    m_server->setNow(kNow.addSecs(60));
    auto r = m_http->put(u"/api-keys/"_s + id, owner,
                         QJsonObject{{u"name"_s, u"Renamed — ñ"_s},
                                     {u"expires_at"_s, QJsonValue::Null},
                                     {u"alert_emails"_s, QJsonValue::Null},
                                     {u"rate_limits"_s, QJsonValue::Null},
                                     {u"usage_limits"_s, QJsonValue::Null},
                                     {u"defaults"_s, QJsonObject{{u"config_id"_s, QJsonValue::Null},
                                                                 {u"metadata"_s, QJsonValue::Null}}}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json, QJsonObject());
    got = m_http->get(u"/api-keys/"_s + id, owner);
    QCOMPARE(got.json.value(u"name"_s).toString(), u"Renamed — ñ"_s);
    QVERIFY(!got.json.contains(u"expires_at"_s));
    QVERIFY(!got.json.contains(u"usage_limits"_s));
    QCOMPARE(got.json.value(u"alert_emails"_s).toArray().size(), 0);
    QCOMPARE(got.json.value(u"rate_limits"_s).toArray().size(), 0);
    QCOMPARE(got.json.value(u"last_updated_at"_s).toString(), iso(kNow.addSecs(60)));

    // Type and user_id never change; a bad field changes nothing.
    r = m_http->put(u"/api-keys/"_s + id, owner, QJsonObject{{u"type"_s, u"organisation-service"_s}});
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"type"_s));
    r = m_http->put(u"/api-keys/"_s + id, owner,
                    QJsonObject{{u"name"_s, u"Never"_s}, {u"scopes"_s, QJsonArray()}});
    QCOMPARE(r.status, 400);
    QCOMPARE(m_http->get(u"/api-keys/"_s + id, owner).json.value(u"name"_s).toString(), u"Renamed — ñ"_s);

    // The seeded exhausted key comes back to active with reset_usage.
    QString exhausted;
    for (int page = 0; exhausted.isEmpty() && page < 2; ++page)
        for (const auto &v :
             m_http->get(u"/api-keys"_s, owner, query({{u"current_page"_s, QString::number(page)}}))
                 .json.value(u"data"_s)
                 .toArray())
            if (v.toObject().value(u"status"_s).toString() == u"exhausted"_s)
                exhausted = v.toObject().value(u"id"_s).toString();
    QVERIFY(!exhausted.isEmpty());
    r = m_http->put(u"/api-keys/"_s + exhausted, owner, QJsonObject{{u"reset_usage"_s, true}});
    QCOMPARE(r.status, 200);
    got = m_http->get(u"/api-keys/"_s + exhausted, owner);
    QCOMPARE(got.json.value(u"status"_s).toString(), u"active"_s);
    QCOMPARE(got.json.value(u"reset_usage"_s).toDouble(), 0.0);
    QCOMPARE(got.json.value(u"last_reset_at"_s).toString(), iso(kNow.addSecs(60)));
    // A member's key may not update keys at all.
    QCOMPARE(m_http->put(u"/api-keys/"_s + id, key(u"member"_s), QJsonObject{{u"name"_s, u"x"_s}}).status,
             403);
}

void TestSandboxApi::rotationTransition()
{
    const auto created = createServiceKey(
        u"owner"_s, workspace(u"manager"_s), {u"workspaces.list"_s},
        QJsonObject{{u"rotation_policy"_s, QJsonObject{{u"rotation_period"_s, u"weekly"_s},
                                                       {u"key_transition_period_ms"_s, 1800000}}}});
    QCOMPARE(created.status, 200);
    const QString id = created.json.value(u"id"_s).toString();
    const QString oldSecret = created.json.value(u"key"_s).toString();
    // Weekly rotation happens on Mondays 00:00 UTC (ADMIN-API.md §9); 2026-03-02 is a Monday.
    const QJsonObject policy =
        m_http->get(u"/api-keys/"_s + id, key(u"owner"_s)).json.value(u"rotation_policy"_s).toObject();
    QCOMPARE(policy.value(u"rotation_period"_s).toString(), u"weekly"_s);
    QCOMPARE(policy.value(u"next_rotation_at"_s).toString(), u"2026-03-09T00:00:00.000Z"_s);
    QCOMPARE(policy.value(u"status"_s).toString(), u"ACTIVE"_s);

    auto r = m_http->post(u"/api-keys/"_s + id + u"/rotate"_s, key(u"owner"_s),
                          QJsonObject{{u"key_transition_period_ms"_s, 1000}});
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"key_transition_period_ms"_s));
    // The read-only admin lacks *.rotate.
    QCOMPARE(m_http->post(u"/api-keys/"_s + id + u"/rotate"_s, key(u"readonly-admin"_s), {}).status, 403);

    r = m_http->post(u"/api-keys/"_s + id + u"/rotate"_s, key(u"manager"_s), {});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"id"_s).toString(), id);
    const QString newSecret = r.json.value(u"key"_s).toString();
    QVERIFY(newSecret != oldSecret);
    QCOMPARE(r.json.value(u"key_transition_expires_at"_s).toString(), iso(kNow.addMSecs(1800000)));

    QCOMPARE(m_http->get(u"/admin/workspaces"_s, oldSecret).status, 200);
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, newSecret).status, 200);
    const auto got = m_http->get(u"/api-keys/"_s + id, key(u"owner"_s));
    QCOMPARE(got.json.value(u"key"_s).toString(),
             QString(newSecret.left(2) + u"*******"_s + newSecret.right(2)));

    r = m_http->post(u"/api-keys/"_s + id + u"/rotate"_s, key(u"owner"_s), {});
    QCOMPARE(r.status, 409);
    QCOMPARE(r.errorCode(), u"AB07"_s);

    m_server->setNow(kNow.addSecs(29 * 60));
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, oldSecret).status, 200);
    m_server->setNow(kNow.addSecs(31 * 60));
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, oldSecret).status, 401);
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, newSecret).status, 200);

    // After the transition a longer one is accepted; the id never changes.
    r = m_http->post(u"/api-keys/"_s + id + u"/rotate"_s, key(u"owner"_s),
                     QJsonObject{{u"key_transition_period_ms"_s, 3600000}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"id"_s).toString(), id);
    QCOMPARE(r.json.value(u"key_transition_expires_at"_s).toString(), iso(kNow.addSecs(31 * 60 + 3600)));
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, oldSecret).status, 401);
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, newSecret).status, 200);

    // Each accepted rotation is in the audit log with the old secret masked.
    const auto audit = m_http->get(u"/audit-logs"_s, key(u"owner"_s),
                                   query({{u"start_time"_s, iso(kNow.addDays(-1))},
                                          {u"end_time"_s, iso(kNow.addDays(1))},
                                          {u"organisation_id"_s, m_server->organisation().id()},
                                          {u"action"_s, u"rotate"_s}}));
    QCOMPARE(audit.json.value(u"total"_s).toInt(), 2);
    const QJsonObject first = audit.json.value(u"records"_s).toArray().at(1).toObject();
    QCOMPARE(first.value(u"api_key_id"_s).toString(), id);
    QCOMPARE(first.value(u"old_key_masked"_s).toString(),
             QString(oldSecret.left(2) + u"*******"_s + oldSecret.right(2)));
    QCOMPARE(first.value(u"transition_expires_at"_s).toString(), iso(kNow.addMSecs(1800000)));
    QVERIFY(!audit.raw.contains(oldSecret.toUtf8()));
    QVERIFY(!audit.raw.contains(newSecret.toUtf8()));
}

void TestSandboxApi::expiredKeyReportsExpiredAndIs401()
{
    const auto created = createServiceKey(u"owner"_s, workspace(u"manager"_s), {u"workspaces.list"_s},
                                          QJsonObject{{u"expires_at"_s, iso(kNow.addSecs(3600))}});
    QCOMPARE(created.status, 200);
    const QString id = created.json.value(u"id"_s).toString();
    const QString secret = created.json.value(u"key"_s).toString();
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, secret).status, 200);
    m_server->setNow(kNow.addSecs(7200));
    const auto got = m_http->get(u"/api-keys/"_s + id, key(u"owner"_s));
    QCOMPARE(got.json.value(u"status"_s).toString(), u"expired"_s);
    const auto r = m_http->get(u"/admin/workspaces"_s, secret);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.errorCode(), u"AB05"_s);
}

void TestSandboxApi::workspaceLifecycle()
{
    const QString owner = key(u"owner"_s);
    const QString member = m_server->persona(u"member"_s)->userId;
    auto r = m_http->post(
        u"/admin/workspaces"_s, owner,
        QJsonObject{{u"name"_s, u"Équipe Données"_s},
                    {u"description"_s, u"Analyses"_s},
                    {u"defaults"_s, QJsonObject{{u"metadata"_s, QJsonObject{{u"team"_s, u"data"_s}}}}},
                    {u"users"_s, QJsonArray{member}}});
    QCOMPARE(r.status, 200);
    const QString id = r.json.value(u"id"_s).toString();
    const QString slug = r.json.value(u"slug"_s).toString();
    QVERIFY(slug.startsWith(u"ws-equipe-donnees-"_s));
    QCOMPARE(r.json.value(u"name"_s).toString(), u"Équipe Données"_s);

    r = m_http->get(u"/admin/workspaces/"_s + slug, owner);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"users"_s).toArray().size(), 1);
    QCOMPARE(r.json.value(u"users"_s).toArray().at(0).toObject().value(u"id"_s).toString(), member);
    QVERIFY(r.json.value(u"defaults"_s).toObject().contains(u"input_guardrails"_s));

    r = m_http->get(u"/admin/workspaces"_s, owner, query({{u"name"_s, u"Équipe"_s}}));
    QCOMPARE(r.json.value(u"total"_s).toInt(), 1);
    r = m_http->get(u"/admin/workspaces"_s, owner, query({{u"name"_s, u"équipe"_s}})); // case-sensitive
    QCOMPARE(r.json.value(u"total"_s).toInt(), 0);

    r = m_http->get(u"/admin/workspaces"_s, owner, query({{u"status"_s, u"active,archived"_s}}));
    QCOMPARE(r.json.value(u"total"_s).toInt(), 4);
    r = m_http->get(u"/admin/workspaces"_s, owner, query({{u"status"_s, u"archived"_s}}));
    QCOMPARE(r.json.value(u"total"_s).toInt(), 0);
    r = m_http->get(u"/admin/workspaces"_s, owner, query({{u"status"_s, u"gone"_s}}));
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"status"_s));
    r = m_http->get(u"/admin/workspaces"_s, owner,
                    query({{u"name"_s, u"Production"_s}, {u"exact_name"_s, u"true"_s}}));
    QCOMPARE(r.json.value(u"total"_s).toInt(), 1);

    r = m_http->put(u"/admin/workspaces/"_s + id, owner, QJsonObject{{u"description"_s, u"Neu"_s}});
    QCOMPARE(r.status, 200);
    QCOMPARE(m_http->get(u"/admin/workspaces/"_s + id, owner).json.value(u"description"_s).toString(),
             u"Neu"_s);

    QVERIFY(createServiceKey(u"owner"_s, id, {u"completions.write"_s}).status == 200);
    r = m_http->del(u"/admin/workspaces/"_s + id, owner);
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"name"_s));
    r = m_http->del(u"/admin/workspaces/"_s + id, owner, QJsonObject{{u"name"_s, u"Équipe Données"_s}});
    QCOMPARE(r.status, 409);
    QCOMPARE(r.errorCode(), u"AB07"_s);
    r = m_http->del(u"/admin/workspaces/"_s + id, owner,
                    QJsonObject{{u"name"_s, u"Équipe Données"_s}, {u"force_delete"_s, true}});
    QCOMPARE(r.status, 200);
    QCOMPARE(m_http->get(u"/admin/workspaces/"_s + id, owner).status, 404);
    QCOMPARE(m_http->get(u"/api-keys"_s, owner, query({{u"workspace_id"_s, id}})).status, 404);
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, owner).json.value(u"total"_s).toInt(), 3);
}

void TestSandboxApi::membersLifecycle()
{
    const QString ws = workspace(u"manager"_s);
    const QString path = QString(u"/admin/workspaces/"_s + ws + u"/users"_s);
    const QString newcomer = m_server->persona(u"org-member"_s)->userId;
    const QString manager = key(u"manager"_s);
    auto r = m_http->get(path, manager, query({{u"role"_s, u"manager"_s}}));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"total"_s).toInt(), 1);
    r = m_http->post(
        path, manager,
        QJsonObject{{u"users"_s, QJsonArray{QJsonObject{{u"id"_s, newcomer}, {u"role"_s, u"owner"_s}}}}});
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"users[0].role"_s));
    r = m_http->post(
        path, manager,
        QJsonObject{{u"users"_s, QJsonArray{QJsonObject{{u"id"_s, newcomer}, {u"role"_s, u"member"_s}}}}});
    QCOMPARE(r.status, 200);
    r = m_http->post(
        path, manager,
        QJsonObject{{u"users"_s, QJsonArray{QJsonObject{{u"id"_s, newcomer}, {u"role"_s, u"member"_s}}}}});
    QCOMPARE(r.status, 409);
    r = m_http->get(QString(path + u'/' + newcomer), manager);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"role"_s).toString(), u"member"_s);
    QCOMPARE(r.json.value(u"org_role"_s).toString(), u"member"_s);
    QCOMPARE(r.json.value(u"workspace_id"_s).toString(), ws);
    QCOMPARE(
        m_http->put(QString(path + u'/' + newcomer), manager, QJsonObject{{u"role"_s, u"manager"_s}}).status,
        200);
    QCOMPARE(m_http->get(QString(path + u'/' + newcomer), manager).json.value(u"role"_s).toString(),
             u"manager"_s);
    QCOMPARE(m_http->del(QString(path + u'/' + newcomer), manager).status, 200);
    QCOMPARE(m_http->get(QString(path + u'/' + newcomer), manager).status, 404);
    // Another workspace's members are out of the manager's reach; the member key has no workspace_users
    // scope.
    QCOMPARE(m_http->get(u"/admin/workspaces/"_s + workspace(u"ws-admin"_s) + u"/users"_s, manager).status,
             403);
    QCOMPARE(m_http->get(path, key(u"member"_s)).status, 403);
}

void TestSandboxApi::usersAndCamelCasePaging()
{
    const QString owner = key(u"owner"_s);
    auto r =
        m_http->get(u"/admin/users"_s, owner, query({{u"pageSize"_s, u"3"_s}, {u"currentPage"_s, u"1"_s}}));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"data"_s).toArray().size(), 3);
    QCOMPARE(r.json.value(u"total"_s).toInt(), 10);
    QCOMPARE(r.json.value(u"data"_s).toArray().at(0).toObject().value(u"object"_s).toString(), u"user"_s);
    r = m_http->get(u"/admin/users"_s, owner, query({{u"role"_s, u"owner"_s}}));
    QCOMPARE(r.json.value(u"total"_s).toInt(), 1);

    const QString userId = m_server->persona(u"org-member"_s)->userId;
    r = m_http->get(u"/admin/users/"_s + userId, owner);
    QCOMPARE(r.json.value(u"role"_s).toString(), u"member"_s);
    QCOMPARE(r.json.value(u"workspace_ids"_s).toArray().size(), 1);
    QCOMPARE(m_http->put(u"/admin/users/"_s + userId, owner, QJsonObject{{u"role"_s, u"owner"_s}}).status,
             400);
    QCOMPARE(m_http->put(u"/admin/users/"_s + userId, owner, QJsonObject{{u"role"_s, u"member"_s}}).status,
             400);
    QCOMPARE(m_http->put(u"/admin/users/"_s + userId, owner, QJsonObject{{u"role"_s, u"admin"_s}}).status,
             200);
    QCOMPARE(m_http->get(u"/admin/users/"_s + userId, owner).json.value(u"role"_s).toString(), u"admin"_s);
    QCOMPARE(m_http->get(u"/admin/users"_s, key(u"readonly-admin"_s)).status, 200);
    QCOMPARE(m_http
                 ->put(u"/admin/users/"_s + userId, key(u"readonly-admin"_s),
                       QJsonObject{{u"role"_s, u"member"_s}})
                 .status,
             403);

    // Removing a user removes their memberships and their user keys (the org-member persona's key).
    const QString orgMemberKey = key(u"org-member"_s);
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, orgMemberKey).status, 200);
    QCOMPARE(m_http->del(u"/admin/users/"_s + userId, owner).status, 200);
    QCOMPARE(m_http->get(u"/admin/users/"_s + userId, owner).status, 404);
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, orgMemberKey).status, 401);
    QCOMPARE(m_http->del(u"/admin/users/"_s + m_server->persona(u"owner"_s)->userId, owner).status, 400);
}

void TestSandboxApi::invitesLifecycle()
{
    const QString owner = key(u"owner"_s);
    auto r = m_http->get(u"/admin/users/invites"_s, owner);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"total"_s).toInt(), 3);
    QSet<QString> statuses;
    for (const auto &v : r.json.value(u"data"_s).toArray())
        statuses.insert(v.toObject().value(u"status"_s).toString());
    QCOMPARE(statuses, (QSet<QString>{u"pending"_s, u"expired"_s, u"accepted"_s}));

    const QString stagingSlug = slugOf(workspace(u"ws-admin"_s));
    QJsonObject body{
        {u"email"_s, u"new.person@example.com"_s},
        {u"role"_s, u"member"_s},
        {u"workspaces"_s, QJsonArray{QJsonObject{{u"id"_s, stagingSlug}, {u"role"_s, u"manager"_s}}}},
        {u"workspace_api_key_details"_s, QJsonObject{{u"scopes"_s, QJsonArray{u"completions.write"_s}}}}};
    QCOMPARE(m_http->post(u"/admin/users/invites"_s, key(u"manager"_s), body).status, 403);
    body.insert(u"role"_s, u"owner"_s);
    r = m_http->post(u"/admin/users/invites"_s, owner, body);
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"role"_s));
    body.insert(u"role"_s, u"member"_s);
    r = m_http->post(u"/admin/users/invites"_s, owner, body);
    QCOMPARE(r.status, 200);
    const QString id = r.json.value(u"id"_s).toString();
    QVERIFY(!r.json.value(u"invite_link"_s).toString().isEmpty());
    QCOMPARE(m_http->post(u"/admin/users/invites"_s, owner, body).status, 409);

    r = m_http->get(u"/admin/users/invites/"_s + id, owner);
    QCOMPARE(r.json.value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(r.json.value(u"workspaces"_s).toArray().at(0).toObject().value(u"workspace_id"_s).toString(),
             stagingSlug);
    QCOMPARE(r.json.value(u"expires_at"_s).toString(), iso(kNow.addDays(7)));
    QCOMPARE(r.json.value(u"workspace_api_key_details"_s).toObject().value(u"scopes"_s).toArray(),
             QJsonArray{u"completions.write"_s});
    r = m_http->get(u"/admin/users/invites"_s, owner,
                    query({{u"status"_s, u"pending"_s}, {u"pageSize"_s, u"1"_s}}));
    QCOMPARE(r.json.value(u"total"_s).toInt(), 2);
    QCOMPARE(r.json.value(u"data"_s).toArray().size(), 1);

    m_server->setNow(kNow.addDays(1));
    r = m_http->post(u"/admin/users/invites/"_s + id + u"/resend"_s, owner, {});
    QCOMPARE(r.status, 200);
    QVERIFY(!r.json.value(u"inviteLink"_s).toString().isEmpty());
    QCOMPARE(m_http->get(u"/admin/users/invites/"_s + id, owner).json.value(u"expires_at"_s).toString(),
             iso(kNow.addDays(8)));
    QCOMPARE(m_http->put(u"/admin/users/invites/"_s + id, owner, QJsonObject{{u"role"_s, u"admin"_s}}).status,
             404);
    QCOMPARE(m_http->del(u"/admin/users/invites/"_s + id, owner).status, 200);
    QCOMPARE(m_http->get(u"/admin/users/invites/"_s + id, owner).status, 404);
}

void TestSandboxApi::auditLogRecordsWrites()
{
    const QString owner = key(u"owner"_s);
    const auto created = createServiceKey(u"owner"_s, workspace(u"manager"_s), {u"completions.write"_s});
    const QString id = created.json.value(u"id"_s).toString();
    QCOMPARE(m_http->put(u"/api-keys/"_s + id, owner, QJsonObject{{u"name"_s, u"Audited"_s}}).status, 200);
    QCOMPARE(m_http->del(u"/api-keys/"_s + id, owner).status, 200);
    QCOMPARE(m_http->put(u"/api-keys/"_s + id, owner, QJsonObject{{u"name"_s, u"Refused"_s}}).status, 404);

    const QString org = m_server->organisation().id();
    auto r = m_http->get(u"/audit-logs"_s, owner,
                         query({{u"end_time"_s, iso(kNow.addDays(1))}, {u"organisation_id"_s, org}}));
    QCOMPARE(r.status, 400);
    QVERIFY(r.message().contains(u"start_time"_s));
    const QUrlQuery window = query({{u"start_time"_s, iso(kNow.addDays(-1))},
                                    {u"end_time"_s, iso(kNow.addDays(1))},
                                    {u"organisation_id"_s, org}});
    r = m_http->get(u"/audit-logs"_s, owner, window);
    QCOMPARE(r.status, 200);
    const QJsonArray records = r.json.value(u"records"_s).toArray();
    QCOMPARE(r.json.value(u"total"_s).toInt(), 3); // the refused PUT is not recorded
    QCOMPARE(records.at(0).toObject().value(u"method"_s).toString(), u"DELETE"_s); // newest first
    QCOMPARE(records.at(2).toObject().value(u"action"_s).toString(), u"create"_s);
    QCOMPARE(records.at(2).toObject().value(u"resource_type"_s).toString(), u"api_keys"_s);
    QCOMPARE(records.at(2).toObject().value(u"workspace_id"_s).toString(), workspace(u"manager"_s));
    QVERIFY(!r.raw.contains(owner.toUtf8()));
    QUrlQuery puts = window;
    puts.addQueryItem(u"method"_s, u"PUT"_s);
    QCOMPARE(m_http->get(u"/audit-logs"_s, owner, puts).json.value(u"total"_s).toInt(), 1);
    QCOMPARE(m_http->get(u"/audit-logs"_s, key(u"readonly-admin"_s), window).status, 200);
    QCOMPARE(m_http->get(u"/audit-logs"_s, key(u"manager"_s), window).status, 403);
}

void TestSandboxApi::faultStatusAndRetryAfter()
{
    Fault f;
    f.method = u"GET"_s;
    f.pathPattern = u"/v1/api-keys"_s;
    f.status = 429;
    f.retryAfter = u"2"_s;
    f.times = 2;
    m_server->injectFault(f);
    for (int i = 0; i < 2; ++i) {
        const auto r = m_http->get(u"/api-keys"_s, key(u"owner"_s));
        QCOMPARE(r.status, 429);
        QCOMPARE(r.errorCode(), u"AB06"_s);
        QCOMPARE(r.retryAfter, QByteArray("2"));
    }
    QCOMPARE(m_http->get(u"/api-keys"_s, key(u"owner"_s)).status, 200);

    f.pathPattern = u"^/v1/admin/workspaces(/.*)?$"_s;
    f.status = 503;
    f.code = u"AB04"_s;
    f.retryAfter = u"Wed, 21 Oct 2026 07:28:00 GMT"_s;
    f.times = 0; // every matching request
    m_server->injectFault(f);
    for (const QString &path :
         {u"/admin/workspaces"_s, QString(u"/admin/workspaces/"_s + workspace(u"manager"_s))}) {
        const auto r = m_http->get(path, key(u"owner"_s));
        QCOMPARE(r.status, 503);
        QCOMPARE(r.errorCode(), u"AB04"_s);
        QCOMPARE(r.retryAfter, QByteArray("Wed, 21 Oct 2026 07:28:00 GMT"));
    }
    QCOMPARE(m_http->get(u"/api-keys"_s, key(u"owner"_s)).status, 200);
    m_server->clearFaults();
    QCOMPARE(m_http->get(u"/admin/workspaces"_s, key(u"owner"_s)).status, 200);
}

void TestSandboxApi::faultDelay()
{
    Fault f;
    f.pathPattern = u"/v1/admin/users"_s;
    f.delayMs = 400;
    m_server->injectFault(f);
    QElapsedTimer timer;
    timer.start();
    const auto r = m_http->get(u"/admin/users"_s, key(u"owner"_s));
    QCOMPARE(r.status, 200);
    QVERIFY2(timer.elapsed() >= 380, qPrintable(QString::number(timer.elapsed())));
    // A delay longer than the client's timeout: the client gives up, the server stays healthy.
    f.delayMs = 1500;
    m_server->injectFault(f);
    const auto timedOut = m_http->call("GET", u"/admin/users"_s, key(u"owner"_s), {}, {}, false, 300);
    QCOMPARE(timedOut.status, 0);
    QVERIFY(timedOut.error != QNetworkReply::NoError);
    QCOMPARE(m_http->get(u"/admin/users"_s, key(u"owner"_s)).status, 200);
}

void TestSandboxApi::faultResetAfterApply()
{
    const QString owner = key(u"owner"_s);
    const int before = m_http->get(u"/api-keys"_s, owner).json.value(u"total"_s).toInt();
    Fault f;
    f.method = u"POST"_s;
    f.pathPattern = u"^/v1/api-keys/workspace/service$"_s;
    f.resetAfterApply = true;
    m_server->injectFault(f);
    const auto r = m_http->post(u"/api-keys/workspace/service"_s, owner,
                                QJsonObject{{u"name"_s, u"Test service key"_s},
                                            {u"workspace_id"_s, workspace(u"manager"_s)},
                                            {u"scopes"_s, QJsonArray{u"completions.write"_s}}});
    QVERIFY(r.error != QNetworkReply::NoError);
    QVERIFY(!r.parsed);
    QCOMPARE(m_server->recordedRequests().size(), 2); // sent once, not resent
    // The write was applied: the key exists once; the reply was lost.
    const auto after = m_http->get(u"/api-keys"_s, owner, query({{u"current_page"_s, u"1"_s}}));
    QCOMPARE(after.json.value(u"total"_s).toInt(), before + 1);
    const QJsonArray data = after.json.value(u"data"_s).toArray();
    QCOMPARE(data.last().toObject().value(u"name"_s).toString(), u"Test service key"_s);
    QCOMPARE(m_server->recordedRequests().at(1).status, 200);
}

void TestSandboxApi::faultMalformedTruncatedAndExtraField()
{
    Fault f;
    f.pathPattern = u"/v1/api-keys"_s;
    f.malformedJson = true;
    m_server->injectFault(f);
    auto r = m_http->get(u"/api-keys"_s, key(u"owner"_s));
    QCOMPARE(r.status, 200);
    QVERIFY(!r.parsed);

    f.malformedJson = false;
    f.truncatedJson = true;
    m_server->injectFault(f);
    r = m_http->get(u"/api-keys"_s, key(u"owner"_s));
    QCOMPARE(r.status, 200);
    QVERIFY(!r.parsed);
    QVERIFY(r.raw.startsWith("{"));

    f.truncatedJson = false;
    f.extraUnknownField = true;
    m_server->injectFault(f);
    r = m_http->get(u"/api-keys"_s, key(u"owner"_s));
    QCOMPARE(r.status, 200);
    QVERIFY(r.parsed);
    QVERIFY(r.json.contains(u"x_sandbox_unknown"_s));
    QVERIFY(r.json.value(u"data"_s).toArray().at(0).toObject().contains(u"x_sandbox_unknown"_s));
    QCOMPARE(r.json.value(u"total"_s).toInt(), 150);

    r = m_http->get(u"/api-keys"_s, key(u"owner"_s));
    QVERIFY(!r.json.contains(u"x_sandbox_unknown"_s));
}

void TestSandboxApi::recordsRequestsWithoutTheKey()
{
    m_server->clearRecordedRequests();
    const QString owner = key(u"owner"_s);
    m_http->get(u"/api-keys"_s, owner, query({{u"page_size"_s, u"5"_s}}));
    createServiceKey(u"owner"_s, workspace(u"manager"_s), {u"completions.write"_s});
    m_http->get(u"/api-keys"_s, u"wrong"_s);
    const QList<RecordedRequest> recorded = m_server->recordedRequests();
    QCOMPARE(recorded.size(), 3);
    QCOMPARE(recorded.at(0).method, u"GET"_s);
    QCOMPARE(recorded.at(0).path, u"/v1/api-keys"_s);
    QCOMPARE(recorded.at(0).query.queryItemValue(u"page_size"_s), u"5"_s);
    QCOMPARE(recorded.at(0).status, 200);
    QCOMPARE(recorded.at(1).method, u"POST"_s);
    QCOMPARE(recorded.at(1).body.toObject().value(u"name"_s).toString(), u"Test service key"_s);
    QCOMPARE(recorded.at(2).status, 401);
    for (const RecordedRequest &r : recorded) {
        QVERIFY(!r.query.toString().contains(owner));
        QVERIFY(!QJsonDocument(r.body.toObject()).toJson().contains(owner.toUtf8()));
    }
}

void TestSandboxApi::badRequestBodiesAndRoutes()
{
    const QString owner = key(u"owner"_s);
    const QString path = u"/api-keys/workspace/service"_s;
    for (const QByteArray &body : {QByteArray("{\"name\": "), QByteArray("[1, 2]"), QByteArray("\"text\"")}) {
        QUrl url = m_server->baseUrl();
        url.setPath(url.path() + path);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("x-portkey-api-key", owner.toUtf8());
        QNetworkAccessManager nam;
        QNetworkReply *reply = nam.post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 400);
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        QCOMPARE(json.value(u"data"_s).toObject().value(u"errorCode"_s).toString(), u"AB01"_s);
        reply->deleteLater();
    }
    // Wrong methods and unknown paths are 404 AB02; a trailing slash is the same route.
    QCOMPARE(m_http->call("PATCH", u"/api-keys"_s, owner).status, 404);
    QCOMPARE(m_http->del(u"/admin/users/invites"_s, owner).errorCode(), u"AB02"_s);
    QCOMPARE(m_http->get(u"/api-keys/"_s, owner).status, 200);
    // A far-away page is empty at once.
    const auto far = m_http->get(u"/api-keys"_s, owner, query({{u"current_page"_s, u"2000000000"_s}}));
    QCOMPARE(far.status, 200);
    QCOMPARE(far.json.value(u"data"_s).toArray().size(), 0);
    QCOMPARE(m_http->get(u"/api-keys"_s, owner, query({{u"current_page"_s, u"-1"_s}})).status, 400);
}

QTEST_GUILESS_MAIN(TestSandboxApi)
#include "tst_sandboxapi.moc"
