// What real networks and servers do, injected by the sandbox (sandbox::Fault), met at the Session level that
// the GUI and the CLI use: every fault kind must give the right user-visible error, no crash, no duplicate
// key on the server, and nothing lost from the SQLCipher cache. Real sandbox over HTTP on 127.0.0.1, real
// cache files, real Secret Service (the test command runs a private D-Bus session with an unlocked
// gnome-keyring).

#include "portkey/adminapiclient.h"
#include "sandbox/organisation.h"
#include "sandbox/sandboxserver.h"
#include "secrets/credentialstore.h"
#include "sessionfixture.h"
#include "storage/cachestore.h"
#include "sync/session.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace pk;

namespace {

constexpr int kTimeoutMs = 15000;
/// The client's transfer timeout in these tests (ms): short, so that delayed replies time out quickly.
constexpr int kClientTimeoutMs = 400;
/// How long the sandbox holds a delayed reply (ms): well past kClientTimeoutMs.
constexpr int kDelayMs = 1500;

/// Empty when `a` and `b` hold the same organisation state; otherwise names the first part that differs.
QString snapshotDifference(const CacheSnapshot &a, const CacheSnapshot &b)
{
    if (a.keys != b.keys)
        return QStringLiteral("keys differ (%1 vs %2)").arg(a.keys.size()).arg(b.keys.size());
    if (a.workspaces != b.workspaces)
        return QStringLiteral("workspaces differ");
    if (a.users != b.users)
        return QStringLiteral("users differ (%1 vs %2)").arg(a.users.size()).arg(b.users.size());
    if (a.members != b.members)
        return QStringLiteral("members differ");
    if (a.syncedAtUtc != b.syncedAtUtc)
        return QStringLiteral("sync times differ");
    if (a.principal != b.principal)
        return QStringLiteral("principals differ");
    return {};
}

/// The keys the sandbox holds with this name, read from the organisation itself (not over HTTP, so no
/// injected fault can hide one).
int serverKeysNamed(sandbox::SandboxServer &server, const QString &name)
{
    sandbox::Organisation &org = server.organisation();
    const std::optional<sandbox::Caller> owner =
        org.authenticate(server.persona(QStringLiteral("owner"))->apiKey);
    if (!owner)
        return -1;
    int count = 0;
    for (int page = 0;; ++page) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("page_size"), QStringLiteral("100"));
        query.addQueryItem(QStringLiteral("current_page"), QString::number(page));
        const sandbox::Reply reply = org.listKeys(*owner, query);
        const QJsonArray data = reply.body.value(QLatin1String("data")).toArray();
        for (const QJsonValue &k : data)
            count += k.toObject().value(QLatin1String("name")).toString() == name ? 1 : 0;
        if (data.size() < 100)
            return count;
    }
}

int recordedCount(const sandbox::SandboxServer &server, const QString &method, const QString &path)
{
    int n = 0;
    for (const sandbox::RecordedRequest &r : server.recordedRequests())
        n += r.method == method && r.path == path ? 1 : 0;
    return n;
}

const ApiKey *findKey(const QList<ApiKey> &keys, const QString &id)
{
    const auto it = std::find_if(keys.cbegin(), keys.cend(), [&](const ApiKey &k) { return k.id == id; });
    return it == keys.cend() ? nullptr : &*it;
}

QList<ApiKey> serviceKeys(const CacheSnapshot &snapshot)
{
    QList<ApiKey> out;
    for (const ApiKey &k : snapshot.keys) {
        if (k.keyType() == KeyType::WorkspaceService)
            out.append(k);
    }
    return out;
}

sandbox::Fault fault(const QString &method, const QString &path)
{
    sandbox::Fault f;
    f.method = method;
    f.pathPattern = path;
    return f;
}

const QString kKeysPath = QStringLiteral("/v1/api-keys");

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    // sync
    void syncRetriesServerErrorOnce_data();
    void syncRetriesServerErrorOnce();
    void syncGivesUpAfterRepeatedServerErrors();
    void syncWaitsForRetryAfter_data();
    void syncWaitsForRetryAfter();
    void syncReportsHugeRetryAfterWithoutWaiting();
    void syncUnreadableListKeepsCache_data();
    void syncUnreadableListKeepsCache();
    void syncKeepsUnknownFields();
    void syncTimeoutKeepsCache();
    void syncUnauthorizedDeletesNothing();
    void syncForbiddenUsersIsInformation();
    void syncConnectionRefusedKeepsOfflineSnapshot();

    // createKey
    void createRefusalIsNotRetried_data();
    void createRefusalIsNotRetried();
    void createLostReplyFindsTheKey_data();
    void createLostReplyFindsTheKey();
    void createTimeoutRelists();
    void createLostReplyAndFailedRelistIsUnknown();
    void createWithServerStoppedIsNotCreated();
    void createInvalidNamesTheField();

    // revokeKeys
    void revokePartialFailureNamesTheKey();
    void revokeForbiddenKeepsKey();
    void revokeLostReplyIsConfirmedByRelist_data();
    void revokeLostReplyIsConfirmedByRelist();

    // rotateKey
    void rotateDuringTransitionConflicts();
    void rotateLostReplyKeepsKeyId_data();
    void rotateLostReplyKeepsKeyId();
    void rotateOwnKeyLostReplyKeepsOldSecret();

    // updateKey
    void updateUnreadableReplyRereadsServerState_data();
    void updateUnreadableReplyRereadsServerState();

    // closing
    void closingDropsPendingWrite();

private:
    /// One sandbox, an owner profile whose key is in the keychain, an open session with short client
    /// timeouts, and one successful sync done.
    struct Fixture
    {
        std::unique_ptr<sandbox::SandboxServer> server;
        Profile profile;
        std::unique_ptr<Session> session;
    };
    /// Builds a Fixture. Returns false (after a warning saying why) when any step fails: call it through
    /// QVERIFY(setUp(f)).
    bool setUp(Fixture &f);
    /// Closes the session and opens the cache file again in a new session: its snapshot must equal
    /// `expected`. Returns the difference (empty when equal).
    QString reopenedDifference(Fixture &f, const CacheSnapshot &expected);

    pktest::ProfileKeychain m_keychain{kTimeoutMs};
};

void TestFaults::initTestCase()
{
    m_keychain.verifyUsable(QStringLiteral("tests/faults/probe"));
}

void TestFaults::cleanupTestCase()
{
    m_keychain.removeAll();
}

bool TestFaults::setUp(Fixture &f)
{
    f.server = std::make_unique<sandbox::SandboxServer>();
    if (!f.server->listen()) {
        qWarning("sandbox did not listen: %s", qPrintable(f.server->errorString()));
        return false;
    }
    const sandbox::Persona owner = *f.server->persona(QStringLiteral("owner"));
    f.profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    f.profile.name = QStringLiteral("faults owner");
    f.profile.baseUrl = f.server->baseUrl().toString();
    f.profile.email = owner.email;
    const KeychainResult stored = m_keychain.storeApiKey(f.profile.id, owner.apiKey.toUtf8());
    if (!stored.ok()) {
        qWarning("keychain write failed: %s", qPrintable(stored.message));
        return false;
    }
    f.session = std::make_unique<Session>();
    if (!pktest::openAndWait(*f.session, f.profile, kTimeoutMs))
        return false;
    AdminApiClient::Options fast = f.session->client()->options();
    fast.timeoutMs = kClientTimeoutMs;
    fast.maxGetAttempts = 3;
    fast.baseBackoffMs = 20;
    fast.maxRetryAfterS = 10;
    f.session->client()->setOptions(fast);
    const ApiError first = pktest::syncAndWait(*f.session, kTimeoutMs).first;
    if (first.isError()) {
        qWarning("first sync failed: %s", qPrintable(first.userText()));
        return false;
    }
    f.server->clearRecordedRequests();
    return f.session->snapshot().keys.size() >= 40;
}

QString TestFaults::reopenedDifference(Fixture &f, const CacheSnapshot &expected)
{
    f.session->close();
    Session reopened;
    if (!pktest::openAndWait(reopened, f.profile, kTimeoutMs))
        return QStringLiteral("the cache did not open again");
    return snapshotDifference(reopened.snapshot(), expected);
}

// ------------------------------------------------------------------------------------------------ sync

void TestFaults::syncRetriesServerErrorOnce_data()
{
    QTest::addColumn<QString>("pathPattern");
    QTest::addColumn<int>("status");
    QTest::newRow("keys 500") << QStringLiteral("^/v1/api-keys$") << 500;
    QTest::newRow("workspaces 503") << QStringLiteral("^/v1/admin/workspaces$") << 503;
    QTest::newRow("users 502") << QStringLiteral("^/v1/admin/users$") << 502;
    QTest::newRow("members 500") << QStringLiteral("^/v1/admin/workspaces/[^/]+/users$") << 500;
}

void TestFaults::syncRetriesServerErrorOnce()
{
    QFETCH(QString, pathPattern);
    QFETCH(int, status);
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    sandbox::Fault error = fault(QStringLiteral("GET"), pathPattern);
    error.status = status;
    f.server->injectFault(error);

    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    QVERIFY2(!syncError.isError(), qPrintable(syncError.userText()));
    QVERIFY(diff.isEmpty());
    QCOMPARE(f.session->snapshot().keys, before.keys);
    QCOMPARE(f.session->snapshot().users, before.users);
    QCOMPARE(f.session->snapshot().members, before.members);
    // Each matching list was read once, and the refused one once more: one error, then answers.
    const QRegularExpression matching(pathPattern);
    QList<int> statuses;
    QSet<QString> paths;
    for (const sandbox::RecordedRequest &r : f.server->recordedRequests()) {
        if (r.method == QLatin1String("GET") && matching.match(r.path).hasMatch()) {
            statuses.append(r.status);
            paths.insert(r.path);
        }
    }
    QCOMPARE(statuses.count(status), 1);
    QCOMPARE(statuses.size(), paths.size() + 1);
    QCOMPARE(statuses.last(), 200);
}

void TestFaults::syncGivesUpAfterRepeatedServerErrors()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    sandbox::Fault error = fault(QStringLiteral("GET"), kKeysPath);
    error.status = 503;
    error.times = 0;
    f.server->injectFault(error);

    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    QCOMPARE(syncError.kind, ApiError::Kind::Http);
    QCOMPARE(syncError.httpStatus, 503);
    const QString text = syncError.userText();
    QVERIFY2(text.contains(QStringLiteral("internal problem (HTTP 503)")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Try again later")), qPrintable(text));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("GET"), kKeysPath), 3); // maxGetAttempts
    QVERIFY(diff.isEmpty());
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
    QCOMPARE(reopenedDifference(f, before), QString());
}

void TestFaults::syncWaitsForRetryAfter_data()
{
    QTest::addColumn<bool>("httpDate");
    QTest::addColumn<int>("minimumWaitMs");
    QTest::newRow("seconds") << false << 1000;
    // An HTTP date three seconds ahead, to the second: the client waits at least two.
    QTest::newRow("http-date") << true << 1900;
}

void TestFaults::syncWaitsForRetryAfter()
{
    QFETCH(bool, httpDate);
    QFETCH(int, minimumWaitMs);
    Fixture f;
    QVERIFY(setUp(f));
    const QDateTime notBefore = QDateTime::currentDateTimeUtc().addSecs(3);
    const QString retryAfter =
        httpDate ? QLocale::c().toString(notBefore, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
                 : QStringLiteral("1");
    sandbox::Fault limited = fault(QStringLiteral("GET"), kKeysPath);
    limited.status = 429;
    limited.retryAfter = retryAfter;
    f.server->injectFault(limited);

    QElapsedTimer timer;
    timer.start();
    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    const qint64 waitedMs = timer.elapsed();
    QVERIFY2(!syncError.isError(), qPrintable(syncError.userText()));
    QVERIFY(diff.isEmpty());
    QVERIFY2(waitedMs >= minimumWaitMs, qPrintable(QString::number(waitedMs)));
    QVERIFY2(waitedMs < minimumWaitMs + 3000, qPrintable(QString::number(waitedMs)));
    if (httpDate) // not retried before the date (which has whole seconds)
        QVERIFY(QDateTime::currentDateTimeUtc() >= notBefore.addMSecs(-notBefore.time().msec()));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("GET"), kKeysPath), 2);
    qInfo("Retry-After %s: sync took %lld ms", qPrintable(retryAfter), waitedMs);
}

void TestFaults::syncReportsHugeRetryAfterWithoutWaiting()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    sandbox::Fault limited = fault(QStringLiteral("GET"), kKeysPath);
    limited.status = 429;
    limited.code = QStringLiteral("AB06");
    limited.retryAfter = QStringLiteral("3600");
    limited.times = 0;
    f.server->injectFault(limited);

    QElapsedTimer timer;
    timer.start();
    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    const qint64 elapsedMs = timer.elapsed();
    QCOMPARE(syncError.kind, ApiError::Kind::Http);
    QCOMPARE(syncError.httpStatus, 429);
    QCOMPARE(syncError.retryAfterS, 3600);
    QVERIFY2(elapsedMs < 3000, qPrintable(QString::number(elapsedMs))); // reported, not slept through
    QCOMPARE(recordedCount(*f.server, QStringLiteral("GET"), kKeysPath), 1);
    const QString text = syncError.userText();
    QVERIFY2(text.contains(QStringLiteral("60 minutes")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("rate"), Qt::CaseInsensitive), qPrintable(text));
    QVERIFY(diff.isEmpty());
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
    QCOMPARE(reopenedDifference(f, before), QString());
}

void TestFaults::syncUnreadableListKeepsCache_data()
{
    QTest::addColumn<bool>("malformed");
    QTest::newRow("malformed") << true;
    QTest::newRow("truncated") << false;
}

void TestFaults::syncUnreadableListKeepsCache()
{
    QFETCH(bool, malformed);
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    sandbox::Fault broken = fault(QStringLiteral("GET"), kKeysPath);
    broken.malformedJson = malformed;
    broken.truncatedJson = !malformed;
    broken.times = 0;
    f.server->injectFault(broken);
    QSignalSpy snapshotChanged(f.session.get(), &Session::snapshotChanged);

    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    QCOMPARE(syncError.kind, ApiError::Kind::Parse);
    const QString text = syncError.userText();
    QVERIFY2(text.contains(QStringLiteral("cannot read")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Nothing was changed locally")), qPrintable(text));
    QVERIFY(diff.isEmpty());
    QVERIFY(snapshotChanged.isEmpty());
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
    QCOMPARE(reopenedDifference(f, before), QString());
}

void TestFaults::syncKeepsUnknownFields()
{
    Fixture f;
    QVERIFY(setUp(f));
    for (const QString &path :
         {kKeysPath, QStringLiteral("/v1/admin/workspaces"), QStringLiteral("/v1/admin/users")}) {
        sandbox::Fault extended = fault(QStringLiteral("GET"), path);
        extended.extraUnknownField = true;
        f.server->injectFault(extended);
    }
    const auto kept = [](const QJsonObject &extra) {
        return extra.value(QLatin1String("x_sandbox_unknown"))
                   .toObject()
                   .value(QLatin1String("level"))
                   .toInt() == 3;
    };

    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    QVERIFY2(!syncError.isError(), qPrintable(syncError.userText()));
    // Every key and workspace changed by gaining the field, and every one keeps it; so does every user.
    QCOMPARE(diff.changedKeyIds.size(), f.session->snapshot().keys.size());
    QCOMPARE(diff.changedWorkspaceIds.size(), f.session->snapshot().workspaces.size());
    for (const ApiKey &k : f.session->snapshot().keys)
        QVERIFY2(kept(k.extra), qPrintable(k.id));
    for (const Workspace &w : f.session->snapshot().workspaces)
        QVERIFY2(kept(w.extra), qPrintable(w.id));
    QVERIFY(!f.session->snapshot().users.isEmpty());
    for (const User &u : f.session->snapshot().users)
        QVERIFY2(kept(u.extra), qPrintable(u.id));
    // The cache round trip keeps it too.
    const CacheSnapshot after = f.session->snapshot();
    QCOMPARE(reopenedDifference(f, after), QString());
}

void TestFaults::syncTimeoutKeepsCache()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    sandbox::Fault slow = fault(QStringLiteral("GET"), kKeysPath);
    slow.delayMs = kDelayMs;
    slow.times = 0;
    f.server->injectFault(slow);

    QElapsedTimer timer;
    timer.start();
    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    const qint64 elapsedMs = timer.elapsed();
    QCOMPARE(syncError.kind, ApiError::Kind::Timeout);
    const QString text = syncError.userText();
    QVERIFY2(text.contains(QStringLiteral("did not answer in time")), qPrintable(text));
    // Three attempts of kClientTimeoutMs each, with short backoff in between; never the server's delay.
    QCOMPARE(recordedCount(*f.server, QStringLiteral("GET"), kKeysPath), 3);
    QVERIFY2(elapsedMs < 3 * kDelayMs, qPrintable(QString::number(elapsedMs)));
    QVERIFY(diff.isEmpty());
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
    QCOMPARE(reopenedDifference(f, before), QString());
}

void TestFaults::syncUnauthorizedDeletesNothing()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    sandbox::Fault rejected = fault(QStringLiteral("GET"), QStringLiteral("/v1/admin/workspaces"));
    rejected.status = 401;
    rejected.code = QStringLiteral("AB05");
    rejected.times = 0;
    f.server->injectFault(rejected);
    QSignalSpy credentialRejected(f.session.get(), &Session::credentialRejected);

    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    QVERIFY(syncError.isUnauthorized());
    QCOMPARE(syncError.code, QStringLiteral("AB05"));
    QVERIFY(!credentialRejected.isEmpty());
    const QString text = syncError.userText();
    QVERIFY2(text.contains(QStringLiteral("invalid, expired or revoked")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Store a valid key")), qPrintable(text));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("GET"), QStringLiteral("/v1/admin/workspaces")),
             1); // a 401 is not retried
    QCOMPARE(f.session->state(), Session::State::Open);
    QVERIFY(diff.isEmpty());
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
    QCOMPARE(reopenedDifference(f, before), QString());
}

void TestFaults::syncForbiddenUsersIsInformation()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    QVERIFY(!before.users.isEmpty());
    sandbox::Fault forbidden = fault(QStringLiteral("GET"), QStringLiteral("/v1/admin/users"));
    forbidden.status = 403;
    forbidden.code = QStringLiteral("AB03");
    f.server->injectFault(forbidden);

    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    QVERIFY2(!syncError.isError(), qPrintable(syncError.userText()));
    QVERIFY(diff.usersForbidden);
    QCOMPARE(diff.userCount, 0);
    QVERIFY(diff.isEmpty()); // keys and workspaces unchanged
    QCOMPARE(f.session->snapshot().keys, before.keys);
    QCOMPARE(f.session->snapshot().workspaces, before.workspaces);
    QVERIFY(f.session->lastSyncedAtUtc() >= before.syncedAtUtc);
}

void TestFaults::syncConnectionRefusedKeepsOfflineSnapshot()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    f.server.reset(); // the server stops: its port refuses connections

    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    QCOMPARE(syncError.kind, ApiError::Kind::Network);
    const QString text = syncError.userText();
    QVERIFY2(text.contains(QStringLiteral("Could not reach the Portkey server")), qPrintable(text));
    QVERIFY(diff.isEmpty());
    QCOMPARE(f.session->state(), Session::State::Open);
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
    QCOMPARE(reopenedDifference(f, before), QString());
}

// ------------------------------------------------------------------------------------------- createKey

namespace {

ApiKeyDraft draftNamed(const Session &session, const QString &name)
{
    ApiKeyDraft draft;
    draft.name = name;
    draft.workspaceId = session.snapshot().workspaces.first().id;
    draft.scopes = {QStringLiteral("completions.write")};
    return draft;
}

const QString kCreatePath = QStringLiteral("/v1/api-keys/workspace/service");

} // namespace

void TestFaults::createRefusalIsNotRetried_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("retryAfter");
    QTest::addColumn<QString>("expected");
    QTest::newRow("500") << 500 << QStringLiteral("AB04") << QString()
                         << QStringLiteral("internal problem (HTTP 500). Try again later.");
    QTest::newRow("503 Retry-After") << 503 << QString() << QStringLiteral("2")
                                     << QStringLiteral(
                                            "internal problem (HTTP 503). Try again in 2 seconds.");
    QTest::newRow("429 Retry-After") << 429 << QStringLiteral("AB06") << QStringLiteral("5")
                                     << QStringLiteral("limiting the request rate. Try again in 5 seconds.");
    QTest::newRow("403") << 403 << QStringLiteral("AB03") << QString()
                         << QStringLiteral("not allowed to do that");
}

void TestFaults::createRefusalIsNotRetried()
{
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, retryAfter);
    QFETCH(QString, expected);
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    sandbox::Fault error = fault(QStringLiteral("POST"), kCreatePath);
    error.status = status;
    error.code = code;
    error.retryAfter = retryAfter;
    f.server->injectFault(error);

    const QString name = QStringLiteral("fault refused – create");
    std::optional<CreateKeyResult> result;
    f.session->createKey(draftNamed(*f.session, name), [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::NotCreated);
    QCOMPARE(result->error.kind, ApiError::Kind::Http);
    QCOMPARE(result->error.httpStatus, status);
    QVERIFY(result->secret.secret.isEmpty());
    QVERIFY2(result->message.contains(expected), qPrintable(result->message));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("POST"), kCreatePath), 1); // never re-sent
    QCOMPARE(serverKeysNamed(*f.server, name), 0);
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
    QCOMPARE(reopenedDifference(f, before), QString());
}

void TestFaults::createLostReplyFindsTheKey_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("reset after apply") << 0;
    QTest::newRow("malformed JSON") << 1;
    QTest::newRow("truncated JSON") << 2;
}

void TestFaults::createLostReplyFindsTheKey()
{
    QFETCH(int, kind);
    Fixture f;
    QVERIFY(setUp(f));
    sandbox::Fault lost = fault(QStringLiteral("POST"), kCreatePath);
    lost.resetAfterApply = kind == 0;
    lost.malformedJson = kind == 1;
    lost.truncatedJson = kind == 2;
    f.server->injectFault(lost);

    const QString name = QStringLiteral("fault reset – create");
    std::optional<CreateKeyResult> result;
    f.session->createKey(draftNamed(*f.session, name), [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY2(result->error.kind == ApiError::Kind::OutcomeUnknown ||
                 result->error.kind == ApiError::Kind::Parse,
             qPrintable(result->error.message));
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::CreatedWithoutSecret);
    QVERIFY(result->secret.secret.isEmpty());
    QVERIFY2(result->message.contains(QStringLiteral("created")), qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("secret was not received")),
             qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("Rotate")), qPrintable(result->message));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("POST"), kCreatePath), 1);
    QCOMPARE(recordedCount(*f.server, QStringLiteral("GET"), kKeysPath), 1); // the re-list
    QCOMPARE(serverKeysNamed(*f.server, name), 1);

    const ApiKey *cached = findKey(f.session->snapshot().keys, result->keyId);
    QVERIFY(cached);
    QCOMPARE(cached->name, name);
    QVERIFY(cached->maskedKey.contains(QLatin1Char('*')));
    const CacheSnapshot after = f.session->snapshot();
    QCOMPARE(reopenedDifference(f, after), QString());
}

void TestFaults::createTimeoutRelists()
{
    Fixture f;
    QVERIFY(setUp(f));
    sandbox::Fault slow = fault(QStringLiteral("POST"), kCreatePath);
    slow.delayMs = kDelayMs; // the key is created at once; only the reply waits
    f.server->injectFault(slow);

    const QString name = QStringLiteral("fault slow – create");
    std::optional<CreateKeyResult> result;
    f.session->createKey(draftNamed(*f.session, name), [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY2(result->error.kind == ApiError::Kind::OutcomeUnknown ||
                 result->error.kind == ApiError::Kind::Timeout,
             qPrintable(result->error.message));
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::CreatedWithoutSecret);
    QVERIFY(result->secret.secret.isEmpty());
    QVERIFY2(result->message.contains(QStringLiteral("Rotate")), qPrintable(result->message));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("POST"), kCreatePath), 1);
    QCOMPARE(recordedCount(*f.server, QStringLiteral("GET"), kKeysPath), 1); // the re-list
    QCOMPARE(serverKeysNamed(*f.server, name), 1);
    QVERIFY(findKey(f.session->snapshot().keys, result->keyId));
    // The late reply, when the sandbox finally sends it, changes nothing.
    const CacheSnapshot after = f.session->snapshot();
    QTest::qWait(kDelayMs);
    QCOMPARE(snapshotDifference(f.session->snapshot(), after), QString());
    QCOMPARE(serverKeysNamed(*f.server, name), 1);
}

void TestFaults::createLostReplyAndFailedRelistIsUnknown()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    sandbox::Fault lost = fault(QStringLiteral("POST"), kCreatePath);
    lost.resetAfterApply = true;
    f.server->injectFault(lost);
    sandbox::Fault down = fault(QStringLiteral("GET"), kKeysPath);
    down.status = 500;
    down.times = 0;
    f.server->injectFault(down);

    const QString name = QStringLiteral("fault reset – relist fails");
    std::optional<CreateKeyResult> result;
    f.session->createKey(draftNamed(*f.session, name), [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::Unknown);
    QVERIFY(result->error.isError());
    QVERIFY(result->secret.secret.isEmpty());
    QVERIFY2(result->message.contains(QStringLiteral("unknown whether")), qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("Sync before trying again")),
             qPrintable(result->message));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("POST"), kCreatePath), 1);
    QCOMPARE(serverKeysNamed(*f.server, name), 1); // it was created; the app does not claim otherwise
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());

    // Once the server answers again, a sync shows the key: one key, not two.
    f.server->clearFaults();
    const auto [syncError, diff] = pktest::syncAndWait(*f.session, kTimeoutMs);
    QVERIFY2(!syncError.isError(), qPrintable(syncError.userText()));
    QCOMPARE(diff.addedKeyIds.size(), 1);
    QCOMPARE(findKey(f.session->snapshot().keys, diff.addedKeyIds.first())->name, name);
}

void TestFaults::createWithServerStoppedIsNotCreated()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    const ApiKeyDraft draft = draftNamed(*f.session, QStringLiteral("fault refused connection"));
    f.server.reset(); // nothing listens: the POST is never sent

    std::optional<CreateKeyResult> result;
    f.session->createKey(draft, [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->error.kind, ApiError::Kind::Network);
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::NotCreated);
    QVERIFY2(result->message.contains(QStringLiteral("Could not reach the Portkey server")),
             qPrintable(result->message));
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
    QCOMPARE(reopenedDifference(f, before), QString());
}

void TestFaults::createInvalidNamesTheField()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    const QString name(101, QLatin1Char('n')); // the server allows at most 100 characters

    std::optional<CreateKeyResult> result;
    f.session->createKey(draftNamed(*f.session, name), [&](const CreateKeyResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->outcome, CreateKeyResult::Outcome::NotCreated);
    QCOMPARE(result->error.kind, ApiError::Kind::Http);
    QCOMPARE(result->error.httpStatus, 400);
    QCOMPARE(result->error.code, QStringLiteral("AB01"));
    QVERIFY2(result->message.contains(QStringLiteral("invalid")), qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("name: must be at most 100 characters")),
             qPrintable(result->message));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("POST"), kCreatePath), 1);
    QCOMPARE(serverKeysNamed(*f.server, name), 0);
    QCOMPARE(snapshotDifference(f.session->snapshot(), before), QString());
}

// ------------------------------------------------------------------------------------------ revokeKeys

void TestFaults::revokePartialFailureNamesTheKey()
{
    Fixture f;
    QVERIFY(setUp(f));
    const QList<ApiKey> candidates = serviceKeys(f.session->snapshot());
    QVERIFY(candidates.size() >= 3);
    const QStringList ids{candidates.at(0).id, candidates.at(1).id, candidates.at(2).id};
    const QString stuck = ids.at(1);
    sandbox::Fault error = fault(QStringLiteral("DELETE"), QString(kKeysPath + QLatin1Char('/') + stuck));
    error.status = 500;
    error.code = QStringLiteral("AB04");
    f.server->injectFault(error);

    std::optional<RevokeKeysResult> result;
    f.session->revokeKeys(ids, [&](const RevokeKeysResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY(!result->ok());
    QCOMPARE(result->failedIds, QStringList{stuck});
    QCOMPARE(result->revokedIds, (QStringList{ids.at(0), ids.at(2)}));
    QCOMPARE(result->errors.value(stuck).httpStatus, 500);
    QCOMPARE(result->error.httpStatus, 500);
    QVERIFY(result->error.userText().contains(QStringLiteral("internal problem")));
    // Each DELETE was sent once; the server and the cache agree on what went.
    int deletes = 0;
    for (const sandbox::RecordedRequest &r : f.server->recordedRequests())
        deletes += r.method == QLatin1String("DELETE") ? 1 : 0;
    QCOMPARE(deletes, 3);
    QVERIFY(f.server->organisation().key(stuck));
    QVERIFY(!f.server->organisation().key(ids.at(0)));
    QVERIFY(!f.server->organisation().key(ids.at(2)));
    QVERIFY(findKey(f.session->snapshot().keys, stuck));
    QVERIFY(!findKey(f.session->snapshot().keys, ids.at(0)));
    QVERIFY(!findKey(f.session->snapshot().keys, ids.at(2)));
    const CacheSnapshot after = f.session->snapshot();
    QCOMPARE(reopenedDifference(f, after), QString());
}

void TestFaults::revokeForbiddenKeepsKey()
{
    Fixture f;
    QVERIFY(setUp(f));
    const CacheSnapshot before = f.session->snapshot();
    const QString id = serviceKeys(before).first().id;
    sandbox::Fault forbidden = fault(QStringLiteral("DELETE"), QString(kKeysPath + QLatin1Char('/') + id));
    forbidden.status = 403;
    forbidden.code = QStringLiteral("AB03");
    f.server->injectFault(forbidden);

    std::optional<RevokeKeysResult> result;
    f.session->revokeKeys({id}, [&](const RevokeKeysResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->failedIds, QStringList{id});
    QVERIFY(result->revokedIds.isEmpty());
    QVERIFY(result->error.isForbidden());
    const QString text = result->error.userText();
    QVERIFY2(text.contains(QStringLiteral("not allowed")), qPrintable(text));
    QVERIFY(f.server->organisation().key(id));
    QCOMPARE(f.session->snapshot().keys, before.keys);
    QCOMPARE(reopenedDifference(f, before), QString());
}

void TestFaults::revokeLostReplyIsConfirmedByRelist_data()
{
    QTest::addColumn<bool>("delayed");
    QTest::newRow("reset after apply") << false;
    QTest::newRow("delay > timeout") << true;
}

void TestFaults::revokeLostReplyIsConfirmedByRelist()
{
    QFETCH(bool, delayed);
    Fixture f;
    QVERIFY(setUp(f));
    const QString id = serviceKeys(f.session->snapshot()).first().id;
    const QString keyPath = QString(kKeysPath + QLatin1Char('/') + id);
    sandbox::Fault lost = fault(QStringLiteral("DELETE"), keyPath);
    lost.resetAfterApply = !delayed;
    lost.delayMs = delayed ? kDelayMs : 0;
    f.server->injectFault(lost);

    std::optional<RevokeKeysResult> result;
    f.session->revokeKeys({id}, [&](const RevokeKeysResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    // The DELETE's reply was lost, but the re-list no longer shows the key: it is revoked.
    QVERIFY2(result->ok(), qPrintable(result->error.userText()));
    QCOMPARE(result->revokedIds, QStringList{id});
    QCOMPARE(recordedCount(*f.server, QStringLiteral("DELETE"), keyPath), 1); // never re-sent
    QVERIFY(!f.server->organisation().key(id));
    QVERIFY(!findKey(f.session->snapshot().keys, id));
    const CacheSnapshot after = f.session->snapshot();
    QCOMPARE(reopenedDifference(f, after), QString());
}

// ------------------------------------------------------------------------------------------- rotateKey

void TestFaults::rotateDuringTransitionConflicts()
{
    Fixture f;
    QVERIFY(setUp(f));
    const QString id = serviceKeys(f.session->snapshot()).first().id;
    std::optional<KeyWriteResult> result;
    f.session->rotateKey(id, std::nullopt, [&](const KeyWriteResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY2(!result->error.isError(), qPrintable(result->message));
    QVERIFY(!result->secret.secret.isEmpty());
    const CacheSnapshot rotated = f.session->snapshot();

    // A second rotation inside the transition period: 409 AB07 from the server.
    result.reset();
    f.session->rotateKey(id, std::nullopt, [&](const KeyWriteResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->error.kind, ApiError::Kind::Http);
    QCOMPARE(result->error.httpStatus, 409);
    QCOMPARE(result->error.code, QStringLiteral("AB07"));
    QVERIFY(result->secret.secret.isEmpty());
    QVERIFY2(result->message.contains(QStringLiteral("transition period")), qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("rotate it again after"), Qt::CaseInsensitive),
             qPrintable(result->message));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("POST"),
                           QString(kKeysPath + QLatin1Char('/') + id + QStringLiteral("/rotate"))),
             2);
    QVERIFY(f.server->organisation().key(id));
    QCOMPARE(snapshotDifference(f.session->snapshot(), rotated), QString());
}

void TestFaults::rotateLostReplyKeepsKeyId_data()
{
    QTest::addColumn<bool>("delayed");
    QTest::newRow("reset after apply") << false;
    QTest::newRow("delay > timeout") << true;
}

void TestFaults::rotateLostReplyKeepsKeyId()
{
    QFETCH(bool, delayed);
    Fixture f;
    QVERIFY(setUp(f));
    const QString id = serviceKeys(f.session->snapshot()).first().id;
    const QString rotatePath = QString(kKeysPath + QLatin1Char('/') + id + QStringLiteral("/rotate"));
    sandbox::Fault lost = fault(QStringLiteral("POST"), rotatePath);
    lost.resetAfterApply = !delayed;
    lost.delayMs = delayed ? kDelayMs : 0;
    f.server->injectFault(lost);
    const QString secretBefore = f.server->organisation().key(id)->secret;

    std::optional<KeyWriteResult> result;
    f.session->rotateKey(id, std::nullopt, [&](const KeyWriteResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY2(result->error.kind == ApiError::Kind::OutcomeUnknown ||
                 result->error.kind == ApiError::Kind::Parse || result->error.kind == ApiError::Kind::Timeout,
             qPrintable(result->error.message));
    QVERIFY(result->secret.secret.isEmpty());
    QVERIFY2(result->message.contains(QStringLiteral("may have been rotated")), qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("transition period")), qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("rotate it again after"), Qt::CaseInsensitive),
             qPrintable(result->message));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("POST"), rotatePath), 1); // never re-sent

    // The server applied it; the key keeps its id, on the server and in the cache.
    const sandbox::KeyRecord *onServer = f.server->organisation().key(id);
    QVERIFY(onServer);
    QVERIFY(onServer->secret != secretBefore);
    QVERIFY(onServer->previousSecret == secretBefore); // QVERIFY: a secret is never printed
    QVERIFY(findKey(f.session->snapshot().keys, id));
    QCOMPARE(serviceKeys(f.session->snapshot()).first().id, id);
    const CacheSnapshot after = f.session->snapshot();
    QCOMPARE(reopenedDifference(f, after), QString());
}

void TestFaults::rotateOwnKeyLostReplyKeepsOldSecret()
{
    Fixture f;
    QVERIFY(setUp(f));
    const QString own = f.session->principal().keyId;
    QVERIFY2(!own.isEmpty(), "the connection key was not identified");
    const QString rotatePath = QString(kKeysPath + QLatin1Char('/') + own + QStringLiteral("/rotate"));
    sandbox::Fault lost = fault(QStringLiteral("POST"), rotatePath);
    lost.resetAfterApply = true;
    f.server->injectFault(lost);

    std::optional<KeyWriteResult> result;
    f.session->rotateKey(own, std::nullopt, [&](const KeyWriteResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QVERIFY(result->error.isError());
    QVERIFY(result->secret.secret.isEmpty());
    QVERIFY2(result->message.contains(QStringLiteral("own key may have been rotated")),
             qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("replace this profile's key")),
             qPrintable(result->message));

    // The keychain still holds the old secret, which works for the transition period.
    const KeychainResult stored = m_keychain.waitFor([&](CredentialStore::Callback cb) {
        m_keychain.credentials().read(CredentialStore::apiKeyEntry(f.profile.id), std::move(cb));
    });
    QVERIFY(stored.ok());
    QVERIFY(stored.secret.view() == f.server->persona(QStringLiteral("owner"))->apiKey.toUtf8());
    QVERIFY2(!pktest::syncAndWait(*f.session, kTimeoutMs).first.isError(),
             "the old secret stopped working too early");
    QVERIFY(findKey(f.session->snapshot().keys, own));

    // After the transition period it is refused, and the app says so without deleting anything.
    const CacheSnapshot before = f.session->snapshot();
    f.server->setNow(QDateTime::currentDateTimeUtc().addSecs(3 * 3600));
    QSignalSpy credentialRejected(f.session.get(), &Session::credentialRejected);
    const ApiError late = pktest::syncAndWait(*f.session, kTimeoutMs).first;
    QVERIFY(late.isUnauthorized());
    QVERIFY(!credentialRejected.isEmpty());
    QCOMPARE(f.session->snapshot().keys, before.keys);
}

// ------------------------------------------------------------------------------------------- updateKey

void TestFaults::updateUnreadableReplyRereadsServerState_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<ApiError::Kind>("expected");
    QTest::newRow("malformed JSON") << 0 << ApiError::Kind::Parse;
    QTest::newRow("truncated JSON") << 1 << ApiError::Kind::Parse;
    QTest::newRow("delay > timeout") << 2 << ApiError::Kind::Timeout;
}

void TestFaults::updateUnreadableReplyRereadsServerState()
{
    QFETCH(int, kind);
    QFETCH(ApiError::Kind, expected);
    Fixture f;
    QVERIFY(setUp(f));
    const ApiKey before = serviceKeys(f.session->snapshot()).first();
    const QString keyPath = QString(kKeysPath + QLatin1Char('/') + before.id);
    sandbox::Fault broken = fault(QStringLiteral("PUT"), keyPath);
    broken.malformedJson = kind == 0;
    broken.truncatedJson = kind == 1;
    broken.delayMs = kind == 2 ? kDelayMs : 0;
    f.server->injectFault(broken);

    const QString renamed = QStringLiteral("Umbenannt – während die Antwort verloren ging");
    std::optional<KeyWriteResult> result;
    f.session->updateKey(before.id, QJsonObject{{QStringLiteral("name"), renamed}},
                         [&](const KeyWriteResult &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kTimeoutMs);
    QCOMPARE(result->error.kind, expected);
    QVERIFY2(result->message.contains(QStringLiteral("may or may not have been applied")),
             qPrintable(result->message));
    QVERIFY2(result->message.contains(QStringLiteral("read back")), qPrintable(result->message));
    QCOMPARE(recordedCount(*f.server, QStringLiteral("PUT"), keyPath), 1);
    QCOMPARE(recordedCount(*f.server, QStringLiteral("GET"), keyPath), 1); // the re-read

    // The server applied the change; the session shows the server's state, and so does the cache.
    QCOMPARE(f.server->organisation().key(before.id)->name, renamed);
    const ApiKey *shown = findKey(f.session->snapshot().keys, before.id);
    QVERIFY(shown);
    QCOMPARE(shown->name, renamed);
    QCOMPARE(shown->scopes, before.scopes);
    const CacheSnapshot after = f.session->snapshot();
    QCOMPARE(reopenedDifference(f, after), QString());
}

// ------------------------------------------------------------------------------------------- closing

void TestFaults::closingDropsPendingWrite()
{
    Fixture f;
    QVERIFY(setUp(f));
    AdminApiClient::Options patient = f.session->client()->options();
    patient.timeoutMs = 3 * kDelayMs;
    f.session->client()->setOptions(patient);
    sandbox::Fault slow = fault(QStringLiteral("POST"), kCreatePath);
    slow.delayMs = kDelayMs; // within the client's timeout: the reply would arrive
    f.server->injectFault(slow);

    const QString name = QStringLiteral("fault closed while pending");
    bool called = false;
    f.session->createKey(draftNamed(*f.session, name), [&](const CreateKeyResult &) { called = true; });
    QTRY_COMPARE_WITH_TIMEOUT(recordedCount(*f.server, QStringLiteral("POST"), kCreatePath), 1, kTimeoutMs);
    f.session->close(); // the window closes while the reply is on its way
    QCOMPARE(f.session->state(), Session::State::Closed);
    QTest::qWait(kDelayMs);
    QVERIFY(!called); // dropped, not called with a half-done state
    QCOMPARE(serverKeysNamed(*f.server, name), 1);

    // The next session sees the key after a sync: once.
    Session reopened;
    QVERIFY(pktest::openAndWait(reopened, f.profile, kTimeoutMs));
    const auto [syncError, diff] = pktest::syncAndWait(reopened, kTimeoutMs);
    QVERIFY2(!syncError.isError(), qPrintable(syncError.userText()));
    QCOMPARE(diff.addedKeyIds.size(), 1);
    QCOMPARE(findKey(reopened.snapshot().keys, diff.addedKeyIds.first())->name, name);
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
