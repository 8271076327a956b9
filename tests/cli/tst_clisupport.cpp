// The pure helpers of the CLI in clisupport.h: options whose value would be another option, invite links
// fit to print, and workspace lookup (ambiguous slug and name, a bounded list of known workspaces).

#include "cli/clisupport.h"

#include <QtTest>

using namespace pk;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

Workspace workspace(const QString &id, const QString &slug, const QString &name)
{
    Workspace w;
    w.id = id;
    w.slug = slug;
    w.name = name;
    return w;
}

} // namespace

class TestCliSupport : public QObject
{
    Q_OBJECT
private slots:
    void optionTakenAsValue_data();
    void optionTakenAsValue();
    void printableUrls_data();
    void printableUrls();
    void slugAndOtherNameAreAmbiguous();
    void exactIdIsNeverAmbiguous();
    void knownWorkspacesAreCapped();
};

void TestCliSupport::optionTakenAsValue_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("error");
    const QString prog = s("cli");
    QTest::newRow("value") << QStringList{prog, s("--name"), s("Staging")} << QString();
    QTest::newRow("option as value")
        << QStringList{prog, s("ws"), s("--name"), s("--yes")}
        << s("--name needs a value (got the option --yes); write --name=--yes if "
             "you mean it");
    QTest::newRow("joined") << QStringList{prog, s("--name=--yes")} << QString();
    QTest::newRow("flag then option") << QStringList{prog, s("--yes"), s("--json")} << QString();
    QTest::newRow("single dash value") << QStringList{prog, s("--name"), s("-x")} << QString();
    QTest::newRow("after --") << QStringList{prog, s("--"), s("--name"), s("--yes")} << QString();
    QTest::newRow("lone -- as value") << QStringList{prog, s("--description"), s("--")}
                                      << s("--description needs a value (got the option --)");
}

void TestCliSupport::optionTakenAsValue()
{
    QFETCH(QStringList, args);
    QFETCH(QString, error);
    const QString got = cli::optionTakenAsValue(args, {s("name"), s("description")});
    QVERIFY2(error.isEmpty() ? got.isEmpty() : got.startsWith(error), qPrintable(got));
}

void TestCliSupport::printableUrls_data()
{
    QTest::addColumn<QString>("link");
    QTest::addColumn<bool>("printable");
    QTest::newRow("https") << s("https://app.portkey.ai/invite/abc?x=1") << true;
    QTest::newRow("http") << s("http://127.0.0.1:8080/invite/abc") << true;
    QTest::newRow("line break") << s("https://a.example/x\nInjected") << false;
    QTest::newRow("carriage return") << s("https://a.example/x\rInjected") << false;
    QTest::newRow("space") << s("https://a.example/x y") << false;
    QTest::newRow("escape") << s("https://a.example/\x1b[2J") << false;
    QTest::newRow("bidi override") << QString(s("https://a.example/") + QChar(0x202E)) << false;
    QTest::newRow("javascript") << s("javascript:alert(1)") << false;
    QTest::newRow("no host") << s("https:///path") << false;
    QTest::newRow("relative") << s("/invite/abc") << false;
    QTest::newRow("empty") << QString() << false;
}

void TestCliSupport::printableUrls()
{
    QFETCH(QString, link);
    QFETCH(bool, printable);
    QCOMPARE(cli::isPrintableUrl(link), printable);
}

void TestCliSupport::slugAndOtherNameAreAmbiguous()
{
    const WorkspaceDirectory dir({workspace(s("id-1"), s("ws-staging-8e6007"), s("Staging")),
                                  workspace(s("id-2"), s("ws-other-123456"), s("ws-staging-8e6007"))});
    QString error;
    QVERIFY(!cli::findWorkspace(dir, s("ws-staging-8e6007"), &error));
    QVERIFY2(error.contains(s("ambiguous")) && error.contains(s("Staging (id-1)")) &&
                 error.contains(s("ws-staging-8e6007 (id-2)")),
             qPrintable(error));
    QCOMPARE(cli::findWorkspace(dir, s("staging"), &error)->id, s("id-1"));         // a name alone
    QCOMPARE(cli::findWorkspace(dir, s("ws-other-123456"), &error)->id, s("id-2")); // a slug alone
}

void TestCliSupport::exactIdIsNeverAmbiguous()
{
    const WorkspaceDirectory dir(
        {workspace(s("id-1"), s("ws-a-000001"), s("A")), workspace(s("id-2"), s("ws-b-000002"), s("id-1"))});
    QString error;
    const std::optional<Workspace> ws = cli::findWorkspace(dir, s("id-1"), &error);
    QVERIFY2(ws, qPrintable(error));
    QCOMPARE(ws->name, s("A"));
}

void TestCliSupport::knownWorkspacesAreCapped()
{
    QList<Workspace> many;
    for (int i = 0; i < 3000; ++i)
        many.append(workspace(QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0')),
                              QStringLiteral("ws-w%1-abcdef").arg(i), QStringLiteral("Workspace %1").arg(i)));
    QString error;
    QVERIFY(!cli::findWorkspace(WorkspaceDirectory(many), s("Nowhere"), &error));
    QVERIFY2(error.contains(s("Workspace 9 (")) && !error.contains(s("Workspace 10 (")) &&
                 error.contains(s("and 2990 more; see `workspaces list`")),
             qPrintable(error));
    QVERIFY2(error.size() < 1000, qPrintable(QString::number(error.size())));
}

QTEST_GUILESS_MAIN(TestCliSupport)
#include "tst_clisupport.moc"
