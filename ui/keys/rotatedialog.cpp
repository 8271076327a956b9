#include "rotatedialog.h"

#include "logging.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pk::ui {

namespace {
constexpr qint64 kMinuteMs = 60000;
constexpr qint64 kHourMs = 60 * kMinuteMs;
} // namespace

RotateDialog::RotateDialog(const ApiKey &key, QWidget *parent, const QDateTime &nowUtc)
    : QDialog(parent), m_keyId(key.id)
{
    setObjectName(QStringLiteral("rotateDialog"));
    setWindowTitle(tr("Rotate key"));
    const QString name = key.name.isEmpty() ? key.id : key.name;

    auto *intro =
        new QLabel(tr("Rotating “%1” (%2) issues a new secret, shown once. The key id, scopes, limits and "
                      "usage history stay the same. The old secret keeps working for the transition "
                      "period so clients can switch.")
                       .arg(name, key.maskedKey),
                   this);
    intro->setTextFormat(Qt::PlainText); // the key's name, set by whoever created it
    intro->setWordWrap(true);

    m_amount = new QSpinBox(this);
    m_amount->setObjectName(QStringLiteral("transitionAmount"));
    m_amount->setRange(1, 365 * 24 * 60);
    m_unit = new QComboBox(this);
    m_unit->setObjectName(QStringLiteral("transitionUnit"));
    m_unit->addItem(tr("minutes"), kMinuteMs);
    m_unit->addItem(tr("hours"), kHourMs);
    auto *periodRow = new QHBoxLayout;
    periodRow->addWidget(m_amount);
    periodRow->addWidget(m_unit);
    periodRow->addStretch(1);
    auto *form = new QFormLayout;
    form->addRow(tr("Transition period"), periodRow);
    auto *hint = new QLabel(tr("At least 30 minutes."), this);
    hint->setEnabled(false);
    form->addRow(QString(), hint);

    m_ownWarning =
        new QLabel(tr("This key is the connection key of this profile. The app stores the new secret "
                      "in the OS keychain before the old one is dropped and uses it from the next "
                      "request on."),
                   this);
    m_ownWarning->setObjectName(QStringLiteral("ownCredentialWarning"));
    m_ownWarning->setWordWrap(true);
    m_ownWarning->setStyleSheet(QStringLiteral("color: #7a5200;"));
    m_ownWarning->hide();

    m_blocked = new QLabel(this);
    m_blocked->setObjectName(QStringLiteral("rotateBlockedReason"));
    m_blocked->setTextFormat(Qt::PlainText);
    m_blocked->setWordWrap(true);
    m_blocked->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_blocked->hide();

    const QDateTime now = nowUtc.isValid() ? nowUtc : QDateTime::currentDateTimeUtc();
    if (key.inTransition(now)) {
        m_transitionReason =
            tr("A rotation is still in transition: the old secret is valid until %1 (%2 UTC). "
               "Rotating again is possible after that.")
                .arg(key.keyTransitionExpiresAt.toLocalDisplay(),
                     key.keyTransitionExpiresAt.utc().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    }

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Rotate"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("rotateButton"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RotateDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_ownWarning);
    layout->addWidget(m_blocked);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_amount, &QSpinBox::valueChanged, this, &RotateDialog::updateState);
    connect(m_unit, &QComboBox::currentIndexChanged, this, &RotateDialog::updateState);
    setTransitionPeriodMs(kMinTransitionPeriodMs);
    updateState();
    setMinimumWidth(480);
}

void RotateDialog::setOwnCredential(bool own)
{
    m_ownWarning->setVisible(own);
}

void RotateDialog::setBlockedReason(const QString &reason)
{
    m_blockedReason = reason;
    updateState();
}

QString RotateDialog::blockedReason() const
{
    return !m_blockedReason.isEmpty() ? m_blockedReason : m_transitionReason;
}

qint64 RotateDialog::transitionPeriodMs() const
{
    return qint64(m_amount->value()) * m_unit->currentData().toLongLong();
}

void RotateDialog::setTransitionPeriodMs(qint64 ms)
{
    ms = std::max(ms, kMinTransitionPeriodMs);
    const QSignalBlocker blockUnit(m_unit);
    const QSignalBlocker blockAmount(m_amount);
    if (ms % kHourMs == 0) {
        m_unit->setCurrentIndex(1);
        m_amount->setValue(int(ms / kHourMs));
    } else {
        m_unit->setCurrentIndex(0);
        m_amount->setValue(int((ms + kMinuteMs - 1) / kMinuteMs));
    }
    updateState();
}

void RotateDialog::updateState()
{
    const QString reason = blockedReason();
    QString problem = reason;
    if (problem.isEmpty() && transitionPeriodMs() < kMinTransitionPeriodMs)
        problem = tr("The transition period must be at least 30 minutes.");
    m_blocked->setText(problem);
    m_blocked->setVisible(!problem.isEmpty());
    QPushButton *rotate = m_buttons->button(QDialogButtonBox::Ok);
    rotate->setEnabled(problem.isEmpty());
    rotate->setToolTip(problem);
    m_amount->setEnabled(reason.isEmpty());
    m_unit->setEnabled(reason.isEmpty());
}

void RotateDialog::accept()
{
    if (!m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
        return;
    const qint64 ms = transitionPeriodMs();
    qCInfo(lcUiKeys) << "rotation confirmed for key" << m_keyId << "transition" << ms << "ms";
    emit rotateRequested(m_keyId, ms);
    QDialog::accept();
}

} // namespace pk::ui
