#pragma once

// A thin RAII wrapper over the sqlite3 C API of SQLCipher: the key and the PRAGMAs are set in one open
// routine, statements are prepared once and reused, and every failure goes through one error path
// (Database::fail) that maps the SQLite result code to a SqlErrorKind and logs it under `pk.storage`.
// Never link Qt's QSQLITE driver into the same process (TOOLCHAIN.md): its sqlite3 symbols would bind
// silently in place of SQLCipher's.

#include "secrets/secretbuffer.h"

#include <QByteArray>
#include <QString>

#include <map>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace pk::sql {

/// What kind of failure a SQLite call reported.
enum class SqlErrorKind
{
    None,
    WrongKeyOrCorrupt, ///< SQLITE_NOTADB (26) or SQLITE_CORRUPT (11): the key does not read the file,
                       ///< or the file is damaged; SQLCipher cannot tell the two apart
    PlaintextFile,     ///< the file starts with `SQLite format 3\0`: an unencrypted database
    NotEncryptedBuild, ///< `PRAGMA cipher_version` returned no row: linked against plain SQLite
    Io,                ///< SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY, SQLITE_PERM
    Constraint,        ///< SQLITE_CONSTRAINT: a PRIMARY KEY, NOT NULL or CHECK rule refused a row
    Busy,              ///< SQLITE_BUSY / SQLITE_LOCKED after the busy timeout
    Other              ///< any other result code, or misuse (e.g. a statement that failed to prepare)
};

/// One failure: its kind, the SQLite result code (extended when known; 0 for checks of our own) and a
/// message naming the operation and SQLite's text. Never contains key material.
struct SqlError
{
    SqlErrorKind kind = SqlErrorKind::None;
    int code = 0;
    QString message;

    bool isError() const { return kind != SqlErrorKind::None; }
};

class Database;

/// A prepared statement. Bind indexes are 1-based, column indexes 0-based (as in the C API). Move-only;
/// finalised on destruction. Errors are recorded in the owning Database (Database::lastError()).
class Statement
{
public:
    Statement() = default;
    ~Statement();
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    bool isValid() const { return m_stmt != nullptr; }

    /// Resets the statement so it can run again and clears every binding.
    void reset();

    Statement &bind(int index, const QString &text); ///< a null QString binds NULL
    /// Binds `utf8` as TEXT without converting it (it must be valid UTF-8; SQLite copies it). A null
    /// QByteArray binds NULL.
    Statement &bindUtf8(int index, const QByteArray &utf8);
    Statement &bind(int index, qint64 value);
    Statement &bindBlob(int index, const QByteArray &bytes);
    Statement &bindNull(int index);

    /// Steps once. Returns true when a row is available; false when done or on error (see hasError()).
    bool next();
    /// Steps until done, for statements that return no rows. Returns false on error.
    bool exec();
    /// True when the last step failed.
    bool hasError() const { return m_failed; }

    QString columnText(int column) const; ///< NULL gives a null QString
    /// The column's TEXT as raw UTF-8 bytes without a copy (QByteArray::fromRawData): valid only until
    /// the next next(), reset() or destruction of the statement. Empty for NULL.
    QByteArray columnUtf8View(int column) const;
    qint64 columnInt64(int column) const;
    QByteArray columnBlob(int column) const;
    bool columnIsNull(int column) const;

private:
    friend class Database;
    Statement(Database *db, sqlite3_stmt *stmt) : m_db(db), m_stmt(stmt) {}
    void finalize();

    Database *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    bool m_failed = false;
};

/// An SQLCipher connection to one file.
class Database
{
public:
    /// The page cache of one connection, in KiB. SQLite's default (2000 pages, 2 MB with SQLCipher 3's
    /// 1 KiB pages) is far smaller than the id index of 100,000 keys, so a bulk replace evicted, re-read
    /// and re-decrypted index pages over and over; the cache only grows to this size when a transaction
    /// needs it.
    static constexpr int cacheSizeKiB = 32 * 1024;

    Database();
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    /// Opens `path` (creating it when `create` is true and it does not exist) with `rawKey`, exactly 32
    /// bytes, given to sqlite3_key() as the blob literal `x'<64 hex>'` so no KDF runs. In order it:
    ///  1. refuses a file whose first 16 bytes are `SQLite format 3\0` (PlaintextFile);
    ///  2. opens with SQLITE_OPEN_READWRITE [| SQLITE_OPEN_CREATE] and keys the connection;
    ///  3. checks `PRAGMA cipher_version` returns a row (NotEncryptedBuild otherwise);
    ///  4. runs `SELECT count(*) FROM sqlite_master`, the first read that decrypts a page; SQLITE_NOTADB
    ///     there means WrongKeyOrCorrupt;
    ///  5. sets `PRAGMA foreign_keys = ON`, `secure_delete = OFF`, `temp_store = MEMORY`,
    ///     `cache_size = -cacheSizeKiB` and `journal_mode = DELETE`, plus a 2000 ms busy timeout.
    ///     secure_delete is off on purpose: every page of the file, free or not, is SQLCipher ciphertext,
    ///     and the cache holds no secrets (CacheStore refuses them), so zeroing freed pages would only
    ///     double the writes of a bulk replace (each freed page overwritten and journalled). No cipher_*
    ///     PRAGMA is set, so each SQLCipher version (3.4 on Debian 12, 4.x elsewhere) uses its own defaults
    ///     for new files.
    /// Returns false and fills lastError() on failure; the file is then closed and left untouched.
    bool open(const QString &path, const SecretBuffer &rawKey, bool create);
    bool isOpen() const { return m_db != nullptr; }
    void close();
    QString path() const { return m_path; }

    /// Runs one or more SQL statements that take no parameters. Returns false on error.
    bool exec(const char *sql);
    /// Prepares `sql` into a statement owned by the caller; an invalid Statement on error.
    Statement prepare(const char *sql);
    /// A statement prepared once per connection and reused: reset and cleared before it is returned.
    /// `sql` must be a string literal (its address keys the cache). nullptr on error.
    Statement *cached(const char *sql);

    /// `PRAGMA user_version`: the schema version; -1 on error.
    int userVersion();
    bool setUserVersion(int version);
    /// The SQLCipher version string (e.g. "3.4.1"), empty when not an SQLCipher build or not open.
    QString cipherVersion();
    /// Number of rows changed by the last INSERT/UPDATE/DELETE.
    int changes() const;
    /// Number of rows inserted, updated or deleted on this connection since it was opened
    /// (sqlite3_total_changes; rolled-back statements count too).
    qint64 totalChanges() const;
    /// Registers the deterministic SQL function `name(x)` on this connection: it returns `fn` of x's
    /// bytes (TEXT as UTF-8) as a BLOB, and NULL for a NULL x. `name` must be a string literal. Returns
    /// false and fills lastError() when SQLite refuses it.
    bool createFunction(const char *name, QByteArray (*fn)(const QByteArray &bytes));

    /// The last failure; kind None when the last operation succeeded.
    const SqlError &lastError() const { return m_lastError; }
    void clearError() { m_lastError = SqlError(); }

    /// The one error path: records `rc` (with sqlite3_errmsg when open) under `what`, logs it, and
    /// returns false. Used by Statement and Transaction too.
    bool fail(int rc, const QString &what);
    /// Records an error of our own (code 0).
    bool fail(SqlErrorKind kind, const QString &message);

private:
    friend class Statement;
    friend class Transaction;
    sqlite3 *m_db = nullptr;
    QString m_path;
    SqlError m_lastError;
    std::map<const char *, std::unique_ptr<Statement>> m_cache;
};

/// A write transaction (BEGIN IMMEDIATE) that rolls back on destruction unless commit() succeeded.
class Transaction
{
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    /// True when BEGIN succeeded and neither commit() nor rollback() ran yet.
    bool isActive() const { return m_active; }
    /// Commits; returns false (and rolls back) on error.
    bool commit();
    /// Rolls back now.
    void rollback();

private:
    Database &m_db;
    bool m_active = false;
};

/// True when the first 16 bytes of the file at `path` are the plaintext SQLite header
/// `SQLite format 3\0`. False for a missing, short or encrypted file.
bool hasPlaintextSqliteHeader(const QString &path);

} // namespace pk::sql
