// SandboxLauncher: concurrent runs with the same persona, and what a run leaves behind. Real sandbox over
// HTTP on 127.0.0.1, real SQLCipher cache files and the real Secret Service.

#include "secrets/credentialstore.h"
#include "sessionfixture.h"
#include "storage/cachestore.h"
#include "sync/sandboxlauncher.h"
#include "sync/session.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace pk;

namespace {
constexpr int kTimeoutMs = 30000;

/// Starts `launcher` for `persona` and returns the profile; an empty id means start() failed.
Profile startAndWait(SandboxLauncher &launcher, const QString &persona, QString *error)
{
    std::optional<QString> result;
    Profile profile;
    launcher.start(persona, [&](const QString &e, const Profile &p) {
        result = e;
        profile = p;
    });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, kTimeoutMs))
        result.reset();
    *error = result.value_or(QStringLiteral("start() did not answer within %1 ms").arg(kTimeoutMs));
    return profile;
}

/// The keychain error of reading `entry`.
KeychainError readError(const QString &entry)
{
    CredentialStore store;
    return pktest::waitForKeychain([&](CredentialStore::Callback cb) { store.read(entry, std::move(cb)); },
                                   kTimeoutMs)
        .error;
}
} // namespace

class TestSandboxLauncher : public QObject
{
    Q_OBJECT
private slots:
    void samePersonaRunsConcurrently();
};

void TestSandboxLauncher::samePersonaRunsConcurrently()
{
    auto first = std::make_unique<SandboxLauncher>();
    auto second = std::make_unique<SandboxLauncher>();
    QString error;
    const Profile a = startAndWait(*first, QStringLiteral("owner"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Profile b = startAndWait(*second, QStringLiteral("owner"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(a.id.startsWith(QStringLiteral("sandbox-owner-")));
    QVERIFY(b.id.startsWith(QStringLiteral("sandbox-owner-")));
    QVERIFY(a.id != b.id);

    {
        // Both sessions open and sync at the same time, each with its own cache and cache key.
        Session sa;
        Session sb;
        QVERIFY(pktest::openAndWait(sa, a, kTimeoutMs));
        QVERIFY(pktest::openAndWait(sb, b, kTimeoutMs));
        QSignalSpy finishedA(&sa, &Session::syncFinished);
        QSignalSpy finishedB(&sb, &Session::syncFinished);
        QVERIFY(sa.sync());
        QVERIFY(sb.sync());
        QTRY_VERIFY_WITH_TIMEOUT(finishedA.size() == 1 && finishedB.size() == 1, kTimeoutMs);
        QVERIFY(!finishedA.first().at(0).value<ApiError>().isError());
        QVERIFY(!finishedB.first().at(0).value<ApiError>().isError());
        QVERIFY(!sa.snapshot().keys.isEmpty());
        QVERIFY(!sb.snapshot().keys.isEmpty());
        QVERIFY(QFile::exists(CacheStore::defaultPath(a.id)));
        QVERIFY(QFile::exists(CacheStore::defaultPath(b.id)));
        QCOMPARE(readError(CredentialStore::cacheKeyEntry(a.id)), KeychainError::None);
        QCOMPARE(readError(CredentialStore::apiKeyEntry(b.id)), KeychainError::None);
    }

    // Destroying a launcher removes its run's keychain entries and cache file, and only those.
    first.reset();
    for (const QString &entry : {CredentialStore::apiKeyEntry(a.id), CredentialStore::cacheKeyEntry(a.id)})
        QCOMPARE(readError(entry), KeychainError::NotFound);
    QVERIFY(!QFile::exists(CacheStore::defaultPath(a.id)));
    QCOMPARE(readError(CredentialStore::apiKeyEntry(b.id)), KeychainError::None);
    QVERIFY(QFile::exists(CacheStore::defaultPath(b.id)));

    second.reset();
    for (const QString &entry : {CredentialStore::apiKeyEntry(b.id), CredentialStore::cacheKeyEntry(b.id)})
        QCOMPARE(readError(entry), KeychainError::NotFound);
    QVERIFY(!QFile::exists(CacheStore::defaultPath(b.id)));
}

QTEST_GUILESS_MAIN(TestSandboxLauncher)
#include "tst_sandboxlauncher.moc"
