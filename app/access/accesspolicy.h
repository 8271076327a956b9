#pragma once

#include "access/action.h"
#include "access/principal.h"
#include "domain/apikey.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace pk::access {

/// What an action is done to. Every field is optional; fill what the current selection gives.
struct Target
{
    QString workspaceId;    ///< the workspace acted in (id or slug); empty = "any workspace" / none selected
    QString keyId;          ///< the key acted on (key actions other than list/create)
    QString keyOwnerUserId; ///< the key's `user_id` (workspace user keys), for "rotate own key"
    QString userId;         ///< the organisation user or workspace member acted on
    QString role;           ///< the role being given (user.update_role, invite.create, member.*)
    QString userRole;       ///< the acted-on organisation user's current role (user.update_role, user.remove)

    /// Convenience: a target for `key` (its workspace, id and owner).
    static Target forKey(const ApiKey &key);
    /// Convenience: a target naming only a workspace.
    static Target forWorkspace(const QString &workspaceId);
};

/// The outcome of one policy check. `reason` is short and names what is missing when denied ("needs org
/// admin or owner", "key lacks `workspace_service_api_keys.create`", "workspace keys act only in workspace
/// Production"); when allowed it says on what grounds. `assumed` is true when part of the decision rests on
/// unknown or assumed facts (the server may still refuse).
struct Decision
{
    bool allowed = false;
    QString reason;
    QString missingScope; ///< denied for a missing scope: that scope; else empty
    bool assumed = false;

    /// `{"allowed": bool, "reason": "...", "missing_scope": "..." (only when set), "assumed": bool}`.
    QJsonObject toJson() const;
};

/// The access policy of ROLES.md as a pure function. The calling key's type and scopes decide (Admin key:
/// its scopes, org-wide; workspace service key: its scopes, own workspace only, never organisation
/// actions; workspace user key: never key management, own workspace only); the human's roles further
/// restrict when known (owner and org admin: everything; workspace admin/manager: their workspace; member:
/// read-only, may rotate their own user key). Unknown scopes (nullopt) are assumed sufficient, and facts
/// whose Knowledge is Assumed make the decision assumed (Decision::assumed); a field that holds a value with
/// Knowledge::Unknown is taken as given (e.g. a principal built for "View as").
class AccessPolicy
{
public:
    /// Decides `action` for `principal` on `target`. Checks, in order: the human's org role for
    /// organisation actions, the key type and workspace confinement, the human's workspace role, then the
    /// key's scopes (and what the session learned from 403s). Never fails.
    static Decision decide(const Principal &principal, Action action, const Target &target = {});

    /// Decides creating a key at `POST /api-keys/{type}/{subType}` (openapi.yaml L17574) with `scopes` in
    /// `workspaceId`. Adds to decide(): `organisation/user` does not exist ("the Admin API has no
    /// organisation user keys"), unknown paths are refused, and a workspace user key must not carry
    /// key-management scopes (ROLES.md "Rules that bind key creation"). `type` is `organisation` or
    /// `workspace`; `subType` is `service` or `user`.
    static Decision decideCreateKey(const Principal &principal, const QString &type, const QString &subType,
                                    const QString &workspaceId, const QStringList &scopes = {});
};

/// Records what a server refusal teaches about `principal`: for 403 `AB03` on an action the policy
/// allowed, the action's required scope joins `learnedMissingScopes` (for rotations the documented
/// `*.rotate`), so later decisions deny it with "key lacks `…`". Any other status or code teaches nothing.
/// Returns the likely missing scope to show the user, or an empty string when nothing was learned.
QString learnDenial(Principal &principal, Action action, int httpStatus, const QString &errorCode);

/// The `whoami --json` document of issue 5: `{"principal": Principal::toJson(), "decisions": [{"action",
/// "workspace", "allowed", "reason"}]}` with one decision per action, in allActions() order, and for
/// workspace actions one per id in `visibleWorkspaceIds` (with `"workspace": null` once when that list is
/// empty; organisation actions always carry `"workspace": null`).
QJsonObject whoamiJson(const Principal &principal, const QStringList &visibleWorkspaceIds);

} // namespace pk::access
