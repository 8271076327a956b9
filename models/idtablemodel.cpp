#include "models/idtablemodel.h"

Q_LOGGING_CATEGORY(lcModels, "pk.models")

namespace pk::models {

IdTableModel::IdTableModel(QObject *parent) : QAbstractTableModel(parent) {}

int IdTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : storedRows();
}

int IdTableModel::rowForId(const QString &id) const
{
    if (m_idIndexDirty) {
        m_rowById.clear();
        const int n = storedRows();
        m_rowById.reserve(n);
        for (int row = 0; row < n; ++row)
            m_rowById.insert(rowId(row), row);
        m_idIndexDirty = false;
    }
    return m_rowById.value(id, -1);
}

QModelIndex IdTableModel::indexForId(const QString &id, int column) const
{
    const int row = rowForId(id);
    return row < 0 ? QModelIndex() : index(row, column);
}

QString IdTableModel::idAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= storedRows())
        return {};
    return rowId(index.row());
}

void IdTableModel::emitAllChanged()
{
    if (storedRows() > 0)
        Q_EMIT dataChanged(index(0, 0), index(storedRows() - 1, columnCount() - 1));
}

} // namespace pk::models
