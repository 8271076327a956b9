// cli::terminalSafe(): server text printed on a terminal cannot control it.

#include "cli/terminaltext.h"

#include <QtTest>

using pk::cli::terminalSafe;

class TestTerminalText : public QObject
{
    Q_OBJECT
private slots:
    void stripsControls_data();
    void stripsControls();
    void keepsLineBreaksOnlyInMultiLineText();
};

void TestTerminalText::stripsControls_data()
{
    QTest::addColumn<QString>("in");
    QTest::addColumn<QString>("out");
    QTest::newRow("plain") << QStringLiteral("Prod – Zürich <b>x</b>")
                           << QStringLiteral("Prod – Zürich <b>x</b>");
    QTest::newRow("CSI clear screen") << QStringLiteral("<b>x</b>\x1b[2J") << QStringLiteral("<b>x</b>");
    QTest::newRow("CSI colour") << QStringLiteral("\x1b[31;1mred\x1b[0m") << QStringLiteral("red");
    QTest::newRow("OSC title, BEL") << QStringLiteral("a\x1b]0;pwned\x07"
                                                      "b")
                                    << QStringLiteral("ab");
    QTest::newRow("OSC 8 link, ST") << QStringLiteral("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\")
                                    << QStringLiteral("click");
    QTest::newRow("DCS") << QStringLiteral("a\x1bPq#0;2;0;0;0\x1b\\b") << QStringLiteral("ab");
    QTest::newRow("two-byte ESC") << QStringLiteral("a\x1b"
                                                    "cb")
                                  << QStringLiteral("ab");
    QTest::newRow("8-bit CSI") << QString(QStringLiteral("a") + QChar(0x9b) + QStringLiteral("2Jb"))
                               << QStringLiteral("ab");
    QTest::newRow("C0 and DEL") << QStringLiteral("a\x01\x08\r\x7f"
                                                  "b")
                                << QStringLiteral("ab");
    QTest::newRow("bidi override") << QString(QStringLiteral("a") + QChar(0x202e) + QStringLiteral("b"))
                                   << QStringLiteral("ab");
    QTest::newRow("trailing ESC") << QStringLiteral("a\x1b") << QStringLiteral("a");
}

void TestTerminalText::stripsControls()
{
    QFETCH(QString, in);
    QFETCH(QString, out);
    QCOMPARE(terminalSafe(in), out);
    QCOMPARE(terminalSafe(in, true), out);
}

void TestTerminalText::keepsLineBreaksOnlyInMultiLineText()
{
    const QString text = QStringLiteral("one\ntwo\tthree\r\n");
    QCOMPARE(terminalSafe(text, true), QStringLiteral("one\ntwo\tthree\n"));
    QCOMPARE(terminalSafe(text), QStringLiteral("one two three "));
}

QTEST_GUILESS_MAIN(TestTerminalText)
#include "tst_terminaltext.moc"
