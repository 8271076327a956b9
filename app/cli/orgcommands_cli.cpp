// The organisation commands of portkey-key-manager-cli: workspaces, members, users, invites and audit logs
// (ADMIN-API.md §4–§6), through pk::OrgCommands.

#include "cli/cliapp.h"

#include "cli/clisupport.h"
#include "cli/keyoptions.h"

#include "access/accesspolicy.h"
#include "portkey/workspacedirectory.h"
#include "sync/orgcommands.h"
#include "sync/session.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace pk {

using cli::cliErrorText;
using cli::findWorkspace;
using cli::table;
using cli::writeTo;

namespace {

/// Audit logs cover the last this many days unless `--since` or `--days` says otherwise.
constexpr int kDefaultAuditDays = 7;

/// Parses an instant for `audit list`: ISO 8601 with `Z` or an offset, or a local date or date-time
/// (`2026-12-31`, `2026-12-31 18:00`). Returns the UTC instant, or an invalid QDateTime.
QDateTime parseInstant(const QString &text)
{
    const QString t = text.trimmed();
    static const QRegularExpression zoned(QStringLiteral("(Z|[+-]\\d{2}:?\\d{2})$"));
    QDateTime when;
    if (zoned.match(t).hasMatch()) {
        when = QDateTime::fromString(t, Qt::ISODateWithMs);
    } else {
        QString local = t;
        local.replace(QLatin1Char(' '), QLatin1Char('T'));
        const QDate date = local.size() == 10 ? QDate::fromString(local, Qt::ISODate) : QDate();
        when = date.isValid() ? date.startOfDay() : QDateTime::fromString(local, Qt::ISODate);
        if (when.isValid())
            when.setTimeSpec(Qt::LocalTime);
    }
    return when.isValid() ? when.toUTC() : QDateTime();
}

/// True when the policy refuses `action` on `target` even to the organisation owner holding an Admin API
/// key of unknown (so assumed sufficient) scopes: a fixed rule of the Admin API (ADMIN-API.md §4: the owner
/// role cannot be given, the owner cannot be changed or removed, a user's role cannot be set to the one they
/// have), which no other profile would get past.
bool nobodyMay(access::Action action, const access::Target &target)
{
    access::Principal owner;
    owner.keyType = KeyType::OrganisationService;
    owner.keyTypeKnowledge = access::Knowledge::Known;
    owner.orgRole = QStringLiteral("owner");
    return !access::AccessPolicy::decide(owner, action, target).allowed;
}

QJsonObject auditJson(const AuditLogRecord &r)
{
    return QJsonObject{{QStringLiteral("timestamp"), r.timestamp.toJson()},
                       {QStringLiteral("method"), r.method},
                       {QStringLiteral("uri"), r.uri},
                       {QStringLiteral("request_id"), r.requestId},
                       {QStringLiteral("user_id"), r.userId},
                       {QStringLiteral("user_type"), r.userType},
                       {QStringLiteral("workspace_id"), r.workspaceId},
                       {QStringLiteral("response_status_code"), r.responseStatusCode},
                       {QStringLiteral("resource_type"), r.resourceType},
                       {QStringLiteral("action"), r.action}};
}

} // namespace

bool CliApp::startOrgCommand(const QString &cmd, const QString &sub)
{
    using Handler = void (CliApp::*)();
    static const QHash<QString, Handler> handlers{
        {QStringLiteral("workspaces create"), &CliApp::workspacesCreate},
        {QStringLiteral("workspaces update"), &CliApp::workspacesUpdate},
        {QStringLiteral("workspaces delete"), &CliApp::workspacesDelete},
        {QStringLiteral("members list"), &CliApp::membersList},
        {QStringLiteral("members add"), &CliApp::membersAdd},
        {QStringLiteral("members role"), &CliApp::membersRole},
        {QStringLiteral("members remove"), &CliApp::membersRemove},
        {QStringLiteral("users list"), &CliApp::usersList},
        {QStringLiteral("users role"), &CliApp::usersRole},
        {QStringLiteral("users remove"), &CliApp::usersRemove},
        {QStringLiteral("invites list"), &CliApp::invitesList},
        {QStringLiteral("invites create"), &CliApp::invitesCreate},
        {QStringLiteral("invites resend"), &CliApp::invitesResend},
        {QStringLiteral("invites delete"), &CliApp::invitesDelete},
        {QStringLiteral("audit list"), &CliApp::auditList},
    };
    const auto it = handlers.constFind(QString(cmd + QLatin1Char(' ') + sub));
    if (it == handlers.cend())
        return false;
    (this->*it.value())();
    return true;
}

// --- shared steps -----------------------------------------------------------------------------------------

void CliApp::withOrg(bool syncFirst, std::function<void()> then)
{
    withSession(syncFirst, [this, then] {
        m_org = std::make_unique<OrgCommands>(m_session.get());
        then();
    });
}

bool CliApp::hasOperands(int count, const QString &usage)
{
    if (m_command.size() == count + 2)
        return true;
    fail(usage, Usage);
    return false;
}

bool CliApp::orgAllowed(access::Action action, const access::Target &target)
{
    const access::Decision decision = m_org->decide(action, target);
    if (decision.allowed)
        return true;
    if (nobodyMay(action, target))
        fail(tr("not allowed: %1. No profile can do this through the Admin API").arg(decision.reason));
    else
        fail(tr("not allowed: %1. Use a profile whose key may do this (see `whoami`)").arg(decision.reason));
    return false;
}

std::optional<Workspace> CliApp::orgWorkspace(const QString &ref, access::Action action)
{
    const WorkspaceDirectory dir(m_session->snapshot().workspaces);
    QString error;
    if (std::optional<Workspace> ws = findWorkspace(dir, ref, &error))
        return ws;
    if (dir.isEmpty() && !m_org->decide(access::Action::WorkspaceList).allowed)
        return unlistedWorkspace(ref, action);
    // A workspace this profile cannot see may be one its key may not act in: then the policy's reason.
    if (orgAllowed(action, access::Target::forWorkspace(ref)))
        fail(error);
    return std::nullopt;
}

std::optional<Workspace> CliApp::unlistedWorkspace(const QString &ref, access::Action action)
{
    const access::Principal &p = m_session->principal();
    const QString own = p.workspace;
    Workspace ws;
    ws.id = own.isEmpty() ? ref.trimmed() : own;
    ws.name = own.isEmpty() ? ws.id : p.workspaceLabel(own);
    // Its own workspace by id, slug or name; while that is unknown, `ref` as an id or slug for the server.
    if (own.isEmpty() || p.canonicalWorkspace(ref) == own || ws.name.compare(ref, Qt::CaseInsensitive) == 0)
        return ws;
    if (orgAllowed(action, access::Target::forWorkspace(ref)))
        fail(tr("this profile's key may not list workspaces, so “%1” cannot be looked up; it acts in "
                "workspace "
                "%2 (%3). Give that workspace's id, or use a profile whose key has `workspaces.list`")
                 .arg(ref, ws.name, own));
    return std::nullopt;
}

std::optional<QString> CliApp::orgUserId(const QString &ref, access::Action action,
                                         const access::Target &target)
{
    const CacheSnapshot &snap = m_session->snapshot();
    const auto named = [&ref](const QString &id, const QString &email) {
        return id == ref || email.compare(ref, Qt::CaseInsensitive) == 0;
    };
    for (const User &u : snap.users) {
        if (named(u.id, u.email))
            return u.id;
    }
    for (const QList<WorkspaceMember> &members : snap.members) {
        for (const WorkspaceMember &m : members) {
            if (named(m.id, m.email))
                return m.id;
        }
    }
    if (!ref.contains(QLatin1Char('@')))
        return ref; // an id the cache does not hold: the server decides
    // A profile whose key may not list users knows few of them: then the policy's reason, if it refuses.
    if (orgAllowed(action, target))
        fail(tr("no user with the e-mail “%1” is known to this profile. Run `users list`, or give the user's "
                "id")
                 .arg(ref));
    return std::nullopt;
}

bool CliApp::confirmRemoval(const QString &userId, const QString &question, const QString &verb)
{
    if (!m_org->isSelf(userId))
        return confirm(question, verb, tr("nothing was removed"));
    return confirm(QString(tr("This is you: %1.").arg(userLabel(userId)) + QLatin1Char(' ') + question),
                   tr("remove yourself"), tr("nothing was removed"));
}

bool CliApp::confirmOwnRoleChange(const QString &userId, const QString &role)
{
    return !m_org->isSelf(userId) ||
           confirm(tr("This is you: %1. Change your own role to %2? You may lose access you have now.")
                       .arg(userLabel(userId), role),
                   tr("change your own role"), tr("nothing was changed"));
}

QString CliApp::userLabel(const QString &id) const
{
    for (const User &u : m_session->snapshot().users) {
        if (u.id == id)
            return QStringLiteral("%1 <%2>").arg(u.displayName(), u.email);
    }
    return id;
}

void CliApp::finishOrgWrite(const OrgWriteResult &result, const QString &check, std::function<void()> report)
{
    const auto conclude = [this, result, check, report] {
        if (result.ok()) {
            report();
            return finish(Ok);
        }
        if (result.maybeApplied)
            return fail(
                tr("the server's answer was lost, so the change may have been applied. Check with `%1` "
                   "before trying again")
                    .arg(check));
        const ApiError &e = result.error;
        if (e.kind == ApiError::Kind::Invalid) // refused locally: the command line's values are wrong
            return fail(result.message, Usage);
        if (e.kind == ApiError::Kind::Http && (e.httpStatus == 400 || e.httpStatus == 401))
            return failWithServerError(e, tr("nothing was changed"));
        fail(result.message);
    };
    // A confirmed write (or a lost reply) started a sync: the cache holds the server's state once it ends.
    if (!m_session->isSyncing())
        return conclude();
    auto once = std::make_shared<QMetaObject::Connection>();
    *once =
        connect(m_session.get(), &Session::syncFinished, this, [this, once, conclude](const ApiError &error) {
            disconnect(*once);
            if (error.isError())
                writeTo(stderr, tr("note: the cache could not be refreshed (%1); run `sync` later.\n")
                                    .arg(cli::oneLine(cliErrorText(error)))
                                    .toUtf8());
            conclude();
        });
}

// --- workspaces -------------------------------------------------------------------------------------------

void CliApp::workspacesCreate()
{
    const QString name = m_parser.value(QStringLiteral("name"));
    if (m_command.size() != 2 || name.trimmed().isEmpty())
        return fail(tr("workspaces create needs --name NAME (and takes no other arguments)"), Usage);
    withOrg(false, [this, name] {
        if (!orgAllowed(access::Action::WorkspaceCreate, {}))
            return;
        QSet<QString> known;
        for (const Workspace &w : m_session->snapshot().workspaces)
            known.insert(w.id);
        WorkspaceDraft draft;
        draft.name = name;
        draft.description = m_parser.value(QStringLiteral("description"));
        m_org->createWorkspace(draft, [this, name, known](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("workspaces list --refresh"), [this, name, known] {
                std::optional<Workspace> created;
                for (const Workspace &w : m_session->snapshot().workspaces) {
                    if (w.name == name && !known.contains(w.id))
                        created = w;
                }
                if (m_json)
                    return printJson(created ? created->toJson()
                                             : QJsonObject{{QStringLiteral("name"), name}});
                print(
                    created
                        ? tr("Created workspace “%1” (%2, slug %3).\n").arg(name, created->id, created->slug)
                        : tr("Created workspace “%1”; run `workspaces list --refresh` to see it.\n")
                              .arg(name));
            });
        });
    });
}

void CliApp::workspacesUpdate()
{
    if (!hasOperands(1, tr("workspaces update needs exactly one WORKSPACE (id, slug or name)")))
        return;
    QJsonObject changes;
    if (m_parser.isSet(QStringLiteral("name")))
        changes.insert(QStringLiteral("name"), m_parser.value(QStringLiteral("name")));
    if (m_parser.isSet(QStringLiteral("description")))
        changes.insert(QStringLiteral("description"), m_parser.value(QStringLiteral("description")));
    if (changes.isEmpty())
        return fail(tr("workspaces update needs --name NAME or --description TEXT"), Usage);
    withOrg(false, [this, changes] {
        const std::optional<Workspace> ws = orgWorkspace(m_command.at(2), access::Action::WorkspaceUpdate);
        if (!ws || !orgAllowed(access::Action::WorkspaceUpdate, access::Target::forWorkspace(ws->id)))
            return;
        const QString id = ws->id;
        m_org->updateWorkspace(id, changes, [this, id](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("workspaces list --refresh"), [this, id] {
                const std::optional<Workspace> now =
                    WorkspaceDirectory(m_session->snapshot().workspaces).resolve(id);
                if (m_json)
                    return printJson(now ? now->toJson() : QJsonObject{{QStringLiteral("id"), id}});
                print(tr("Updated workspace “%1” (%2).\n").arg(now ? now->name : id, id));
            });
        });
    });
}

void CliApp::workspacesDelete()
{
    if (!hasOperands(1, tr("workspaces delete needs exactly one WORKSPACE (id, slug or name)")))
        return;
    const bool force = m_parser.isSet(QStringLiteral("force"));
    withOrg(false, [this, force] {
        const std::optional<Workspace> ws = orgWorkspace(m_command.at(2), access::Action::WorkspaceDelete);
        if (!ws || !orgAllowed(access::Action::WorkspaceDelete, access::Target::forWorkspace(ws->id)))
            return;
        const QString question =
            force ? tr("Delete workspace “%1” (%2) with force? Its API keys are revoked and its other items "
                       "deleted too; apps using them stop working.")
                        .arg(ws->name, ws->id)
                  : tr("Delete workspace “%1” (%2)?").arg(ws->name, ws->id);
        if (!confirm(question, tr("delete a workspace"), tr("nothing was deleted")))
            return;
        const Workspace target = *ws;
        m_org->deleteWorkspace(target.id, target.name, force, [this, target](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("workspaces list --refresh"), [this, target] {
                if (m_json)
                    return printJson(QJsonObject{{QStringLiteral("deleted"), target.id}});
                print(tr("Deleted workspace “%1” (%2).\n").arg(target.name, target.id));
            });
        });
    });
}

// --- members ----------------------------------------------------------------------------------------------

void CliApp::membersList()
{
    if (!hasOperands(1, tr("members list needs exactly one WORKSPACE (id, slug or name)")))
        return;
    withOrg(m_parser.isSet(QStringLiteral("refresh")), [this] {
        const std::optional<Workspace> ws = orgWorkspace(m_command.at(2), access::Action::MemberList);
        if (!ws)
            return;
        const CacheSnapshot &snap = m_session->snapshot();
        if (!snap.members.contains(ws->id)) {
            if (!orgAllowed(access::Action::MemberList, access::Target::forWorkspace(ws->id)))
                return;
            if (snap.workspaces.isEmpty())
                return fail(tr("the members of workspace “%1” are not known to this profile: its key may not "
                               "list workspaces, so a sync cannot read them. Use a profile whose key has "
                               "`workspaces.list` and `workspace_users.list`")
                                .arg(ws->name));
            return fail(
                tr("the members of workspace “%1” are not known to this profile: its key may not list "
                   "them. Run `sync`, or use a key with `workspace_users.list`")
                    .arg(ws->name));
        }
        const QList<WorkspaceMember> members = snap.members.value(ws->id);
        if (m_json) {
            QJsonArray out;
            for (const WorkspaceMember &m : members)
                out.append(m.toJson());
            printJson(out);
            return finish(Ok);
        }
        QList<QStringList> rows{{tr("USER ID"), tr("NAME"), tr("E-MAIL"), tr("ROLE"), tr("ORG ROLE")}};
        for (const WorkspaceMember &m : members)
            rows.append({m.id, m.displayName(), m.email, m.role, m.orgRole});
        print(table(rows));
        print(tr("%n member(s) in workspace “%1”.\n", nullptr, int(members.size())).arg(ws->name));
        finish(Ok);
    });
}

void CliApp::membersAdd()
{
    const QString user = m_parser.value(QStringLiteral("user")).trimmed();
    const QString role = m_parser.value(QStringLiteral("role")).trimmed();
    if (!hasOperands(1, tr("members add needs one WORKSPACE, --user USER and --role admin|manager|member")))
        return;
    if (user.isEmpty() || role.isEmpty())
        return fail(tr("members add needs --user USER (id or e-mail) and --role admin|manager|member"),
                    Usage);
    withOrg(false, [this, user, role] {
        const std::optional<Workspace> ws = orgWorkspace(m_command.at(2), access::Action::MemberAdd);
        if (!ws)
            return;
        const std::optional<QString> userId =
            orgUserId(user, access::Action::MemberAdd, access::Target::forWorkspace(ws->id));
        if (!userId)
            return;
        access::Target target = access::Target::forWorkspace(ws->id);
        target.userId = *userId;
        target.role = role;
        if (!orgAllowed(access::Action::MemberAdd, target))
            return;
        const QString wsId = ws->id;
        const QString wsName = ws->name;
        const QString who = userLabel(*userId);
        m_org->addMembers(wsId, {MemberGrant{*userId, role}}, [=](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("members list %1 --refresh").arg(cli::shellArg(wsName)), [=] {
                if (m_json)
                    return printJson(QJsonObject{{QStringLiteral("workspace"), wsId},
                                                 {QStringLiteral("user"), *userId},
                                                 {QStringLiteral("role"), role}});
                print(tr("Added %1 to workspace “%2” as %3.\n").arg(who, wsName, role));
            });
        });
    });
}

void CliApp::membersRole()
{
    if (!hasOperands(3, tr("members role needs WORKSPACE USER ROLE (admin, manager or member)")))
        return;
    withOrg(false, [this] {
        const std::optional<Workspace> ws = orgWorkspace(m_command.at(2), access::Action::MemberUpdateRole);
        if (!ws)
            return;
        const std::optional<QString> userId = orgUserId(m_command.at(3), access::Action::MemberUpdateRole,
                                                        access::Target::forWorkspace(ws->id));
        if (!userId)
            return;
        const QString role = m_command.at(4);
        access::Target target = access::Target::forWorkspace(ws->id);
        target.userId = *userId;
        target.role = role;
        if (!orgAllowed(access::Action::MemberUpdateRole, target))
            return;
        if (!confirmOwnRoleChange(*userId, role))
            return;
        const QString wsId = ws->id;
        const QString wsName = ws->name;
        const QString who = userLabel(*userId);
        m_org->updateMemberRole(wsId, *userId, role, [=](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("members list %1 --refresh").arg(cli::shellArg(wsName)), [=] {
                if (m_json)
                    return printJson(QJsonObject{{QStringLiteral("workspace"), wsId},
                                                 {QStringLiteral("user"), *userId},
                                                 {QStringLiteral("role"), role}});
                print(tr("%1 is now %2 of workspace “%3”.\n").arg(who, role, wsName));
            });
        });
    });
}

void CliApp::membersRemove()
{
    if (!hasOperands(2, tr("members remove needs WORKSPACE USER")))
        return;
    withOrg(false, [this] {
        const std::optional<Workspace> ws = orgWorkspace(m_command.at(2), access::Action::MemberRemove);
        if (!ws)
            return;
        const std::optional<QString> userId =
            orgUserId(m_command.at(3), access::Action::MemberRemove, access::Target::forWorkspace(ws->id));
        if (!userId)
            return;
        access::Target target = access::Target::forWorkspace(ws->id);
        target.userId = *userId;
        if (!orgAllowed(access::Action::MemberRemove, target))
            return;
        const QString wsId = ws->id;
        const QString wsName = ws->name;
        const QString who = userLabel(*userId);
        if (!confirmRemoval(*userId, tr("Remove %1 from workspace “%2”?").arg(who, wsName),
                            tr("remove a member")))
            return;
        m_org->removeMember(wsId, *userId, [=](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("members list %1 --refresh").arg(cli::shellArg(wsName)), [=] {
                if (m_json)
                    return printJson(QJsonObject{{QStringLiteral("workspace"), wsId},
                                                 {QStringLiteral("removed"), *userId}});
                print(tr("Removed %1 from workspace “%2”.\n").arg(who, wsName));
            });
        });
    });
}

// --- users ------------------------------------------------------------------------------------------------

void CliApp::usersList()
{
    if (!hasOperands(0, tr("users list takes no arguments")))
        return;
    withOrg(m_parser.isSet(QStringLiteral("refresh")), [this] {
        if (!orgAllowed(access::Action::UserList, {}))
            return;
        const QList<User> &users = m_session->snapshot().users;
        if (m_json) {
            QJsonArray out;
            for (const User &u : users)
                out.append(u.toJson());
            printJson(out);
            return finish(Ok);
        }
        QList<QStringList> rows{{tr("ID"), tr("NAME"), tr("E-MAIL"), tr("ROLE"), tr("WORKSPACES")}};
        for (const User &u : users)
            rows.append({u.id, u.displayName(), u.email, u.role, QString::number(u.workspaceIds.size())});
        print(table(rows));
        print(tr("%n user(s).\n", nullptr, int(users.size())));
        finish(Ok);
    });
}

void CliApp::usersRole()
{
    if (!hasOperands(2, tr("users role needs USER ROLE (admin or member)")))
        return;
    withOrg(false, [this] {
        const std::optional<QString> userId = orgUserId(m_command.at(2), access::Action::UserUpdateRole, {});
        if (!userId)
            return;
        const QString role = m_command.at(3);
        access::Target target;
        target.userId = *userId;
        target.role = role;
        for (const User &u : m_session->snapshot().users)
            target.userRole = u.id == *userId ? u.role : target.userRole;
        if (!orgAllowed(access::Action::UserUpdateRole, target) || !confirmOwnRoleChange(*userId, role))
            return;
        const QString who = userLabel(*userId);
        m_org->updateUserRole(*userId, role, [=](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("users list --refresh"), [=] {
                if (m_json)
                    return printJson(
                        QJsonObject{{QStringLiteral("user"), *userId}, {QStringLiteral("role"), role}});
                print(tr("%1 is now %2 of the organisation.\n").arg(who, role));
            });
        });
    });
}

void CliApp::usersRemove()
{
    if (!hasOperands(1, tr("users remove needs exactly one USER (id or e-mail)")))
        return;
    withOrg(false, [this] {
        const std::optional<QString> userId = orgUserId(m_command.at(2), access::Action::UserRemove, {});
        if (!userId)
            return;
        access::Target target;
        target.userId = *userId;
        for (const User &u : m_session->snapshot().users)
            target.userRole = u.id == *userId ? u.role : target.userRole;
        if (!orgAllowed(access::Action::UserRemove, target))
            return;
        const QString who = userLabel(*userId);
        if (!confirmRemoval(*userId,
                            tr("Remove %1 from the organisation? They lose every workspace membership, and "
                               "their user keys are revoked.")
                                .arg(who),
                            tr("remove a user")))
            return;
        m_org->removeUser(*userId, [=](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("users list --refresh"), [=] {
                if (m_json)
                    return printJson(QJsonObject{{QStringLiteral("removed"), *userId}});
                print(tr("Removed %1 from the organisation.\n").arg(who));
            });
        });
    });
}

// --- invites ----------------------------------------------------------------------------------------------

void CliApp::invitesList()
{
    if (!hasOperands(0, tr("invites list takes no arguments")))
        return;
    withOrg(false, [this] {
        if (!orgAllowed(access::Action::InviteList, {}))
            return;
        m_org->listInvites([this](const ApiResult<QList<Invite>> &r) {
            if (!r.ok())
                return failWithServerError(r.error, tr("no invites were read"));
            if (m_json) {
                QJsonArray out;
                for (const Invite &i : r.value)
                    out.append(i.toJson());
                printJson(out);
                return finish(Ok);
            }
            QList<QStringList> rows{{tr("ID"), tr("E-MAIL"), tr("ROLE"), tr("STATUS"), tr("EXPIRES")}};
            for (const Invite &i : r.value)
                rows.append({i.id, i.email, i.role, i.status,
                             i.expiresAt.isValid() ? cli::formatInstant(i.expiresAt.utc()) : QString()});
            print(table(rows));
            print(tr("%n invite(s).\n", nullptr, int(r.value.size())));
            finish(Ok);
        });
    });
}

void CliApp::invitesCreate()
{
    const QString email = m_parser.value(QStringLiteral("email")).trimmed();
    const QString role = m_parser.value(QStringLiteral("role")).trimmed();
    const QStringList grants = m_parser.values(QStringLiteral("workspace"));
    if (m_command.size() != 2 || email.isEmpty() || role.isEmpty() || grants.isEmpty())
        return fail(tr("invites create needs --email EMAIL, --role admin|member and at least one --workspace "
                       "WORKSPACE:ROLE"),
                    Usage);
    for (const QString &g : grants) {
        if (g.lastIndexOf(QLatin1Char(':')) <= 0)
            return fail(tr("--workspace “%1”: expected WORKSPACE:ROLE, e.g. Production:member").arg(g),
                        Usage);
    }
    withOrg(false, [this, email, role, grants] {
        InviteDraft draft;
        draft.email = email;
        draft.role = role;
        for (const QString &g : grants) {
            const qsizetype colon = g.lastIndexOf(QLatin1Char(':'));
            const std::optional<Workspace> ws = orgWorkspace(g.left(colon), access::Action::InviteCreate);
            if (!ws)
                return;
            draft.workspaces.append(
                InviteWorkspace{ws->slug.isEmpty() ? ws->id : ws->slug, g.mid(colon + 1)});
        }
        access::Target target;
        target.role = role;
        if (!orgAllowed(access::Action::InviteCreate, target))
            return;
        m_org->createInvite(draft, [this, email, role](const OrgWriteResult &r, const InviteLink &link) {
            finishOrgWrite(r, QStringLiteral("invites list"), [this, email, role, link] {
                reportInviteLink(tr("Invited %1 as %2 (invite %3).\n").arg(email, role, link.id), link);
            });
        });
    });
}

void CliApp::invitesResend()
{
    if (!hasOperands(1, tr("invites resend needs exactly one invite ID (see `invites list`)")))
        return;
    withOrg(false, [this] {
        if (!orgAllowed(access::Action::InviteResend, {}))
            return;
        m_org->resendInvite(m_command.at(2), [this](const OrgWriteResult &r, const InviteLink &link) {
            finishOrgWrite(r, QStringLiteral("invites list"), [this, link] {
                InviteLink shown = link; // a resend reply carries no id
                shown.id = m_command.at(2);
                reportInviteLink(tr("Invite %1 sent again.\n").arg(shown.id), shown);
            });
        });
    });
}

void CliApp::invitesDelete()
{
    if (!hasOperands(1, tr("invites delete needs exactly one invite ID (see `invites list`)")))
        return;
    withOrg(false, [this] {
        if (!orgAllowed(access::Action::InviteDelete, {}))
            return;
        const QString id = m_command.at(2);
        if (!confirm(tr("Delete invite %1? Its link stops working.").arg(id), tr("delete an invite"),
                     tr("nothing was deleted")))
            return;
        m_org->deleteInvite(id, [this, id](const OrgWriteResult &r) {
            finishOrgWrite(r, QStringLiteral("invites list"), [this, id] {
                if (m_json)
                    return printJson(QJsonObject{{QStringLiteral("deleted"), id}});
                print(tr("Deleted invite %1.\n").arg(id));
            });
        });
    });
}

void CliApp::reportInviteLink(const QString &headline, const InviteLink &link)
{
    const bool valid = cli::isPrintableUrl(link.link);
    const QString problem = tr("the server's invite link was not a valid URL, so it is not shown");
    if (m_json) {
        QJsonObject out{{QStringLiteral("id"), link.id},
                        {QStringLiteral("invite_link"), valid ? QJsonValue(link.link) : QJsonValue()}};
        if (!valid)
            out.insert(QStringLiteral("invite_link_problem"), problem);
        return printJson(out);
    }
    print(QString(headline +
                  (valid ? tr("Invite link: %1\n").arg(link.link) : tr("Invite link: %1.\n").arg(problem))));
}

// --- audit logs -------------------------------------------------------------------------------------------

void CliApp::auditList()
{
    if (!hasOperands(0, tr("audit list takes no arguments besides its options")))
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    AuditLogQuery query;
    query.endUtc =
        m_parser.isSet(QStringLiteral("until")) ? parseInstant(m_parser.value(QStringLiteral("until"))) : now;
    if (!query.endUtc.isValid())
        return fail(tr("--until “%1”: expected ISO 8601 (2026-12-31T18:00Z) or a local date or time")
                        .arg(m_parser.value(QStringLiteral("until"))),
                    Usage);
    if (m_parser.isSet(QStringLiteral("since")) && m_parser.isSet(QStringLiteral("days")))
        return fail(tr("give --since or --days, not both"), Usage);
    if (m_parser.isSet(QStringLiteral("since"))) {
        query.startUtc = parseInstant(m_parser.value(QStringLiteral("since")));
        if (!query.startUtc.isValid())
            return fail(tr("--since “%1”: expected ISO 8601 (2026-12-01T00:00Z) or a local date or time")
                            .arg(m_parser.value(QStringLiteral("since"))),
                        Usage);
    } else {
        bool ok = !m_parser.isSet(QStringLiteral("days"));
        const int days = ok ? kDefaultAuditDays : m_parser.value(QStringLiteral("days")).toInt(&ok);
        if (!ok || days < 1 || days > 3660)
            return fail(tr("--days “%1”: expected a whole number of days from 1 to 3660")
                            .arg(m_parser.value(QStringLiteral("days"))),
                        Usage);
        query.startUtc = query.endUtc.addDays(-days);
    }
    if (query.startUtc > query.endUtc)
        return fail(tr("the start of the audit logs is after their end (--since/--days and --until)"), Usage);
    query.method = m_parser.value(QStringLiteral("method")).trimmed().toUpper();
    if (!query.method.isEmpty() && query.method != QLatin1String("POST") &&
        query.method != QLatin1String("PUT") && query.method != QLatin1String("DELETE"))
        return fail(
            tr("--method “%1”: expected POST, PUT or DELETE").arg(m_parser.value(QStringLiteral("method"))),
            Usage);
    query.resourceType = m_parser.value(QStringLiteral("resource-type")).trimmed();
    withOrg(false, [this, query]() mutable {
        if (m_parser.isSet(QStringLiteral("workspace"))) {
            const std::optional<Workspace> ws = orgWorkspace(
                m_parser.value(QStringLiteral("workspace")).trimmed(), access::Action::AuditLogList);
            if (!ws)
                return;
            query.workspaceId = ws->id;
        }
        if (!orgAllowed(access::Action::AuditLogList, {}))
            return;
        m_org->listAuditLogs(query, [this](const ApiResult<QList<AuditLogRecord>> &r) {
            if (r.error.kind == ApiError::Kind::Invalid)
                return fail(r.error.message);
            if (!r.ok())
                return failWithServerError(r.error, tr("no audit logs were read"));
            if (m_json) {
                QJsonArray out;
                for (const AuditLogRecord &rec : r.value)
                    out.append(auditJson(rec));
                printJson(out);
                return finish(Ok);
            }
            QList<QStringList> rows{
                {tr("TIME"), tr("METHOD"), tr("STATUS"), tr("RESOURCE"), tr("ACTION"), tr("URI"), tr("BY")}};
            const QHash<QString, QString> names = m_org->actorNames();
            for (const AuditLogRecord &rec : r.value) {
                const QString who = names.value(rec.userId, rec.userId);
                rows.append(
                    {rec.timestamp.toLocalDisplay(), rec.method, QString::number(rec.responseStatusCode),
                     rec.resourceType, rec.action, rec.uri,
                     rec.userType.isEmpty() ? who : QStringLiteral("%1 (%2)").arg(who, rec.userType)});
            }
            print(table(rows));
            print(tr("%n record(s).\n", nullptr, int(r.value.size())));
            finish(Ok);
        });
    });
}

} // namespace pk
