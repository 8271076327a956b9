#pragma once

#include "access/action.h"
#include "access/principal.h"
#include "domain/apikey.h"
#include "domain/profile.h"
#include "portkey/apierror.h"
#include "storage/cachestore.h"
#include "sync/syncengine.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace pk {

class AdminApiClient;

/// The result of Session::createKey().
struct CreateKeyResult
{
    enum class Outcome
    {
        Created,              ///< the server created the key; `secret` holds its full secret (shown once)
        CreatedWithoutSecret, ///< the reply was lost, but a key with the draft's name appeared on re-list:
                              ///< it exists and its secret is lost; rotate it to get one
        NotCreated,           ///< the server refused, or the reply was lost and re-listing shows no new key
        Unknown               ///< the reply was lost and re-listing failed too: check again later
    };
    Outcome outcome = Outcome::NotCreated;
    ApiError error;      ///< the failure (None for Created)
    QString keyId;       ///< id of the created key (Created, CreatedWithoutSecret)
    IssuedSecret secret; ///< full secret, only for Created; never stored by Session. Wipe after use.
    QString message;     ///< one or two sentences for a person, no secret
};

/// The result of Session::revokeKeys(): per-key outcome, decided by re-listing after the DELETEs.
struct RevokeKeysResult
{
    QStringList revokedIds;          ///< gone on the server (confirmed by re-list); removed from the cache
    QStringList failedIds;           ///< still present on the server, or the DELETE failed
    QHash<QString, ApiError> errors; ///< the DELETE error for each id in failedIds, when there was one
    ApiError error;                  ///< the first failure, or None when every id was revoked
    bool ok() const { return failedIds.isEmpty() && !error.isError(); }
};

/// The result of Session::updateKey() and Session::rotateKey().
struct KeyWriteResult
{
    ApiError error;      ///< None on success
    IssuedSecret secret; ///< rotateKey only: the new full secret (never stored, except as the profile's own
                         ///< credential in the keychain when the rotated key is that credential)
    QString message;     ///< for a person, no secret
};

/// One open connection to a Portkey control plane: the profile, its credential (from the OS keychain), its
/// encrypted cache, the last snapshot, the resolved principal, and the write commands. No widgets: the GUI
/// and the CLI both drive it on the Qt event loop; every call is asynchronous and nothing blocks.
///
/// Writes go to the server first; the cache and snapshot change only from what the server confirms
/// (ARCHITECTURE.md). POSTs are never retried: a lost reply is resolved by re-listing.
class Session : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Closed,       ///< nothing open
        Opening,      ///< reading the keychain and opening the cache
        Open,         ///< cache open, snapshot loaded (possibly empty, possibly offline)
        CacheProblem, ///< the cache file cannot be read (wrong key, corrupt, plaintext): see rebuildCache()
        Failed        ///< the keychain or the cache directory failed; see openFailed()
    };
    Q_ENUM(State)

    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    /// Opens `profile`: reads its connection key from the keychain (`profiles/<id>/api-key`, see
    /// CredentialStore), reads or creates its cache key (32 random bytes at `profiles/<id>/cache-key`),
    /// opens the SQLCipher cache and loads its snapshot. Does not touch the network; call sync() after.
    /// Emits opened() or openFailed(). Closes whatever was open before.
    void open(const Profile &profile);
    /// Cancels a running sync and pending writes (their callbacks are dropped, not called), closes the
    /// cache and forgets the snapshot. Emits stateChanged(Closed) only.
    void close();

    /// After CacheProblem: moves the unreadable cache file aside (`<file>.unreadable-<UTC timestamp>`,
    /// never deleted; CacheStore::moveAsideAndRecreate), creates an empty cache with the profile's cache
    /// key from the keychain, and starts a sync. Emits opened() then the sync's
    /// signals, or openFailed().
    void rebuildCache();

    /// Starts a sync (SyncEngine). Returns false when not Open or a sync is already running.
    bool sync();
    /// Cancels a running sync; the cache stays as it was. syncFinished() reports Cancelled.
    void cancelSync();
    bool isSyncing() const;
    /// Asks for a sync after a write the snapshot does not reflect yet: starts one now, or, when a sync is
    /// running (it may have read the server before the write), once more right after it finishes. Several
    /// requests during one sync give one more sync. Returns false when not Open.
    bool requestSync();

    /// Records what a refusal of `action` teaches (access::learnDenial(): 403 AB03 on an action the policy
    /// allowed means the connection key lacks the action's scope, ROLES.md "Errors"). Returns the likely
    /// missing scope (emitting principalChanged() when it is new), or an empty string for any other error.
    /// The lesson lasts while the profile stays open with the same key; a sync keeps it.
    QString learnDenial(access::Action action, const ApiError &error);

    State state() const { return m_state; }
    const Profile &profile() const { return m_profile; }
    /// The cached organisation as last loaded or synced. Empty (not null) before the first sync.
    const CacheSnapshot &snapshot() const;
    /// Who the credential is, as resolved at the last sync (stored in the cache, so known offline too).
    const access::Principal &principal() const;
    /// When the last successful sync finished (UTC); invalid when never synced.
    QDateTime lastSyncedAtUtc() const;
    /// The client bound to this profile's credential; nullptr unless Open. Owned by the session.
    AdminApiClient *client() const { return m_client.get(); }

    /// Creates a key (`POST /api-keys/{type}/{sub-type}`, ADMIN-API.md §2). On success the secret is handed
    /// to `done` only (never cached, never logged); the new key is then read back with `GET /api-keys/{id}`
    /// and upserted masked into the cache. When the reply is lost (OutcomeUnknown, Timeout, or a 2xx whose
    /// body does not parse) the keys are re-listed to report CreatedWithoutSecret or NotCreated (Unknown if
    /// the re-list fails too). Never re-sends the POST. A 403 teaches the principal the missing scope
    /// (access::learnDenial). `done` runs once, on this thread, unless the session is closed first.
    void createKey(const ApiKeyDraft &draft, std::function<void(const CreateKeyResult &)> done);
    /// Revokes keys (`DELETE /api-keys/{id}` each), then re-lists and removes from the cache only the ids
    /// the server no longer returns.
    void revokeKeys(const QStringList &ids, std::function<void(const RevokeKeysResult &)> done);
    /// Updates a key (`PUT /api-keys/{id}` with an `UpdateApiKeyObject` body, L35029; `null` clears a
    /// field), then re-reads it and upserts it in the cache. When the reply is lost or unreadable (Timeout,
    /// OutcomeUnknown, or a 2xx whose body does not parse) the key is re-read too, so the snapshot shows
    /// the server's state; `done` then gets that error and a message saying the change may have applied.
    void updateKey(const QString &id, const QJsonObject &changes,
                   std::function<void(const KeyWriteResult &)> done);
    /// Rotates a key (`POST /api-keys/{id}/rotate`, L18616). `transitionPeriodMs` ≥ 1,800,000 or nullopt
    /// for the server's default. When the key is this profile's own credential, the new secret is written
    /// to the keychain BEFORE `done` runs and the client switches to it at once; if that keychain write
    /// fails, `done` gets the secret with an error telling the user to store it, since the old secret
    /// stops working at the end of the transition period. A 409 (the key is still in the transition
    /// period of an earlier rotation, ADMIN-API.md §9) tells the user to rotate again after it ends. A lost
    /// reply (Timeout, OutcomeUnknown, or a 2xx whose body does not parse) is never re-sent: the key is
    /// re-read (its id stays the same) and the message says it may have been rotated and to rotate again
    /// once the transition period ends.
    void rotateKey(const QString &id, std::optional<qint64> transitionPeriodMs,
                   std::function<void(const KeyWriteResult &)> done);

signals:
    void stateChanged(pk::Session::State state);
    /// The profile is open and its snapshot loaded (possibly empty, possibly offline).
    void opened();
    /// Opening failed. `error` says what happened, `remedy` what to do; `canRebuild` is true when
    /// rebuildCache() would help (wrong key, corrupt or plaintext cache file).
    void openFailed(const QString &error, const QString &remedy, bool canRebuild);
    /// snapshot() changed (load, sync, or a confirmed write).
    void snapshotChanged();
    void syncStarted();
    void syncProgress(const QString &stage, int done, int total);
    void syncFinished(const pk::ApiError &error, const pk::SyncDiff &diff);
    /// principal() changed after a sync.
    void principalChanged();
    /// The server answered 401 AB05 to this profile's key: it is invalid, expired or revoked. Nothing was
    /// deleted; the user should replace the key.
    void credentialRejected(const pk::ApiError &error);

private:
    void setState(State state);
    void failOpen(State state, const QString &error, const QString &remedy, bool canRebuild);
    void readCacheKey();
    void openCache();
    void finishOpen();
    void onSyncFinished(const pk::ApiError &error, const pk::SyncDiff &diff);
    bool isOwnCredential(const QString &keyId) const;
    /// Feeds a 403 on a key action into the principal (access::learnDenial).
    void learnDenial(KeyType type, access::KeyVerb verb, const ApiError &error);
    /// learnDenial() for the cached key `keyId`, by its type in the snapshot; does nothing for a key the
    /// snapshot does not hold.
    void learnKeyDenial(const QString &keyId, access::KeyVerb verb, const ApiError &error);
    /// Cancels everything and releases the cache and the client, without emitting anything.
    void teardown();
    void storeConfirmedKey(const ApiKey &key);
    void refreshKey(const QString &id, KeyWriteResult result,
                    std::function<void(const KeyWriteResult &)> done);

    struct Private;
    std::unique_ptr<Private> d;
    State m_state = State::Closed;
    Profile m_profile;
    std::unique_ptr<AdminApiClient> m_client;
};

} // namespace pk
