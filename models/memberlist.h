#pragma once

#include <Qt>

/// Columns and roles of MemberTableModel (workspace members).
namespace pk::models::MemberList {

enum Column
{
    Name,          ///< "First Last", or the e-mail
    Email,         ///< e-mail address
    WorkspaceRole, ///< admin / manager / member, unknown values raw
    OrgRole,       ///< owner / admin / member, unknown values raw
    Status,        ///< as sent
    ColumnCount
};

enum Role
{
    IdRole = Qt::UserRole + 1, ///< QString: stable row id "<workspace id>/<user id>"
    UserIdRole,                ///< QString: the member's user id
    WorkspaceIdRole,           ///< QString: the workspace id
    WorkspaceRoleRole,         ///< QString: raw workspace role
    OrgRoleRole,               ///< QString: raw organisation role
    EmailRole,                 ///< QString
    CreatedAtRole,             ///< QDateTime (UTC); invalid when unknown
    SortRole,                  ///< raw sortable value of the column
};

} // namespace pk::models::MemberList
