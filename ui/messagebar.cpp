#include "messagebar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace pk::ui {

MessageBar::MessageBar(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("messageBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);

    m_icon = new QLabel(this);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("messageText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setTextFormat(Qt::PlainText);
    m_action = new QPushButton(this);
    m_action->setObjectName(QStringLiteral("messageAction"));
    m_close = new QPushButton(style()->standardIcon(QStyle::SP_DialogCloseButton), QString(), this);
    m_close->setObjectName(QStringLiteral("messageClose"));
    m_close->setFlat(true);
    m_close->setToolTip(tr("Dismiss"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action, 0, Qt::AlignVCenter);
    layout->addWidget(m_close, 0, Qt::AlignTop);

    connect(m_action, &QPushButton::clicked, this, [this] { triggerAction(); });
    connect(m_close, &QPushButton::clicked, this, &MessageBar::dismiss);
    hide();
}

void MessageBar::showMessage(Kind kind, const QString &text, const QString &actionText,
                             std::function<void()> onAction)
{
    m_kind = kind;
    m_text->setText(text);
    m_onAction = std::move(onAction);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty() && m_onAction);

    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    QString colours = QStringLiteral("background: #e8f0fe; border: 1px solid #aac4f0;");
    if (kind == Kind::Warning) {
        icon = QStyle::SP_MessageBoxWarning;
        colours = QStringLiteral("background: #fff4d6; border: 1px solid #e8c46a;");
    } else if (kind == Kind::Error) {
        icon = QStyle::SP_MessageBoxCritical;
        colours = QStringLiteral("background: #fde7e6; border: 1px solid #e6a29d;");
    }
    setStyleSheet(QStringLiteral("pk--ui--MessageBar { %1 border-radius: 4px; }").arg(colours));
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(size, size));
    show();
}

void MessageBar::dismiss()
{
    m_onAction = {};
    m_text->clear();
    m_action->setText({});
    hide();
}

QString MessageBar::text() const
{
    return isHidden() ? QString() : m_text->text();
}

QString MessageBar::actionText() const
{
    return m_onAction ? m_action->text() : QString();
}

bool MessageBar::triggerAction()
{
    if (!m_onAction)
        return false;
    const std::function<void()> action = std::move(m_onAction);
    dismiss();
    action();
    return true;
}

} // namespace pk::ui
