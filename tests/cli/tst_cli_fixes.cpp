// What a new user hit from a clean clone: workspaces by name, revoking the profile's own key, fresh and
// unlisted `--sandbox` runs, scope suggestions and `keys scopes`, the EXPIRES marker of `keys list` and the
// wrapped scopes of `whoami`. The real portkey-key-manager-cli binary, run with QProcess against a
// SandboxServer in this process or against its own `--sandbox`, with a throwaway HOME and the real Secret
// Service.

#include "clitestsupport.h"
#include "domain/scopes.h"
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

/// `POST path` with `body` to `server` as `key`; returns the HTTP status.
int post(const sandbox::SandboxServer &server, const QString &key, const QString &path,
         const QJsonObject &body)
{
    QNetworkAccessManager nam;
    QUrl url = server.baseUrl();
    url.setPath(QString(url.path() + path));
    QNetworkRequest request(url);
    request.setRawHeader("x-portkey-api-key", key.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = nam.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

/// The line of `text` that contains `needle`, or empty.
QByteArray lineWith(const QByteArray &text, const QString &needle)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.contains(needle.toUtf8()))
            return line;
    }
    return {};
}

} // namespace

class TestCliFixes : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void workspaceByNameCaseInsensitive();
    void unknownWorkspaceListsTheKnownOnes();
    void ambiguousWorkspaceNameListsTheCandidates();
    void revokingTheProfilesOwnKeyWarnsAndSucceeds();
    void sandboxRunsAreFreshAndNotListed();
    void unknownScopeSuggestsTheNearest();
    void keysScopesListsGroupsAndPresets();
    void keysListMarksExpiringKeys();
    void whoamiWrapsTheScopes();

private:
    Result run(const QStringList &args, const QByteArray &input = {});
    /// The workspaces as `workspaces list --json` of the Owner profile gives them.
    QJsonArray workspaces();

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    std::unique_ptr<sandbox::SandboxServer> m_server;
};

void TestCliFixes::initTestCase()
{
    pktest::verifyProcessPrerequisites(QStringLiteral(PK_CLI_PATH), m_home);
    if (QTest::currentTestFailed())
        return;
    m_env = pktest::privateHomeEnvironment(m_home);

    pktest::startSandboxWithOwnerProfile(QStringLiteral(PK_CLI_PATH), m_env, &m_server);
}

void TestCliFixes::cleanupTestCase()
{
    pktest::removeOwnerProfile(QStringLiteral(PK_CLI_PATH), m_env);
}

Result TestCliFixes::run(const QStringList &args, const QByteArray &input)
{
    return pktest::runProcess(QStringLiteral(PK_CLI_PATH), args, input, m_env, kTimeoutMs);
}

QJsonArray TestCliFixes::workspaces()
{
    const Result r = run({s("workspaces"), s("list"), s("--profile"), s("Owner"), s("--json")});
    if (r.code != 0)
        qWarning("workspaces list failed: %s", r.err.constData());
    return r.json().array();
}

void TestCliFixes::workspaceByNameCaseInsensitive()
{
    // "Recherche & Développement" has the slug `recherche-developpement`: only its name matches this text.
    QString researchId;
    for (const QJsonValue &v : workspaces()) {
        if (v.toObject().value(s("name")).toString() == s("Recherche & Développement"))
            researchId = v.toObject().value(s("id")).toString();
    }
    QVERIFY(!researchId.isEmpty());
    m_server->clearRecordedRequests();
    Result r =
        run({s("keys"), s("create"), s("--profile"), s("Owner"), s("--workspace"),
             s("RECHERCHE & développement"), s("--name"), s("By name"), s("--scope"), s("completions.write"),
             s("--expires"), s("30d"), s("--usage-limit"), s("cost:5"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString created = r.json().object().value(s("id")).toString();
    QVERIFY(!created.isEmpty());
    bool posted = false;
    for (const sandbox::RecordedRequest &req : m_server->recordedRequests()) {
        if (req.method == s("POST") && req.path.endsWith(s("/api-keys/workspace/service"))) {
            QCOMPARE(req.body.toObject().value(s("workspace_id")).toString(), researchId);
            posted = true;
        }
    }
    QVERIFY(posted);

    // `keys list` takes the name too, in any case.
    r = run({s("keys"), s("list"), s("--profile"), s("Owner"), s("--workspace"),
             s("recherche & DÉVELOPPEMENT"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    bool listed = false;
    for (const QJsonValue &v : r.json().array())
        listed = listed || v.toObject().value(s("id")).toString() == created;
    QVERIFY(listed);
}

void TestCliFixes::unknownWorkspaceListsTheKnownOnes()
{
    QString productionId;
    for (const QJsonValue &v : workspaces()) {
        if (v.toObject().value(s("name")).toString() == s("Production"))
            productionId = v.toObject().value(s("id")).toString();
    }
    QVERIFY(!productionId.isEmpty());
    const QString known = QString(s("Production (") + productionId + QLatin1Char(')'));
    m_server->clearRecordedRequests();
    Result r = run({s("keys"), s("create"), s("--profile"), s("Owner"), s("--workspace"), s("Prod"),
                    s("--name"), s("Nowhere"), s("--scope"), s("completions.write")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("no workspace named/identified “Prod”; known: ") &&
                 r.err.contains(known.toUtf8()),
             r.err.constData());
    for (const sandbox::RecordedRequest &req : m_server->recordedRequests())
        QCOMPARE(req.method, s("GET")); // nothing was sent
    r = run({s("keys"), s("list"), s("--profile"), s("Owner"), s("--workspace"), s("Prod")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("no workspace named/identified “Prod”; known: ") &&
                 r.err.contains(known.toUtf8()),
             r.err.constData());
}

void TestCliFixes::ambiguousWorkspaceNameListsTheCandidates()
{
    // A second workspace whose name differs from "Staging" only in case.
    QCOMPARE(post(*m_server, m_server->persona(s("owner"))->apiKey, s("/admin/workspaces"),
                  QJsonObject{{s("name"), s("STAGING")}}),
             200);
    Result r = run({s("sync"), s("--profile"), s("Owner")});
    QVERIFY2(r.code == 0, r.err.constData());
    QStringList ids;
    for (const QJsonValue &v : workspaces()) {
        if (v.toObject().value(s("name")).toString().compare(s("staging"), Qt::CaseInsensitive) == 0)
            ids.append(v.toObject().value(s("id")).toString());
    }
    QCOMPARE(ids.size(), 2);
    r = run({s("keys"), s("list"), s("--profile"), s("Owner"), s("--workspace"), s("Staging")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("several workspaces are named “Staging”") && r.err.contains(ids.at(0).toUtf8()) &&
                 r.err.contains(ids.at(1).toUtf8()),
             r.err.constData());
}

void TestCliFixes::revokingTheProfilesOwnKeyWarnsAndSucceeds()
{
    // The sandbox is seeded the same way on every run: the owner's key has the same id each time.
    Result r = run({s("--sandbox"), s("keys"), s("list"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QString ownId;
    for (const QJsonValue &v : r.json().array()) {
        if (v.toObject().value(s("name")).toString() == s("Owner master key"))
            ownId = v.toObject().value(s("id")).toString();
    }
    QVERIFY(!ownId.isEmpty());

    // Without --yes nothing is revoked; the prompt would name the loss of access.
    r = run({s("--sandbox"), s("keys"), s("revoke"), ownId});
    QCOMPARE(r.code, 2);

    r = run({s("--sandbox"), s("keys"), s("revoke"), ownId, s("--yes")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.out, QByteArray("Revoked " + ownId.toUtf8() + ".\n"));
    QVERIFY2(!r.err.contains("error:"), r.err.constData());
    QVERIFY2(r.err.startsWith("warning: ") && r.err.contains("this profile's own API key") &&
                 r.err.contains("loses access"),
             r.err.constData());
    QVERIFY2(r.err.contains("note: ") && r.err.contains("no longer works"), r.err.constData());

    r = run({s("--sandbox"), s("keys"), s("revoke"), ownId, s("--yes"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = r.json().object();
    QCOMPARE(o.value(s("revoked")).toArray(), QJsonArray{ownId});
    QVERIFY(o.value(s("failed")).toArray().isEmpty());
    QCOMPARE(o.value(s("profile_key_revoked")).toBool(), true);
}

void TestCliFixes::sandboxRunsAreFreshAndNotListed()
{
    Result r = run({s("--sandbox"), s("keys"), s("create"), s("--workspace"), s("Production"), s("--name"),
                    s("Only in this run"), s("--scope"), s("completions.write"), s("--expires"), s("30d"),
                    s("--usage-limit"), s("cost:5"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString id = r.json().object().value(s("id")).toString();
    QVERIFY(!id.isEmpty());

    // The next run is a fresh organisation, and its answers come from it, never from the last run's cache.
    r = run({s("--sandbox"), s("keys"), s("list"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    for (const QJsonValue &v : r.json().array())
        QVERIFY(v.toObject().value(s("id")).toString() != id);
    r = run({s("--sandbox"), s("keys"), s("show"), id});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("fresh organisation") && !r.err.contains("--refresh"), r.err.constData());

    // Sandbox runs leave no profile behind in `profile list`.
    r = run({s("profile"), s("list"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QStringList names;
    for (const QJsonValue &v : r.json().array())
        names.append(v.toObject().value(s("name")).toString());
    QCOMPARE(names, QStringList{s("Owner")});
    r = run({s("profile"), s("list")});
    QVERIFY2(r.code == 0 && !r.out.contains("Sandbox"), r.out.constData());
}

void TestCliFixes::unknownScopeSuggestsTheNearest()
{
    Result r = run({s("keys"), s("create"), s("--profile"), s("Owner"), s("--workspace"), s("Production"),
                    s("--name"), s("Typo"), s("--scope"), s("completions.wrte")});
    QCOMPARE(r.code, 2);
    QCOMPARE(r.err, QByteArray("error: unknown scope `completions.wrte` for service keys — did you mean "
                               "`completions.write`?\n"));
    // Nothing close: the command that lists the valid scopes, never a document the user does not have.
    r = run({s("keys"), s("create"), s("--profile"), s("Owner"), s("--type"), s("user"), s("--workspace"),
             s("Production"), s("--user"), s("x@example.org"), s("--name"), s("Far"), s("--scope"),
             s("teleport.everything")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
    QVERIFY2(r.err.contains("unknown scope `teleport.everything` for user keys") &&
                 r.err.contains("`keys scopes --type user`") && !r.err.contains("ADMIN-API"),
             r.err.constData());
}

void TestCliFixes::keysScopesListsGroupsAndPresets()
{
    Result r = run({s("keys"), s("scopes"), s("--type"), s("user"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonArray types = r.json().array();
    QCOMPARE(types.size(), 1);
    const QJsonObject user = types.first().toObject();
    QCOMPARE(user.value(s("type")).toString(), s("user"));
    const QList<ScopeGroup> groups = scopeGroups(KeyType::WorkspaceUser);
    const QJsonArray jsonGroups = user.value(s("groups")).toArray();
    QCOMPARE(jsonGroups.size(), groups.size());
    for (int i = 0; i < groups.size(); ++i) {
        const QJsonObject g = jsonGroups.at(i).toObject();
        QCOMPARE(g.value(s("title")).toString(), groups.at(i).title);
        QCOMPARE(g.value(s("scopes")).toVariant().toStringList(), groups.at(i).scopes);
    }
    QCOMPARE(user.value(s("presets")).toArray().size(), scopePresets(KeyType::WorkspaceUser).size());

    // Every type without --type; text mode names each group, every scope and the presets.
    r = run({s("keys"), s("scopes"), s("--json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.json().array().size(), 3);
    r = run({s("keys"), s("scopes"), s("--type"), s("admin")});
    QVERIFY2(r.code == 0, r.err.constData());
    for (const QString &scope : validScopes(KeyType::OrganisationService))
        QVERIFY2(r.out.contains(scope.toUtf8()), qPrintable(scope));
    for (const ScopeGroup &g : scopeGroups(KeyType::OrganisationService))
        QVERIFY(r.out.contains(g.title.toUtf8()));
    QVERIFY(r.out.contains("Presets"));
    r = run({s("keys"), s("scopes"), s("--type"), s("robot")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.oneErrorLine(), r.err.constData());
}

void TestCliFixes::keysListMarksExpiringKeys()
{
    Result json = run({s("keys"), s("list"), s("--profile"), s("Owner"), s("--json")});
    QVERIFY2(json.code == 0, json.err.constData());
    const Result text = run({s("keys"), s("list"), s("--profile"), s("Owner")});
    QVERIFY2(text.code == 0, text.err.constData());
    QVERIFY(lineWith(text.out, s("ID")).contains("EXPIRES"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int soon = 0;
    int later = 0;
    for (const QJsonValue &v : json.json().array()) {
        const ApiKey k = ApiKey::fromJson(v.toObject());
        const QByteArray line = lineWith(text.out, k.id);
        QVERIFY2(!line.isEmpty(), qPrintable(k.id));
        const bool spent = k.keyStatus() == KeyStatus::Exhausted || k.keyStatus() == KeyStatus::Expired;
        if (k.expiresAt.isValid()) {
            const qint64 secs = now.secsTo(k.expiresAt.utc());
            // Relative text, as the desktop app shows it.
            QVERIFY2(line.contains(secs > 0 ? "in " : " ago"), line.constData());
            // The default warning window is 7 days; keep a minute away from its edge.
            if (secs > 0 && secs < 7 * 86400 - 60) {
                QVERIFY2(line.contains("! in "), line.constData());
                ++soon;
            } else if (secs > 7 * 86400 + 60 && !spent) {
                QVERIFY2(!line.contains("! "), line.constData());
                ++later;
            }
        }
        if (spent)
            QVERIFY2(line.contains("! "), line.constData());
    }
    // The seed has keys on both sides of the window.
    QVERIFY(soon > 0);
    QVERIFY(later > 0);
    QVERIFY(text.out.contains("! = expires within 7 days"));
}

void TestCliFixes::whoamiWrapsTheScopes()
{
    const Result json = run({s("whoami"), s("--profile"), s("Owner"), s("--json")});
    QVERIFY2(json.code == 0, json.err.constData());
    const Result text = run({s("whoami"), s("--profile"), s("Owner")});
    QVERIFY2(text.code == 0, text.err.constData());
    // The owner's Admin key carries 100+ scopes: one line per resource, none of them overlong.
    for (const QByteArray &line : text.out.split('\n'))
        QVERIFY2(line.size() <= 160, line.left(200).constData());
    QVERIFY2(text.out.contains("\n    workspaces: create, read, update, delete, list\n"),
             text.out.constData());
    // JSON is unchanged by the text layout: the same document as before, scopes in one array.
    QVERIFY(json.json().isObject());
    QVERIFY(json.out.contains("\"workspaces.create\""));
}

QTEST_GUILESS_MAIN(TestCliFixes)
#include "tst_cli_fixes.moc"
