// The access policy against ROLES.md: one row per (principal kind × action), with the expected outcome and a
// substring of the reason, plus the edge rules of issue 5.
#include "access/accesspolicy.h"
#include "domain/scopes.h"

#include <QJsonArray>
#include <QTest>

using namespace pk;
using namespace pk::access;

Q_DECLARE_METATYPE(pk::access::Principal)

namespace {

const QString kProd = QStringLiteral("ws-production-1a2b3c");
const QString kStaging = QStringLiteral("ws-staging-4d5e6f");

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

// The action groups, written out from ROLES.md rather than taken from the library under test.
const QStringList kOrgActions{s("workspace.create"), s("workspace.delete"), s("admin_key.list"),
                              s("admin_key.create"), s("admin_key.update"), s("admin_key.rotate"),
                              s("admin_key.delete"), s("user.list"),        s("user.update_role"),
                              s("user.remove"),      s("invite.list"),      s("invite.create"),
                              s("invite.resend"),    s("invite.delete"),    s("audit_log.list")};
const QStringList kWorkspaceKeyActions{
    s("service_key.list"),   s("service_key.create"), s("service_key.update"), s("service_key.rotate"),
    s("service_key.delete"), s("user_key.list"),      s("user_key.create"),    s("user_key.update"),
    s("user_key.rotate"),    s("user_key.delete")};
const QStringList kMemberWrites{s("member.add"), s("member.update_role"), s("member.remove")};

Principal withWorkspaces(Principal p)
{
    p.workspaceNames = {{kProd, s("Production")}, {kStaging, s("Staging")}};
    p.workspaceAliases = {{s("production"), kProd}, {s("staging"), kStaging}};
    return p;
}

Principal adminKey(const QString &orgRole, QStringList scopes)
{
    Principal p;
    p.keyType = KeyType::OrganisationService;
    p.keyTypeKnowledge = Knowledge::Known;
    p.scopes = scopes;
    p.scopesKnowledge = Knowledge::Known;
    p.orgRole = orgRole;
    p.email = QString(orgRole + s("@example.org"));
    return withWorkspaces(p);
}

Principal workspaceKey(KeyType type, const QStringList &scopes)
{
    Principal p;
    p.keyType = type;
    p.keyTypeKnowledge = Knowledge::Known;
    p.workspace = kProd;
    p.workspaceKnowledge = Knowledge::Known;
    p.scopes = scopes;
    p.scopesKnowledge = Knowledge::Known;
    return withWorkspaces(p);
}

QStringList keyManagementScopes()
{
    QStringList out;
    for (const char *prefix : {"workspace_service_api_keys.", "workspace_user_api_keys."}) {
        for (const char *verb : {"create", "read", "update", "delete", "list", "rotate"})
            out.append(QString(s(prefix) + s(verb)));
    }
    return out;
}

const QStringList kManagerScopes =
    keyManagementScopes() + QStringList{s("workspaces.read"),        s("workspaces.list"),
                                        s("workspace_users.create"), s("workspace_users.read"),
                                        s("workspace_users.update"), s("workspace_users.delete"),
                                        s("workspace_users.list")};

struct Expect
{
    bool allowed;
    QString reason;
};

using Table = QMap<QString, Expect>; // action name -> expectation

Table everyAction(bool allowed, const QString &reason)
{
    Table t;
    for (const Action a : allActions())
        t.insert(actionName(a), {allowed, reason});
    return t;
}

void set(Table &t, const QStringList &actions, bool allowed, const QString &reason)
{
    for (const QString &a : actions)
        t.insert(a, {allowed, reason});
}

struct Kind
{
    QString name;
    Principal principal;
    QString workspace; // the target workspace of workspace actions
    Table expected;
};

QList<Kind> kinds()
{
    QList<Kind> out;
    const QStringList allOrgScopes = validScopes(KeyType::OrganisationService);

    out.append({s("owner, full Admin key"), adminKey(s("owner"), allOrgScopes), kProd,
                everyAction(true, s("org owner"))});
    out.append({s("org admin, full Admin key"), adminKey(s("admin"), allOrgScopes), kProd,
                everyAction(true, s("org admin"))});

    {
        QStringList scopes = allOrgScopes;
        scopes.removeAll(s("workspace_service_api_keys.create"));
        scopes.removeAll(s("audit_logs.list"));
        scopes.removeAll(s("workspace_user_api_keys.rotate")); // `.update` still allows rotation
        Table t = everyAction(true, s("key has"));
        t.insert(s("service_key.create"), {false, s("key lacks `workspace_service_api_keys.create`")});
        t.insert(s("audit_log.list"), {false, s("key lacks `audit_logs.list`")});
        t.insert(s("user_key.rotate"), {true, s("key has `workspace_user_api_keys.update`")});
        out.append({s("org admin, Admin key missing scopes"), adminKey(s("admin"), scopes), kProd, t});
    }

    {
        const QStringList scopes = kManagerScopes + QStringList{s("workspaces.update")};
        Table t = everyAction(true, s("key has"));
        set(t, kOrgActions, false, s("needs an Admin API key"));
        out.append({s("service key with key management, own workspace"),
                    workspaceKey(KeyType::WorkspaceService, scopes), kProd, t});
        Table other = t;
        set(other, {s("workspace.update"), s("member.list")}, false,
            s("workspace keys act only in workspace Production"));
        set(other, kMemberWrites + kWorkspaceKeyActions, false,
            s("workspace keys act only in workspace Production"));
        out.append({s("service key with key management, other workspace"),
                    workspaceKey(KeyType::WorkspaceService, scopes), kStaging, other});
        // Named by slug, the own workspace is still the own workspace.
        out.append({s("service key with key management, own workspace by slug"),
                    workspaceKey(KeyType::WorkspaceService, scopes), s("production"), t});
    }

    {
        const QStringList scopes{s("completions.write"), s("workspaces.read"), s("workspaces.list"),
                                 s("workspace_users.list")};
        Table t = everyAction(true, s("key has"));
        set(t, kOrgActions, false, s("needs an Admin API key"));
        t.insert(s("workspace.update"), {false, s("key lacks `workspaces.update`")});
        t.insert(s("member.add"), {false, s("key lacks `workspace_users.create`")});
        t.insert(s("member.update_role"), {false, s("key lacks `workspace_users.update`")});
        t.insert(s("member.remove"), {false, s("key lacks `workspace_users.delete`")});
        for (const char *prefix : {"service_key.", "user_key."}) {
            const QString scopePrefix =
                QString::fromUtf8(qstrcmp(prefix, "service_key.") == 0 ? "workspace_service_api_keys."
                                                                       : "workspace_user_api_keys.");
            for (const char *verb : {"list", "create", "update", "rotate", "delete"}) {
                t.insert(QString(s(prefix) + s(verb)),
                         {false, QString(s("key lacks `") + scopePrefix + s(verb) + s("`"))});
            }
        }
        out.append({s("service key without key management"), workspaceKey(KeyType::WorkspaceService, scopes),
                    kProd, t});
    }

    {
        Table t = everyAction(true, s("key has"));
        set(t, kOrgActions, false, s("needs an Admin API key"));
        set(t, kWorkspaceKeyActions, false, s("user keys cannot manage keys"));
        out.append({s("user key, own workspace"),
                    workspaceKey(KeyType::WorkspaceUser, validScopes(KeyType::WorkspaceUser)), kProd, t});
    }

    {
        Principal p = workspaceKey(KeyType::WorkspaceService, kManagerScopes);
        p.orgRole = s("member");
        p.email = s("manager@example.org");
        p.userId = s("u-manager");
        p.workspaceRoles = {{kProd, s("manager")}};
        p.memberListsRead = {kProd};
        Table t = everyAction(true, s("workspace manager"));
        set(t, kOrgActions, false, s("needs org admin or owner"));
        t.insert(s("workspace.list"), {true, s("key has `workspaces.list`")});
        t.insert(s("workspace.update"), {false, s("key lacks `workspaces.update`")});
        out.append({s("org member who is workspace manager"), p, kProd, t});
    }

    {
        Principal p = workspaceKey(KeyType::WorkspaceUser, {s("completions.write"), s("workspaces.read"),
                                                            s("workspaces.list"), s("workspace_users.list")});
        p.orgRole = s("member");
        p.email = s("member@example.org");
        p.userId = s("u-member");
        p.workspaceRoles = {{kProd, s("member")}};
        p.memberListsRead = {kProd};
        Table t = everyAction(true, s("key has"));
        set(t, kOrgActions, false, s("needs org admin or owner"));
        set(t, kWorkspaceKeyActions, false, s("user keys cannot manage keys"));
        set(t, kMemberWrites + QStringList{s("workspace.update")}, false,
            s("needs workspace admin or manager in Production"));
        out.append({s("workspace member"), p, kProd, t});
    }
    return out;
}

} // namespace

class TestAccessPolicy : public QObject
{
    Q_OBJECT

private slots:
    void actionNames();
    void matrix_data();
    void matrix();
    void matrixCoversEveryPair();
    void workspaceKeyOutsideItsWorkspace();
    void userKeyWithKeyManagementScopes();
    void adminCannotMakeOwners();
    void noOrganisationUserKeys();
    void createKeyNeedsAWorkspace();
    void memberRotatesOwnUserKey();
    void knownNonMember();
    void unknownFactsAreAssumed();
    void learnsFromForbidden();
    void rotationAcceptsUpdateScope();
    void decisionJson();
    void viewAsPreview();
};

void TestAccessPolicy::actionNames()
{
    const QList<Action> actions = allActions();
    QCOMPARE(actions.size(), 31);
    QSet<QString> names;
    for (const Action a : actions) {
        const QString name = actionName(a);
        QVERIFY2(!names.contains(name), qPrintable(name));
        names.insert(name);
        QCOMPARE(actionFromName(name), std::optional<Action>(a));
        QVERIFY2(!requiredScope(a).isEmpty(), qPrintable(name));
    }
    QCOMPARE(actionFromName(s("service_key.nuke")), std::nullopt);
    QCOMPARE(actionFromName(s("Service_Key.List")), std::nullopt);
    QCOMPARE(actionName(Action::MemberUpdateRole), s("member.update_role"));
    QCOMPARE(keyAction(KeyType::WorkspaceUser, KeyVerb::Rotate),
             std::optional<Action>(Action::UserKeyRotate));
    QCOMPARE(keyAction(KeyType::OrganisationService, KeyVerb::Delete),
             std::optional<Action>(Action::AdminKeyDelete));
    QCOMPARE(keyAction(KeyType::WorkspaceService, KeyVerb::Create),
             std::optional<Action>(Action::ServiceKeyCreate));
    QCOMPARE(keyAction(KeyType::Unknown, KeyVerb::List), std::nullopt);
    QCOMPARE(alternativeScope(Action::ServiceKeyRotate), s("workspace_service_api_keys.update"));
    QCOMPARE(alternativeScope(Action::ServiceKeyUpdate), QString());
    QVERIFY(isWorkspaceAction(Action::UserKeyRotate));
    QVERIFY(!isWorkspaceAction(Action::WorkspaceList));
    QVERIFY(!isWorkspaceAction(Action::AdminKeyCreate));
}

void TestAccessPolicy::matrix_data()
{
    QTest::addColumn<Principal>("principal");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("workspace");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<QString>("reason");
    for (const Kind &kind : kinds()) {
        for (auto it = kind.expected.cbegin(); it != kind.expected.cend(); ++it) {
            const QString row = QString(kind.name + s(" × ") + it.key());
            QTest::newRow(qPrintable(row))
                << kind.principal << it.key() << kind.workspace << it.value().allowed << it.value().reason;
        }
    }
}

void TestAccessPolicy::matrix()
{
    QFETCH(Principal, principal);
    QFETCH(QString, action);
    QFETCH(QString, workspace);
    QFETCH(bool, allowed);
    QFETCH(QString, reason);
    const std::optional<Action> a = actionFromName(action);
    QVERIFY(a);
    const Decision d = AccessPolicy::decide(
        principal, *a, isWorkspaceAction(*a) ? Target::forWorkspace(workspace) : Target{});
    QVERIFY2(d.allowed == allowed, qPrintable(d.reason));
    QVERIFY2(d.reason.contains(reason), qPrintable(QString(s("reason: ") + d.reason)));
    if (!d.allowed && d.reason.startsWith(s("key lacks")))
        QVERIFY(d.reason.contains(QString(s("`") + d.missingScope + s("`"))));
}

void TestAccessPolicy::matrixCoversEveryPair()
{
    const QList<Kind> all = kinds();
    QCOMPARE(all.size(), 10);
    for (const Kind &kind : all)
        QCOMPARE(kind.expected.size(), allActions().size());
}

void TestAccessPolicy::workspaceKeyOutsideItsWorkspace()
{
    const Principal p = workspaceKey(KeyType::WorkspaceService, kManagerScopes);
    ApiKey foreign;
    foreign.id = s("k-1");
    foreign.workspaceId = s("staging"); // key objects name workspaces by slug
    foreign.type = s("workspace-service");
    Decision d = AccessPolicy::decide(p, Action::ServiceKeyRotate, Target::forKey(foreign));
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, s("workspace keys act only in workspace Production"));
    QVERIFY(!d.assumed);

    // Without a name for the workspace, the reason uses its id.
    Principal unnamed = p;
    unnamed.workspaceNames.clear();
    d = AccessPolicy::decide(unnamed, Action::MemberAdd, Target::forWorkspace(kStaging));
    QCOMPARE(d.reason, QString(s("workspace keys act only in workspace ") + kProd));

    // No target: a workspace key acts in its own workspace.
    d = AccessPolicy::decide(p, Action::ServiceKeyCreate);
    QVERIFY2(d.allowed, qPrintable(d.reason));

    // A user key is confined the same way.
    const Principal user = workspaceKey(KeyType::WorkspaceUser, validScopes(KeyType::WorkspaceUser));
    d = AccessPolicy::decide(user, Action::MemberList, Target::forWorkspace(kStaging));
    QVERIFY(!d.allowed);
    QVERIFY(d.reason.contains(s("act only in workspace Production")));
    // An Admin key is not.
    d = AccessPolicy::decide(adminKey(s("admin"), validScopes(KeyType::OrganisationService)),
                             Action::MemberList, Target::forWorkspace(kStaging));
    QVERIFY(d.allowed);
}

void TestAccessPolicy::userKeyWithKeyManagementScopes()
{
    // Even a user key that somehow lists key-management scopes cannot manage keys.
    const Principal p = workspaceKey(KeyType::WorkspaceUser, keyManagementScopes());
    for (const KeyType type :
         {KeyType::WorkspaceService, KeyType::WorkspaceUser, KeyType::OrganisationService}) {
        for (const KeyVerb verb :
             {KeyVerb::List, KeyVerb::Create, KeyVerb::Update, KeyVerb::Rotate, KeyVerb::Delete}) {
            const Decision d = AccessPolicy::decide(p, *keyAction(type, verb), Target::forWorkspace(kProd));
            QVERIFY(!d.allowed);
            QVERIFY2(d.reason == s("user keys cannot manage keys") ||
                         d.reason.startsWith(s("needs an Admin API key")),
                     qPrintable(d.reason));
        }
    }
    // And no one creates a user key carrying them.
    const Principal owner = adminKey(s("owner"), validScopes(KeyType::OrganisationService));
    Decision d = AccessPolicy::decideCreateKey(owner, s("workspace"), s("user"), kProd,
                                               {s("completions.write"), s("workspace_user_api_keys.create")});
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, s("user keys cannot carry key-management scopes (`workspace_user_api_keys.create`)"));
    d = AccessPolicy::decideCreateKey(owner, s("workspace"), s("user"), kProd, {s("completions.write")});
    QVERIFY2(d.allowed, qPrintable(d.reason));
    d = AccessPolicy::decideCreateKey(owner, s("workspace"), s("service"), kProd,
                                      {s("workspace_user_api_keys.create")});
    QVERIFY2(d.allowed, qPrintable(d.reason));
}

void TestAccessPolicy::adminCannotMakeOwners()
{
    const Principal admin = adminKey(s("admin"), validScopes(KeyType::OrganisationService));
    const Principal owner = adminKey(s("owner"), validScopes(KeyType::OrganisationService));
    Target toOwner;
    toOwner.userId = s("u-7");
    toOwner.role = s("owner");
    for (const Action a : {Action::UserUpdateRole, Action::InviteCreate}) {
        Decision d = AccessPolicy::decide(admin, a, toOwner);
        QVERIFY(!d.allowed);
        QCOMPARE(d.reason, s("org admins cannot make owners"));
        // The API accepts only admin or member (openapi.yaml L14183, InviteRole), even from the owner.
        d = AccessPolicy::decide(owner, a, toOwner);
        QVERIFY(!d.allowed);
        QVERIFY(d.reason.contains(s("owner role cannot be given")));
        Target toAdmin = toOwner;
        toAdmin.role = s("admin");
        QVERIFY(AccessPolicy::decide(admin, a, toAdmin).allowed);
    }
    // The owner stays the owner, and a role change must change the role (ADMIN-API.md §4).
    Target theOwner;
    theOwner.userId = s("u-1");
    theOwner.userRole = s("owner");
    theOwner.role = s("member");
    for (const Action a : {Action::UserUpdateRole, Action::UserRemove}) {
        const Decision d = AccessPolicy::decide(owner, a, theOwner);
        QVERIFY(!d.allowed);
        QCOMPARE(d.reason, s("the organisation owner cannot be changed or removed"));
    }
    Target same;
    same.userRole = s("admin");
    same.role = s("admin");
    QCOMPARE(AccessPolicy::decide(owner, Action::UserUpdateRole, same).reason,
             s("the user already has this role"));
}

void TestAccessPolicy::noOrganisationUserKeys()
{
    const Principal owner = adminKey(s("owner"), validScopes(KeyType::OrganisationService));
    Decision d =
        AccessPolicy::decideCreateKey(owner, s("organisation"), s("user"), QString(), {s("logs.view")});
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, s("the Admin API has no organisation user keys"));
    d = AccessPolicy::decideCreateKey(owner, s("team"), s("service"), QString(), {s("logs.view")});
    QVERIFY(!d.allowed);
    QVERIFY(d.reason.contains(s("unknown key type `team/service`")));
    d = AccessPolicy::decideCreateKey(owner, s("organisation"), s("service"), QString(), {s("logs.view")});
    QVERIFY2(d.allowed, qPrintable(d.reason));
    // A workspace key cannot create an Admin key, whatever its scopes.
    d = AccessPolicy::decideCreateKey(workspaceKey(KeyType::WorkspaceService, kManagerScopes),
                                      s("organisation"), s("service"), QString(), {s("logs.view")});
    QVERIFY(!d.allowed);
    QVERIFY(d.reason.contains(s("needs an Admin API key")));
}

void TestAccessPolicy::createKeyNeedsAWorkspace()
{
    const Principal owner = adminKey(s("owner"), validScopes(KeyType::OrganisationService));
    const Decision d =
        AccessPolicy::decideCreateKey(owner, s("workspace"), s("service"), QString(), {s("logs.view")});
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, s("a workspace key needs a workspace"));
}

void TestAccessPolicy::memberRotatesOwnUserKey()
{
    // A workspace member acting through a key of unknown type and scopes: the human rules decide.
    Principal p = withWorkspaces({});
    p.orgRole = s("member");
    p.userId = s("u-member");
    p.workspaceRoles = {{kProd, s("member")}};
    ApiKey own;
    own.id = s("k-own");
    own.type = s("workspace-user");
    own.workspaceId = s("production");
    own.userId = s("u-member");
    Decision d = AccessPolicy::decide(p, Action::UserKeyRotate, Target::forKey(own));
    QVERIFY2(d.allowed, qPrintable(d.reason));
    QVERIFY(d.assumed);
    QVERIFY(d.reason.contains(s("own user key")));

    ApiKey someoneElses = own;
    someoneElses.userId = s("u-other");
    d = AccessPolicy::decide(p, Action::UserKeyRotate, Target::forKey(someoneElses));
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, s("needs workspace admin or manager in Production"));
    d = AccessPolicy::decide(p, Action::UserKeyUpdate, Target::forKey(own));
    QVERIFY(!d.allowed);
}

void TestAccessPolicy::knownNonMember()
{
    Principal p = withWorkspaces({});
    p.orgRole = s("member");
    p.email = s("someone@example.org");
    p.workspaceRoles = {{kProd, s("manager")}};
    p.memberListsRead = {kProd, kStaging};
    Decision d = AccessPolicy::decide(p, Action::MemberList, Target::forWorkspace(kStaging));
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, s("not a member of workspace Staging"));
    d = AccessPolicy::decide(p, Action::ServiceKeyCreate, Target::forWorkspace(s("production")));
    QVERIFY2(d.allowed, qPrintable(d.reason));
    // With no workspace chosen, the best role anywhere counts.
    d = AccessPolicy::decide(p, Action::ServiceKeyCreate);
    QVERIFY2(d.allowed, qPrintable(d.reason));
    // Where the member list was not read, membership is unknown, not denied.
    p.memberListsRead = {kProd};
    d = AccessPolicy::decide(p, Action::MemberList, Target::forWorkspace(kStaging));
    QVERIFY(d.allowed);
    QVERIFY(d.assumed);
}

void TestAccessPolicy::unknownFactsAreAssumed()
{
    const Principal nobody;
    for (const Action a : allActions()) {
        const Decision d = AccessPolicy::decide(nobody, a);
        QVERIFY2(d.allowed, qPrintable(actionName(a)));
        QVERIFY(d.assumed);
        QVERIFY2(d.reason.contains(s("assumed")) && d.reason.contains(s("key type unknown")) &&
                     d.reason.contains(QString(s("key scopes unknown (needs `") + requiredScope(a))),
                 qPrintable(d.reason));
    }
    // Known scopes but an assumed key type still deny what the scopes lack.
    Principal p = workspaceKey(KeyType::WorkspaceUser, {s("completions.write")});
    p.keyTypeKnowledge = Knowledge::Assumed;
    const Decision d = AccessPolicy::decide(p, Action::ServiceKeyList);
    QVERIFY(!d.allowed);
    QVERIFY(d.assumed);
    QCOMPARE(d.reason, s("user keys cannot manage keys"));
}

void TestAccessPolicy::learnsFromForbidden()
{
    Principal p = adminKey(s("admin"), {});
    p.scopes.reset();
    p.scopesKnowledge = Knowledge::Unknown;
    QVERIFY(AccessPolicy::decide(p, Action::ServiceKeyRotate).allowed);

    // Only 403 AB03 teaches anything.
    QCOMPARE(learnDenial(p, Action::ServiceKeyRotate, 401, s("AB05")), QString());
    QCOMPARE(learnDenial(p, Action::ServiceKeyRotate, 403, s("AB06")), QString());
    QCOMPARE(learnDenial(p, Action::ServiceKeyRotate, 500, s("AB03")), QString());
    QVERIFY(p.learnedMissingScopes.isEmpty());

    QCOMPARE(learnDenial(p, Action::ServiceKeyRotate, 403, s("AB03")),
             s("workspace_service_api_keys.rotate"));
    QCOMPARE(p.learnedMissingScopes, QSet<QString>{s("workspace_service_api_keys.rotate")});
    Decision d = AccessPolicy::decide(p, Action::ServiceKeyRotate, Target::forWorkspace(kStaging));
    QVERIFY(!d.allowed);
    QCOMPARE(d.missingScope, s("workspace_service_api_keys.rotate"));
    QVERIFY(d.reason.startsWith(s("key lacks `workspace_service_api_keys.rotate`")));
    // Other actions are unaffected; learning twice changes nothing.
    QVERIFY(AccessPolicy::decide(p, Action::UserKeyRotate).allowed);
    QCOMPARE(learnDenial(p, Action::ServiceKeyRotate, 403, s("ab03")),
             s("workspace_service_api_keys.rotate"));
    QCOMPARE(p.learnedMissingScopes.size(), 1);
    QVERIFY(p.knownFacts().contains(
        s("the server refused an action: key lacks `workspace_service_api_keys.rotate`")));

    // A refusal overrides scopes the key claims to have.
    Principal listed = adminKey(s("admin"), validScopes(KeyType::OrganisationService));
    learnDenial(listed, Action::AuditLogList, 403, s("AB03"));
    d = AccessPolicy::decide(listed, Action::AuditLogList);
    QVERIFY(!d.allowed);
    QCOMPARE(d.missingScope, s("audit_logs.list"));
}

void TestAccessPolicy::rotationAcceptsUpdateScope()
{
    // ROLES.md open question: either `*.rotate` or `*.update` suffices client-side.
    Principal p = workspaceKey(KeyType::WorkspaceService, {s("workspace_service_api_keys.update")});
    Decision d = AccessPolicy::decide(p, Action::ServiceKeyRotate);
    QVERIFY2(d.allowed, qPrintable(d.reason));
    QVERIFY(d.reason.contains(s("`workspace_service_api_keys.update`")));
    p.scopes = QStringList{s("workspace_service_api_keys.rotate")};
    QVERIFY(AccessPolicy::decide(p, Action::ServiceKeyRotate).allowed);
    QVERIFY(!AccessPolicy::decide(p, Action::ServiceKeyUpdate).allowed);
    p.scopes = QStringList{s("workspace_service_api_keys.list")};
    d = AccessPolicy::decide(p, Action::ServiceKeyRotate);
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, s("key lacks `workspace_service_api_keys.rotate`"));
}

void TestAccessPolicy::decisionJson()
{
    const Principal p = workspaceKey(KeyType::WorkspaceService, {s("workspaces.list")});
    const Decision denied = AccessPolicy::decide(p, Action::ServiceKeyCreate);
    QCOMPARE(denied.toJson(), (QJsonObject{{s("allowed"), false},
                                           {s("reason"), s("key lacks `workspace_service_api_keys.create`")},
                                           {s("assumed"), false},
                                           {s("missing_scope"), s("workspace_service_api_keys.create")}}));
    const Decision allowed = AccessPolicy::decide(p, Action::WorkspaceList);
    QCOMPARE(allowed.toJson().keys(), (QStringList{s("allowed"), s("assumed"), s("reason")}));
}

void TestAccessPolicy::viewAsPreview()
{
    const Principal owner = adminKey(s("owner"), validScopes(KeyType::OrganisationService));
    const std::optional<Principal> manager = viewAs(owner, s("production"), s("manager"));
    QVERIFY(manager);
    QCOMPARE(manager->orgRole, std::optional<QString>(s("member")));
    QCOMPARE(manager->workspaceRoles, (QMap<QString, QString>{{kProd, s("manager")}}));
    QVERIFY(AccessPolicy::decide(*manager, Action::ServiceKeyCreate, Target::forWorkspace(kProd)).allowed);
    QCOMPARE(AccessPolicy::decide(*manager, Action::ServiceKeyCreate, Target::forWorkspace(kStaging)).reason,
             s("not a member of workspace Staging"));
    QCOMPARE(AccessPolicy::decide(*manager, Action::WorkspaceCreate).reason, s("needs org admin or owner"));

    const std::optional<Principal> member = viewAs(owner, kProd, s("member"));
    QVERIFY(member);
    QVERIFY(AccessPolicy::decide(*member, Action::MemberList, Target::forWorkspace(kProd)).allowed);
    QCOMPARE(AccessPolicy::decide(*member, Action::MemberAdd, Target::forWorkspace(kProd)).reason,
             s("needs workspace admin or manager in Production"));

    // Only owners and org admins preview; roles must be workspace roles.
    QVERIFY(!viewAs(*member, kProd, s("manager")));
    QVERIFY(!viewAs(owner, kProd, s("owner")));
    QVERIFY(!viewAs(owner, QString(), s("member")));
    // The key's limits stay: a preview never allows more than the real principal.
    const Principal limited = adminKey(s("admin"), {s("workspaces.list")});
    QVERIFY(!AccessPolicy::decide(*viewAs(limited, kProd, s("manager")), Action::ServiceKeyCreate).allowed);
}

QTEST_GUILESS_MAIN(TestAccessPolicy)
#include "test_accesspolicy.moc"
