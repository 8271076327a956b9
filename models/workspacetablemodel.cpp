#include "models/workspacetablemodel.h"

#include "models/timetext.h"

#include <QDateTime>

namespace pk::models {

using namespace WorkspaceList;

namespace {
QString idOf(const Workspace &w)
{
    return w.id;
}
} // namespace

WorkspaceTableModel::WorkspaceTableModel(QObject *parent) : IdTableModel(parent) {}

void WorkspaceTableModel::setWorkspaces(const QList<Workspace> &workspaces)
{
    replaceRows(m_rows, workspaces, idOf, [](const Workspace &a, const Workspace &b) { return a == b; });
}

void WorkspaceTableModel::upsert(const Workspace &workspace)
{
    upsertRow(m_rows, workspace, idOf);
}

void WorkspaceTableModel::removeIds(const QStringList &ids)
{
    removeRowIds(m_rows, ids);
}

void WorkspaceTableModel::setKeyCounts(const QHash<QString, int> &perWorkspace)
{
    m_counts = perWorkspace;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, Keys), index(int(m_rows.size()) - 1, Keys));
}

const Workspace *WorkspaceTableModel::itemAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_rows.size())
        return nullptr;
    return &m_rows.at(index.row());
}

int WorkspaceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString WorkspaceTableModel::rowId(int row) const
{
    return m_rows.at(row).id;
}

int WorkspaceTableModel::storedRows() const
{
    return int(m_rows.size());
}

QVariant WorkspaceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Workspace &w = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Name:
            return w.name;
        case Slug:
            return w.slug.isEmpty() ? w.id : w.slug;
        case Description:
            return w.description;
        case Created:
            return localTimeText(w.createdAt);
        case Keys:
            return m_counts.value(w.id);
        default:
            return {};
        }
    case SortRole:
        if (column == Created)
            return w.createdAt.utc();
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (column == Created)
            return instantToolTip(w.createdAt, QStringLiteral("Creation time unknown"));
        if (column == Slug)
            return w.id;
        return {};
    case Qt::TextAlignmentRole:
        return column == Keys ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case IdRole:
        return w.id;
    case SlugRole:
        return w.slug;
    case IsDefaultRole:
        return w.isDefault;
    case KeyCountRole:
        return m_counts.value(w.id);
    case CreatedAtRole:
        return w.createdAt.utc();
    default:
        return {};
    }
}

QVariant WorkspaceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return IdTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return QStringLiteral("Name");
    case Slug:
        return QStringLiteral("Slug");
    case Description:
        return QStringLiteral("Description");
    case Created:
        return QStringLiteral("Created");
    case Keys:
        return QStringLiteral("Keys");
    }
    return {};
}

} // namespace pk::models
