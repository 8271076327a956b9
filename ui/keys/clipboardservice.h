#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

class QMimeData;

namespace pk::ui {

/// The one place the app copies text to the system clipboard (ARCHITECTURE.md habit 7, after KeePassXC
/// `src/gui/Clipboard.cpp`). Create one per application. A concealed copy carries the platforms'
/// "password, keep out of history" markers and is cleared after clearDelayMs() and when the application
/// quits (QCoreApplication::aboutToQuit) — in both cases only if the clipboard still holds the copied text,
/// so something the user copied meanwhile is never wiped. The service keeps only a salted SHA-256 digest
/// of the copied text, never the text itself.
class ClipboardService : public QObject
{
    Q_OBJECT
public:
    /// The default clear delay in ms (issue 4; ProfileStore's "clipboard clear delay" default of 30 s).
    static constexpr int kDefaultClearDelayMs = 30000;

    /// MIME formats added to concealed copies besides `text/plain`:
    /// KDE/Klipper `x-kde-passwordManagerHint` = `secret`; Windows
    /// `ExcludeClipboardContentFromMonitorProcessing` (clipboard monitors skip it) and
    /// `CanIncludeInClipboardHistory` = DWORD 0 (Win+V history skips it), both as Qt's
    /// `application/x-qt-windows-mime;value="…"` names so Qt registers the native format; macOS
    /// `org.nspasteboard.ConcealedType` (nspasteboard.org convention). All markers are set on every
    /// platform (they are inert where unknown). Limitation: Qt 6.4's macOS pasteboard writes custom MIME
    /// formats under its own `com.trolltech.anymime.` type, so the concealed marker reaches NSPasteboard
    /// under its own name only with a QMacMime converter, which this module does not install.
    static const QString kKdePasswordHintFormat;
    static const QString kWindowsExcludeMonitorFormat;
    static const QString kWindowsHistoryFormat;
    static const QString kMacConcealedFormat;

    /// `parent` usually is the QApplication. Connects to aboutToQuit to clear owned data on quit.
    explicit ClipboardService(QObject *parent = nullptr);
    ~ClipboardService() override;

    /// The delay after a concealed copy before the clipboard is cleared, in ms; ≤ 0 disables the timer
    /// (clear on quit still happens). Takes effect for the next copy.
    void setClearDelayMs(int ms);
    int clearDelayMs() const { return m_clearDelayMs; }

    /// Puts `text` on the clipboard (QClipboard::Clipboard mode). With `concealed` (the default, for
    /// secrets) the data carries the markers above and the clear timer starts; a plain copy (e.g. a key id)
    /// carries text only and is never cleared. Replaces any pending clear of an earlier copy.
    void copy(const QString &text, bool concealed = true);

    /// Clears the clipboard now if it still holds the last concealed copy; returns true when it cleared.
    /// Called by the timer and on quit.
    bool clearIfUnchanged();

    /// True while the clipboard still holds the last concealed copy.
    bool holdsConcealedCopy() const;

    /// Builds the QMimeData for `text` (caller owns it): `text/plain` plus, when `concealed`, the markers.
    static QMimeData *makeMimeData(const QString &text, bool concealed);

signals:
    /// A concealed copy was placed on the clipboard; the clear is due in `clearDelayMs` ms (≤ 0: none).
    void copiedConcealed(int clearDelayMs);
    /// The clipboard was cleared because it still held the concealed copy.
    void cleared();

private:
    QByteArray digest(const QString &text) const;

    QTimer m_timer;
    int m_clearDelayMs = kDefaultClearDelayMs;
    QByteArray m_salt;
    QByteArray m_digest; // empty: nothing of ours to clear
};

} // namespace pk::ui
