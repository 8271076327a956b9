#include "preferencesdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pk::ui {

PreferencesDialog::PreferencesDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));

    m_clipboard = new QSpinBox;
    m_clipboard->setObjectName(QStringLiteral("clipboardClearDelay"));
    m_clipboard->setRange(kMinClipboardSeconds, kMaxClipboardSeconds);
    m_clipboard->setSuffix(tr(" s"));
    m_clipboard->setAccelerated(true);
    m_clipboard->setToolTip(
        tr("A copied secret is removed from the clipboard after this many seconds (%1–%2), "
           "unless you copied something else meanwhile.")
            .arg(kMinClipboardSeconds)
            .arg(kMaxClipboardSeconds));

    m_warning = new QSpinBox;
    m_warning->setObjectName(QStringLiteral("expiryWarningDays"));
    m_warning->setRange(kMinWarningDays, kMaxWarningDays);
    m_warning->setSuffix(tr(" days"));
    m_warning->setSpecialValueText(tr("only expired keys"));
    m_warning->setToolTip(tr("Keys expiring within this many days are highlighted, and a notice after each "
                             "sync names them (%1–%2).")
                              .arg(kMinWarningDays)
                              .arg(kMaxWarningDays));

    auto *form = new QFormLayout;
    form->addRow(tr("Clear copied secrets after:"), m_clipboard);
    form->addRow(tr("Warn about keys expiring within:"), m_warning);

    auto *note = new QLabel(tr("Secrets are always cleared from the clipboard, and on quit."));
    note->setWordWrap(true);
    note->setEnabled(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setClipboardClearDelaySeconds(30);
    setExpiryWarningDays(7);
}

void PreferencesDialog::setClipboardClearDelaySeconds(int seconds)
{
    m_clipboard->setValue(qBound(kMinClipboardSeconds, seconds, kMaxClipboardSeconds));
}

int PreferencesDialog::clipboardClearDelaySeconds() const
{
    return m_clipboard->value();
}

void PreferencesDialog::setExpiryWarningDays(int days)
{
    m_warning->setValue(qBound(kMinWarningDays, days, kMaxWarningDays));
}

int PreferencesDialog::expiryWarningDays() const
{
    return m_warning->value();
}

} // namespace pk::ui
