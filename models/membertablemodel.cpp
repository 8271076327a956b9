#include "models/membertablemodel.h"

#include <QDateTime>

namespace pk::models {

using namespace MemberList;

MemberTableModel::MemberTableModel(QObject *parent) : IdTableModel(parent) {}

QString MemberTableModel::rowIdFor(const WorkspaceMember &member)
{
    if (member.id.isEmpty())
        return {};
    return member.workspaceId + QLatin1Char('/') + member.id;
}

void MemberTableModel::setMembers(const QList<WorkspaceMember> &members)
{
    replaceRows(m_rows, members, &MemberTableModel::rowIdFor,
                [](const WorkspaceMember &a, const WorkspaceMember &b) { return a == b; });
}

void MemberTableModel::upsert(const WorkspaceMember &member)
{
    upsertRow(m_rows, member, &MemberTableModel::rowIdFor);
}

void MemberTableModel::removeIds(const QStringList &ids)
{
    removeRowIds(m_rows, ids);
}

const WorkspaceMember *MemberTableModel::itemAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_rows.size())
        return nullptr;
    return &m_rows.at(index.row());
}

int MemberTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString MemberTableModel::rowId(int row) const
{
    return rowIdFor(m_rows.at(row));
}

int MemberTableModel::storedRows() const
{
    return int(m_rows.size());
}

QVariant MemberTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const WorkspaceMember &m = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
        switch (index.column()) {
        case Name:
            return m.displayName();
        case Email:
            return m.email;
        case WorkspaceRole:
            return m.role;
        case OrgRole:
            return m.orgRole;
        case Status:
            return m.status;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == Name ? m.email : QVariant();
    case IdRole:
        return rowIdFor(m);
    case UserIdRole:
        return m.id;
    case WorkspaceIdRole:
        return m.workspaceId;
    case WorkspaceRoleRole:
        return m.role;
    case OrgRoleRole:
        return m.orgRole;
    case EmailRole:
        return m.email;
    case CreatedAtRole:
        return m.createdAt.utc();
    default:
        return {};
    }
}

QVariant MemberTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return IdTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return QStringLiteral("Name");
    case Email:
        return QStringLiteral("E-mail");
    case WorkspaceRole:
        return QStringLiteral("Workspace role");
    case OrgRole:
        return QStringLiteral("Organisation role");
    case Status:
        return QStringLiteral("Status");
    }
    return {};
}

} // namespace pk::models
