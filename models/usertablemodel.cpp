#include "models/usertablemodel.h"

#include "models/timetext.h"

#include <QDateTime>

namespace pk::models {

using namespace UserList;

namespace {
QString idOf(const User &u)
{
    return u.id;
}
} // namespace

UserTableModel::UserTableModel(QObject *parent) : IdTableModel(parent) {}

void UserTableModel::setUsers(const QList<User> &users)
{
    replaceRows(m_rows, users, idOf, [](const User &a, const User &b) { return a == b; });
}

void UserTableModel::upsert(const User &user)
{
    upsertRow(m_rows, user, idOf);
}

void UserTableModel::removeIds(const QStringList &ids)
{
    removeRowIds(m_rows, ids);
}

const User *UserTableModel::itemAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_rows.size())
        return nullptr;
    return &m_rows.at(index.row());
}

int UserTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString UserTableModel::rowId(int row) const
{
    return m_rows.at(row).id;
}

int UserTableModel::storedRows() const
{
    return int(m_rows.size());
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

QVariant UserTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return IdTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return QStringLiteral("Name");
    case Email:
        return QStringLiteral("E-mail");
    case OrgRole:
        return QStringLiteral("Organisation role");
    case Workspaces:
        return QStringLiteral("Workspaces");
    case Created:
        return QStringLiteral("Created");
    }
    return {};
}

} // namespace pk::models
