#include "storage/cachestore.h"
#include "storage/sqlite.h"

#include <QtTest>

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

using pk::ApiKey;
using pk::CacheError;
using pk::CacheOpenError;
using pk::CacheSnapshot;
using pk::CacheStore;
using pk::SecretBuffer;

namespace {

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

ApiKey richKey(int n)
{
    ApiKey key = ApiKey::fromJson(parse(R"({
        "object": "api-key", "key": "Xk*******S4",
        "name": "Schlüssel für Zürich — 東京 🚀", "description": "prod key, ünïcödé",
        "type": "workspace-service", "organisation_id": "9a1b2c3d-0000-4000-8000-000000000001",
        "workspace_id": "ws-prod-eu", "status": "active", "creation_mode": "api",
        "created_at": "2026-01-02T03:04:05.678Z", "last_updated_at": "2026-02-03T04:05:06Z",
        "expires_at": "2027-01-01T00:00:00.000Z", "last_reset_at": "not a date",
        "key_transition_expires_at": "2026-03-01T10:00:00+02:00",
        "rate_limits": [{"type": "requests", "unit": "rpm", "value": 600, "burst": 5}],
        "usage_limits": {"credit_limit": 12.5, "type": "cost", "alert_threshold": 10,
                         "periodic_reset": "monthly", "next_usage_reset_at": "2026-12-01T00:00:00Z"},
        "reset_usage": 3.25,
        "scopes": ["completions.write", "logs.view"],
        "defaults": {"metadata": {"team": "Ægir"}, "config_id": "cfg-1", "future_default": true},
        "allow_config_override": false,
        "alert_emails": ["ops@example.com"],
        "rotation_policy": {"rotation_period": "monthly", "key_transition_period_ms": 3600000,
                            "next_rotation_at": "2026-04-01T00:00:00Z"},
        "future_field": {"nested": [1, 2, {"x": null}]},
        "another_unknown": "kept"
    })"));
    key.id = QStringLiteral("key-%1-0000-4000-8000-00000000000a").arg(n);
    key.name += QString::number(n);
    return key;
}

CacheSnapshot richSnapshot(int keyCount = 3)
{
    CacheSnapshot s;
    pk::Workspace w1 = pk::Workspace::fromJson(parse(R"({
        "id": "ws-uuid-1", "slug": "ws-prod-eu", "name": "Produktion Europa ✓", "description": "main",
        "created_at": "2025-05-05T05:05:05.555Z",
        "defaults": {"metadata": {"env": "prod"}, "is_default": 1, "unknown_default": "x"},
        "usage_limits": [{"credit_limit": 100, "type": "cost", "periodic_reset": "weekly"}],
        "rate_limits": [{"type": "tokens", "unit": "rpd", "value": 100000}],
        "object": "workspace", "future_ws": [true]
    })"));
    pk::Workspace w2 = pk::Workspace::fromJson(
        parse(R"({"id": "ws-uuid-2", "slug": "sandbox", "name": "Песочница", "description": null})"));
    s.workspaces = {w1, w2};
    for (int i = 0; i < keyCount; ++i)
        s.keys.append(richKey(i));
    s.users = {pk::User::fromJson(parse(R"({
        "object": "user", "id": "user-1", "first_name": "Zoë", "last_name": "Ångström",
        "email": "zoe@example.com", "role": "owner", "created_at": "2024-01-01T00:00:00Z",
        "workspace_ids": ["ws-uuid-1", "ws-uuid-2"], "future_user_field": 42
    })")),
               pk::User::fromJson(parse(R"({"id": "user-2", "email": "n@example.com", "role": "member"})"))};
    s.members.insert(
        QStringLiteral("ws-uuid-1"),
        {pk::WorkspaceMember::fromJson(parse(R"({
        "id": "user-1", "first_name": "Zoë", "last_name": "Ångström", "email": "zoe@example.com",
        "org_role": "owner", "role": "ws-admin", "status": "active", "workspace_id": "ws-uuid-1",
        "scopes": ["workspaces.read"], "created_at": "2024-01-01T00:00:00Z", "extra_member": {"a": 1}
    })")),
         pk::WorkspaceMember::fromJson(parse(
             R"({"id": "user-2", "email": "n@example.com", "role": "member", "org_role": "member"})"))});
    s.members.insert(QStringLiteral("ws-uuid-2"),
                     {pk::WorkspaceMember::fromJson(parse(R"({"id": "user-2", "role": "manager"})"))});
    s.syncedAtUtc = QDateTime(QDate(2026, 11, 30), QTime(8, 30, 1, 234), Qt::UTC);
    s.principal = parse(R"({"type": "organisation-service", "scopes": ["keys.read"], "name": "Ключ"})");
    return s;
}

void compareSnapshots(const CacheSnapshot &actual, const CacheSnapshot &expected)
{
    QCOMPARE(actual.workspaces, expected.workspaces);
    QCOMPARE(actual.keys, expected.keys);
    QCOMPARE(actual.users, expected.users);
    QCOMPARE(actual.members.keys().size(), expected.members.keys().size());
    for (auto it = expected.members.constBegin(); it != expected.members.constEnd(); ++it)
        QCOMPARE(actual.members.value(it.key()), it.value());
    QCOMPARE(actual.syncedAtUtc, expected.syncedAtUtc);
    if (expected.syncedAtUtc.isValid())
        QCOMPARE(actual.syncedAtUtc.timeSpec(), Qt::UTC);
    QCOMPARE(actual.principal, expected.principal);
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

void overwrite(const QString &path, qint64 offset, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.seek(offset));
    QCOMPARE(file.write(bytes), bytes.size());
}

// Adds triggers to the cache file at `path` that log every row written to any table into `write_log`
// (table, operation, row id), so a test sees exactly which rows a replaceAll() touched.
void logWrites(const QString &path, const SecretBuffer &key)
{
    pk::sql::Database db;
    QVERIFY(db.open(path, key, false));
    QVERIFY(db.exec("CREATE TABLE write_log(entry TEXT NOT NULL)"));
    struct Logged
    {
        const char *table;
        const char *newId;
        const char *oldId;
    };
    const Logged tables[] = {{"meta", "new.name", "old.name"},
                             {"workspaces", "new.id", "old.id"},
                             {"api_keys", "new.id", "old.id"},
                             {"users", "new.id", "old.id"},
                             {"members", "new.workspace || '/' || new.id", "old.workspace || '/' || old.id"}};
    for (const Logged &t : tables) {
        for (const auto &[op, id] :
             {std::pair{"insert", t.newId}, {"update", t.newId}, {"delete", t.oldId}}) {
            const QByteArray sql = QByteArray("CREATE TRIGGER log_") + t.table + '_' + op + " AFTER " + op +
                                   " ON " + t.table + " BEGIN INSERT INTO write_log VALUES('" + t.table +
                                   ' ' + op + " ' || " + id + "); END;";
            QVERIFY2(db.exec(sql.constData()), qPrintable(db.lastError().message));
        }
    }
}

// The rows written since the last call, as "<table> <insert|update|delete> <id>", sorted; empties the log.
QStringList takeWrites(const QString &path, const SecretBuffer &key)
{
    pk::sql::Database db;
    if (!db.open(path, key, false))
        return {QStringLiteral("cannot open")};
    QStringList entries;
    pk::sql::Statement select = db.prepare("SELECT entry FROM write_log");
    while (select.next())
        entries.append(select.columnText(0));
    select = pk::sql::Statement();
    db.exec("DELETE FROM write_log");
    entries.sort();
    return entries;
}

QStringList ids(const QList<ApiKey> &keys)
{
    QStringList out;
    for (const ApiKey &k : keys)
        out.append(k.id);
    return out;
}

QStringList keyWrites(const char *op, const QStringList &keyIds)
{
    QStringList out;
    for (const QString &id : keyIds)
        out.append(QString(QStringLiteral("api_keys ") + QLatin1String(op) + QLatin1Char(' ') + id));
    return out;
}

} // namespace

class TestCacheStore : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void newKeyIsRandom();
    void defaultPathIsPerProfile();
    void roundTripRichSnapshot();
    void fileIsEncrypted();
    void readableBySqlcipherCliWithKey();
    void wrongKeyIsRefusedAndFileUntouched();
    void wrongKeyLengthIsRefused();
    void corruptFileIsReported_data();
    void corruptFileIsReported();
    void plaintextFileIsRefused();
    void moveAsideKeepsOldFile();
    void replaceAllIsAtomic_data();
    void replaceAllIsAtomic();
    void upsertAndRemoveKeys();
    void unmaskedSecretIsRefused();
    void schemaIsVersioned();
    void newerSchemaIsRefused();
    void schemaOneIsMigrated();
    void replaceAllReportsChanges();
    void manyKeysKeepOrderAcrossChunks();
    void cancelledReplaceChangesNothing();
    void unchangedRowsAreNotWritten();
    void orderSurvivesAddRemoveReorder();
    void randomEditsKeepOrder();
    void failedReplaceLeavesFileIdentical_data();
    void failedReplaceLeavesFileIdentical();
    void schemaTwoIsMigrated();

private:
    QString path(const QString &name = QStringLiteral("profile.db")) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
    SecretBuffer m_key = CacheStore::newKey();
};

void TestCacheStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCacheStore::newKeyIsRandom()
{
    const SecretBuffer a = CacheStore::newKey();
    const SecretBuffer b = CacheStore::newKey();
    QCOMPARE(a.size(), 32);
    QCOMPARE(b.size(), 32);
    QVERIFY(!a.equals(b));
}

void TestCacheStore::defaultPathIsPerProfile()
{
    const QString p = CacheStore::defaultPath(QStringLiteral("abc"));
    QVERIFY(p.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
    QVERIFY(p.endsWith(QStringLiteral("/cache/abc.db")));
    QVERIFY(p != CacheStore::defaultPath(QStringLiteral("abd")));
}

void TestCacheStore::roundTripRichSnapshot()
{
    const CacheSnapshot snapshot = richSnapshot();
    // The fixtures really exercise every kind of field.
    QVERIFY(snapshot.keys.first().extra.contains(QStringLiteral("future_field")));
    QVERIFY(snapshot.keys.first().lastResetAt.isUnparseable());
    QVERIFY(snapshot.keys.first().rotationPolicy.has_value());
    {
        CacheOpenError error;
        auto store = CacheStore::open(path(QStringLiteral("sub/dir/profile.db")), m_key, &error);
        QVERIFY2(store, qPrintable(error.message));
        QVERIFY(store->load().keys.isEmpty());
        QVERIFY(!store->lastSyncedAtUtc().isValid());
        QString message;
        QVERIFY2(store->replaceAll(snapshot, &message), qPrintable(message));
        compareSnapshots(store->load(), snapshot);
    }
    auto reopened = CacheStore::open(path(QStringLiteral("sub/dir/profile.db")), m_key, nullptr);
    QVERIFY(reopened);
    QString loadError;
    const CacheSnapshot loaded = reopened->load(&loadError);
    QVERIFY(loadError.isEmpty());
    compareSnapshots(loaded, snapshot);
    QCOMPARE(reopened->lastSyncedAtUtc(), snapshot.syncedAtUtc);
    QCOMPARE(loaded.keys.first().extra.value(QStringLiteral("future_field")).toObject(),
             parse(R"({"nested": [1, 2, {"x": null}]})"));
    QCOMPARE(loaded.keys.first().name, QStringLiteral("Schlüssel für Zürich — 東京 🚀0"));

    // Replacing again drops what the new snapshot no longer has.
    CacheSnapshot smaller = richSnapshot(1);
    smaller.members.remove(QStringLiteral("ws-uuid-2"));
    smaller.syncedAtUtc = QDateTime();
    QVERIFY(reopened->replaceAll(smaller, nullptr));
    compareSnapshots(reopened->load(), smaller);
}

void TestCacheStore::fileIsEncrypted()
{
    {
        auto store = CacheStore::open(path(), m_key, nullptr);
        QVERIFY(store);
        QVERIFY(store->replaceAll(richSnapshot(), nullptr));
    }
    const QByteArray bytes = fileBytes(path());
    QVERIFY(bytes.size() >= 1024);
    QVERIFY(!bytes.startsWith(QByteArray("SQLite format 3\0", 16)));
    QVERIFY(!pk::sql::hasPlaintextSqliteHeader(path()));
    // No content is visible in the file.
    for (const char *needle : {"Xk*******S4", "zoe@example.com", "future_field", "api_keys", "ws-prod-eu"})
        QVERIFY2(!bytes.contains(needle), needle);
    QVERIFY(!bytes.contains(QStringLiteral("Zürich").toUtf8()));
    const QFileDevice::Permissions perms = QFile::permissions(path());
    QVERIFY(!(perms & (QFileDevice::ReadGroup | QFileDevice::ReadOther)));
}

void TestCacheStore::readableBySqlcipherCliWithKey()
{
    {
        auto store = CacheStore::open(path(), m_key, nullptr);
        QVERIFY(store);
        QVERIFY(store->replaceAll(richSnapshot(2), nullptr));
    }
    // The stock SQLCipher shell opens the file with the same raw key: it is a standard SQLCipher database.
    QProcess cli;
    cli.start(QStringLiteral("sqlcipher"), {path()});
    QVERIFY2(cli.waitForStarted(5000), "the sqlcipher shell (package sqlcipher) is needed");
    const SecretBuffer hex = m_key.toHex();
    cli.write(QByteArray("PRAGMA key = \"x'") + hex.view() +
              QByteArray("'\";\nSELECT count(*) FROM api_keys;\n"));
    cli.closeWriteChannel();
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(QString::fromUtf8(cli.readAllStandardOutput()).trimmed(), QStringLiteral("2"));
}

void TestCacheStore::wrongKeyIsRefusedAndFileUntouched()
{
    {
        auto store = CacheStore::open(path(), m_key, nullptr);
        QVERIFY(store);
        QVERIFY(store->replaceAll(richSnapshot(), nullptr));
    }
    const QByteArray before = fileBytes(path());
    const QDateTime modified = QFileInfo(path()).lastModified();
    CacheOpenError error;
    auto store = CacheStore::open(path(), CacheStore::newKey(), &error);
    QVERIFY(!store);
    QCOMPARE(error.kind, CacheError::WrongKeyOrCorrupt);
    QVERIFY(error.canRebuild);
    QVERIFY(error.message.contains(QStringLiteral("Rebuild")));
    QCOMPARE(fileBytes(path()), before);
    QCOMPARE(QFileInfo(path()).lastModified(), modified);
    QVERIFY(!QFile::exists(QString(path() + QStringLiteral("-journal"))));
    // The right key still reads everything.
    auto again = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(again);
    compareSnapshots(again->load(), richSnapshot());
}

void TestCacheStore::wrongKeyLengthIsRefused()
{
    CacheOpenError error;
    QVERIFY(!CacheStore::open(path(), SecretBuffer("short", 5), &error));
    QCOMPARE(error.kind, CacheError::WrongKeyOrCorrupt);
    QVERIFY(!QFile::exists(path()));
}

void TestCacheStore::corruptFileIsReported_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<int>("length");
    QTest::newRow("salt/header") << qint64(0) << 16;
    QTest::newRow("first page body") << qint64(200) << 64;
    QTest::newRow("a later page") << qint64(-1) << 64; // the middle of the file
    QTest::newRow("last bytes") << qint64(-2) << 32;
}

void TestCacheStore::corruptFileIsReported()
{
    QFETCH(qint64, offset);
    QFETCH(int, length);
    {
        auto store = CacheStore::open(path(), m_key, nullptr);
        QVERIFY(store);
        QVERIFY(store->replaceAll(richSnapshot(60), nullptr)); // several pages
    }
    const qint64 size = QFileInfo(path()).size();
    QVERIFY(size > 8 * 1024);
    if (offset == -1)
        offset = size / 2;
    else if (offset == -2)
        offset = size - length;
    overwrite(path(), offset, QByteArray(length, '\x5a'));
    const QByteArray damaged = fileBytes(path());

    CacheOpenError error;
    auto store = CacheStore::open(path(), m_key, &error);
    QVERIFY(!store);
    QCOMPARE(error.kind, CacheError::WrongKeyOrCorrupt);
    QVERIFY(error.canRebuild);
    QVERIFY(!error.message.isEmpty());
    QCOMPARE(fileBytes(path()), damaged);
}

void TestCacheStore::plaintextFileIsRefused()
{
    QProcess cli;
    cli.start(
        QStringLiteral("sqlite3"),
        {path(), QStringLiteral("CREATE TABLE api_keys(id TEXT); INSERT INTO api_keys VALUES('plain');")});
    QVERIFY2(cli.waitForFinished(10000), "the sqlite3 shell is needed");
    QCOMPARE(cli.exitCode(), 0);
    const QByteArray before = fileBytes(path());
    QVERIFY(before.startsWith(QByteArray("SQLite format 3\0", 16)));

    CacheOpenError error;
    QVERIFY(!CacheStore::open(path(), m_key, &error));
    QCOMPARE(error.kind, CacheError::PlaintextFile);
    QVERIFY(error.message.contains(QStringLiteral("unencrypted")));
    QVERIFY(error.canRebuild);
    QCOMPARE(fileBytes(path()), before);

    // Rebuilding moves it aside and starts an encrypted cache.
    QString message;
    QVERIFY2(CacheStore::moveAsideAndRecreate(path(), m_key, &message), qPrintable(message));
    QVERIFY(!pk::sql::hasPlaintextSqliteHeader(path()));
}

void TestCacheStore::moveAsideKeepsOldFile()
{
    {
        auto store = CacheStore::open(path(), m_key, nullptr);
        QVERIFY(store);
        QVERIFY(store->replaceAll(richSnapshot(), nullptr));
    }
    const QByteArray old = fileBytes(path());
    const SecretBuffer newKey = CacheStore::newKey();
    QString message;
    QVERIFY2(CacheStore::moveAsideAndRecreate(path(), newKey, &message), qPrintable(message));

    const QStringList aside =
        QDir(m_dir->path()).entryList({QStringLiteral("profile.db.unreadable-*")}, QDir::Files);
    QCOMPARE(aside.size(), 1);
    QVERIFY(QRegularExpression(QStringLiteral("^profile\\.db\\.unreadable-\\d{8}T\\d{6}Z$"))
                .match(aside.first())
                .hasMatch());
    QCOMPARE(fileBytes(m_dir->filePath(aside.first())), old);

    auto fresh = CacheStore::open(path(), newKey, nullptr);
    QVERIFY(fresh);
    QVERIFY(fresh->load().keys.isEmpty());
    auto kept = CacheStore::open(m_dir->filePath(aside.first()), m_key, nullptr);
    QVERIFY(kept);
    QCOMPARE(kept->load().keys.size(), 3);

    // A second rebuild within the same second keeps both older files.
    fresh.reset();
    QVERIFY(CacheStore::moveAsideAndRecreate(path(), newKey, &message));
    QVERIFY(CacheStore::moveAsideAndRecreate(path(), newKey, &message));
    QCOMPARE(QDir(m_dir->path()).entryList({QStringLiteral("profile.db.unreadable-*")}, QDir::Files).size(),
             3);
}

void TestCacheStore::replaceAllIsAtomic_data()
{
    QTest::addColumn<QString>("badId");
    QTest::addColumn<QString>("badMaskedKey");
    QTest::newRow("empty id (CHECK)") << QString() << QStringLiteral("ab***cd");
    QTest::newRow("duplicate id (PRIMARY KEY)")
        << QStringLiteral("key-0-0000-4000-8000-00000000000a") << QStringLiteral("ab***cd");
    QTest::newRow("unmasked secret") << QStringLiteral("key-new") << QStringLiteral("pk-live-FULLSECRET");
}

void TestCacheStore::replaceAllIsAtomic()
{
    QFETCH(QString, badId);
    QFETCH(QString, badMaskedKey);
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    const CacheSnapshot original = richSnapshot(2);
    QVERIFY(store->replaceAll(original, nullptr));

    // New workspaces and keys go in first; the bad key fails the insert halfway through.
    CacheSnapshot next = richSnapshot(5);
    next.workspaces.removeLast();
    next.users.clear();
    next.syncedAtUtc = next.syncedAtUtc.addDays(1);
    ApiKey bad = richKey(9);
    bad.id = badId;
    bad.maskedKey = badMaskedKey;
    next.keys.insert(4, bad);
    QString message;
    QVERIFY(!store->replaceAll(next, &message));
    QVERIFY(!message.isEmpty());
    if (!badMaskedKey.contains(QLatin1Char('*')))
        QVERIFY(message.contains(QStringLiteral("unmasked")));
    else
        QVERIFY2(message.contains(QString(QStringLiteral("API key \"") + badId + QLatin1Char('"'))),
                 qPrintable(message));
    QVERIFY(!message.contains(QStringLiteral("FULLSECRET")));
    compareSnapshots(store->load(), original);

    // The store stays usable.
    next.keys.removeAt(4);
    QVERIFY(store->replaceAll(next, &message));
    compareSnapshots(store->load(), next);
}

void TestCacheStore::upsertAndRemoveKeys()
{
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    QVERIFY(store->replaceAll(richSnapshot(3), nullptr));

    ApiKey added = richKey(7);
    QVERIFY(store->upsertKey(added));
    ApiKey changed = richKey(1);
    changed.name = QStringLiteral("renamed ✓");
    changed.status = QStringLiteral("exhausted");
    QVERIFY(store->upsertKey(changed));

    QList<ApiKey> keys = store->load().keys;
    QCOMPARE(keys.size(), 4);
    QCOMPARE(keys.at(1), changed); // updated in place
    QCOMPARE(keys.at(3), added);   // appended

    QVERIFY(store->removeKeys({richKey(0).id, QStringLiteral("no-such-key")}));
    keys = store->load().keys;
    QCOMPARE(keys.size(), 3);
    QCOMPARE(keys.first(), changed);
    QCOMPARE(store->lastSyncedAtUtc(), richSnapshot().syncedAtUtc);

    ApiKey noId = richKey(8);
    noId.id.clear();
    QString message;
    QVERIFY(!store->upsertKey(noId, &message));
    QVERIFY(!message.isEmpty());
    QCOMPARE(store->load().keys.size(), 3);
}

void TestCacheStore::unmaskedSecretIsRefused()
{
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    ApiKey leaked = richKey(1);
    leaked.maskedKey = QStringLiteral("pk-live-abcdefghijklmnop");
    QString message;
    QVERIFY(!store->upsertKey(leaked, &message));
    QVERIFY(message.contains(leaked.id));
    QVERIFY(!message.contains(leaked.maskedKey));
    QVERIFY(store->load().keys.isEmpty());

    // A secret hidden in an unmodelled field, or in the principal, is refused too.
    ApiKey nested = richKey(2);
    nested.extra.insert(QStringLiteral("rotation"),
                        QJsonObject{{QStringLiteral("api_key"), QStringLiteral("pk-x")}});
    QVERIFY(!store->upsertKey(nested, &message));
    CacheSnapshot snapshot = richSnapshot(1);
    snapshot.principal.insert(QStringLiteral("secret"), QStringLiteral("pk-live-principal"));
    QVERIFY(!store->replaceAll(snapshot, &message));
    QVERIFY(!message.contains(QStringLiteral("pk-live-principal")));
    QVERIFY(store->load().keys.isEmpty());
}

void TestCacheStore::schemaIsVersioned()
{
    QVERIFY(CacheStore::open(path(), m_key, nullptr));
    pk::sql::Database db;
    QVERIFY(db.open(path(), m_key, false));
    QCOMPARE(db.userVersion(), CacheStore::schemaVersion);
    QVERIFY(!db.cipherVersion().isEmpty());
}

void TestCacheStore::newerSchemaIsRefused()
{
    QVERIFY(CacheStore::open(path(), m_key, nullptr));
    {
        pk::sql::Database db;
        QVERIFY(db.open(path(), m_key, false));
        QVERIFY(db.setUserVersion(CacheStore::schemaVersion + 1));
    }
    CacheOpenError error;
    QVERIFY(!CacheStore::open(path(), m_key, &error));
    QCOMPARE(error.kind, CacheError::Schema);
    QVERIFY(error.canRebuild);
    QVERIFY(error.message.contains(QStringLiteral("newer")));
}

void TestCacheStore::schemaOneIsMigrated()
{
    // A file as schema 1 wrote it, with its three lookup indexes and one key.
    const ApiKey key = richKey(1);
    {
        pk::sql::Database db;
        QVERIFY(db.open(path(), m_key, true));
        QVERIFY(db.exec(
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
            " id TEXT NOT NULL CHECK(id <> ''), name TEXT, json TEXT NOT NULL, PRIMARY KEY(workspace, "
            "id));"));
        pk::sql::Statement insert =
            db.prepare("INSERT INTO api_keys(ord, id, workspace, type, name, json) VALUES(0, ?, ?, ?, ?, ?)");
        insert.bind(1, key.id).bind(2, key.workspaceId).bind(3, key.type).bind(4, key.name);
        insert.bind(5, QString::fromUtf8(QJsonDocument(key.toJson()).toJson(QJsonDocument::Indented)));
        QVERIFY(insert.exec());
        QVERIFY(db.setUserVersion(1));
    }
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    QCOMPARE(store->load().keys, QList<ApiKey>{key});
    store.reset();
    pk::sql::Database db;
    QVERIFY(db.open(path(), m_key, false));
    QCOMPARE(db.userVersion(), CacheStore::schemaVersion);
    pk::sql::Statement indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                            "tbl_name = 'api_keys' AND sql IS NOT NULL ORDER BY name");
    QStringList names;
    while (indexes.next())
        names.append(indexes.columnText(0));
    QCOMPARE(names, QStringList{QStringLiteral("api_keys_ord")});
}

void TestCacheStore::replaceAllReportsChanges()
{
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    const CacheSnapshot first = richSnapshot(3);
    pk::CacheChanges changes;
    QVERIFY(store->replaceAll(first, nullptr, nullptr, &changes));
    QCOMPARE(changes.addedKeyIds,
             (QStringList{first.keys.at(0).id, first.keys.at(1).id, first.keys.at(2).id}));
    QVERIFY(changes.changedKeyIds.isEmpty() && changes.removedKeyIds.isEmpty());
    QCOMPARE(changes.addedWorkspaceIds,
             (QStringList{QStringLiteral("ws-uuid-1"), QStringLiteral("ws-uuid-2")}));
    QVERIFY(changes.principalChanged);

    CacheSnapshot next = first;
    next.keys.removeFirst();                           // key 0 removed
    next.keys[1].status = QStringLiteral("exhausted"); // key 2 changed; key 1 unchanged
    next.keys.append(richKey(7));                      // key 7 added
    next.workspaces[1].name = QStringLiteral("Sandbox");
    next.syncedAtUtc = next.syncedAtUtc.addSecs(60);
    QVERIFY(store->replaceAll(next, nullptr, nullptr, &changes));
    QCOMPARE(changes.addedKeyIds, QStringList{richKey(7).id});
    QCOMPARE(changes.changedKeyIds, QStringList{first.keys.at(2).id});
    QCOMPARE(changes.removedKeyIds, QStringList{first.keys.at(0).id});
    QVERIFY(changes.addedWorkspaceIds.isEmpty() && changes.removedWorkspaceIds.isEmpty());
    QCOMPARE(changes.changedWorkspaceIds, QStringList{QStringLiteral("ws-uuid-2")});
    QVERIFY(!changes.principalChanged);
    compareSnapshots(store->load(), next);

    // A failed replacement reports nothing.
    CacheSnapshot bad = next;
    bad.keys[0].id.clear();
    QVERIFY(!store->replaceAll(bad, nullptr, nullptr, &changes));
    QVERIFY(changes.addedKeyIds.isEmpty() && changes.changedKeyIds.isEmpty() &&
            changes.removedKeyIds.isEmpty());
    compareSnapshots(store->load(), next);
}

void TestCacheStore::manyKeysKeepOrderAcrossChunks()
{
    // More keys than one chunk of parallel serialisation and parsing (4,096): order and content survive,
    // and a secret in a later chunk still refuses the whole replacement.
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    CacheSnapshot big = richSnapshot(0);
    for (int i = 0; i < 9000; ++i) {
        ApiKey k = richKey(i);
        k.name = QStringLiteral("key %1").arg(8999 - i);
        big.keys.append(k);
    }
    QVERIFY(store->replaceAll(big, nullptr));
    compareSnapshots(store->load(), big);

    CacheSnapshot leaking = big;
    leaking.keys[8500].maskedKey = QStringLiteral("pk-live-FULLSECRET");
    QString message;
    QVERIFY(!store->replaceAll(leaking, &message));
    QVERIFY(message.contains(leaking.keys.at(8500).id));
    QVERIFY(!message.contains(QStringLiteral("FULLSECRET")));
    QCOMPARE(store->load().keys.size(), big.keys.size());
}

void TestCacheStore::cancelledReplaceChangesNothing()
{
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    const CacheSnapshot original = richSnapshot(2);
    QVERIFY(store->replaceAll(original, nullptr));
    const std::atomic<bool> cancel(true);
    QString message;
    QVERIFY(!store->replaceAll(richSnapshot(5), &message, &cancel));
    QVERIFY(message.contains(QStringLiteral("cancelled")));
    compareSnapshots(store->load(), original);
}

void TestCacheStore::unchangedRowsAreNotWritten()
{
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    const CacheSnapshot first = richSnapshot(300);
    QVERIFY(store->replaceAll(first, nullptr));
    logWrites(path(), m_key);

    // 1 % of the keys renamed and a new sync time: those 3 rows and the sync time, nothing else.
    CacheSnapshot next = first;
    QStringList renamed;
    for (int i = 0; i < next.keys.size(); i += 100) {
        next.keys[i].name += QStringLiteral(" (renamed)");
        renamed.append(next.keys.at(i).id);
    }
    next.syncedAtUtc = next.syncedAtUtc.addSecs(60);
    pk::CacheChanges changes;
    QString message;
    QVERIFY2(store->replaceAll(next, &message, nullptr, &changes), qPrintable(message));
    QCOMPARE(changes.changedKeyIds, renamed);
    QVERIFY(changes.addedKeyIds.isEmpty() && changes.removedKeyIds.isEmpty());
    QStringList expected =
        keyWrites("update", renamed) + QStringList{QStringLiteral("meta insert synced_at_utc")};
    expected.sort();
    QCOMPARE(takeWrites(path(), m_key), expected);

    // The same snapshot again writes nothing at all.
    QVERIFY(store->replaceAll(next, &message, nullptr, &changes));
    QVERIFY(changes.addedKeyIds.isEmpty() && changes.changedKeyIds.isEmpty() &&
            changes.removedKeyIds.isEmpty());
    QVERIFY(!changes.principalChanged);
    QCOMPARE(takeWrites(path(), m_key), QStringList());

    // A workspace, a user, a member and the principal changed: exactly those rows.
    next.workspaces[0].name = QStringLiteral("Produktion");
    next.users[1].email = QStringLiteral("new@example.com");
    next.members[QStringLiteral("ws-uuid-2")][0].role = QStringLiteral("admin");
    next.principal.insert(QStringLiteral("name"), QStringLiteral("renamed"));
    QVERIFY(store->replaceAll(next, &message, nullptr, &changes));
    QCOMPARE(changes.changedWorkspaceIds, QStringList{QStringLiteral("ws-uuid-1")});
    QVERIFY(changes.principalChanged);
    QCOMPARE(takeWrites(path(), m_key),
             (QStringList{QStringLiteral("members update ws-uuid-2/user-2"),
                          QStringLiteral("meta insert principal"), QStringLiteral("users update user-2"),
                          QStringLiteral("workspaces update ws-uuid-1")}));
    compareSnapshots(store->load(), next);

    // Clearing the sync time deletes its row.
    next.syncedAtUtc = QDateTime();
    QVERIFY(store->replaceAll(next, &message));
    QCOMPARE(takeWrites(path(), m_key), QStringList{QStringLiteral("meta delete synced_at_utc")});
    compareSnapshots(store->load(), next);
}

void TestCacheStore::orderSurvivesAddRemoveReorder()
{
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    CacheSnapshot s = richSnapshot(20);
    QVERIFY(store->replaceAll(s, nullptr));
    logWrites(path(), m_key);
    QString message;
    pk::CacheChanges changes;

    // Three removed; two added at the front, one in the middle, one at the end: only those rows.
    const QStringList removed{s.keys.at(3).id, s.keys.at(4).id, s.keys.at(10).id};
    s.keys.removeAt(10);
    s.keys.removeAt(4);
    s.keys.removeAt(3);
    s.keys.insert(0, richKey(100));
    s.keys.insert(1, richKey(101));
    s.keys.insert(9, richKey(102));
    s.keys.append(richKey(103));
    const QStringList added{richKey(100).id, richKey(101).id, richKey(102).id, richKey(103).id};
    QVERIFY2(store->replaceAll(s, &message, nullptr, &changes), qPrintable(message));
    QCOMPARE(changes.addedKeyIds, added);
    QCOMPARE(changes.removedKeyIds, removed);
    QStringList expected = keyWrites("insert", added) + keyWrites("delete", removed);
    expected.sort();
    QCOMPARE(takeWrites(path(), m_key), expected);
    QCOMPARE(ids(store->load().keys), ids(s.keys));

    // One key moved from the end to the front: only its row, and it is not reported as changed.
    s.keys.prepend(s.keys.takeLast());
    QVERIFY(store->replaceAll(s, &message, nullptr, &changes));
    QVERIFY(changes.addedKeyIds.isEmpty() && changes.changedKeyIds.isEmpty() &&
            changes.removedKeyIds.isEmpty());
    QCOMPARE(takeWrites(path(), m_key), keyWrites("update", {s.keys.first().id}));
    compareSnapshots(store->load(), s);

    // Reversed: every key but one moves.
    std::reverse(s.keys.begin(), s.keys.end());
    QVERIFY(store->replaceAll(s, &message));
    QCOMPARE(takeWrites(path(), m_key).size(), s.keys.size() - 1);
    compareSnapshots(store->load(), s);

    // Forty syncs each adding a key just after the first one use up the room between two neighbours;
    // the order stays right throughout.
    for (int i = 0; i < 40; ++i) {
        s.keys.insert(1, richKey(200 + i));
        QVERIFY(store->replaceAll(s, &message));
        QCOMPARE(ids(store->load().keys), ids(s.keys));
    }
    takeWrites(path(), m_key);

    // Workspaces, users and the members of a workspace keep the order given too.
    std::reverse(s.workspaces.begin(), s.workspaces.end());
    std::reverse(s.users.begin(), s.users.end());
    QList<pk::WorkspaceMember> &members = s.members[QStringLiteral("ws-uuid-1")];
    std::reverse(members.begin(), members.end());
    QVERIFY(store->replaceAll(s, &message));
    compareSnapshots(store->load(), s);
    // A new profile's first write and a reopened file read the same order.
    store.reset();
    store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    compareSnapshots(store->load(), s);
}

void TestCacheStore::randomEditsKeepOrder()
{
    // Random deletes, creates, moves and edits, checked after every sync against the list given and
    // against what CacheChanges must report.
    QRandomGenerator random(20261130);
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    CacheSnapshot s = richSnapshot(0);
    int nextId = 0;
    for (int round = 0; round < 60; ++round) {
        const QList<ApiKey> before = s.keys;
        QStringList added;
        QSet<QString> edited;
        const int operations = int(random.bounded(1, 12));
        for (int op = 0; op < operations; ++op) {
            const int size = int(s.keys.size());
            switch (size == 0 ? 0 : random.bounded(4)) {
            case 0: {
                ApiKey k = richKey(nextId++);
                s.keys.insert(int(random.bounded(size + 1)), k);
                added.append(k.id);
                break;
            }
            case 1: {
                const ApiKey gone = s.keys.takeAt(int(random.bounded(size)));
                added.removeOne(gone.id);
                edited.remove(gone.id);
                break;
            }
            case 2:
                s.keys.move(int(random.bounded(size)), int(random.bounded(size)));
                break;
            default: {
                ApiKey &k = s.keys[int(random.bounded(size))];
                k.description = QStringLiteral("edit %1").arg(round);
                edited.insert(k.id);
                break;
            }
            }
        }
        pk::CacheChanges changes;
        QString message;
        QVERIFY2(store->replaceAll(s, &message, nullptr, &changes), qPrintable(message));
        QCOMPARE(store->load().keys, s.keys);

        QStringList expectedAdded;
        QStringList expectedChanged;
        QStringList expectedRemoved;
        const QStringList nowIds = ids(s.keys);
        const QSet<QString> now(nowIds.cbegin(), nowIds.cend());
        QHash<QString, ApiKey> old;
        for (const ApiKey &k : before) {
            old.insert(k.id, k);
            if (!now.contains(k.id))
                expectedRemoved.append(k.id);
        }
        for (const ApiKey &k : std::as_const(s.keys)) {
            if (!old.contains(k.id))
                expectedAdded.append(k.id);
            else if (!(old.value(k.id) == k))
                expectedChanged.append(k.id);
        }
        QCOMPARE(changes.addedKeyIds, expectedAdded);
        QCOMPARE(changes.changedKeyIds, expectedChanged);
        QCOMPARE(changes.removedKeyIds, expectedRemoved);
    }
    QVERIFY(nextId > 20);
}

void TestCacheStore::failedReplaceLeavesFileIdentical_data()
{
    QTest::addColumn<QString>("fault");
    QTest::newRow("unmasked secret in a later chunk") << QStringLiteral("secret");
    QTest::newRow("duplicate id") << QStringLiteral("duplicate");
    QTest::newRow("empty id") << QStringLiteral("empty");
    QTest::newRow("cancelled") << QStringLiteral("cancel");
}

void TestCacheStore::failedReplaceLeavesFileIdentical()
{
    QFETCH(QString, fault);
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    const CacheSnapshot original = richSnapshot(4500); // more than one chunk of 4,096
    QVERIFY(store->replaceAll(original, nullptr));

    // A sync that deletes, creates, edits and moves rows, then meets the fault.
    CacheSnapshot next = original;
    next.keys.removeAt(7);
    next.keys.prepend(richKey(9001));
    next.keys[100].name = QStringLiteral("edited");
    next.keys.move(200, 4000);
    next.workspaces.removeLast();
    next.users.clear();
    next.syncedAtUtc = next.syncedAtUtc.addDays(1);
    std::atomic<bool> cancel(false);
    if (fault == QLatin1String("secret"))
        next.keys[4400].maskedKey = QStringLiteral("pk-live-FULLSECRET");
    else if (fault == QLatin1String("duplicate"))
        next.keys[4400].id = next.keys.at(2).id;
    else if (fault == QLatin1String("empty"))
        next.keys[4400].id.clear();
    else
        cancel = true;
    const QByteArray before = fileBytes(path());
    pk::CacheChanges changes;
    changes.addedKeyIds = QStringList{QStringLiteral("stale")};
    QString message;
    QVERIFY(!store->replaceAll(next, &message, &cancel, &changes));
    QVERIFY(!message.isEmpty());
    QVERIFY(!message.contains(QStringLiteral("FULLSECRET")));
    if (fault == QLatin1String("cancel"))
        QVERIFY(message.contains(QStringLiteral("cancelled")));
    else if (fault != QLatin1String("secret"))
        QVERIFY2(message.contains(
                     QString(QStringLiteral("API key \"") + next.keys.at(4400).id + QLatin1Char('"'))),
                 qPrintable(message));
    QVERIFY(changes.addedKeyIds.isEmpty() && changes.changedKeyIds.isEmpty() &&
            changes.removedKeyIds.isEmpty());
    QCOMPARE(fileBytes(path()), before);
    QVERIFY(!QFile::exists(QString(path() + QStringLiteral("-journal"))));
    compareSnapshots(store->load(), original);
}

void TestCacheStore::schemaTwoIsMigrated()
{
    // A file as schema 2 wrote it: `ord` counting 0, 1, 2, ... and no digests.
    const CacheSnapshot snapshot = richSnapshot(5);
    const auto compact = [](const QJsonObject &o) {
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    };
    {
        pk::sql::Database db;
        QVERIFY(db.open(path(), m_key, true));
        QVERIFY(db.exec(
            "CREATE TABLE meta(name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
            "CREATE TABLE workspaces(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
            " slug TEXT, name TEXT, json TEXT NOT NULL);"
            "CREATE TABLE api_keys(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
            " workspace TEXT, type TEXT, name TEXT, json TEXT NOT NULL);"
            "CREATE INDEX api_keys_ord ON api_keys(ord);"
            "CREATE TABLE users(ord INTEGER NOT NULL, id TEXT PRIMARY KEY NOT NULL CHECK(id <> ''),"
            " email TEXT, name TEXT, json TEXT NOT NULL);"
            "CREATE TABLE members(ord INTEGER NOT NULL, workspace TEXT NOT NULL CHECK(workspace <> ''),"
            " id TEXT NOT NULL CHECK(id <> ''), name TEXT, json TEXT NOT NULL, PRIMARY KEY(workspace, "
            "id));"));
        pk::sql::Statement meta = db.prepare("INSERT INTO meta(name, value) VALUES(?, ?)");
        meta.bind(1, QStringLiteral("synced_at_utc"))
            .bind(2, snapshot.syncedAtUtc.toString(Qt::ISODateWithMs));
        QVERIFY(meta.exec());
        meta.reset();
        meta.bind(1, QStringLiteral("principal")).bindUtf8(2, compact(snapshot.principal));
        QVERIFY(meta.exec());
        // Inserted in reverse, so rowid order differs from `ord` order.
        pk::sql::Statement ws = db.prepare("INSERT INTO workspaces VALUES(?, ?, ?, ?, ?)");
        for (int i = int(snapshot.workspaces.size()) - 1; i >= 0; --i) {
            const pk::Workspace &w = snapshot.workspaces.at(i);
            ws.reset();
            ws.bind(1, qint64(i))
                .bind(2, w.id)
                .bind(3, w.slug)
                .bind(4, w.name)
                .bindUtf8(5, compact(w.toJson()));
            QVERIFY(ws.exec());
        }
        pk::sql::Statement keys = db.prepare("INSERT INTO api_keys VALUES(?, ?, ?, ?, ?, ?)");
        for (int i = int(snapshot.keys.size()) - 1; i >= 0; --i) {
            const ApiKey &k = snapshot.keys.at(i);
            keys.reset();
            keys.bind(1, qint64(i)).bind(2, k.id).bind(3, k.workspaceId).bind(4, k.type).bind(5, k.name);
            keys.bindUtf8(6, compact(k.toJson()));
            QVERIFY(keys.exec());
        }
        pk::sql::Statement users = db.prepare("INSERT INTO users VALUES(?, ?, ?, ?, ?)");
        for (int i = 0; i < snapshot.users.size(); ++i) {
            const pk::User &u = snapshot.users.at(i);
            users.reset();
            users.bind(1, qint64(i)).bind(2, u.id).bind(3, u.email).bind(4, u.displayName());
            users.bindUtf8(5, compact(u.toJson()));
            QVERIFY(users.exec());
        }
        pk::sql::Statement members = db.prepare("INSERT INTO members VALUES(?, ?, ?, ?, ?)");
        // Schema 2 wrote members in QHash order, which differs between processes; written here in
        // workspace id order, as replaceAll() now does, so the check below expects no write at all.
        qint64 ord = 0;
        QStringList workspaceIds = snapshot.members.keys();
        workspaceIds.sort();
        for (const QString &workspaceId : std::as_const(workspaceIds)) {
            for (const pk::WorkspaceMember &m : snapshot.members.value(workspaceId)) {
                members.reset();
                members.bind(1, ord++).bind(2, workspaceId).bind(3, m.id).bind(4, m.displayName());
                members.bindUtf8(5, compact(m.toJson()));
                QVERIFY(members.exec());
            }
        }
        QVERIFY(db.setUserVersion(2));
    }
    auto store = CacheStore::open(path(), m_key, nullptr);
    QVERIFY(store);
    compareSnapshots(store->load(), snapshot);
    {
        pk::sql::Database db;
        QVERIFY(db.open(path(), m_key, false));
        QCOMPARE(db.userVersion(), CacheStore::schemaVersion);
    }

    // The migrated digests match: the same snapshot reports no change and writes no row.
    logWrites(path(), m_key);
    pk::CacheChanges changes;
    QString message;
    QVERIFY2(store->replaceAll(snapshot, &message, nullptr, &changes), qPrintable(message));
    QVERIFY(changes.addedKeyIds.isEmpty() && changes.changedKeyIds.isEmpty() &&
            changes.removedKeyIds.isEmpty());
    QVERIFY(changes.addedWorkspaceIds.isEmpty() && changes.changedWorkspaceIds.isEmpty());
    QVERIFY(!changes.principalChanged);
    QCOMPARE(takeWrites(path(), m_key), QStringList());

    // The migrated `ord` values leave room: a key placed second is the only row written.
    CacheSnapshot next = snapshot;
    next.keys.insert(1, richKey(50));
    QVERIFY(store->replaceAll(next, &message, nullptr, &changes));
    QCOMPARE(changes.addedKeyIds, QStringList{richKey(50).id});
    QCOMPARE(takeWrites(path(), m_key), keyWrites("insert", {richKey(50).id}));
    compareSnapshots(store->load(), next);
}

QTEST_GUILESS_MAIN(TestCacheStore)
#include "tst_cachestore.moc"
