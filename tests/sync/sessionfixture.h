#pragma once

// What the Session-level sync tests share: waiting for keychain operations, opening a Session and syncing it,
// and the keychain entries and cache files of the profiles a test creates, removed again at the end. Real
// Secret Service (the test command runs a private D-Bus session with an unlocked gnome-keyring).

#include "secrets/credentialstore.h"
#include "storage/cachestore.h"
#include "sync/session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <optional>
#include <utility>

namespace pktest {

/// Runs one keychain operation to completion on the event loop, waiting at most `timeoutMs` milliseconds.
/// Returns its result, or KeychainError::Unavailable when the keychain did not answer in time.
inline pk::KeychainResult waitForKeychain(const std::function<void(pk::CredentialStore::Callback)> &op,
                                          int timeoutMs)
{
    std::optional<pk::KeychainResult> out;
    op([&out](pk::KeychainResult r) { out = std::move(r); });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, timeoutMs)) {
        pk::KeychainResult timedOut;
        timedOut.error = pk::KeychainError::Unavailable;
        timedOut.message = QStringLiteral("the keychain did not answer in time");
        return timedOut;
    }
    return std::move(*out);
}

/// Opens `profile` in `session` and waits at most `timeoutMs` milliseconds for opened() or openFailed().
/// Returns true when the session opened; warns with the reason otherwise.
inline bool openAndWait(pk::Session &session, const pk::Profile &profile, int timeoutMs)
{
    QSignalSpy opened(&session, &pk::Session::opened);
    QSignalSpy failed(&session, &pk::Session::openFailed);
    session.open(profile);
    if (!QTest::qWaitFor([&] { return opened.size() + failed.size() > 0; }, timeoutMs))
        qWarning("open did not finish within %d ms", timeoutMs);
    if (!failed.isEmpty())
        qWarning("open failed: %s", qPrintable(failed.first().first().toString()));
    return !opened.isEmpty();
}

/// Starts a sync of `session` and waits at most `timeoutMs` milliseconds for syncFinished(). Returns its
/// arguments, or a default (no error, empty diff) pair when no sync started or it did not finish in time.
inline std::pair<pk::ApiError, pk::SyncDiff> syncAndWait(pk::Session &session, int timeoutMs)
{
    QSignalSpy finished(&session, &pk::Session::syncFinished);
    if (!session.sync())
        return {};
    if (!finished.wait(timeoutMs))
        return {};
    return {finished.first().at(0).value<pk::ApiError>(), finished.first().at(1).value<pk::SyncDiff>()};
}

/// The keychain of a test case and the profiles it creates there: removeAll() deletes their Admin API key
/// and cache key entries and their cache files.
class ProfileKeychain
{
public:
    /// Keychain operations wait at most `timeoutMs` milliseconds; the store itself gives up after half that.
    explicit ProfileKeychain(int timeoutMs) : m_timeoutMs(timeoutMs)
    {
        m_credentials.setTimeoutMs(timeoutMs / 2);
    }

    pk::CredentialStore &credentials() { return m_credentials; }

    /// Runs one operation on credentials() to completion; see waitForKeychain().
    pk::KeychainResult waitFor(const std::function<void(pk::CredentialStore::Callback)> &op) const
    {
        return waitForKeychain(op, m_timeoutMs);
    }

    /// Test-case check (QVERIFY2) that a session bus is present and that the entry `probeEntry` can be
    /// written (and is removed again). Call it from initTestCase().
    void verifyUsable(const QString &probeEntry)
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
                 "no D-Bus session bus: run the tests through the project's test command (dbus-run-session "
                 "with an "
                 "unlocked gnome-keyring)");
        const pk::KeychainResult probe = waitFor([&](pk::CredentialStore::Callback cb) {
            m_credentials.write(probeEntry, QByteArray("probe"), std::move(cb));
        });
        QVERIFY2(probe.ok(), qPrintable(QString(QStringLiteral("keychain unusable: ") + probe.message)));
        waitFor([&](pk::CredentialStore::Callback cb) { m_credentials.remove(probeEntry, std::move(cb)); });
    }

    /// Remembers `profileId` for removeAll() (once, however often it is given).
    void remember(const QString &profileId)
    {
        if (!m_profileIds.contains(profileId))
            m_profileIds.append(profileId);
    }

    /// Writes `secret` as the Admin API key entry of `profileId` and remembers the profile. Returns the
    /// keychain's result.
    pk::KeychainResult storeApiKey(const QString &profileId, const QByteArray &secret)
    {
        remember(profileId);
        return waitFor([&](pk::CredentialStore::Callback cb) {
            m_credentials.write(pk::CredentialStore::apiKeyEntry(profileId), secret, std::move(cb));
        });
    }

    /// Removes the API key and cache key entries and the cache files of every remembered profile.
    void removeAll()
    {
        for (const QString &id : std::as_const(m_profileIds)) {
            waitFor([&](pk::CredentialStore::Callback cb) {
                m_credentials.remove(pk::CredentialStore::apiKeyEntry(id), std::move(cb));
            });
            waitFor([&](pk::CredentialStore::Callback cb) {
                m_credentials.remove(pk::CredentialStore::cacheKeyEntry(id), std::move(cb));
            });
            const QString path = pk::CacheStore::defaultPath(id);
            const QDir dir = QFileInfo(path).dir();
            for (const QString &f :
                 dir.entryList({QFileInfo(path).fileName() + QLatin1Char('*')}, QDir::Files))
                QFile::remove(dir.filePath(f));
        }
    }

private:
    int m_timeoutMs;
    pk::CredentialStore m_credentials;
    QStringList m_profileIds;
};

} // namespace pktest
