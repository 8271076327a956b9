#pragma once

#include "access/principal.h"
#include "domain/apikey.h"
#include "domain/user.h"
#include "domain/workspace.h"

#include <QList>
#include <QMap>
#include <QString>

namespace pk::access {

/// The outcome of one probing read made with the connection key.
enum class ProbeResult
{
    NotTried,  ///< the read was not made
    Ok,        ///< 200: the key may read this
    Forbidden, ///< 403 AB03: the key may not (this is information, not failure)
    Failed     ///< any other error: tells nothing
};

/// Everything the sync engine gathered with the connection key, as input to PrincipalResolver::resolve().
/// Holds no secret: only the first and last two characters of the connection key.
struct ResolverInput
{
    QString keyHead; ///< the connection secret's first 2 characters (what the masked form shows)
    QString keyTail; ///< its last 2 characters

    ProbeResult keysList = ProbeResult::NotTried; ///< `GET /api-keys`
    QList<ApiKey> keys;                           ///< what that list returned (Ok only)

    ProbeResult workspacesList = ProbeResult::NotTried; ///< `GET /admin/workspaces`
    QList<Workspace> workspaces;

    ProbeResult usersList = ProbeResult::NotTried; ///< `GET /admin/users`
    QList<User> users;

    QMap<QString, ProbeResult> memberLists; ///< workspace id → `GET /admin/workspaces/{id}/users` outcome
    QList<WorkspaceMember> members;         ///< every member read, with `workspaceId` set

    QString profileEmail; ///< the profile's optional e-mail (Profile::email)

    /// Sets keyHead/keyTail from the connection secret; keeps nothing else of it. Secrets shorter than 4
    /// characters leave both empty (nothing can be matched).
    void setKeyHint(const QByteArray &secret);
};

/// Works out who the connection key is, without extra input (issue 5 "Who is acting"):
/// 1. The key: match the secret's first/last two characters against the masked form (`Xk*******S4`) of
///    readable keys whose type is compatible with the probes. A unique match gives type, workspace,
///    scopes and (user keys) the user — Known. Otherwise the probes decide, Assumed: users list 200 →
///    Admin key; 403 → workspace key, a user key when the key list is refused too; a workspace key that
///    sees exactly one workspace is assumed to belong to it.
/// 2. Refused probes the key's type does not explain join `learnedMissingScopes` (a 403 on the workspaces
///    list means the key lacks `workspaces.list`; on its own workspace's member list, `workspace_users.list`;
///    on the users list of an Admin key, `organisation_users.list`; on the key list of an Admin or service
///    key, every key `*.list` scope it could have had).
/// 3. The human: the profile's e-mail (or the user key's owner) looked up in the users list (org role)
///    and in the member lists (workspace roles, and the org role they carry) — Known.
/// Pure: no network, no clock.
class PrincipalResolver
{
public:
    /// The principal for `input`. Never fails; what cannot be found stays Unknown.
    static Principal resolve(const ResolverInput &input);

    /// The keys among `keys` whose masked form shows `head` and `tail` (first and last two characters;
    /// the stars in between are ignored), in input order.
    static QList<ApiKey> matchMasked(const QList<ApiKey> &keys, const QString &head, const QString &tail);
};

} // namespace pk::access
