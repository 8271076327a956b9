#pragma once

#include <Qt>

/// Columns and roles of WorkspaceTableModel.
namespace pk::models::WorkspaceList {

enum Column
{
    Name,        ///< workspace name
    Slug,        ///< slug, or the id when there is no slug
    Description, ///< as sent
    Created,     ///< local time with zone
    Keys,        ///< number of API keys in the workspace
    ColumnCount
};

enum Role
{
    IdRole = Qt::UserRole + 1, ///< QString: the workspace id
    SlugRole,                  ///< QString
    IsDefaultRole,             ///< bool: the organisation's default workspace
    KeyCountRole,              ///< int
    CreatedAtRole,             ///< QDateTime (UTC); invalid when unknown
    SortRole,                  ///< raw sortable value of the column
};

} // namespace pk::models::WorkspaceList
