// What a hostile tester found in the organisation commands of portkey-key-manager-cli: option names taken as
// values, a slug beating a name, an unbounded list of known workspaces, a member key sent to `sync`, exit
// codes, the "use a profile" hint on fixed refusals, invite links and times printed unchecked, and removing
// or demoting yourself without a warning. The real binary, run with QProcess against a SandboxServer in this
// process (directly, or through a relay that rewrites invite links), with a throwaway HOME and the real
// Secret Service.

#include "clitestsupport.h"
#include "httprelay.h"
#include "sandbox/sandboxserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace pk;

namespace {

constexpr int kTimeoutMs = 60000;
/// More workspaces than a failed lookup lists (cli::kKnownWorkspacesShown is 10).
constexpr int kWorkspaces = 14;

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

using Result = pktest::ProcessResult;
using pktest::findIn;
using pktest::writesSeen;

} // namespace

class TestCliOrgFixes : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void optionNamesAreNotValues_data();
    void optionNamesAreNotValues();
    void aValueMayStartWithDashesWhenJoined();
    void aSlugThatIsAnotherWorkspacesNameIsAmbiguous();
    void unknownWorkspaceListsOnlyTheFirstTen();
    void memberKeyIsNotSentToSync();
    void fixedRefusalsDoNotPointAtOtherProfiles_data();
    void fixedRefusalsDoNotPointAtOtherProfiles();
    void invalidInviteLinksAreNotPrinted_data();
    void invalidInviteLinksAreNotPrinted();
    void inviteTimesShowUtcOnlyWhenLocalTimeDiffers();
    void changingYourselfNeedsConfirmation_data();
    void changingYourselfNeedsConfirmation();
    void removingYourselfSaysSoOnATerminal();

private:
    Result run(const QStringList &args, const QByteArray &input = {}) const;
    Result runIn(const QString &timeZone, const QStringList &args) const;
    /// Adds the profile `name` for the seeded `persona` at `url` and syncs it (QVERIFY).
    void addProfile(const QString &name, const QString &persona, const QUrl &url);
    QString email(const char *persona) const { return m_server->persona(s(persona))->email; }

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    std::unique_ptr<sandbox::SandboxServer> m_server;
    std::unique_ptr<pktest::Relay> m_relay;
    QString m_inviteLink; ///< what the relay puts into invite replies
};

void TestCliOrgFixes::initTestCase()
{
    pktest::verifyProcessPrerequisites(QStringLiteral(PK_CLI_PATH), m_home);
    if (QTest::currentTestFailed())
        return;
    m_env = pktest::privateHomeEnvironment(m_home);
    sandbox::SeedOptions options;
    options.workspaces = kWorkspaces;
    m_server = std::make_unique<sandbox::SandboxServer>(options);
    QVERIFY(m_server->listen());
    m_relay = std::make_unique<pktest::Relay>(
        m_server->baseUrl(), [this](const QByteArray &, const QByteArray &path, const QByteArray &body) {
            QJsonObject o = QJsonDocument::fromJson(body).object();
            for (const char *field : {"invite_link", "inviteLink"}) {
                if (path.contains("/admin/users/invites") && o.contains(s(field)))
                    o.insert(s(field), m_inviteLink);
            }
            return o.isEmpty() ? body : QJsonDocument(o).toJson(QJsonDocument::Compact);
        });
    QVERIFY(m_relay->listen());
    for (const char *persona : {"owner", "admin", "manager", "member"})
        addProfile(s(persona), s(persona), m_server->baseUrl());
    addProfile(s("Hostile"), s("owner"), m_relay->baseUrl());
}

void TestCliOrgFixes::cleanupTestCase()
{
    if (!m_server)
        return;
    for (const char *name : {"owner", "admin", "manager", "member", "Hostile"})
        run({s("profile"), s("remove"), s(name)});
}

Result TestCliOrgFixes::run(const QStringList &args, const QByteArray &input) const
{
    return pktest::runProcess(QStringLiteral(PK_CLI_PATH), args, input, m_env, kTimeoutMs);
}

Result TestCliOrgFixes::runIn(const QString &timeZone, const QStringList &args) const
{
    QProcessEnvironment env = m_env;
    env.insert(s("TZ"), timeZone);
    return pktest::runProcess(QStringLiteral(PK_CLI_PATH), args, {}, env, kTimeoutMs);
}

void TestCliOrgFixes::addProfile(const QString &name, const QString &persona, const QUrl &url)
{
    const sandbox::Persona p = *m_server->persona(persona);
    Result r =
        run({s("profile"), s("add"), s("--name"), name, s("--url"), url.toString(), s("--email"), p.email},
            p.apiKey.toUtf8());
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({s("sync"), s("--profile"), name});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCliOrgFixes::optionNamesAreNotValues_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("workspaces update")
        << QStringList{s("workspaces"), s("update"), s("Staging"), s("--name"), s("--yes")}
        << s("--name needs a value (got the option --yes); write --name=--yes if you mean it");
    QTest::newRow("workspaces create") << QStringList{s("workspaces"), s("create"), s("--name"), s("--json")}
                                       << s("--name needs a value (got the option --json)");
    QTest::newRow("keys create") << QStringList{s("keys"),   s("create"),   s("--workspace"), s("Production"),
                                                s("--name"), s("--preset"), s("read-only")}
                                 << s("--name needs a value (got the option --preset)");
    QTest::newRow("members add") << QStringList{s("members"), s("add"),    s("Production"),
                                                s("--user"),  s("--role"), s("member")}
                                 << s("--user needs a value (got the option --role)");
    QTest::newRow("audit list") << QStringList{s("audit"), s("list"), s("--since"), s("--days"), s("2")}
                                << s("--since needs a value (got the option --days)");
}

void TestCliOrgFixes::optionNamesAreNotValues()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    m_server->clearRecordedRequests();
    const Result r = run(QStringList{s("--profile"), s("owner")} + args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    QCOMPARE(writesSeen(*m_server), 0);
}

void TestCliOrgFixes::aValueMayStartWithDashesWhenJoined()
{
    const Result r =
        run({s("--profile"), s("owner"), s("--json"), s("workspaces"), s("create"), s("--name=--dashes")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.json().object().value(s("name")).toString(), s("--dashes"));
}

void TestCliOrgFixes::aSlugThatIsAnotherWorkspacesNameIsAmbiguous()
{
    const QJsonArray before =
        run({s("--profile"), s("owner"), s("--json"), s("workspaces"), s("list")}).json().array();
    const QJsonObject staging = findIn(before, s("name"), s("Staging"));
    const QString slug = staging.value(s("slug")).toString();
    QVERIFY(!slug.isEmpty());
    const Result created =
        run({s("--profile"), s("owner"), s("--json"), s("workspaces"), s("create"), s("--name"), slug});
    QVERIFY2(created.code == 0, created.err.constData());
    const QString twinId = created.json().object().value(s("id")).toString();
    QVERIFY(!twinId.isEmpty());

    m_server->clearRecordedRequests();
    const Result r = run(
        {s("--profile"), s("owner"), s("workspaces"), s("update"), slug, s("--description"), s("which?")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("ambiguous") && r.err.contains(staging.value(s("id")).toString().toUtf8()) &&
                 r.err.contains(twinId.toUtf8()),
             r.err.constData());
    QCOMPARE(writesSeen(*m_server), 0);

    // The id settles it.
    const Result byId = run({s("--profile"), s("owner"), s("workspaces"), s("update"), twinId,
                             s("--description"), s("this one")});
    QVERIFY2(byId.code == 0, byId.err.constData());
    QCOMPARE(writesSeen(*m_server), 1);
}

void TestCliOrgFixes::unknownWorkspaceListsOnlyTheFirstTen()
{
    const qsizetype known =
        run({s("--profile"), s("owner"), s("--json"), s("workspaces"), s("list")}).json().array().size();
    QVERIFY(known > 10);
    const Result r = run({s("--profile"), s("owner"), s("members"), s("list"), s("Nowhere")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains(QStringLiteral("and %1 more; see `workspaces list`").arg(known - 10).toUtf8()),
             r.err.constData());
    QCOMPARE(r.err.count(" ("), 10);
}

void TestCliOrgFixes::memberKeyIsNotSentToSync()
{
    // The member persona's user key may not list workspaces; it still acts in its own one, by id.
    const QString own = m_server->persona(s("member"))->workspace;
    m_server->clearRecordedRequests();
    const Result update =
        run({s("--profile"), s("member"), s("workspaces"), s("update"), own, s("--description"), s("mine")});
    QCOMPARE(update.code, 1); // the server refuses it: a member may not change the workspace (ROLES.md)
    QVERIFY2(update.oneErrorLine(), update.err.constData());
    QVERIFY2(!update.err.contains("Run `sync`") && update.err.contains("403"), update.err.constData());
    const QList<sandbox::RecordedRequest> sent = m_server->recordedRequests();
    QVERIFY(std::any_of(sent.cbegin(), sent.cend(), [&own](const sandbox::RecordedRequest &req) {
        return req.method == QLatin1String("PUT") && req.path.endsWith(own);
    }));

    const Result members = run({s("--profile"), s("member"), s("members"), s("list"), own});
    QCOMPARE(members.code, 1);
    QVERIFY2(members.oneErrorLine(), members.err.constData());
    QVERIFY2(!members.err.contains("Run `sync`") && members.err.contains("may not list workspaces"),
             members.err.constData());
}

void TestCliOrgFixes::fixedRefusalsDoNotPointAtOtherProfiles_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("otherProfileMayDoIt");
    QTest::newRow("the owner's role")
        << QStringList{s("--profile"), s("owner"), s("users"), s("role"), email("owner"), s("member")}
        << s("the organisation owner cannot be changed or removed") << false;
    QTest::newRow("the owner role") << QStringList{s("--profile"), s("owner"),       s("users"),
                                                   s("role"),      email("manager"), s("owner")}
                                    << s("the owner role cannot be given through the Admin API") << false;
    QTest::newRow("the same role") << QStringList{s("--profile"), s("owner"),     s("users"),
                                                  s("role"),      email("admin"), s("admin")}
                                   << s("the user already has this role") << false;
    QTest::newRow("the key's type") << QStringList{s("--profile"), s("manager"), s("workspaces"),
                                                   s("create"),    s("--name"),  s("X")}
                                    << s("needs org admin or owner") << true;
}

void TestCliOrgFixes::fixedRefusalsDoNotPointAtOtherProfiles()
{
    QFETCH(QStringList, args);
    QFETCH(QString, reason);
    QFETCH(bool, otherProfileMayDoIt);
    m_server->clearRecordedRequests();
    const Result r = run(args);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains(reason.toUtf8()), r.err.constData());
    QVERIFY2(r.err.contains("Use a profile whose key may do this") == otherProfileMayDoIt, r.err.constData());
    QCOMPARE(writesSeen(*m_server), 0);
}

void TestCliOrgFixes::invalidInviteLinksAreNotPrinted_data()
{
    QTest::addColumn<QString>("link");
    QTest::addColumn<QString>("invitee");
    QTest::newRow("line break") << s("https://sandbox.portkey.invalid/invite/1\nInjected: yes")
                                << s("line.break@example.org");
    QTest::newRow("escape") << s("https://sandbox.portkey.invalid/\x1b[2JInjected")
                            << s("escape@example.org");
    QTest::newRow("not http") << s("javascript:alert('Injected')") << s("script@example.org");
    QTest::newRow("empty") << QString() << s("empty.link@example.org");
}

void TestCliOrgFixes::invalidInviteLinksAreNotPrinted()
{
    QFETCH(QString, link);
    QFETCH(QString, invitee);
    m_inviteLink = link;
    const QStringList create{
        s("--profile"), s("Hostile"), s("invites"), s("create"),      s("--email"),
        invitee,        s("--role"),  s("member"),  s("--workspace"), s("Production:member")};
    const Result json = run(QStringList{s("--json")} + create);
    QVERIFY2(json.code == 0, json.err.constData());
    const QJsonObject o = json.json().object();
    QVERIFY(o.contains(s("invite_link")) && o.value(s("invite_link")).isNull());
    QVERIFY2(o.value(s("invite_link_problem")).toString().contains(s("not a valid URL")),
             json.out.constData());
    const QString id = o.value(s("id")).toString();
    QVERIFY(!id.isEmpty());

    const Result text = run({s("--profile"), s("Hostile"), s("invites"), s("resend"), id});
    QVERIFY2(text.code == 0, text.err.constData());
    QVERIFY2(text.out.contains("the server's invite link was not a valid URL") &&
                 !text.out.contains("Injected"),
             text.out.constData());
}

void TestCliOrgFixes::inviteTimesShowUtcOnlyWhenLocalTimeDiffers()
{
    const QStringList list{s("--profile"), s("owner"), s("invites"), s("list")};
    const Result utc = runIn(s("UTC"), list);
    QVERIFY2(utc.code == 0, utc.err.constData());
    QVERIFY2(utc.out.contains(" UTC") && !utc.out.contains("UTC ("), utc.out.constData());
    const Result berlin = runIn(s("Europe/Berlin"), list);
    QVERIFY2(berlin.code == 0, berlin.err.constData());
    QVERIFY2(berlin.out.contains(" UTC)") && (berlin.out.contains("CET (") || berlin.out.contains("CEST (")),
             berlin.out.constData());
}

void TestCliOrgFixes::changingYourselfNeedsConfirmation_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("verb");
    QTest::newRow("members role") << QStringList{s("--profile"),  s("owner"),     s("members"), s("role"),
                                                 s("Production"), email("owner"), s("member")}
                                  << s("change your own role");
    QTest::newRow("members remove") << QStringList{s("--profile"), s("owner"),      s("members"),
                                                   s("remove"),    s("Production"), email("owner")}
                                    << s("remove yourself");
    QTest::newRow("users role") << QStringList{s("--profile"), s("admin"),     s("users"),
                                               s("role"),      email("admin"), s("member")}
                                << s("change your own role");
    QTest::newRow("users remove") << QStringList{s("--profile"), s("admin"), s("users"), s("remove"),
                                                 email("admin")}
                                  << s("remove yourself");
}

void TestCliOrgFixes::changingYourselfNeedsConfirmation()
{
    QFETCH(QStringList, args);
    QFETCH(QString, verb);
    m_server->clearRecordedRequests();
    // stdin is a pipe, not a terminal: without --yes nothing is asked and nothing is sent.
    const Result r = run(args, "yes\n");
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains(QString(s("refusing to ") + verb).toUtf8()) && r.err.contains("--yes"),
             r.err.constData());
    QCOMPARE(writesSeen(*m_server), 0);
}

void TestCliOrgFixes::removingYourselfSaysSoOnATerminal()
{
    m_server->clearRecordedRequests();
    // script(1) gives the CLI a pseudo-terminal; "no" declines.
    const QString command = QStringLiteral("%1 --profile owner members remove Production %2")
                                .arg(QStringLiteral(PK_CLI_PATH), email("owner"));
    const Result r =
        pktest::runProcess(s("script"), {s("-qec"), command, s("/dev/null")}, "no\n", m_env, kTimeoutMs);
    const QByteArray all = r.out + r.err;
    QVERIFY2(all.contains("This is you: ") && all.contains(email("owner").toUtf8()), all.constData());
    QVERIFY2(all.contains("not confirmed"), all.constData());
    QCOMPARE(writesSeen(*m_server), 0);
}

QTEST_GUILESS_MAIN(TestCliOrgFixes)
#include "tst_cli_org_fixes.moc"
