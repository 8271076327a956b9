// The portkey-sandbox executable: prints one JSON document on stdout at start, serves the personas'
// credentials over HTTP, and stops on SIGTERM.

#include "sandboxhttp.h"

#include <QJsonArray>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;
using sandboxtest::Http;

class TestSandboxExe : public QObject
{
    Q_OBJECT
private slots:
    void printsDescriptionAndServes();
    void rejectsBadArguments();
};

void TestSandboxExe::printsDescriptionAndServes()
{
    QProcess process;
    process.start(QString::fromUtf8(PK_SANDBOX_EXE),
                  {u"--port"_s, u"0"_s, u"--seed"_s, u"5"_s, u"--keys"_s, u"60"_s});
    QVERIFY2(process.waitForStarted(10000), qPrintable(process.errorString()));
    QByteArray line;
    for (int i = 0; i < 100 && !line.contains('\n'); ++i) {
        process.waitForReadyRead(100);
        line += process.readAllStandardOutput();
    }
    QVERIFY2(line.endsWith('\n'), qPrintable(QString::number(line.size()))); // never print the secrets
    QCOMPARE(line.count('\n'), 1);
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject description = doc.object();
    const QUrl base(description.value(u"base_url"_s).toString());
    QCOMPARE(base.host(), u"127.0.0.1"_s);
    QCOMPARE(base.path(), u"/v1"_s);
    QVERIFY(base.port() > 0);
    const QJsonArray personas = description.value(u"personas"_s).toArray();
    QVERIFY(personas.size() >= 4);
    QString ownerKey;
    QString memberKey;
    for (const auto &v : personas) {
        const QJsonObject p = v.toObject();
        for (const QString &field :
             {u"name"_s, u"org_role"_s, u"workspace_roles"_s, u"key_type"_s, u"workspace"_s, u"api_key"_s})
            QVERIFY2(p.contains(field), qPrintable(field));
        if (p.value(u"name"_s).toString() == u"owner"_s)
            ownerKey = p.value(u"api_key"_s).toString();
        if (p.value(u"name"_s).toString() == u"member"_s)
            memberKey = p.value(u"api_key"_s).toString();
    }
    QVERIFY(!ownerKey.isEmpty());

    Http http(base);
    const auto keys = http.get(u"/api-keys"_s, ownerKey);
    QCOMPARE(keys.status, 200);
    QCOMPARE(keys.json.value(u"total"_s).toInt(), 60);
    QCOMPARE(http.get(u"/api-keys"_s, memberKey).status, 403);
    QCOMPARE(http.get(u"/api-keys"_s, u"nope"_s).status, 401);

    process.terminate(); // SIGTERM
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

void TestSandboxExe::rejectsBadArguments()
{
    QProcess process;
    process.start(QString::fromUtf8(PK_SANDBOX_EXE), {u"--port"_s, u"seventy"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    QVERIFY(process.readAllStandardError().contains("--port"));
}

QTEST_GUILESS_MAIN(TestSandboxExe)
#include "tst_sandboxexe.moc"
