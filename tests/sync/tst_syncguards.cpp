// SyncEngine's rule for refused lists, against the real sandbox over HTTP on 127.0.0.1 and a real SQLCipher
// cache file: a run in which no list can be read fails and keeps the cache; a list refused with 403 keeps
// its part of the cache from the last sync that could read it, while readable lists are replaced.
#include "portkey/adminapiclient.h"
#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"
#include "secrets/secretbuffer.h"
#include "storage/cachestore.h"
#include "storage/cacheworker.h"
#include "sync/syncengine.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <optional>

using namespace pk;

namespace {

constexpr int kTimeoutMs = 30000;

QStringList idsOf(const QList<ApiKey> &keys)
{
    QStringList out;
    for (const ApiKey &k : keys)
        out.append(k.id);
    return out;
}

QStringList idsOf(const QList<Workspace> &workspaces)
{
    QStringList out;
    for (const Workspace &w : workspaces)
        out.append(w.id);
    return out;
}

QStringList idsOf(const QList<User> &users)
{
    QStringList out;
    for (const User &u : users)
        out.append(u.id);
    return out;
}

sandbox::Fault forbidden(const QString &pathPattern)
{
    sandbox::Fault f;
    f.method = QStringLiteral("GET");
    f.pathPattern = pathPattern;
    f.status = 403;
    f.code = QStringLiteral("AB03");
    f.times = 0; // every matching request
    return f;
}

} // namespace

class TestSyncGuards : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void nothingReadableFailsAndKeepsTheCache();
    void nothingReadableOnAFreshCacheResolvesThePrincipal();
    void refusedKeyListKeepsCachedKeys();
    void refusedWorkspaceListKeepsWorkspacesAndMembers();
    void refusedUserAndMemberListsKeepTheirParts();

private:
    /// Syncs once and waits for finished().
    std::pair<ApiError, SyncDiff> sync();
    /// The cache file's content, read through a second, independent connection.
    CacheSnapshot onDisk();

    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_cacheKey;
    std::unique_ptr<sandbox::SandboxServer> m_server;
    std::unique_ptr<AdminApiClient> m_client;
    std::unique_ptr<CacheWorker> m_cache;
    std::unique_ptr<SyncEngine> m_engine;
};

void TestSyncGuards::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_cacheKey.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_cacheKey.data()), 8);
    m_server = std::make_unique<sandbox::SandboxServer>();
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    const auto owner = m_server->persona(QStringLiteral("owner"));
    QVERIFY(owner);
    m_client = std::make_unique<AdminApiClient>();
    QVERIFY(!m_client->setBaseUrl(m_server->baseUrl()).isError());
    QVERIFY(!m_client->setApiKey(owner->apiKey.toUtf8()).isError());

    m_cache = std::make_unique<CacheWorker>();
    std::optional<CacheWorker::Opened> opened;
    m_cache->open(m_dir->filePath(QStringLiteral("cache.db")), SecretBuffer(m_cacheKey.constData(), 32), this,
                  [&opened](const CacheWorker::Opened &o) { opened = o; });
    QTRY_VERIFY_WITH_TIMEOUT(opened.has_value(), kTimeoutMs);
    QVERIFY2(opened->error.kind == CacheError::None, qPrintable(opened->error.message));

    Profile profile;
    profile.id = QStringLiteral("syncguards");
    profile.baseUrl = m_server->baseUrl().toString();
    m_engine = std::make_unique<SyncEngine>(m_client.get(), m_cache.get(), profile);
}

void TestSyncGuards::cleanup()
{
    m_engine.reset();
    m_cache.reset();
    m_client.reset();
    m_server.reset();
    m_dir.reset();
}

std::pair<ApiError, SyncDiff> TestSyncGuards::sync()
{
    QSignalSpy finished(m_engine.get(), &SyncEngine::finished);
    if (!m_engine->start() || !finished.wait(kTimeoutMs) || finished.isEmpty()) {
        ApiError e;
        e.kind = ApiError::Kind::Timeout;
        e.message = QStringLiteral("the sync did not finish");
        return {e, SyncDiff{}};
    }
    return {finished.first().at(0).value<ApiError>(), finished.first().at(1).value<SyncDiff>()};
}

CacheSnapshot TestSyncGuards::onDisk()
{
    CacheOpenError error;
    const std::unique_ptr<CacheStore> store = CacheStore::open(
        m_dir->filePath(QStringLiteral("cache.db")), SecretBuffer(m_cacheKey.constData(), 32), &error);
    if (!store) {
        qWarning("the cache did not open: %s", qPrintable(error.message));
        return {};
    }
    return store->load();
}

void TestSyncGuards::nothingReadableFailsAndKeepsTheCache()
{
    const auto [firstError, firstDiff] = sync();
    QVERIFY2(!firstError.isError(), qPrintable(firstError.userText()));
    const CacheSnapshot before = onDisk();
    QVERIFY(!before.keys.isEmpty());
    QVERIFY(!before.workspaces.isEmpty());
    QVERIFY(!before.users.isEmpty());

    // The key loses every read scope: every list answers 403.
    m_server->injectFault(forbidden(QStringLiteral("/v1/admin/workspaces")));
    m_server->injectFault(forbidden(QStringLiteral("/v1/admin/users")));
    m_server->injectFault(forbidden(QStringLiteral("/v1/api-keys")));
    const auto [error, diff] = sync();
    QVERIFY(error.isForbidden());
    QVERIFY2(error.message.startsWith(QStringLiteral("This key can read nothing in this organisation: ")),
             qPrintable(error.message));
    QVERIFY2(error.userText().contains(QStringLiteral("can read nothing in this organisation")),
             qPrintable(error.userText()));
    QVERIFY(diff.removedKeyIds.isEmpty());
    QVERIFY(diff.isEmpty());
    QCOMPARE(m_engine->takeSnapshot().syncedAtUtc, QDateTime());

    const CacheSnapshot after = onDisk();
    QCOMPARE(after.keys, before.keys);
    QCOMPARE(after.workspaces, before.workspaces);
    QCOMPARE(idsOf(after.users), idsOf(before.users));
    QCOMPARE(after.members.keys(), before.members.keys());
    QCOMPARE(after.syncedAtUtc, before.syncedAtUtc);
    QCOMPARE(after.principal, before.principal);
}

void TestSyncGuards::nothingReadableOnAFreshCacheResolvesThePrincipal()
{
    // A cache that holds nothing from the server has nothing to lose: the run succeeds, empty, and the
    // refusals are stored as what they say about the credential (a workspace user key reads none of these).
    m_server->injectFault(forbidden(QStringLiteral("/v1/admin/workspaces")));
    m_server->injectFault(forbidden(QStringLiteral("/v1/admin/users")));
    m_server->injectFault(forbidden(QStringLiteral("/v1/api-keys")));
    const auto [error, diff] = sync();
    QVERIFY2(!error.isError(), qPrintable(error.userText()));
    QVERIFY(diff.keysForbidden && diff.workspacesForbidden && diff.usersForbidden);
    QCOMPARE(diff.keyCount, 0);
    const CacheSnapshot stored = onDisk();
    QVERIFY(stored.syncedAtUtc.isValid());
    QVERIFY(stored.keys.isEmpty());
    QVERIFY(!stored.principal.isEmpty());

    // Still nothing readable on the next run: still nothing to lose, still a success.
    QVERIFY(!sync().first.isError());
}

void TestSyncGuards::refusedKeyListKeepsCachedKeys()
{
    QVERIFY(!sync().first.isError());
    const CacheSnapshot before = onDisk();
    QVERIFY(!before.keys.isEmpty());

    // A key revoked on the server while this credential may not list keys stays in the cache (as of the
    // last readable sync); a workspace created meanwhile still arrives, since that list is readable.
    const QString revoked = before.keys.last().id;
    std::optional<ApiResult<bool>> deleted;
    m_client->deleteApiKey(revoked, [&deleted](const ApiResult<bool> &r) { deleted = r; });
    QTRY_VERIFY_WITH_TIMEOUT(deleted.has_value(), kTimeoutMs);
    QVERIFY2(deleted->ok(), qPrintable(deleted->error.userText()));
    WorkspaceDraft draft;
    draft.name = QStringLiteral("Created meanwhile");
    std::optional<ApiResult<Workspace>> created;
    m_client->createWorkspace(draft, [&created](const ApiResult<Workspace> &r) { created = r; });
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), kTimeoutMs);
    QVERIFY2(created->ok(), qPrintable(created->error.userText()));

    m_server->injectFault(forbidden(QStringLiteral("/v1/api-keys")));
    const auto [error, diff] = sync();
    QVERIFY2(!error.isError(), qPrintable(error.userText()));
    QVERIFY(diff.keysForbidden);
    QVERIFY(!diff.workspacesForbidden);
    QVERIFY(diff.removedKeyIds.isEmpty());
    QCOMPARE(diff.keyCount, int(before.keys.size()));
    QCOMPARE(diff.addedWorkspaceIds, QStringList{created->value.id});
    QVERIFY2(diff.summary().contains(QStringLiteral("kept from the last sync")), qPrintable(diff.summary()));
    const CacheSnapshot kept = onDisk();
    QCOMPARE(kept.keys, before.keys);
    QVERIFY(idsOf(kept.workspaces).contains(created->value.id));
    QVERIFY(kept.syncedAtUtc > before.syncedAtUtc);
    QCOMPARE(idsOf(m_engine->takeSnapshot().keys), idsOf(before.keys));

    // Readable again: the key list replaces its part, and the revoked key goes.
    m_server->clearFaults();
    const auto [againError, again] = sync();
    QVERIFY2(!againError.isError(), qPrintable(againError.userText()));
    QVERIFY(!again.keysForbidden);
    QCOMPARE(again.removedKeyIds, QStringList{revoked});
    QVERIFY(!idsOf(onDisk().keys).contains(revoked));
}

void TestSyncGuards::refusedWorkspaceListKeepsWorkspacesAndMembers()
{
    QVERIFY(!sync().first.isError());
    const CacheSnapshot before = onDisk();
    QVERIFY(!before.workspaces.isEmpty());
    QVERIFY(!before.members.isEmpty());

    m_server->injectFault(forbidden(QStringLiteral("/v1/admin/workspaces")));
    const auto [error, diff] = sync();
    QVERIFY2(!error.isError(), qPrintable(error.userText()));
    QVERIFY(diff.workspacesForbidden);
    QVERIFY(!diff.keysForbidden);
    QVERIFY(diff.removedWorkspaceIds.isEmpty());
    QCOMPARE(diff.workspaceCount, int(before.workspaces.size()));
    QCOMPARE(diff.memberCount, 0); // no member list was asked for
    const CacheSnapshot kept = onDisk();
    QCOMPARE(kept.workspaces, before.workspaces);
    QCOMPARE(kept.members.keys(), before.members.keys());
    for (auto it = before.members.cbegin(); it != before.members.cend(); ++it)
        QCOMPARE(kept.members.value(it.key()).size(), it->size());
    QCOMPARE(kept.keys, before.keys);
}

void TestSyncGuards::refusedUserAndMemberListsKeepTheirParts()
{
    QVERIFY(!sync().first.isError());
    const CacheSnapshot before = onDisk();
    QVERIFY(!before.users.isEmpty());
    QVERIFY(!before.members.isEmpty());
    const QString workspaceId = before.members.cbegin().key();
    const qsizetype memberCount = before.members.cbegin()->size();
    QVERIFY(memberCount > 0);

    m_server->injectFault(forbidden(QStringLiteral("/v1/admin/users")));
    m_server->injectFault(
        forbidden(QString(QStringLiteral("/v1/admin/workspaces/") + workspaceId + QStringLiteral("/users"))));
    const auto [error, diff] = sync();
    QVERIFY2(!error.isError(), qPrintable(error.userText()));
    QVERIFY(diff.usersForbidden);
    QCOMPARE(diff.userCount, 0); // read by this run
    QCOMPARE(diff.membersForbiddenWorkspaceIds, QStringList{workspaceId});
    QVERIFY(diff.isEmpty());
    const CacheSnapshot kept = onDisk();
    QCOMPARE(idsOf(kept.users), idsOf(before.users));
    QCOMPARE(kept.members.value(workspaceId).size(), memberCount);
    QCOMPARE(kept.members.keys(), before.members.keys());
}

QTEST_GUILESS_MAIN(TestSyncGuards)
#include "tst_syncguards.moc"
