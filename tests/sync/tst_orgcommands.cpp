// OrgCommands (workspaces, members, organisation users, invites, audit logs) against the real sandbox over
// HTTP on 127.0.0.1, with real SQLCipher cache files and the real Secret Service (the test command runs a
// private D-Bus session with an unlocked gnome-keyring). For the owner every command succeeds and the
// snapshot shows it after the sync the command starts; for a workspace manager and a workspace member the
// denied commands are refused before anything is sent, and the server refuses them too when sent directly.

#include "access/action.h"
#include "domain/text.h"
#include "portkey/adminapiclient.h"
#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"
#include "sessionfixture.h"
#include "sync/orgcommands.h"
#include "sync/session.h"

#include <QSignalSpy>
#include <QTest>
#include <QUuid>

#include <optional>

using namespace pk;

namespace {

constexpr int kTimeoutMs = 30000;

/// Requests other than GET the sandbox received since its recording was last cleared.
int writesSeen(const sandbox::SandboxServer &server)
{
    int n = 0;
    for (const sandbox::RecordedRequest &r : server.recordedRequests())
        n += r.method != QLatin1String("GET") ? 1 : 0;
    return n;
}

int requestsSeen(const sandbox::SandboxServer &server, const QString &method)
{
    int n = 0;
    for (const sandbox::RecordedRequest &r : server.recordedRequests())
        n += r.method == method ? 1 : 0;
    return n;
}

const Workspace *workspaceNamed(const CacheSnapshot &snap, const QString &name)
{
    for (const Workspace &w : snap.workspaces) {
        if (w.name == name)
            return &w;
    }
    return nullptr;
}

const User *userWithId(const CacheSnapshot &snap, const QString &id)
{
    for (const User &u : snap.users) {
        if (u.id == id)
            return &u;
    }
    return nullptr;
}

/// The role of `userId` in workspace `workspaceId` per the snapshot; empty when not a member.
QString memberRole(const CacheSnapshot &snap, const QString &workspaceId, const QString &userId)
{
    for (const WorkspaceMember &m : snap.members.value(workspaceId)) {
        if (m.id == userId)
            return m.role;
    }
    return {};
}

/// An organisation member (role `member`) who is not a member of workspace `workspaceId`.
QString outsider(const CacheSnapshot &snap, const QString &workspaceId)
{
    for (const User &u : snap.users) {
        if (u.role == QLatin1String("member") && memberRole(snap, workspaceId, u.id).isEmpty())
            return u.id;
    }
    return {};
}

sandbox::Fault fault(const QString &method, const QString &pattern)
{
    sandbox::Fault f;
    f.method = method;
    f.pathPattern = pattern;
    return f;
}

} // namespace

class TestOrgCommands : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void ownerWorkspaceLifecycle();
    void ownerDeleteWithKeysNeedsForce();
    void ownerMembers();
    void ownerUsers();
    void ownerInvites();
    void ownerAuditLogs();
    void deniedIsRefusedLocallyAndByServer_data();
    void deniedIsRefusedLocallyAndByServer();
    void invalidInputIsRefused();
    void forbiddenIsLearned();
    void lostReplyMaybeApplied_data();
    void lostReplyMaybeApplied();
    void requestSyncDuringSyncSyncsAgain();
    void cancelAllReportsCancelled();
    void hasControlOrBidiFindsEveryKind_data();
    void hasControlOrBidiFindsEveryKind();
    void controlAndBidiTextIsRefused();
    void nonMemberIsRefusedLocally();
    void inviteNamingAWorkspaceTwiceIsRefused();
    void conflictsGetFittingMessages();
    void rolesAreTrimmedAndLowerCased();
    void isSelfKnowsThePrincipal();

private:
    struct Fixture
    {
        std::unique_ptr<sandbox::SandboxServer> server;
        Profile profile;
        std::unique_ptr<Session> session;
        std::unique_ptr<OrgCommands> commands;
        const Workspace *workspace(const QString &name) const
        {
            return workspaceNamed(session->snapshot(), name);
        }
    };
    /// A sandbox, a profile for `persona` with its key in the keychain, an open and synced session, and
    /// OrgCommands on it; the sandbox's recorded requests are cleared. Call through QVERIFY(setUp(…)).
    bool setUp(Fixture &f, const QString &persona);

    pktest::ProfileKeychain m_keychain{kTimeoutMs};
};

/// Runs one OrgCommands write and waits for its result.
OrgWriteResult runWrite(const std::function<void(OrgCommands::Done)> &start)
{
    std::optional<OrgWriteResult> out;
    start([&out](const OrgWriteResult &r) { out = r; });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, kTimeoutMs)) {
        OrgWriteResult timedOut;
        timedOut.error.kind = ApiError::Kind::Timeout;
        timedOut.message = QStringLiteral("no result within the test's timeout");
        return timedOut;
    }
    return *out;
}

/// Waits until no sync runs any more (the one a write started, and any it asked for after).
bool syncSettles(Session &session)
{
    return QTest::qWaitFor([&session] { return !session.isSyncing(); }, kTimeoutMs);
}

void TestOrgCommands::initTestCase()
{
    m_keychain.verifyUsable(QStringLiteral("tests/orgcommands/probe"));
}

void TestOrgCommands::cleanupTestCase()
{
    m_keychain.removeAll();
}

bool TestOrgCommands::setUp(Fixture &f, const QString &persona)
{
    f.server = std::make_unique<sandbox::SandboxServer>();
    if (!f.server->listen()) {
        qWarning("sandbox did not listen: %s", qPrintable(f.server->errorString()));
        return false;
    }
    const std::optional<sandbox::Persona> who = f.server->persona(persona);
    if (!who) {
        qWarning("no persona %s", qPrintable(persona));
        return false;
    }
    f.profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    f.profile.name = QStringLiteral("org %1").arg(persona);
    f.profile.baseUrl = f.server->baseUrl().toString();
    f.profile.email = who->email;
    const KeychainResult stored = m_keychain.storeApiKey(f.profile.id, who->apiKey.toUtf8());
    if (!stored.ok()) {
        qWarning("keychain write failed: %s", qPrintable(stored.message));
        return false;
    }
    f.session = std::make_unique<Session>();
    if (!pktest::openAndWait(*f.session, f.profile, kTimeoutMs))
        return false;
    const ApiError first = pktest::syncAndWait(*f.session, kTimeoutMs).first;
    if (first.isError()) {
        qWarning("first sync failed: %s", qPrintable(first.userText()));
        return false;
    }
    f.commands = std::make_unique<OrgCommands>(f.session.get());
    f.server->clearRecordedRequests();
    return true;
}

void TestOrgCommands::ownerWorkspaceLifecycle()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    Session &s = *f.session;

    WorkspaceDraft draft;
    draft.name = QStringLiteral("Évaluation « org »");
    draft.description = QStringLiteral("made by the org commands test");
    const OrgWriteResult created =
        runWrite([&](OrgCommands::Done done) { f.commands->createWorkspace(draft, done); });
    QVERIFY2(created.ok(), qPrintable(created.message));
    QVERIFY(!created.maybeApplied);
    QTRY_VERIFY_WITH_TIMEOUT(f.workspace(draft.name) != nullptr, kTimeoutMs);
    const QString id = f.workspace(draft.name)->id;
    QCOMPARE(f.workspace(draft.name)->description, draft.description);
    QVERIFY(syncSettles(s));

    const QString renamed = QStringLiteral("Evaluation renamed");
    const OrgWriteResult updated = runWrite([&](OrgCommands::Done done) {
        f.commands->updateWorkspace(id, {{QStringLiteral("name"), renamed}}, done);
    });
    QVERIFY2(updated.ok(), qPrintable(updated.message));
    QTRY_VERIFY_WITH_TIMEOUT(f.workspace(renamed) != nullptr, kTimeoutMs);
    QVERIFY(syncSettles(s));

    // The typed name must be the workspace's name: a mismatch is refused before anything is sent.
    f.server->clearRecordedRequests();
    const OrgWriteResult mismatch =
        runWrite([&](OrgCommands::Done done) { f.commands->deleteWorkspace(id, draft.name, false, done); });
    QCOMPARE(mismatch.error.kind, ApiError::Kind::Invalid);
    QVERIFY2(mismatch.message.contains(renamed), qPrintable(mismatch.message));
    QCOMPARE(writesSeen(*f.server), 0);

    const OrgWriteResult deleted =
        runWrite([&](OrgCommands::Done done) { f.commands->deleteWorkspace(id, renamed, false, done); });
    QVERIFY2(deleted.ok(), qPrintable(deleted.message));
    QTRY_VERIFY_WITH_TIMEOUT(f.workspace(renamed) == nullptr, kTimeoutMs);
    QCOMPARE(requestsSeen(*f.server, QStringLiteral("DELETE")), 1);
}

void TestOrgCommands::ownerDeleteWithKeysNeedsForce()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const Workspace *staging = f.workspace(QStringLiteral("Staging"));
    QVERIFY(staging);
    const QString id = staging->id;
    const QString slug = staging->slug;
    // Keys name their workspace by id or slug (ADMIN-API.md §2).
    const auto inStaging = [&](const ApiKey &k) {
        return k.workspaceId == id || k.workspaceId == slug;
    };
    const int keysBefore =
        int(std::count_if(f.session->snapshot().keys.cbegin(), f.session->snapshot().keys.cend(), inStaging));
    QVERIFY(keysBefore > 0);

    const OrgWriteResult refused = runWrite([&](OrgCommands::Done done) {
        f.commands->deleteWorkspace(id, QStringLiteral("Staging"), false, done);
    });
    QCOMPARE(refused.error.httpStatus, 409);
    QVERIFY(!refused.maybeApplied);
    QVERIFY2(refused.message.contains(QStringLiteral("keys")) &&
                 refused.message.contains(QStringLiteral("force")),
             qPrintable(refused.message));
    QVERIFY(f.server->organisation().resolveWorkspaceId(id) == id);

    const OrgWriteResult forced = runWrite([&](OrgCommands::Done done) {
        f.commands->deleteWorkspace(id, QStringLiteral("Staging"), true, done);
    });
    QVERIFY2(forced.ok(), qPrintable(forced.message));
    QTRY_VERIFY_WITH_TIMEOUT(f.workspace(QStringLiteral("Staging")) == nullptr, kTimeoutMs);
    QVERIFY(syncSettles(*f.session));
    for (const ApiKey &k : f.session->snapshot().keys)
        QVERIFY2(!inStaging(k), "a key of the deleted workspace is still cached");
}

void TestOrgCommands::ownerMembers()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const QString ws = f.workspace(QStringLiteral("Staging"))->id;
    const QString user = outsider(f.session->snapshot(), ws);
    QVERIFY(!user.isEmpty());

    const OrgWriteResult added = runWrite([&](OrgCommands::Done done) {
        f.commands->addMembers(ws, {MemberGrant{user, QStringLiteral("member")}}, done);
    });
    QVERIFY2(added.ok(), qPrintable(added.message));
    QTRY_COMPARE_WITH_TIMEOUT(memberRole(f.session->snapshot(), ws, user), QStringLiteral("member"),
                              kTimeoutMs);
    QVERIFY(syncSettles(*f.session));

    const OrgWriteResult changed = runWrite([&](OrgCommands::Done done) {
        f.commands->updateMemberRole(ws, user, QStringLiteral("manager"), done);
    });
    QVERIFY2(changed.ok(), qPrintable(changed.message));
    QTRY_COMPARE_WITH_TIMEOUT(memberRole(f.session->snapshot(), ws, user), QStringLiteral("manager"),
                              kTimeoutMs);
    QVERIFY(syncSettles(*f.session));

    const OrgWriteResult removed =
        runWrite([&](OrgCommands::Done done) { f.commands->removeMember(ws, user, done); });
    QVERIFY2(removed.ok(), qPrintable(removed.message));
    QTRY_VERIFY_WITH_TIMEOUT(memberRole(f.session->snapshot(), ws, user).isEmpty(), kTimeoutMs);
}

void TestOrgCommands::ownerUsers()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const QString ws = f.workspace(QStringLiteral("Staging"))->id;
    const QString user = outsider(f.session->snapshot(), ws);
    QVERIFY(!user.isEmpty());

    const OrgWriteResult promoted = runWrite(
        [&](OrgCommands::Done done) { f.commands->updateUserRole(user, QStringLiteral("admin"), done); });
    QVERIFY2(promoted.ok(), qPrintable(promoted.message));
    QTRY_VERIFY_WITH_TIMEOUT(userWithId(f.session->snapshot(), user) &&
                                 userWithId(f.session->snapshot(), user)->role == QLatin1String("admin"),
                             kTimeoutMs);
    QVERIFY(syncSettles(*f.session));

    // The same role again is refused locally (the API rejects it, ADMIN-API.md §5).
    f.server->clearRecordedRequests();
    const OrgWriteResult same = runWrite(
        [&](OrgCommands::Done done) { f.commands->updateUserRole(user, QStringLiteral("admin"), done); });
    QCOMPARE(same.error.kind, ApiError::Kind::Invalid);
    QVERIFY2(same.message.contains(QStringLiteral("already has this role")), qPrintable(same.message));
    QCOMPARE(writesSeen(*f.server), 0);

    const OrgWriteResult removed =
        runWrite([&](OrgCommands::Done done) { f.commands->removeUser(user, done); });
    QVERIFY2(removed.ok(), qPrintable(removed.message));
    QTRY_VERIFY_WITH_TIMEOUT(userWithId(f.session->snapshot(), user) == nullptr, kTimeoutMs);

    // The owner can be neither changed nor removed: refused locally with the policy's reason.
    QString ownerId;
    for (const User &u : f.session->snapshot().users)
        ownerId = u.role == QLatin1String("owner") ? u.id : ownerId;
    QVERIFY(!ownerId.isEmpty());
    f.server->clearRecordedRequests();
    const OrgWriteResult owner =
        runWrite([&](OrgCommands::Done done) { f.commands->removeUser(ownerId, done); });
    QCOMPARE(owner.error.kind, ApiError::Kind::Invalid);
    QVERIFY2(owner.message.contains(QStringLiteral("owner cannot be changed or removed")),
             qPrintable(owner.message));
    QCOMPARE(writesSeen(*f.server), 0);
}

void TestOrgCommands::ownerInvites()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const Workspace *production = f.workspace(QStringLiteral("Production"));
    QVERIFY(production);

    InviteDraft draft;
    draft.email = QStringLiteral("new.person@example.org");
    draft.role = QStringLiteral("member");
    draft.workspaces = {InviteWorkspace{production->slug, QStringLiteral("manager")}};
    std::optional<std::pair<OrgWriteResult, InviteLink>> created;
    f.commands->createInvite(draft,
                             [&](const OrgWriteResult &r, const InviteLink &l) { created.emplace(r, l); });
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), kTimeoutMs);
    QVERIFY2(created->first.ok(), qPrintable(created->first.message));
    QVERIFY(!created->second.id.isEmpty());
    QVERIFY(created->second.link.startsWith(QStringLiteral("https://")));
    const QString inviteId = created->second.id;

    const auto listed = [&]() -> std::optional<QList<Invite>> {
        std::optional<ApiResult<QList<Invite>>> out;
        f.commands->listInvites([&](const ApiResult<QList<Invite>> &r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, kTimeoutMs) || !out->ok())
            return std::nullopt;
        return out->value;
    };
    const auto holds = [](const QList<Invite> &invites, const QString &id) {
        return std::any_of(invites.cbegin(), invites.cend(), [&](const Invite &i) { return i.id == id; });
    };
    std::optional<QList<Invite>> invites = listed();
    QVERIFY(invites);
    QVERIFY(holds(*invites, inviteId));

    std::optional<std::pair<OrgWriteResult, InviteLink>> resent;
    f.commands->resendInvite(inviteId,
                             [&](const OrgWriteResult &r, const InviteLink &l) { resent.emplace(r, l); });
    QTRY_VERIFY_WITH_TIMEOUT(resent.has_value(), kTimeoutMs);
    QVERIFY2(resent->first.ok(), qPrintable(resent->first.message));
    QVERIFY(!resent->second.link.isEmpty());

    const OrgWriteResult deleted =
        runWrite([&](OrgCommands::Done done) { f.commands->deleteInvite(inviteId, done); });
    QVERIFY2(deleted.ok(), qPrintable(deleted.message));
    invites = listed();
    QVERIFY(invites);
    QVERIFY(!holds(*invites, inviteId));
}

void TestOrgCommands::ownerAuditLogs()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    WorkspaceDraft draft;
    draft.name = QStringLiteral("Audited");
    QVERIFY(runWrite([&](OrgCommands::Done done) { f.commands->createWorkspace(draft, done); }).ok());

    AuditLogQuery query;
    query.startUtc = QDateTime::currentDateTimeUtc().addDays(-1);
    query.endUtc = QDateTime::currentDateTimeUtc().addSecs(60);
    query.resourceType = QStringLiteral("workspaces");
    std::optional<ApiResult<QList<AuditLogRecord>>> out;
    f.commands->listAuditLogs(query, [&](const ApiResult<QList<AuditLogRecord>> &r) { out = r; });
    QTRY_VERIFY_WITH_TIMEOUT(out.has_value(), kTimeoutMs);
    QVERIFY2(out->ok(), qPrintable(out->error.userText()));
    QVERIFY(std::any_of(out->value.cbegin(), out->value.cend(), [](const AuditLogRecord &r) {
        return r.method == QLatin1String("POST") && r.resourceType == QLatin1String("workspaces");
    }));
    // The organisation id came from the cached keys.
    bool sentOrgId = false;
    for (const sandbox::RecordedRequest &r : f.server->recordedRequests()) {
        if (r.path == QLatin1String("/v1/audit-logs"))
            sentOrgId =
                r.query.queryItemValue(QStringLiteral("organisation_id")) == f.server->organisation().id();
    }
    QVERIFY(sentOrgId);
}

namespace {

/// What a denied-action check acts on.
struct Target
{
    QString workspace; ///< id
    QString workspaceName;
    QString user;
    InviteDraft invite;
    AuditLogQuery audit;
};

const QString kNoInvite = QStringLiteral("00000000-0000-4000-8000-000000000000");

/// Starts `action` through OrgCommands; `done` gets the error and the message.
void startCommand(OrgCommands &c, access::Action action, const Target &t,
                  const std::function<void(const ApiError &, const QString &)> &done)
{
    const auto write = [done](const OrgWriteResult &r) {
        done(r.error, r.message);
    };
    const auto read = [done](const auto &r) {
        done(r.error, r.error.message);
    };
    switch (action) {
    case access::Action::WorkspaceCreate:
        return c.createWorkspace(WorkspaceDraft{QStringLiteral("Nope"), {}, {}, {}, {}}, write);
    case access::Action::WorkspaceUpdate:
        return c.updateWorkspace(t.workspace, {{QStringLiteral("description"), QStringLiteral("x")}}, write);
    case access::Action::WorkspaceDelete:
        return c.deleteWorkspace(t.workspace, t.workspaceName, true, write);
    case access::Action::MemberAdd:
        return c.addMembers(t.workspace, {MemberGrant{t.user, QStringLiteral("member")}}, write);
    case access::Action::MemberUpdateRole:
        return c.updateMemberRole(t.workspace, t.user, QStringLiteral("manager"), write);
    case access::Action::MemberRemove:
        return c.removeMember(t.workspace, t.user, write);
    case access::Action::UserUpdateRole:
        return c.updateUserRole(t.user, QStringLiteral("admin"), write);
    case access::Action::UserRemove:
        return c.removeUser(t.user, write);
    case access::Action::InviteList:
        return c.listInvites(read);
    case access::Action::InviteCreate:
        return c.createInvite(t.invite, [write](const OrgWriteResult &r, const InviteLink &) { write(r); });
    case access::Action::InviteDelete:
        return c.deleteInvite(kNoInvite, write);
    case access::Action::AuditLogList:
        return c.listAuditLogs(t.audit, read);
    default:
        QFAIL("action not covered by this test");
    }
}

/// Sends `action` straight through the client, bypassing the policy; `done` gets the error.
void sendDirectly(AdminApiClient &client, access::Action action, const Target &t,
                  const std::function<void(const ApiError &)> &done)
{
    const auto answer = [done](const auto &r) {
        done(r.error);
    };
    switch (action) {
    case access::Action::WorkspaceCreate:
        client.createWorkspace(WorkspaceDraft{QStringLiteral("Nope"), {}, {}, {}, {}}, answer);
        break;
    case access::Action::WorkspaceUpdate:
        client.updateWorkspace(t.workspace, {{QStringLiteral("description"), QStringLiteral("x")}}, answer);
        break;
    case access::Action::WorkspaceDelete:
        client.deleteWorkspace(t.workspace, t.workspaceName, true, answer);
        break;
    case access::Action::MemberAdd:
        client.addWorkspaceMembers(t.workspace, {MemberGrant{t.user, QStringLiteral("member")}}, answer);
        break;
    case access::Action::MemberUpdateRole:
        client.updateWorkspaceMember(t.workspace, t.user, QStringLiteral("manager"), answer);
        break;
    case access::Action::MemberRemove:
        client.removeWorkspaceMember(t.workspace, t.user, answer);
        break;
    case access::Action::UserUpdateRole:
        client.updateUserRole(t.user, QStringLiteral("admin"), answer);
        break;
    case access::Action::UserRemove:
        client.removeUser(t.user, answer);
        break;
    case access::Action::InviteList:
        client.listInvites(answer);
        break;
    case access::Action::InviteCreate:
        client.createInvite(t.invite, answer);
        break;
    case access::Action::InviteDelete:
        client.deleteInvite(kNoInvite, answer);
        break;
    case access::Action::AuditLogList:
        client.listAuditLogs(t.audit, answer);
        break;
    default:
        QFAIL("action not covered by this test");
    }
}

} // namespace

void TestOrgCommands::deniedIsRefusedLocallyAndByServer_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("workspace"); // the workspace acted in: Production or Staging
    QTest::addColumn<QString>("reason");    // part of the policy's reason, or of the learned refusal
    QTest::addColumn<bool>("assumed");      // allowed on assumptions: sent once, refused, learned
    const QString prod = QStringLiteral("Production");
    const QString staging = QStringLiteral("Staging");
    const QString orgAdmin = QStringLiteral("needs org admin or owner");
    // A workspace service key of the Production manager (workspace_users.*, workspaces.read/list); the
    // human is an organisation member.
    const QString m = QStringLiteral("manager");
    QTest::newRow("manager workspace.create") << m << "workspace.create" << prod << orgAdmin << false;
    QTest::newRow("manager workspace.update")
        << m << "workspace.update" << prod << "lacks `workspaces.update`" << false;
    QTest::newRow("manager workspace.delete") << m << "workspace.delete" << prod << orgAdmin << false;
    QTest::newRow("manager member.add elsewhere")
        << m << "member.add" << staging << "workspace keys act only in workspace Production" << false;
    QTest::newRow("manager user.update_role") << m << "user.update_role" << prod << orgAdmin << false;
    QTest::newRow("manager user.remove") << m << "user.remove" << prod << orgAdmin << false;
    QTest::newRow("manager invite.list") << m << "invite.list" << prod << orgAdmin << false;
    QTest::newRow("manager invite.create") << m << "invite.create" << prod << orgAdmin << false;
    QTest::newRow("manager invite.delete") << m << "invite.delete" << prod << orgAdmin << false;
    QTest::newRow("manager audit_log.list") << m << "audit_log.list" << prod << orgAdmin << false;
    // A workspace user key of a Production member. Such a key cannot read its own scopes nor the member
    // lists, so member and workspace writes are allowed on assumptions: the server's 403 teaches the policy.
    const QString u = QStringLiteral("member");
    const QString adminKey = QStringLiteral("needs an Admin API key");
    QTest::newRow("member workspace.create") << u << "workspace.create" << prod << adminKey << false;
    QTest::newRow("member user.remove") << u << "user.remove" << prod << adminKey << false;
    QTest::newRow("member invite.create") << u << "invite.create" << prod << adminKey << false;
    QTest::newRow("member audit_log.list") << u << "audit_log.list" << prod << adminKey << false;
    QTest::newRow("member member.add") << u << "member.add" << prod << "`workspace_users.create`" << true;
    QTest::newRow("member member.update_role")
        << u << "member.update_role" << prod << "`workspace_users.update`" << true;
    QTest::newRow("member member.remove")
        << u << "member.remove" << prod << "`workspace_users.delete`" << true;
    QTest::newRow("member workspace.update")
        << u << "workspace.update" << prod << "`workspaces.update`" << true;
}

void TestOrgCommands::deniedIsRefusedLocallyAndByServer()
{
    QFETCH(QString, persona);
    QFETCH(QString, action);
    QFETCH(QString, workspace);
    QFETCH(QString, reason);
    QFETCH(bool, assumed);
    Fixture f;
    QVERIFY(setUp(f, persona));
    // Workspace keys see only their own workspace: the ids come from the seeded personas.
    Target t;
    t.workspaceName = workspace;
    t.workspace = f.server
                      ->persona(workspace == QLatin1String("Production") ? QStringLiteral("manager")
                                                                         : QStringLiteral("ws-admin"))
                      ->workspace;
    QVERIFY(!t.workspace.isEmpty());
    t.user = f.server->persona(QStringLiteral("org-member"))->userId;
    t.invite.email = QStringLiteral("someone@example.org");
    t.invite.role = QStringLiteral("member");
    t.invite.workspaces = {InviteWorkspace{t.workspace, QStringLiteral("member")}};
    t.audit.startUtc = QDateTime::currentDateTimeUtc().addDays(-1);
    t.audit.endUtc = QDateTime::currentDateTimeUtc();
    t.audit.organisationId = f.server->organisation().id();

    const std::optional<access::Action> which = access::actionFromName(action);
    QVERIFY(which);
    const access::Decision before = f.commands->decide(*which, access::Target::forWorkspace(t.workspace));
    QCOMPARE(before.allowed, assumed);
    if (assumed)
        QVERIFY(before.assumed);

    std::optional<std::pair<ApiError, QString>> first;
    startCommand(*f.commands, *which, t, [&](const ApiError &e, const QString &m) { first.emplace(e, m); });
    if (assumed) {
        // Sent once and refused: the 403 names the missing scope and the policy learns it.
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), kTimeoutMs);
        QVERIFY2(first->first.isForbidden(), qPrintable(first->second));
        QVERIFY2(first->second.contains(QStringLiteral("probably lacks the scope")) &&
                     first->second.contains(reason),
                 qPrintable(first->second));
        QCOMPARE(writesSeen(*f.server), 1);
        f.server->clearRecordedRequests();
        QVERIFY(!f.commands->decide(*which, access::Target::forWorkspace(t.workspace)).allowed);
        first.reset();
        startCommand(*f.commands, *which, t,
                     [&](const ApiError &e, const QString &m) { first.emplace(e, m); });
    }
    // Refused at once with the policy's reason, before anything is sent.
    QVERIFY(first.has_value());
    QCOMPARE(first->first.kind, ApiError::Kind::Invalid);
    QVERIFY2(first->second.startsWith(QStringLiteral("Not allowed: ")) && first->second.contains(reason),
             qPrintable(first->second));
    QCOMPARE(f.server->recordedRequests().size(), 0);

    // Sent directly with the same key: the server refuses too (the policy denies nothing it would allow).
    std::optional<ApiError> server;
    sendDirectly(*f.session->client(), *which, t, [&](const ApiError &e) { server = e; });
    QTRY_VERIFY_WITH_TIMEOUT(server.has_value(), kTimeoutMs);
    QCOMPARE(server->kind, ApiError::Kind::Http);
    QCOMPARE(server->httpStatus, 403);
}

void TestOrgCommands::invalidInputIsRefused()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    OrgCommands &c = *f.commands;
    const Workspace production = *f.workspace(QStringLiteral("Production"));
    const QString user = outsider(f.session->snapshot(), f.workspace(QStringLiteral("Staging"))->id);
    QVERIFY(!user.isEmpty());
    QVERIFY(!f.session->snapshot().members.value(production.id).isEmpty());
    const QString existingMember = f.session->snapshot().members.value(production.id).first().id;

    struct Case
    {
        const char *name;
        std::function<void(OrgCommands::Done)> run;
        QString expected; ///< part of the message
    };
    InviteDraft badEmail{QStringLiteral("not-an-address"),
                         QStringLiteral("member"),
                         {InviteWorkspace{production.id, QStringLiteral("member")}},
                         {}};
    InviteDraft noWorkspace{QStringLiteral("ok@example.org"), QStringLiteral("member"), {}, {}};
    InviteDraft badWorkspaceRole{QStringLiteral("ok@example.org"),
                                 QStringLiteral("member"),
                                 {InviteWorkspace{production.id, QStringLiteral("owner")}},
                                 {}};
    const auto invite = [&c](const InviteDraft &d) {
        return [&c, d](OrgCommands::Done done) {
            c.createInvite(d, [done](const OrgWriteResult &r, const InviteLink &) { done(r); });
        };
    };
    const QList<Case> cases{
        {"empty workspace name",
         [&](auto done) {
             c.createWorkspace(WorkspaceDraft{QStringLiteral("  "), {}, {}, {}, {}}, done);
         },
         QStringLiteral("needs a name")},
        {"overlong workspace name",
         [&](auto done) {
             c.createWorkspace(WorkspaceDraft{QString(101, QLatin1Char('w')), {}, {}, {}, {}}, done);
         },
         QStringLiteral("at most 100")},
        {"empty rename",
         [&](auto done) {
             c.updateWorkspace(production.id, {{QStringLiteral("name"), QString()}}, done);
         },
         QStringLiteral("needs a name")},
        {"unknown workspace field",
         [&](auto done) {
             c.updateWorkspace(production.id, {{QStringLiteral("slug"), 1}}, done);
         },
         QStringLiteral("cannot be changed")},
        {"no change", [&](auto done) { c.updateWorkspace(production.id, {}, done); },
         QStringLiteral("Nothing to change")},
        {"delete with another name",
         [&](auto done) { c.deleteWorkspace(production.id, QStringLiteral("production"), true, done); },
         QStringLiteral("exactly")},
        {"no members", [&](auto done) { c.addMembers(production.id, {}, done); },
         QStringLiteral("at least one")},
        {"member role owner",
         [&](auto done) {
             c.addMembers(production.id, {MemberGrant{user, QStringLiteral("owner")}}, done);
         },
         QStringLiteral("not a workspace role")},
        {"member twice",
         [&](auto done) {
             c.addMembers(
                 production.id,
                 {MemberGrant{user, QStringLiteral("member")}, MemberGrant{user, QStringLiteral("admin")}},
                 done);
         },
         QStringLiteral("twice")},
        {"member role typo",
         [&](auto done) { c.updateMemberRole(production.id, user, QStringLiteral("boss"), done); },
         QStringLiteral("not a workspace role")},
        {"org role owner", [&](auto done) { c.updateUserRole(user, QStringLiteral("owner"), done); },
         QStringLiteral("owner role cannot be given")},
        {"org role manager", [&](auto done) { c.updateUserRole(user, QStringLiteral("manager"), done); },
         QStringLiteral("admin or member")},
        {"invite e-mail", invite(badEmail), QStringLiteral("not an e-mail address")},
        {"invite without workspace", invite(noWorkspace), QStringLiteral("at least one workspace")},
        {"invite workspace role", invite(badWorkspaceRole), QStringLiteral("not a workspace role")},
        {"already a member",
         [&](auto done) {
             c.addMembers(production.id, {MemberGrant{existingMember, QStringLiteral("member")}}, done);
         },
         QStringLiteral("already a member")},
    };
    for (const Case &tc : cases) {
        const OrgWriteResult r = runWrite(tc.run);
        QVERIFY2(r.error.kind == ApiError::Kind::Invalid, tc.name);
        QVERIFY2(r.message.contains(tc.expected),
                 qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(tc.name), r.message)));
        QVERIFY2(!r.maybeApplied, tc.name);
    }
    QCOMPARE(f.server->recordedRequests().size(), 0);

    // Audit logs without a time span are refused too.
    std::optional<ApiError> audit;
    c.listAuditLogs(AuditLogQuery{}, [&](const ApiResult<QList<AuditLogRecord>> &r) { audit = r.error; });
    QVERIFY(audit && audit->kind == ApiError::Kind::Invalid);
    QCOMPARE(f.server->recordedRequests().size(), 0);
}

void TestOrgCommands::forbiddenIsLearned()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    QVERIFY(f.commands->decide(access::Action::WorkspaceCreate).allowed);
    sandbox::Fault forbidden = fault(QStringLiteral("POST"), QStringLiteral("/v1/admin/workspaces"));
    forbidden.status = 403;
    forbidden.code = QStringLiteral("AB03");
    f.server->injectFault(forbidden);
    QSignalSpy principalChanged(f.session.get(), &Session::principalChanged);

    WorkspaceDraft draft;
    draft.name = QStringLiteral("Refused");
    const OrgWriteResult refused =
        runWrite([&](OrgCommands::Done done) { f.commands->createWorkspace(draft, done); });
    QVERIFY(refused.error.isForbidden());
    QVERIFY(!refused.maybeApplied);
    QVERIFY2(refused.message.contains(QStringLiteral("`workspaces.create`")), qPrintable(refused.message));
    QCOMPARE(principalChanged.size(), 1);
    const access::Decision now = f.commands->decide(access::Action::WorkspaceCreate);
    QVERIFY(!now.allowed);
    QCOMPARE(now.missingScope, QStringLiteral("workspaces.create"));

    // Learned: the next attempt is refused locally.
    f.server->clearRecordedRequests();
    const OrgWriteResult again =
        runWrite([&](OrgCommands::Done done) { f.commands->createWorkspace(draft, done); });
    QCOMPARE(again.error.kind, ApiError::Kind::Invalid);
    QVERIFY2(again.message.contains(QStringLiteral("workspaces.create")), qPrintable(again.message));
    QCOMPARE(f.server->recordedRequests().size(), 0);
    QCOMPARE(principalChanged.size(), 1);
    // A sync keeps the lesson (same key).
    QVERIFY(!pktest::syncAndWait(*f.session, kTimeoutMs).first.isError());
    QVERIFY(!f.commands->decide(access::Action::WorkspaceCreate).allowed);
}

void TestOrgCommands::lostReplyMaybeApplied_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<int>("kind"); // 0 connection closed after applying, 1 malformed 2xx body
    QTest::newRow("workspace create, reset") << "POST"
                                             << "/v1/admin/workspaces" << 0;
    QTest::newRow("workspace create, malformed") << "POST"
                                                 << "/v1/admin/workspaces" << 1;
    QTest::newRow("members add, reset") << "POST"
                                        << "^/v1/admin/workspaces/[^/]+/users$" << 0;
    QTest::newRow("user role, reset") << "PUT"
                                      << "^/v1/admin/users/[^/]+$" << 0;
}

void TestOrgCommands::lostReplyMaybeApplied()
{
    QFETCH(QString, method);
    QFETCH(QString, pattern);
    QFETCH(int, kind);
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const QString ws = f.workspace(QStringLiteral("Staging"))->id;
    const QString user = outsider(f.session->snapshot(), ws);
    QVERIFY(!user.isEmpty());
    sandbox::Fault lost = fault(method, pattern);
    lost.resetAfterApply = kind == 0;
    lost.malformedJson = kind == 1;
    f.server->injectFault(lost);
    QSignalSpy syncs(f.session.get(), &Session::syncStarted);

    const QString name = QStringLiteral("Lost reply workspace");
    OrgWriteResult r;
    std::function<bool()> applied;
    if (pattern == QLatin1String("/v1/admin/workspaces")) {
        WorkspaceDraft draft;
        draft.name = name;
        r = runWrite([&](OrgCommands::Done done) { f.commands->createWorkspace(draft, done); });
        applied = [&] {
            return f.workspace(name) != nullptr;
        };
    } else if (method == QLatin1String("POST")) {
        r = runWrite([&](OrgCommands::Done done) {
            f.commands->addMembers(ws, {MemberGrant{user, QStringLiteral("admin")}}, done);
        });
        applied = [&] {
            return memberRole(f.session->snapshot(), ws, user) == QLatin1String("admin");
        };
    } else {
        r = runWrite(
            [&](OrgCommands::Done done) { f.commands->updateUserRole(user, QStringLiteral("admin"), done); });
        applied = [&] {
            const User *u = userWithId(f.session->snapshot(), user);
            return u && u->role == QLatin1String("admin");
        };
    }
    QVERIFY2(r.error.isError(), qPrintable(r.message));
    QVERIFY2(r.maybeApplied, qPrintable(r.message));
    QVERIFY2(r.message.contains(QStringLiteral("may have been applied")), qPrintable(r.message));
    QVERIFY(syncs.size() >= 1); // a sync was started so the snapshot shows the truth
    QTRY_VERIFY_WITH_TIMEOUT(applied(), kTimeoutMs);
    QVERIFY(syncSettles(*f.session));
    QCOMPARE(requestsSeen(*f.server, method), 1); // never sent twice
}

void TestOrgCommands::requestSyncDuringSyncSyncsAgain()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    QSignalSpy finished(f.session.get(), &Session::syncFinished);
    QVERIFY(f.session->sync());
    QVERIFY(f.session->isSyncing());
    QVERIFY(f.session->requestSync());
    QVERIFY(f.session->requestSync()); // several requests during one sync: one more sync
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, kTimeoutMs);
    QVERIFY(syncSettles(*f.session));
    QCOMPARE(finished.size(), 2);
    QVERIFY(f.session->requestSync()); // idle: syncs at once
    QVERIFY(f.session->isSyncing());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, kTimeoutMs);
}

void TestOrgCommands::cancelAllReportsCancelled()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    sandbox::Fault slow = fault(QStringLiteral("GET"), QStringLiteral("/v1/admin/users/invites"));
    slow.delayMs = 3000;
    f.server->injectFault(slow);
    std::optional<ApiError> listed;
    f.commands->listInvites([&](const ApiResult<QList<Invite>> &r) { listed = r.error; });
    QVERIFY(!listed);
    f.commands->cancelAll();
    QVERIFY(listed.has_value());
    QCOMPARE(listed->kind, ApiError::Kind::Cancelled);

    // Closing the session drops pending callbacks instead.
    std::optional<ApiError> dropped;
    f.commands->listInvites([&](const ApiResult<QList<Invite>> &r) { dropped = r.error; });
    f.session->close(); // cancels the session's calls at once
    QVERIFY(!dropped.has_value());
}

void TestOrgCommands::hasControlOrBidiFindsEveryKind_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("refused");
    const auto with = [](char16_t c) {
        return QString(QStringLiteral("ab") + QChar(c) + QStringLiteral("cd"));
    };
    QTest::newRow("NUL") << with(0x0000) << true;
    QTest::newRow("tab") << with(0x0009) << true;
    QTest::newRow("newline") << with(0x000a) << true;
    QTest::newRow("carriage return") << with(0x000d) << true;
    QTest::newRow("ESC") << with(0x001b) << true;
    QTest::newRow("unit separator") << with(0x001f) << true;
    QTest::newRow("DEL") << with(0x007f) << true;
    QTest::newRow("C1 first") << with(0x0080) << true;
    QTest::newRow("C1 NEL") << with(0x0085) << true;
    QTest::newRow("C1 CSI") << with(0x009b) << true;
    QTest::newRow("C1 last") << with(0x009f) << true;
    QTest::newRow("LRM") << with(0x200e) << true;
    QTest::newRow("RLM") << with(0x200f) << true;
    QTest::newRow("ALM") << with(0x061c) << true;
    QTest::newRow("LRE") << with(0x202a) << true;
    QTest::newRow("RLO") << with(0x202e) << true;
    QTest::newRow("LRI") << with(0x2066) << true;
    QTest::newRow("PDI") << with(0x2069) << true;
    QTest::newRow("line separator") << with(0x2028) << true;
    QTest::newRow("paragraph separator") << with(0x2029) << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("plain") << QStringLiteral("Production eu-west (v2)") << false;
    QTest::newRow("space and NBSP") << with(0x00a0) << false;
    QTest::newRow("latin accents") << QStringLiteral("Évaluation « org » ß") << false;
    QTest::newRow("arabic") << QStringLiteral("مساحة العمل") << false;
    QTest::newRow("hebrew") << QStringLiteral("סביבת עבודה") << false;
    QTest::newRow("cjk") << QStringLiteral("工作区") << false;
    QTest::newRow("emoji") << QStringLiteral("ship it 🚀") << false;
    QTest::newRow("zero-width joiner") << with(0x200d) << false;
    QTest::newRow("U+202F narrow NBSP") << with(0x202f) << false;
    QTest::newRow("U+206A") << with(0x206a) << false;
}

void TestOrgCommands::hasControlOrBidiFindsEveryKind()
{
    QFETCH(QString, text);
    QFETCH(bool, refused);
    QCOMPARE(hasControlOrBidi(text), refused);
}

void TestOrgCommands::controlAndBidiTextIsRefused()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    OrgCommands &c = *f.commands;
    const Workspace production = *f.workspace(QStringLiteral("Production"));
    const QString user = outsider(f.session->snapshot(), f.workspace(QStringLiteral("Staging"))->id);
    QVERIFY(!user.isEmpty());
    const QList<QString> bad{QStringLiteral("\t"),   QStringLiteral("\n"),   QStringLiteral("\x1b[2J"),
                             QString(QChar(0x7f)),   QString(QChar(0x85)),   QString(QChar(0x9b)),
                             QString(QChar(0x202a)), QString(QChar(0x202e)), QString(QChar(0x2066)),
                             QString(QChar(0x2069)), QString(QChar(0x200e)), QString(QChar(0x200f))};
    const QString nameProblem =
        QStringLiteral("A workspace name cannot contain control or direction-changing characters.");
    const QString descriptionProblem =
        QStringLiteral("A workspace description cannot contain control or direction-changing characters.");
    const QString emailProblem =
        QStringLiteral("An e-mail address cannot contain control or direction-changing characters.");
    const QString roleProblem = QStringLiteral("A workspace role cannot contain control");
    const auto invite = [&c](const InviteDraft &d) {
        return [&c, d](OrgCommands::Done done) {
            c.createInvite(d, [done](const OrgWriteResult &r, const InviteLink &) { done(r); });
        };
    };
    for (const QString &b : bad) {
        const QString text = QString(QStringLiteral("Ops") + b + QStringLiteral("team"));
        const QString email = QString(QStringLiteral("x") + b + QStringLiteral("@evil.com"));
        InviteDraft badEmail{
            email, QStringLiteral("member"), {InviteWorkspace{production.id, QStringLiteral("member")}}, {}};
        InviteDraft badRole{
            QStringLiteral("ok@example.org"),
            QStringLiteral("member"),
            {InviteWorkspace{production.id, QString(QStringLiteral("ad") + b + QStringLiteral("min"))}},
            {}};
        const QList<std::pair<std::function<void(OrgCommands::Done)>, QString>> cases{
            {[&](auto done) {
                 c.createWorkspace(WorkspaceDraft{text, {}, {}, {}, {}}, done);
             },
             nameProblem},
            {[&](auto done) {
                 c.createWorkspace(WorkspaceDraft{QStringLiteral("Ops"), text, {}, {}, {}}, done);
             },
             descriptionProblem},
            {[&](auto done) {
                 c.updateWorkspace(production.id, {{QStringLiteral("name"), text}}, done);
             },
             nameProblem},
            {[&](auto done) {
                 c.updateWorkspace(production.id, {{QStringLiteral("description"), text}}, done);
             },
             descriptionProblem},
            {invite(badEmail), emailProblem},
            {invite(badRole), roleProblem},
            {[&](auto done) {
                 c.addMembers(production.id,
                              {MemberGrant{user, QString(QStringLiteral("mem") + b + QStringLiteral("ber"))}},
                              done);
             },
             roleProblem},
        };
        const QString shown = QString::number(b.front().unicode(), 16);
        for (const auto &[run, expected] : cases) {
            const OrgWriteResult r = runWrite(run);
            QVERIFY2(r.error.kind == ApiError::Kind::Invalid, qPrintable(shown));
            QVERIFY2(r.message.contains(expected), qPrintable(QString(shown + QLatin1Char(' ') + r.message)));
            // The offending text is never echoed back.
            QVERIFY2(!r.message.contains(b), qPrintable(shown));
        }
    }
    QCOMPARE(f.server->recordedRequests().size(), 0);
}

void TestOrgCommands::nonMemberIsRefusedLocally()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const Workspace staging = *f.workspace(QStringLiteral("Staging"));
    const QString user = outsider(f.session->snapshot(), staging.id);
    QVERIFY(!user.isEmpty());
    // The owner's key read Staging's member list, so a missing entry means "not a member".
    QVERIFY(f.session->principal().memberListsRead.contains(staging.id));

    for (const QString &ref : {staging.id, staging.slug}) {
        const OrgWriteResult removed =
            runWrite([&](OrgCommands::Done done) { f.commands->removeMember(ref, user, done); });
        QCOMPARE(removed.error.kind, ApiError::Kind::Invalid);
        QVERIFY2(removed.message.contains(QStringLiteral("is not a member of workspace “Staging”. Nothing "
                                                         "was sent.")),
                 qPrintable(removed.message));
        const OrgWriteResult changed = runWrite([&](OrgCommands::Done done) {
            f.commands->updateMemberRole(ref, user, QStringLiteral("manager"), done);
        });
        QCOMPARE(changed.error.kind, ApiError::Kind::Invalid);
        QVERIFY2(changed.message.contains(QStringLiteral("is not a member of workspace")),
                 qPrintable(changed.message));
    }
    QCOMPARE(f.server->recordedRequests().size(), 0);

    // A member is still removed.
    const QString member = f.session->snapshot().members.value(staging.id).first().id;
    const OrgWriteResult removed =
        runWrite([&](OrgCommands::Done done) { f.commands->removeMember(staging.id, member, done); });
    QVERIFY2(removed.ok(), qPrintable(removed.message));
    QCOMPARE(requestsSeen(*f.server, QStringLiteral("DELETE")), 1);
}

void TestOrgCommands::inviteNamingAWorkspaceTwiceIsRefused()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const Workspace staging = *f.workspace(QStringLiteral("Staging"));
    const Workspace production = *f.workspace(QStringLiteral("Production"));
    QVERIFY(!staging.slug.isEmpty() && staging.slug != staging.id);
    const auto create = [&f](const QList<InviteWorkspace> &workspaces) {
        InviteDraft draft{QStringLiteral("twice@example.org"), QStringLiteral("member"), workspaces, {}};
        return runWrite([&](OrgCommands::Done done) {
            f.commands->createInvite(draft, [done](const OrgWriteResult &r, const InviteLink &) { done(r); });
        });
    };
    const QString m = QStringLiteral("member");
    const QString a = QStringLiteral("admin");
    const QList<QList<InviteWorkspace>> twice{
        {{QStringLiteral("Staging"), m}, {QStringLiteral("Staging"), a}},
        {{staging.id, m}, {staging.slug, a}},
        {{QStringLiteral("Staging"), m}, {staging.id, m}},
        {{staging.slug, m}, {production.id, m}, {QStringLiteral("staging"), a}},
    };
    for (const QList<InviteWorkspace> &workspaces : twice) {
        const OrgWriteResult r = create(workspaces);
        QCOMPARE(r.error.kind, ApiError::Kind::Invalid);
        QVERIFY2(r.message.contains(QStringLiteral("Workspace “Staging” is named twice in the invite")),
                 qPrintable(r.message));
    }
    QCOMPARE(f.server->recordedRequests().size(), 0);

    // Two different workspaces are fine.
    const OrgWriteResult ok = create({{staging.slug, m}, {production.id, a}});
    QVERIFY2(ok.ok(), qPrintable(ok.message));
    QCOMPARE(requestsSeen(*f.server, QStringLiteral("POST")), 1);
}

void TestOrgCommands::conflictsGetFittingMessages()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const Workspace production = *f.workspace(QStringLiteral("Production"));
    const QString generic = QStringLiteral("choose another name");

    // Invite: the same address twice (invites are not cached, so the server is the one to say so).
    InviteDraft draft{QStringLiteral("again@example.org"),
                      QStringLiteral("member"),
                      {InviteWorkspace{production.slug, QStringLiteral("member")}},
                      {}};
    const auto invite = [&] {
        return runWrite([&](OrgCommands::Done done) {
            f.commands->createInvite(draft, [done](const OrgWriteResult &r, const InviteLink &) { done(r); });
        });
    };
    QVERIFY(invite().ok());
    const OrgWriteResult invitedAgain = invite();
    QCOMPARE(invitedAgain.error.httpStatus, 409);
    QVERIFY2(
        invitedAgain.message.contains(QStringLiteral("An invite for again@example.org already exists")) &&
            invitedAgain.message.contains(QStringLiteral("resend or delete")) &&
            !invitedAgain.message.contains(generic),
        qPrintable(invitedAgain.message));

    // Member add: someone added behind the snapshot's back (straight through the client, no sync).
    const QString staging = f.workspace(QStringLiteral("Staging"))->id;
    const QString user = outsider(f.session->snapshot(), staging);
    QVERIFY(!user.isEmpty());
    std::optional<ApiError> direct;
    f.session->client()->addWorkspaceMembers(staging, {MemberGrant{user, QStringLiteral("member")}},
                                             [&](const ApiResult<bool> &r) { direct = r.error; });
    QTRY_VERIFY_WITH_TIMEOUT(direct.has_value(), kTimeoutMs);
    QVERIFY(!direct->isError());
    QVERIFY(memberRole(f.session->snapshot(), staging, user).isEmpty());
    const OrgWriteResult addedAgain = runWrite([&](OrgCommands::Done done) {
        f.commands->addMembers(staging, {MemberGrant{user, QStringLiteral("admin")}}, done);
    });
    QCOMPARE(addedAgain.error.httpStatus, 409);
    QVERIFY2(addedAgain.message.contains(QStringLiteral("is already a member of workspace “Staging”: change "
                                                        "their role instead")) &&
                 !addedAgain.message.contains(generic),
             qPrintable(addedAgain.message));

    // Workspace create and rename: the server says the name is taken.
    sandbox::Fault taken = fault(QStringLiteral("POST"), QStringLiteral("/v1/admin/workspaces"));
    taken.status = 409;
    taken.code = QStringLiteral("AB07");
    f.server->injectFault(taken);
    const OrgWriteResult created = runWrite([&](OrgCommands::Done done) {
        f.commands->createWorkspace(WorkspaceDraft{QStringLiteral("Taken"), {}, {}, {}, {}}, done);
    });
    QCOMPARE(created.error.httpStatus, 409);
    QVERIFY2(created.message.startsWith(
                 QStringLiteral("A workspace named “Taken” already exists: choose another name.")),
             qPrintable(created.message));
    QVERIFY(!created.maybeApplied);

    taken = fault(QStringLiteral("PUT"), QStringLiteral("^/v1/admin/workspaces/[^/]+$"));
    taken.status = 409;
    taken.code = QStringLiteral("AB07");
    f.server->injectFault(taken);
    const OrgWriteResult renamed = runWrite([&](OrgCommands::Done done) {
        f.commands->updateWorkspace(production.id, {{QStringLiteral("name"), QStringLiteral("Staging")}},
                                    done);
    });
    QCOMPARE(renamed.error.httpStatus, 409);
    QVERIFY2(renamed.message.startsWith(
                 QStringLiteral("A workspace named “Staging” already exists: choose another name.")),
             qPrintable(renamed.message));
}

void TestOrgCommands::rolesAreTrimmedAndLowerCased()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const Workspace staging = *f.workspace(QStringLiteral("Staging"));
    const QString user = outsider(f.session->snapshot(), staging.id);
    QVERIFY(!user.isEmpty());

    const OrgWriteResult added = runWrite([&](OrgCommands::Done done) {
        f.commands->addMembers(staging.id, {MemberGrant{user, QStringLiteral(" Member ")}}, done);
    });
    QVERIFY2(added.ok(), qPrintable(added.message));
    QTRY_COMPARE_WITH_TIMEOUT(memberRole(f.session->snapshot(), staging.id, user), QStringLiteral("member"),
                              kTimeoutMs);
    QVERIFY(syncSettles(*f.session));

    const OrgWriteResult changed = runWrite([&](OrgCommands::Done done) {
        f.commands->updateMemberRole(staging.id, user, QStringLiteral("MANAGER\t"), done);
    });
    QVERIFY2(changed.ok(), qPrintable(changed.message));
    QTRY_COMPARE_WITH_TIMEOUT(memberRole(f.session->snapshot(), staging.id, user), QStringLiteral("manager"),
                              kTimeoutMs);
    QVERIFY(syncSettles(*f.session));

    const OrgWriteResult promoted = runWrite(
        [&](OrgCommands::Done done) { f.commands->updateUserRole(user, QStringLiteral(" Admin"), done); });
    QVERIFY2(promoted.ok(), qPrintable(promoted.message));
    QTRY_VERIFY_WITH_TIMEOUT(userWithId(f.session->snapshot(), user) &&
                                 userWithId(f.session->snapshot(), user)->role == QLatin1String("admin"),
                             kTimeoutMs);
    QVERIFY(syncSettles(*f.session));

    // The policy sees the normalised role too: the same role again, and the owner role, are refused.
    f.server->clearRecordedRequests();
    const OrgWriteResult same = runWrite(
        [&](OrgCommands::Done done) { f.commands->updateUserRole(user, QStringLiteral("ADMIN "), done); });
    QCOMPARE(same.error.kind, ApiError::Kind::Invalid);
    QVERIFY2(same.message.contains(QStringLiteral("already has this role")), qPrintable(same.message));
    const OrgWriteResult owner = runWrite(
        [&](OrgCommands::Done done) { f.commands->updateUserRole(user, QStringLiteral(" Owner "), done); });
    QCOMPARE(owner.error.kind, ApiError::Kind::Invalid);
    QVERIFY2(owner.message.contains(QStringLiteral("owner role cannot be given")), qPrintable(owner.message));
    QCOMPARE(f.server->recordedRequests().size(), 0);

    // Invites: the organisation role and each workspace role are sent normalised.
    InviteDraft draft{QStringLiteral("roles@example.org"),
                      QStringLiteral(" Member"),
                      {InviteWorkspace{staging.slug, QStringLiteral("Admin ")}},
                      {}};
    const OrgWriteResult invited = runWrite([&](OrgCommands::Done done) {
        f.commands->createInvite(draft, [done](const OrgWriteResult &r, const InviteLink &) { done(r); });
    });
    QVERIFY2(invited.ok(), qPrintable(invited.message));
    QJsonObject body;
    for (const sandbox::RecordedRequest &r : f.server->recordedRequests()) {
        if (r.method == QLatin1String("POST") && r.path == QLatin1String("/v1/admin/users/invites"))
            body = r.body.toObject();
    }
    QCOMPARE(body.value(QStringLiteral("role")).toString(), QStringLiteral("member"));
    QCOMPARE(body.value(QStringLiteral("workspaces"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("role"))
                 .toString(),
             QStringLiteral("admin"));
}

void TestOrgCommands::isSelfKnowsThePrincipal()
{
    Fixture f;
    QVERIFY(setUp(f, QStringLiteral("owner")));
    const QString me = f.server->persona(QStringLiteral("owner"))->userId;
    QVERIFY(!me.isEmpty());
    QCOMPARE(f.session->principal().userId, me);
    QVERIFY(f.commands->isSelf(me));
    QVERIFY(!f.commands->isSelf(f.server->persona(QStringLiteral("org-member"))->userId));
    QVERIFY(!f.commands->isSelf(QString()));
    QVERIFY(!f.commands->isSelf(QStringLiteral("00000000-0000-4000-8000-000000000000")));

    // A workspace user key that may list neither keys nor users: who is acting stays unknown, so no id is
    // taken for the principal's own.
    Fixture m;
    QVERIFY(setUp(m, QStringLiteral("member")));
    QVERIFY(m.session->principal().userId.isEmpty());
    const QString member = m.server->persona(QStringLiteral("member"))->userId;
    QVERIFY(!member.isEmpty());
    QVERIFY(!m.commands->isSelf(member));
    QVERIFY(!m.commands->isSelf(me));
}

QTEST_GUILESS_MAIN(TestOrgCommands)
#include "tst_orgcommands.moc"
