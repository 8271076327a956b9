#pragma once

#include <QDialog>

class QSpinBox;

namespace pk::ui {

/// Edit → Preferences… (Ctrl+,): the app settings ProfileStore keeps. The clipboard clear delay is in
/// seconds, kMinClipboardSeconds–kMaxClipboardSeconds: a concealed secret is always cleared, so "never" is
/// not offered. The expiry warning window is in days, kMinWarningDays–kMaxWarningDays (0 = warn only
/// about expired and exhausted keys). Object names: `preferencesDialog`, `clipboardClearDelay`,
/// `expiryWarningDays`. The dialog only edits values; the caller saves them (MainWindow::showPreferences()).
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    static constexpr int kMinClipboardSeconds = 5;
    static constexpr int kMaxClipboardSeconds = 600;
    static constexpr int kMinWarningDays = 0;
    static constexpr int kMaxWarningDays = 90;

    explicit PreferencesDialog(QWidget *parent = nullptr);

    /// Seconds after which a copied secret is cleared; values outside 5–600 are clamped.
    void setClipboardClearDelaySeconds(int seconds);
    int clipboardClearDelaySeconds() const;
    /// Days before expiry from which keys are flagged; values outside 0–90 are clamped.
    void setExpiryWarningDays(int days);
    int expiryWarningDays() const;

private:
    QSpinBox *m_clipboard = nullptr;
    QSpinBox *m_warning = nullptr;
};

} // namespace pk::ui
