#pragma once

#include <QFrame>

#include <functional>

class QLabel;
class QPushButton;

namespace pk::ui {

/// A non-blocking message strip shown above the content (errors with what to do, confirmations). It
/// holds one message at a time, with an optional action button (e.g. "Rebuild from server") and a close
/// button. Object names: `messageBar`, `messageText`, `messageAction`, `messageClose`.
class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind
    {
        Information,
        Warning,
        Error
    };

    explicit MessageBar(QWidget *parent = nullptr);

    /// Shows `text` (plain text) styled for `kind`. With `actionText` a button runs `onAction` and hides
    /// the bar. Replaces the previous message.
    void showMessage(Kind kind, const QString &text, const QString &actionText = {},
                     std::function<void()> onAction = {});
    /// Hides the bar and forgets its action.
    void dismiss();

    QString text() const;
    Kind kind() const { return m_kind; }
    /// The action button's text; empty when the message has no action.
    QString actionText() const;
    /// Runs the message's action as if its button was clicked. Returns false when there is none.
    bool triggerAction();

private:
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QPushButton *m_action = nullptr;
    QPushButton *m_close = nullptr;
    std::function<void()> m_onAction;
    Kind m_kind = Kind::Information;
};

} // namespace pk::ui
