#pragma once

#include <Qt>

/// Columns and roles of the API key models (KeyTableModel, KeyFilterProxy). Views and delegates use these
/// names only, never column numbers or row arithmetic.
namespace pk::models::KeyList {

/// The columns of KeyTableModel, in display order.
enum Column
{
    Name,      ///< the key's name
    Type,      ///< "Admin key", "Service key", "User key" or the raw wire value
    Workspace, ///< the workspace NAME (resolved from id or slug); empty for organisation-level keys
    Status,    ///< "active", "exhausted", "expired", or any other wire value raw
    Scopes,    ///< the number of scopes
    Expires,   ///< relative text: "in 3 days", "2 hours ago", "never", "unknown (raw)"
    Created,   ///< local time with zone
    ColumnCount
};

/// How a key's expiry stands relative to "now" (ExpiryStateRole).
enum class ExpiryState
{
    Never,   ///< no `expires_at`: the key does not expire (ADMIN-API.md §9)
    Later,   ///< expires after the warning window
    Soon,    ///< expires within the warning window (KeyTableModel::expiryWarningDays())
    Past,    ///< expiry instant reached
    Unknown, ///< the server sent an unparseable `expires_at`
};

/// Item data roles; every role answers for every column of a row unless noted.
enum Role
{
    IdRole = Qt::UserRole + 1, ///< QString: the key id (stable across rotation)
    KeyTypeRole,               ///< int: pk::KeyType
    KeyTypeWireRole,           ///< QString: the raw `type` wire value
    StatusRole,                ///< int: pk::KeyStatus
    StatusWireRole,            ///< QString: the raw `status` wire value
    WorkspaceIdRole,           ///< QString: the canonical workspace id (a slug resolved to the id when the
                               ///< workspace is known, else as sent); empty for organisation-level keys
    WorkspaceNameRole,         ///< QString: the workspace name, or the id/slug when unknown
    OrganisationLevelRole,     ///< bool: an Admin API key (`organisation-service`)
    MaskedKeyRole,             ///< QString: the masked key as the server sent it (never a full secret)
    UserIdRole,                ///< QString: the owning user's id, for workspace user keys
    ScopesRole,                ///< QStringList: the key's scopes
    ExpiresAtRole,             ///< QDateTime (UTC); invalid for "never" and for an unparseable value
    ExpiryStateRole,           ///< int: KeyList::ExpiryState at the model's "now"
    CreatedAtRole,             ///< QDateTime (UTC); invalid when unknown
    InTransitionRole,          ///< bool: a rotation's transition period is running at the model's "now"
    SortRole,                  ///< raw sortable value of the column: QString, int or QDateTime (UTC)
    SearchTextRole,            ///< QString: lower-case text searched by KeyFilterProxy (name, masked key,
                               ///< id, description, workspace name, scopes)
};

} // namespace pk::models::KeyList
