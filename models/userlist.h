#pragma once

#include <Qt>

/// Columns and roles of UserTableModel (organisation users).
namespace pk::models::UserList {

enum Column
{
    Name,       ///< "First Last", or the e-mail
    Email,      ///< e-mail address
    OrgRole,    ///< owner / admin / member, unknown values raw
    Workspaces, ///< number of workspaces the user belongs to
    Created,    ///< local time with zone
    ColumnCount
};

enum Role
{
    IdRole = Qt::UserRole + 1, ///< QString: the user id
    OrgRoleRole,               ///< QString: raw organisation role
    EmailRole,                 ///< QString
    WorkspaceIdsRole,          ///< QStringList
    CreatedAtRole,             ///< QDateTime (UTC); invalid when unknown
    SortRole,                  ///< raw sortable value of the column
};

} // namespace pk::models::UserList
