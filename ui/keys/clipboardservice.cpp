#include "clipboardservice.h"

#include "logging.h"

#include <QApplication>
#include <QClipboard>
#include <QCryptographicHash>
#include <QMimeData>
#include <QRandomGenerator>

namespace pk::ui {

const QString ClipboardService::kKdePasswordHintFormat = QStringLiteral("x-kde-passwordManagerHint");
const QString ClipboardService::kWindowsExcludeMonitorFormat =
    QStringLiteral("application/x-qt-windows-mime;value=\"ExcludeClipboardContentFromMonitorProcessing\"");
const QString ClipboardService::kWindowsHistoryFormat =
    QStringLiteral("application/x-qt-windows-mime;value=\"CanIncludeInClipboardHistory\"");
const QString ClipboardService::kMacConcealedFormat = QStringLiteral("org.nspasteboard.ConcealedType");

ClipboardService::ClipboardService(QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ClipboardService::clearIfUnchanged);
    if (QCoreApplication *app = QCoreApplication::instance())
        connect(app, &QCoreApplication::aboutToQuit, this, &ClipboardService::clearIfUnchanged);
    m_salt.resize(16);
    QRandomGenerator::system()->generate(m_salt.begin(), m_salt.end());
}

ClipboardService::~ClipboardService()
{
    clearIfUnchanged();
}

void ClipboardService::setClearDelayMs(int ms)
{
    m_clearDelayMs = ms;
}

QMimeData *ClipboardService::makeMimeData(const QString &text, bool concealed)
{
    auto *mime = new QMimeData;
    mime->setText(text);
    if (concealed) {
        mime->setData(kKdePasswordHintFormat, QByteArrayLiteral("secret"));
        // Windows reads both as DWORDs; any value of the first excludes, 0 in the second excludes.
        const QByteArray dwordZero(4, '\0');
        mime->setData(kWindowsExcludeMonitorFormat, dwordZero);
        mime->setData(kWindowsHistoryFormat, dwordZero);
        mime->setData(kMacConcealedFormat, QByteArray());
    }
    return mime;
}

void ClipboardService::copy(const QString &text, bool concealed)
{
    QClipboard *clipboard = QGuiApplication::clipboard();
    m_timer.stop();
    m_digest.clear();
    clipboard->setMimeData(makeMimeData(text, concealed), QClipboard::Clipboard);
    if (!concealed)
        return;
    m_digest = digest(text);
    if (m_clearDelayMs > 0)
        m_timer.start(m_clearDelayMs);
    qCDebug(lcUiKeys) << "concealed copy placed on the clipboard, clear in" << m_clearDelayMs << "ms";
    emit copiedConcealed(m_clearDelayMs);
}

bool ClipboardService::holdsConcealedCopy() const
{
    if (m_digest.isEmpty())
        return false;
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData(QClipboard::Clipboard);
    return mime && mime->hasText() && digest(mime->text()) == m_digest;
}

bool ClipboardService::clearIfUnchanged()
{
    m_timer.stop();
    if (m_digest.isEmpty() || !QGuiApplication::instance())
        return false;
    const bool ours = holdsConcealedCopy();
    m_digest.clear();
    if (!ours) {
        qCDebug(lcUiKeys) << "clipboard changed since the concealed copy; left as it is";
        return false;
    }
    QGuiApplication::clipboard()->clear(QClipboard::Clipboard);
    qCDebug(lcUiKeys) << "concealed copy cleared from the clipboard";
    emit cleared();
    return true;
}

QByteArray ClipboardService::digest(const QString &text) const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(m_salt);
    hash.addData(text.toUtf8());
    return hash.result();
}

} // namespace pk::ui
