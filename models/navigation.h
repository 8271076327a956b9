#pragma once

#include <Qt>

/// Roles of NavigationModel (organisation → "Admin keys" + each workspace).
namespace pk::models::Navigation {

/// What a navigation node stands for.
enum class NodeKind
{
    Organisation, ///< the root: the organisation (shows every key)
    AdminKeys,    ///< organisation-level (Admin API) keys
    Workspace,    ///< one workspace
};

enum Role
{
    NodeKindRole = Qt::UserRole + 1, ///< int: Navigation::NodeKind
    WorkspaceIdRole,                 ///< QString: the workspace's canonical id (Workspace nodes only)
    NameRole,                        ///< QString: the organisation or workspace name, without the count
    KeyCountRole,                    ///< int: keys under the node
    IdRole,                          ///< QString: a stable node id: "org", "admin-keys", "ws:<id>"
};

} // namespace pk::models::Navigation
