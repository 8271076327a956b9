#pragma once

#include "access/accesspolicy.h"
#include "access/action.h"
#include "portkey/adminapiclient.h"
#include "portkey/apierror.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace pk {

class Session;

/// The outcome of one OrgCommands write.
struct OrgWriteResult
{
    ApiError error;            ///< None when the server confirmed the write
    bool maybeApplied = false; ///< the reply was lost (Timeout, OutcomeUnknown, unreadable 2xx): the write
                               ///< may have applied; a sync was started so the snapshot shows the truth
                               ///< (invites are not cached: their message says to list them instead)
    QString message;           ///< one or two sentences for a person: what happened and what to do
    bool ok() const { return !error.isError(); }
};

/// The organisation writes and on-demand reads that are not about keys: workspaces, workspace members,
/// organisation users, invites and audit logs (ADMIN-API.md §4–§6). Every call first asks the
/// AccessPolicy with the session's principal and refuses locally (ApiError::Invalid carrying the policy's
/// reason; nothing is sent) what the server would refuse; a 403 AB03 the policy did not foresee is
/// learned for the session. A confirmed write (or one whose reply was lost) starts a sync, so the snapshot
/// and the cache change only from what the server returns. POSTs are never retried. Each `done` runs once,
/// on this thread, unless the session closes first (a local refusal runs it before the call returns). No
/// widgets: used by the GUI and the CLI alike.
///
/// Input checks (each refusal is ApiError::Invalid with a message naming the field; nothing is sent):
/// - Roles are trimmed and lower-cased first (` Admin` → `admin`), everywhere: workspace roles of members
///   and invites (admin, manager, member) and organisation roles (admin, member); the normalised role is
///   what the policy checks and what is sent.
/// - Workspace names and descriptions, invite e-mail addresses, the user ids of addMembers() and the
///   workspace references of an invite may not hold control or direction-changing characters
///   (hasControlOrBidi(), domain/text.h); such text is never quoted back in a message.
///
/// Messages: a refusal reads "Not allowed: <policy reason>. Nothing was sent."; a 403 AB03 names the scope
/// the key probably lacks (Session::learnDenial()); a 409 gets a message fitting the write (a workspace
/// with that name exists; already a member; an invite for that address exists; the workspace still holds
/// keys and force revokes them); a lost reply says the change may have been applied. Logs (`pk.sync`)
/// carry action names and HTTP statuses only.
class OrgCommands : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const OrgWriteResult &)>;

    /// Commands on `session`'s connection. `session` must outlive this object.
    explicit OrgCommands(Session *session, QObject *parent = nullptr);
    ~OrgCommands() override;

    /// What the policy decides for `action` on `target` with the session's current principal (the same
    /// decision the command itself checks first).
    access::Decision decide(access::Action action, const access::Target &target = {}) const;

    /// True when `userId` is the person acting: the principal's user id, or a cached organisation user or
    /// workspace member with that id whose e-mail is the principal's (compared case-insensitively). False
    /// for an empty id, or when neither the principal's id nor its e-mail is known. Callers warn before
    /// someone changes their own role or removes themselves (they may lose access, ROLES.md); the commands
    /// themselves do not refuse it.
    bool isSelf(const QString &userId) const;

    /// Creates a workspace (`POST /admin/workspaces`, L14927). Refused locally without a name, with a name
    /// over 100 characters, or with control or direction-changing characters in the name or description.
    /// A 409 says a workspace with that name exists.
    void createWorkspace(const WorkspaceDraft &draft, Done done);
    /// Updates a workspace (`PUT /admin/workspaces/{id}`, L15230) with `changes` (`name`, `description`,
    /// `defaults`, `usage_limits`, `rate_limits`); a new name or description is checked as in
    /// createWorkspace(). A 409 says a workspace with that name exists.
    void updateWorkspace(const QString &workspaceId, const QJsonObject &changes, Done done);
    /// Deletes a workspace (`DELETE /admin/workspaces/{id}`, L15487). `name` must be the workspace's name
    /// (the server checks it); without `force` the server answers 409 while the workspace holds keys, and
    /// the message says so and offers force.
    void deleteWorkspace(const QString &workspaceId, const QString &name, bool force, Done done);

    /// Adds users to a workspace (`POST /admin/workspaces/{id}/users`, L14303), each with a role (admin,
    /// manager, member; trimmed and lower-cased). Someone the snapshot lists as a member already is refused
    /// locally; a 409 (AB07, ADMIN-API.md §1: the snapshot was behind) says they are already a member and
    /// that their role can be changed instead.
    void addMembers(const QString &workspaceId, const QList<MemberGrant> &grants, Done done);
    /// Changes a member's workspace role (`PUT …/users/{userId}`, L14558) to `role` (admin, manager,
    /// member; trimmed and lower-cased). When the snapshot holds the workspace's member list
    /// (Principal::memberListsRead) and `userId` is not on it, refused locally: "X is not a member of
    /// workspace Y. Nothing was sent."
    void updateMemberRole(const QString &workspaceId, const QString &userId, const QString &role, Done done);
    /// Removes a member from a workspace (`DELETE …/users/{userId}`, L14682). Refused locally, as in
    /// updateMemberRole(), when the snapshot's member list shows `userId` is not a member.
    void removeMember(const QString &workspaceId, const QString &userId, Done done);

    /// Changes an organisation user's role to admin or member (`PUT /admin/users/{id}`, L14183); `role` is
    /// trimmed and lower-cased first.
    void updateUserRole(const QString &userId, const QString &role, Done done);
    /// Removes a user from the organisation (`DELETE /admin/users/{id}`, L14087).
    void removeUser(const QString &userId, Done done);

    /// All invites (`GET /admin/users/invites`, L13395). Not cached: needs the server.
    void listInvites(std::function<void(const ApiResult<QList<Invite>> &)> done);
    /// Invites a person (`POST /admin/users/invites`, L13204). `link` is the invite link on success. The
    /// e-mail address needs one `@` and a dotted domain and no whitespace, control or direction-changing
    /// characters; the organisation role (admin, member) and each workspace role (admin, manager, member)
    /// are trimmed and lower-cased; a workspace named twice (by id, slug or name, compared after resolving
    /// to its id through the snapshot) is refused. A 409 says an invite for that address exists (or the
    /// person is already in the organisation) and to resend or delete it.
    void createInvite(const InviteDraft &draft,
                      std::function<void(const OrgWriteResult &, const InviteLink &link)> done);
    /// Sends an invite again (`POST /admin/users/invites/{id}/resend`, L13744).
    void resendInvite(const QString &inviteId,
                      std::function<void(const OrgWriteResult &, const InviteLink &link)> done);
    /// Deletes a pending invite (`DELETE /admin/users/invites/{id}`, L13643). Invite writes start no sync:
    /// invites are read on demand (listInvites()), never cached.
    void deleteInvite(const QString &inviteId, Done done);

    /// Audit-log records (`GET /audit-logs`, L17460). Not cached: needs the server. The organisation id is
    /// filled in from the cached keys' `organisation_id` when `query` leaves it empty.
    void listAuditLogs(const AuditLogQuery &query,
                       std::function<void(const ApiResult<QList<AuditLogRecord>> &)> done);

    /// Display names of whoever can appear as the actor of an audit-log record (`user_id`, L34742): the
    /// snapshot's organisation users (by user id) and API keys (by key id, for `user_type` `api_key`).
    QHash<QString, QString> actorNames() const;

    /// Cancels pending calls; their callbacks run with ApiError::Cancelled.
    void cancelAll();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace pk
