// ClipboardService: concealed copies carry the platforms' markers, are cleared after the delay only when the
// clipboard still holds them, and are cleared on quit.

#include "ui/keys/clipboardservice.h"

#include <QApplication>
#include <QClipboard>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using pk::ui::ClipboardService;

class TestClipboardService : public QObject
{
    Q_OBJECT

private:
    static QString clipboardText() { return QGuiApplication::clipboard()->text(QClipboard::Clipboard); }
    static QStringList clipboardFormats()
    {
        const QMimeData *mime = QGuiApplication::clipboard()->mimeData(QClipboard::Clipboard);
        return mime ? mime->formats() : QStringList();
    }
    static const QString kSecret;

private slots:
    void init() { QGuiApplication::clipboard()->clear(); }

    void concealedCopyCarriesMarkers()
    {
        std::unique_ptr<QMimeData> mime(ClipboardService::makeMimeData(kSecret, true));
        QCOMPARE(mime->text(), kSecret);
        QCOMPARE(mime->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArrayLiteral("secret"));
        QCOMPARE(mime->data(QStringLiteral(
                     "application/x-qt-windows-mime;value=\"ExcludeClipboardContentFromMonitorProcessing\"")),
                 QByteArray(4, '\0'));
        QCOMPARE(mime->data(
                     QStringLiteral("application/x-qt-windows-mime;value=\"CanIncludeInClipboardHistory\"")),
                 QByteArray(4, '\0'));
        QVERIFY(mime->formats().contains(QStringLiteral("org.nspasteboard.ConcealedType")));

        std::unique_ptr<QMimeData> plain(ClipboardService::makeMimeData(QStringLiteral("key-id"), false));
        QCOMPARE(plain->formats(), QStringList{QStringLiteral("text/plain")});
    }

    void clearsAfterDelay()
    {
        ClipboardService service;
        service.setClearDelayMs(150);
        QSignalSpy cleared(&service, &ClipboardService::cleared);
        service.copy(kSecret);

        // Before the delay: the secret and every marker are on the system clipboard.
        QCOMPARE(clipboardText(), kSecret);
        const QStringList formats = clipboardFormats();
        QVERIFY2(formats.contains(ClipboardService::kKdePasswordHintFormat), qPrintable(formats.join(u' ')));
        QVERIFY(formats.contains(ClipboardService::kWindowsExcludeMonitorFormat));
        QVERIFY(formats.contains(ClipboardService::kWindowsHistoryFormat));
        QVERIFY(formats.contains(ClipboardService::kMacConcealedFormat));
        QCOMPARE(QGuiApplication::clipboard()->mimeData()->data(ClipboardService::kKdePasswordHintFormat),
                 QByteArrayLiteral("secret"));
        QVERIFY(service.holdsConcealedCopy());

        // After the delay: gone, markers and all.
        QTRY_COMPARE_WITH_TIMEOUT(cleared.count(), 1, 3000);
        QVERIFY(clipboardText().isEmpty());
        QVERIFY(!clipboardFormats().contains(ClipboardService::kKdePasswordHintFormat));
        QVERIFY(!service.holdsConcealedCopy());
    }

    void keepsWhatTheUserCopiedMeanwhile()
    {
        ClipboardService service;
        service.setClearDelayMs(150);
        QSignalSpy cleared(&service, &ClipboardService::cleared);
        service.copy(kSecret);
        QGuiApplication::clipboard()->setText(QStringLiteral("something the user copied"));
        QTest::qWait(500);
        QCOMPARE(cleared.count(), 0);
        QCOMPARE(clipboardText(), QStringLiteral("something the user copied"));
        QVERIFY(!service.clearIfUnchanged());
        QCOMPARE(clipboardText(), QStringLiteral("something the user copied"));
    }

    void plainCopyIsNeverCleared()
    {
        ClipboardService service;
        service.setClearDelayMs(100);
        service.copy(QStringLiteral("6f1c-key-id"), false);
        QTest::qWait(300);
        QCOMPARE(clipboardText(), QStringLiteral("6f1c-key-id"));
        QVERIFY(!clipboardFormats().contains(ClipboardService::kKdePasswordHintFormat));
    }

    void newCopyReplacesPendingClear()
    {
        ClipboardService service;
        service.setClearDelayMs(150);
        QSignalSpy cleared(&service, &ClipboardService::cleared);
        service.copy(kSecret);
        service.copy(QStringLiteral("second-secret"));
        QTRY_COMPARE_WITH_TIMEOUT(cleared.count(), 1, 3000);
        QVERIFY(clipboardText().isEmpty());
        QTest::qWait(300);
        QCOMPARE(cleared.count(), 1);
    }

    // Runs last: it lets the application's event loop end, which emits aboutToQuit.
    void zzClearedOnQuit()
    {
        ClipboardService service; // default delay (30 s): only the quit can clear it here
        QCOMPARE(service.clearDelayMs(), ClipboardService::kDefaultClearDelayMs);
        QSignalSpy cleared(&service, &ClipboardService::cleared);
        service.copy(kSecret);
        QCOMPARE(clipboardText(), kSecret);
        QTimer::singleShot(0, qApp, &QCoreApplication::quit);
        QCoreApplication::exec();
        QCOMPARE(cleared.count(), 1);
        QVERIFY(clipboardText().isEmpty());
    }
};

const QString TestClipboardService::kSecret = QStringLiteral("pk-test-7Qe2c1A9zX");

QTEST_MAIN(TestClipboardService)
#include "tst_clipboardservice.moc"
