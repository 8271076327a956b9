#include "models/workspacetablemodel.h"

#include "models/timetext.h"

#include <QDateTime>

namespace pk::models {

using namespace WorkspaceList;

WorkspaceTableModel::WorkspaceTableModel(QObject *parent)
    : RowTableModel({QStringLiteral("Name"), QStringLiteral("Slug"), QStringLiteral("Description"),
                     QStringLiteral("Created"), QStringLiteral("Keys")},
                    parent)
{}

void WorkspaceTableModel::setWorkspaces(const QList<Workspace> &workspaces)
{
    setRows(workspaces);
}

void WorkspaceTableModel::upsert(const Workspace &workspace)
{
    upsertOne(workspace);
}

void WorkspaceTableModel::setKeyCounts(const QHash<QString, int> &perWorkspace)
{
    m_counts = perWorkspace;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, Keys), index(int(m_rows.size()) - 1, Keys));
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

} // namespace pk::models
