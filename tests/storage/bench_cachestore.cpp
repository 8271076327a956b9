#include "storage/cachestore.h"

#include <QtTest>

#include <QElapsedTimer>
#include <QTemporaryDir>

using pk::CacheSnapshot;
using pk::CacheStore;

namespace {

// A large organisation: 5000 keys, 50 workspaces, 500 users, 2000 memberships.
CacheSnapshot largeSnapshot()
{
    CacheSnapshot s;
    for (int w = 0; w < 50; ++w) {
        pk::Workspace ws;
        ws.id = QStringLiteral("ws-%1").arg(w);
        ws.slug = QStringLiteral("slug-%1").arg(w);
        ws.name = QStringLiteral("Workspace %1 – Zürich").arg(w);
        s.workspaces.append(ws);
    }
    for (int k = 0; k < 5000; ++k) {
        pk::ApiKey key;
        key.id = QStringLiteral("key-%1").arg(k);
        key.maskedKey = QStringLiteral("Xk*******%1").arg(k % 100, 2, 10, QLatin1Char('0'));
        key.name = QStringLiteral("Service key %1").arg(k);
        key.type = QStringLiteral("workspace-service");
        key.workspaceId = QStringLiteral("ws-%1").arg(k % 50);
        key.status = QStringLiteral("active");
        key.scopes = {QStringLiteral("completions.write"), QStringLiteral("logs.view")};
        key.createdAt = pk::Timestamp::fromString(QStringLiteral("2026-01-01T00:00:00Z"));
        key.extra.insert(QStringLiteral("future_field"), k);
        s.keys.append(key);
    }
    for (int u = 0; u < 500; ++u) {
        pk::User user;
        user.id = QStringLiteral("user-%1").arg(u);
        user.email = QStringLiteral("user%1@example.com").arg(u);
        user.role = QStringLiteral("member");
        s.users.append(user);
    }
    for (int m = 0; m < 2000; ++m) {
        pk::WorkspaceMember member;
        member.id = QStringLiteral("user-%1").arg(m % 500);
        member.role = QStringLiteral("member");
        s.members[QStringLiteral("ws-%1").arg(m / 40)].append(member);
    }
    s.syncedAtUtc = QDateTime::currentDateTimeUtc();
    return s;
}

} // namespace

class BenchCacheStore : public QObject
{
    Q_OBJECT
private slots:
    void largeOrganisation();
};

void BenchCacheStore::largeOrganisation()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("large.db"));
    const pk::SecretBuffer key = CacheStore::newKey();
    const CacheSnapshot snapshot = largeSnapshot();
    QElapsedTimer clock;

    clock.start();
    auto store = CacheStore::open(path, key, nullptr);
    QVERIFY(store);
    const qint64 createMs = clock.elapsed();

    clock.restart();
    QVERIFY(store->replaceAll(snapshot, nullptr));
    const qint64 replaceMs = clock.elapsed();
    store.reset();

    clock.restart();
    store = CacheStore::open(path, key, nullptr); // includes PRAGMA quick_check over every page
    QVERIFY(store);
    const qint64 reopenMs = clock.elapsed();

    clock.restart();
    const CacheSnapshot loaded = store->load();
    const qint64 loadMs = clock.elapsed();
    QCOMPARE(loaded.keys.size(), snapshot.keys.size());
    QCOMPARE(loaded.keys.last(), snapshot.keys.last());
    QCOMPARE(loaded.members.size(), snapshot.members.size());

    clock.restart();
    for (int i = 0; i < 100; ++i) {
        pk::ApiKey changed = snapshot.keys.at(i * 37);
        changed.name += QStringLiteral(" (renamed)");
        QVERIFY(store->upsertKey(changed));
    }
    const qint64 upsertMs = clock.elapsed();

    qInfo("SQLCipher cache, %lld keys, %lld bytes on disk: create %lld ms, replaceAll %lld ms, "
          "reopen+quick_check %lld ms, load %lld ms, 100 upserts %lld ms",
          qint64(snapshot.keys.size()), QFileInfo(path).size(), createMs, replaceMs, reopenMs, loadMs,
          upsertMs);
}

QTEST_GUILESS_MAIN(BenchCacheStore)
#include "bench_cachestore.moc"
