// The organisation commands of portkey-key-manager-cli (workspaces, members, users, invites, audit): each
// once against a SandboxServer in this process, their `--json` shapes, refusals by the access policy (one
// line with the reason, nothing sent), invalid input, and confirmations that need --yes without a terminal.
// The real binary, run with QProcess, with a throwaway HOME and the real Secret Service.

#include "clitestsupport.h"
#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pk;

namespace {

constexpr int kTimeoutMs = 60000;

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

using Result = pktest::ProcessResult;
using pktest::findIn;
using pktest::writesSeen;

} // namespace

class TestCliOrg : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void helpListsTheCommands();
    void workspacesCreateUpdateDelete();
    void membersAddRoleRemove();
    void usersRoleRemove();
    void invitesCreateResendDelete();
    void auditListsWrites();
    void refusalsAreOneLineAndSendNothing_data();
    void refusalsAreOneLineAndSendNothing();
    void invalidInputIsRefused_data();
    void invalidInputIsRefused();
    void destructiveCommandsNeedYes_data();
    void destructiveCommandsNeedYes();
    void lostReplyMayHaveApplied();
    void deletingAWorkspaceWithKeysNeedsForce();

private:
    Result run(const QStringList &args, const QByteArray &input = {});
    /// Runs the CLI with the Owner profile and `--json`; returns its parsed stdout after checking exit 0.
    QJsonDocument ownerJson(const QStringList &args);
    /// Adds the profile `name` for the seeded `persona` and syncs it (QVERIFY).
    void addPersonaProfile(const QString &name, const QString &persona);

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    std::unique_ptr<sandbox::SandboxServer> m_server;
};

void TestCliOrg::initTestCase()
{
    pktest::verifyProcessPrerequisites(QStringLiteral(PK_CLI_PATH), m_home);
    if (QTest::currentTestFailed())
        return;
    m_env = pktest::privateHomeEnvironment(m_home);
    pktest::startSandboxWithOwnerProfile(QStringLiteral(PK_CLI_PATH), m_env, &m_server);
    if (QTest::currentTestFailed())
        return;
    addPersonaProfile(s("Manager"), s("manager"));
    addPersonaProfile(s("Member"), s("member"));
}

void TestCliOrg::cleanupTestCase()
{
    for (const char *name : {"Manager", "Member"})
        run({s("profile"), s("remove"), s(name)});
    pktest::removeOwnerProfile(QStringLiteral(PK_CLI_PATH), m_env);
}

Result TestCliOrg::run(const QStringList &args, const QByteArray &input)
{
    return pktest::runProcess(QStringLiteral(PK_CLI_PATH), args, input, m_env, kTimeoutMs);
}

QJsonDocument TestCliOrg::ownerJson(const QStringList &args)
{
    const Result r = run(QStringList{s("--profile"), s("Owner"), s("--json")} + args);
    if (r.code != 0)
        qWarning("%s failed (%d): %s", qPrintable(args.join(QLatin1Char(' '))), r.code, r.err.constData());
    return r.json();
}

void TestCliOrg::addPersonaProfile(const QString &name, const QString &persona)
{
    const sandbox::Persona p = *m_server->persona(persona);
    Result r = run({s("profile"), s("add"), s("--name"), name, s("--url"), m_server->baseUrl().toString(),
                    s("--email"), p.email},
                   p.apiKey.toUtf8());
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({s("sync"), s("--profile"), name});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCliOrg::helpListsTheCommands()
{
    const Result r = run({s("--help")});
    QCOMPARE(r.code, 0);
    for (const char *command :
         {"workspaces create", "workspaces delete WORKSPACE [--force] [--yes]", "members add", "members role",
          "users remove USER [--yes]", "invites create", "invites resend", "audit list"})
        QVERIFY2(r.out.contains(command), command);
}

void TestCliOrg::workspacesCreateUpdateDelete()
{
    const QJsonObject created =
        ownerJson({s("workspaces"), s("create"), s("--name"), s("CLI made"), s("--description"), s("first")})
            .object();
    QCOMPARE(created.value(s("name")).toString(), s("CLI made"));
    const QString id = created.value(s("id")).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_server->organisation().resolveWorkspaceId(id), id);

    // By name, case-insensitive; the JSON is the workspace as synced after the change.
    const QJsonObject updated =
        ownerJson({s("workspaces"), s("update"), s("cli made"), s("--description"), s("second")}).object();
    QCOMPARE(updated.value(s("id")).toString(), id);
    QCOMPARE(updated.value(s("description")).toString(), s("second"));
    const QJsonArray listed = ownerJson({s("workspaces"), s("list")}).array();
    QCOMPARE(findIn(listed, s("id"), id).value(s("description")).toString(), s("second"));

    const Result text = run({s("--profile"), s("Owner"), s("workspaces"), s("delete"), id, s("--yes")});
    QVERIFY2(text.code == 0, text.err.constData());
    QVERIFY2(text.out.contains("Deleted workspace “CLI made”"), text.out.constData());
    QVERIFY(m_server->organisation().resolveWorkspaceId(id).isEmpty());
}

void TestCliOrg::membersAddRoleRemove()
{
    const QString user = m_server->persona(s("org-member"))->email; // not a member of Production
    QVERIFY(
        findIn(ownerJson({s("members"), s("list"), s("Production")}).array(), s("email"), user).isEmpty());

    const QJsonObject added = ownerJson({s("members"), s("add"), s("Production"), s("--user"), user.toUpper(),
                                         s("--role"), s("member")})
                                  .object();
    QCOMPARE(added.value(s("role")).toString(), s("member"));
    QCOMPARE(added.value(s("user")).toString(), m_server->persona(s("org-member"))->userId);
    // The cache was synced by the command: listing without --refresh shows the new member.
    QCOMPARE(findIn(ownerJson({s("members"), s("list"), s("Production")}).array(), s("email"), user)
                 .value(s("role"))
                 .toString(),
             s("member"));

    const Result role =
        run({s("--profile"), s("Owner"), s("members"), s("role"), s("Production"), user, s("manager")});
    QVERIFY2(role.code == 0, role.err.constData());
    QVERIFY2(role.out.contains("is now manager of workspace “Production”"), role.out.constData());
    QCOMPARE(findIn(ownerJson({s("members"), s("list"), s("Production")}).array(), s("email"), user)
                 .value(s("role"))
                 .toString(),
             s("manager"));

    const QJsonObject removed =
        ownerJson({s("members"), s("remove"), s("Production"), user, s("--yes")}).object();
    QCOMPARE(removed.value(s("removed")).toString(), m_server->persona(s("org-member"))->userId);
    QVERIFY(
        findIn(ownerJson({s("members"), s("list"), s("Production")}).array(), s("email"), user).isEmpty());

    const Result table = run({s("--profile"), s("Owner"), s("members"), s("list"), s("Production")});
    QCOMPARE(table.code, 0);
    QVERIFY(table.out.startsWith("USER ID"));
    QVERIFY(table.out.contains(m_server->persona(s("owner"))->email.toUtf8()));
}

void TestCliOrg::usersRoleRemove()
{
    const QJsonArray users = ownerJson({s("users"), s("list")}).array();
    QVERIFY(users.size() >= 10);
    // A member of the organisation who is none of the personas.
    QString email;
    QStringList personaEmails;
    for (const sandbox::Persona &p : m_server->personas())
        personaEmails.append(p.email);
    for (const QJsonValue &v : users) {
        const QJsonObject u = v.toObject();
        if (u.value(s("role")).toString() == QLatin1String("member") &&
            !personaEmails.contains(u.value(s("email")).toString()))
            email = u.value(s("email")).toString();
    }
    QVERIFY(!email.isEmpty());

    const QJsonObject promoted = ownerJson({s("users"), s("role"), email, s("admin")}).object();
    QCOMPARE(promoted.value(s("role")).toString(), s("admin"));
    QCOMPARE(
        findIn(ownerJson({s("users"), s("list")}).array(), s("email"), email).value(s("role")).toString(),
        s("admin"));

    const Result removed = run({s("--profile"), s("Owner"), s("users"), s("remove"), email, s("--yes")});
    QVERIFY2(removed.code == 0, removed.err.constData());
    QVERIFY2(removed.out.contains("from the organisation"), removed.out.constData());
    QVERIFY(findIn(ownerJson({s("users"), s("list")}).array(), s("email"), email).isEmpty());
}

void TestCliOrg::invitesCreateResendDelete()
{
    const QJsonObject created =
        ownerJson({s("invites"), s("create"), s("--email"), s("new.colleague@example.org"), s("--role"),
                   s("member"), s("--workspace"), s("Production:manager"), s("--workspace"),
                   s("staging:member")})
            .object();
    const QString id = created.value(s("id")).toString();
    QVERIFY(!id.isEmpty());
    QVERIFY(created.value(s("invite_link")).toString().startsWith(s("https://")));
    const QJsonObject listed = findIn(ownerJson({s("invites"), s("list")}).array(), s("id"), id);
    QCOMPARE(listed.value(s("email")).toString(), s("new.colleague@example.org"));
    QCOMPARE(listed.value(s("workspaces")).toArray().size(), 2);

    const Result resent = run({s("--profile"), s("Owner"), s("invites"), s("resend"), id});
    QVERIFY2(resent.code == 0, resent.err.constData());
    QVERIFY2(resent.out.contains("Invite link: https://"), resent.out.constData());

    const QJsonObject deleted = ownerJson({s("invites"), s("delete"), id, s("--yes")}).object();
    QCOMPARE(deleted.value(s("deleted")).toString(), id);
    QVERIFY(findIn(ownerJson({s("invites"), s("list")}).array(), s("id"), id).isEmpty());

    const Result table = run({s("--profile"), s("Owner"), s("invites"), s("list")});
    QCOMPARE(table.code, 0);
    QVERIFY(table.out.startsWith("ID"));
}

void TestCliOrg::auditListsWrites()
{
    QVERIFY(!ownerJson({s("workspaces"), s("create"), s("--name"), s("Audited by CLI")}).isNull());
    const QJsonArray records = ownerJson({s("audit"), s("list"), s("--days"), s("1"), s("--method"),
                                          s("post"), s("--resource-type"), s("workspaces")})
                                   .array();
    QVERIFY(!records.isEmpty());
    for (const QJsonValue &v : records) {
        const QJsonObject r = v.toObject();
        QCOMPARE(r.value(s("method")).toString(), s("POST"));
        QCOMPARE(r.value(s("resource_type")).toString(), s("workspaces"));
        // UTC ISO 8601 instants in JSON.
        const QString t = r.value(s("timestamp")).toString();
        QVERIFY2(t.endsWith(QLatin1Char('Z')) && QDateTime::fromString(t, Qt::ISODateWithMs).isValid(),
                 qPrintable(t));
    }

    // Local time with the zone in text (the test runs in UTC unless TZ says otherwise).
    QProcessEnvironment berlin = m_env;
    berlin.insert(s("TZ"), s("Europe/Berlin"));
    const Result text =
        pktest::runProcess(QStringLiteral(PK_CLI_PATH),
                           {s("--profile"), s("Owner"), s("audit"), s("list"), s("--since"),
                            QDateTime::currentDateTimeUtc().addDays(-1).toString(Qt::ISODate)},
                           {}, berlin, kTimeoutMs);
    QVERIFY2(text.code == 0, text.err.constData());
    QVERIFY(text.out.startsWith("TIME"));
    const QByteArray row = text.out.split('\n').value(1);
    QVERIFY2(row.contains("CET") || row.contains("CEST") || row.contains("GMT+"), row.constData());
    // Who did it, by name: the owner persona's Admin API key.
    QVERIFY2(row.contains("Owner master key (api_key)"), row.constData());
}

void TestCliOrg::refusalsAreOneLineAndSendNothing_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("reason");
    const QString chloe = s("chloe.martin@northwind-labs.example");
    const QString orgAdmin = s("needs org admin or owner");
    QTest::newRow("manager workspaces create")
        << QStringList{s("--profile"), s("Manager"), s("workspaces"), s("create"), s("--name"), s("X")}
        << orgAdmin;
    QTest::newRow("manager workspaces update")
        << QStringList{s("--profile"),  s("Manager"),       s("workspaces"), s("update"),
                       s("Production"), s("--description"), s("x")}
        << s("key lacks `workspaces.update`");
    QTest::newRow("manager members add elsewhere")
        << QStringList{s("--profile"), s("Manager"), s("members"), s("add"),   s("Staging"),
                       s("--user"),    chloe,        s("--role"),  s("member")}
        << s("workspace keys act only in workspace Production");
    QTest::newRow("manager users remove")
        << QStringList{s("--profile"), s("Manager"), s("users"), s("remove"), chloe, s("--yes")} << orgAdmin;
    QTest::newRow("manager invites create")
        << QStringList{s("--profile"), s("Manager"), s("invites"), s("create"),      s("--email"),
                       s("a@b.org"),   s("--role"),  s("member"),  s("--workspace"), s("Production:member")}
        << orgAdmin;
    QTest::newRow("manager audit list")
        << QStringList{s("--profile"), s("Manager"), s("audit"), s("list")} << orgAdmin;
    QTest::newRow("member workspaces delete")
        << QStringList{s("--profile"), s("Member"), s("workspaces"), s("delete"), s("Production"), s("--yes")}
        << s("needs an Admin API key");
    QTest::newRow("member invites delete")
        << QStringList{s("--profile"), s("Member"), s("invites"), s("delete"), s("x"), s("--yes")}
        << s("needs an Admin API key");
    QTest::newRow("owner gives the owner role")
        << QStringList{s("--profile"), s("Owner"), s("users"), s("role"), chloe, s("owner")}
        << s("the owner role cannot be given through the Admin API");
}

void TestCliOrg::refusalsAreOneLineAndSendNothing()
{
    QFETCH(QStringList, args);
    QFETCH(QString, reason);
    m_server->clearRecordedRequests();
    const Result r = run(args);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.startsWith("error: not allowed: ") && r.err.contains(reason.toUtf8()), r.err.constData());
    QCOMPARE(writesSeen(*m_server), 0);

    // --json: the same refusal as {"error", "hint"} on stdout.
    const Result json = run(QStringList{s("--json")} + args);
    QCOMPARE(json.code, 1);
    QVERIFY2(json.json().object().value(s("error")).toString().contains(reason), json.out.constData());
    QCOMPARE(writesSeen(*m_server), 0);
}

void TestCliOrg::invalidInputIsRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    const QString chloe = s("chloe.martin@northwind-labs.example");
    QTest::newRow("workspace role") << QStringList{s("members"), s("add"),    s("Production"), s("--user"),
                                                   chloe,        s("--role"), s("owner")}
                                    << 2 << s("not a workspace role");
    QTest::newRow("org role") << QStringList{s("users"), s("role"), chloe, s("manager")} << 2
                              << s("use admin or member");
    QTest::newRow("invite e-mail") << QStringList{s("invites"),     s("create"),           s("--email"),
                                                  s("nobody"),      s("--role"),           s("member"),
                                                  s("--workspace"), s("Production:member")}
                                   << 2 << s("not an e-mail address");
    QTest::newRow("invite workspace without role")
        << QStringList{s("invites"), s("create"), s("--email"),     s("a@b.org"),
                       s("--role"),  s("member"), s("--workspace"), s("Production")}
        << 2 << s("WORKSPACE:ROLE");
    QTest::newRow("invite without workspace")
        << QStringList{s("invites"), s("create"), s("--email"), s("a@b.org"), s("--role"), s("member")} << 2
        << s("at least one --workspace");
    QTest::newRow("unknown workspace")
        << QStringList{s("members"), s("list"), s("Nowhere")} << 1 << s("no workspace named/identified");
    QTest::newRow("unknown e-mail") << QStringList{s("users"), s("remove"), s("ghost@example.org"),
                                                   s("--yes")}
                                    << 1 << s("no user with the e-mail");
    QTest::newRow("create without name") << QStringList{s("workspaces"), s("create")} << 2 << s("--name");
    QTest::newRow("update without change") << QStringList{s("workspaces"), s("update"), s("Production")} << 2
                                           << s("--name NAME or --description");
    QTest::newRow("audit since") << QStringList{s("audit"), s("list"), s("--since"), s("yesterday")} << 2
                                 << s("--since");
    QTest::newRow("audit method") << QStringList{s("audit"), s("list"), s("--method"), s("GET")} << 2
                                  << s("POST, PUT or DELETE");
    QTest::newRow("audit since and days")
        << QStringList{s("audit"), s("list"), s("--since"), s("2026-01-01"), s("--days"), s("3")} << 2
        << s("not both");
    QTest::newRow("members role operands")
        << QStringList{s("members"), s("role"), s("Production"), chloe} << 2 << s("WORKSPACE USER ROLE");
}

void TestCliOrg::invalidInputIsRefused()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    m_server->clearRecordedRequests();
    const Result r = run(QStringList{s("--profile"), s("Owner")} + args);
    QCOMPARE(r.code, code);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    QCOMPARE(writesSeen(*m_server), 0);
}

void TestCliOrg::destructiveCommandsNeedYes_data()
{
    QTest::addColumn<QStringList>("args");
    const QString chloe = s("chloe.martin@northwind-labs.example");
    QTest::newRow("workspaces delete")
        << QStringList{s("workspaces"), s("delete"), s("Staging"), s("--force")};
    QTest::newRow("members remove") << QStringList{s("members"), s("remove"), s("Production"),
                                                   s("owner-ignored")};
    QTest::newRow("users remove") << QStringList{s("users"), s("remove"), chloe};
    QTest::newRow("invites delete") << QStringList{s("invites"), s("delete"), s("some-invite")};
}

void TestCliOrg::destructiveCommandsNeedYes()
{
    QFETCH(QStringList, args);
    m_server->clearRecordedRequests();
    // stdin is a pipe, not a terminal: without --yes nothing is asked and nothing is sent.
    const Result r = run(QStringList{s("--profile"), s("Owner")} + args, "yes\n");
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("without confirmation") && r.err.contains("--yes"), r.err.constData());
    QCOMPARE(writesSeen(*m_server), 0);
}

void TestCliOrg::lostReplyMayHaveApplied()
{
    // The sandbox applies the POST, then closes the connection before the reply's body.
    sandbox::Fault lost;
    lost.method = s("POST");
    lost.pathPattern = s("^/v1/admin/workspaces/[^/]+/users$");
    lost.resetAfterApply = true;
    m_server->injectFault(lost);
    m_server->clearRecordedRequests();
    const QString user = m_server->persona(s("ws-admin"))->email; // not a member of Production
    const Result r = run({s("--profile"), s("Owner"), s("members"), s("add"), s("Production"), s("--user"),
                          user, s("--role"), s("member")});
    m_server->clearFaults();
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("may have been applied") && r.err.contains("members list Production"),
             r.err.constData());
    int posts = 0;
    for (const sandbox::RecordedRequest &req : m_server->recordedRequests())
        posts += req.method == QLatin1String("POST") ? 1 : 0;
    QCOMPARE(posts, 1); // never sent twice
    // The sync the command waited for shows what the server holds: the member was added.
    QCOMPARE(findIn(ownerJson({s("members"), s("list"), s("Production")}).array(), s("email"), user)
                 .value(s("role"))
                 .toString(),
             s("member"));
}

void TestCliOrg::deletingAWorkspaceWithKeysNeedsForce()
{
    m_server->clearRecordedRequests();
    const Result refused =
        run({s("--profile"), s("Owner"), s("workspaces"), s("delete"), s("Staging"), s("--yes")});
    QCOMPARE(refused.code, 1);
    QVERIFY2(refused.oneErrorLine(), refused.err.constData());
    QVERIFY2(refused.err.contains("still holds API keys") && refused.err.contains("force"),
             refused.err.constData());
    QCOMPARE(writesSeen(*m_server), 1);
    QVERIFY(!findIn(ownerJson({s("workspaces"), s("list")}).array(), s("name"), s("Staging")).isEmpty());

    const QJsonObject deleted =
        ownerJson({s("workspaces"), s("delete"), s("Staging"), s("--force"), s("--yes")}).object();
    QVERIFY(!deleted.value(s("deleted")).toString().isEmpty());
    QVERIFY(findIn(ownerJson({s("workspaces"), s("list")}).array(), s("name"), s("Staging")).isEmpty());
}

QTEST_GUILESS_MAIN(TestCliOrg)
#include "tst_cli_org.moc"
