#include "shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pk::ui {

namespace {

void collect(const QMenu *menu, QList<QAction *> *out)
{
    for (QAction *action : menu->actions()) {
        if (action->isSeparator())
            continue;
        if (const QMenu *sub = action->menu())
            collect(sub, out);
        else
            out->append(action);
    }
}

QString shortcutText(const QAction *action)
{
    QStringList texts;
    for (const QKeySequence &sequence : action->shortcuts())
        texts.append(sequence.toString(QKeySequence::NativeText));
    return texts.join(QLatin1String(", "));
}

} // namespace

QList<QAction *> ShortcutsDialog::menuActions(const QMenuBar *menuBar)
{
    QList<QAction *> actions;
    for (const QAction *top : menuBar->actions()) {
        if (const QMenu *menu = top->menu())
            collect(menu, &actions);
    }
    return actions;
}

QString ShortcutsDialog::plainText(const QAction *action)
{
    QString text = action->text();
    text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
    text.replace(QLatin1String("&&"), QLatin1String("&"));
    if (text.endsWith(QChar(0x2026)))
        text.chop(1);
    else if (text.endsWith(QLatin1String("...")))
        text.chop(3);
    return text;
}

ShortcutsDialog::ShortcutsDialog(const QMenuBar *menuBar, QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard shortcuts"));

    m_list = new QTreeWidget;
    m_list->setObjectName(QStringLiteral("shortcutsList"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Action"), tr("Shortcut")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::StrongFocus);
    for (const QAction *top : menuBar->actions()) {
        const QMenu *menu = top->menu();
        if (!menu)
            continue;
        QList<QAction *> actions;
        collect(menu, &actions);
        auto *group = new QTreeWidgetItem(m_list, {plainText(top)});
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        group->setFirstColumnSpanned(true);
        for (const QAction *action : std::as_const(actions)) {
            const QString keys = shortcutText(action);
            if (keys.isEmpty())
                continue;
            new QTreeWidgetItem(group, {plainText(action), keys});
        }
        if (group->childCount() == 0)
            delete group;
    }
    m_list->expandAll();
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(460, 520);
}

QStringList ShortcutsDialog::rows() const
{
    QStringList rows;
    for (int g = 0; g < m_list->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = m_list->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            const QTreeWidgetItem *item = group->child(i);
            rows.append(QStringLiteral("%1 / %2\t%3").arg(group->text(0), item->text(0), item->text(1)));
        }
    }
    return rows;
}

} // namespace pk::ui
