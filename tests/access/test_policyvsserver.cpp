// The access policy against the real sandbox server over HTTP on 127.0.0.1 (issue 5 "Tests"): for every
// seeded persona, the principal is resolved from real probing reads, and every decision — each action, in
// every seeded workspace — is checked by really performing the action on a fresh server with the persona's
// key. No false disables: whatever the policy denies, the server refuses too. No false enables on known
// facts: whatever the policy allows from known facts succeeds; a decision allowed on assumed facts may be
// refused (403 AB03), and then learnDenial() turns it into a denial.
#include "access/accesspolicy.h"
#include "access/principalresolver.h"
#include "sandbox/sandboxserver.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace pk;
using namespace pk::access;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

struct Answer
{
    int status = 0;
    QJsonObject body;
    QString code; ///< the Admin `errorCode` of an error body

    bool ok() const { return status >= 200 && status < 300; }
    QJsonArray data() const { return body.value(s("data")).toArray(); }
};

/// One request to build: method, path under the base URL, query and optional JSON body.
struct Request
{
    QByteArray method;
    QString path;
    QUrlQuery query;
    std::optional<QJsonObject> body;
};

/// A fresh seeded sandbox on 127.0.0.1 and a plain HTTP client for it.
class Fresh
{
public:
    Fresh() : m_server(std::make_unique<sandbox::SandboxServer>())
    {
        if (!m_server->listen())
            qFatal("sandbox did not listen: %s", qPrintable(m_server->errorString()));
        m_owner = m_server->persona(s("owner"))->apiKey;
    }

    sandbox::SandboxServer &server() { return *m_server; }

    Answer call(const QString &key, const Request &r)
    {
        QUrl url = m_server->baseUrl();
        url.setPath(QString(url.path() + r.path));
        url.setQuery(r.query);
        QNetworkRequest request(url);
        request.setRawHeader("x-portkey-api-key", key.toUtf8());
        QByteArray payload;
        if (r.body) {
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            payload = QJsonDocument(*r.body).toJson(QJsonDocument::Compact);
        }
        QNetworkReply *reply = m_nam.sendCustomRequest(request, r.method, payload);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        Answer a;
        if (!reply->isFinished()) {
            reply->abort();
        } else {
            a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            a.body = QJsonDocument::fromJson(reply->readAll()).object();
            a.code = a.body.value(s("data")).toObject().value(s("errorCode")).toString();
        }
        reply->deleteLater();
        return a;
    }

    /// GET with the owner's key, for finding targets.
    QJsonArray ownerList(const QString &path, const QUrlQuery &query = {})
    {
        const Answer a = call(m_owner, {"GET", path, query, std::nullopt});
        if (!a.ok())
            qFatal("owner could not list %s: %d", qPrintable(path), a.status);
        return a.data();
    }

private:
    std::unique_ptr<sandbox::SandboxServer> m_server;
    QNetworkAccessManager m_nam;
    QString m_owner;
};

QUrlQuery query(std::initializer_list<std::pair<QString, QString>> items)
{
    QUrlQuery q;
    for (const auto &[k, v] : items)
        q.addQueryItem(k, v);
    return q;
}

ProbeResult probe(const Answer &a)
{
    if (a.ok())
        return ProbeResult::Ok;
    return a.status == 403 ? ProbeResult::Forbidden : ProbeResult::Failed;
}

/// Resolves `persona` from the reads the sync engine makes: keys, workspaces, users, member lists.
Principal resolvePersona(const sandbox::Persona &persona)
{
    Fresh f;
    ResolverInput in;
    in.setKeyHint(persona.apiKey.toUtf8());
    in.profileEmail = persona.email;
    const QString key = persona.apiKey;
    Answer a = f.call(key, {"GET", s("/api-keys"), query({{s("page_size"), s("100")}}), std::nullopt});
    in.keysList = probe(a);
    for (const QJsonValue &v : a.data())
        in.keys.append(ApiKey::fromJson(v.toObject()));
    a = f.call(key, {"GET", s("/admin/workspaces"), query({{s("page_size"), s("100")}}), std::nullopt});
    in.workspacesList = probe(a);
    for (const QJsonValue &v : a.data())
        in.workspaces.append(Workspace::fromJson(v.toObject()));
    a = f.call(key, {"GET", s("/admin/users"), query({{s("pageSize"), s("100")}}), std::nullopt});
    in.usersList = probe(a);
    for (const QJsonValue &v : a.data())
        in.users.append(User::fromJson(v.toObject()));
    for (const Workspace &ws : std::as_const(in.workspaces)) {
        a = f.call(key, {"GET", QString(s("/admin/workspaces/") + ws.id + s("/users")),
                         query({{s("page_size"), s("100")}}), std::nullopt});
        in.memberLists.insert(ws.id, probe(a));
        for (const QJsonValue &v : a.data()) {
            WorkspaceMember m = WorkspaceMember::fromJson(v.toObject());
            if (m.workspaceId.isEmpty())
                m.workspaceId = ws.id;
            in.members.append(m);
        }
    }
    return PrincipalResolver::resolve(in);
}

/// What to do on the server for one (action, workspace), and the policy target describing it.
struct Check
{
    Request request;
    Target target;
    QString listedType; ///< key list actions: the key type whose presence shows the list was granted
    int expectedOfType = 0;
};

QJsonObject firstWhere(const QJsonArray &items, const std::function<bool(const QJsonObject &)> &pred)
{
    for (const QJsonValue &v : items) {
        if (pred(v.toObject()))
            return v.toObject();
    }
    return {};
}

Check prepare(Fresh &f, Action action, const Workspace &ws)
{
    Check c;
    c.target.workspaceId = ws.id;
    const QString wsPath = QString(s("/admin/workspaces/") + ws.id);
    const QUrlQuery all = query({{s("page_size"), s("100")}});
    const auto keysOfType = [&](const QString &type, bool inWorkspace) {
        const QJsonArray keys =
            f.ownerList(s("/api-keys"),
                        inWorkspace ? query({{s("page_size"), s("100")}, {s("workspace_id"), ws.id}}) : all);
        QJsonArray out;
        for (const QJsonValue &v : keys) {
            if (v.toObject().value(s("type")).toString() == type)
                out.append(v);
        }
        return out;
    };
    const auto keyCheck = [&](const QString &type, bool inWorkspace, KeyVerb verb) {
        if (verb == KeyVerb::List) {
            c.listedType = type;
            c.expectedOfType = int(keysOfType(type, inWorkspace).size());
            c.request = {"GET", s("/api-keys"),
                         inWorkspace ? query({{s("page_size"), s("100")}, {s("workspace_id"), ws.id}}) : all,
                         std::nullopt};
            return;
        }
        if (verb == KeyVerb::Create) {
            QJsonObject body{{s("name"), s("Policy check")},
                             {s("scopes"), QJsonArray{s("completions.write")}}};
            QString path = s("/api-keys/organisation/service");
            if (type == s("organisation-service")) {
                body.insert(s("scopes"), QJsonArray{s("workspaces.list")});
            } else {
                body.insert(s("workspace_id"), ws.id);
                path = type == s("workspace-service") ? s("/api-keys/workspace/service")
                                                      : s("/api-keys/workspace/user");
                if (type == s("workspace-user")) {
                    const QJsonArray members = f.ownerList(QString(wsPath + s("/users")), all);
                    body.insert(s("user_id"), members.first().toObject().value(s("id")).toString());
                }
            }
            c.request = {"POST", path, {}, body};
            return;
        }
        const QJsonArray candidates = keysOfType(type, inWorkspace);
        if (candidates.isEmpty())
            qFatal("the seed has no %s key in %s", qPrintable(type), qPrintable(ws.id));
        const ApiKey key = ApiKey::fromJson(candidates.first().toObject());
        c.target = Target::forKey(key); // names the workspace by slug, as key objects do
        if (type == s("organisation-service"))
            c.target.workspaceId.clear();
        const QString path = QString(s("/api-keys/") + key.id);
        switch (verb) {
        case KeyVerb::Update:
            c.request = {"PUT", path, {}, QJsonObject{{s("description"), s("checked by the policy test")}}};
            break;
        case KeyVerb::Rotate:
            c.request = {"POST", QString(path + s("/rotate")), {}, QJsonObject{}};
            break;
        default:
            c.request = {"DELETE", path, {}, std::nullopt};
            break;
        }
    };

    switch (action) {
    case Action::WorkspaceList:
        c.target = {};
        c.request = {"GET", s("/admin/workspaces"), all, std::nullopt};
        break;
    case Action::WorkspaceCreate:
        c.target = {};
        c.request = {"POST", s("/admin/workspaces"), {}, QJsonObject{{s("name"), s("Policy check")}}};
        break;
    case Action::WorkspaceUpdate:
        c.request = {"PUT", wsPath, {}, QJsonObject{{s("description"), s("checked")}}};
        break;
    case Action::WorkspaceDelete:
        c.request = {"DELETE", wsPath, {}, QJsonObject{{s("name"), ws.name}, {s("force_delete"), true}}};
        break;
    case Action::MemberList:
        c.request = {"GET", QString(wsPath + s("/users")), all, std::nullopt};
        break;
    case Action::MemberAdd: {
        const QJsonArray members = f.ownerList(QString(wsPath + s("/users")), all);
        const QJsonObject outsider = firstWhere(
            f.ownerList(s("/admin/users"), query({{s("pageSize"), s("100")}})), [&](const QJsonObject &u) {
                return firstWhere(members,
                                  [&](const QJsonObject &m) { return m.value(s("id")) == u.value(s("id")); })
                    .isEmpty();
            });
        if (outsider.isEmpty())
            qFatal("every seeded user is a member of %s", qPrintable(ws.id));
        c.target.userId = outsider.value(s("id")).toString();
        c.target.role = s("member");
        c.request = {"POST",
                     QString(wsPath + s("/users")),
                     {},
                     QJsonObject{{s("users"), QJsonArray{QJsonObject{{s("id"), c.target.userId},
                                                                     {s("role"), s("member")}}}}}};
        break;
    }
    case Action::MemberUpdateRole:
    case Action::MemberRemove: {
        const QJsonObject m = f.ownerList(QString(wsPath + s("/users")), all).first().toObject();
        c.target.userId = m.value(s("id")).toString();
        const QString path = QString(wsPath + s("/users/") + c.target.userId);
        if (action == Action::MemberRemove) {
            c.request = {"DELETE", path, {}, std::nullopt};
        } else {
            c.target.role = m.value(s("role")).toString() == s("member") ? s("manager") : s("member");
            c.request = {"PUT", path, {}, QJsonObject{{s("role"), c.target.role}}};
        }
        break;
    }
    case Action::UserList:
        c.target = {};
        c.request = {"GET", s("/admin/users"), query({{s("pageSize"), s("100")}}), std::nullopt};
        break;
    case Action::UserUpdateRole:
    case Action::UserRemove: {
        const QJsonObject u =
            firstWhere(f.ownerList(s("/admin/users"), query({{s("pageSize"), s("100")}})),
                       [](const QJsonObject &o) { return o.value(s("role")) == s("member"); });
        c.target = {};
        c.target.userId = u.value(s("id")).toString();
        c.target.userRole = s("member");
        const QString path = QString(s("/admin/users/") + c.target.userId);
        if (action == Action::UserRemove) {
            c.request = {"DELETE", path, {}, std::nullopt};
        } else {
            c.target.role = s("admin");
            c.request = {"PUT", path, {}, QJsonObject{{s("role"), s("admin")}}};
        }
        break;
    }
    case Action::InviteList:
        c.target = {};
        c.request = {"GET", s("/admin/users/invites"), query({{s("pageSize"), s("100")}}), std::nullopt};
        break;
    case Action::InviteCreate:
        c.target = {};
        c.target.role = s("member");
        c.request = {"POST",
                     s("/admin/users/invites"),
                     {},
                     QJsonObject{{s("email"), s("policy.check@example.org")},
                                 {s("role"), s("member")},
                                 {s("workspaces"),
                                  QJsonArray{QJsonObject{{s("id"), ws.slug}, {s("role"), s("member")}}}}}};
        break;
    case Action::InviteResend:
    case Action::InviteDelete: {
        const QJsonObject inv =
            firstWhere(f.ownerList(s("/admin/users/invites"), query({{s("pageSize"), s("100")}})),
                       [](const QJsonObject &o) { return o.value(s("status")) == s("pending"); });
        if (inv.isEmpty())
            qFatal("the seed has no pending invite");
        c.target = {};
        const QString path = QString(s("/admin/users/invites/") + inv.value(s("id")).toString());
        c.request = action == Action::InviteResend
                        ? Request{"POST", QString(path + s("/resend")), {}, QJsonObject{}}
                        : Request{"DELETE", path, {}, std::nullopt};
        break;
    }
    case Action::AuditLogList: {
        c.target = {};
        const QString organisation =
            f.ownerList(s("/api-keys"), all).first().toObject().value(s("organisation_id")).toString();
        c.request = {"GET", s("/audit-logs"),
                     query({{s("organisation_id"), organisation},
                            {s("start_time"), s("2000-01-01T00:00:00Z")},
                            {s("end_time"), s("2100-01-01T00:00:00Z")}}),
                     std::nullopt};
        break;
    }
    default: {
        // Key actions.
        static const QList<std::pair<KeyType, QString>> types{
            {KeyType::OrganisationService, s("organisation-service")},
            {KeyType::WorkspaceService, s("workspace-service")},
            {KeyType::WorkspaceUser, s("workspace-user")}};
        for (const auto &[type, wire] : types) {
            for (const KeyVerb verb :
                 {KeyVerb::List, KeyVerb::Create, KeyVerb::Update, KeyVerb::Rotate, KeyVerb::Delete}) {
                if (keyAction(type, verb) == action) {
                    if (type == KeyType::OrganisationService)
                        c.target = {};
                    keyCheck(wire, type != KeyType::OrganisationService, verb);
                }
            }
        }
        break;
    }
    }
    return c;
}

/// Whether the server granted the action: a 2xx, and for key lists, keys of the listed type came back.
bool granted(const Check &c, const Answer &a)
{
    if (!a.ok())
        return false;
    if (c.listedType.isEmpty() || c.expectedOfType == 0)
        return true;
    int ofType = 0;
    for (const QJsonValue &v : a.data())
        ofType += v.toObject().value(s("type")).toString() == c.listedType ? 1 : 0;
    return ofType > 0;
}

QList<Workspace> seededWorkspaces()
{
    Fresh f;
    QList<Workspace> out;
    for (const QJsonValue &v : f.ownerList(s("/admin/workspaces"), query({{s("page_size"), s("100")}})))
        out.append(Workspace::fromJson(v.toObject()));
    return out;
}

} // namespace

class TestPolicyVsServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QLoggingCategory::setFilterRules(s("pk.sandbox.debug=false\npk.sandbox.info=false"));
    }
    void persona_data();
    void persona();
};

void TestPolicyVsServer::persona_data()
{
    QTest::addColumn<QString>("name");
    const sandbox::SandboxServer server;
    for (const sandbox::Persona &p : server.personas())
        QTest::newRow(qPrintable(p.name)) << p.name;
    QVERIFY(server.personas().size() >= 4);
}

void TestPolicyVsServer::persona()
{
    QFETCH(QString, name);
    const sandbox::SandboxServer seeded;
    const sandbox::Persona persona = *seeded.persona(name);
    const Principal principal = resolvePersona(persona);

    // Who is acting: the resolved principal agrees with the seeded persona wherever it claims to know.
    const QJsonObject who = principal.toJson();
    QCOMPARE(who.value(s("key_type")).toString(), persona.keyType);
    const bool userKey = persona.keyType == s("workspace-user");
    // Every key but a user key finds itself in the key list; a user key is inferred from refused reads.
    QCOMPARE(principal.keyTypeKnowledge, userKey ? Knowledge::Assumed : Knowledge::Known);
    if (!principal.workspace.isEmpty())
        QCOMPARE(principal.workspace, persona.workspace);
    if (!userKey) {
        QCOMPARE(principal.workspace, persona.workspace);
        QCOMPARE(principal.scopesKnowledge, Knowledge::Known);
    }
    if (principal.orgRole)
        QCOMPARE(*principal.orgRole, persona.orgRole);
    for (auto it = principal.workspaceRoles.cbegin(); it != principal.workspaceRoles.cend(); ++it)
        QCOMPARE(it.value(), persona.workspaceRoles.value(it.key()));

    // Every decision, for each action in every seeded workspace, against the server.
    const QList<Workspace> workspaces = seededWorkspaces();
    QVERIFY(workspaces.size() >= 3);
    int checks = 0, allowed = 0, assumedRefused = 0;
    for (const Action action : allActions()) {
        const QList<Workspace> targets = isWorkspaceAction(action) || action == Action::InviteCreate
                                             ? workspaces
                                             : QList<Workspace>{workspaces.first()};
        for (const Workspace &ws : targets) {
            Fresh f;
            const Check c = prepare(f, action, ws);
            const Decision d = AccessPolicy::decide(principal, action, c.target);
            const Answer a = f.call(persona.apiKey, c.request);
            const QString where =
                QString(name + s(" × ") + actionName(action) + s(" in ") + ws.name + s(": policy says ") +
                        d.reason + s("; server answered ") + QString::number(a.status) + s(" ") + a.code +
                        s(" ") + a.body.value(s("data")).toObject().value(s("message")).toString());
            ++checks;
            if (d.allowed) {
                ++allowed;
                if (granted(c, a))
                    continue;
                // Allowed on assumptions and refused: the refusal must teach the policy.
                QVERIFY2(d.assumed, qPrintable(QString(s("false enable: ") + where)));
                QVERIFY2(a.status == 403 && a.code == s("AB03"), qPrintable(where));
                Principal learned = principal;
                QVERIFY2(!learnDenial(learned, action, a.status, a.code).isEmpty(), qPrintable(where));
                QVERIFY2(!AccessPolicy::decide(learned, action, c.target).allowed, qPrintable(where));
                ++assumedRefused;
            } else {
                QVERIFY2(!granted(c, a), qPrintable(QString(s("false disable: ") + where)));
                if (c.listedType.isEmpty())
                    QVERIFY2(a.status == 403 || a.status == 400, qPrintable(where));
            }
        }
    }
    qInfo("%s: %d checks, %d allowed, %d allowed on assumptions and refused by the server", qPrintable(name),
          checks, allowed, assumedRefused);
    if (!userKey)
        QCOMPARE(assumedRefused, 0);
}

QTEST_GUILESS_MAIN(TestPolicyVsServer)
#include "test_policyvsserver.moc"
