#pragma once

#include <QDialog>
#include <QList>

class QAction;
class QMenuBar;
class QTreeWidget;

namespace pk::ui {

/// Help → Keyboard shortcuts: a read-only list generated from the actions in the menu bar, grouped by
/// menu ("Keys", "Edit", …), each with its text and every shortcut in the platform's native notation.
/// Object names: `shortcutsDialog`, `shortcutsList` (a QTreeWidget: menus at the top level, actions below,
/// columns "Action" and "Shortcut").
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    /// Lists the actions of every menu in `menuBar` (submenus included, separators skipped).
    explicit ShortcutsDialog(const QMenuBar *menuBar, QWidget *parent = nullptr);

    /// Every action reachable from `menuBar`'s menus, depth first, without separators and submenu
    /// entries themselves.
    static QList<QAction *> menuActions(const QMenuBar *menuBar);
    /// The action's text without mnemonics and trailing ellipsis ("&New service key…" → "New service key").
    static QString plainText(const QAction *action);

    /// The listed rows as "Menu / Action<TAB>Shortcut" lines, for tests and for copying.
    QStringList rows() const;

private:
    QTreeWidget *m_list = nullptr;
};

} // namespace pk::ui
