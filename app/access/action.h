#pragma once

#include "domain/apikey.h"

#include <QList>
#include <QString>

#include <optional>

namespace pk::access {

/// Every management action the app offers, named as in ROLES.md "Action names". The same names are used in
/// code, in `whoami --json` and in tests, so a decision reads the same everywhere.
enum class Action
{
    WorkspaceList,   ///< `workspace.list`
    WorkspaceCreate, ///< `workspace.create`
    WorkspaceUpdate, ///< `workspace.update`
    WorkspaceDelete, ///< `workspace.delete`

    MemberList,       ///< `member.list`
    MemberAdd,        ///< `member.add`
    MemberUpdateRole, ///< `member.update_role`
    MemberRemove,     ///< `member.remove`

    AdminKeyList,   ///< `admin_key.list`
    AdminKeyCreate, ///< `admin_key.create`
    AdminKeyUpdate, ///< `admin_key.update` (includes resetting usage)
    AdminKeyRotate, ///< `admin_key.rotate`
    AdminKeyDelete, ///< `admin_key.delete`

    ServiceKeyList,   ///< `service_key.list`
    ServiceKeyCreate, ///< `service_key.create`
    ServiceKeyUpdate, ///< `service_key.update` (includes resetting usage)
    ServiceKeyRotate, ///< `service_key.rotate`
    ServiceKeyDelete, ///< `service_key.delete`

    UserKeyList,   ///< `user_key.list`
    UserKeyCreate, ///< `user_key.create`
    UserKeyUpdate, ///< `user_key.update` (includes resetting usage)
    UserKeyRotate, ///< `user_key.rotate`
    UserKeyDelete, ///< `user_key.delete`

    UserList,       ///< `user.list` (organisation users)
    UserUpdateRole, ///< `user.update_role`
    UserRemove,     ///< `user.remove`

    InviteList,   ///< `invite.list`
    InviteCreate, ///< `invite.create`
    InviteResend, ///< `invite.resend`
    InviteDelete, ///< `invite.delete`

    AuditLogList ///< `audit_log.list`
};

/// The ROLES.md name of `action`, e.g. `service_key.rotate`.
QString actionName(Action action);
/// The action called `name` (exact, case-sensitive ROLES.md name); nullopt for anything else.
std::optional<Action> actionFromName(const QString &name);
/// Every action, in the order of the enum (the order of ROLES.md "Action names").
QList<Action> allActions();

/// True for actions decided per workspace (ROLES.md: workspace update/delete, members, workspace service
/// and user keys). `whoami` lists one decision per visible workspace for these.
bool isWorkspaceAction(Action action);
/// True for actions on the organisation as a whole, which workspace keys can never perform (ROLES.md
/// "Scope each action needs": workspace create/delete, Admin keys, organisation users, invites, audit logs).
bool isOrganisationAction(Action action);
/// True for the key-management actions (`admin_key.*`, `service_key.*`, `user_key.*`), which workspace user
/// keys can never perform (ROLES.md).
bool isKeyManagementAction(Action action);
/// True for the read-only actions (`*.list`), which every human role may perform (ROLES.md "See workspace
/// resources").
bool isReadAction(Action action);

/// What is done to a key; with a KeyType it selects the key action (see keyAction()).
enum class KeyVerb
{
    List,
    Create,
    Update, ///< includes resetting usage (ROLES.md)
    Rotate,
    Delete
};

/// The action that performs `verb` on keys of `type`, e.g. (WorkspaceUser, Rotate) → UserKeyRotate.
/// nullopt for KeyType::Unknown.
std::optional<Action> keyAction(KeyType type, KeyVerb verb);

/// The scope an API key needs for `action` (ROLES.md "Scope each action needs"), e.g.
/// `workspace_service_api_keys.create`. For rotation this is the documented `*.rotate` scope; see
/// alternativeScope().
QString requiredScope(Action action);
/// A second scope that the client also accepts for `action`, or an empty string. Only rotations have one:
/// `*.update`, per ROLES.md's open question (the docs name `*.rotate`, Terraform's 403 hint `*.update`).
QString alternativeScope(Action action);

} // namespace pk::access
