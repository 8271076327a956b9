#pragma once

#include "models/idtablemodel.h"

namespace pk::models {

/// An IdTableModel that holds its rows as a QList<Row> and has `Columns` columns: the storage, id lookup and
/// replace/upsert/remove entry points and column headers the member, user and workspace tables share. A
/// row's id is idOf(row), `row.id` unless a subclass says otherwise; a subclass adds data() and its
/// domain-named setters.
template <typename Row, int Columns> class RowTableModel : public IdTableModel
{
public:
    /// `columnTitles` are the horizontal header texts, one per column in column order.
    RowTableModel(const QStringList &columnTitles, QObject *parent)
        : IdTableModel(parent), m_titles(columnTitles)
    {
        Q_ASSERT(m_titles.size() == Columns);
    }

    /// Removes the rows with these ids; unknown ids are ignored.
    void removeIds(const QStringList &ids) { removeRowIds(m_rows, ids); }

    /// The row at `index`, or nullptr for an invalid index or one of another model. Valid until the model
    /// next changes.
    const Row *itemAt(const QModelIndex &index) const
    {
        if (!index.isValid() || index.model() != this || index.row() >= m_rows.size())
            return nullptr;
        return &m_rows.at(index.row());
    }

    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : Columns; }
    /// The column title for a horizontal DisplayRole header; anything else as QAbstractItemModel answers it.
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= Columns)
            return IdTableModel::headerData(section, orientation, role);
        return m_titles.at(section);
    }

protected:
    /// The stable id of `row`; `row.id` by default.
    virtual QString idOf(const Row &row) const { return row.id; }

    /// Replaces all rows by `rows`, diffing by idOf() and comparing rows with `==` (see replaceRows()).
    void setRows(const QList<Row> &rows)
    {
        replaceRows(
            m_rows, rows, [this](const Row &r) { return idOf(r); },
            [](const Row &a, const Row &b) { return a == b; });
    }
    /// Replaces the row with `row`'s id, or appends it (see upsertRow()).
    void upsertOne(const Row &row)
    {
        upsertRow(m_rows, row, [this](const Row &r) { return idOf(r); });
    }

    QString rowId(int row) const override { return idOf(m_rows.at(row)); }
    int storedRows() const override { return int(m_rows.size()); }

    QList<Row> m_rows;

private:
    QStringList m_titles;
};

} // namespace pk::models
