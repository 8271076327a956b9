// The one API key check (trimApiKey(), apiKeyProblem()) used by the CLI, the connect dialog and the
// "Enter new key" flow.

#include "secrets/apikeytext.h"

#include <QtTest>

using pk::apiKeyProblem;
using pk::SecretBuffer;
using pk::trimApiKey;

class TestApiKeyText : public QObject
{
    Q_OBJECT
private slots:
    void trimsSurroundingWhitespace();
    void refusesWhatCouldSplitAHeader_data();
    void refusesWhatCouldSplitAHeader();
    void acceptsPortkeyKeys();
};

void TestApiKeyText::trimsSurroundingWhitespace()
{
    QByteArray piped("  \tpk-abc123\r\n");
    SecretBuffer key = SecretBuffer::take(piped);
    trimApiKey(key);
    QCOMPARE(key.view(), QByteArrayLiteral("pk-abc123"));
    QString typed = QStringLiteral(" pk-abc123\n");
    trimApiKey(typed);
    QCOMPARE(typed, QStringLiteral("pk-abc123"));
    QByteArray blank(" \r\n ");
    SecretBuffer empty = SecretBuffer::take(blank);
    trimApiKey(empty);
    QVERIFY(empty.isEmpty());
    QVERIFY(!apiKeyProblem(empty).isEmpty());
}

void TestApiKeyText::refusesWhatCouldSplitAHeader_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("reason");
    QTest::newRow("CRLF header injection")
        << QByteArray("abc\r\nX-Injected: yes") << QStringLiteral("line break");
    QTest::newRow("LF") << QByteArray("abc\ndef") << QStringLiteral("line break");
    QTest::newRow("NUL") << QByteArray("abc\0def", 7) << QStringLiteral("control character");
    QTest::newRow("ESC") << QByteArray("abc\x1b[2J") << QStringLiteral("control character");
    QTest::newRow("DEL") << QByteArray("abc\x7f") << QStringLiteral("control character");
    QTest::newRow("inner space") << QByteArray("abc def") << QStringLiteral("space");
    QTest::newRow("inner tab") << QByteArray("abc\tdef") << QStringLiteral("control character");
    QTest::newRow("C1 NEL (UTF-8)") << QByteArray("abc\xc2\x85"
                                                  "def")
                                    << QStringLiteral("ASCII");
    QTest::newRow("typographic dash") << QByteArray("abc\xe2\x80\x93"
                                                    "def")
                                      << QStringLiteral("ASCII");
}

void TestApiKeyText::refusesWhatCouldSplitAHeader()
{
    QFETCH(QByteArray, key);
    QFETCH(QString, reason);
    QByteArray copy = key;
    SecretBuffer secret = SecretBuffer::take(copy);
    trimApiKey(secret);
    const QString problem = apiKeyProblem(secret);
    QVERIFY2(problem.contains(reason), qPrintable(problem));
    QVERIFY(!problem.contains(QStringLiteral("abc"))); // the message never quotes the key

    // The QString form (a line edit's text) gives the same verdict.
    QString text = QString::fromUtf8(key);
    trimApiKey(text);
    QVERIFY(!apiKeyProblem(text).isEmpty());
}

void TestApiKeyText::acceptsPortkeyKeys()
{
    for (const QByteArray &key : {QByteArray("pk-abc_DEF-123+/=~"), QByteArray("x")}) {
        QByteArray copy = key;
        const SecretBuffer secret = SecretBuffer::take(copy);
        QVERIFY2(apiKeyProblem(secret).isEmpty(), key.constData());
        QVERIFY(apiKeyProblem(QString::fromLatin1(key)).isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestApiKeyText)
#include "tst_apikeytext.moc"
