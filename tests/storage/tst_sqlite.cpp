#include "storage/cachestore.h"
#include "storage/sqlite.h"

#include <QtTest>

#include <QTemporaryDir>

#include <sqlite3.h>

using pk::SecretBuffer;
using pk::sql::Database;
using pk::sql::SqlErrorKind;
using pk::sql::Statement;
using pk::sql::Transaction;

class TestSqlite : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void opensAnSqlcipherBuild();
    void bindAndReadColumns();
    void cachedStatementIsReused();
    void transactionRollsBackUnlessCommitted();
    void constraintErrorsAreTyped();
    void prepareErrorIsReported();
    void missingFileWithoutCreateIsIo();
    void functionsAndChangeCounts();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("t.db")); }
    std::unique_ptr<QTemporaryDir> m_dir;
    SecretBuffer m_key = pk::CacheStore::newKey();
};

void TestSqlite::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSqlite::opensAnSqlcipherBuild()
{
    Database db;
    QVERIFY2(db.open(path(), m_key, true), qPrintable(db.lastError().message));
    const QString version = db.cipherVersion();
    qInfo("SQLCipher %s, SQLite %s", qPrintable(version), sqlite3_libversion());
    QVERIFY(version.startsWith(QLatin1Char('3')) || version.startsWith(QLatin1Char('4')));
    QCOMPARE(db.userVersion(), 0);
    Statement journal = db.prepare("PRAGMA journal_mode");
    QVERIFY(journal.next());
    QCOMPARE(journal.columnText(0), QStringLiteral("delete"));
    Statement fk = db.prepare("PRAGMA foreign_keys");
    QVERIFY(fk.next());
    QCOMPARE(fk.columnInt64(0), 1);
}

void TestSqlite::bindAndReadColumns()
{
    Database db;
    QVERIFY(db.open(path(), m_key, true));
    QVERIFY(db.exec("CREATE TABLE t(a TEXT, b INTEGER, c BLOB)"));
    Statement insert = db.prepare("INSERT INTO t VALUES(?, ?, ?)");
    insert.bind(1, QStringLiteral("Grüße 🌍")).bind(2, qint64(1) << 40).bindBlob(3, QByteArray("\0\1\2", 3));
    QVERIFY(insert.exec());
    QCOMPARE(db.changes(), 1);
    insert.reset();
    insert.bind(1, QString()).bind(2, qint64(-7)).bindNull(3);
    QVERIFY(insert.exec());

    Statement select = db.prepare("SELECT a, b, c FROM t ORDER BY rowid");
    QVERIFY(select.next());
    QCOMPARE(select.columnText(0), QStringLiteral("Grüße 🌍"));
    QCOMPARE(select.columnInt64(1), qint64(1) << 40);
    QCOMPARE(select.columnBlob(2), QByteArray("\0\1\2", 3));
    QVERIFY(select.next());
    QVERIFY(select.columnIsNull(0));
    QVERIFY(select.columnText(0).isNull());
    QCOMPARE(select.columnInt64(1), qint64(-7));
    QVERIFY(select.columnIsNull(2));
    QVERIFY(!select.next());
    QVERIFY(!select.hasError());
}

void TestSqlite::cachedStatementIsReused()
{
    Database db;
    QVERIFY(db.open(path(), m_key, true));
    QVERIFY(db.exec("CREATE TABLE t(a INTEGER)"));
    static const char sql[] = "INSERT INTO t VALUES(?)";
    Statement *first = db.cached(sql);
    QVERIFY(first);
    for (qint64 i = 0; i < 5; ++i) {
        Statement *s = db.cached(sql);
        QCOMPARE(s, first);
        s->bind(1, i);
        QVERIFY(s->exec());
    }
    Statement count = db.prepare("SELECT count(*), sum(a) FROM t");
    QVERIFY(count.next());
    QCOMPARE(count.columnInt64(0), 5);
    QCOMPARE(count.columnInt64(1), 10);
}

void TestSqlite::transactionRollsBackUnlessCommitted()
{
    Database db;
    QVERIFY(db.open(path(), m_key, true));
    QVERIFY(db.exec("CREATE TABLE t(a INTEGER)"));
    {
        Transaction t(db);
        QVERIFY(t.isActive());
        QVERIFY(db.exec("INSERT INTO t VALUES(1)"));
    } // not committed
    {
        Transaction t(db);
        QVERIFY(db.exec("INSERT INTO t VALUES(2)"));
        QVERIFY(t.commit());
        QVERIFY(!t.isActive());
    }
    Statement all = db.prepare("SELECT group_concat(a) FROM t");
    QVERIFY(all.next());
    QCOMPARE(all.columnText(0), QStringLiteral("2"));
}

void TestSqlite::constraintErrorsAreTyped()
{
    Database db;
    QVERIFY(db.open(path(), m_key, true));
    QVERIFY(db.exec("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL)"));
    QVERIFY(db.exec("INSERT INTO t VALUES('a')"));
    QVERIFY(!db.exec("INSERT INTO t VALUES('a')"));
    QCOMPARE(db.lastError().kind, SqlErrorKind::Constraint);
    QCOMPARE(db.lastError().code & 0xff, SQLITE_CONSTRAINT);
    QVERIFY(db.lastError().message.contains(QStringLiteral("UNIQUE")));

    // Inside a transaction the cause survives the rollback.
    Transaction t(db);
    Statement insert = db.prepare("INSERT INTO t VALUES(?)");
    insert.bind(1, QStringLiteral("a"));
    QVERIFY(!insert.exec());
    QVERIFY(insert.hasError());
    t.rollback();
    QCOMPARE(db.lastError().kind, SqlErrorKind::Constraint);
}

void TestSqlite::prepareErrorIsReported()
{
    Database db;
    QVERIFY(db.open(path(), m_key, true));
    Statement bad = db.prepare("SELEC nonsense");
    QVERIFY(!bad.isValid());
    QCOMPARE(db.lastError().kind, SqlErrorKind::Other);
    QVERIFY(db.lastError().message.contains(QStringLiteral("SELEC nonsense")));
    QVERIFY(!bad.next());
    QVERIFY(db.cached("SELEC nonsense") == nullptr);
}

void TestSqlite::missingFileWithoutCreateIsIo()
{
    Database db;
    QVERIFY(!db.open(path(), m_key, false));
    QCOMPARE(db.lastError().kind, SqlErrorKind::Io);
    QVERIFY(!db.isOpen());
    QVERIFY(!QFile::exists(path()));
}

static QByteArray reversed(const QByteArray &bytes)
{
    QByteArray out = bytes;
    std::reverse(out.begin(), out.end());
    return out;
}

void TestSqlite::functionsAndChangeCounts()
{
    pk::sql::Database db;
    QVERIFY(db.open(path(), m_key, true));
    QVERIFY(db.createFunction("reversed", reversed));
    QVERIFY(db.exec("CREATE TABLE t(a TEXT); INSERT INTO t VALUES('abc'), ('ü'), (NULL);"));
    const qint64 before = db.totalChanges();
    QVERIFY(db.exec("UPDATE t SET a = reversed(a) WHERE a = 'abc'"));
    QCOMPARE(db.changes(), 1);
    QCOMPARE(db.totalChanges(), before + 1);
    pk::sql::Statement select =
        db.prepare("SELECT reversed(a) IS NULL, hex(reversed(a)) FROM t ORDER BY rowid");
    QVERIFY(select.next());
    QCOMPARE(select.columnText(1), QStringLiteral("616263")); // reversed twice: the bytes of "abc"
    QVERIFY(select.next());
    QCOMPARE(select.columnText(1), QStringLiteral("BCC3")); // UTF-8 bytes of "ü" (C3 BC), reversed
    QVERIFY(select.next());
    QCOMPARE(select.columnInt64(0), qint64(1)); // NULL in, NULL out
    QVERIFY(!select.next() && !select.hasError());
}

QTEST_GUILESS_MAIN(TestSqlite)
#include "tst_sqlite.moc"
