#pragma once

#include "secrets/secretbuffer.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace pk {

/// Why a keychain operation failed.
enum class KeychainError
{
    None,         ///< success
    NotFound,     ///< no entry under that name (QKeychain::EntryNotFound)
    AccessDenied, ///< the user or the OS refused access (QKeychain::AccessDenied, AccessDeniedByUser)
    Unavailable,  ///< no keychain backend: no session bus, no Secret Service, or no answer within the
                  ///< timeout (QKeychain::NoBackendAvailable, NotImplemented, D-Bus errors)
    Locked,       ///< the keyring is locked and could not be unlocked (no prompt could be shown), or
                  ///< the default keyring does not exist yet. QtKeychain reports a locked collection as
                  ///< AccessDenied (4) or OtherError (7) with a "locked" or "/collection/" text on write,
                  ///< but as EntryNotFound on read and as success on delete (libsecret hides locked items):
                  ///< those two are checked with Secret Service SearchItems and reported as Locked too
    Other         ///< anything else (QKeychain::OtherError, CouldNotDeleteEntry)
};

/// The outcome of one CredentialStore operation. Move-only because it may carry a secret.
struct KeychainResult
{
    KeychainError error = KeychainError::None;
    QString entry;       ///< the entry name the operation was about (never a value)
    SecretBuffer secret; ///< read(): the stored bytes on success; empty otherwise
    QString message;     ///< for the user: what went wrong and the remedy; empty on success
    QString detail;      ///< the backend's own error text, for logs and "details" panes; no secret

    bool ok() const { return error == KeychainError::None; }
};

/// The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows) through
/// QtKeychain, under the service name "Portkey Key Manager". Entry names are scoped per profile
/// (apiKeyEntry(), cacheKeyEntry()) and per API key (storedKeyEntry()); QSettings holds only those names.
/// QtKeychain's insecure plaintext fallback is never enabled (ARCHITECTURE.md "Things we deliberately do
/// not do"). Every job has a timeout, because a missing or wedged Secret Service may never answer.
/// Logs (category `pk.secrets`) name entries, never values.
class CredentialStore : public QObject
{
    Q_OBJECT
public:
    /// Receives the result exactly once, on the thread that started the operation. Not called when the
    /// store is destroyed first.
    using Callback = std::function<void(KeychainResult)>;

    explicit CredentialStore(QObject *parent = nullptr);
    ~CredentialStore() override;

    /// "Portkey Key Manager": the keychain service (Secret Service attribute `service`) of every entry.
    static QString serviceName();
    /// `profiles/<profileId>/api-key`: the Portkey API key a profile connects with.
    static QString apiKeyEntry(const QString &profileId);
    /// `profiles/<profileId>/cache-key`: the raw 32-byte key of the profile's encrypted cache.
    static QString cacheKeyEntry(const QString &profileId);
    /// `keys/<keyId>`: a created or rotated key's secret the user chose to keep in the keychain.
    static QString storedKeyEntry(const QString &keyId);

    /// Timeout of each job in ms (default 10000). After it the result is Unavailable; the backend's job
    /// is left to finish on its own and its late answer is dropped.
    int timeoutMs() const { return m_timeoutMs; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    /// Reads `entry`. On success `result.secret` holds the bytes; a missing entry gives NotFound, an entry
    /// in a locked keyring Locked (never NotFound).
    void read(const QString &entry, Callback callback);
    /// Stores `secret` under `entry`, replacing any previous value. The bytes are handed to QtKeychain
    /// and not kept here.
    void write(const QString &entry, const SecretBuffer &secret, Callback callback);
    /// Same as above for bytes held in a QByteArray; the caller wipes its copy afterwards.
    void write(const QString &entry, const QByteArray &secret, Callback callback);
    /// Deletes `entry`. Deleting a missing entry succeeds (the postcondition holds); an entry that stays
    /// because its keyring is locked gives Locked.
    void remove(const QString &entry, Callback callback);

    /// Maps a QtKeychain error code (QKeychain::Error as int) and its text to a KeychainError; exposed
    /// so the mapping can be tested without a broken keychain.
    static KeychainError classify(int qkeychainError, const QString &backendText);
    /// The user message for `error`, naming the remedy (e.g. "start gnome-keyring or KWallet").
    static QString userMessage(KeychainError error, const QString &entry);

private:
    enum class Op
    {
        Read,
        Write,
        Remove
    };
    struct PendingJob;
    static QString opName(Op op);
    void start(Op op, const QString &entry, const QByteArray &data, Callback callback);
    /// Hands `result` to the pending job's callback once (adds the user message and logs the outcome).
    void deliver(const std::shared_ptr<PendingJob> &pending, Op op, KeychainResult result);
    /// For a read that found nothing or a remove that succeeded: asks the Secret Service whether the entry
    /// is still there in a locked collection (then the result becomes Locked), and delivers.
    void checkLocked(const std::shared_ptr<PendingJob> &pending, Op op, KeychainResult result);

    int m_timeoutMs = 10000;
};

} // namespace pk
