#include "secretdialog.h"

#include "clipboardservice.h"
#include "dialoghooks.h"
#include "logging.h"
#include "secrets/credentialstore.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace pk::ui {

namespace {
/// Makes `dialog` tall enough for its layout at its current width: a word-wrapped status line shown later
/// needs more height than the dialog opened with, and without growing the other rows get squeezed.
void growToFit(QDialog *dialog)
{
    QLayout *layout = dialog->layout();
    layout->activate();
    const int needed = layout->hasHeightForWidth() ? layout->totalHeightForWidth(dialog->width())
                                                   : layout->totalSizeHint().height();
    if (dialog->height() < needed)
        dialog->resize(dialog->width(), needed);
}
} // namespace

SecretDialog::SecretDialog(const ApiKey &key, IssuedSecret &secret, ClipboardService *clipboard,
                           QWidget *parent)
    : QDialog(parent), m_keyId(key.id.isEmpty() ? secret.id : key.id),
      m_secret(SecretBuffer::take(secret.secret)), m_clipboard(clipboard)
{
    setObjectName(QStringLiteral("secretDialog"));
    setWindowTitle(tr("New secret for %1").arg(key.name.isEmpty() ? m_keyId : key.name));

    auto *title =
        new QLabel(tr("Copy the secret of “%1” now").arg(key.name.isEmpty() ? m_keyId : key.name), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    title->setFont(titleFont);
    title->setTextFormat(Qt::PlainText);

    auto *explanation =
        new QLabel(tr("This is the only time Portkey returns this secret: it cannot be shown again. "
                      "Store it where it will be used, or in a password manager. If it is lost, "
                      "rotate the key to get a new one."),
                   this);
    explanation->setObjectName(QStringLiteral("secretExplanation"));
    explanation->setWordWrap(true);

    m_shown = m_secret.toUtf8String();
    m_field = new QLineEdit(this);
    m_field->setObjectName(QStringLiteral("secretField"));
    m_field->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_field->setReadOnly(true); // no edits, so nothing in an undo buffer; setText() also clears the history
    m_field->setContextMenuPolicy(Qt::NoContextMenu);
    m_field->setEchoMode(QLineEdit::Password);
    m_field->setText(m_shown);
    m_field->setMinimumWidth(m_field->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 40);
    m_field->installEventFilter(this);

    m_show = new QPushButton(tr("Show"), this);
    m_show->setObjectName(QStringLiteral("showSecret"));
    m_show->setCheckable(true);
    m_show->setAutoDefault(false);
    connect(m_show, &QPushButton::toggled, this, &SecretDialog::setRevealed);

    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setObjectName(QStringLiteral("copySecret"));
    m_copy->setDefault(true);
    m_copy->setVisible(m_clipboard != nullptr);
    connect(m_copy, &QPushButton::clicked, this, &SecretDialog::copySecret);

    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_field, 1);
    secretRow->addWidget(m_show);
    secretRow->addWidget(m_copy);

    auto *details = new QLabel(this);
    details->setObjectName(QStringLiteral("secretKeyDetails"));
    details->setTextFormat(Qt::PlainText);
    details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QString detailText = tr("Key id %1 · %2").arg(m_keyId, keyTypeLabel(key.keyType()));
    if (!key.workspaceId.isEmpty())
        detailText += tr(" · workspace %1").arg(key.workspaceId);
    details->setText(detailText);
    details->setEnabled(false);

    auto *transition = new QLabel(this);
    transition->setObjectName(QStringLiteral("transitionNote"));
    transition->setWordWrap(true);
    if (secret.transitionExpiresAt.isValid()) {
        transition->setText(
            tr("The old secret keeps working until %1 (%2 UTC); switch every client before then.")
                .arg(secret.transitionExpiresAt.toLocalDisplay(),
                     secret.transitionExpiresAt.utc().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    } else {
        transition->hide();
    }

    m_copyStatus = new QLabel(this);
    m_copyStatus->setObjectName(QStringLiteral("copyStatus"));
    m_copyStatus->setTextFormat(Qt::PlainText);
    m_copyStatus->setWordWrap(true);
    m_copyStatus->hide();

    m_store = new QCheckBox(tr("Store in the OS keychain"), this);
    m_store->setObjectName(QStringLiteral("storeInKeychain"));
    m_store->setToolTip(
        tr("Keeps the secret in the system keychain under “%1”, readable only by your account.")
            .arg(keychainEntry(m_keyId)));
    m_storeStatus = new QLabel(this);
    m_storeStatus->setObjectName(QStringLiteral("storeStatus"));
    m_storeStatus->setTextFormat(Qt::PlainText); // may quote the keychain's error
    m_storeStatus->setWordWrap(true);
    m_storeStatus->hide();
    connect(m_store, &QCheckBox::toggled, this, [this](bool on) {
        if (!on || m_secret.isEmpty())
            return;
        m_store->setEnabled(false);
        m_storeStatus->setText(tr("Storing…"));
        m_storeStatus->show();
        growToFit(this);
        qCInfo(lcUiKeys) << "keychain storage requested for key" << m_keyId;
        emit storeRequested(keychainEntry(m_keyId), m_secret.view());
    });

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *stored = buttons->addButton(tr("I have stored it"), QDialogButtonBox::AcceptRole);
    stored->setObjectName(QStringLiteral("storedButton"));
    stored->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &SecretDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(explanation);
    layout->addSpacing(6);
    layout->addLayout(secretRow);
    layout->addWidget(details);
    layout->addWidget(transition);
    layout->addWidget(m_copyStatus);
    layout->addSpacing(6);
    layout->addWidget(m_store);
    layout->addWidget(m_storeStatus);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(560);
}

SecretDialog::~SecretDialog()
{
    wipe();
}

QString SecretDialog::keychainEntry(const QString &keyId)
{
    return CredentialStore::storedKeyEntry(keyId);
}

bool SecretDialog::isRevealed() const
{
    return m_field->echoMode() == QLineEdit::Normal;
}

void SecretDialog::setRevealed(bool revealed)
{
    m_field->setEchoMode(revealed ? QLineEdit::Normal : QLineEdit::Password);
    m_show->setText(revealed ? tr("Hide") : tr("Show"));
    const QSignalBlocker block(m_show);
    m_show->setChecked(revealed);
}

void SecretDialog::copySecret()
{
    if (!m_clipboard || m_secret.isEmpty())
        return;
    m_clipboard->copy(m_shown, true);
    const int delayS = m_clipboard->clearDelayMs() / 1000;
    m_copyStatus->setText(
        delayS > 0 ? tr("Copied. The clipboard is cleared in %1 s if it still holds the secret.").arg(delayS)
                   : tr("Copied. The clipboard is cleared when the app quits."));
    m_copyStatus->show();
    growToFit(this);
}

void SecretDialog::setStoreResult(bool ok, const QString &message)
{
    if (ok) {
        m_store->setEnabled(false);
        m_storeStatus->setText(tr("Stored in the OS keychain as “%1”.").arg(keychainEntry(m_keyId)));
    } else {
        const QSignalBlocker block(m_store);
        m_store->setChecked(false);
        m_store->setEnabled(true);
        m_storeStatus->setText(tr("Not stored: %1").arg(message));
    }
    m_storeStatus->show();
    growToFit(this);
}

bool SecretDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_field && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->matches(QKeySequence::Copy)) {
        copySecret();
        return true;
    }
    return QDialog::eventFilter(watched, event);
}

void SecretDialog::accept()
{
    done(QDialog::Accepted);
}

void SecretDialog::reject()
{
    if (m_asking || m_secret.isEmpty()) {
        if (m_secret.isEmpty())
            QDialog::reject();
        return;
    }
    m_asking = true;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Close without the secret?"),
                                tr("This secret will not be shown again. If you have not stored it, you will "
                                   "have to rotate the key to get a new one."),
                                QMessageBox::Close | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmCloseSecret"));
    box->button(QMessageBox::Close)->setText(tr("Close, I have it"));
    box->button(QMessageBox::Cancel)->setText(tr("Go back"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setEscapeButton(QMessageBox::Cancel);
    askQuestion(box, this, [this](int answer) {
        m_asking = false;
        if (answer == QMessageBox::Close)
            done(QDialog::Rejected);
    });
}

void SecretDialog::done(int result)
{
    wipe();
    QDialog::done(result);
}

void SecretDialog::wipe()
{
    if (m_secret.isEmpty() && m_shown.isEmpty())
        return;
    // Drop the field's reference first so m_shown is the only owner and is zeroed in place.
    m_field->setEchoMode(QLineEdit::Password);
    m_field->setText(QString());
    m_field->clear();
    pk::wipe(m_shown);
    m_secret.clear();
    m_copy->setEnabled(false);
    m_show->setEnabled(false);
    m_store->setEnabled(false);
    qCDebug(lcUiKeys) << "secret wiped from the dialog for key" << m_keyId;
}

} // namespace pk::ui
