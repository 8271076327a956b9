// The real portkey-key-manager-cli binary, run with QProcess against the in-process `--sandbox` and against a
// SandboxServer started here, with a throwaway HOME and XDG folders and the real Secret Service.

#include "processrun.h"
#include "sandbox/sandboxserver.h"
#include "secrets/credentialstore.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

constexpr int kTimeoutMs = 60000;

using Result = pktest::ProcessResult;

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void sandboxKeysListJson();
    void sandboxWhoamiPerPersona_data();
    void sandboxWhoamiPerPersona();
    void sandboxUnknownPersona();
    void keyThatMayNotListKeysSaysSo();
    void usageErrorsAreOneLine();
    void keyIsNeverTakenFromArgv();
    void revokeNeedsConfirmationWithoutTerminal();
    void profileFromStdinListCreateRevoke();
    void policyRefusesBeforeSending();
    void serverDownIsOneLine();
    void noKeychainIsOneLineAndWritesNothing();
    void terminalPromptHidesKeyAndConfirmsRevoke();
    void crashWritesNoCoreFile();
    void urlCarryingSecretsIsRefused();
    void keyWithLineBreakIsRefused();
    void extraArgumentsAreRefusedWithoutEcho();
    void rejectedKeyNamesTheProfileCommands();
    void rebuildReplacesAWrongLengthCacheKey();
    void lockedKeyringIsNeitherMissingKeyNorRemoved();

private:
    Result run(const QStringList &args, const QByteArray &input = {});
    Result run(const QStringList &args, const QByteArray &input, const QProcessEnvironment &env);
    /// Every byte of every file under the throwaway HOME (settings, caches), concatenated.
    QByteArray allFiles() const;

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
};

void TestCli::initTestCase()
{
    pktest::verifyProcessPrerequisites(QStringLiteral(PK_CLI_PATH), m_home);
    if (QTest::currentTestFailed())
        return;
    m_env = pktest::privateHomeEnvironment(m_home);
}

Result TestCli::run(const QStringList &args, const QByteArray &input)
{
    return run(args, input, m_env);
}

Result TestCli::run(const QStringList &args, const QByteArray &input, const QProcessEnvironment &env)
{
    return pktest::runProcess(QStringLiteral(PK_CLI_PATH), args, input, env, kTimeoutMs);
}

QByteArray TestCli::allFiles() const
{
    QByteArray all;
    QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

void TestCli::sandboxKeysListJson()
{
    const Result r = run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--sandbox"),
                          QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.err.isEmpty());
    const QJsonArray keys = r.json().array();
    QVERIFY(keys.size() >= 40);
    for (const QJsonValue &k : keys) {
        QVERIFY(!k.toObject().value(QStringLiteral("id")).toString().isEmpty());
        QVERIFY(k.toObject().value(QStringLiteral("key")).toString().contains(QLatin1Char('*')));
    }
    // The persona's credential lives in the keychain only: not in settings or caches.
    pk::sandbox::SandboxServer reference;
    const QByteArray ownerKey = reference.persona(QStringLiteral("owner"))->apiKey.toUtf8();
    QVERIFY(!allFiles().contains(ownerKey));
}

void TestCli::sandboxWhoamiPerPersona_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<QString>("keyType");
    QTest::newRow("owner") << QStringLiteral("owner") << QStringLiteral("organisation-service");
    QTest::newRow("manager") << QStringLiteral("manager") << QStringLiteral("workspace-service");
    QTest::newRow("member") << QStringLiteral("member") << QStringLiteral("workspace-user");
}

void TestCli::sandboxWhoamiPerPersona()
{
    QFETCH(QString, persona);
    QFETCH(QString, keyType);
    const Result r = run({QStringLiteral("whoami"), QStringLiteral("--sandbox"), QStringLiteral("--persona"),
                          persona, QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject doc = r.json().object();
    const QJsonObject principal = doc.value(QStringLiteral("principal")).toObject();
    QCOMPARE(principal.value(QStringLiteral("key_type")).toString(), keyType);
    QVERIFY(principal.contains(QStringLiteral("workspace")));
    QVERIFY(principal.contains(QStringLiteral("scopes")));
    QVERIFY(principal.contains(QStringLiteral("org_role")));
    QVERIFY(principal.value(QStringLiteral("workspace_roles")).isObject());
    const QJsonArray decisions = doc.value(QStringLiteral("decisions")).toArray();
    QVERIFY(decisions.size() >= 30);
    bool sawCreate = false;
    for (const QJsonValue &v : decisions) {
        const QJsonObject d = v.toObject();
        QVERIFY(d.value(QStringLiteral("allowed")).isBool());
        QVERIFY(!d.value(QStringLiteral("reason")).toString().isEmpty());
        if (d.value(QStringLiteral("action")).toString() == QLatin1String("service_key.create")) {
            sawCreate = true;
            // Workspace user keys never manage keys (ROLES.md).
            if (keyType == QLatin1String("workspace-user"))
                QVERIFY(!d.value(QStringLiteral("allowed")).toBool());
        }
    }
    QVERIFY(sawCreate);
}

void TestCli::sandboxUnknownPersona()
{
    const Result r = run({QStringLiteral("whoami"), QStringLiteral("--sandbox"), QStringLiteral("--persona"),
                          QStringLiteral("nobody")});
    QVERIFY(r.code != 0);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY(r.err.contains("nobody"));
    QVERIFY(r.err.contains("owner"));
    QVERIFY(r.out.isEmpty());
}

void TestCli::keyThatMayNotListKeysSaysSo()
{
    // The member persona holds a workspace user key: Portkey refuses it every key list.
    const Result r = run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--sandbox"),
                          QStringLiteral("--persona"), QStringLiteral("member")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.out.contains("0 key(s)") &&
                 r.out.contains("may not list API keys: user keys cannot manage keys"),
             r.out.constData());
}

void TestCli::usageErrorsAreOneLine()
{
    const QList<QStringList> cases = {
        {},
        {QStringLiteral("frobnicate")},
        {QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--sandbox")},
        {QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--sandbox"),
         QStringLiteral("--workspace"), QStringLiteral("x"), QStringLiteral("--name"), QStringLiteral("n"),
         QStringLiteral("--scope"), QStringLiteral("no_such.scope")},
        {QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--persona"),
         QStringLiteral("owner")},
        {QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"), QStringLiteral("x")},
    };
    for (const QStringList &args : cases) {
        const Result r = run(args);
        QVERIFY2(r.code == 2, qPrintable(args.join(QLatin1Char(' '))));
        QVERIFY2(r.oneErrorLine(), r.err.constData());
    }
    const Result help = run({QStringLiteral("--help")});
    QCOMPARE(help.code, 0);
    QVERIFY(help.out.contains("keys create"));
}

void TestCli::keyIsNeverTakenFromArgv()
{
    const QByteArray secret = "pk-argv-secret-0123456789";
    for (const QString &option : {QStringLiteral("--key"), QStringLiteral("--api-key")}) {
        const Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                              QStringLiteral("argv"), QStringLiteral("--url"),
                              QStringLiteral("https://example.com/v1"), option, QString::fromLatin1(secret)});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.oneErrorLine(), r.err.constData());
        QVERIFY(!r.err.contains(secret));
    }
    // Without stdin input no profile is created.
    const Result r =
        run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
             QStringLiteral("argv"), QStringLiteral("--url"), QStringLiteral("https://example.com/v1")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("stdin"));
    QVERIFY(!allFiles().contains(secret));
    const Result list = run({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
    for (const QJsonValue &p : list.json().array())
        QVERIFY(p.toObject().value(QStringLiteral("name")).toString() != QLatin1String("argv"));
}

void TestCli::revokeNeedsConfirmationWithoutTerminal()
{
    const Result r = run({QStringLiteral("keys"), QStringLiteral("revoke"), QStringLiteral("some-id"),
                          QStringLiteral("--sandbox")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY(r.err.contains("--yes"));
}

void TestCli::profileFromStdinListCreateRevoke()
{
    pk::sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const QByteArray ownerKey = server.persona(QStringLiteral("owner"))->apiKey.toUtf8();
    const QString url = server.baseUrl().toString();

    // The e-mail lets the app find the human's organisation role (issue 5 "Who is acting").
    const QString email = server.persona(QStringLiteral("owner"))->email;
    Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("Acme"), QStringLiteral("--url"), url, QStringLiteral("--email"), email,
                    QStringLiteral("--json")},
                   ownerKey + '\n');
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(!r.out.contains(ownerKey) && !r.err.contains(ownerKey));
    const QString profileId = r.json().object().value(QStringLiteral("id")).toString();
    QVERIFY(!profileId.isEmpty());

    // A second profile with the same name is refused.
    r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
             QStringLiteral("Acme"), QStringLiteral("--url"), url},
            ownerKey);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());

    r = run({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    bool listed = false;
    for (const QJsonValue &p : r.json().array())
        listed = listed || p.toObject().value(QStringLiteral("id")).toString() == profileId;
    QVERIFY(listed);

    // keys list syncs first because the cache is empty.
    r = run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--profile"),
             QStringLiteral("Acme"), QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const int keyCount = int(r.json().array().size());
    QVERIFY(keyCount >= 40);

    r = run({QStringLiteral("workspaces"), QStringLiteral("list"), QStringLiteral("--profile"),
             QStringLiteral("Acme"), QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject workspace = r.json().array().first().toObject();
    const QString workspaceId = workspace.value(QStringLiteral("id")).toString();
    const QString slug = workspace.value(QStringLiteral("slug")).toString();

    // Filter by slug: only that workspace's keys.
    r = run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--profile"),
             QStringLiteral("Acme"), QStringLiteral("--workspace"), slug, QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(!r.json().array().isEmpty());
    QVERIFY(r.json().array().size() < keyCount);

    r = run({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--profile"),
             QStringLiteral("Acme"), QStringLiteral("--workspace"), workspaceId, QStringLiteral("--name"),
             QStringLiteral("CLI – Bücher"), QStringLiteral("--scope"), QStringLiteral("completions.write"),
             QStringLiteral("--scope"), QStringLiteral("logs.view"), QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject created = r.json().object();
    // No expiry and no budget: the least-privilege warnings come with the result (issue 4).
    QCOMPARE(created.keys(),
             (QStringList{QStringLiteral("id"), QStringLiteral("key"), QStringLiteral("warnings")}));
    QCOMPARE(created.value(QStringLiteral("warnings")).toArray().size(), 2);
    QVERIFY(r.err.startsWith("warning: "));
    const QString newId = created.value(QStringLiteral("id")).toString();
    const QByteArray secret = created.value(QStringLiteral("key")).toString().toUtf8();
    QVERIFY(secret.size() > 8);

    // The cache lists the key masked; the secret is in no file (settings, cache).
    r = run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--profile"),
             QStringLiteral("Acme"), QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(!r.out.contains(secret));
    bool found = false;
    for (const QJsonValue &k : r.json().array())
        found = found || k.toObject().value(QStringLiteral("id")).toString() == newId;
    QVERIFY(found);
    const QByteArray files = allFiles();
    QVERIFY(!files.contains(secret));
    QVERIFY(!files.contains(ownerKey));

    r = run({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("Acme"),
             QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject principal = r.json().object().value(QStringLiteral("principal")).toObject();
    QCOMPARE(principal.value(QStringLiteral("key_type")).toString(), QStringLiteral("organisation-service"));
    QCOMPARE(principal.value(QStringLiteral("org_role")).toString(), QStringLiteral("owner"));

    r = run({QStringLiteral("keys"), QStringLiteral("revoke"), newId, QStringLiteral("--yes"),
             QStringLiteral("--json"), QStringLiteral("--profile"), QStringLiteral("Acme")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.json().object().value(QStringLiteral("revoked")).toArray(), QJsonArray{newId});

    // Gone from the cache: revoking again is refused locally, in one line.
    server.clearRecordedRequests();
    r = run({QStringLiteral("keys"), QStringLiteral("revoke"), newId, QStringLiteral("--yes"),
             QStringLiteral("--profile"), QStringLiteral("Acme")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY(server.recordedRequests().isEmpty());

    // With --refresh the server is read again; the key stays gone.
    r = run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--refresh"),
             QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData()); // the only (or last used) profile is the default
    QCOMPARE(int(r.json().array().size()), keyCount);

    r = run({QStringLiteral("sync"), QStringLiteral("--json"), QStringLiteral("--profile"),
             QStringLiteral("Acme")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.json().object().value(QStringLiteral("keys")).toInt(), keyCount);

    r = run({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Acme")});
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
    for (const QJsonValue &p : r.json().array())
        QVERIFY(p.toObject().value(QStringLiteral("id")).toString() != profileId);
}

void TestCli::policyRefusesBeforeSending()
{
    pk::sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const QByteArray memberKey = server.persona(QStringLiteral("member"))->apiKey.toUtf8();
    Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("Member"), QStringLiteral("--url"), server.baseUrl().toString()},
                   memberKey);
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("Member")});
    QVERIFY2(r.code == 0, r.err.constData());

    server.clearRecordedRequests();
    const QString workspace = server.persona(QStringLiteral("member"))->workspace;
    r = run({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--profile"),
             QStringLiteral("Member"), QStringLiteral("--workspace"), workspace, QStringLiteral("--name"),
             QStringLiteral("nope"), QStringLiteral("--scope"), QStringLiteral("completions.write")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY(r.err.startsWith("error: not allowed: "));
    QVERIFY(server.recordedRequests().isEmpty()); // refused before sending

    r = run({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Member")});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCli::serverDownIsOneLine()
{
    // Port 1 on the loopback interface: nothing listens there, so every connection is refused.
    const QString url = QStringLiteral("http://127.0.0.1:1/v1");
    const QByteArray key = "pk-unreachable-0123456789";
    Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("Down"), QStringLiteral("--url"), url},
                   key);
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("Down")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY(r.out.isEmpty());
    r = run({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Down")});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCli::noKeychainIsOneLineAndWritesNothing()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcessEnvironment env = m_env;
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    const QByteArray key = "pk-no-keychain-0123456789";
    Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("X"), QStringLiteral("--url"), QStringLiteral("https://example.com/v1")},
                   key, env);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY(r.err.contains("keychain"));
    r = run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--sandbox")}, {}, env);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    // Nothing was written in plaintext instead: no file holds the key, no profile was saved.
    QDirIterator it(home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(!f.readAll().contains(key), qPrintable(f.fileName()));
    }
    r = run({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")}, {}, env);
    QCOMPARE(r.code, 0);
    QVERIFY(r.json().array().isEmpty());
}

/// Runs the CLI on a pseudo-terminal (util-linux `script`), answering `answer` once `prompt` appears.
/// Returns the exit code and everything the terminal showed.
static std::pair<int, QByteArray> runOnTerminal(const QProcessEnvironment &env, const QStringList &args,
                                                const QByteArray &prompt, const QByteArray &answer)
{
    QStringList quoted{QStringLiteral(PK_CLI_PATH)};
    for (const QString &a : args)
        quoted.append(QLatin1Char('\'') + a + QLatin1Char('\''));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStandardPaths::findExecutable(QStringLiteral("script")),
                  {QStringLiteral("-q"), QStringLiteral("-e"), QStringLiteral("-c"),
                   quoted.join(QLatin1Char(' ')), QStringLiteral("/dev/null")});
    QByteArray shown;
    const auto collect = [&] {
        shown += process.readAllStandardOutput();
    };
    if (!QTest::qWaitFor(
            [&] {
                collect();
                return shown.contains(prompt) || process.state() == QProcess::NotRunning;
            },
            kTimeoutMs))
        return {-1, shown};
    // Answer only once the prompt is shown, i.e. after the program turned echo off.
    process.write(answer);
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, kTimeoutMs)) {
        process.kill();
        process.waitForFinished();
    }
    collect();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, shown};
}

void TestCli::terminalPromptHidesKeyAndConfirmsRevoke()
{
    QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("script")).isEmpty(),
             "util-linux `script` is needed to run the CLI on a terminal");
    const QByteArray key = "pk-typed-on-a-terminal-0123456789";
    auto [code, shown] = runOnTerminal(
        m_env,
        {QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"), QStringLiteral("Typed"),
         QStringLiteral("--url"), QStringLiteral("https://portkey.example/v1")},
        "input hidden", key + "\n");
    QVERIFY2(code == 0, shown.constData());
    QVERIFY2(!shown.contains(key), shown.constData()); // not echoed
    QVERIFY(!allFiles().contains(key));
    Result r = run({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Typed")});
    QVERIFY2(r.code == 0, r.err.constData());

    // Revoking on a terminal asks first; anything but "yes" revokes nothing.
    r = run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--sandbox"),
             QStringLiteral("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QString victim;
    QByteArray masked;
    for (const QJsonValue &k : r.json().array()) {
        if (k.toObject().value(QStringLiteral("type")).toString() == QLatin1String("workspace-service")) {
            victim = k.toObject().value(QStringLiteral("id")).toString();
            masked = k.toObject().value(QStringLiteral("key")).toString().toUtf8();
        }
    }
    QVERIFY(!victim.isEmpty());
    // Rotating asks too (the old secret stops working after the transition); "no" rotates nothing.
    std::tie(code, shown) = runOnTerminal(
        m_env, {QStringLiteral("keys"), QStringLiteral("rotate"), victim, QStringLiteral("--sandbox")},
        "to confirm", "no\n");
    QCOMPARE(code, 1);
    QVERIFY2(shown.contains("nothing was rotated") && shown.contains("30 min"), shown.constData());
    const QStringList revoke{QStringLiteral("keys"), QStringLiteral("revoke"), victim,
                             QStringLiteral("--sandbox")};
    std::tie(code, shown) = runOnTerminal(m_env, revoke, "to confirm", "no\n");
    QCOMPARE(code, 1);
    QVERIFY2(shown.contains("nothing was revoked"), shown.constData());
    // The prompt names the key: type, workspace and masked key.
    QVERIFY2(shown.contains("Service key") && shown.contains(masked) && shown.contains("workspace "),
             shown.constData());
    // Only the word asked for confirms.
    std::tie(code, shown) = runOnTerminal(m_env, revoke, "to confirm", "y\n");
    QCOMPARE(code, 1);
    QVERIFY2(shown.contains("nothing was revoked"), shown.constData());
    std::tie(code, shown) = runOnTerminal(m_env, revoke, "to confirm", "yes\n");
    QVERIFY2(code == 0, shown.constData());
    QVERIFY2(shown.contains(QString(QStringLiteral("Revoked ") + victim).toUtf8()), shown.constData());
}

void TestCli::crashWritesNoCoreFile()
{
#ifdef Q_OS_LINUX
    // `ulimit -c unlimited`, then a crash while the key is in memory (read from stdin, which stays open).
    QTemporaryDir cwd;
    QVERIFY(cwd.isValid());
    const QByteArray secret = "pk-core-dump-secret-0123456789";
    QProcess process;
    process.setProcessEnvironment(m_env);
    process.start(
        QStringLiteral("sh"),
        {QStringLiteral("-c"),
         QStringLiteral("ulimit -c unlimited && cd \"$1\" && exec \"$2\" profile add --name crash --url "
                        "https://example.com/v1"),
         QStringLiteral("sh"), cwd.path(), QStringLiteral(PK_CLI_PATH)});
    QVERIFY(process.waitForStarted(kTimeoutMs));
    process.write(secret);
    QVERIFY(process.waitForBytesWritten(kTimeoutMs));
    const QString limits = QStringLiteral("/proc/%1/limits").arg(process.processId());
    // Wait until the CLI itself runs (after the exec) and has hardened itself.
    QByteArray coreLimit;
    QVERIFY(QTest::qWaitFor(
        [&] {
            QFile file(limits);
            if (!file.open(QIODevice::ReadOnly))
                return false;
            const QByteArray text = file.readAll();
            const qsizetype at = text.indexOf("Max core file size");
            coreLimit = text.mid(at, text.indexOf('\n', at) - at).simplified();
            return QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(process.processId())) ==
                       QFileInfo(QStringLiteral(PK_CLI_PATH)).canonicalFilePath() &&
                   coreLimit == "Max core file size 0 0 bytes";
        },
        kTimeoutMs));
    QTest::qWait(300); // the key has been read into the CLI's buffer
    ::kill(pid_t(process.processId()), SIGSEGV);
    QVERIFY(process.waitForFinished(kTimeoutMs));
    QCOMPARE(process.exitStatus(), QProcess::CrashExit);
    const QStringList left = QDir(cwd.path()).entryList(QDir::Files | QDir::Hidden);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
#else
    QSKIP("RLIMIT_CORE and /proc are Linux facilities; other platforms are covered by hardenProcess()");
#endif
}

void TestCli::urlCarryingSecretsIsRefused()
{
    for (const QString &url : {QStringLiteral("https://alice:hunter2@api.portkey.ai/v1"),
                               QStringLiteral("https://api.portkey.ai/v1?x-portkey-api-key=hunter2"),
                               QStringLiteral("https://api.portkey.ai/v1#hunter2")}) {
        const Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                              QStringLiteral("leaky"), QStringLiteral("--url"), url},
                             "pk-url-test-key");
        QCOMPARE(r.code, 2);
        QVERIFY2(r.oneErrorLine(), r.err.constData());
        QVERIFY2(!r.err.contains("hunter2") && !r.out.contains("hunter2"), r.err.constData());
        QVERIFY(!allFiles().contains("hunter2"));
    }
    const Result list = run({QStringLiteral("profile"), QStringLiteral("list")});
    QVERIFY(!list.out.contains("leaky") && !list.out.contains("hunter2"));
}

void TestCli::keyWithLineBreakIsRefused()
{
    const QList<QByteArray> keys = {"abc\r\nX-Injected: yes", "abc\nX-Injected: yes", "abc def",
                                    "abc\x1b[2J"};
    for (const QByteArray &key : keys) {
        const Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                              QStringLiteral("injected"), QStringLiteral("--url"),
                              QStringLiteral("https://example.com/v1")},
                             key);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.oneErrorLine(), r.err.constData());
        QVERIFY2(r.err.contains("API key contains"), r.err.constData());
        QVERIFY(!r.err.contains("Injected"));
    }
    const Result list = run({QStringLiteral("profile"), QStringLiteral("list")});
    QVERIFY(!list.out.contains("injected"));
}

void TestCli::extraArgumentsAreRefusedWithoutEcho()
{
    const QByteArray secret = "pk-positional-secret-0123456789";
    const Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                          QStringLiteral("positional"), QStringLiteral("--url"),
                          QStringLiteral("https://example.com/v1"), QString::fromLatin1(secret)},
                         "pk-stdin-key");
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY(r.err.contains("never from the command line"));
    QVERIFY(!r.err.contains(secret));
    QVERIFY(!run({QStringLiteral("profile"), QStringLiteral("list")}).out.contains("positional"));
}

void TestCli::rejectedKeyNamesTheProfileCommands()
{
    pk::sandbox::SandboxServer server;
    QVERIFY(server.listen());
    Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("Wrong key"), QStringLiteral("--url"), server.baseUrl().toString()},
                   "pk-not-a-valid-key\n");
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("Wrong key")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    // The CLI's remedy, not the desktop app's ("Enter a valid key in the profile settings").
    QVERIFY2(r.err.contains("`profile set-key \"Wrong key\"`") && !r.err.contains("profile settings"),
             r.err.constData());
    // `profile set-key` replaces the key in the keychain (read from stdin, never from argv): syncs work
    // again.
    const QByteArray valid = server.persona(QStringLiteral("owner"))->apiKey.toUtf8();
    r = run({QStringLiteral("profile"), QStringLiteral("set-key"), QStringLiteral("Wrong key")},
            valid + '\n');
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(!r.out.contains(valid) && !r.err.contains(valid));
    r = run({QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("Wrong key")});
    QVERIFY2(r.code == 0, r.err.constData());
    // Nothing to read, an extra argument (never echoed: it may be the key) or an unknown profile: refused.
    r = run({QStringLiteral("profile"), QStringLiteral("set-key"), QStringLiteral("Wrong key")}, "");
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine() && r.err.contains("no API key was given"), r.err.constData());
    r = run({QStringLiteral("profile"), QStringLiteral("set-key"), QStringLiteral("Wrong key"),
             QString::fromLatin1(valid)});
    QCOMPARE(r.code, 2);
    QVERIFY(!r.err.contains(valid));
    r = run({QStringLiteral("profile"), QStringLiteral("set-key"), QStringLiteral("Nobody")}, valid);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("no profile named"), r.err.constData());
    r = run({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Wrong key")});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCli::rebuildReplacesAWrongLengthCacheKey()
{
    pk::sandbox::SandboxServer server;
    QVERIFY(server.listen());
    Result r = run({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("Short key"), QStringLiteral("--url"), server.baseUrl().toString(),
                    QStringLiteral("--json")},
                   server.persona(QStringLiteral("owner"))->apiKey.toUtf8());
    QVERIFY2(r.code == 0, r.err.constData());
    const QString profileId = r.json().object().value(QStringLiteral("id")).toString();
    const QStringList sync{QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("Short key")};
    QVERIFY2(run(sync).code == 0, r.err.constData());

    // A 5-byte cache key in the keychain (this test shares the CLI's session bus and keyring).
    pk::CredentialStore store;
    bool written = false;
    store.write(pk::CredentialStore::cacheKeyEntry(profileId), QByteArrayLiteral("short"),
                [&written](pk::KeychainResult w) { written = w.ok(); });
    QVERIFY(QTest::qWaitFor([&written] { return written; }, kTimeoutMs));

    r = run(sync);
    QCOMPARE(r.code, 1);
    // The exact command for this profile, said once.
    QVERIFY2(r.err.contains("`portkey-key-manager-cli --profile \"Short key\" sync --rebuild-cache`"),
             r.err.constData());
    QVERIFY2(r.err.count("from the server") == 1, r.err.constData());
    // The rebuild replaces the unusable key, so it succeeds, and so does every run after it.
    r = run(QStringList(sync) << QStringLiteral("--rebuild-cache"));
    QVERIFY2(r.code == 0, r.err.constData());
    r = run(sync);
    QVERIFY2(r.code == 0, r.err.constData());
    r = run({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Short key")});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCli::lockedKeyringIsNeitherMissingKeyNorRemoved()
{
    pk::sandbox::SandboxServer server;
    QVERIFY(server.listen());
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcessEnvironment env = m_env;
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.remove(QStringLiteral("DISPLAY"));
    // Each step is its own D-Bus session with its own gnome-keyring-daemon on the same login keyring
    // (password "pw"): unlocked with the password, or started locked (no prompter without a display).
    int session = 0;
    const auto inSession = [&](bool unlocked, const QStringList &args, const QByteArray &input = {}) {
        QProcessEnvironment e = env;
        const QString runDir = home.filePath(QStringLiteral("run%1").arg(++session));
        QDir().mkpath(runDir);
        e.insert(QStringLiteral("XDG_RUNTIME_DIR"), runDir);
        const QString daemon =
            unlocked ? QStringLiteral("echo -n pw | gnome-keyring-daemon --foreground --unlock "
                                      "--components=secrets >/dev/null 2>&1 & pid=$!; ")
                     : QStringLiteral("gnome-keyring-daemon --start --foreground --components=secrets "
                                      ">/dev/null 2>&1 & pid=$!; ");
        QStringList shell{
            QStringLiteral("--"),
            QStringLiteral("sh"),
            QStringLiteral("-c"),
            QString(daemon + QStringLiteral("for i in $(seq 50); do dbus-send --session --print-reply "
                                            "--dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner "
                                            "string:org.freedesktop.secrets 2>/dev/null | grep -q true && "
                                            "break; sleep 0.1; done; "
                                            "\"$@\"; rc=$?; kill $pid; wait $pid 2>/dev/null; exit $rc")),
            QStringLiteral("sh"),
            QStringLiteral(PK_CLI_PATH)};
        shell += args;
        QProcess process;
        process.setProcessEnvironment(e);
        process.start(QStringLiteral("dbus-run-session"), shell);
        Result r;
        if (!process.waitForStarted(kTimeoutMs))
            return r;
        process.write(input);
        process.closeWriteChannel();
        if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, kTimeoutMs))
            process.kill();
        process.waitForFinished();
        r.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        r.out = process.readAllStandardOutput();
        // Only the CLI's lines: dbus-daemon (fd limit) and gcr-prompter (no display) write to the same
        // stream.
        for (const QByteArray &line : process.readAllStandardError().split('\n')) {
            if (!line.isEmpty() && !line.startsWith("dbus-daemon[") && !line.startsWith("(gcr-prompter:"))
                r.err += line + '\n';
        }
        return r;
    };
    const QStringList profile{QStringLiteral("--profile"), QStringLiteral("Locked")};

    Result r = inSession(true,
                         {QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                          QStringLiteral("Locked"), QStringLiteral("--url"), server.baseUrl().toString()},
                         server.persona(QStringLiteral("owner"))->apiKey.toUtf8());
    QVERIFY2(r.code == 0, r.err.constData());
    r = inSession(true, QStringList{QStringLiteral("sync")} + profile);
    QVERIFY2(r.code == 0, r.err.constData());
    const QString cacheDir = home.filePath(QStringLiteral("data/Portkey/Portkey Key Manager/cache"));
    QCOMPARE(QDir(cacheDir).entryList(QDir::Files).size(), 1);

    // Locked: the key is not "missing", and removing the profile removes nothing.
    r = inSession(false, QStringList{QStringLiteral("keys"), QStringLiteral("list")} + profile);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine() && r.err.contains("locked") && !r.err.contains("No API key"),
             r.err.constData());
    r = inSession(false, {QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Locked")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine() && r.err.contains("Nothing was removed"), r.err.constData());
    QVERIFY(!r.out.contains("removed"));
    QCOMPARE(QDir(cacheDir).entryList(QDir::Files).size(), 1);

    // Unlocked again: everything is still there and works, and the removal then happens.
    r = inSession(true, QStringList{QStringLiteral("keys"), QStringLiteral("list")} + profile);
    QVERIFY2(r.code == 0, r.err.constData());
    r = inSession(true, {QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Locked")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(QDir(cacheDir).entryList(QDir::Files).isEmpty());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
