#include "access/action.h"

#include <array>

namespace pk::access {

namespace {

struct ActionInfo
{
    Action action;
    const char *name;
    const char *scope; ///< ROLES.md "Scope each action needs"
};

// One row per action, in enum order.
constexpr std::array<ActionInfo, 31> kActions{{
    {Action::WorkspaceList, "workspace.list", "workspaces.list"},
    {Action::WorkspaceCreate, "workspace.create", "workspaces.create"},
    {Action::WorkspaceUpdate, "workspace.update", "workspaces.update"},
    {Action::WorkspaceDelete, "workspace.delete", "workspaces.delete"},
    {Action::MemberList, "member.list", "workspace_users.list"},
    {Action::MemberAdd, "member.add", "workspace_users.create"},
    {Action::MemberUpdateRole, "member.update_role", "workspace_users.update"},
    {Action::MemberRemove, "member.remove", "workspace_users.delete"},
    {Action::AdminKeyList, "admin_key.list", "organisation_service_api_keys.list"},
    {Action::AdminKeyCreate, "admin_key.create", "organisation_service_api_keys.create"},
    {Action::AdminKeyUpdate, "admin_key.update", "organisation_service_api_keys.update"},
    {Action::AdminKeyRotate, "admin_key.rotate", "organisation_service_api_keys.rotate"},
    {Action::AdminKeyDelete, "admin_key.delete", "organisation_service_api_keys.delete"},
    {Action::ServiceKeyList, "service_key.list", "workspace_service_api_keys.list"},
    {Action::ServiceKeyCreate, "service_key.create", "workspace_service_api_keys.create"},
    {Action::ServiceKeyUpdate, "service_key.update", "workspace_service_api_keys.update"},
    {Action::ServiceKeyRotate, "service_key.rotate", "workspace_service_api_keys.rotate"},
    {Action::ServiceKeyDelete, "service_key.delete", "workspace_service_api_keys.delete"},
    {Action::UserKeyList, "user_key.list", "workspace_user_api_keys.list"},
    {Action::UserKeyCreate, "user_key.create", "workspace_user_api_keys.create"},
    {Action::UserKeyUpdate, "user_key.update", "workspace_user_api_keys.update"},
    {Action::UserKeyRotate, "user_key.rotate", "workspace_user_api_keys.rotate"},
    {Action::UserKeyDelete, "user_key.delete", "workspace_user_api_keys.delete"},
    {Action::UserList, "user.list", "organisation_users.list"},
    {Action::UserUpdateRole, "user.update_role", "organisation_users.update"},
    {Action::UserRemove, "user.remove", "organisation_users.delete"},
    // Invites are organisation users not yet joined: ROLES.md names `organisation_users.create` for
    // inviting; listing, resending and deleting invites use the matching organisation_users scopes.
    {Action::InviteList, "invite.list", "organisation_users.list"},
    {Action::InviteCreate, "invite.create", "organisation_users.create"},
    {Action::InviteResend, "invite.resend", "organisation_users.create"},
    {Action::InviteDelete, "invite.delete", "organisation_users.delete"},
    {Action::AuditLogList, "audit_log.list", "audit_logs.list"},
}};

constexpr bool inEnumOrder()
{
    for (std::size_t i = 0; i < kActions.size(); ++i) {
        if (static_cast<std::size_t>(kActions[i].action) != i)
            return false;
    }
    return true;
}
static_assert(inEnumOrder() && kActions.size() == static_cast<std::size_t>(Action::AuditLogList) + 1,
              "kActions must list every action in enum order");

const ActionInfo &info(Action action)
{
    return kActions[static_cast<std::size_t>(action)];
}

} // namespace

QString actionName(Action action)
{
    return QLatin1String(info(action).name);
}

std::optional<Action> actionFromName(const QString &name)
{
    for (const ActionInfo &row : kActions) {
        if (name == QLatin1String(row.name))
            return row.action;
    }
    return std::nullopt;
}

QList<Action> allActions()
{
    QList<Action> actions;
    actions.reserve(static_cast<qsizetype>(kActions.size()));
    for (const ActionInfo &row : kActions)
        actions.append(row.action);
    return actions;
}

bool isWorkspaceAction(Action action)
{
    switch (action) {
    case Action::WorkspaceUpdate:
    case Action::WorkspaceDelete:
    case Action::MemberList:
    case Action::MemberAdd:
    case Action::MemberUpdateRole:
    case Action::MemberRemove:
    case Action::ServiceKeyList:
    case Action::ServiceKeyCreate:
    case Action::ServiceKeyUpdate:
    case Action::ServiceKeyRotate:
    case Action::ServiceKeyDelete:
    case Action::UserKeyList:
    case Action::UserKeyCreate:
    case Action::UserKeyUpdate:
    case Action::UserKeyRotate:
    case Action::UserKeyDelete:
        return true;
    default:
        return false;
    }
}

bool isOrganisationAction(Action action)
{
    switch (action) {
    case Action::WorkspaceCreate:
    case Action::WorkspaceDelete:
    case Action::AdminKeyList:
    case Action::AdminKeyCreate:
    case Action::AdminKeyUpdate:
    case Action::AdminKeyRotate:
    case Action::AdminKeyDelete:
    case Action::UserList:
    case Action::UserUpdateRole:
    case Action::UserRemove:
    case Action::InviteList:
    case Action::InviteCreate:
    case Action::InviteResend:
    case Action::InviteDelete:
    case Action::AuditLogList:
        return true;
    default:
        return false;
    }
}

bool isKeyManagementAction(Action action)
{
    return action >= Action::AdminKeyList && action <= Action::UserKeyDelete;
}

bool isReadAction(Action action)
{
    return QLatin1String(info(action).name).endsWith(QLatin1String(".list"));
}

std::optional<Action> keyAction(KeyType type, KeyVerb verb)
{
    Action first;
    switch (type) {
    case KeyType::OrganisationService:
        first = Action::AdminKeyList;
        break;
    case KeyType::WorkspaceService:
        first = Action::ServiceKeyList;
        break;
    case KeyType::WorkspaceUser:
        first = Action::UserKeyList;
        break;
    case KeyType::Unknown:
    default:
        return std::nullopt;
    }
    // Within each key group the enum follows KeyVerb's order: list, create, update, rotate, delete.
    static_assert(static_cast<int>(Action::AdminKeyDelete) - static_cast<int>(Action::AdminKeyList) ==
                          static_cast<int>(KeyVerb::Delete) &&
                      static_cast<int>(Action::ServiceKeyRotate) - static_cast<int>(Action::ServiceKeyList) ==
                          static_cast<int>(KeyVerb::Rotate) &&
                      static_cast<int>(Action::UserKeyUpdate) - static_cast<int>(Action::UserKeyList) ==
                          static_cast<int>(KeyVerb::Update),
                  "key actions must follow KeyVerb's order");
    return static_cast<Action>(static_cast<int>(first) + static_cast<int>(verb));
}

QString requiredScope(Action action)
{
    return QLatin1String(info(action).scope);
}

QString alternativeScope(Action action)
{
    switch (action) {
    case Action::AdminKeyRotate:
    case Action::ServiceKeyRotate:
    case Action::UserKeyRotate: {
        const QString scope = requiredScope(action);
        return QString(scope.left(scope.lastIndexOf(QLatin1Char('.'))) + QLatin1String(".update"));
    }
    default:
        return {};
    }
}

} // namespace pk::access
