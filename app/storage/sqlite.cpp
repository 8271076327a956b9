#include "storage/sqlite.h"

#include <QFile>
#include <QLoggingCategory>

#include <sqlite3.h>

#include <cstring>
#include <utility>

Q_LOGGING_CATEGORY(lcStorage, "pk.storage")

namespace pk::sql {

namespace {

constexpr qsizetype rawKeySize = 32;
const char plaintextHeader[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                  'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

SqlErrorKind kindOf(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return SqlErrorKind::None;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return SqlErrorKind::WrongKeyOrCorrupt;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return SqlErrorKind::Io;
    case SQLITE_CONSTRAINT:
        return SqlErrorKind::Constraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return SqlErrorKind::Busy;
    default:
        return SqlErrorKind::Other;
    }
}

} // namespace

bool hasPlaintextSqliteHeader(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = file.read(sizeof plaintextHeader);
    return head.size() == qsizetype(sizeof plaintextHeader) &&
           std::memcmp(head.constData(), plaintextHeader, sizeof plaintextHeader) == 0;
}

// ---- Statement ----

Statement::~Statement()
{
    finalize();
}

Statement::Statement(Statement &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_failed(std::exchange(other.m_failed, false))
{}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        finalize();
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_failed = std::exchange(other.m_failed, false);
    }
    return *this;
}

void Statement::finalize()
{
    if (m_stmt != nullptr)
        sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
}

void Statement::reset()
{
    if (m_stmt == nullptr)
        return;
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_failed = false;
}

Statement &Statement::bind(int index, const QString &text)
{
    if (text.isNull())
        return bindNull(index);
    const QByteArray utf8 = text.toUtf8();
    const int rc = sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        m_failed = true;
        m_db->fail(rc, QStringLiteral("bind text"));
    }
    return *this;
}

Statement &Statement::bindUtf8(int index, const QByteArray &utf8)
{
    if (utf8.isNull())
        return bindNull(index);
    const int rc = sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        m_failed = true;
        m_db->fail(rc, QStringLiteral("bind text"));
    }
    return *this;
}

Statement &Statement::bind(int index, qint64 value)
{
    const int rc = sqlite3_bind_int64(m_stmt, index, value);
    if (rc != SQLITE_OK) {
        m_failed = true;
        m_db->fail(rc, QStringLiteral("bind integer"));
    }
    return *this;
}

Statement &Statement::bindBlob(int index, const QByteArray &bytes)
{
    const int rc = sqlite3_bind_blob(m_stmt, index, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        m_failed = true;
        m_db->fail(rc, QStringLiteral("bind blob"));
    }
    return *this;
}

Statement &Statement::bindNull(int index)
{
    const int rc = sqlite3_bind_null(m_stmt, index);
    if (rc != SQLITE_OK) {
        m_failed = true;
        m_db->fail(rc, QStringLiteral("bind null"));
    }
    return *this;
}

bool Statement::next()
{
    if (m_stmt == nullptr || m_failed)
        return false;
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    m_failed = true;
    m_db->fail(
        rc, QString(QStringLiteral("step \"") + QString::fromUtf8(sqlite3_sql(m_stmt)) + QLatin1Char('"')));
    return false;
}

bool Statement::exec()
{
    while (next()) {
    }
    return !m_failed && m_stmt != nullptr;
}

QString Statement::columnText(int column) const
{
    if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL)
        return QString();
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, column));
}

QByteArray Statement::columnUtf8View(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (text == nullptr)
        return QByteArray();
    return QByteArray::fromRawData(text, sqlite3_column_bytes(m_stmt, column));
}

qint64 Statement::columnInt64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

QByteArray Statement::columnBlob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    return QByteArray(data, sqlite3_column_bytes(m_stmt, column));
}

bool Statement::columnIsNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

// ---- Database ----

Database::Database() = default;

Database::~Database()
{
    close();
}

void Database::close()
{
    m_cache.clear(); // finalises the cached statements before the connection goes
    if (m_db != nullptr)
        sqlite3_close_v2(m_db);
    m_db = nullptr;
}

bool Database::fail(int rc, const QString &what)
{
    m_lastError.kind = kindOf(rc);
    if (m_lastError.kind == SqlErrorKind::None)
        m_lastError.kind = SqlErrorKind::Other;
    m_lastError.code = rc;
    const char *text = m_db != nullptr ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    m_lastError.message = QString(what + QStringLiteral(": ") + QString::fromUtf8(text) +
                                  QStringLiteral(" (SQLite code ") + QString::number(rc) + QLatin1Char(')'));
    qCWarning(lcStorage).noquote() << m_path << m_lastError.message;
    return false;
}

bool Database::fail(SqlErrorKind kind, const QString &message)
{
    m_lastError.kind = kind;
    m_lastError.code = 0;
    m_lastError.message = message;
    qCWarning(lcStorage).noquote() << m_path << message;
    return false;
}

bool Database::open(const QString &path, const SecretBuffer &rawKey, bool create)
{
    close();
    clearError();
    m_path = path;

    if (rawKey.size() != rawKeySize)
        return fail(
            SqlErrorKind::WrongKeyOrCorrupt,
            QStringLiteral("the cache key is %1 bytes long, not %2").arg(rawKey.size()).arg(rawKeySize));
    if (hasPlaintextSqliteHeader(path))
        return fail(SqlErrorKind::PlaintextFile,
                    QStringLiteral("the file is an unencrypted SQLite database; refusing to use it"));
    if (!create && !QFile::exists(path))
        return fail(SqlErrorKind::Io, QStringLiteral("the file does not exist"));

    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        fail(rc, QStringLiteral("open"));
        close();
        return false;
    }
    sqlite3_extended_result_codes(m_db, 1);
    // Before the first read (the key probe below): another process writing the cache must make this one
    // wait up to 2 s, not fail with "database is locked".
    sqlite3_busy_timeout(m_db, 2000);

    // x'<64 hex>' makes SQLCipher use the 32 bytes as the raw key, with no KDF.
    {
        const SecretBuffer hex = rawKey.toHex();
        char literal[2 * rawKeySize + 3];
        literal[0] = 'x';
        literal[1] = '\'';
        std::memcpy(literal + 2, hex.data(), std::size_t(hex.size()));
        literal[sizeof literal - 1] = '\'';
        rc = sqlite3_key(m_db, literal, int(sizeof literal));
        wipeMemory(literal, sizeof literal);
    }
    if (rc != SQLITE_OK) {
        fail(rc, QStringLiteral("set key"));
        close();
        return false;
    }

    if (cipherVersion().isEmpty()) {
        if (!m_lastError.isError())
            fail(SqlErrorKind::NotEncryptedBuild,
                 QStringLiteral("PRAGMA cipher_version returned no row: this build is linked against "
                                "plain SQLite, not SQLCipher"));
        close();
        return false;
    }

    // The first statement that decrypts a page: a wrong key or a damaged header fails here.
    {
        Statement probe = prepare("SELECT count(*) FROM sqlite_master");
        if (!probe.isValid() || (!probe.next() && probe.hasError())) {
            close();
            return false;
        }
    }

    const QByteArray pragmas = QByteArray("PRAGMA foreign_keys = ON; PRAGMA secure_delete = OFF; "
                                          "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -") +
                               QByteArray::number(cacheSizeKiB) + ';';
    if (!exec(pragmas.constData())) {
        close();
        return false;
    }
    {
        Statement journal = prepare("PRAGMA journal_mode = DELETE");
        if (!journal.isValid() || (!journal.next() && journal.hasError())) {
            close();
            return false;
        }
    }
    return true;
}

bool Database::exec(const char *sql)
{
    if (m_db == nullptr)
        return fail(SqlErrorKind::Other, QStringLiteral("the database is not open"));
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
    sqlite3_free(message); // the same text is available from sqlite3_errmsg()
    if (rc != SQLITE_OK)
        return fail(rc, QString(QStringLiteral("exec \"") + QString::fromUtf8(sql) + QLatin1Char('"')));
    return true;
}

Statement Database::prepare(const char *sql)
{
    if (m_db == nullptr) {
        fail(SqlErrorKind::Other, QStringLiteral("the database is not open"));
        return Statement();
    }
    sqlite3_stmt *stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        fail(rc, QString(QStringLiteral("prepare \"") + QString::fromUtf8(sql) + QLatin1Char('"')));
        return Statement();
    }
    return Statement(this, stmt);
}

Statement *Database::cached(const char *sql)
{
    auto it = m_cache.find(sql);
    if (it != m_cache.end()) {
        it->second->reset();
        return it->second.get();
    }
    Statement statement = prepare(sql);
    if (!statement.isValid())
        return nullptr;
    auto owned = std::make_unique<Statement>(std::move(statement));
    Statement *raw = owned.get();
    m_cache.emplace(sql, std::move(owned));
    return raw;
}

int Database::userVersion()
{
    Statement statement = prepare("PRAGMA user_version");
    if (!statement.isValid() || !statement.next())
        return -1;
    return int(statement.columnInt64(0));
}

bool Database::setUserVersion(int version)
{
    const QByteArray sql = QByteArray("PRAGMA user_version = ") + QByteArray::number(version);
    return exec(sql.constData());
}

QString Database::cipherVersion()
{
    Statement statement = prepare("PRAGMA cipher_version");
    if (!statement.isValid() || !statement.next())
        return QString();
    return statement.columnText(0);
}

int Database::changes() const
{
    return m_db != nullptr ? sqlite3_changes(m_db) : 0;
}

qint64 Database::totalChanges() const
{
    return m_db != nullptr ? sqlite3_total_changes(m_db) : 0;
}

namespace {

void callFunction(sqlite3_context *context, int, sqlite3_value **args)
{
    if (sqlite3_value_type(args[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    // sqlite3_value_blob() before sqlite3_value_bytes(), as SQLite documents, so the length matches.
    const auto *data = static_cast<const char *>(sqlite3_value_blob(args[0]));
    const QByteArray bytes = QByteArray::fromRawData(data, sqlite3_value_bytes(args[0]));
    const auto fn = reinterpret_cast<QByteArray (*)(const QByteArray &)>(sqlite3_user_data(context));
    const QByteArray result = fn(bytes);
    sqlite3_result_blob(context, result.constData(), int(result.size()), SQLITE_TRANSIENT);
}

} // namespace

bool Database::createFunction(const char *name, QByteArray (*fn)(const QByteArray &bytes))
{
    const int rc =
        sqlite3_create_function_v2(m_db, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                   reinterpret_cast<void *>(fn), callFunction, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return fail(rc, QStringLiteral("create function %1").arg(QLatin1String(name)));
    clearError();
    return true;
}

// ---- Transaction ----

Transaction::Transaction(Database &db) : m_db(db)
{
    m_active = m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (m_active)
        rollback();
}

bool Transaction::commit()
{
    if (!m_active)
        return m_db.fail(SqlErrorKind::Other, QStringLiteral("commit without an active transaction"));
    if (!m_db.exec("COMMIT")) {
        rollback();
        return false;
    }
    m_active = false;
    return true;
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    // Keep the error that caused the rollback, not the rollback's own outcome.
    const SqlError cause = m_db.lastError();
    m_db.exec("ROLLBACK");
    if (cause.isError())
        m_db.m_lastError = cause;
}

} // namespace pk::sql
