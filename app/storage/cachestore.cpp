#include "storage/cachestore.h"

#include "storage/sqlite.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSet>
#include <QStandardPaths>
#include <QThread>

#include <algorithm>
#include <future>
#include <limits>
#include <optional>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

namespace pk {

namespace {

constexpr qsizetype cacheKeySize = 32;

// Schema migrations: entry i brings user_version i to i + 1. Objects are kept whole as JSON; the other
// columns exist for lookups and ordering (`ord` keeps the server's order).
const char *const migrations[] = {
    // 0 -> 1
    "CREATE TABLE meta(name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
    "CREATE TABLE workspaces(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
    " slug TEXT, name TEXT, json TEXT NOT NULL);"
    "CREATE TABLE api_keys(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
    " workspace TEXT, type TEXT, name TEXT, json TEXT NOT NULL);"
    "CREATE INDEX api_keys_workspace ON api_keys(workspace);"
    "CREATE INDEX api_keys_type ON api_keys(type);"
    "CREATE INDEX api_keys_name ON api_keys(name);"
    "CREATE INDEX api_keys_ord ON api_keys(ord);"
    "CREATE TABLE users(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
    " email TEXT, name TEXT, json TEXT NOT NULL);"
    "CREATE TABLE members(ord INTEGER NOT NULL, workspace TEXT NOT NULL CHECK(workspace <> ''),"
    " id TEXT NOT NULL CHECK(id <> ''), name TEXT, json TEXT NOT NULL, PRIMARY KEY(workspace, id));",
    // 1 -> 2: no query filters or orders keys by workspace, type or name (the models do, in memory), and
    // each of these indexes cost a random-order B-tree insert per key on every replaceAll().
    "DROP INDEX api_keys_workspace;"
    "DROP INDEX api_keys_type;"
    "DROP INDEX api_keys_name;",
    // 2 -> 3: each object's digest (pk_digest(): digestOf() of its JSON text) is stored beside it, and
    // `ord` values are spread kOrdGap (2^20) apart so rows can be placed between others. The index of
    // api_keys covers ord, id and digest, so replaceAll() reads what it compares from the index alone
    // (a key's row fills most of a page: reading one column of the table reads the whole file). Each
    // table is copied in its order, so rowids follow `ord`.
    "CREATE TABLE workspaces3(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
    " digest BLOB NOT NULL, slug TEXT, name TEXT, json TEXT NOT NULL);"
    "INSERT INTO workspaces3 SELECT ord * 1048576, id, pk_digest(json), slug, name, json FROM workspaces"
    " ORDER BY ord;"
    "DROP TABLE workspaces;"
    "ALTER TABLE workspaces3 RENAME TO workspaces;"
    "CREATE TABLE api_keys3(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
    " digest BLOB NOT NULL, workspace TEXT, type TEXT, name TEXT, json TEXT NOT NULL);"
    "INSERT INTO api_keys3 SELECT ord * 1048576, id, pk_digest(json), workspace, type, name, json"
    " FROM api_keys ORDER BY ord;"
    "DROP TABLE api_keys;"
    "ALTER TABLE api_keys3 RENAME TO api_keys;"
    "CREATE INDEX api_keys_ord ON api_keys(ord, id, digest);"
    "CREATE TABLE users3(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
    " digest BLOB NOT NULL, email TEXT, name TEXT, json TEXT NOT NULL);"
    "INSERT INTO users3 SELECT ord * 1048576, id, pk_digest(json), email, name, json FROM users ORDER BY ord;"
    "DROP TABLE users;"
    "ALTER TABLE users3 RENAME TO users;"
    "CREATE TABLE members3(ord INTEGER NOT NULL, workspace TEXT NOT NULL CHECK(workspace <> ''),"
    " id TEXT NOT NULL CHECK(id <> ''), digest BLOB NOT NULL, name TEXT, json TEXT NOT NULL,"
    " PRIMARY KEY(workspace, id));"
    "INSERT INTO members3 SELECT ord * 1048576, workspace, id, pk_digest(json), name, json FROM members"
    " ORDER BY ord;"
    "DROP TABLE members;"
    "ALTER TABLE members3 RENAME TO members;",
};
static_assert(sizeof migrations / sizeof migrations[0] == CacheStore::schemaVersion,
              "one migration per schema version");

const char *const metaSyncedAt = "synced_at_utc";
const char *const metaPrincipal = "principal";

// Objects are stored as compact UTF-8 JSON and bound and read as bytes: no QString round trip.
QByteArray toUtf8Json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject fromUtf8Json(const QByteArray &utf8)
{
    return QJsonDocument::fromJson(utf8).object();
}

// The cache never holds a secret. Keys carry only the masked form the list endpoint returns (ADMIN-API.md
// "Secret handling", e.g. `Xk*******S4`). A secret-named member (`key`, `api_key`, `secret`) whose text has
// no mask character, at any depth, means a full secret slipped in (e.g. a create reply parsed as ApiKey).
bool isSecretName(const QString &name)
{
    return name == QLatin1String("key") || name == QLatin1String("api_key") ||
           name == QLatin1String("secret");
}

bool holdsSecret(const QJsonValue &value, bool secretNamed)
{
    if (value.isString())
        return secretNamed && !value.toString().isEmpty() && !value.toString().contains(QLatin1Char('*'));
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &item : array) {
            if (holdsSecret(item, secretNamed))
                return true;
        }
        return false;
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (holdsSecret(it.value(), isSecretName(it.key())))
                return true;
        }
    }
    return false;
}

QString keySecretRefusal(const QString &keyId)
{
    qCCritical(lcStorage).noquote() << "refused to cache key" << keyId << ": unmasked secret";
    return QObject::tr("Key %1 carries an unmasked secret; the cache stores masked keys only.").arg(keyId);
}

// Empty when the principal holds nothing that looks like a secret; otherwise the refusal message.
QString principalSecretRefusal(const QJsonObject &principal)
{
    if (!holdsSecret(principal, false))
        return QString();
    qCCritical(lcStorage).noquote() << "refused to cache the principal: unmasked secret";
    return QObject::tr("The principal carries an unmasked secret; the cache stores no secrets.");
}

// `ord` values are spread this far apart (2^20) so that replaceAll() can place a new or moved row between
// two others without renumbering the rows around it. Migration 2 -> 3 spreads older files the same way
// (its SQL multiplies by 1048576).
constexpr qint64 kOrdGap = qint64(1) << 20;
// Every stored `ord` stays within ±kOrdLimit, so differences and steps of kOrdGap never overflow.
constexpr qint64 kOrdLimit = qint64(1) << 61;

// The digest stored beside each object: BLAKE2b-160 (20 bytes) of its JSON text. It tells a changed object
// from an unchanged one without reading the old text; it is stable across processes, machines and Qt
// versions.
QByteArray digestOf(const QByteArray &json)
{
    return QCryptographicHash::hash(json, QCryptographicHash::Blake2b_160);
}

// New `ord` values for a table's rows in their new order, given the stored `ord` of each (none for a row
// not stored yet). The largest set of rows whose stored values already increase in the new order (a
// longest increasing subsequence) keeps them; every other row gets values spaced evenly inside the gap
// around it. When a gap has no room left, every row is renumbered (i * kOrdGap).
std::vector<qint64> assignOrds(const std::vector<std::optional<qint64>> &stored)
{
    const std::size_t n = stored.size();
    const auto renumbered = [n]() {
        std::vector<qint64> ords(n);
        for (std::size_t i = 0; i < n; ++i)
            ords[i] = qint64(i) * kOrdGap;
        return ords;
    };
    // Patience sorting: tails[k] is the index of the smallest last value of an increasing run of length
    // k + 1; prev[i] is the index before i in the run ending at i.
    constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> tails;
    std::vector<std::size_t> prev(n, none);
    for (std::size_t i = 0; i < n; ++i) {
        if (!stored[i])
            continue;
        if (*stored[i] < -kOrdLimit || *stored[i] > kOrdLimit)
            return renumbered();
        const auto pos = std::lower_bound(tails.begin(), tails.end(), *stored[i],
                                          [&stored](std::size_t t, qint64 v) { return *stored[t] < v; });
        prev[i] = pos == tails.begin() ? none : *(pos - 1);
        if (pos == tails.end())
            tails.push_back(i);
        else
            *pos = i;
    }
    std::vector<bool> keep(n, false);
    for (std::size_t i = tails.empty() ? none : tails.back(); i != none; i = prev[i])
        keep[i] = true;

    std::vector<qint64> ords(n);
    std::optional<qint64> low; // the kept value before the current run
    for (std::size_t i = 0; i < n;) {
        if (keep[i]) {
            ords[i] = *stored[i];
            low = ords[i];
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < n && !keep[end])
            ++end;
        const qint64 count = qint64(end - i);
        qint64 first = 0;
        qint64 step = kOrdGap;
        if (end == n && low) { // after the last kept row
            if (kOrdLimit - *low < step * count)
                return renumbered();
            first = *low + step;
        } else if (end < n && !low) { // before the first kept row
            if (*stored[end] + kOrdLimit < step * count)
                return renumbered();
            first = *stored[end] - step * count;
        } else if (end < n) { // between two kept rows
            step = (*stored[end] - *low) / (count + 1);
            if (step < 1)
                return renumbered();
            first = *low + step;
        }
        for (qint64 k = 0; k < count; ++k)
            ords[i + std::size_t(k)] = first + step * k;
        i = end;
    }
    return ords;
}

// Keys are serialised and parsed in chunks of this many, each chunk spread over the cores: building and
// parsing JSON costs several times more than SQLCipher's work per key, and objects are independent.
constexpr qsizetype kChunk = 4096;

// fn(items[i]) for every i, on up to QThread::idealThreadCount() threads (the calling one included), in
// contiguous slices; returns the results in order once all are done. `fn` must be safe to run on several
// threads at once (it only reads shared data).
template <typename In, typename Fn>
auto mapParallel(const In *items, qsizetype count, const Fn &fn) -> std::vector<decltype(fn(*items))>
{
    std::vector<decltype(fn(*items))> out(std::size_t(std::max<qsizetype>(count, 0)));
    const qsizetype threads = std::clamp<qsizetype>(QThread::idealThreadCount(), 1, 8);
    const qsizetype slice = std::max<qsizetype>((count + threads - 1) / threads, 256);
    const auto work = [&out, items, count, slice, &fn](qsizetype begin) {
        for (qsizetype i = begin; i < std::min(count, begin + slice); ++i)
            out[std::size_t(i)] = fn(items[i]);
    };
    std::vector<std::future<void>> others;
    for (qsizetype begin = slice; begin < count; begin += slice)
        others.push_back(std::async(std::launch::async, work, begin));
    work(0);
    for (std::future<void> &f : others)
        f.get();
    return out;
}

// `SELECT json FROM api_keys ORDER BY ord` into `keys`, parsing a chunk on all cores while SQLite waits.
// False on a read error (the keys before it are kept).
bool readKeys(sql::Database &db, QList<ApiKey> *keys)
{
    sql::Statement *s = db.cached("SELECT json FROM api_keys ORDER BY ord");
    if (s == nullptr)
        return false;
    std::vector<QByteArray> texts;
    texts.reserve(std::size_t(kChunk));
    bool more = true;
    while (more) {
        texts.clear();
        while (qsizetype(texts.size()) < kChunk && (more = s->next())) {
            const QByteArray view = s->columnUtf8View(0);
            texts.emplace_back(view.constData(), view.size()); // a copy: the view ends at the next step
        }
        std::vector<ApiKey> parsed =
            mapParallel(texts.data(), qsizetype(texts.size()),
                        [](const QByteArray &t) { return ApiKey::fromJson(fromUtf8Json(t)); });
        for (ApiKey &k : parsed)
            keys->append(std::move(k));
    }
    return !s->hasError();
}

void setError(QString *error, const QString &text)
{
    if (error != nullptr)
        *error = text;
}

CacheOpenError openError(CacheError kind, const QString &message, bool canRebuild)
{
    CacheOpenError e;
    e.kind = kind;
    e.message = message;
    e.canRebuild = canRebuild;
    return e;
}

CacheOpenError fromSqlError(const sql::SqlError &sqlError, const QString &path)
{
    const QString name = QDir::toNativeSeparators(path);
    switch (sqlError.kind) {
    case sql::SqlErrorKind::WrongKeyOrCorrupt:
        return openError(
            CacheError::WrongKeyOrCorrupt,
            QObject::tr("The offline cache %1 cannot be read: the cache key in the keychain does "
                        "not match it, or the file is damaged. Rebuild it from the server; the "
                        "unreadable file is kept beside it.")
                .arg(name),
            true);
    case sql::SqlErrorKind::PlaintextFile:
        return openError(
            CacheError::PlaintextFile,
            QObject::tr("The offline cache %1 is an unencrypted SQLite file and will not be used. "
                        "Rebuild it from the server; the file is kept beside it.")
                .arg(name),
            true);
    case sql::SqlErrorKind::NotEncryptedBuild:
        return openError(CacheError::NotEncryptedBuild,
                         QObject::tr("This build is linked against plain SQLite instead of SQLCipher and "
                                     "cannot keep an encrypted cache. Install a build linked against "
                                     "SQLCipher."),
                         false);
    case sql::SqlErrorKind::Io:
    case sql::SqlErrorKind::Busy:
        return openError(CacheError::Io,
                         QObject::tr("The offline cache %1 cannot be opened or written (%2). Check the "
                                     "folder's permissions and free space, and that no other copy of the "
                                     "app uses this profile.")
                             .arg(name, sqlError.message),
                         false);
    case sql::SqlErrorKind::None:
    case sql::SqlErrorKind::Constraint:
    case sql::SqlErrorKind::Other:
        break;
    }
    return openError(
        CacheError::Schema,
        QObject::tr("The offline cache %1 could not be prepared (%2). Rebuild it from the server.")
            .arg(name, sqlError.message),
        true);
}

// One object ready to store: its compact JSON and digest, or `secret` when it holds an unmasked secret
// (then neither is computed).
struct Encoded
{
    QByteArray json;
    QByteArray digest;
    bool secret = false;
};

Encoded encodeObject(const QJsonObject &object, bool refuseSecrets)
{
    Encoded encoded;
    encoded.secret = refuseSecrets && holdsSecret(object, false);
    if (!encoded.secret) {
        encoded.json = toUtf8Json(object);
        encoded.digest = digestOf(encoded.json);
    }
    return encoded;
}

// A member as replaceAll() stores it: with the workspace it belongs to.
struct MemberRow
{
    QString workspace;
    const WorkspaceMember *member = nullptr;
};

// How each table stores its objects, for writeRows(). `select` reads the rowid, ord, digest and identity
// column(s) of every row (api_keys from its covering index, the small tables from the table); `insert` and
// `update` take ?1 ord, ?2 digest, the columns bind() fills from ?3 on, and the JSON just before the
// rowid; `update`, `move` (?1 ord, ?2 rowid) and `remove` address a row by its rowid.
struct WorkspaceRows
{
    using Item = Workspace;
    static constexpr const char *select = "SELECT rowid, ord, digest, id FROM workspaces";
    static constexpr const char *insert =
        "INSERT INTO workspaces(ord, digest, id, slug, name, json) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
    static constexpr const char *update =
        "UPDATE workspaces SET ord = ?1, digest = ?2, slug = ?4, name = ?5, json = ?6 WHERE rowid = ?7";
    static constexpr int rowidParam = 7;
    static constexpr const char *move = "UPDATE workspaces SET ord = ? WHERE rowid = ?";
    static constexpr const char *remove = "DELETE FROM workspaces WHERE rowid = ?";
    static QString identity(const Workspace &w) { return w.id; }
    static QString storedIdentity(const sql::Statement &s) { return s.columnText(3); }
    static Encoded encode(const Workspace &w) { return encodeObject(w.toJson(), false); }
    static void bind(sql::Statement &s, const Workspace &w)
    {
        s.bind(3, w.id).bind(4, w.slug).bind(5, w.name);
    }
    static QString label(const Workspace &w) { return QStringLiteral("workspace \"%1\"").arg(w.id); }
};

struct KeyRows
{
    using Item = ApiKey;
    // ORDER BY ord reads the covering index api_keys_ord, not the table.
    static constexpr const char *select = "SELECT rowid, ord, digest, id FROM api_keys ORDER BY ord";
    static constexpr const char *insert = "INSERT INTO api_keys(ord, digest, id, workspace, type, name, json)"
                                          " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    static constexpr const char *update =
        "UPDATE api_keys SET ord = ?1, digest = ?2, workspace = ?4, type = ?5,"
        " name = ?6, json = ?7 WHERE rowid = ?8";
    static constexpr int rowidParam = 8;
    static constexpr const char *move = "UPDATE api_keys SET ord = ? WHERE rowid = ?";
    static constexpr const char *remove = "DELETE FROM api_keys WHERE rowid = ?";
    static QString identity(const ApiKey &k) { return k.id; }
    static QString storedIdentity(const sql::Statement &s) { return s.columnText(3); }
    static Encoded encode(const ApiKey &k) { return encodeObject(k.toJson(), true); }
    static void bind(sql::Statement &s, const ApiKey &k)
    {
        s.bind(3, k.id).bind(4, k.workspaceId).bind(5, k.type).bind(6, k.name);
    }
    static QString label(const ApiKey &k) { return QStringLiteral("API key \"%1\"").arg(k.id); }
};

struct UserRows
{
    using Item = User;
    static constexpr const char *select = "SELECT rowid, ord, digest, id FROM users";
    static constexpr const char *insert =
        "INSERT INTO users(ord, digest, id, email, name, json) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
    static constexpr const char *update =
        "UPDATE users SET ord = ?1, digest = ?2, email = ?4, name = ?5, json = ?6 WHERE rowid = ?7";
    static constexpr int rowidParam = 7;
    static constexpr const char *move = "UPDATE users SET ord = ? WHERE rowid = ?";
    static constexpr const char *remove = "DELETE FROM users WHERE rowid = ?";
    static QString identity(const User &u) { return u.id; }
    static QString storedIdentity(const sql::Statement &s) { return s.columnText(3); }
    static Encoded encode(const User &u) { return encodeObject(u.toJson(), false); }
    static void bind(sql::Statement &s, const User &u)
    {
        s.bind(3, u.id).bind(4, u.email).bind(5, u.displayName());
    }
    static QString label(const User &u) { return QStringLiteral("user \"%1\"").arg(u.id); }
};

struct MemberRows
{
    using Item = MemberRow;
    static constexpr const char *select = "SELECT rowid, ord, digest, workspace, id FROM members";
    static constexpr const char *insert =
        "INSERT INTO members(ord, digest, workspace, id, name, json) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
    static constexpr const char *update =
        "UPDATE members SET ord = ?1, digest = ?2, name = ?5, json = ?6 WHERE rowid = ?7";
    static constexpr int rowidParam = 7;
    static constexpr const char *move = "UPDATE members SET ord = ? WHERE rowid = ?";
    static constexpr const char *remove = "DELETE FROM members WHERE rowid = ?";
    // The length prefix keeps (workspace, id) pairs apart whatever characters they hold.
    static QString identity(const QString &workspace, const QString &id)
    {
        return QString(QString::number(workspace.size()) + QLatin1Char(':') + workspace + id);
    }
    static QString identity(const MemberRow &m) { return identity(m.workspace, m.member->id); }
    static QString storedIdentity(const sql::Statement &s)
    {
        return identity(s.columnText(3), s.columnText(4));
    }
    static Encoded encode(const MemberRow &m) { return encodeObject(m.member->toJson(), false); }
    static void bind(sql::Statement &s, const MemberRow &m)
    {
        s.bind(3, m.workspace).bind(4, m.member->id).bind(5, m.member->displayName());
    }
    static QString label(const MemberRow &m)
    {
        return QStringLiteral("member \"%1\" of workspace \"%2\"").arg(m.member->id, m.workspace);
    }
};

// What replaceAll() needs while it writes: the connection, the cancel flag and where errors go.
struct WriteContext
{
    sql::Database &db;
    const std::atomic<bool> *cancel;
    QString *error;
    QString path;

    // Reports a failure of `what` (kind and id of the row, when known) and returns false.
    bool fail(const QString &what = QString(), const QString &reason = QString()) const;
    // True (with the error set) when the caller asked to cancel.
    bool cancelled() const;
};

// What writeRows() found, by identity; lists may be null when nobody asks.
struct RowChanges
{
    QStringList *added = nullptr;
    QStringList *changed = nullptr;
    QStringList *removed = nullptr;
};

// Brings table `T` from its stored rows to `items` (in that order) inside the caller's transaction,
// writing only what differs: removed rows are deleted, new ones inserted, changed ones (another digest)
// updated, and unchanged ones given a new `ord` only when their place among the others changed
// (assignOrds()). Objects are encoded in chunks of kChunk on all cores; `cancel` is checked before each.
// False (with the error set) on a duplicate identity, an unmasked secret, a refused row or a cancel.
template <typename T>
bool writeRows(const WriteContext &c, const typename T::Item *items, qsizetype count, const RowChanges &out)
{
    struct Stored
    {
        qint64 rowid = 0;
        qint64 ord = 0;
        QByteArray digest;
    };
    QHash<QString, Stored> stored;
    sql::Statement *select = c.db.cached(T::select);
    if (select == nullptr)
        return c.fail();
    while (select->next())
        stored.insert(T::storedIdentity(*select),
                      Stored{select->columnInt64(0), select->columnInt64(1), select->columnBlob(2)});
    if (select->hasError())
        return c.fail();

    // Each new row's stored counterpart (null when it is new).
    std::vector<const Stored *> match(std::size_t(count), nullptr);
    std::vector<std::optional<qint64>> storedOrds(static_cast<std::size_t>(count));
    QSet<QString> listed;
    listed.reserve(count);
    for (qsizetype i = 0; i < count; ++i) {
        const QString id = T::identity(items[i]);
        if (listed.contains(id))
            return c.fail(T::label(items[i]), QObject::tr("listed twice"));
        listed.insert(id);
        const auto it = stored.constFind(id);
        if (it != stored.constEnd()) {
            match[std::size_t(i)] = &it.value();
            storedOrds[std::size_t(i)] = it->ord;
        }
    }

    // Removed rows first (in their stored order), so their pages are reused by the inserts.
    std::vector<std::pair<qint64, QString>> gone;
    for (auto it = stored.constBegin(); it != stored.constEnd(); ++it) {
        if (!listed.contains(it.key()))
            gone.emplace_back(it->ord, it.key());
    }
    std::sort(gone.begin(), gone.end());
    sql::Statement *remove = c.db.cached(T::remove);
    if (remove == nullptr)
        return c.fail();
    for (std::size_t n = 0; n < gone.size(); ++n) {
        const QString &id = gone[n].second;
        if (n % std::size_t(kChunk) == 0 && c.cancelled())
            return false;
        remove->reset();
        remove->bind(1, stored.value(id).rowid);
        if (!remove->exec())
            return c.fail();
        if (out.removed != nullptr)
            out.removed->append(id);
    }

    const std::vector<qint64> ords = assignOrds(storedOrds);
    sql::Statement *insert = c.db.cached(T::insert);
    sql::Statement *update = c.db.cached(T::update);
    sql::Statement *move = c.db.cached(T::move);
    if (insert == nullptr || update == nullptr || move == nullptr)
        return c.fail();
    for (qsizetype begin = 0; begin < count; begin += kChunk) {
        if (c.cancelled())
            return false;
        const qsizetype size = std::min(kChunk, count - begin);
        const std::vector<Encoded> encoded = mapParallel(items + begin, size, T::encode);
        for (qsizetype i = 0; i < size; ++i) {
            const typename T::Item &item = items[begin + i];
            const Encoded &e = encoded[std::size_t(i)];
            const Stored *old = match[std::size_t(begin + i)];
            const qint64 ord = ords[std::size_t(begin + i)];
            if (e.secret) {
                setError(c.error, keySecretRefusal(T::identity(item)));
                return false;
            }
            if (old != nullptr && old->digest == e.digest) {
                if (old->ord == ord)
                    continue;
                move->reset();
                move->bind(1, ord).bind(2, old->rowid);
                if (!move->exec())
                    return c.fail(T::label(item));
                continue;
            }
            sql::Statement *write = old != nullptr ? update : insert;
            write->reset();
            write->bind(1, ord).bindBlob(2, e.digest);
            T::bind(*write, item);
            write->bindUtf8(T::rowidParam - 1, e.json);
            if (old != nullptr)
                write->bind(T::rowidParam, old->rowid);
            if (!write->exec())
                return c.fail(T::label(item));
            QStringList *list = old != nullptr ? out.changed : out.added;
            if (list != nullptr)
                list->append(T::identity(item));
        }
    }
    return true;
}

bool WriteContext::fail(const QString &what, const QString &reason) const
{
    const QString why = reason.isEmpty() ? db.lastError().message : reason;
    setError(error, what.isEmpty() ? why : QString(what + QStringLiteral(": ") + why));
    qCWarning(lcStorage).noquote() << "replacing the cache" << path << "failed; nothing changed";
    return false;
}

bool WriteContext::cancelled() const
{
    if (cancel == nullptr || !cancel->load())
        return false;
    setError(error, QObject::tr("Writing the cache was cancelled; it is unchanged."));
    qCInfo(lcStorage).noquote() << "replacing the cache" << path << "cancelled; nothing changed";
    return true;
}

} // namespace

CacheStore::CacheStore(std::unique_ptr<sql::Database> db) : m_db(std::move(db)) {}

CacheStore::~CacheStore() = default;

QString CacheStore::defaultPath(const QString &profileId)
{
    return QString(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                   QStringLiteral("/cache/") + profileId + QStringLiteral(".db"));
}

SecretBuffer CacheStore::newKey()
{
    quint32 words[cacheKeySize / sizeof(quint32)];
    QRandomGenerator::system()->fillRange(words);
    SecretBuffer key(reinterpret_cast<const char *>(words), cacheKeySize);
    wipeMemory(words, sizeof words);
    return key;
}

QString CacheStore::path() const
{
    return m_db->path();
}

std::unique_ptr<CacheStore> CacheStore::open(const QString &path, const SecretBuffer &key,
                                             CacheOpenError *error)
{
    CacheOpenError local;
    CacheOpenError &err = error != nullptr ? *error : local;
    err = CacheOpenError();

    if (key.size() != cacheKeySize) {
        err = openError(CacheError::WrongKeyOrCorrupt,
                        QObject::tr("The cache key in the keychain is %1 bytes long instead of %2. Rebuild "
                                    "the offline cache from the server.")
                            .arg(key.size())
                            .arg(cacheKeySize),
                        true);
        return nullptr;
    }
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        err = openError(CacheError::Io,
                        QObject::tr("The folder %1 for the offline cache cannot be created. Check its "
                                    "permissions.")
                            .arg(QDir::toNativeSeparators(info.absolutePath())),
                        false);
        return nullptr;
    }

    auto db = std::make_unique<sql::Database>();
    if (!db->open(path, key, true)) {
        err = fromSqlError(db->lastError(), path);
        return nullptr;
    }
    // open() decrypted only the first page; quick_check reads every page, so damage anywhere in the file
    // (a failed page HMAC) is reported now rather than halfway through a load.
    {
        sql::Statement check = db->prepare("PRAGMA quick_check");
        const bool row = check.isValid() && check.next();
        if (!row || check.columnText(0) != QLatin1String("ok")) {
            sql::SqlError sqlError = db->lastError();
            if (!sqlError.isError())
                sqlError = {sql::SqlErrorKind::WrongKeyOrCorrupt, 0,
                            row ? check.columnText(0) : QStringLiteral("quick_check returned nothing")};
            err = fromSqlError(sqlError, path);
            return nullptr;
        }
    }

    std::unique_ptr<CacheStore> store(new CacheStore(std::move(db)));
    if (!store->migrate(&err))
        return nullptr;
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    qCDebug(lcStorage).noquote() << "opened cache" << path << "schema" << schemaVersion;
    return store;
}

bool CacheStore::migrate(CacheOpenError *error)
{
    const int version = m_db->userVersion();
    if (version < 0) {
        *error = fromSqlError(m_db->lastError(), path());
        return false;
    }
    if (version > schemaVersion) {
        *error = openError(CacheError::Schema,
                           QObject::tr("The offline cache %1 was written by a newer version of Portkey Key "
                                       "Manager (schema %2; this version reads up to %3). Rebuild it from "
                                       "the server; the file is kept beside it.")
                               .arg(QDir::toNativeSeparators(path()))
                               .arg(version)
                               .arg(schemaVersion),
                           true);
        return false;
    }
    for (int v = version; v < schemaVersion; ++v) {
        sql::Transaction transaction(*m_db);
        if (!transaction.isActive() || !m_db->createFunction("pk_digest", digestOf) ||
            !m_db->exec(migrations[v]) || !m_db->setUserVersion(v + 1) || !transaction.commit()) {
            const sql::SqlError cause = m_db->lastError();
            CacheOpenError e = fromSqlError(cause, path());
            if (cause.kind != sql::SqlErrorKind::Io && cause.kind != sql::SqlErrorKind::Busy) {
                e.kind = CacheError::Schema;
                e.message = QObject::tr("Updating the offline cache %1 to schema %2 failed (%3). Rebuild it "
                                        "from the server.")
                                .arg(QDir::toNativeSeparators(path()))
                                .arg(v + 1)
                                .arg(cause.message);
                e.canRebuild = true;
            }
            *error = e;
            return false;
        }
        qCInfo(lcStorage).noquote() << "migrated cache" << path() << "to schema" << v + 1;
    }
    return true;
}

bool CacheStore::moveAsideAndRecreate(const QString &path, const SecretBuffer &key, QString *error)
{
    if (QFile::exists(path)) {
        const QString stamp =
            QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
        QString target = QString(path + QStringLiteral(".unreadable-") + stamp);
        for (int n = 2; QFile::exists(target); ++n)
            target = QString(path + QStringLiteral(".unreadable-") + stamp + QLatin1Char('-') +
                             QString::number(n));
        if (!QFile::rename(path, target)) {
            setError(error, QObject::tr("The unreadable cache %1 could not be moved aside to %2; nothing was "
                                        "changed. Check the folder's permissions.")
                                .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(target)));
            return false;
        }
        // A rollback journal belongs to the old file; left in place it would be replayed into the new one.
        const QString journal = QString(path + QStringLiteral("-journal"));
        if (QFile::exists(journal))
            QFile::rename(journal, QString(target + QStringLiteral("-journal")));
        qCWarning(lcStorage).noquote() << "moved unreadable cache" << path << "to" << target;
    }
    CacheOpenError openErr;
    if (!open(path, key, &openErr)) {
        setError(error, openErr.message);
        return false;
    }
    return true;
}

CacheSnapshot CacheStore::load(QString *error) const
{
    CacheSnapshot snapshot;
    setError(error, QString());
    const auto failed = [this, error]() {
        setError(error, m_db->lastError().message);
        return m_db->lastError().isError();
    };
    // Runs `sql` and hands each row to `row`; false when the read failed (the rows so far are kept).
    const auto each = [this, &failed](const char *sql, const auto &row) {
        sql::Statement *s = m_db->cached(sql);
        if (s == nullptr)
            return !failed();
        while (s->next())
            row(*s);
        return !(s->hasError() && failed());
    };

    if (each("SELECT name, value FROM meta",
             [&snapshot](const sql::Statement &s) {
                 const QByteArray name = s.columnUtf8View(0);
                 if (name == metaSyncedAt)
                     snapshot.syncedAtUtc = QDateTime::fromString(s.columnText(1), Qt::ISODateWithMs).toUTC();
                 else if (name == metaPrincipal)
                     snapshot.principal = fromUtf8Json(s.columnUtf8View(1));
             }) &&
        each("SELECT json FROM workspaces ORDER BY ord",
             [&snapshot](const sql::Statement &s) {
                 snapshot.workspaces.append(Workspace::fromJson(fromUtf8Json(s.columnUtf8View(0))));
             }) &&
        (readKeys(*m_db, &snapshot.keys) || !failed()) &&
        each("SELECT json FROM users ORDER BY ord",
             [&snapshot](const sql::Statement &s) {
                 snapshot.users.append(User::fromJson(fromUtf8Json(s.columnUtf8View(0))));
             }) &&
        each("SELECT workspace, json FROM members ORDER BY ord", [&snapshot](const sql::Statement &s) {
            snapshot.members[s.columnText(0)].append(
                WorkspaceMember::fromJson(fromUtf8Json(s.columnUtf8View(1))));
        }))
        qCDebug(lcStorage).noquote() << "cache" << path() << "loaded:" << snapshot.keys.size() << "keys";
    return snapshot;
}

bool CacheStore::replaceAll(const CacheSnapshot &snapshot, QString *error, const std::atomic<bool> *cancel,
                            CacheChanges *changes)
{
    if (changes != nullptr)
        *changes = CacheChanges();
    const QString refusal = principalSecretRefusal(snapshot.principal);
    if (!refusal.isEmpty()) {
        setError(error, refusal);
        return false;
    }

    sql::Database &db = *m_db;
    const WriteContext c{db, cancel, error, path()};
    const qint64 changesBefore = db.totalChanges();
    sql::Transaction transaction(db);
    if (!transaction.isActive())
        return c.fail();

    // meta: the principal and the sync time, each written only when its text differs.
    QByteArray storedSyncedAt;
    QByteArray storedPrincipal;
    bool hasSyncedAt = false;
    bool hasPrincipal = false;
    sql::Statement *meta = db.cached("SELECT name, value FROM meta");
    if (meta == nullptr)
        return c.fail();
    while (meta->next()) {
        const QByteArray name = meta->columnUtf8View(0);
        if (name == metaSyncedAt) {
            hasSyncedAt = true;
            storedSyncedAt = meta->columnBlob(1);
        } else if (name == metaPrincipal) {
            hasPrincipal = true;
            storedPrincipal = meta->columnBlob(1);
        }
    }
    if (meta->hasError())
        return c.fail();
    CacheChanges found;
    found.principalChanged = fromUtf8Json(storedPrincipal) != snapshot.principal;
    sql::Statement *setMeta = db.cached("INSERT OR REPLACE INTO meta(name, value) VALUES(?, ?)");
    if (setMeta == nullptr)
        return c.fail();
    const QByteArray principal = toUtf8Json(snapshot.principal);
    if (!hasPrincipal || storedPrincipal != principal) {
        setMeta->bindUtf8(1, QByteArray(metaPrincipal)).bindUtf8(2, principal);
        if (!setMeta->exec())
            return c.fail();
    }
    const QByteArray syncedAt = snapshot.syncedAtUtc.isValid()
                                    ? snapshot.syncedAtUtc.toUTC().toString(Qt::ISODateWithMs).toUtf8()
                                    : QByteArray();
    if (!syncedAt.isEmpty() && (!hasSyncedAt || storedSyncedAt != syncedAt)) {
        setMeta->reset();
        setMeta->bindUtf8(1, QByteArray(metaSyncedAt)).bindUtf8(2, syncedAt);
        if (!setMeta->exec())
            return c.fail();
    } else if (syncedAt.isEmpty() && hasSyncedAt) {
        sql::Statement *unset = db.cached("DELETE FROM meta WHERE name = ?");
        if (unset == nullptr)
            return c.fail();
        unset->bindUtf8(1, QByteArray(metaSyncedAt));
        if (!unset->exec())
            return c.fail();
    }

    // Members are written grouped by workspace, workspaces in id order, so the same snapshot always
    // gives the same row order (QHash iteration order differs between processes).
    std::vector<MemberRow> members;
    QStringList memberWorkspaces = snapshot.members.keys();
    std::sort(memberWorkspaces.begin(), memberWorkspaces.end());
    for (const QString &workspace : std::as_const(memberWorkspaces)) {
        for (const WorkspaceMember &m : snapshot.members[workspace])
            members.push_back(MemberRow{workspace, &m});
    }

    if (!writeRows<WorkspaceRows>(
            c, snapshot.workspaces.constData(), snapshot.workspaces.size(),
            RowChanges{&found.addedWorkspaceIds, &found.changedWorkspaceIds, &found.removedWorkspaceIds}) ||
        !writeRows<KeyRows>(c, snapshot.keys.constData(), snapshot.keys.size(),
                            RowChanges{&found.addedKeyIds, &found.changedKeyIds, &found.removedKeyIds}) ||
        !writeRows<UserRows>(c, snapshot.users.constData(), snapshot.users.size(), RowChanges{}) ||
        !writeRows<MemberRows>(c, members.data(), qsizetype(members.size()), RowChanges{}))
        return false; // the transaction rolls back
    if (c.cancelled())
        return false;
    if (!transaction.commit())
        return c.fail();
    if (changes != nullptr)
        *changes = std::move(found);
    qCDebug(lcStorage).noquote() << "cache" << path() << "replaced:" << snapshot.workspaces.size()
                                 << "workspaces," << snapshot.keys.size() << "keys," << snapshot.users.size()
                                 << "users;" << db.totalChanges() - changesBefore << "rows written";
    return true;
}

bool CacheStore::upsertKey(const ApiKey &key, QString *error)
{
    const QJsonObject object = key.toJson();
    if (holdsSecret(object, false)) {
        setError(error, keySecretRefusal(key.id));
        return false;
    }
    sql::Database &db = *m_db;
    sql::Transaction transaction(db);
    const auto fail = [&db, error]() {
        setError(error, db.lastError().message);
        return false;
    };
    if (!transaction.isActive())
        return fail();
    const QByteArray json = toUtf8Json(object);
    const QByteArray digest = digestOf(json);
    sql::Statement *update = db.cached("UPDATE api_keys SET digest = ?, workspace = ?, type = ?, name = ?, "
                                       "json = ? WHERE id = ?");
    if (update == nullptr)
        return fail();
    update->bindBlob(1, digest)
        .bind(2, key.workspaceId)
        .bind(3, key.type)
        .bind(4, key.name)
        .bindUtf8(5, json);
    update->bind(6, key.id);
    if (!update->exec())
        return fail();
    if (db.changes() == 0) {
        sql::Statement *insert =
            db.cached("INSERT INTO api_keys(ord, digest, id, workspace, type, name, json) "
                      "VALUES((SELECT COALESCE(MAX(ord), -?1) + ?1 FROM api_keys), ?2, ?3, ?4, ?5, ?6, ?7)");
        if (insert == nullptr)
            return fail();
        insert->bind(1, kOrdGap).bindBlob(2, digest).bind(3, key.id).bind(4, key.workspaceId);
        insert->bind(5, key.type).bind(6, key.name).bindUtf8(7, json);
        if (!insert->exec())
            return fail();
    }
    if (!transaction.commit())
        return fail();
    return true;
}

bool CacheStore::removeKeys(const QStringList &ids, QString *error)
{
    sql::Database &db = *m_db;
    sql::Transaction transaction(db);
    const auto fail = [&db, error]() {
        setError(error, db.lastError().message);
        return false;
    };
    if (!transaction.isActive())
        return fail();
    sql::Statement *remove = db.cached("DELETE FROM api_keys WHERE id = ?");
    if (remove == nullptr)
        return fail();
    for (const QString &id : ids) {
        remove->reset();
        remove->bind(1, id);
        if (!remove->exec())
            return fail();
    }
    if (!transaction.commit())
        return fail();
    return true;
}

QDateTime CacheStore::lastSyncedAtUtc() const
{
    sql::Statement *s = m_db->cached("SELECT value FROM meta WHERE name = ?");
    if (s == nullptr)
        return QDateTime();
    s->bind(1, QString::fromLatin1(metaSyncedAt));
    if (!s->next())
        return QDateTime();
    const QString text = s->columnText(0);
    s->reset(); // ends the read at once instead of at the statement's next use
    return QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
}

} // namespace pk
