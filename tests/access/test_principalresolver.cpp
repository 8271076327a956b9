// PrincipalResolver: who the connection key is, from what it could read (issue 5 "Who is acting").
#include "access/accesspolicy.h"
#include "access/principalresolver.h"

#include <QTest>

using namespace pk;
using namespace pk::access;

namespace {

const QString kProd = QStringLiteral("ws-production-1a2b3c");
const QString kStaging = QStringLiteral("ws-staging-4d5e6f");

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

ApiKey key(const char *id, const char *type, const char *masked, const char *workspaceSlug,
           QStringList scopes, const char *userId = "")
{
    ApiKey k;
    k.id = s(id);
    k.name = QString(s("key ") + s(id));
    k.type = s(type);
    k.maskedKey = s(masked);
    k.workspaceId = s(workspaceSlug);
    k.scopes = scopes;
    k.userId = s(userId);
    return k;
}

Workspace workspace(const QString &id, const char *slug, const char *name)
{
    Workspace w;
    w.id = id;
    w.slug = s(slug);
    w.name = s(name);
    return w;
}

WorkspaceMember member(const char *userId, const char *email, const char *orgRole, const QString &workspaceId,
                       const char *role)
{
    WorkspaceMember m;
    m.id = s(userId);
    m.email = s(email);
    m.orgRole = s(orgRole);
    m.workspaceId = workspaceId;
    m.role = s(role);
    return m;
}

User user(const char *id, const char *email, const char *role)
{
    User u;
    u.id = s(id);
    u.email = s(email);
    u.role = s(role);
    return u;
}

QList<Workspace> bothWorkspaces()
{
    return {workspace(kProd, "production", "Production"), workspace(kStaging, "staging", "Staging")};
}

} // namespace

class TestPrincipalResolver : public QObject
{
    Q_OBJECT

private slots:
    void keyHintKeepsOnlyTheEnds();
    void matchMasked();
    void uniqueMatch();
    void ambiguousMatch();
    void ambiguityResolvedByProbes();
    void noReadableListUsersReadable();
    void noReadableListUsersForbidden();
    void nothingProbed();
    void refusedProbesTeachMissingScopes();
    void humanFromUsersAndMembers();
    void userKeyCarriesItsOwner();
    void stateJsonRoundTrip();
};

void TestPrincipalResolver::keyHintKeepsOnlyTheEnds()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xkabcdefghijklmnop1234S4"));
    QCOMPARE(in.keyHead, s("Xk"));
    QCOMPARE(in.keyTail, s("S4"));
    in.setKeyHint(QByteArrayLiteral("abc"));
    QVERIFY(in.keyHead.isEmpty());
    QVERIFY(in.keyTail.isEmpty());
}

void TestPrincipalResolver::matchMasked()
{
    const QList<ApiKey> keys{key("a", "workspace-service", "Xk*******S4", "production", {}),
                             key("b", "workspace-service", "Xk*******S5", "production", {}),
                             key("c", "organisation-service", "Yk****S4", "", {}),
                             key("d", "workspace-user", "", "production", {})};
    const QList<ApiKey> found = PrincipalResolver::matchMasked(keys, s("Xk"), s("S4"));
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.constFirst().id, s("a"));
    QVERIFY(PrincipalResolver::matchMasked(keys, QString(), QString()).isEmpty());
}

void TestPrincipalResolver::uniqueMatch()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Ok;
    in.keys = {key("k-admin", "organisation-service", "Ab*******cd", "", {s("workspaces.list")}),
               key("k-mine", "workspace-service", "Xk*******S4", "production",
                   {s("workspace_service_api_keys.create"), s("workspaces.list")}),
               key("k-other", "workspace-user", "Xk*******S9", "staging", {s("completions.write")})};
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = bothWorkspaces();
    in.usersList = ProbeResult::Forbidden;

    const Principal p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyType, KeyType::WorkspaceService);
    QCOMPARE(p.keyTypeKnowledge, Knowledge::Known);
    QCOMPARE(p.keyId, s("k-mine"));
    QCOMPARE(p.keyName, s("key k-mine"));
    QCOMPARE(p.workspace, kProd); // the key names its workspace by slug; the principal holds the id
    QCOMPARE(p.workspaceKnowledge, Knowledge::Known);
    QCOMPARE(p.scopes,
             std::optional<QStringList>({s("workspace_service_api_keys.create"), s("workspaces.list")}));
    QCOMPARE(p.scopesKnowledge, Knowledge::Known);
    QCOMPARE(p.workspaceLabel(s("staging")), s("Staging"));
    QVERIFY(p.knownFacts().contains(s("key type: Service key (matched `key k-mine` in the key list)")));
    QVERIFY(p.knownFacts().contains(s("key workspace: Production")));
    QVERIFY(p.assumedFacts().isEmpty());
    QCOMPARE(p.unknownFacts(), QStringList{s("the organisation role")});

    const Decision d = AccessPolicy::decide(p, Action::ServiceKeyCreate, Target::forWorkspace(s("staging")));
    QCOMPARE(d.reason, s("workspace keys act only in workspace Production"));
}

void TestPrincipalResolver::ambiguousMatch()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Ok;
    in.keys = {key("k-1", "workspace-service", "Xk*******S4", "production", {s("workspaces.list")}),
               key("k-2", "workspace-service", "Xk*******S4", "staging", {s("completions.write")})};
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = bothWorkspaces();
    in.usersList = ProbeResult::Forbidden;

    const Principal p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyType, KeyType::WorkspaceService);
    QCOMPARE(p.keyTypeKnowledge, Knowledge::Assumed);
    QVERIFY(p.keyId.isEmpty());
    QVERIFY(p.workspace.isEmpty()); // the candidates disagree
    QCOMPARE(p.scopes, std::nullopt);
    QCOMPARE(p.assumedFacts(), QStringList{s("key type: Service key (from what the key could read)")});
    QVERIFY(p.unknownFacts().contains(s("the key's workspace")));
    QVERIFY(p.unknownFacts().contains(s("the key's scopes")));

    // Candidates that agree on workspace and scopes give those as assumptions.
    in.keys[1].workspaceId = s("production");
    in.keys[1].scopes = {s("workspaces.list")};
    const Principal q = PrincipalResolver::resolve(in);
    QCOMPARE(q.workspace, kProd);
    QCOMPARE(q.workspaceKnowledge, Knowledge::Assumed);
    QCOMPARE(q.scopes, std::optional<QStringList>(QStringList{s("workspaces.list")}));
    QCOMPARE(q.scopesKnowledge, Knowledge::Assumed);
    const Decision d = AccessPolicy::decide(q, Action::WorkspaceList);
    QVERIFY(d.allowed);
    QVERIFY(d.assumed);
}

void TestPrincipalResolver::ambiguityResolvedByProbes()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Ok;
    in.keys = {key("k-admin", "organisation-service", "Xk*******S4", "", {s("organisation_users.list")}),
               key("k-ws", "workspace-service", "Xk*******S4", "production", {s("workspaces.list")}),
               key("k-ws2", "workspace-service", "Xk*******S4", "staging", {s("workspaces.list")})};
    // Users readable: only an Admin key can do that.
    in.usersList = ProbeResult::Ok;
    Principal p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyId, s("k-admin"));
    QCOMPARE(p.keyTypeKnowledge, Knowledge::Known);
    QVERIFY(p.workspace.isEmpty());

    // Users refused and exactly one workspace visible: the workspace key of that workspace.
    in.usersList = ProbeResult::Forbidden;
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = {workspace(kStaging, "staging", "Staging")};
    p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyId, s("k-ws2"));
    QCOMPARE(p.workspace, kStaging);
    QCOMPARE(p.workspaceKnowledge, Knowledge::Known);
}

void TestPrincipalResolver::noReadableListUsersReadable()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Forbidden;
    in.usersList = ProbeResult::Ok;
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = bothWorkspaces();
    const Principal p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyType, KeyType::OrganisationService);
    QCOMPARE(p.keyTypeKnowledge, Knowledge::Assumed);
    QVERIFY(p.keyId.isEmpty());
    QVERIFY(p.workspace.isEmpty());
    QCOMPARE(p.scopes, std::nullopt);
    QCOMPARE(p.toJson().value(s("key_type")).toString(), s("organisation-service"));
}

void TestPrincipalResolver::noReadableListUsersForbidden()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Forbidden;
    in.usersList = ProbeResult::Forbidden;
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = {workspace(kProd, "production", "Production")};
    Principal p = PrincipalResolver::resolve(in);
    // Refused both keys and users: a workspace user key; it sees only its own workspace.
    QCOMPARE(p.keyType, KeyType::WorkspaceUser);
    QCOMPARE(p.keyTypeKnowledge, Knowledge::Assumed);
    QCOMPARE(p.workspace, kProd);
    QCOMPARE(p.workspaceKnowledge, Knowledge::Assumed);
    QVERIFY(p.assumedFacts().contains(s("key workspace: Production")));
    Decision d = AccessPolicy::decide(p, Action::ServiceKeyList);
    QVERIFY(!d.allowed);
    QVERIFY(d.assumed);

    // Keys readable but the key is not among them: a workspace service key.
    in.keysList = ProbeResult::Ok;
    in.keys = {key("k-1", "workspace-service", "Ab*******cd", "production", {})};
    p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyType, KeyType::WorkspaceService);
    QCOMPARE(p.keyTypeKnowledge, Knowledge::Assumed);
    d = AccessPolicy::decide(p, Action::ServiceKeyList);
    QVERIFY(d.allowed);
    QVERIFY(d.assumed);
}

void TestPrincipalResolver::nothingProbed()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    const Principal p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyType, KeyType::Unknown);
    QCOMPARE(p.keyTypeKnowledge, Knowledge::Unknown);
    QVERIFY(p.knownFacts().isEmpty());
    QVERIFY(p.assumedFacts().isEmpty());
    QCOMPARE(p.unknownFacts(), (QStringList{s("the key's type"), s("the key's workspace"),
                                            s("the key's scopes"), s("the organisation role")}));
}

void TestPrincipalResolver::refusedProbesTeachMissingScopes()
{
    // A user key that may read its workspace but not list members (the sandbox's `org-member` persona).
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Forbidden;
    in.usersList = ProbeResult::Forbidden;
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = {workspace(kProd, "production", "Production")};
    in.memberLists = {{s("production"), ProbeResult::Forbidden}};
    Principal p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyType, KeyType::WorkspaceUser);
    // Key and user lists are refused to every user key: that teaches nothing about its scopes.
    QCOMPARE(p.learnedMissingScopes, QSet<QString>{s("workspace_users.list")});
    Decision d = AccessPolicy::decide(p, Action::MemberList);
    QVERIFY(!d.allowed);
    QCOMPARE(d.missingScope, s("workspace_users.list"));

    // An Admin key refused users, keys and workspaces lacks each list scope.
    in = ResolverInput();
    in.keysList = ProbeResult::Forbidden;
    in.usersList = ProbeResult::Ok;
    in.workspacesList = ProbeResult::Forbidden;
    p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyType, KeyType::OrganisationService);
    QCOMPARE(p.learnedMissingScopes,
             (QSet<QString>{s("workspaces.list"), s("organisation_service_api_keys.list"),
                            s("workspace_service_api_keys.list"), s("workspace_user_api_keys.list")}));
    QVERIFY(!AccessPolicy::decide(p, Action::WorkspaceList).allowed);
    QVERIFY(AccessPolicy::decide(p, Action::UserList).allowed);

    // Refusals for another workspace's members tell nothing about a workspace key's scopes.
    in = ResolverInput();
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Ok;
    in.keys = {key("k-mine", "workspace-service", "Xk*******S4", "production", {s("workspaces.list")})};
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = bothWorkspaces();
    in.memberLists = {{kStaging, ProbeResult::Forbidden}};
    p = PrincipalResolver::resolve(in);
    QVERIFY(p.learnedMissingScopes.isEmpty());
}

void TestPrincipalResolver::humanFromUsersAndMembers()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Ok;
    in.keys = {key("k-1", "organisation-service", "Xk*******S4", "", {s("workspaces.list")})};
    in.usersList = ProbeResult::Ok;
    in.users = {user("u-1", "owner@example.org", "owner"), user("u-2", "Ada@Example.org", "admin")};
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = bothWorkspaces();
    in.memberLists = {{kProd, ProbeResult::Ok}, {s("staging"), ProbeResult::Ok}};
    in.members = {member("u-2", "ada@example.org", "admin", kProd, "manager"),
                  member("u-1", "owner@example.org", "owner", kProd, "admin"),
                  member("u-2", "ada@example.org", "admin", kStaging, "member")};
    in.profileEmail = s("  ada@example.org ");

    const Principal p = PrincipalResolver::resolve(in);
    QCOMPARE(p.userId, s("u-2"));
    QCOMPARE(p.email, s("Ada@Example.org"));
    QCOMPARE(p.orgRole, std::optional<QString>(s("admin")));
    QCOMPARE(p.workspaceRoles, (QMap<QString, QString>{{kProd, s("manager")}, {kStaging, s("member")}}));
    QCOMPARE(p.memberListsRead, (QSet<QString>{kProd, kStaging}));
    QVERIFY(p.knownFacts().contains(s("organisation role: admin")));
    QVERIFY(p.knownFacts().contains(s("role in workspace Production: manager")));

    // No users list (a workspace key): the org role comes from the member objects.
    in.usersList = ProbeResult::Forbidden;
    in.users.clear();
    const Principal q = PrincipalResolver::resolve(in);
    QCOMPARE(q.orgRole, std::optional<QString>(s("admin")));
    QCOMPARE(q.userId, s("u-2"));

    // No e-mail and no user key: the human stays unknown.
    in.profileEmail.clear();
    const Principal r = PrincipalResolver::resolve(in);
    QCOMPARE(r.orgRole, std::nullopt);
    QVERIFY(r.workspaceRoles.isEmpty());
    QVERIFY(r.memberListsRead.isEmpty());
}

void TestPrincipalResolver::userKeyCarriesItsOwner()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Ok;
    in.keys = {key("k-u", "workspace-user", "Xk*******S4", "production", {s("completions.write")}, "u-9")};
    in.usersList = ProbeResult::Forbidden;
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = {workspace(kProd, "production", "Production")};
    in.memberLists = {{kProd, ProbeResult::Ok}};
    in.members = {member("u-9", "nina@example.org", "member", kProd, "member"),
                  member("u-3", "boss@example.org", "owner", kProd, "admin")};
    in.profileEmail = s("boss@example.org"); // the key's owner decides, not the profile's e-mail

    const Principal p = PrincipalResolver::resolve(in);
    QCOMPARE(p.keyType, KeyType::WorkspaceUser);
    QCOMPARE(p.userId, s("u-9"));
    QCOMPARE(p.orgRole, std::optional<QString>(s("member")));
    QCOMPARE(p.workspaceRoles, (QMap<QString, QString>{{kProd, s("member")}}));
    const Decision d = AccessPolicy::decide(p, Action::MemberAdd);
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, s("needs workspace admin or manager in Production"));
}

void TestPrincipalResolver::stateJsonRoundTrip()
{
    ResolverInput in;
    in.setKeyHint(QByteArrayLiteral("Xk0123456789S4"));
    in.keysList = ProbeResult::Ok;
    in.keys = {key("k-mine", "workspace-service", "Xk*******S4", "production", {s("workspaces.list")})};
    in.workspacesList = ProbeResult::Ok;
    in.workspaces = bothWorkspaces();
    in.memberLists = {{kProd, ProbeResult::Ok}};
    in.members = {member("u-5", "m@example.org", "member", kProd, "manager")};
    in.profileEmail = s("m@example.org");
    Principal p = PrincipalResolver::resolve(in);
    learnDenial(p, Action::ServiceKeyRotate, 403, s("AB03"));

    const Principal back = Principal::fromStateJson(p.toStateJson());
    QCOMPARE(back.toStateJson(), p.toStateJson());
    QVERIFY(back == p);
    QCOMPARE(back.learnedMissingScopes, QSet<QString>{s("workspace_service_api_keys.rotate")});
    QCOMPARE(back.workspaceAliases.value(s("staging")), kStaging);

    // Garbage gives an unknown principal, never a crash.
    const Principal junk = Principal::fromStateJson(QJsonObject{{s("key_type"), 7}, {s("scopes"), s("x")}});
    QCOMPARE(junk.keyType, KeyType::Unknown);
    QCOMPARE(junk.scopes, std::nullopt);
    QCOMPARE(junk.orgRole, std::nullopt);
}

QTEST_GUILESS_MAIN(TestPrincipalResolver)
#include "test_principalresolver.moc"
