// The key lifecycle from the command line (issue 4 "CLI parity") and `whoami` per persona (issue 5): the real
// portkey-key-manager-cli binary, run with QProcess against a SandboxServer in this process (so the request
// bodies it received can be checked) or against its own `--sandbox`, with a throwaway HOME and the real
// Secret Service.

#include "access/accesspolicy.h"
#include "access/principalresolver.h"
#include "clitestsupport.h"
#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace pk;

namespace {

constexpr int kTimeoutMs = 60000;

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

using Result = pktest::ProcessResult;

/// One HTTP answer of the sandbox.
struct Answer
{
    int status = 0;
    QJsonObject body;
    QString code;

    bool ok() const { return status >= 200 && status < 300; }
    QJsonArray data() const { return body.value(s("data")).toArray(); }
};

/// A plain HTTP call to `server` with `key`, for preparing state and for asking the server directly.
Answer call(const sandbox::SandboxServer &server, const QString &key, const QByteArray &method,
            const QString &path, const QUrlQuery &query = {}, const std::optional<QJsonObject> &body = {})
{
    QNetworkAccessManager nam;
    QUrl url = server.baseUrl();
    url.setPath(QString(url.path() + path));
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader("x-portkey-api-key", key.toUtf8());
    QByteArray payload;
    if (body) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        payload = QJsonDocument(*body).toJson(QJsonDocument::Compact);
    }
    QNetworkReply *reply = nam.sendCustomRequest(request, method, payload);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    Answer a;
    if (reply->isFinished()) {
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = QJsonDocument::fromJson(reply->readAll()).object();
        a.code = a.body.value(s("data")).toObject().value(s("errorCode")).toString();
    } else {
        reply->abort();
    }
    reply->deleteLater();
    return a;
}

QUrlQuery pageOf100(const char *name = "page_size")
{
    QUrlQuery q;
    q.addQueryItem(s(name), s("100"));
    return q;
}

access::ProbeResult probe(const Answer &a)
{
    if (a.ok())
        return access::ProbeResult::Ok;
    return a.status == 403 ? access::ProbeResult::Forbidden : access::ProbeResult::Failed;
}

/// The principal of `persona` resolved from the reads a sync makes (keys, workspaces, users, member lists),
/// made here over HTTP against `server`; the visible workspace ids go to `visible`.
access::Principal resolvePersona(const sandbox::SandboxServer &server, const sandbox::Persona &persona,
                                 QStringList *visible)
{
    access::ResolverInput in;
    in.setKeyHint(persona.apiKey.toUtf8());
    in.profileEmail = persona.email;
    Answer a = call(server, persona.apiKey, "GET", s("/api-keys"), pageOf100());
    in.keysList = probe(a);
    for (const QJsonValue &v : a.data())
        in.keys.append(ApiKey::fromJson(v.toObject()));
    a = call(server, persona.apiKey, "GET", s("/admin/workspaces"), pageOf100());
    in.workspacesList = probe(a);
    for (const QJsonValue &v : a.data())
        in.workspaces.append(Workspace::fromJson(v.toObject()));
    a = call(server, persona.apiKey, "GET", s("/admin/users"), pageOf100("pageSize"));
    in.usersList = probe(a);
    for (const QJsonValue &v : a.data())
        in.users.append(User::fromJson(v.toObject()));
    for (const Workspace &ws : std::as_const(in.workspaces)) {
        visible->append(ws.id);
        a = call(server, persona.apiKey, "GET", QString(s("/admin/workspaces/") + ws.id + s("/users")),
                 pageOf100());
        in.memberLists.insert(ws.id, probe(a));
        for (const QJsonValue &v : a.data()) {
            WorkspaceMember m = WorkspaceMember::fromJson(v.toObject());
            if (m.workspaceId.isEmpty())
                m.workspaceId = ws.id;
            in.members.append(m);
        }
    }
    const access::Principal principal = access::PrincipalResolver::resolve(in);
    if (visible->isEmpty() && !principal.workspace.isEmpty())
        visible->append(principal.workspace);
    return principal;
}

/// The decision for `action` in `workspace` in a `whoami --json` document: the one naming that workspace,
/// else the one with `"workspace": null` (organisation actions, or a principal that sees no workspace). Empty
/// when the document has neither (a workspace the principal cannot see).
QJsonObject decisionOf(const QJsonObject &whoami, const QString &action, const QString &workspace)
{
    QJsonObject unnamed;
    for (const QJsonValue &v : whoami.value(s("decisions")).toArray()) {
        const QJsonObject d = v.toObject();
        if (d.value(s("action")).toString() != action)
            continue;
        if (d.value(s("workspace")).isNull())
            unnamed = d;
        else if (d.value(s("workspace")).toString() == workspace)
            return d;
    }
    return unnamed;
}

} // namespace

class TestCliKeys : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void createSendsEveryField();
    void createEachKeyType();
    void validationErrorsAreOneLineAndSendNothing();
    void serverFieldErrorNamesTheOption();
    void lostCreateReplyIsNeverResent();
    void updateSendsOnlyChangesAndNullOnClear();
    void rotateShowsSecretOnceAndOldSecretLastsTheTransition();
    void rotateOwnKeyUpdatesTheKeychain();
    void destructiveCommandsNeedYesWithoutTerminal();
    void showPrintsEveryField();
    void revokeSameIdTwiceRevokesOnce();
    void serverTextCannotControlTheTerminal();
    void jsonFailureIsJsonOnStdout();
    void refusedLocallyWithThePolicysReason();
    void whoamiAndPolicyMatchTheServer_data();
    void whoamiAndPolicyMatchTheServer();

private:
    Result run(const QStringList &args, const QByteArray &input = {});
    /// `keys …` with `--profile Owner` appended.
    Result owner(QStringList args);
    /// POST/PUT bodies the server received since the last clear, as (method path, body).
    QList<sandbox::RecordedRequest> writes() const;
    QString ownerWorkspace() const { return m_server->persona(s("member"))->workspace; }
    /// Creates a workspace service key with the owner profile; returns {id, secret}.
    std::pair<QString, QString> createKey(const QString &name, const QStringList &extra = {});

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    std::unique_ptr<sandbox::SandboxServer> m_server;
};

void TestCliKeys::initTestCase()
{
    pktest::verifyProcessPrerequisites(QStringLiteral(PK_CLI_PATH), m_home);
    if (QTest::currentTestFailed())
        return;
    m_env = pktest::privateHomeEnvironment(m_home);
    m_env.insert(s("TZ"), s("Europe/Berlin")); // local times in the CLI are Berlin times

    pktest::startSandboxWithOwnerProfile(QStringLiteral(PK_CLI_PATH), m_env, &m_server);
}

void TestCliKeys::cleanupTestCase()
{
    pktest::removeOwnerProfile(QStringLiteral(PK_CLI_PATH), m_env);
}

Result TestCliKeys::run(const QStringList &args, const QByteArray &input)
{
    return pktest::runProcess(QStringLiteral(PK_CLI_PATH), args, input, m_env, kTimeoutMs);
}

Result TestCliKeys::owner(QStringList args)
{
    args.prepend(s("keys"));
    args << s("--profile") << s("Owner");
    return run(args);
}

QList<sandbox::RecordedRequest> TestCliKeys::writes() const
{
    QList<sandbox::RecordedRequest> out;
    for (const sandbox::RecordedRequest &r : m_server->recordedRequests()) {
        if (r.method != QLatin1String("GET"))
            out.append(r);
    }
    return out;
}

std::pair<QString, QString> TestCliKeys::createKey(const QString &name, const QStringList &extra)
{
    const Result r = owner(QStringList{s("create"), s("--workspace"), ownerWorkspace(), s("--name"), name,
                                       s("--scope"), s("completions.write"), s("--json")} +
                           extra);
    if (r.code != 0)
        qWarning("create failed: %s", r.err.constData());
    const QJsonObject o = r.json().object();
    return {o.value(s("id")).toString(), o.value(s("key")).toString()};
}

void TestCliKeys::createSendsEveryField()
{
    m_server->clearRecordedRequests();
    const Result r = owner({s("create"),
                            s("--workspace"),
                            ownerWorkspace(),
                            s("--name"),
                            s("Every field"),
                            s("--description"),
                            s("All of them"),
                            s("--scope"),
                            s("completions.write"),
                            s("--scopes"),
                            s("logs.view,logs.list"),
                            s("--rate-limit"),
                            s("requests:rpm:100"),
                            s("--rate-limit"),
                            s("tokens:rpd:0"),
                            s("--usage-limit"),
                            s("cost:50"),
                            s("--alert-threshold"),
                            s("40"),
                            s("--usage-reset"),
                            s("10d"),
                            s("--expires"),
                            s("2031-01-15 12:00"),
                            s("--rotation"),
                            s("weekly"),
                            s("--transition"),
                            s("45m"),
                            s("--alert-email"),
                            s("ops@example.org"),
                            s("--alert-email"),
                            s("cfo@example.org"),
                            s("--metadata"),
                            s("team=search"),
                            s("--metadata"),
                            s("env=prod"),
                            s("--config-id"),
                            s("pc-default"),
                            s("--yes"),
                            s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject created = r.json().object();
    // Expiry and budget are set and no key-management scope is asked for: no warnings.
    QCOMPARE(created.keys(), (QStringList{s("id"), s("key")}));
    QVERIFY(r.err.isEmpty());

    const QList<sandbox::RecordedRequest> sent = writes();
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent[0].method, s("POST"));
    QCOMPARE(sent[0].path, s("/v1/api-keys/workspace/service"));
    const QJsonObject body = sent[0].body.toObject();
    QCOMPARE(body.value(s("name")).toString(), s("Every field"));
    QCOMPARE(body.value(s("description")).toString(), s("All of them"));
    QCOMPARE(body.value(s("workspace_id")).toString(), ownerWorkspace());
    QCOMPARE(body.value(s("scopes")).toArray(),
             (QJsonArray{s("completions.write"), s("logs.view"), s("logs.list")}));
    QCOMPARE(body.value(s("rate_limits")).toArray(),
             (QJsonArray{QJsonObject{{s("type"), s("requests")}, {s("unit"), s("rpm")}, {s("value"), 100}},
                         QJsonObject{{s("type"), s("tokens")}, {s("unit"), s("rpd")}, {s("value"), 0}}}));
    QCOMPARE(body.value(s("usage_limits")).toObject(), (QJsonObject{{s("credit_limit"), 50},
                                                                    {s("type"), s("cost")},
                                                                    {s("alert_threshold"), 40},
                                                                    {s("periodic_reset_days"), 10}}));
    // 12:00 in Berlin in January (CET, UTC+1) is 11:00 UTC.
    QCOMPARE(body.value(s("expires_at")).toString(), s("2031-01-15T11:00:00.000Z"));
    QCOMPARE(body.value(s("rotation_policy")).toObject(),
             (QJsonObject{{s("rotation_period"), s("weekly")}, {s("key_transition_period_ms"), 2700000}}));
    QCOMPARE(body.value(s("alert_emails")).toArray(),
             (QJsonArray{s("ops@example.org"), s("cfo@example.org")}));
    QCOMPARE(body.value(s("defaults")).toObject(),
             (QJsonObject{{s("metadata"), QJsonObject{{s("team"), s("search")}, {s("env"), s("prod")}}},
                          {s("config_id"), s("pc-default")}}));

    // What the server stored, read back through the CLI.
    const Result shown = owner({s("show"), created.value(s("id")).toString(), s("--json")});
    QVERIFY2(shown.code == 0, shown.err.constData());
    const QJsonObject key = shown.json().object();
    QCOMPARE(key.value(s("expires_at")).toString(), s("2031-01-15T11:00:00.000Z"));
    QCOMPARE(key.value(s("usage_limits")).toObject().value(s("credit_limit")).toDouble(), 50.0);
    QCOMPARE(key.value(s("rotation_policy")).toObject().value(s("key_transition_period_ms")).toDouble(),
             2700000.0);
    QVERIFY(key.value(s("key")).toString().contains(QLatin1Char('*')));
    QVERIFY(!shown.out.contains(created.value(s("key")).toString().toUtf8()));
}

void TestCliKeys::createEachKeyType()
{
    const sandbox::Persona member = *m_server->persona(s("member"));
    m_server->clearRecordedRequests();
    // A user key for a member named by e-mail: sent with the member's id.
    Result r = owner({s("create"), s("--type"), s("user"), s("--workspace"), member.workspace, s("--user"),
                      member.email, s("--name"), s("For a member"), s("--preset"), s("completions-only"),
                      s("--expires"), s("30d"), s("--usage-limit"), s("tokens:100000"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.json().object().keys(), (QStringList{s("id"), s("key")}));
    QList<sandbox::RecordedRequest> sent = writes();
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent[0].path, s("/v1/api-keys/workspace/user"));
    QCOMPARE(sent[0].body.toObject().value(s("user_id")).toString(), member.userId);
    QCOMPARE(sent[0].body.toObject().value(s("scopes")).toArray(), QJsonArray{s("completions.write")});
    // "30d": thirty days from now, as a UTC instant.
    const QDateTime expires =
        QDateTime::fromString(sent[0].body.toObject().value(s("expires_at")).toString(), Qt::ISODateWithMs);
    QVERIFY(qAbs(expires.secsTo(QDateTime::currentDateTimeUtc().addDays(30))) < 120);
    QCOMPARE(expires.timeSpec(), Qt::UTC);

    // An Admin key: the organisation path, no workspace; key-management scopes warn.
    m_server->clearRecordedRequests();
    r = owner({s("create"), s("--type"), s("admin"), s("--name"), s("Org automation"), s("--scope"),
               s("workspaces.list"), s("--scope"), s("workspace_service_api_keys.create"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    sent = writes();
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent[0].path, s("/v1/api-keys/organisation/service"));
    QVERIFY(!sent[0].body.toObject().contains(s("workspace_id")));
    const QJsonArray warnings = r.json().object().value(s("warnings")).toArray();
    QCOMPARE(warnings.size(), 3); // no expiry, no budget, key-management scope
    QVERIFY(warnings.at(2).toString().contains(s("workspace_service_api_keys.create")));
    QCOMPARE(r.err.count('\n'), 3);
    QVERIFY(r.err.startsWith("warning: "));

    // Text mode prints the secret exactly once.
    r = owner({s("create"), s("--workspace"), ownerWorkspace(), s("--name"), s("Text"), s("--scope"),
               s("completions.write")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.split('\n');
    QVERIFY(lines.size() >= 3);
    QCOMPARE(r.out.count(lines.at(2)), 1);
    QVERIFY(r.out.contains("shown only once"));
}

void TestCliKeys::validationErrorsAreOneLineAndSendNothing()
{
    const sandbox::Persona member = *m_server->persona(s("member"));
    const QStringList base{s("create"), s("--workspace"), ownerWorkspace(),      s("--name"),
                           s("Bad"),    s("--scope"),     s("completions.write")};
    struct Case
    {
        QStringList args;
        const char *mentions;
    };
    const QList<Case> cases{
        {{s("--rate-limit"), s("requests:rpm:lots")}, "--rate-limit"},
        {{s("--rate-limit"), s("bytes:rpm:1")}, "--rate-limit"},
        {{s("--rate-limit"), s("requests:rpy:1")}, "--rate-limit"},
        {{s("--rate-limit"), s("requests:rpm:-1")}, "--rate-limit"},
        {{s("--rate-limit"), s("requests:rpm:0")}, "--yes"}, // blocks all traffic: confirm
        {{s("--usage-limit"), s("cost:0")}, "--yes"},
        {{s("--usage-limit"), s("dollars:5")}, "--usage-limit"},
        {{s("--usage-limit"), s("cost:10"), s("--alert-threshold"), s("20")}, "--alert-threshold"},
        {{s("--alert-threshold"), s("5")}, "--alert-threshold"},
        {{s("--usage-limit"), s("cost:10"), s("--usage-reset"), s("400d")}, "--usage-reset"},
        {{s("--expires"), s("2020-01-01")}, "--expires"},
        {{s("--expires"), s("2020-01-01T10:00:00Z")}, "--expires"},
        {{s("--expires"), s("tomorrow")}, "--expires"},
        {{s("--rotation"), s("yearly")}, "--rotation"},
        {{s("--rotation"), s("weekly"), s("--transition"), s("10m")}, "--transition"},
        {{s("--rotation"), s("weekly"), s("--transition"), s("8d")}, "--transition"},
        {{s("--transition"), s("45m")}, "--transition"},
        {{s("--alert-email"), s("not-an-address")}, "--alert-email"},
        {{s("--metadata"), s("=x")}, "--metadata"},
        {{s("--type"), s("organisation")}, "--type"},
        {{s("--type"), s("admin")}, "--workspace"},
        {{s("--type"), s("user")}, "--user"},
        {{s("--type"), s("user"), s("--user"), s("nobody@example.org")}, "--user"},
        {{s("--type"), s("user"), s("--user"), member.email, s("--scope"),
          s("workspace_service_api_keys.create")},
         "--scope"},
        {{s("--preset"), s("nope")}, "--preset"},
        {{s("--name"), QString(101, QLatin1Char('n'))}, "--name"},
        {{s("--workspace"), s("no-such-workspace")}, "--workspace"},
        {{s("--clear-expiry")}, "--clear-expiry"},
    };
    for (const Case &c : cases) {
        m_server->clearRecordedRequests();
        const Result r = owner(base + c.args);
        const QByteArray what = QString(c.args.join(QLatin1Char(' ')) + s(": ")).toUtf8() + r.err;
        QVERIFY2(r.code != 0, what.constData());
        QVERIFY2(r.oneErrorLine(), what.constData());
        QVERIFY2(r.err.contains(c.mentions), what.constData());
        QVERIFY2(r.out.isEmpty(), what.constData());
        QVERIFY2(m_server->recordedRequests().isEmpty(), what.constData()); // nothing sent
    }
}

void TestCliKeys::serverFieldErrorNamesTheOption()
{
    // The cache says the member belongs to the workspace; the server no longer does (400 AB01 user_id).
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const sandbox::Persona ownerPersona = *server.persona(s("owner"));
    const sandbox::Persona member = *server.persona(s("member"));
    Result r = run({s("profile"), s("add"), s("--name"), s("Stale"), s("--url"), server.baseUrl().toString()},
                   ownerPersona.apiKey.toUtf8());
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({s("sync"), s("--profile"), s("Stale")});
    QVERIFY2(r.code == 0, r.err.constData());
    const Answer removed =
        call(server, ownerPersona.apiKey, "DELETE",
             QString(s("/admin/workspaces/") + member.workspace + s("/users/") + member.userId));
    QVERIFY2(removed.ok(), qPrintable(QString::number(removed.status)));

    r = run({s("keys"), s("create"), s("--profile"), s("Stale"), s("--type"), s("user"), s("--workspace"),
             member.workspace, s("--user"), member.email, s("--name"), s("Stale member"), s("--scope"),
             s("completions.write")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("the server refused --user (user_id: must be a member of the workspace)"),
             r.err.constData());
    QVERIFY2(r.err.contains("nothing was created"), r.err.constData());
    r = run({s("profile"), s("remove"), s("Stale")});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCliKeys::lostCreateReplyIsNeverResent()
{
    sandbox::Fault lost;
    lost.method = s("POST");
    lost.pathPattern = s("/v1/api-keys/workspace/service");
    lost.resetAfterApply = true; // the key is created, the answer with its secret is lost
    m_server->injectFault(lost);
    m_server->clearRecordedRequests();
    const Result r = owner({s("create"), s("--workspace"), ownerWorkspace(), s("--name"), s("Lost reply"),
                            s("--scope"), s("completions.write"), s("--json")});
    m_server->clearFaults();
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("created, secret not received — rotate it to get one"), r.err.constData());
    // With --json the failure is also on stdout, as {"error", "hint"}, and holds no secret.
    QVERIFY2(r.json().object().value(s("error")).isString(), r.out.constData());
    QVERIFY(!r.json().object().contains(s("key")));
    QCOMPARE(writes().size(), 1); // the POST was never re-sent

    // The key the server made is in the cache, and the message names it.
    QString id;
    for (const QJsonValue &k : owner({s("list"), s("--json")}).json().array()) {
        if (k.toObject().value(s("name")).toString() == s("Lost reply"))
            id = k.toObject().value(s("id")).toString();
    }
    QVERIFY(!id.isEmpty());
    QVERIFY(r.err.contains(id.toUtf8()));
}

void TestCliKeys::updateSendsOnlyChangesAndNullOnClear()
{
    const auto [id, secret] =
        createKey(s("To update"),
                  {s("--expires"), s("60d"), s("--rate-limit"), s("requests:rpm:10"), s("--usage-limit"),
                   s("cost:20"), s("--rotation"), s("monthly"), s("--alert-email"), s("ops@example.org")});
    QVERIFY(!id.isEmpty());

    // Only what is given is sent.
    m_server->clearRecordedRequests();
    Result r = owner({s("update"), id, s("--name"), s("Renamed"), s("--alert-threshold"), s("15")});
    QVERIFY2(r.code == 0, r.err.constData());
    QList<sandbox::RecordedRequest> sent = writes();
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent[0].method, s("PUT"));
    QCOMPARE(sent[0].path, QString(s("/v1/api-keys/") + id));
    // The usage limit goes whole: the credit limit is kept, the threshold added.
    QCOMPARE(sent[0].body.toObject(),
             (QJsonObject{{s("name"), s("Renamed")},
                          {s("usage_limits"), QJsonObject{{s("credit_limit"), 20},
                                                          {s("type"), s("cost")},
                                                          {s("alert_threshold"), 15}}}}));

    // Clearing sends null.
    m_server->clearRecordedRequests();
    r = owner({s("update"), id, s("--clear-expiry"), s("--clear-rate-limits"), s("--clear-usage-limit"),
               s("--clear-rotation"), s("--clear-alert-emails"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    sent = writes();
    QCOMPARE(sent.size(), 1);
    const QJsonValue null(QJsonValue::Null);
    QCOMPARE(sent[0].body.toObject(), (QJsonObject{{s("expires_at"), null},
                                                   {s("rate_limits"), null},
                                                   {s("usage_limits"), null},
                                                   {s("rotation_policy"), null},
                                                   {s("alert_emails"), null}}));
    const QJsonObject after = r.json().object();
    QCOMPARE(after.value(s("name")).toString(), s("Renamed"));
    QVERIFY(after.value(s("expires_at")).isNull() || !after.contains(s("expires_at")));
    QVERIFY(!after.contains(s("rotation_policy")));
    QVERIFY(after.value(s("rate_limits")).toArray().isEmpty());

    // Reset usage: confirmed with --yes, sent as reset_usage: true.
    m_server->clearRecordedRequests();
    r = owner({s("update"), id, s("--reset-usage")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine() && r.err.contains("--yes"), r.err.constData());
    QVERIFY(writes().isEmpty());
    r = owner({s("update"), id, s("--reset-usage"), s("--yes")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(writes().size(), 1);
    QCOMPARE(writes().first().body.toObject(), (QJsonObject{{s("reset_usage"), true}}));

    // Type, user and workspace are fixed; nothing to change is an error.
    for (const QStringList &bad :
         {QStringList{s("--type"), s("user")}, QStringList{s("--user"), s("x@y.org")}, QStringList{}}) {
        m_server->clearRecordedRequests();
        r = owner(QStringList{s("update"), id} + bad);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.oneErrorLine(), r.err.constData());
        QVERIFY(writes().isEmpty());
    }
}

void TestCliKeys::rotateShowsSecretOnceAndOldSecretLastsTheTransition()
{
    const auto [id, oldSecret] = createKey(s("To rotate"));
    QVERIFY(!id.isEmpty());
    m_server->clearRecordedRequests();
    const QDateTime before = QDateTime::currentDateTimeUtc();
    Result r = owner({s("rotate"), id, s("--transition"), s("45m"), s("--yes"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject rotated = r.json().object();
    QCOMPARE(rotated.keys(), (QStringList{s("id"), s("key"), s("key_transition_expires_at")}));
    const QString newSecret = rotated.value(s("key")).toString();
    QVERIFY(!newSecret.isEmpty() && newSecret != oldSecret);
    const QList<sandbox::RecordedRequest> sent = writes();
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent[0].path, QString(s("/v1/api-keys/") + id + s("/rotate")));
    QCOMPARE(sent[0].body.toObject(), (QJsonObject{{s("key_transition_period_ms"), 2700000}}));
    const QDateTime until =
        QDateTime::fromString(rotated.value(s("key_transition_expires_at")).toString(), Qt::ISODateWithMs);
    QVERIFY(qAbs(until.secsTo(before.addSecs(45 * 60))) < 60);

    // Both secrets work during the transition; the old one stops at its end.
    const sandbox::Organisation &org = m_server->organisation();
    QVERIFY(org.authenticate(oldSecret).has_value());
    QVERIFY(org.authenticate(newSecret).has_value());
    m_server->setNow(until.addSecs(1));
    QVERIFY(!org.authenticate(oldSecret).has_value());
    QVERIFY(org.authenticate(newSecret).has_value());
    m_server->setNow(QDateTime());

    // Rotating again during the transition is refused locally, with the reason.
    m_server->clearRecordedRequests();
    r = owner({s("rotate"), id, s("--yes")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("already being rotated") && r.err.contains("UTC"), r.err.constData());
    QVERIFY(writes().isEmpty());

    // Text mode: the new secret once, and until when the old one is valid, local (Berlin) and UTC.
    const auto [id2, secret2] = createKey(s("To rotate in text"));
    r = owner({s("rotate"), id2, s("--yes")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QByteArray newText = r.out.split('\n').value(2);
    QVERIFY(!newText.isEmpty() && newText != secret2.toUtf8());
    QCOMPARE(r.out.count(newText), 1);
    QVERIFY2(r.out.contains("Old secret valid until ") && r.out.contains(" UTC)") &&
                 (r.out.contains("CET") || r.out.contains("CEST")),
             r.out.constData());
}

void TestCliKeys::rotateOwnKeyUpdatesTheKeychain()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const sandbox::Persona admin = *server.persona(s("admin"));
    const QString ownId = server.organisation().authenticate(admin.apiKey)->keyId;
    Result r = run({s("profile"), s("add"), s("--name"), s("Self"), s("--url"), server.baseUrl().toString(),
                    s("--email"), admin.email},
                   admin.apiKey.toUtf8());
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({s("sync"), s("--profile"), s("Self")});
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({s("keys"), s("rotate"), ownId, s("--profile"), s("Self"), s("--yes"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.err.contains("keychain"), r.err.constData());
    const QString newSecret = r.json().object().value(s("key")).toString();
    const QDateTime until = QDateTime::fromString(
        r.json().object().value(s("key_transition_expires_at")).toString(), Qt::ISODateWithMs);
    QVERIFY(until.isValid());

    // After the transition only the new secret works; the profile already uses it (from the keychain).
    server.setNow(until.addSecs(60));
    QVERIFY(!server.organisation().authenticate(admin.apiKey).has_value());
    QVERIFY(server.organisation().authenticate(newSecret).has_value());
    r = run({s("keys"), s("list"), s("--refresh"), s("--profile"), s("Self"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(!r.json().array().isEmpty());
    r = run({s("profile"), s("remove"), s("Self")});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCliKeys::destructiveCommandsNeedYesWithoutTerminal()
{
    const auto [id, secret] = createKey(s("To revoke"));
    QVERIFY(!id.isEmpty());
    for (const QStringList &args : {QStringList{s("revoke"), id}, QStringList{s("rotate"), id}}) {
        m_server->clearRecordedRequests();
        const Result r = owner(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.oneErrorLine() && r.err.contains("--yes"), r.err.constData());
        QVERIFY(m_server->recordedRequests().isEmpty());
    }
    m_server->clearRecordedRequests();
    const Result r = owner({s("revoke"), id, s("--yes"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.json().object().value(s("revoked")).toArray(), QJsonArray{id});
    QCOMPARE(writes().size(), 1);
    QCOMPARE(writes().first().method, s("DELETE"));
    QVERIFY(!m_server->organisation().authenticate(secret).has_value());
}

void TestCliKeys::revokeSameIdTwiceRevokesOnce()
{
    const auto [id, secret] = createKey(s("Revoked twice over"));
    QVERIFY(!id.isEmpty());
    m_server->clearRecordedRequests();
    const Result r = owner({s("revoke"), id, id, s("--yes"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.json().object().value(s("revoked")).toArray(), QJsonArray{id});
    QVERIFY(r.json().object().value(s("failed")).toArray().isEmpty());
    QCOMPARE(writes().size(), 1);
    QVERIFY(!m_server->organisation().authenticate(secret).has_value());
}

void TestCliKeys::serverTextCannotControlTheTerminal()
{
    // A key name with markup, a clear-screen CSI, a window-title OSC and a bidi override, as a hostile
    // server (or a colleague) could set it.
    const QString evil = QString::fromUtf8("<b>x</b>\x1b[2J\x1b]0;pwned\x07\u202Egnp.exe");
    const auto [id, secret] = createKey(evil);
    QVERIFY(!id.isEmpty());
    const auto clean = [](const QByteArray &bytes) {
        return !bytes.contains('\x1b') && !bytes.contains('\x07') && !bytes.contains("\xe2\x80\xae");
    };
    for (const QStringList &args : {QStringList{s("list")}, QStringList{s("show"), id}}) {
        const Result r = owner(args);
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(clean(r.out), r.out.constData());
        QVERIFY(r.out.contains("<b>x</b>gnp.exe")); // shown as plain text, markup included
    }
    // JSON keeps the exact name; the encoder escapes the control characters (\u001b, \u0007).
    const Result json = owner({s("show"), id, s("--json")});
    QCOMPARE(json.json().object().value(s("name")).toString(), evil);
    QVERIFY(!json.out.contains('\x1b') && !json.out.contains('\x07'));
    // Failures too: an id echoed in a failure cannot clear the screen.
    const Result refused = run({s("keys"), s("show"), QString(s("\x1b[2Jmissing"))});
    QVERIFY(refused.oneErrorLine());
    QVERIFY2(clean(refused.err), refused.err.constData());
    QVERIFY(owner({s("revoke"), id, s("--yes")}).code == 0);
}

void TestCliKeys::jsonFailureIsJsonOnStdout()
{
    const Result r = owner({s("show"), s("no-such-key"), s("--json")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    const QJsonObject o = r.json().object();
    QVERIFY2(o.value(s("error")).toString().contains(s("no-such-key")), r.out.constData());
    QVERIFY(o.value(s("hint")).toString().contains(s("keys list")));
    // A usage error found while parsing the command line is JSON as well.
    const Result usage = run({s("keys"), s("list"), s("--no-such-option"), s("--json")});
    QCOMPARE(usage.code, 2);
    QVERIFY(usage.oneErrorLine());
    QVERIFY2(!usage.json().object().value(s("error")).toString().isEmpty(), usage.out.constData());
}

void TestCliKeys::showPrintsEveryField()
{
    const auto [id, secret] = createKey(s("To show"), {s("--description"),
                                                       s("Shown"),
                                                       s("--expires"),
                                                       s("2031-07-01T10:00:00Z"),
                                                       s("--rate-limit"),
                                                       s("requests:rpm:0"),
                                                       s("--usage-limit"),
                                                       s("cost:50"),
                                                       s("--alert-threshold"),
                                                       s("40"),
                                                       s("--rotation"),
                                                       s("monthly"),
                                                       s("--transition"),
                                                       s("2h"),
                                                       s("--alert-email"),
                                                       s("ops@example.org"),
                                                       s("--metadata"),
                                                       s("team=x"),
                                                       s("--config-id"),
                                                       s("pc-1"),
                                                       s("--yes")});
    QVERIFY(!id.isEmpty());
    const Result r = owner({s("show"), id});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString text = QString::fromUtf8(r.out);
    for (const char *expected :
         {"To show", "Shown", "Service key (workspace-service)", "requests rpm: 0 (blocks all traffic)",
          "50 USD (alert at 40)", "2031-07-01 12:00 CEST (2031-07-01 10:00 UTC)", "monthly, transition 2 h",
          "none in progress", "ops@example.org", "team=x", "pc-1", "Created:", "Updated:", "active"})
        QVERIFY2(text.contains(QString::fromUtf8(expected)),
                 qPrintable(QString(s(expected) + s("\n") + text)));
    QVERIFY(text.contains(ownerWorkspace()));
    QVERIFY(!r.out.contains(secret.toUtf8()));
}

void TestCliKeys::refusedLocallyWithThePolicysReason()
{
    // A read-only Admin key sees every key but may change none: update, rotate and revoke are refused before
    // sending, each with the reason `whoami` gives for that action in that workspace.
    const sandbox::Persona readonly = *m_server->persona(s("readonly-admin"));
    Result r = run({s("profile"), s("add"), s("--name"), s("ReadOnly"), s("--url"),
                    m_server->baseUrl().toString(), s("--email"), readonly.email},
                   readonly.apiKey.toUtf8());
    QVERIFY2(r.code == 0, r.err.constData());
    const QStringList profile{s("--profile"), s("ReadOnly")};
    r = run(QStringList{s("whoami"), s("--json"), s("--refresh")} + profile);
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject whoami = r.json().object();
    r = run(QStringList{s("keys"), s("list"), s("--json")} + profile);
    QVERIFY2(r.code == 0, r.err.constData());
    QJsonObject victim;
    for (const QJsonValue &k : r.json().array()) {
        if (k.toObject().value(s("type")).toString() == s("workspace-service"))
            victim = k.toObject();
    }
    QVERIFY(!victim.isEmpty());
    const QString id = victim.value(s("id")).toString();
    // Keys name their workspace by slug; whoami by id.
    QString workspaceId;
    for (const QJsonValue &w :
         run(QStringList{s("workspaces"), s("list"), s("--json")} + profile).json().array()) {
        if (w.toObject().value(s("slug")) == victim.value(s("workspace_id")) ||
            w.toObject().value(s("id")) == victim.value(s("workspace_id")))
            workspaceId = w.toObject().value(s("id")).toString();
    }
    QVERIFY(!workspaceId.isEmpty());

    const QList<std::pair<QStringList, const char *>> commands{
        {{s("update"), id, s("--name"), s("Mine now")}, "service_key.update"},
        {{s("update"), id, s("--reset-usage"), s("--yes")}, "service_key.update"},
        {{s("rotate"), id, s("--yes")}, "service_key.rotate"},
        {{s("revoke"), id, s("--yes")}, "service_key.delete"},
    };
    for (const auto &[args, action] : commands) {
        const QJsonObject d = decisionOf(whoami, s(action), workspaceId);
        QVERIFY2(!d.isEmpty() && !d.value(s("allowed")).toBool(), action);
        m_server->clearRecordedRequests();
        r = run(QStringList{s("keys")} + args + profile);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.oneErrorLine(), r.err.constData());
        QVERIFY2(r.err.contains(QString(s(": ") + d.value(s("reason")).toString() + s(". ")).toUtf8()),
                 qPrintable(QString(d.value(s("reason")).toString() + s(" / ") + QString::fromUtf8(r.err))));
        QVERIFY(m_server->recordedRequests().isEmpty()); // refused before sending
    }
    r = run({s("profile"), s("remove"), s("ReadOnly")});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCliKeys::whoamiAndPolicyMatchTheServer_data()
{
    QTest::addColumn<QString>("persona");
    const sandbox::SandboxServer server;
    for (const sandbox::Persona &p : server.personas())
        QTest::newRow(qPrintable(p.name)) << p.name;
    QCOMPARE(server.personas().size(), 7);
}

void TestCliKeys::whoamiAndPolicyMatchTheServer()
{
    QFETCH(QString, persona);
    Result r = run({s("whoami"), s("--sandbox"), s("--persona"), persona, s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject whoami = r.json().object();

    // The same seeded organisation here: whoami equals the policy's document for the principal resolved
    // from the same reads.
    sandbox::SandboxServer seeded;
    QVERIFY(seeded.listen());
    const sandbox::Persona p = *seeded.persona(persona);
    QStringList visible;
    const access::Principal principal = resolvePersona(seeded, p, &visible);
    QCOMPARE(whoami, access::whoamiJson(principal, visible));
    QCOMPARE(whoami.value(s("principal")).toObject().value(s("key_type")).toString(), p.keyType);

    // One representative call per action family, done on a fresh organisation with the persona's key.
    const Answer workspaces =
        call(seeded, seeded.persona(s("owner"))->apiKey, "GET", s("/admin/workspaces"), pageOf100());
    const QString first = workspaces.data().first().toObject().value(s("id")).toString();
    const QString home = p.workspace.isEmpty() ? first : p.workspace;
    const QString outside = [&] {
        for (const QJsonValue &w : workspaces.data()) {
            if (w.toObject().value(s("id")).toString() != home)
                return w.toObject().value(s("id")).toString();
        }
        return QString();
    }();
    struct Probe
    {
        const char *action;
        QString workspace;
        QByteArray method;
        QString path;
        QUrlQuery query;
        std::optional<QJsonObject> body;
    };
    QUrlQuery audit;
    audit.addQueryItem(s("organisation_id"),
                       call(seeded, seeded.persona(s("owner"))->apiKey, "GET", s("/api-keys"), pageOf100())
                           .data()
                           .first()
                           .toObject()
                           .value(s("organisation_id"))
                           .toString());
    audit.addQueryItem(s("start_time"), s("2000-01-01T00:00:00Z"));
    audit.addQueryItem(s("end_time"), s("2100-01-01T00:00:00Z"));
    const QList<Probe> probes{
        {"workspace.update",
         home,
         "PUT",
         QString(s("/admin/workspaces/") + home),
         {},
         QJsonObject{{s("description"), s("checked")}}},
        {"member.list", home, "GET", QString(s("/admin/workspaces/") + home + s("/users")), pageOf100(), {}},
        {"user.list", {}, "GET", s("/admin/users"), pageOf100("pageSize"), {}},
        {"invite.list", {}, "GET", s("/admin/users/invites"), pageOf100("pageSize"), {}},
        {"audit_log.list", {}, "GET", s("/audit-logs"), audit, {}},
    };
    int checked = 0;
    // A decision allowed on assumed facts may meet a 403 AB03 (the session then learns it, see tests/access);
    // anything else must agree with the server both ways.
    const auto agrees = [](const access::Decision &d, const Answer &a) {
        return d.allowed == a.ok() || (d.allowed && d.assumed && a.status == 403 && a.code == s("AB03"));
    };
    for (const Probe &probe : probes) {
        const QJsonObject shown = decisionOf(whoami, s(probe.action), probe.workspace);
        QVERIFY2(!shown.isEmpty(), probe.action);
        const access::Decision d =
            access::AccessPolicy::decide(principal, *access::actionFromName(s(probe.action)),
                                         access::Target::forWorkspace(probe.workspace));
        QCOMPARE(shown.value(s("allowed")).toBool(), d.allowed);
        QCOMPARE(shown.value(s("reason")).toString(), d.reason);
        sandbox::SandboxServer fresh;
        QVERIFY(fresh.listen());
        const Answer a = call(fresh, p.apiKey, probe.method, probe.path, probe.query, probe.body);
        const QString where = QString(persona + s(" × ") + s(probe.action) + s(": ") + d.reason +
                                      s("; server ") + QString::number(a.status));
        QVERIFY2(agrees(d, a), qPrintable(where));
        ++checked;
    }

    // The key families through the CLI itself: allowed → done by the server; denied → refused before sending
    // with the policy's reason, and refused by the server too.
    const QString memberOfHome = [&] {
        const Answer m = call(seeded, seeded.persona(s("owner"))->apiKey, "GET",
                              QString(s("/admin/workspaces/") + home + s("/users")), pageOf100());
        return m.data().first().toObject().value(s("id")).toString();
    }();
    struct Create
    {
        const char *action;
        QString workspace;
        QStringList args;
        QString path;
        QJsonObject body;
    };
    const QList<Create> creates{
        {"admin_key.create",
         {},
         {s("--type"), s("admin"), s("--scope"), s("workspaces.list")},
         s("/api-keys/organisation/service"),
         QJsonObject{{s("name"), s("Family check")}, {s("scopes"), QJsonArray{s("workspaces.list")}}}},
        {"service_key.create",
         home,
         {s("--workspace"), home, s("--scope"), s("completions.write")},
         s("/api-keys/workspace/service"),
         QJsonObject{{s("name"), s("Family check")},
                     {s("workspace_id"), home},
                     {s("scopes"), QJsonArray{s("completions.write")}}}},
        {"service_key.create",
         outside,
         {s("--workspace"), outside, s("--scope"), s("completions.write")},
         s("/api-keys/workspace/service"),
         QJsonObject{{s("name"), s("Family check")},
                     {s("workspace_id"), outside},
                     {s("scopes"), QJsonArray{s("completions.write")}}}},
        {"user_key.create",
         home,
         {s("--type"), s("user"), s("--workspace"), home, s("--user"), memberOfHome, s("--scope"),
          s("completions.write")},
         s("/api-keys/workspace/user"),
         QJsonObject{{s("name"), s("Family check")},
                     {s("workspace_id"), home},
                     {s("user_id"), memberOfHome},
                     {s("scopes"), QJsonArray{s("completions.write")}}}},
    };
    for (const Create &c : creates) {
        // What the CLI decides before sending (decideCreateKey); where whoami lists the action, it agrees.
        const QStringList path = c.path.split(QLatin1Char('/'));
        const access::Decision d =
            access::AccessPolicy::decideCreateKey(principal, path.value(2), path.value(3), c.workspace,
                                                  c.body.value(s("scopes")).toVariant().toStringList());
        const QJsonObject shown = decisionOf(whoami, s(c.action), c.workspace);
        if (!shown.isEmpty())
            QCOMPARE(shown.value(s("allowed")).toBool(), d.allowed);
        const Result cli =
            run(QStringList{s("keys"), s("create"), s("--sandbox"), s("--persona"), persona, s("--name"),
                            s("Family check"), s("--expires"), s("30d"), s("--usage-limit"), s("cost:5")} +
                c.args);
        sandbox::SandboxServer fresh;
        QVERIFY(fresh.listen());
        const Answer a = call(fresh, p.apiKey, "POST", c.path, {}, c.body);
        const QString where =
            QString(persona + s(" × ") + s(c.action) + s(" in ") + c.workspace + s(": ") + d.reason +
                    s("; CLI ") + QString::fromUtf8(cli.err) + s("; server ") + QString::number(a.status));
        QVERIFY2(agrees(d, a), qPrintable(where));
        if (d.allowed) {
            // Done by the server, or (assumed facts) refused by it just as when asked directly.
            QVERIFY2(a.ok() ? cli.code == 0 : (cli.code == 1 && cli.oneErrorLine()), qPrintable(where));
        } else {
            QVERIFY2(cli.code == 1 && cli.oneErrorLine(), qPrintable(where));
            QVERIFY2(cli.err.contains(QString(s("not allowed: ") + d.reason).toUtf8()), qPrintable(where));
        }
        ++checked;
    }
    QCOMPARE(checked, 9);
}

QTEST_GUILESS_MAIN(TestCliKeys)
#include "tst_cli_keys.moc"
