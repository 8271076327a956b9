// SyncEngine and Session against the real sandbox over HTTP, real SQLCipher cache files and the real
// Secret Service (the test command runs a private D-Bus session with an unlocked gnome-keyring).

#include "portkey/adminapiclient.h"
#include "sandbox/sandboxserver.h"
#include "secrets/credentialstore.h"
#include "sessionfixture.h"
#include "storage/cachestore.h"
#include "sync/sandboxlauncher.h"
#include "sync/session.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace pk;

namespace {

constexpr int kTimeoutMs = 20000;

} // namespace

class TestSync : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void fullSyncAndDiff();
    void forbiddenListsAreInformation();
    void failedSyncLeavesCacheIntact();
    void unauthorizedMarksCredentialAndKeepsCache();
    void cancelledSyncLeavesCacheIntact();
    void opensOfflineFromCache();
    void createReturnsSecretOnceAndCachesMaskedKey();
    void revokeRemovesOnlyConfirmedKeys();
    void updateStoresWhatTheServerConfirms();
    void lostCreateReplyIsReported();
    void rotatingOwnKeyUpdatesKeychainFirst();
    void unreadableCacheIsRebuiltNotWiped();
    void sandboxLauncherUnknownPersona();
    void largeOrganisation();

private:
    /// A fresh profile for `persona` on `server` with the persona's key in the keychain (or `key` when set).
    Profile makeProfile(const sandbox::SandboxServer &server, const QString &persona,
                        const QByteArray &key = {});

    pktest::ProfileKeychain m_keychain{kTimeoutMs};
};

void TestSync::initTestCase()
{
    m_keychain.verifyUsable(QStringLiteral("tests/sync/probe"));
}

void TestSync::cleanupTestCase()
{
    m_keychain.removeAll();
}

Profile TestSync::makeProfile(const sandbox::SandboxServer &server, const QString &persona,
                              const QByteArray &key)
{
    Profile p;
    p.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    p.name = QStringLiteral("test ") + persona;
    p.baseUrl = server.baseUrl().toString();
    const std::optional<sandbox::Persona> who = server.persona(persona);
    if (who)
        p.email = who->email;
    const QByteArray secret = key.isEmpty() && who ? who->apiKey.toUtf8() : key;
    const KeychainResult r = m_keychain.storeApiKey(p.id, secret);
    if (!r.ok())
        qWarning("keychain write failed: %s", qPrintable(r.message));
    return p;
}

void TestSync::fullSyncAndDiff()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const Profile profile = makeProfile(server, QStringLiteral("owner"));
    Session session;
    QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
    QCOMPARE(session.state(), Session::State::Open);
    QVERIFY(!session.lastSyncedAtUtc().isValid());
    QVERIFY(session.snapshot().keys.isEmpty());

    QSignalSpy progress(&session, &Session::syncProgress);
    QSignalSpy principalChanged(&session, &Session::principalChanged);
    auto [error, diff] = pktest::syncAndWait(session, kTimeoutMs);
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(1).toInt(), progress.last().at(2).toInt()); // done == total at the end
    QVERIFY(session.snapshot().workspaces.size() >= 3);
    QVERIFY(session.snapshot().users.size() >= 8);
    QVERIFY(session.snapshot().keys.size() >= 40);
    QCOMPARE(diff.keyCount, int(session.snapshot().keys.size()));
    QCOMPARE(diff.addedKeyIds.size(), session.snapshot().keys.size());
    QCOMPARE(diff.addedWorkspaceIds.size(), session.snapshot().workspaces.size());
    QVERIFY(!diff.usersForbidden);
    QVERIFY(diff.memberCount > 0);
    QCOMPARE(session.snapshot().members.size(), session.snapshot().workspaces.size());
    QVERIFY(session.lastSyncedAtUtc().isValid());
    QCOMPARE(session.lastSyncedAtUtc().timeSpec(), Qt::UTC);
    // The owner's Admin key is found in the key list by its masked form.
    QVERIFY(!principalChanged.isEmpty());
    QCOMPARE(session.principal().keyType, KeyType::OrganisationService);
    QCOMPARE(session.principal().keyTypeKnowledge, access::Knowledge::Known);
    QCOMPARE(session.principal().orgRole, std::optional<QString>(QStringLiteral("owner")));

    // Nothing changed on the server: an empty diff.
    std::tie(error, diff) = pktest::syncAndWait(session, kTimeoutMs);
    QVERIFY(!error.isError());
    QVERIFY2(diff.isEmpty(), qPrintable(diff.summary()));
    QVERIFY(!diff.principalChanged);

    // A key created and one revoked by someone else show up in the next diff.
    AdminApiClient other;
    QVERIFY(!other.setBaseUrl(server.baseUrl()).isError());
    other.setApiKey(server.persona(QStringLiteral("owner"))->apiKey.toUtf8());
    ApiKeyDraft draft;
    draft.name = QStringLiteral("Nachtlauf – Köln");
    draft.workspaceId = session.snapshot().workspaces.first().id;
    draft.scopes = {QStringLiteral("completions.write")};
    std::optional<ApiResult<IssuedSecret>> created;
    other.createApiKey(draft, [&](const ApiResult<IssuedSecret> &r) { created = r; });
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), kTimeoutMs);
    QVERIFY(created->ok());
    const QString gone = session.snapshot().keys.last().id;
    std::optional<ApiResult<bool>> deleted;
    other.deleteApiKey(gone, [&](const ApiResult<bool> &r) { deleted = r; });
    QTRY_VERIFY_WITH_TIMEOUT(deleted.has_value(), kTimeoutMs);
    QVERIFY(deleted->ok());

    std::tie(error, diff) = pktest::syncAndWait(session, kTimeoutMs);
    QVERIFY(!error.isError());
    QCOMPARE(diff.addedKeyIds, QStringList{created->value.id});
    QCOMPARE(diff.removedKeyIds, QStringList{gone});
    QVERIFY(diff.changedKeyIds.isEmpty());
}

void TestSync::forbiddenListsAreInformation()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(pktest::openAndWait(session, makeProfile(server, QStringLiteral("member")), kTimeoutMs));
    auto [error, diff] = pktest::syncAndWait(session, kTimeoutMs);
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QVERIFY(diff.usersForbidden); // a workspace user key may not list organisation users
    QVERIFY(session.snapshot().users.isEmpty());
    QVERIFY(session.lastSyncedAtUtc().isValid());
    QVERIFY(session.principal().keyType != KeyType::OrganisationService);
}

void TestSync::failedSyncLeavesCacheIntact()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const Profile profile = makeProfile(server, QStringLiteral("owner"));
    Session session;
    QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
    QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());
    const CacheSnapshot before = session.snapshot();

    // The key list fails after workspaces, users and members were fetched.
    sandbox::Fault fault;
    fault.method = QStringLiteral("GET");
    fault.pathPattern = QStringLiteral("/v1/api-keys");
    fault.status = 400;
    fault.code = QStringLiteral("AB01");
    fault.times = 0;
    server.injectFault(fault);
    QSignalSpy snapshotChanged(&session, &Session::snapshotChanged);
    const auto [error, diff] = pktest::syncAndWait(session, kTimeoutMs);
    QCOMPARE(error.kind, ApiError::Kind::Http);
    QCOMPARE(error.httpStatus, 400);
    QVERIFY(diff.isEmpty());
    QVERIFY(snapshotChanged.isEmpty());
    QCOMPARE(session.lastSyncedAtUtc(), before.syncedAtUtc);

    // What is on disk is still the previous snapshot.
    session.close();
    server.clearFaults();
    Session reopened;
    QVERIFY(pktest::openAndWait(reopened, profile, kTimeoutMs));
    QCOMPARE(reopened.snapshot().keys, before.keys);
    QCOMPARE(reopened.snapshot().workspaces, before.workspaces);
    QCOMPARE(reopened.snapshot().syncedAtUtc, before.syncedAtUtc);
}

void TestSync::unauthorizedMarksCredentialAndKeepsCache()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const Profile profile = makeProfile(server, QStringLiteral("owner"));
    {
        Session session;
        QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
        QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());
    }
    // The key is replaced by one the server does not know (as if it had been revoked).
    QVERIFY(m_keychain.storeApiKey(profile.id, QByteArray("pk-revoked-0000")).ok());
    Session session;
    QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
    const qsizetype keys = session.snapshot().keys.size();
    QVERIFY(keys >= 40);
    QSignalSpy rejected(&session, &Session::credentialRejected);
    const auto [error, diff] = pktest::syncAndWait(session, kTimeoutMs);
    QVERIFY(error.isUnauthorized());
    QCOMPARE(error.code, QStringLiteral("AB05"));
    QVERIFY(!rejected.isEmpty());
    QCOMPARE(session.snapshot().keys.size(), keys);
    QCOMPARE(session.state(), Session::State::Open);
}

void TestSync::cancelledSyncLeavesCacheIntact()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(pktest::openAndWait(session, makeProfile(server, QStringLiteral("owner")), kTimeoutMs));
    QSignalSpy finished(&session, &Session::syncFinished);
    QVERIFY(session.sync());
    QVERIFY(!session.sync()); // one at a time
    session.cancelSync();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).value<ApiError>().kind, ApiError::Kind::Cancelled);
    QVERIFY(!session.isSyncing());
    QVERIFY(session.snapshot().keys.isEmpty());
    QVERIFY(!session.lastSyncedAtUtc().isValid());
    QTest::qWait(200); // late replies of the cancelled calls change nothing
    QCOMPARE(finished.size(), 1);
}

void TestSync::opensOfflineFromCache()
{
    Profile profile;
    CacheSnapshot before;
    {
        sandbox::SandboxServer server;
        QVERIFY(server.listen());
        profile = makeProfile(server, QStringLiteral("owner"));
        Session session;
        QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
        QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());
        before = session.snapshot();
    }
    // The server is gone. Port 1 on the loopback interface refuses every connection (the old port could be
    // taken by another process meanwhile).
    profile.baseUrl = QStringLiteral("http://127.0.0.1:1/v1");

    Session session;
    QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
    QCOMPARE(session.snapshot().keys, before.keys);
    QCOMPARE(session.snapshot().users, before.users);
    QCOMPARE(session.lastSyncedAtUtc(), before.syncedAtUtc);
    QCOMPARE(session.principal().keyType, KeyType::OrganisationService);

    AdminApiClient::Options fast = session.client()->options();
    fast.maxGetAttempts = 1;
    session.client()->setOptions(fast);
    const auto [error, diff] = pktest::syncAndWait(session, kTimeoutMs);
    QCOMPARE(error.kind, ApiError::Kind::Network);
    QCOMPARE(session.snapshot().keys, before.keys);
    QCOMPARE(session.lastSyncedAtUtc(), before.syncedAtUtc);
}

void TestSync::createReturnsSecretOnceAndCachesMaskedKey()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const Profile profile = makeProfile(server, QStringLiteral("owner"));
    Session session;
    QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
    QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());

    ApiKeyDraft draft;
    draft.name = QStringLiteral("Übersetzer – prod");
    draft.workspaceId = session.snapshot().workspaces.first().id;
    draft.scopes = {QStringLiteral("completions.write"), QStringLiteral("logs.view")};
    std::optional<CreateKeyResult> result;
    session.createKey(draft, [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::Created);
    QVERIFY(!result->secret.secret.isEmpty());
    QCOMPARE(result->secret.id, result->keyId);
    QVERIFY(!result->message.contains(QString::fromUtf8(result->secret.secret)));

    const auto it = std::find_if(session.snapshot().keys.cbegin(), session.snapshot().keys.cend(),
                                 [&](const ApiKey &k) { return k.id == result->keyId; });
    QVERIFY(it != session.snapshot().keys.cend());
    QCOMPARE(it->name, draft.name);
    QVERIFY(it->maskedKey.contains(QLatin1Char('*')));
    QVERIFY(it->maskedKey.toUtf8() != result->secret.secret);

    // The cache holds the key, masked; the secret is nowhere in the cache's content or in its file.
    const QString secret = QString::fromUtf8(result->secret.secret);
    session.close();
    Session reopened;
    QVERIFY(pktest::openAndWait(reopened, profile, kTimeoutMs));
    bool found = false;
    for (const ApiKey &k : reopened.snapshot().keys) {
        found = found || k.id == result->keyId;
        QVERIFY(!QJsonDocument(k.toJson()).toJson().contains(result->secret.secret));
    }
    QVERIFY(found);
    QFile file(CacheStore::defaultPath(profile.id));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(!bytes.contains(result->secret.secret));
    QVERIFY(!bytes.startsWith(QByteArray("SQLite format 3")));
}

void TestSync::revokeRemovesOnlyConfirmedKeys()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(pktest::openAndWait(session, makeProfile(server, QStringLiteral("owner")), kTimeoutMs));
    QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());

    const QString victim =
        std::find_if(session.snapshot().keys.cbegin(), session.snapshot().keys.cend(), [](const ApiKey &k) {
            return k.keyType() == KeyType::WorkspaceService;
        })->id;
    const QString unknown = QUuid::createUuid().toString(QUuid::WithoutBraces);
    std::optional<RevokeKeysResult> result;
    session.revokeKeys({victim, unknown}, [&](const RevokeKeysResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->revokedIds, QStringList{victim});
    QCOMPARE(result->failedIds, QStringList{unknown});
    QVERIFY(result->errors.value(unknown).isError()); // the server's refusal for the unknown id
    QVERIFY(result->error.isError());
    for (const ApiKey &k : session.snapshot().keys)
        QVERIFY(k.id != victim);

    // The server agrees.
    const auto [error, diff] = pktest::syncAndWait(session, kTimeoutMs);
    QVERIFY(!error.isError());
    QVERIFY(diff.isEmpty());
}

void TestSync::updateStoresWhatTheServerConfirms()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const Profile profile = makeProfile(server, QStringLiteral("owner"));
    Session session;
    QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
    QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());
    const ApiKey before =
        *std::find_if(session.snapshot().keys.cbegin(), session.snapshot().keys.cend(),
                      [](const ApiKey &k) { return k.keyType() == KeyType::WorkspaceService; });

    std::optional<KeyWriteResult> result;
    session.updateKey(before.id, QJsonObject{{QStringLiteral("name"), QStringLiteral("Renamed – ok")}},
                      [&](const KeyWriteResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY2(!result->error.isError(), qPrintable(result->message));
    QVERIFY(result->secret.secret.isEmpty());
    const auto it = std::find_if(session.snapshot().keys.cbegin(), session.snapshot().keys.cend(),
                                 [&](const ApiKey &k) { return k.id == before.id; });
    QCOMPARE(it->name, QStringLiteral("Renamed – ok"));

    // A refused update (invalid body) changes nothing, in memory or in the cache.
    result.reset();
    session.updateKey(before.id, QJsonObject{{QStringLiteral("scopes"), QStringLiteral("not a list")}},
                      [&](const KeyWriteResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY(result->error.isError());
    QVERIFY(!result->message.isEmpty());
    session.close();
    Session reopened;
    QVERIFY(pktest::openAndWait(reopened, profile, kTimeoutMs));
    const auto stored = std::find_if(reopened.snapshot().keys.cbegin(), reopened.snapshot().keys.cend(),
                                     [&](const ApiKey &k) { return k.id == before.id; });
    QCOMPARE(stored->name, QStringLiteral("Renamed – ok"));
    QCOMPARE(stored->scopes, before.scopes);
}

void TestSync::lostCreateReplyIsReported()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(pktest::openAndWait(session, makeProfile(server, QStringLiteral("owner")), kTimeoutMs));
    QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());

    sandbox::Fault fault;
    fault.method = QStringLiteral("POST");
    fault.pathPattern = QStringLiteral("^/v1/api-keys/workspace/service$");
    fault.resetAfterApply = true;
    server.injectFault(fault);
    server.clearRecordedRequests();

    ApiKeyDraft draft;
    draft.name = QStringLiteral("lost reply");
    draft.workspaceId = session.snapshot().workspaces.first().id;
    draft.scopes = {QStringLiteral("completions.write")};
    std::optional<CreateKeyResult> result;
    session.createKey(draft, [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    // The connection is cut after the key was created: the client reports the reply as lost (or, when
    // the status line got through, as unparseable).
    QVERIFY2(result->error.kind == ApiError::Kind::OutcomeUnknown ||
                 result->error.kind == ApiError::Kind::Parse,
             qPrintable(result->error.message));
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::CreatedWithoutSecret);
    QVERIFY(result->secret.secret.isEmpty());
    QVERIFY(result->message.contains(QStringLiteral("rotate"), Qt::CaseInsensitive));
    QVERIFY(std::any_of(session.snapshot().keys.cbegin(), session.snapshot().keys.cend(),
                        [&](const ApiKey &k) { return k.id == result->keyId; }));
    int posts = 0;
    for (const sandbox::RecordedRequest &r : server.recordedRequests())
        posts += r.method == QLatin1String("POST") ? 1 : 0;
    QCOMPARE(posts, 1); // never re-sent

    // A lost reply where nothing was created (the request never reached the server) reports that.
    server.clearFaults();
    sandbox::Fault refused;
    refused.method = QStringLiteral("POST");
    refused.pathPattern = QStringLiteral("^/v1/api-keys/workspace/service$");
    refused.status = 500;
    refused.code = QStringLiteral("AB04");
    server.injectFault(refused);
    draft.name = QStringLiteral("refused");
    result.reset();
    session.createKey(draft, [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::NotCreated);
}

void TestSync::rotatingOwnKeyUpdatesKeychainFirst()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const Profile profile = makeProfile(server, QStringLiteral("admin"));
    Session session;
    QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
    QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());
    const QString own = session.principal().keyId;
    QVERIFY2(!own.isEmpty(), "the connection key was not identified");

    std::optional<KeyWriteResult> result;
    session.rotateKey(own, std::nullopt, [&](const KeyWriteResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY2(!result->error.isError(), qPrintable(result->message));
    QVERIFY(!result->secret.secret.isEmpty());

    // When the caller hears of it, the keychain already holds the new secret.
    const KeychainResult stored = m_keychain.waitFor([&](CredentialStore::Callback cb) {
        m_keychain.credentials().read(CredentialStore::apiKeyEntry(profile.id), std::move(cb));
    });
    QVERIFY(stored.ok());
    QVERIFY(stored.secret.view() == result->secret.secret);

    // After the transition period the old secret is refused; the session already uses the new one.
    server.setNow(QDateTime::currentDateTimeUtc().addSecs(3 * 3600));
    const auto [error, diff] = pktest::syncAndWait(session, kTimeoutMs);
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QCOMPARE(session.principal().keyId, own);
}

void TestSync::unreadableCacheIsRebuiltNotWiped()
{
    sandbox::SandboxServer server;
    QVERIFY(server.listen());
    const Profile profile = makeProfile(server, QStringLiteral("owner"));
    {
        Session session;
        QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
        QVERIFY(!pktest::syncAndWait(session, kTimeoutMs).first.isError());
    }
    const QString path = CacheStore::defaultPath(profile.id);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(0);
        file.write(QByteArray(4096, '\x5a'));
    }
    const QByteArray damaged = [&] {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();

    Session session;
    QSignalSpy failed(&session, &Session::openFailed);
    session.open(profile);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), kTimeoutMs);
    QCOMPARE(session.state(), Session::State::CacheProblem);
    QVERIFY(failed.first().at(2).toBool());
    QVERIFY(!failed.first().at(0).toString().isEmpty());

    QSignalSpy opened(&session, &Session::opened);
    QSignalSpy finished(&session, &Session::syncFinished);
    session.rebuildCache();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
    QCOMPARE(opened.size(), 1);
    QVERIFY(!finished.first().at(0).value<ApiError>().isError());
    QVERIFY(session.snapshot().keys.size() >= 40);

    // The damaged file was moved aside, byte for byte.
    const QDir dir = QFileInfo(path).dir();
    const QStringList aside =
        dir.entryList({QFileInfo(path).fileName() + QStringLiteral(".unreadable-*")}, QDir::Files);
    QCOMPARE(aside.size(), 1);
    QFile kept(dir.filePath(aside.first()));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), damaged);
}

void TestSync::sandboxLauncherUnknownPersona()
{
    SandboxLauncher launcher;
    std::optional<QString> error;
    launcher.start(QStringLiteral("nobody"), [&](const QString &e, const Profile &) { error = e; });
    QTRY_VERIFY_WITH_TIMEOUT(error.has_value(), kTimeoutMs);
    QVERIFY(error->contains(QStringLiteral("nobody")));
    QVERIFY(error->contains(QStringLiteral("owner")));
    QVERIFY(error->contains(QStringLiteral("manager")));

    error.reset();
    Profile profile;
    launcher.start(QStringLiteral("manager"), [&](const QString &e, const Profile &p) {
        error = e;
        profile = p;
    });
    QTRY_VERIFY_WITH_TIMEOUT(error.has_value(), kTimeoutMs);
    QVERIFY2(error->isEmpty(), qPrintable(*error));
    m_keychain.remember(profile.id);
    QVERIFY2(profile.id.startsWith(QStringLiteral("sandbox-manager-")), qPrintable(profile.id));
    QCOMPARE(profile.persona, QStringLiteral("manager"));
    QVERIFY(profile.isSandbox());
    Session session;
    QVERIFY(pktest::openAndWait(session, profile, kTimeoutMs));
    const auto [syncError, diff] = pktest::syncAndWait(session, kTimeoutMs);
    QVERIFY2(!syncError.isError(), qPrintable(syncError.message));
    QCOMPARE(session.principal().keyType, KeyType::WorkspaceService);
}

void TestSync::largeOrganisation()
{
    // Paging across many pages of keys and many member lists; the time is printed for the record.
    sandbox::SeedOptions seed;
    seed.seed = 7;
    seed.workspaces = 40;
    seed.users = 60;
    seed.keys = 5000;
    sandbox::SandboxServer server(seed);
    QVERIFY(server.listen());
    Session session;
    QVERIFY(pktest::openAndWait(session, makeProfile(server, QStringLiteral("owner")), kTimeoutMs));
    QElapsedTimer timer;
    timer.start();
    QSignalSpy finished(&session, &Session::syncFinished);
    QVERIFY(session.sync());
    QVERIFY(finished.wait(120000));
    const qint64 syncMs = timer.elapsed();
    QVERIFY(!finished.first().at(0).value<ApiError>().isError());
    QCOMPARE(session.snapshot().keys.size(), 5000);
    QCOMPARE(session.snapshot().workspaces.size(), 40);
    QCOMPARE(session.snapshot().members.size(), 40);

    timer.restart();
    Session reopened;
    QVERIFY(pktest::openAndWait(reopened, session.profile(), kTimeoutMs));
    const qint64 openMs = timer.elapsed();
    QCOMPARE(reopened.snapshot().keys.size(), 5000);
    QCOMPARE(reopened.snapshot().keys, session.snapshot().keys);
    qInfo("5,000 keys / 40 workspaces: full sync %lld ms, open from cache %lld ms", syncMs, openMs);
}

QTEST_GUILESS_MAIN(TestSync)
#include "tst_sync.moc"
