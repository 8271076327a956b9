#include "models/selectionkeeper.h"

#include "models/idtablemodel.h"

#include <QAbstractProxyModel>
#include <QItemSelectionModel>

#include <algorithm>

namespace pk::models {

SelectionKeeper::SelectionKeeper(QItemSelectionModel *selection, int idRole, QObject *parent)
    : QObject(parent), m_selection(selection), m_idRole(idRole)
{
    if (!m_selection)
        return;
    connect(m_selection, &QItemSelectionModel::selectionChanged, this, &SelectionKeeper::onSelectionChanged);
    connect(m_selection, &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { onCurrentChanged(current); });
    connect(m_selection, &QItemSelectionModel::modelChanged, this, [this] {
        if (!m_attaching)
            attach();
    });
    attach();
}

void SelectionKeeper::attach()
{
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_changing = 0;
    m_model = m_selection ? m_selection->model() : nullptr;
    if (!m_model)
        return;
    QAbstractItemModel *model = m_model;

    save();
    auto begin = [this] {
        ++m_changing;
    };
    auto end = [this] {
        m_changing = std::max(0, m_changing - 1);
        if (m_changing == 0)
            restore();
    };
    // "About to" signals: connected before the selection model re-attaches, so they run first.
    m_connections << connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, begin)
                  << connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, begin)
                  << connect(model, &QAbstractItemModel::rowsAboutToBeMoved, this, begin)
                  << connect(model, &QAbstractItemModel::modelAboutToBeReset, this, begin)
                  << connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this, begin);
    m_attaching = true;
    m_selection->setModel(nullptr);
    m_selection->setModel(model);
    m_attaching = false;
    // "Done" signals: connected after, so they run once the selection model has updated itself.
    m_connections << connect(model, &QAbstractItemModel::rowsRemoved, this, end)
                  << connect(model, &QAbstractItemModel::rowsInserted, this, end)
                  << connect(model, &QAbstractItemModel::rowsMoved, this, end)
                  << connect(model, &QAbstractItemModel::modelReset, this, end)
                  << connect(model, &QAbstractItemModel::layoutChanged, this, end);
    restore();
}

QString SelectionKeeper::idOf(const QModelIndex &index) const
{
    return index.sibling(index.row(), 0).data(m_idRole).toString();
}

void SelectionKeeper::save()
{
    m_ids.clear();
    m_idSet.clear();
    if (!m_selection)
        return;
    const QModelIndexList rows = m_selection->selectedRows(0);
    for (const QModelIndex &i : rows) {
        const QString id = idOf(i);
        if (!id.isEmpty() && !m_idSet.contains(id)) {
            m_idSet.insert(id);
            m_ids.append(id);
        }
    }
    const QModelIndex current = m_selection->currentIndex();
    m_currentId = current.isValid() ? idOf(current) : QString();
}

void SelectionKeeper::clear()
{
    m_ids.clear();
    m_idSet.clear();
    m_currentId.clear();
}

void SelectionKeeper::restore()
{
    if (!m_selection || !m_model || m_changing > 0)
        return;
    m_restoring = true;
    QList<int> rows;
    for (const QString &id : std::as_const(m_ids)) {
        const QModelIndex idx = findIndex(m_model, id, m_idRole);
        if (idx.isValid() && !m_selection->isRowSelected(idx.row(), idx.parent()))
            rows.append(idx.row());
    }
    if (!rows.isEmpty()) {
        std::sort(rows.begin(), rows.end());
        const int lastColumn = m_model->columnCount() - 1;
        QItemSelection selection;
        int first = rows.first(), last = rows.first();
        auto add = [&] {
            selection.append(QItemSelectionRange(m_model->index(first, 0), m_model->index(last, lastColumn)));
        };
        for (int i = 1; i < rows.size(); ++i) {
            if (rows.at(i) == last + 1) {
                last = rows.at(i);
                continue;
            }
            add();
            first = last = rows.at(i);
        }
        add();
        m_selection->select(selection, QItemSelectionModel::Select);
    }
    if (!m_currentId.isEmpty()) {
        const QModelIndex idx = findIndex(m_model, m_currentId, m_idRole);
        const QModelIndex current = m_selection->currentIndex();
        if (idx.isValid() && (!current.isValid() || current.row() != idx.row()))
            m_selection->setCurrentIndex(idx, QItemSelectionModel::NoUpdate);
    }
    m_restoring = false;
}

void SelectionKeeper::onSelectionChanged(const QItemSelection &selected, const QItemSelection &deselected)
{
    if (m_restoring || m_changing > 0 || m_attaching)
        return;
    // Only deselections the user (or code) made arrive here: those caused by vanishing rows happen while
    // m_changing is set.
    for (const QItemSelectionRange &range : deselected) {
        for (int row = range.top(); row <= range.bottom(); ++row) {
            const QString id = idOf(m_model->index(row, 0, range.parent()));
            if (m_idSet.remove(id))
                m_ids.removeOne(id);
        }
    }
    for (const QItemSelectionRange &range : selected) {
        for (int row = range.top(); row <= range.bottom(); ++row) {
            const QString id = idOf(m_model->index(row, 0, range.parent()));
            if (!id.isEmpty() && !m_idSet.contains(id)) {
                m_idSet.insert(id);
                m_ids.append(id);
            }
        }
    }
}

void SelectionKeeper::onCurrentChanged(const QModelIndex &current)
{
    if (m_restoring || m_changing > 0 || m_attaching)
        return;
    m_currentId = current.isValid() ? idOf(current) : QString();
}

QModelIndex SelectionKeeper::findIndex(const QAbstractItemModel *model, const QString &id, int idRole)
{
    if (!model || id.isEmpty())
        return {};
    QList<const QAbstractProxyModel *> proxies;
    const QAbstractItemModel *base = model;
    while (const auto *proxy = qobject_cast<const QAbstractProxyModel *>(base)) {
        proxies.prepend(proxy);
        base = proxy->sourceModel();
    }
    if (const auto *table = qobject_cast<const IdTableModel *>(base)) {
        QModelIndex idx = table->indexForId(id);
        for (const QAbstractProxyModel *proxy : std::as_const(proxies)) {
            if (!idx.isValid())
                break;
            idx = proxy->mapFromSource(idx);
        }
        return idx;
    }
    const QModelIndexList hits =
        model->match(model->index(0, 0), idRole, id, 1, Qt::MatchExactly | Qt::MatchRecursive);
    return hits.isEmpty() ? QModelIndex() : hits.first();
}

} // namespace pk::models
