// CacheWorker on real SQLCipher files: the store runs on its own thread, jobs run in order, results come
// back on the owner's thread through the event loop, and results for a destroyed context are dropped.
#include "storage/cacheworker.h"

#include <QtTest>

#include <QTemporaryDir>
#include <QThread>

using pk::ApiKey;
using pk::CacheError;
using pk::CacheSnapshot;
using pk::CacheStore;
using pk::CacheWorker;
using pk::SecretBuffer;

namespace {

constexpr int kTimeoutMs = 20000;

ApiKey makeKey(int n)
{
    ApiKey k;
    k.id = QStringLiteral("key-%1").arg(n);
    k.name = QStringLiteral("Key %1").arg(n);
    k.maskedKey = QStringLiteral("Xk*******%1").arg(n);
    k.type = QStringLiteral("workspace-service");
    k.workspaceId = QStringLiteral("ws-1");
    k.status = QStringLiteral("active");
    return k;
}

CacheSnapshot snapshotOf(int keys)
{
    CacheSnapshot s;
    for (int i = 0; i < keys; ++i)
        s.keys.append(makeKey(i));
    s.syncedAtUtc = QDateTime(QDate(2026, 11, 30), QTime(9, 0), Qt::UTC);
    return s;
}

QStringList idsOf(const QList<ApiKey> &keys)
{
    QStringList ids;
    for (const ApiKey &k : keys)
        ids.append(k.id);
    return ids;
}

} // namespace

class TestCacheWorker : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void opensAndLoadsOffTheCallingThread();
    void jobsRunInOrder();
    void openErrorIsReported();
    void resultForDestroyedContextIsDropped();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("profile.db")); }
    std::unique_ptr<QTemporaryDir> m_dir;
    SecretBuffer m_key = CacheStore::newKey();
};

void TestCacheWorker::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCacheWorker::opensAndLoadsOffTheCallingThread()
{
    {
        auto store = CacheStore::open(path(), m_key, nullptr);
        QVERIFY(store);
        QVERIFY(store->replaceAll(snapshotOf(50), nullptr));
    }
    CacheWorker worker;
    std::optional<CacheWorker::Opened> opened;
    QThread *jobThread = nullptr;
    QThread *resultThread = nullptr;
    worker.open(path(), m_key.clone(), this, [&](const CacheWorker::Opened &o) {
        opened = o;
        resultThread = QThread::currentThread();
    });
    QVERIFY(!opened); // never synchronous
    worker.run<int>(
        this,
        [&jobThread](CacheStore *store) {
            jobThread = QThread::currentThread();
            return store != nullptr ? 1 : 0;
        },
        std::function<void(int)>());
    QTRY_VERIFY_WITH_TIMEOUT(opened.has_value(), kTimeoutMs);
    QCOMPARE(opened->error.kind, CacheError::None);
    QVERIFY(opened->loadError.isEmpty());
    QCOMPARE(opened->snapshot.keys, snapshotOf(50).keys);
    QCOMPARE(opened->snapshot.syncedAtUtc, snapshotOf(50).syncedAtUtc);
    QCOMPARE(resultThread, QThread::currentThread());
    QTRY_VERIFY_WITH_TIMEOUT(jobThread != nullptr, kTimeoutMs);
    QVERIFY(jobThread != QThread::currentThread());
}

void TestCacheWorker::jobsRunInOrder()
{
    CacheWorker worker;
    bool opened = false;
    worker.open(path(), m_key.clone(), this,
                [&](const CacheWorker::Opened &o) { opened = o.error.kind == CacheError::None; });
    QString replaceError = QStringLiteral("not run");
    worker.run<QString>(
        this,
        [](CacheStore *store) {
            QString error;
            store->replaceAll(snapshotOf(3), &error);
            return error;
        },
        [&](const QString &e) { replaceError = e; });
    ApiKey renamed = makeKey(1);
    renamed.name = QStringLiteral("renamed");
    QStringList writeErrors;
    worker.upsertKey(renamed, this, [&](const QString &e) { writeErrors.append(e); });
    worker.upsertKey(makeKey(9), this, [&](const QString &e) { writeErrors.append(e); });
    worker.removeKeys({makeKey(0).id}, this, [&](const QString &e) { writeErrors.append(e); });
    std::optional<CacheSnapshot> loaded;
    worker.run<CacheSnapshot>(
        this, [](CacheStore *store) { return store->load(); }, [&](const CacheSnapshot &s) { loaded = s; });
    QTRY_VERIFY_WITH_TIMEOUT(loaded.has_value(), kTimeoutMs);
    QVERIFY(opened);
    QCOMPARE(replaceError, QString());
    QCOMPARE(writeErrors, (QStringList{QString(), QString(), QString()}));
    QCOMPARE(idsOf(loaded->keys), (QStringList{makeKey(1).id, makeKey(2).id, makeKey(9).id}));
    QCOMPARE(loaded->keys.first().name, QStringLiteral("renamed"));
}

void TestCacheWorker::openErrorIsReported()
{
    {
        auto store = CacheStore::open(path(), m_key, nullptr);
        QVERIFY(store);
    }
    CacheWorker worker;
    std::optional<CacheWorker::Opened> opened;
    worker.open(path(), CacheStore::newKey(), this, [&](const CacheWorker::Opened &o) { opened = o; });
    QTRY_VERIFY_WITH_TIMEOUT(opened.has_value(), kTimeoutMs);
    QCOMPARE(opened->error.kind, CacheError::WrongKeyOrCorrupt);
    QVERIFY(opened->error.canRebuild);
    QVERIFY(opened->snapshot.keys.isEmpty());

    // Without an open store, writes report an error instead of touching anything.
    std::optional<QString> error;
    worker.upsertKey(makeKey(1), this, [&](const QString &e) { error = e; });
    QTRY_VERIFY_WITH_TIMEOUT(error.has_value(), kTimeoutMs);
    QVERIFY(!error->isEmpty());

    // The remedy runs on the worker too: the unreadable file is moved aside, a new one opens.
    std::optional<QString> rebuilt;
    const SecretBuffer newKey = CacheStore::newKey();
    worker.moveAsideAndRecreate(path(), newKey.clone(), this, [&](const QString &e) { rebuilt = e; });
    QTRY_VERIFY_WITH_TIMEOUT(rebuilt.has_value(), kTimeoutMs);
    QCOMPARE(*rebuilt, QString());
    opened.reset();
    worker.open(path(), newKey.clone(), this, [&](const CacheWorker::Opened &o) { opened = o; });
    QTRY_VERIFY_WITH_TIMEOUT(opened.has_value(), kTimeoutMs);
    QCOMPARE(opened->error.kind, CacheError::None);
}

void TestCacheWorker::resultForDestroyedContextIsDropped()
{
    CacheWorker worker;
    auto context = std::make_unique<QObject>();
    bool called = false;
    worker.open(path(), m_key.clone(), context.get(), [&](const CacheWorker::Opened &) { called = true; });
    context.reset(); // before the event loop delivers the result
    bool fenced = false;
    worker.run<int>(
        this, [](CacheStore *) { return 0; }, [&](int) { fenced = true; });
    QTRY_VERIFY_WITH_TIMEOUT(fenced, kTimeoutMs); // results arrive in order: the open's came first
    QVERIFY(!called);
}

QTEST_GUILESS_MAIN(TestCacheWorker)
#include "tst_cacheworker.moc"
