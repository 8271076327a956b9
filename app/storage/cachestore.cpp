#include "storage/cachestore.h"

#include "storage/sqlite.h"

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

// A stored object's JSON text, reduced to its length and a 64-bit hash: enough to tell changed objects
// from unchanged ones without keeping or parsing 100,000 old texts.
struct Digest
{
    qsizetype size = 0;
    size_t hash = 0;
    bool operator==(const Digest &o) const { return size == o.size && hash == o.hash; }
};

Digest digestOf(const QByteArray &json)
{
    return Digest{json.size(), qHash(QByteArrayView(json), size_t(0x9e3779b9))};
}

// The ids and digests of one table's stored objects, in stored order, compared with a new snapshot.
struct StoredDigests
{
    QStringList ids;
    QHash<QString, Digest> byId;
    QSet<QString> seen; // ids present in the new snapshot

    // `sql` selects id and json, ORDER BY ord.
    bool read(sql::Database &db, const char *sql)
    {
        sql::Statement *s = db.cached(sql);
        if (s == nullptr)
            return false;
        while (s->next()) {
            const QString id = s->columnText(0);
            ids.append(id);
            byId.insert(id, digestOf(s->columnUtf8View(1)));
        }
        return !s->hasError();
    }
    // Files `id` under added or changed, by its new JSON text.
    void compare(const QString &id, const QByteArray &json, QStringList *added, QStringList *changed)
    {
        seen.insert(id);
        const auto it = byId.constFind(id);
        if (it == byId.constEnd())
            added->append(id);
        else if (!(*it == digestOf(json)))
            changed->append(id);
    }
    QStringList removed() const
    {
        QStringList out;
        for (const QString &id : ids) {
            if (!seen.contains(id))
                out.append(id);
        }
        return out;
    }
};

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

// One key ready to store: its compact JSON, or `secret` when it holds an unmasked secret (not serialised).
struct EncodedKey
{
    QByteArray json;
    bool secret = false;
};

EncodedKey encodeKey(const ApiKey &key)
{
    EncodedKey encoded;
    const QJsonObject object = key.toJson();
    encoded.secret = holdsSecret(object, false);
    if (!encoded.secret)
        encoded.json = toUtf8Json(object);
    return encoded;
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
        if (!transaction.isActive() || !m_db->exec(migrations[v]) || !m_db->setUserVersion(v + 1) ||
            !transaction.commit()) {
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
    const QString refusal = principalSecretRefusal(snapshot.principal);
    if (!refusal.isEmpty()) {
        setError(error, refusal);
        return false;
    }

    sql::Database &db = *m_db;
    sql::Transaction transaction(db);
    // `what` names the row that was refused (kind and id), so a bad record from the server can be found.
    const auto fail = [&db, error, this](const QString &what = QString()) {
        setError(error, what.isEmpty() ? db.lastError().message
                                       : QString(what + QStringLiteral(": ") + db.lastError().message));
        qCWarning(lcStorage).noquote() << "replacing the cache" << path() << "failed; nothing changed";
        return false;
    };
    const auto cancelled = [cancel, error, this]() {
        if (cancel == nullptr || !cancel->load())
            return false;
        setError(error, QObject::tr("Writing the cache was cancelled; it is unchanged."));
        qCInfo(lcStorage).noquote() << "replacing the cache" << path() << "cancelled; nothing changed";
        return true;
    };
    if (!transaction.isActive())
        return fail();
    CacheChanges found;
    StoredDigests oldKeys;
    StoredDigests oldWorkspaces;
    if (changes != nullptr) {
        *changes = CacheChanges();
        if (!oldKeys.read(db, "SELECT id, json FROM api_keys ORDER BY ord") ||
            !oldWorkspaces.read(db, "SELECT id, json FROM workspaces ORDER BY ord"))
            return fail();
        sql::Statement *principal = db.cached("SELECT value FROM meta WHERE name = ?");
        if (principal == nullptr)
            return fail();
        principal->bindUtf8(1, QByteArray(metaPrincipal));
        const QJsonObject before =
            principal->next() ? fromUtf8Json(principal->columnUtf8View(0)) : QJsonObject();
        if (principal->hasError())
            return fail();
        principal->reset(); // no open read on meta while it is emptied below
        found.principalChanged = before != snapshot.principal;
    }
    if (!db.exec("DELETE FROM meta; DELETE FROM workspaces; DELETE FROM api_keys; DELETE FROM users;"
                 " DELETE FROM members;"))
        return fail();

    sql::Statement *meta = db.cached("INSERT INTO meta(name, value) VALUES(?, ?)");
    if (meta == nullptr)
        return fail();
    if (snapshot.syncedAtUtc.isValid()) {
        meta->bindUtf8(1, QByteArray(metaSyncedAt))
            .bind(2, snapshot.syncedAtUtc.toUTC().toString(Qt::ISODateWithMs));
        if (!meta->exec())
            return fail();
        meta->reset();
    }
    meta->bindUtf8(1, QByteArray(metaPrincipal)).bindUtf8(2, toUtf8Json(snapshot.principal));
    if (!meta->exec())
        return fail();

    // One prepared statement per table, reset between rows; each object is serialised once.
    sql::Statement *ws = db.cached("INSERT INTO workspaces(ord, id, slug, name, json) VALUES(?, ?, ?, ?, ?)");
    if (ws == nullptr)
        return fail();
    qint64 ord = 0;
    for (const Workspace &w : snapshot.workspaces) {
        ws->reset();
        const QByteArray json = toUtf8Json(w.toJson());
        if (changes != nullptr)
            oldWorkspaces.compare(w.id, json, &found.addedWorkspaceIds, &found.changedWorkspaceIds);
        ws->bind(1, ord++).bind(2, w.id).bind(3, w.slug).bind(4, w.name).bindUtf8(5, json);
        if (!ws->exec())
            return fail(QStringLiteral("workspace \"%1\"").arg(w.id));
    }

    sql::Statement *keys =
        db.cached("INSERT INTO api_keys(ord, id, workspace, type, name, json) VALUES(?, ?, ?, ?, ?, ?)");
    if (keys == nullptr)
        return fail();
    ord = 0;
    for (qsizetype begin = 0; begin < snapshot.keys.size(); begin += kChunk) {
        if (cancelled())
            return false; // the transaction rolls back
        const qsizetype count = std::min(kChunk, snapshot.keys.size() - begin);
        const std::vector<EncodedKey> encoded =
            mapParallel(snapshot.keys.constData() + begin, count, encodeKey);
        for (qsizetype i = 0; i < count; ++i) {
            const ApiKey &k = snapshot.keys.at(begin + i);
            const EncodedKey &e = encoded[std::size_t(i)];
            if (e.secret) {
                setError(error, keySecretRefusal(k.id));
                return false; // the transaction rolls back
            }
            if (changes != nullptr)
                oldKeys.compare(k.id, e.json, &found.addedKeyIds, &found.changedKeyIds);
            keys->reset();
            keys->bind(1, ord++).bind(2, k.id).bind(3, k.workspaceId).bind(4, k.type).bind(5, k.name);
            keys->bindUtf8(6, e.json);
            if (!keys->exec())
                return fail(QStringLiteral("API key \"%1\"").arg(k.id));
        }
    }

    sql::Statement *users = db.cached("INSERT INTO users(ord, id, email, name, json) VALUES(?, ?, ?, ?, ?)");
    if (users == nullptr)
        return fail();
    ord = 0;
    for (const User &u : snapshot.users) {
        users->reset();
        users->bind(1, ord++).bind(2, u.id).bind(3, u.email).bind(4, u.displayName());
        users->bindUtf8(5, toUtf8Json(u.toJson()));
        if (!users->exec())
            return fail(QStringLiteral("user \"%1\"").arg(u.id));
    }

    sql::Statement *members =
        db.cached("INSERT INTO members(ord, workspace, id, name, json) VALUES(?, ?, ?, ?, ?)");
    if (members == nullptr)
        return fail();
    ord = 0;
    for (auto it = snapshot.members.constBegin(); it != snapshot.members.constEnd(); ++it) {
        for (const WorkspaceMember &m : it.value()) {
            members->reset();
            members->bind(1, ord++).bind(2, it.key()).bind(3, m.id).bind(4, m.displayName());
            members->bindUtf8(5, toUtf8Json(m.toJson()));
            if (!members->exec())
                return fail(QStringLiteral("member \"%1\" of workspace \"%2\"").arg(m.id, it.key()));
        }
    }

    if (cancelled())
        return false;
    if (!transaction.commit())
        return fail();
    if (changes != nullptr) {
        found.removedKeyIds = oldKeys.removed();
        found.removedWorkspaceIds = oldWorkspaces.removed();
        *changes = std::move(found);
    }
    qCDebug(lcStorage).noquote() << "cache" << path() << "replaced:" << snapshot.workspaces.size()
                                 << "workspaces," << snapshot.keys.size() << "keys," << snapshot.users.size()
                                 << "users";
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
    sql::Statement *update = db.cached("UPDATE api_keys SET workspace = ?, type = ?, name = ?, json = ? "
                                       "WHERE id = ?");
    if (update == nullptr)
        return fail();
    update->bind(1, key.workspaceId).bind(2, key.type).bind(3, key.name).bindUtf8(4, json).bind(5, key.id);
    if (!update->exec())
        return fail();
    if (db.changes() == 0) {
        sql::Statement *insert =
            db.cached("INSERT INTO api_keys(ord, id, workspace, type, name, json) "
                      "VALUES((SELECT COALESCE(MAX(ord), -1) + 1 FROM api_keys), ?, ?, ?, ?, ?)");
        if (insert == nullptr)
            return fail();
        insert->bind(1, key.id)
            .bind(2, key.workspaceId)
            .bind(3, key.type)
            .bind(4, key.name)
            .bindUtf8(5, json);
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
