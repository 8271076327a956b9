#include "sync/orgcommands.h"

#include "domain/text.h"
#include "portkey/workspacedirectory.h"
#include "sync/session.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>

Q_DECLARE_LOGGING_CATEGORY(lcSync)

namespace pk {

namespace {

ApiError invalidError(const QString &message)
{
    ApiError e;
    e.kind = ApiError::Kind::Invalid;
    e.message = message;
    return e;
}

OrgWriteResult refusedResult(const QString &message)
{
    OrgWriteResult r;
    r.error = invalidError(message);
    r.message = message;
    return r;
}

template <typename T> ApiResult<T> refusedRead(const QString &message)
{
    ApiResult<T> r;
    r.error = invalidError(message);
    return r;
}

/// `role` as the API spells roles: trimmed and lower-cased (` Admin` → `admin`). Every role an OrgCommands
/// call takes goes through here before it is checked, handed to the policy or sent.
QString normalisedRole(const QString &role)
{
    return role.trimmed().toLower();
}

/// Workspace roles (`POST …/users`, L14303; `CreateInvite.workspaces[].role`, L21806), already normalised.
bool isWorkspaceRole(const QString &role)
{
    return role == QLatin1String("admin") || role == QLatin1String("manager") ||
           role == QLatin1String("member");
}

/// Organisation roles that can be given (`PUT /admin/users/{id}`, L14183; `CreateInvite.role`), already
/// normalised: never `owner`.
bool isAssignableOrgRole(const QString &role)
{
    return role == QLatin1String("admin") || role == QLatin1String("member");
}

/// A plausible e-mail address: one `@`, something before it, a dotted domain after it, no whitespace.
bool looksLikeEmail(const QString &email)
{
    static const QRegularExpression shape(QStringLiteral("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$"));
    return shape.match(email).hasMatch();
}

/// Why `role` (normalised) is not a workspace role. A role holding control or direction-changing characters
/// is not quoted back.
QString workspaceRoleProblem(const QString &role)
{
    if (hasControlOrBidi(role))
        return OrgCommands::tr(
            "A workspace role cannot contain control or direction-changing characters: use admin, manager or "
            "member.");
    return OrgCommands::tr("“%1” is not a workspace role: use admin, manager or member.").arg(role);
}

/// Why `role` (normalised) is not an organisation role that can be given; not quoted back when it holds
/// control or direction-changing characters.
QString orgRoleProblem(const QString &role)
{
    if (hasControlOrBidi(role))
        return OrgCommands::tr(
            "An organisation role cannot contain control or direction-changing characters: use admin or "
            "member.");
    if (role == QLatin1String("owner"))
        return OrgCommands::tr("The owner role cannot be given through the Admin API: use admin or member.");
    return OrgCommands::tr("“%1” is not an organisation role that can be given: use admin or member.")
        .arg(role);
}

/// The longest workspace name the sandbox and Terraform accept (ADMIN-API.md §2 caps names at 100).
constexpr int kMaxNameLength = 100;

/// Why `name` cannot name a workspace; empty when it can.
QString workspaceNameProblem(const QString &name)
{
    if (name.trimmed().isEmpty())
        return OrgCommands::tr("A workspace needs a name.");
    if (hasControlOrBidi(name))
        return OrgCommands::tr("A workspace name cannot contain control or direction-changing characters.");
    if (name.size() > kMaxNameLength)
        return OrgCommands::tr("A workspace name has at most %1 characters (this one has %2).")
            .arg(kMaxNameLength)
            .arg(name.size());
    return {};
}

/// Why `description` cannot describe a workspace; empty when it can (an empty description can).
QString workspaceDescriptionProblem(const QString &description)
{
    if (hasControlOrBidi(description))
        return OrgCommands::tr(
            "A workspace description cannot contain control or direction-changing characters.");
    return {};
}

/// Why `email` cannot be invited; empty when it can. The address is quoted back only when it holds no
/// control or direction-changing characters.
QString inviteEmailProblem(const QString &email)
{
    if (hasControlOrBidi(email))
        return OrgCommands::tr("An e-mail address cannot contain control or direction-changing characters.");
    if (!looksLikeEmail(email))
        return OrgCommands::tr("“%1” is not an e-mail address.").arg(email);
    return {};
}

/// The message for a 409 on a workspace create or rename to `name` (the name is taken).
QString nameTakenMessage(const QString &name)
{
    return OrgCommands::tr("A workspace named “%1” already exists: choose another name.").arg(name);
}

} // namespace

struct OrgCommands::Private
{
    Session *session = nullptr;
    QList<QPointer<ApiCall>> calls;
    /// cancelAll() is running: the Cancelled callbacks it causes still reach `done`. Cancelled callbacks
    /// from anything else (the session closing) are dropped.
    bool cancelling = false;
    bool destroying = false;

    /// Remembers a pending call for cancelAll().
    void track(ApiCall *call)
    {
        calls.removeIf([](const QPointer<ApiCall> &c) { return c.isNull() || c->isFinished(); });
        if (call)
            calls.append(call);
    }

    /// `body` guarded: not run while this object is being destroyed, nor for a call the session cancelled
    /// by closing.
    template <typename T>
    std::function<void(const ApiResult<T> &)> guard(std::function<void(const ApiResult<T> &)> body)
    {
        return [this, body = std::move(body)](const ApiResult<T> &r) {
            if (destroying || (r.error.kind == ApiError::Kind::Cancelled && !cancelling))
                return;
            body(r);
        };
    }

    /// Empty when the session is open and the policy allows `action` on `target`; otherwise the refusal
    /// for a person (the policy's reason).
    QString refusal(access::Action action, const access::Target &target) const
    {
        if (session->state() != Session::State::Open || !session->client())
            return OrgCommands::tr(
                "No profile is open. Open a profile (or start with --sandbox), then retry.");
        const access::Decision decision = access::AccessPolicy::decide(session->principal(), action, target);
        if (decision.allowed)
            return {};
        qCInfo(lcSync).noquote() << "refused locally:" << access::actionName(action) << "-"
                                 << decision.reason;
        return OrgCommands::tr("Not allowed: %1. Nothing was sent.").arg(decision.reason);
    }

    /// The outcome of a write of `action` that ended with `error`. `success` is the message when it
    /// succeeded; `conflict` (may be empty) the message for a 409. With `syncAfter`, a confirmed write or
    /// a lost reply starts a sync (Session::requestSync()), so the snapshot shows the server's state.
    OrgWriteResult writeResult(access::Action action, const ApiError &error, const QString &success,
                               bool syncAfter, const QString &conflict = {})
    {
        OrgWriteResult r;
        r.error = error;
        const QString name = access::actionName(action);
        if (!error.isError()) {
            r.message = success;
            qCInfo(lcSync).noquote() << name << "confirmed by the server";
        } else if (error.writeMayHaveApplied()) {
            r.maybeApplied = true;
            r.message =
                syncAfter ? OrgCommands::tr("Portkey's reply was lost or unreadable, so the change may have "
                                            "been applied. A sync was started: check the result before "
                                            "trying again.")
                          : OrgCommands::tr("Portkey's reply was lost or unreadable, so the change may have "
                                            "been applied. List the invites to check before trying again.");
            qCWarning(lcSync).noquote() << name << "reply lost; it may have been applied";
        } else if (error.isForbidden()) {
            const QString scope = session->learnDenial(action, error);
            r.message = scope.isEmpty()
                            ? error.userText()
                            : error.withServerMessage(
                                  OrgCommands::tr("The server refused this (403 %1): the connection key "
                                                  "probably lacks the scope `%2`. Actions that need it stay "
                                                  "disabled while this profile is open; ask an organisation "
                                                  "admin to add the scope to the key.")
                                      .arg(error.code, scope));
        } else if (!conflict.isEmpty() && error.kind == ApiError::Kind::Http && error.httpStatus == 409) {
            r.message = error.withServerMessage(conflict);
        } else {
            r.message = error.userText();
        }
        if (error.isError())
            qCInfo(lcSync).noquote() << name << "failed:" << int(error.kind) << error.httpStatus
                                     << error.code;
        if (syncAfter && (!error.isError() || r.maybeApplied))
            session->requestSync();
        return r;
    }

    /// "Name <email>" of user `userId` from the snapshot's users or members, else the id (or "this user"
    /// when the id holds control or direction-changing characters, which are never echoed).
    QString userLabel(const QString &userId) const
    {
        const CacheSnapshot &snap = session->snapshot();
        for (const User &u : snap.users) {
            if (u.id == userId)
                return QStringLiteral("%1 <%2>").arg(u.displayName(), u.email);
        }
        for (const QList<WorkspaceMember> &members : snap.members) {
            for (const WorkspaceMember &m : members) {
                if (m.id == userId)
                    return QStringLiteral("%1 <%2>").arg(m.displayName(), m.email);
            }
        }
        return hasControlOrBidi(userId) ? OrgCommands::tr("this user") : userId;
    }

    /// “Name” of workspace `ref` (id or slug) from the snapshot or the principal, else the reference.
    QString workspaceLabel(const QString &ref) const
    {
        if (const std::optional<Workspace> ws =
                WorkspaceDirectory(session->snapshot().workspaces).resolve(ref))
            return QString(QStringLiteral("“") + ws->name + QStringLiteral("”"));
        return session->principal().workspaceLabel(ref);
    }

    /// The canonical id of workspace `ref`: the snapshot's workspace with that id or slug
    /// (WorkspaceDirectory), else the one with that name (exactly, then ignoring case), else the
    /// principal's alias for it (Principal::canonicalWorkspace()), else `ref` itself.
    QString canonicalWorkspaceId(const QString &ref) const
    {
        const QList<Workspace> &workspaces = session->snapshot().workspaces;
        if (const std::optional<Workspace> ws = WorkspaceDirectory(workspaces).resolve(ref))
            return ws->id;
        for (const Qt::CaseSensitivity cs : {Qt::CaseSensitive, Qt::CaseInsensitive}) {
            for (const Workspace &w : workspaces) {
                if (w.name.compare(ref, cs) == 0)
                    return w.id;
            }
        }
        return session->principal().canonicalWorkspace(ref);
    }

    /// The refusal for acting on `userId` as a member of workspace `workspaceId` when the snapshot holds
    /// that workspace's member list (Principal::memberListsRead) and `userId` is not on it; otherwise
    /// empty. The server would answer 404.
    QString notAMember(const QString &workspaceId, const QString &userId) const
    {
        const QString id = canonicalWorkspaceId(workspaceId);
        if (!session->principal().memberListsRead.contains(id))
            return {};
        for (const WorkspaceMember &m : session->snapshot().members.value(id)) {
            if (m.id == userId)
                return {};
        }
        return OrgCommands::tr("%1 is not a member of workspace %2. Nothing was sent.")
            .arg(userLabel(userId), workspaceLabel(workspaceId));
    }

    /// The current organisation role of user `userId` in the snapshot; empty when the user is not cached.
    QString orgRoleOf(const QString &userId) const
    {
        for (const User &u : session->snapshot().users) {
            if (u.id == userId)
                return u.role;
        }
        return {};
    }
};

OrgCommands::OrgCommands(Session *session, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    Q_ASSERT(session);
    d->session = session;
}

OrgCommands::~OrgCommands()
{
    d->destroying = true;
    for (const QPointer<ApiCall> &call : std::as_const(d->calls)) {
        if (call)
            call->cancel();
    }
}

access::Decision OrgCommands::decide(access::Action action, const access::Target &target) const
{
    return access::AccessPolicy::decide(d->session->principal(), action, target);
}

bool OrgCommands::isSelf(const QString &userId) const
{
    if (userId.isEmpty())
        return false;
    const access::Principal &p = d->session->principal();
    if (!p.userId.isEmpty() && p.userId == userId)
        return true;
    const QString email = p.email.trimmed();
    if (email.isEmpty())
        return false;
    const auto sameEmail = [&email](const QString &other) {
        return other.trimmed().compare(email, Qt::CaseInsensitive) == 0;
    };
    const CacheSnapshot &snap = d->session->snapshot();
    for (const User &u : snap.users) {
        if (u.id == userId && sameEmail(u.email))
            return true;
    }
    for (const QList<WorkspaceMember> &members : snap.members) {
        for (const WorkspaceMember &m : members) {
            if (m.id == userId && sameEmail(m.email))
                return true;
        }
    }
    return false;
}

QHash<QString, QString> OrgCommands::actorNames() const
{
    QHash<QString, QString> names;
    const CacheSnapshot &snap = d->session->snapshot();
    for (const User &user : snap.users)
        names.insert(user.id, user.displayName());
    for (const ApiKey &key : snap.keys)
        names.insert(key.id, key.name);
    return names;
}

void OrgCommands::cancelAll()
{
    d->cancelling = true;
    const QList<QPointer<ApiCall>> calls = std::exchange(d->calls, {});
    for (const QPointer<ApiCall> &call : calls) {
        if (call)
            call->cancel();
    }
    d->cancelling = false;
}

// --- Workspaces -----------------------------------------------------------------------------------------

void OrgCommands::createWorkspace(const WorkspaceDraft &draft, Done done)
{
    if (const QString no = d->refusal(access::Action::WorkspaceCreate, {}); !no.isEmpty())
        return done(refusedResult(no));
    if (const QString problem = workspaceNameProblem(draft.name); !problem.isEmpty())
        return done(refusedResult(problem));
    if (const QString problem = workspaceDescriptionProblem(draft.description); !problem.isEmpty())
        return done(refusedResult(problem));
    const QString name = draft.name;
    d->track(d->session->client()->createWorkspace(
        draft, d->guard<Workspace>([this, name, done](const ApiResult<Workspace> &r) {
            OrgWriteResult result = d->writeResult(access::Action::WorkspaceCreate, r.error,
                                                   tr("Workspace “%1” created (%2).").arg(name, r.value.id),
                                                   true, nameTakenMessage(name));
            done(result);
        })));
}

void OrgCommands::updateWorkspace(const QString &workspaceId, const QJsonObject &changes, Done done)
{
    if (const QString no =
            d->refusal(access::Action::WorkspaceUpdate, access::Target::forWorkspace(workspaceId));
        !no.isEmpty())
        return done(refusedResult(no));
    if (workspaceId.trimmed().isEmpty())
        return done(refusedResult(tr("Choose the workspace to change.")));
    if (changes.isEmpty())
        return done(refusedResult(tr("Nothing to change: give a new name, description or defaults.")));
    // The fields of the PUT body (openapi.yaml L15230; ADMIN-API.md §4).
    static const QSet<QString> fields{QStringLiteral("name"), QStringLiteral("description"),
                                      QStringLiteral("defaults"), QStringLiteral("usage_limits"),
                                      QStringLiteral("rate_limits")};
    for (auto it = changes.constBegin(); it != changes.constEnd(); ++it) {
        if (!fields.contains(it.key()))
            return done(refusedResult(
                tr("“%1” cannot be changed on a workspace: only name, description, defaults, usage_limits "
                   "and rate_limits.")
                    .arg(it.key())));
    }
    if (changes.contains(QLatin1String("name"))) {
        const QJsonValue name = changes.value(QLatin1String("name"));
        if (const QString problem = workspaceNameProblem(name.toString());
            !name.isString() || !problem.isEmpty())
            return done(refusedResult(problem.isEmpty() ? tr("A workspace name must be text.") : problem));
    }
    if (changes.contains(QLatin1String("description"))) {
        const QJsonValue description = changes.value(QLatin1String("description"));
        if (!description.isString() && !description.isNull())
            return done(refusedResult(tr("A workspace description must be text, or null to clear it.")));
        if (const QString problem = workspaceDescriptionProblem(description.toString()); !problem.isEmpty())
            return done(refusedResult(problem));
    }
    const QString where = d->workspaceLabel(workspaceId);
    // A 409 on a rename means the name is taken; other changes get the generic conflict text.
    const QString conflict = changes.contains(QLatin1String("name"))
                                 ? nameTakenMessage(changes.value(QLatin1String("name")).toString())
                                 : QString();
    d->track(d->session->client()->updateWorkspace(
        workspaceId, changes, d->guard<bool>([this, where, conflict, done](const ApiResult<bool> &r) {
            done(d->writeResult(access::Action::WorkspaceUpdate, r.error,
                                tr("Workspace %1 updated.").arg(where), true, conflict));
        })));
}

void OrgCommands::deleteWorkspace(const QString &workspaceId, const QString &name, bool force, Done done)
{
    if (const QString no =
            d->refusal(access::Action::WorkspaceDelete, access::Target::forWorkspace(workspaceId));
        !no.isEmpty())
        return done(refusedResult(no));
    const std::optional<Workspace> ws =
        WorkspaceDirectory(d->session->snapshot().workspaces).resolve(workspaceId);
    if (!ws)
        return done(refusedResult(
            tr("Workspace “%1” is not known to this profile: sync, then try again. Nothing was deleted.")
                .arg(workspaceId)));
    // The server checks the name too (ADMIN-API.md §4: TF and the SDK send `{name}`); checked here first so
    // a typo never reaches it.
    if (name != ws->name)
        return done(refusedResult(tr("Type the workspace's name exactly (“%1”) to delete it. Nothing was "
                                     "deleted.")
                                      .arg(ws->name)));
    const QString label = ws->name;
    d->track(d->session->client()->deleteWorkspace(
        ws->id, name, force, d->guard<bool>([this, label, force, done](const ApiResult<bool> &r) {
            done(d->writeResult(
                access::Action::WorkspaceDelete, r.error,
                force ? tr("Workspace “%1” deleted, with its keys.").arg(label)
                      : tr("Workspace “%1” deleted.").arg(label),
                true,
                tr("Workspace “%1” still holds API keys or other items, so it was not deleted. Deleting it "
                   "with force revokes those keys and deletes the items too.")
                    .arg(label)));
        })));
}

// --- Members --------------------------------------------------------------------------------------------

void OrgCommands::addMembers(const QString &workspaceId, const QList<MemberGrant> &given, Done done)
{
    if (const QString no = d->refusal(access::Action::MemberAdd, access::Target::forWorkspace(workspaceId));
        !no.isEmpty())
        return done(refusedResult(no));
    QList<MemberGrant> grants = given;
    for (MemberGrant &g : grants)
        g.role = normalisedRole(g.role);
    for (const MemberGrant &g : grants) {
        access::Target target = access::Target::forWorkspace(workspaceId);
        target.userId = g.userId;
        target.role = g.role;
        if (const QString no = d->refusal(access::Action::MemberAdd, target); !no.isEmpty())
            return done(refusedResult(no));
    }
    if (grants.isEmpty())
        return done(refusedResult(tr("Choose at least one user to add.")));
    QSet<QString> seen;
    for (const MemberGrant &g : grants) {
        if (g.userId.trimmed().isEmpty())
            return done(refusedResult(tr("Every user to add needs an id.")));
        if (hasControlOrBidi(g.userId))
            return done(
                refusedResult(tr("A user id cannot contain control or direction-changing characters.")));
        if (!isWorkspaceRole(g.role))
            return done(refusedResult(workspaceRoleProblem(g.role)));
        if (seen.contains(g.userId))
            return done(refusedResult(tr("User %1 is listed twice.").arg(g.userId)));
        seen.insert(g.userId);
    }
    // Someone already in the workspace keeps their role: the server would answer 409 AB07 (ADMIN-API.md §1).
    const CacheSnapshot &snap = d->session->snapshot();
    if (const std::optional<Workspace> ws = WorkspaceDirectory(snap.workspaces).resolve(workspaceId)) {
        for (const WorkspaceMember &m : snap.members.value(ws->id)) {
            if (seen.contains(m.id))
                return done(refusedResult(tr("%1 is already a member of workspace “%2” (%3): change their "
                                             "role instead. Nothing was sent.")
                                              .arg(d->userLabel(m.id), ws->name, m.role)));
        }
    }
    const int count = int(grants.size());
    const QString where = d->workspaceLabel(workspaceId);
    // A 409 (AB07) means someone was a member already: the snapshot was behind the server.
    const QString conflict =
        count == 1 ? tr("%1 is already a member of workspace %2: change their role instead.")
                         .arg(d->userLabel(grants.first().userId), where)
                   : tr("One of these users is already a member of workspace %1: change their role instead "
                        "of adding them.")
                         .arg(where);
    d->track(d->session->client()->addWorkspaceMembers(
        workspaceId, grants, d->guard<bool>([this, where, count, conflict, done](const ApiResult<bool> &r) {
            done(d->writeResult(access::Action::MemberAdd, r.error,
                                tr("%n user(s) added to workspace %1.", nullptr, count).arg(where), true,
                                conflict));
        })));
}

void OrgCommands::updateMemberRole(const QString &workspaceId, const QString &userId,
                                   const QString &givenRole, Done done)
{
    const QString role = normalisedRole(givenRole);
    access::Target target = access::Target::forWorkspace(workspaceId);
    target.userId = userId;
    target.role = role;
    if (const QString no = d->refusal(access::Action::MemberUpdateRole, target); !no.isEmpty())
        return done(refusedResult(no));
    if (userId.trimmed().isEmpty())
        return done(refusedResult(tr("Choose the member whose role changes.")));
    if (!isWorkspaceRole(role))
        return done(refusedResult(workspaceRoleProblem(role)));
    if (const QString no = d->notAMember(workspaceId, userId); !no.isEmpty())
        return done(refusedResult(no));
    d->track(d->session->client()->updateWorkspaceMember(
        workspaceId, userId, role,
        d->guard<bool>([this, who = d->userLabel(userId), where = d->workspaceLabel(workspaceId), role,
                        done](const ApiResult<bool> &r) {
            done(d->writeResult(access::Action::MemberUpdateRole, r.error,
                                tr("%1 is now %2 of workspace %3.").arg(who, role, where), true));
        })));
}

void OrgCommands::removeMember(const QString &workspaceId, const QString &userId, Done done)
{
    access::Target target = access::Target::forWorkspace(workspaceId);
    target.userId = userId;
    if (const QString no = d->refusal(access::Action::MemberRemove, target); !no.isEmpty())
        return done(refusedResult(no));
    if (userId.trimmed().isEmpty())
        return done(refusedResult(tr("Choose the member to remove.")));
    if (const QString no = d->notAMember(workspaceId, userId); !no.isEmpty())
        return done(refusedResult(no));
    d->track(d->session->client()->removeWorkspaceMember(
        workspaceId, userId,
        d->guard<bool>([this, who = d->userLabel(userId), where = d->workspaceLabel(workspaceId),
                        done](const ApiResult<bool> &r) {
            done(d->writeResult(access::Action::MemberRemove, r.error,
                                tr("%1 removed from workspace %2.").arg(who, where), true));
        })));
}

// --- Organisation users ---------------------------------------------------------------------------------

void OrgCommands::updateUserRole(const QString &userId, const QString &givenRole, Done done)
{
    const QString role = normalisedRole(givenRole);
    access::Target target;
    target.userId = userId;
    target.role = role;
    target.userRole = d->orgRoleOf(userId);
    if (const QString no = d->refusal(access::Action::UserUpdateRole, target); !no.isEmpty())
        return done(refusedResult(no));
    if (userId.trimmed().isEmpty())
        return done(refusedResult(tr("Choose the user whose role changes.")));
    if (!isAssignableOrgRole(role))
        return done(refusedResult(orgRoleProblem(role)));
    d->track(d->session->client()->updateUserRole(
        userId, role,
        d->guard<bool>([this, who = d->userLabel(userId), role, done](const ApiResult<bool> &r) {
            done(d->writeResult(access::Action::UserUpdateRole, r.error,
                                tr("%1 is now %2 of the organisation.").arg(who, role), true));
        })));
}

void OrgCommands::removeUser(const QString &userId, Done done)
{
    access::Target target;
    target.userId = userId;
    target.userRole = d->orgRoleOf(userId);
    if (const QString no = d->refusal(access::Action::UserRemove, target); !no.isEmpty())
        return done(refusedResult(no));
    if (userId.trimmed().isEmpty())
        return done(refusedResult(tr("Choose the user to remove.")));
    d->track(d->session->client()->removeUser(
        userId, d->guard<bool>([this, who = d->userLabel(userId), done](const ApiResult<bool> &r) {
            done(d->writeResult(access::Action::UserRemove, r.error,
                                tr("%1 removed from the organisation.").arg(who), true));
        })));
}

// --- Invites --------------------------------------------------------------------------------------------

void OrgCommands::listInvites(std::function<void(const ApiResult<QList<Invite>> &)> done)
{
    if (const QString no = d->refusal(access::Action::InviteList, {}); !no.isEmpty())
        return done(refusedRead<QList<Invite>>(no));
    d->track(d->session->client()->listInvites(
        d->guard<QList<Invite>>([this, done](const ApiResult<QList<Invite>> &r) {
            d->session->learnDenial(access::Action::InviteList, r.error);
            done(r);
        })));
}

void OrgCommands::createInvite(const InviteDraft &given,
                               std::function<void(const OrgWriteResult &, const InviteLink &link)> done)
{
    InviteDraft draft = given;
    draft.role = normalisedRole(draft.role);
    for (InviteWorkspace &w : draft.workspaces)
        w.role = normalisedRole(w.role);
    access::Target target;
    target.role = draft.role;
    if (const QString no = d->refusal(access::Action::InviteCreate, target); !no.isEmpty())
        return done(refusedResult(no), {});
    if (const QString problem = inviteEmailProblem(draft.email); !problem.isEmpty())
        return done(refusedResult(problem), {});
    if (!isAssignableOrgRole(draft.role))
        return done(refusedResult(orgRoleProblem(draft.role)), {});
    if (draft.workspaces.isEmpty())
        return done(refusedResult(tr("An invite needs at least one workspace and the role in it.")), {});
    QSet<QString> named;
    for (const InviteWorkspace &w : draft.workspaces) {
        if (w.workspace.trimmed().isEmpty())
            return done(refusedResult(tr("Every workspace of the invite needs an id or slug.")), {});
        if (hasControlOrBidi(w.workspace))
            return done(
                refusedResult(tr("A workspace id or slug cannot contain control or direction-changing "
                                 "characters.")),
                {});
        if (!isWorkspaceRole(w.role))
            return done(refusedResult(workspaceRoleProblem(w.role)), {});
        // One role per workspace: `Staging:member` and `Staging:admin` (by name, slug or id) is a mistake.
        const QString id = d->canonicalWorkspaceId(w.workspace);
        if (named.contains(id))
            return done(refusedResult(tr("Workspace %1 is named twice in the invite: give each workspace "
                                         "once, with one role. Nothing was sent.")
                                          .arg(d->workspaceLabel(id))),
                        {});
        named.insert(id);
    }
    const QString email = draft.email;
    d->track(d->session->client()->createInvite(
        draft, d->guard<InviteLink>([this, email, done](const ApiResult<InviteLink> &r) {
            done(d->writeResult(access::Action::InviteCreate, r.error, tr("%1 was invited.").arg(email),
                                false,
                                tr("An invite for %1 already exists, or they are already in the "
                                   "organisation: resend or delete the pending invite (list the invites) "
                                   "instead of inviting again.")
                                    .arg(email)),
                 r.value);
        })));
}

void OrgCommands::resendInvite(const QString &inviteId,
                               std::function<void(const OrgWriteResult &, const InviteLink &link)> done)
{
    if (const QString no = d->refusal(access::Action::InviteResend, {}); !no.isEmpty())
        return done(refusedResult(no), {});
    if (inviteId.trimmed().isEmpty())
        return done(refusedResult(tr("Choose the invite to send again.")), {});
    d->track(d->session->client()->resendInvite(
        inviteId, d->guard<InviteLink>([this, inviteId, done](const ApiResult<InviteLink> &r) {
            InviteLink link = r.value;
            if (link.id.isEmpty())
                link.id = inviteId;
            done(d->writeResult(access::Action::InviteResend, r.error,
                                tr("Invite %1 sent again.").arg(inviteId), false),
                 link);
        })));
}

void OrgCommands::deleteInvite(const QString &inviteId, Done done)
{
    if (const QString no = d->refusal(access::Action::InviteDelete, {}); !no.isEmpty())
        return done(refusedResult(no));
    if (inviteId.trimmed().isEmpty())
        return done(refusedResult(tr("Choose the invite to delete.")));
    d->track(d->session->client()->deleteInvite(
        inviteId, d->guard<bool>([this, inviteId, done](const ApiResult<bool> &r) {
            done(d->writeResult(access::Action::InviteDelete, r.error, tr("Invite %1 deleted.").arg(inviteId),
                                false));
        })));
}

// --- Audit logs -----------------------------------------------------------------------------------------

void OrgCommands::listAuditLogs(const AuditLogQuery &query,
                                std::function<void(const ApiResult<QList<AuditLogRecord>> &)> done)
{
    if (const QString no = d->refusal(access::Action::AuditLogList, {}); !no.isEmpty())
        return done(refusedRead<QList<AuditLogRecord>>(no));
    if (!query.startUtc.isValid() || !query.endUtc.isValid())
        return done(refusedRead<QList<AuditLogRecord>>(tr("Audit logs need a start and an end time.")));
    if (query.startUtc > query.endUtc)
        return done(refusedRead<QList<AuditLogRecord>>(
            tr("The start time of the audit logs is after their end time.")));
    AuditLogQuery q = query;
    if (q.organisationId.isEmpty()) {
        for (const ApiKey &k : d->session->snapshot().keys) {
            if (!k.organisationId.isEmpty()) {
                q.organisationId = k.organisationId;
                break;
            }
        }
    }
    if (q.organisationId.isEmpty())
        return done(refusedRead<QList<AuditLogRecord>>(
            tr("The organisation's id is not known yet: it comes from the synced API keys. Sync, then try "
               "again.")));
    d->track(d->session->client()->listAuditLogs(
        q, d->guard<QList<AuditLogRecord>>([this, done](const ApiResult<QList<AuditLogRecord>> &r) {
            d->session->learnDenial(access::Action::AuditLogList, r.error);
            done(r);
        })));
}

} // namespace pk
