// The CLI against a hostile or unreliable server: server text with terminal control sequences in the
// confirmation prompts, malformed secrets in create and rotate replies, lost rotate and update replies, and
// spans too long for a 64-bit count of ms. The real portkey-key-manager-cli binary runs against a
// SandboxServer in this process, directly or through a small HTTP relay (QTcpServer) that rewrites the
// sandbox's replies; the throwaway HOME and the real Secret Service come from the test command.

#include "clitestsupport.h"
#include "httprelay.h"
#include "sandbox/sandboxserver.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace pk;

namespace {

constexpr int kTimeoutMs = 60000;

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

using Result = pktest::ProcessResult;

/// The key name the relay turns into an OSC title change followed by "clear screen".
constexpr char kMarkerName[] = "EVILNAME";
constexpr char kEvilNameJson[] = "\\u001b]0;PWNED\\u0007\\u001b[2J";

/// `body` with every key name `EVILNAME` turned into terminal control sequences, and, for a POST reply
/// holding a `key` (create, rotate), that secret replaced by `secret` when it is not empty.
QByteArray hostile(const QByteArray &method, const QByteArray &body, const QString &secret)
{
    QByteArray out = body;
    out.replace(kMarkerName, kEvilNameJson);
    if (method == "POST" && !secret.isEmpty()) {
        QJsonObject o = QJsonDocument::fromJson(out).object();
        if (o.contains(s("key"))) {
            o.insert(s("key"), secret);
            out = QJsonDocument(o).toJson(QJsonDocument::Compact);
        }
    }
    return out;
}

} // namespace

class TestCliHardening : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void serverTextInPromptsIsFiltered();
    void malformedSecretOnCreateIsNotPrinted();
    void malformedSecretOnRotateIsNotPrinted();
    void lostRotateReplyMayHaveApplied();
    void lostUpdateReplyMayHaveApplied();
    void hugeSpansAreRefused();

private:
    Result run(const QStringList &args, const QByteArray &input = {});
    /// Creates a workspace service key named `name` with the owner profile; returns its id.
    QString createKey(const QString &name);
    QString workspace() const { return m_server->persona(s("member"))->workspace; }

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    std::unique_ptr<sandbox::SandboxServer> m_server;
    std::unique_ptr<pktest::Relay> m_relay;
    QString m_secret; ///< the secret the relay puts into create and rotate replies; empty: unchanged
};

void TestCliHardening::initTestCase()
{
    pktest::verifyProcessPrerequisites(QStringLiteral(PK_CLI_PATH), m_home);
    if (QTest::currentTestFailed())
        return;
    m_env = pktest::privateHomeEnvironment(m_home);
    pktest::startSandboxWithOwnerProfile(QStringLiteral(PK_CLI_PATH), m_env, &m_server);
    if (QTest::currentTestFailed())
        return;
    m_relay = std::make_unique<pktest::Relay>(
        m_server->baseUrl(), [this](const QByteArray &method, const QByteArray &, const QByteArray &body) {
            return hostile(method, body, m_secret);
        });
    QVERIFY(m_relay->listen());
    const sandbox::Persona owner = *m_server->persona(s("owner"));
    const Result r = run({s("profile"), s("add"), s("--name"), s("Hostile"), s("--url"),
                          m_relay->baseUrl().toString(), s("--email"), owner.email},
                         owner.apiKey.toUtf8());
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCliHardening::cleanupTestCase()
{
    if (!m_server)
        return;
    run({s("profile"), s("remove"), s("Hostile")});
    pktest::removeOwnerProfile(QStringLiteral(PK_CLI_PATH), m_env);
}

Result TestCliHardening::run(const QStringList &args, const QByteArray &input)
{
    return pktest::runProcess(QStringLiteral(PK_CLI_PATH), args, input, m_env, kTimeoutMs);
}

QString TestCliHardening::createKey(const QString &name)
{
    const Result r = run({s("--profile"), s("Owner"), s("keys"), s("create"), s("--workspace"), workspace(),
                          s("--name"), name, s("--scope"), s("completions.write"), s("--json")});
    if (r.code != 0)
        qWarning("create failed: %s", r.err.constData());
    return r.json().object().value(s("id")).toString();
}

void TestCliHardening::serverTextInPromptsIsFiltered()
{
    const QString id = createKey(QString::fromLatin1(kMarkerName));
    QVERIFY(!id.isEmpty());
    QVERIFY(run({s("--profile"), s("Hostile"), s("sync")}).code == 0);
    // Through the relay the key's name really holds the control sequences.
    const Result shown = run({s("--profile"), s("Hostile"), s("keys"), s("show"), id, s("--json")});
    QCOMPARE(shown.json().object().value(s("name")).toString(), s("\x1b]0;PWNED\a\x1b[2J"));
    // The prompts appear only on a terminal: script(1) gives the CLI a pseudo-terminal; "no" declines.
    const QString cli = QStringLiteral(PK_CLI_PATH);
    const QStringList commands{
        QStringLiteral("%1 --profile Hostile keys revoke %2").arg(cli, id),
        QStringLiteral("%1 --profile Hostile keys rotate %2").arg(cli, id),
        QStringLiteral("%1 --profile Hostile keys update %2 --reset-usage").arg(cli, id)};
    for (const QString &command : commands) {
        const Result r =
            pktest::runProcess(s("script"), {s("-qec"), command, s("/dev/null")}, "no\n", m_env, kTimeoutMs);
        const QByteArray all = r.out + r.err;
        QVERIFY2(all.contains("Type “yes” to confirm"), all.constData());
        QVERIFY2(all.contains(id.toUtf8()), all.constData());
        QVERIFY2(!all.contains("\x1b]") && !all.contains("\x1b[2J") && !all.contains('\a'),
                 all.toPercentEncoding(" :;/.,“”()-_").constData());
        QVERIFY2(all.contains("not confirmed"), all.constData());
    }
}

void TestCliHardening::malformedSecretOnCreateIsNotPrinted()
{
    m_secret = s("pk-evil\r\nX-Injected: 1\x1b[2J");
    for (const bool json : {false, true}) {
        QStringList args{s("--profile"),   s("Hostile"),
                         s("keys"),        s("create"),
                         s("--workspace"), workspace(),
                         s("--name"),      json ? s("Malformed json") : s("Malformed text"),
                         s("--scope"),     s("completions.write")};
        if (json)
            args.append(s("--json"));
        const Result r = run(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.oneErrorLine(), r.err.constData());
        QVERIFY2(r.err.contains("malformed secret"), r.err.constData());
        QVERIFY2(r.err.contains("keys rotate"), r.err.constData());
        QVERIFY(!QByteArray(r.out + r.err).contains("X-Injected"));
        QVERIFY(!QByteArray(r.out + r.err).contains("pk-evil"));
        QVERIFY(!QByteArray(r.out + r.err).contains('\x1b'));
        if (json)
            QVERIFY(!r.json().object().contains(s("key")));
        // The failure names the key the server made.
        QString id;
        const Result listed =
            run({s("--profile"), s("Owner"), s("keys"), s("list"), s("--refresh"), s("--json")});
        for (const QJsonValue &k : listed.json().array()) {
            if (k.toObject().value(s("name")).toString() == args.at(7))
                id = k.toObject().value(s("id")).toString();
        }
        QVERIFY(!id.isEmpty());
        QVERIFY2(r.err.contains(id.toUtf8()), r.err.constData());
    }
    m_secret.clear();
}

void TestCliHardening::malformedSecretOnRotateIsNotPrinted()
{
    const QString id = createKey(s("Rotated badly"));
    QVERIFY(!id.isEmpty());
    QVERIFY(run({s("--profile"), s("Hostile"), s("sync")}).code == 0);
    m_secret = s("pk-evil\nX-Injected: 1");
    const Result r = run({s("--profile"), s("Hostile"), s("keys"), s("rotate"), id, s("--yes"), s("--json")});
    m_secret.clear();
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("malformed secret") && r.err.contains(id.toUtf8()), r.err.constData());
    QVERIFY(!QByteArray(r.out + r.err).contains("X-Injected"));
    QVERIFY(!r.json().object().contains(s("key")));
}

void TestCliHardening::lostRotateReplyMayHaveApplied()
{
    const QString id = createKey(s("Rotation lost"));
    QVERIFY(!id.isEmpty());
    sandbox::Fault lost;
    lost.method = s("POST");
    lost.pathPattern = QStringLiteral("/v1/api-keys/%1/rotate").arg(id);
    lost.resetAfterApply = true; // rotated on the server, the answer with the new secret is lost
    m_server->injectFault(lost);
    const Result r = run({s("--profile"), s("Owner"), s("keys"), s("rotate"), id, s("--yes")});
    m_server->clearFaults();
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("may have been applied"), r.err.constData());
    QVERIFY2(r.err.contains(QStringLiteral("keys show %1").arg(id).toUtf8()), r.err.constData());
    QVERIFY2(!r.err.contains("nothing was"), r.err.constData());
}

void TestCliHardening::lostUpdateReplyMayHaveApplied()
{
    const QString id = createKey(s("Update lost"));
    QVERIFY(!id.isEmpty());
    sandbox::Fault lost;
    lost.method = s("PUT");
    lost.pathPattern = QStringLiteral("/v1/api-keys/%1").arg(id);
    lost.resetAfterApply = true;
    m_server->injectFault(lost);
    const Result r = run({s("--profile"), s("Owner"), s("keys"), s("update"), id, s("--description"),
                          s("changed"), s("--json")});
    m_server->clearFaults();
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("may have been applied"), r.err.constData());
    QVERIFY2(!r.err.contains("nothing was"), r.err.constData());
}

void TestCliHardening::hugeSpansAreRefused()
{
    const QString id = createKey(s("Spans"));
    QVERIFY(!id.isEmpty());
    const QList<std::pair<QStringList, QByteArray>> cases{
        {{s("keys"), s("update"), id, s("--expires"), s("213503982335d")}, "--expires"},
        {{s("keys"), s("update"), id, s("--expires"), s("36600d")}, "--expires"},
        {{s("keys"), s("update"), id, s("--expires"), s("2300-01-01T00:00Z")}, "--expires"},
        {{s("keys"), s("rotate"), id, s("--transition"), s("213503982335d"), s("--yes")}, "--transition"},
        {{s("keys"), s("rotate"), id, s("--transition"), s("366d"), s("--yes")}, "--transition"},
        {{s("keys"), s("update"), id, s("--rotation"), s("30d"), s("--transition"), s("999999999999h")},
         "--transition"},
    };
    for (const auto &[args, option] : cases) {
        const Result r = run(QStringList{s("--profile"), s("Owner")} + args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.oneErrorLine(), r.err.constData());
        QVERIFY2(r.err.contains(option), r.err.constData());
    }
    // The bounds themselves are accepted.
    const Result ok = run(
        {s("--profile"), s("Owner"), s("keys"), s("update"), id, s("--expires"), s("36500d"), s("--json")});
    QVERIFY2(ok.code == 0, ok.err.constData());
}

QTEST_GUILESS_MAIN(TestCliHardening)
#include "tst_cli_hardening.moc"
