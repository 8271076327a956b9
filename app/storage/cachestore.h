#pragma once

#include "domain/apikey.h"
#include "domain/user.h"
#include "domain/workspace.h"
#include "secrets/secretbuffer.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

namespace pk {

namespace sql {
class Database;
}

/// Why a cache could not be opened.
enum class CacheError
{
    None,
    WrongKeyOrCorrupt, ///< the keychain's cache key does not read the file, or the file is damaged
    PlaintextFile,     ///< the file is an unencrypted SQLite database; refused, never read or written
    NotEncryptedBuild, ///< the program is linked against plain SQLite (`PRAGMA cipher_version` empty)
    Io,                ///< the file or its folder cannot be created, read or written
    Schema             ///< the file is newer than this program (user_version too high) or a migration
                       ///< failed
};

/// The details of a failed CacheStore::open().
struct CacheOpenError
{
    CacheError kind = CacheError::None;
    QString message;         ///< for the user: what is wrong and what "Rebuild" will do
    bool canRebuild = false; ///< true when moveAsideAndRecreate() is the remedy to offer
};

/// Everything the app shows offline: the last server state a sync confirmed.
struct CacheSnapshot
{
    QList<Workspace> workspaces;
    QList<ApiKey> keys; ///< masked keys only (ApiKey never holds a full secret)
    QList<User> users;
    QHash<QString, QList<WorkspaceMember>> members; ///< by workspace id
    QDateTime syncedAtUtc;                          ///< when the server answered; invalid = never synced
    QJsonObject principal;                          ///< who the profile's API key acts as (access/)
};

/// What CacheStore::replaceAll() changed, by id, in the order of the new snapshot (removed ones in the old
/// order). Keys and workspaces count as changed when their stored JSON differs, i.e. when their toJson()
/// differs: what ApiKey::operator== and Workspace::operator== compare.
struct CacheChanges
{
    QStringList addedKeyIds;
    QStringList changedKeyIds;
    QStringList removedKeyIds;
    QStringList addedWorkspaceIds;
    QStringList changedWorkspaceIds;
    QStringList removedWorkspaceIds;
    bool principalChanged = false; ///< the stored principal differs from the new one
};

/// One encrypted SQLCipher file per profile holding the last synced snapshot (ARCHITECTURE.md: sync/ →
/// storage/). Not thread-safe: use one CacheStore from one thread at a time (CacheWorker runs it on a
/// thread of its own). Objects are stored as their compact toJson() plus columns (id, workspace, type, name),
/// so fields not modelled by the domain types survive. The schema is versioned with `PRAGMA user_version` and
/// migrated forward on open. The cache never holds a secret: replaceAll() and upsertKey() refuse a key (or
/// principal) with a member named `key`, `api_key` or `secret`, at any depth, whose text is not masked (has
/// no `*`). Logs (category `pk.storage`) name ids, never contents.
class CacheStore
{
public:
    /// The schema version this build writes. 1: the tables; 2: the unused workspace, type and name
    /// indexes of api_keys dropped (each cost a random B-tree insert per key on every replaceAll());
    /// 3: a BLAKE2b-160 digest of each object's JSON stored beside it (and, for keys, in the `ord` index),
    /// and `ord` values spread 2^20 apart, so replaceAll() writes only the rows that differ.
    static constexpr int schemaVersion = 3;

    ~CacheStore();
    CacheStore(const CacheStore &) = delete;
    CacheStore &operator=(const CacheStore &) = delete;

    /// `<QStandardPaths::AppDataLocation>/cache/<profileId>.db`.
    static QString defaultPath(const QString &profileId);
    /// A new random 32-byte cache key from QRandomGenerator::system() (the OS CSPRNG). Store it in the
    /// keychain under CredentialStore::cacheKeyEntry() before creating the file.
    static SecretBuffer newKey();

    /// Opens or creates the cache at `path` with the 32-byte `key`, creating the folder as needed, and
    /// migrates the schema. On failure returns nullptr and fills `error` (when given); the file is left
    /// as it was. A key of the wrong length gives WrongKeyOrCorrupt without touching the file.
    static std::unique_ptr<CacheStore> open(const QString &path, const SecretBuffer &key,
                                            CacheOpenError *error);
    /// "Rebuild from the server": renames the file at `path` to `<name>.unreadable-<yyyyMMddTHHmmssZ>`
    /// (UTC; never deletes it; a `-journal` file beside it moves along) and creates an empty cache there
    /// with `key`. Returns false with `error` filled when the rename fails (nothing changed) or the new
    /// file cannot be created (the old one stays under its new name).
    static bool moveAsideAndRecreate(const QString &path, const SecretBuffer &key, QString *error);

    QString path() const;

    /// The whole snapshot, in the order it was stored. Empty on a fresh cache. When a read fails (a page
    /// damaged since open()) it returns what it read so far and fills `error` (when given). Keys are
    /// parsed in chunks spread over the cores.
    CacheSnapshot load(QString *error = nullptr) const;
    /// Replaces the whole content in ONE transaction: on any failure nothing changes and `error` (when
    /// given) says why (e.g. a key with an empty or duplicate id, or an unmasked key; every key and the
    /// principal are checked, changed or not). It writes only the difference: rows no longer listed are
    /// deleted, new ones inserted, changed ones (another JSON text, told by the stored digest without
    /// reading the old JSON) updated. An unchanged row is rewritten only for its place: when it moved
    /// among the others (all but a longest run still in stored order get a new `ord`), or when the gap
    /// it must go into has no free `ord` value left, which renumbers the table. The principal and the
    /// sync time are written only when their text differs. load() then returns the snapshot in the order
    /// given here. When `cancel` is given and becomes true (from any thread) before the commit, it stops
    /// within one chunk of 4,096 objects, rolls back and reports "cancelled". Objects are serialised once, as
    /// compact JSON, in chunks spread over the cores. When `changes` is given it is filled with what the
    /// replacement changed (CacheChanges); left empty on failure. Figures: tests/bench.
    bool replaceAll(const CacheSnapshot &snapshot, QString *error, const std::atomic<bool> *cancel = nullptr,
                    CacheChanges *changes = nullptr);
    /// Inserts or replaces one key (after a create, update or rotate the server confirmed), keeping its
    /// place. A new key is appended after the existing ones.
    bool upsertKey(const ApiKey &key, QString *error = nullptr);
    /// Removes the keys with these ids (after deletes the server confirmed); unknown ids are ignored.
    bool removeKeys(const QStringList &ids, QString *error = nullptr);
    /// When the stored snapshot was synced (UTC); invalid when never.
    QDateTime lastSyncedAtUtc() const;

private:
    explicit CacheStore(std::unique_ptr<sql::Database> db);
    bool migrate(CacheOpenError *error);

    std::unique_ptr<sql::Database> m_db;
};

} // namespace pk
