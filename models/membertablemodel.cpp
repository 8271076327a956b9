#include "models/membertablemodel.h"

#include <QDateTime>

namespace pk::models {

using namespace MemberList;

MemberTableModel::MemberTableModel(QObject *parent)
    : RowTableModel({QStringLiteral("Name"), QStringLiteral("E-mail"), QStringLiteral("Workspace role"),
                     QStringLiteral("Organisation role"), QStringLiteral("Status")},
                    parent)
{}

QString MemberTableModel::rowIdFor(const WorkspaceMember &member)
{
    if (member.id.isEmpty())
        return {};
    return member.workspaceId + QLatin1Char('/') + member.id;
}

void MemberTableModel::setMembers(const QList<WorkspaceMember> &members)
{
    setRows(members);
}

void MemberTableModel::upsert(const WorkspaceMember &member)
{
    upsertOne(member);
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

} // namespace pk::models
