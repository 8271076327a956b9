// The sandbox's seeded organisation: determinism per seed, contents (roles, key types, statuses,
// non-ASCII names, personas), and the scaled seed's build and paging speed.

#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"
#include "sandboxhttp.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <ctime>

using namespace Qt::StringLiterals;
using namespace pk::sandbox;
using sandboxtest::Http;
using sandboxtest::query;

namespace {

const QDateTime kEpoch(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC);

SeedOptions options(quint32 seed)
{
    SeedOptions o;
    o.seed = seed;
    o.epoch = kEpoch;
    return o;
}

QJsonObject withoutBaseUrl(QJsonObject o)
{
    o.remove(u"base_url"_s);
    return o;
}

QString ownerKey(const SandboxServer &s)
{
    return s.persona(u"owner"_s)->apiKey;
}

QJsonArray allKeys(Http &http, const QString &key)
{
    QJsonArray all;
    for (int page = 0;; ++page) {
        const auto r =
            http.get(u"/api-keys"_s, key,
                     query({{u"page_size"_s, u"100"_s}, {u"current_page"_s, QString::number(page)}}));
        if (r.status != 200)
            return {};
        const QJsonArray data = r.json.value(u"data"_s).toArray();
        for (const auto &v : data)
            all.append(v);
        if (data.size() < 100 || all.size() >= r.json.value(u"total"_s).toInt())
            return all;
    }
}

} // namespace

class TestSandboxSeed : public QObject
{
    Q_OBJECT
private slots:
    void sameSeedGivesIdenticalOrganisation();
    void differentSeedDiffers();
    void seedContents();
    void personasAndRoles();
    void everySeededKeyAuthenticatesUnlessExpired();
    void scaledSeedBuildsAndPagesQuickly();
};

void TestSandboxSeed::sameSeedGivesIdenticalOrganisation()
{
    SandboxServer a(options(7));
    SandboxServer b(options(7));
    QVERIFY(a.listen());
    QVERIFY(b.listen());
    QVERIFY(a.baseUrl() != b.baseUrl());
    QCOMPARE(withoutBaseUrl(a.describe()), withoutBaseUrl(b.describe()));
    const QDateTime now = kEpoch.addSecs(9 * 3600);
    a.setNow(now);
    b.setNow(now);
    Http ha(a.baseUrl());
    Http hb(b.baseUrl());
    for (const QString &path : {u"/api-keys"_s, u"/admin/workspaces"_s, u"/admin/users"_s}) {
        const auto ra = ha.get(path, ownerKey(a));
        const auto rb = hb.get(path, ownerKey(b));
        QCOMPARE(ra.status, 200);
        QCOMPARE(ra.raw, rb.raw);
    }
    const auto wa = ha.get(u"/admin/workspaces"_s, ownerKey(a)).json.value(u"data"_s).toArray();
    const QString production = wa.at(0).toObject().value(u"id"_s).toString();
    QCOMPARE(ha.get(u"/admin/workspaces/"_s + production + u"/users"_s, ownerKey(a)).raw,
             hb.get(u"/admin/workspaces/"_s + production + u"/users"_s, ownerKey(b)).raw);
}

void TestSandboxSeed::differentSeedDiffers()
{
    SandboxServer a(options(7));
    SandboxServer b(options(8));
    QVERIFY(a.listen());
    QVERIFY(b.listen());
    QVERIFY(withoutBaseUrl(a.describe()) != withoutBaseUrl(b.describe()));
    QVERIFY(ownerKey(a) != ownerKey(b));
    Http ha(a.baseUrl());
    Http hb(b.baseUrl());
    QVERIFY(ha.get(u"/api-keys"_s, ownerKey(a)).raw != hb.get(u"/api-keys"_s, ownerKey(b)).raw);
    // A seed's credentials are its own.
    QCOMPARE(ha.get(u"/api-keys"_s, ownerKey(b)).status, 401);
}

void TestSandboxSeed::seedContents()
{
    SandboxServer server(options(1));
    const QDateTime now = kEpoch.addSecs(9 * 3600);
    server.setNow(now);
    QVERIFY(server.listen());
    Http http(server.baseUrl());
    const QString owner = ownerKey(server);

    const QJsonArray keys = allKeys(http, owner);
    QCOMPARE(keys.size(), 48);
    QMap<QString, int> types;
    QMap<QString, int> statuses;
    int never = 0;
    int withinDays = 0;
    int rateLimited = 0;
    int usageLimited = 0;
    QSet<QString> ids;
    const QRegularExpression masked(u"^[A-Za-z0-9]{2}\\*{7}[A-Za-z0-9]{2}$"_s);
    for (const auto &v : keys) {
        const QJsonObject k = v.toObject();
        QCOMPARE(k.value(u"object"_s).toString(), u"api-key"_s);
        ids.insert(k.value(u"id"_s).toString());
        types[k.value(u"type"_s).toString()]++;
        statuses[k.value(u"status"_s).toString()]++;
        QVERIFY2(masked.match(k.value(u"key"_s).toString()).hasMatch(),
                 qPrintable(k.value(u"key"_s).toString()));
        QVERIFY(!k.value(u"scopes"_s).toArray().isEmpty());
        const QString expires = k.value(u"expires_at"_s).toString();
        if (expires.isEmpty())
            ++never;
        else if (const QDateTime e = QDateTime::fromString(expires, Qt::ISODateWithMs);
                 e > now && e < now.addDays(7))
            ++withinDays;
        if (!k.value(u"rate_limits"_s).toArray().isEmpty())
            ++rateLimited;
        if (k.contains(u"usage_limits"_s))
            ++usageLimited;
        if (k.value(u"type"_s).toString() == u"organisation-service"_s)
            QVERIFY(!k.contains(u"workspace_id"_s));
        else
            QVERIFY(k.value(u"workspace_id"_s).toString().startsWith(u"ws-"_s)); // the slug
        if (k.value(u"type"_s).toString() == u"workspace-user"_s)
            QVERIFY(!k.value(u"user_id"_s).toString().isEmpty());
    }
    QCOMPARE(ids.size(), 48);
    QCOMPARE(types.size(), 3);
    QVERIFY(types.value(u"organisation-service"_s) >= 3);
    QVERIFY(types.value(u"workspace-service"_s) >= 3);
    QVERIFY(types.value(u"workspace-user"_s) >= 3);
    QVERIFY(statuses.value(u"exhausted"_s) >= 1);
    QVERIFY(statuses.value(u"expired"_s) >= 1);
    QVERIFY(statuses.value(u"active"_s) >= 20);
    QVERIFY(never >= 5);
    QVERIFY(withinDays >= 1);
    QVERIFY(rateLimited >= 5);
    QVERIFY(usageLimited >= 5);

    const auto ws = http.get(u"/admin/workspaces"_s, owner);
    QCOMPARE(ws.status, 200);
    const QJsonArray workspaces = ws.json.value(u"data"_s).toArray();
    QVERIFY(workspaces.size() >= 3);
    QStringList names;
    for (const auto &v : workspaces) {
        const QJsonObject w = v.toObject();
        names << w.value(u"name"_s).toString();
        QVERIFY(w.value(u"slug"_s).toString().startsWith(u"ws-"_s));
        QCOMPARE(w.value(u"defaults"_s).toObject().value(u"object"_s).toString(), u"workspace"_s);
    }
    QVERIFY(names.contains(u"Production"_s));
    QVERIFY(names.contains(u"Staging"_s));
    QVERIFY(names.contains(u"Recherche & Développement"_s));

    const auto users = http.get(u"/admin/users"_s, owner);
    QCOMPARE(users.status, 200);
    QMap<QString, int> orgRoles;
    for (const auto &v : users.json.value(u"data"_s).toArray())
        orgRoles[v.toObject().value(u"role"_s).toString()]++;
    QVERIFY(users.json.value(u"total"_s).toInt() >= 8);
    QCOMPARE(orgRoles.value(u"owner"_s), 1);
    QVERIFY(orgRoles.value(u"admin"_s) >= 1);
    QVERIFY(orgRoles.value(u"member"_s) >= 5);

    QSet<QString> wsRoles;
    for (const auto &v : workspaces) {
        const auto members =
            http.get(u"/admin/workspaces/"_s + v.toObject().value(u"id"_s).toString() + u"/users"_s, owner,
                     query({{u"page_size"_s, u"100"_s}, {u"current_page"_s, u"0"_s}}));
        QCOMPARE(members.status, 200);
        for (const auto &m : members.json.value(u"data"_s).toArray()) {
            QCOMPARE(m.toObject().value(u"object"_s).toString(), u"workspace-user"_s);
            QCOMPARE(m.toObject().value(u"workspace_id"_s).toString(),
                     v.toObject().value(u"id"_s).toString());
            wsRoles.insert(m.toObject().value(u"role"_s).toString());
        }
    }
    QCOMPARE(wsRoles, (QSet<QString>{u"admin"_s, u"manager"_s, u"member"_s}));
}

void TestSandboxSeed::personasAndRoles()
{
    SandboxServer server(options(1));
    QVERIFY(server.listen());
    QStringList names;
    for (const Persona &p : server.personas())
        names << p.name;
    QCOMPARE(names, (QStringList{u"owner"_s, u"admin"_s, u"readonly-admin"_s, u"ws-admin"_s, u"manager"_s,
                                 u"member"_s, u"org-member"_s}));
    const Persona owner = *server.persona(u"owner"_s);
    QCOMPARE(owner.orgRole, u"owner"_s);
    QCOMPARE(owner.keyType, u"organisation-service"_s);
    QVERIFY(owner.workspace.isEmpty());
    const Persona manager = *server.persona(u"manager"_s);
    QCOMPARE(manager.keyType, u"workspace-service"_s);
    QCOMPARE(manager.workspaceRoles.value(manager.workspace), u"manager"_s);
    const Persona member = *server.persona(u"member"_s);
    QCOMPARE(member.keyType, u"workspace-user"_s);
    QCOMPARE(member.workspaceRoles.value(member.workspace), u"member"_s);
    QCOMPARE(server.persona(u"org-member"_s)->orgRole, u"member"_s);
    QCOMPARE(server.persona(u"ws-admin"_s)->workspaceRoles.value(server.persona(u"ws-admin"_s)->workspace),
             u"admin"_s);
    QVERIFY(!server.persona(u"nobody"_s));

    // The described document carries the fields portkey-sandbox prints.
    const QJsonObject d = server.describe();
    QCOMPARE(d.value(u"base_url"_s).toString(), server.baseUrl().toString());
    const QJsonObject first = d.value(u"personas"_s).toArray().at(0).toObject();
    for (const QString &field :
         {u"name"_s, u"org_role"_s, u"workspace_roles"_s, u"key_type"_s, u"workspace"_s, u"api_key"_s})
        QVERIFY2(first.contains(field), qPrintable(field));

    // Every persona's credential authenticates; the member persona's workspace is Production.
    Http http(server.baseUrl());
    for (const Persona &p : server.personas()) {
        const auto r = http.get(u"/admin/workspaces"_s, p.apiKey);
        QVERIFY2(r.status == 200 || r.status == 403, qPrintable(p.name));
    }
    const auto prod = http.get(u"/admin/workspaces/"_s + member.workspace, owner.apiKey);
    QCOMPARE(prod.json.value(u"name"_s).toString(), u"Production"_s);
}

void TestSandboxSeed::everySeededKeyAuthenticatesUnlessExpired()
{
    SandboxServer server(options(2));
    server.setNow(kEpoch.addSecs(12 * 3600));
    QVERIFY(server.listen());
    Http http(server.baseUrl());
    const QJsonArray keys = allKeys(http, ownerKey(server));
    QCOMPARE(keys.size(), 48);
    int expired = 0;
    for (const auto &v : keys) {
        const QString id = v.toObject().value(u"id"_s).toString();
        const KeyRecord *record = server.organisation().key(id);
        QVERIFY(record);
        // Any route answers 401 for an unusable secret, and 200 or 403 (by scope) for a usable one.
        const int status = http.get(u"/admin/workspaces"_s, record->secret).status;
        if (v.toObject().value(u"status"_s).toString() == u"expired"_s) {
            ++expired;
            QCOMPARE(status, 401);
        } else {
            QVERIFY2(status == 200 || status == 403, qPrintable(id));
        }
    }
    QVERIFY(expired >= 1);
}

void TestSandboxSeed::scaledSeedBuildsAndPagesQuickly()
{
    SeedOptions big = options(3);
    big.keys = 100000;
    big.workspaces = 500;
    big.users = 300;
    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpuStart = std::clock();
    SandboxServer server(big);
    const qint64 buildMs = timer.elapsed();
    const qint64 buildCpuMs = qint64(std::clock() - cpuStart) * 1000 / CLOCKS_PER_SEC;
    qInfo("seeded 100,000 keys over 500 workspaces in %lld ms (%lld ms CPU)", buildMs, buildCpuMs);
    // CPU time, so that a loaded machine does not fail the test; a few seconds even in a Debug build.
    QVERIFY2(buildCpuMs < 8000, qPrintable(QString::number(buildCpuMs)));
    QCOMPARE(server.organisation().keyCount(), 100000);
    QCOMPARE(server.organisation().workspaceCount(), 500);
    QVERIFY(server.listen());
    Http http(server.baseUrl());
    const QString owner = ownerKey(server);

    timer.restart();
    const auto last =
        http.get(u"/api-keys"_s, owner, query({{u"page_size"_s, u"100"_s}, {u"current_page"_s, u"999"_s}}));
    const qint64 lastPageMs = timer.elapsed();
    QCOMPARE(last.status, 200);
    QCOMPARE(last.json.value(u"total"_s).toInt(), 100000);
    QCOMPARE(last.json.value(u"data"_s).toArray().size(), 100);

    const QString ws = server.persona(u"manager"_s)->workspace;
    timer.restart();
    const auto filtered =
        http.get(u"/api-keys"_s, owner, query({{u"workspace_id"_s, ws}, {u"page_size"_s, u"100"_s}}));
    const qint64 filteredMs = timer.elapsed();
    QCOMPARE(filtered.status, 200);
    QVERIFY(filtered.json.value(u"total"_s).toInt() > 100);
    qInfo("last page of 100,000 keys in %lld ms; one workspace's first page in %lld ms", lastPageMs,
          filteredMs);
    QVERIFY(lastPageMs < 1000);
    QVERIFY(filteredMs < 1000);
}

QTEST_GUILESS_MAIN(TestSandboxSeed)
#include "tst_sandboxseed.moc"
