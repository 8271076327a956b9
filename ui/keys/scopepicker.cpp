#include "scopepicker.h"

#include "domain/scopes.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pk::ui {

namespace {
constexpr int kScopeRole = Qt::UserRole + 1;
}

ScopePicker::ScopePicker(QWidget *parent) : QWidget(parent)
{
    m_presets = new QComboBox(this);
    m_presets->setObjectName(QStringLiteral("scopePresets"));
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("scopeTree"));
    m_tree->setHeaderHidden(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setMinimumHeight(160);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("scopeSummary"));
    m_summary->setTextFormat(Qt::PlainText);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Preset"), this));
    top->addWidget(m_presets, 1);
    top->addWidget(m_summary);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_tree, 1);

    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            applyPreset(m_presets->itemText(index));
    });
    // Groups are auto-tristate: checking a group checks its scopes, and a group shows whether its scopes
    // are all, some or none checked.
    connect(m_tree, &QTreeWidget::itemChanged, this, [this] {
        if (m_updating)
            return;
        updateSummary();
        emit scopesChanged();
    });
}

void ScopePicker::setKeyType(KeyType type)
{
    if (type == m_type)
        return;
    const QStringList keep = scopes();
    m_type = type;
    rebuild();
    setScopes(keep, false);
}

void ScopePicker::rebuild()
{
    m_updating = true;
    m_tree->clear();
    for (const ScopeGroup &group : scopeGroups(m_type)) {
        auto *groupItem = new QTreeWidgetItem(m_tree, {group.title});
        groupItem->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsAutoTristate);
        groupItem->setCheckState(0, Qt::Unchecked);
        for (const QString &scope : group.scopes) {
            // User keys never carry key-management scopes (ADMIN-API.md §3).
            if (m_type == KeyType::WorkspaceUser && isKeyManagementScope(scope))
                continue;
            auto *item = new QTreeWidgetItem(groupItem, {scope});
            item->setData(0, kScopeRole, scope);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            item->setCheckState(0, Qt::Unchecked);
        }
    }
    m_presets->clear();
    m_presets->addItem(tr("Choose a preset…"));
    for (const ScopePreset &preset : scopePresets(m_type))
        m_presets->addItem(preset.name);
    m_updating = false;
    updateSummary();
}

void ScopePicker::setScopes(const QStringList &scopes, bool keepUnknown)
{
    m_updating = true;
    QStringList offered;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            const QString scope = item->data(0, kScopeRole).toString();
            offered.append(scope);
            item->setCheckState(0, scopes.contains(scope) ? Qt::Checked : Qt::Unchecked);
        }
        group->setExpanded(false);
    }
    m_unknownKept.clear();
    if (keepUnknown) {
        for (const QString &scope : scopes) {
            if (!offered.contains(scope) && !m_unknownKept.contains(scope))
                m_unknownKept.append(scope);
        }
    }
    m_updating = false;
    updateSummary();
    emit scopesChanged();
}

QStringList ScopePicker::scopes() const
{
    QStringList out;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            const QTreeWidgetItem *item = group->child(i);
            const QString scope = item->data(0, kScopeRole).toString();
            if (item->checkState(0) == Qt::Checked && !out.contains(scope))
                out.append(scope);
        }
    }
    for (const QString &scope : m_unknownKept) {
        if (!out.contains(scope))
            out.append(scope);
    }
    return out;
}

QStringList ScopePicker::offeredScopes() const
{
    QStringList out;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            const QString scope = group->child(i)->data(0, kScopeRole).toString();
            if (!out.contains(scope))
                out.append(scope);
        }
    }
    return out;
}

bool ScopePicker::applyPreset(const QString &name)
{
    for (const ScopePreset &preset : scopePresets(m_type)) {
        if (preset.name == name) {
            setScopes(preset.scopes, false);
            m_presets->setCurrentIndex(0);
            return true;
        }
    }
    return false;
}

void ScopePicker::updateSummary()
{
    const int n = scopes().size();
    m_summary->setText(n == 1 ? tr("1 scope selected") : tr("%1 scopes selected").arg(n));
}

} // namespace pk::ui
