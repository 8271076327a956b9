#include "models/usertablemodel.h"

#include "models/timetext.h"

#include <QDateTime>

namespace pk::models {

using namespace UserList;

UserTableModel::UserTableModel(QObject *parent)
    : RowTableModel({QStringLiteral("Name"), QStringLiteral("E-mail"), QStringLiteral("Organisation role"),
                     QStringLiteral("Workspaces"), QStringLiteral("Created")},
                    parent)
{}

void UserTableModel::setUsers(const QList<User> &users)
{
    setRows(users);
}

void UserTableModel::upsert(const User &user)
{
    upsertOne(user);
}

QVariant UserTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const User &u = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Name:
            return u.displayName();
        case Email:
            return u.email;
        case OrgRole:
            return u.role;
        case Workspaces:
            return int(u.workspaceIds.size());
        case Created:
            return localTimeText(u.createdAt);
        default:
            return {};
        }
    case SortRole:
        if (column == Created)
            return u.createdAt.utc();
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (column == Created)
            return instantToolTip(u.createdAt, QStringLiteral("Creation time unknown"));
        if (column == Workspaces)
            return u.workspaceIds.join(QLatin1Char('\n'));
        return {};
    case Qt::TextAlignmentRole:
        return column == Workspaces ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case IdRole:
        return u.id;
    case OrgRoleRole:
        return u.role;
    case EmailRole:
        return u.email;
    case WorkspaceIdsRole:
        return u.workspaceIds;
    case CreatedAtRole:
        return u.createdAt.utc();
    default:
        return {};
    }
}

} // namespace pk::models
