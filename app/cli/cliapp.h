#pragma once

#include "access/accesspolicy.h"
#include "domain/apikey.h"
#include "domain/profile.h"
#include "domain/workspace.h"
#include "portkey/apierror.h"
#include "sync/syncengine.h"

#include <QCommandLineParser>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace pk {

class CredentialStore;
struct InviteLink;
class OrgCommands;
struct OrgWriteResult;
class ProfileStore;
class SandboxLauncher;
class Session;

/// The `portkey-key-manager-cli` program (issue 2 "CLI"): parses the command line, runs one command on the
/// QCoreApplication event loop (every call asynchronous, no nested loop) and ends the loop with the exit
/// code. Results go to stdout (text, or JSON with `--json`); a failure writes ONE line to stderr,
/// `error: <what happened>. <what to do>`, and exits with a non-zero code. Secrets are never read from
/// argv: `profile add` reads the key from stdin (or a no-echo prompt on a terminal).
///
/// The key lifecycle (issue 4 "CLI parity"): `keys create` with every field of ADMIN-API.md §2 and §7 (see
/// cli::KeyOptions), `keys update` (only the given fields; `--clear-…` sends `null`), `keys rotate`, `keys
/// revoke` and `keys show`. Every field is validated before sending; a server 400 AB01 naming a field is
/// reported against its option. Every command asks access::AccessPolicy first and refuses with its reason
/// before sending (issue 5). Destructive commands (revoke, rotate, reset usage, a limit of 0) ask on a
/// terminal and need `--yes` when stdin is not one. Secrets (create, rotate) go to stdout once, never to
/// logs.
///
/// `--workspace` takes a workspace's id, slug or name (exact, case-insensitive; an ambiguous or unknown one
/// fails listing the candidates or the known workspaces). A `--sandbox` run starts a fresh organisation
/// with an empty cache and syncs it before answering; its profile is never stored or listed. Revoking the
/// profile's own key is announced, succeeds with exit code 0 and points at `profile set-key NAME`, as every
/// 401 does.
///
/// The organisation (ADMIN-API.md §4–§6): `workspaces create/update/delete`, `members list/add/role/remove`,
/// `users list/role/remove`, `invites list/create/resend/delete` and `audit list`, through pk::OrgCommands,
/// with the same policy refusals, confirmations and one-line failures.
class CliApp : public QObject
{
    Q_OBJECT
public:
    /// Exit codes.
    enum Exit
    {
        Ok = 0,
        Failure = 1, ///< the command ran and failed (server, keychain, cache, refused by the policy)
        Usage = 2    ///< the command line is wrong
    };

    /// `arguments` as from QCoreApplication::arguments() (program name first).
    explicit CliApp(const QStringList &arguments, QObject *parent = nullptr);
    ~CliApp() override;

    /// Parses the command line and starts the command; the event loop ends with the exit code when it is
    /// done (QCoreApplication::exit()). Call once the loop runs (e.g. from a zero-timer).
    void start();

private:
    void finish(int code);
    void fail(const QString &message, int code = Failure);
    void printJson(const QJsonValue &value);
    void print(const QString &text);

    void profileAdd();
    void profileList();
    void profileRemove();
    /// `profile set-key NAME`: reads the profile's new API key from stdin (or a no-echo prompt on a
    /// terminal, never from argv), checks its shape (apiKeyProblem()) and replaces the profile's entry in the
    /// OS keychain through CredentialStore. The answer to a revoked or rejected key (401 AB05, ROLES.md
    /// "Errors"). Fails naming the keychain problem; nothing else of the profile changes.
    void profileSetKey();

    /// Selects the profile (--sandbox, --profile, the only one, the last used), opens it and calls `then`
    /// once the snapshot is loaded; with `syncFirst` (or when the cache was never synced, or for a sandbox)
    /// it syncs before calling `then`.
    void withSession(bool syncFirst, std::function<void()> then);
    void openProfile(const Profile &profile, bool syncFirst, std::function<void()> then);

    void runSync();
    void workspacesList();
    void keysList();
    /// `keys create`: `POST /api-keys/{type}/{sub-type}` (openapi.yaml L17574) through Session::createKey();
    /// prints the secret once (`--json`: `{"id","key"}` plus `"warnings"`), least-privilege warnings on
    /// stderr. A lost reply is never re-sent: the re-list's finding is reported and the exit code is 1. A
    /// secret that fails apiKeyProblem() (control characters, CR/LF, whitespace, non-ASCII) is never printed
    /// (text or JSON): the failure names the key's id and says to rotate it; exit code 1.
    void keysCreate();
    /// `keys update ID`: `PUT /api-keys/{id}` (L35029) with cli::updateBody(); prints the key as re-read. A
    /// lost or unreadable reply (ApiError OutcomeUnknown, Timeout, Parse) fails with exit code 1 saying the
    /// change may have been applied and to check with `keys show ID --refresh`.
    void keysUpdate();
    /// `keys rotate ID [--transition D]`: `POST /api-keys/{id}/rotate` (L18616); prints the new secret once
    /// and until when the old one is valid (local time and UTC). Refused locally during a transition. A lost
    /// reply fails (exit code 1) saying the rotation may have been applied (check with `keys show ID`); a
    /// malformed secret is not printed, as for keysCreate().
    void keysRotate();
    /// `keys revoke ID...`: `DELETE /api-keys/{id}` each, confirmed by a re-list (Session::revokeKeys()).
    void keysRevoke();
    /// `keys show ID`: every field of the cached key (masked), times in local time with zone and in UTC.
    void keysShow();
    void whoami();
    /// `keys scopes [--type admin|service|user]`: the valid scopes of that key type grouped as in
    /// ADMIN-API.md §3 (pk::scopeGroups()), then the presets (pk::scopePresets()); every type when `--type`
    /// is not given. `--json`: `[{"type","groups":[{"title","scopes"}],"presets":[{"name","scopes"}]}]`.
    void keysScopes();

    // --- Organisation commands (orgcommands_cli.cpp), through pk::OrgCommands ---
    // Each asks the access policy first and fails with its reason before anything is sent (and before a
    // confirmation is asked); writes wait for the sync they start, so the cache holds the server's state
    // when the program ends. Destructive ones confirm as `keys revoke` does.

    /// Starts the organisation command `cmd sub` (workspaces create/update/delete, members, users, invites,
    /// audit); false when `cmd sub` is not one.
    bool startOrgCommand(const QString &cmd, const QString &sub);
    /// `workspaces create --name N [--description D]` (`POST /admin/workspaces`, L14927). `--json`: the
    /// workspace as synced.
    void workspacesCreate();
    /// `workspaces update WS [--name N] [--description D]` (`PUT /admin/workspaces/{id}`, L15230).
    void workspacesUpdate();
    /// `workspaces delete WS [--force] [--yes]` (`DELETE /admin/workspaces/{id}`, L15487): without
    /// `--force` a workspace holding keys is refused (409) and the failure says so.
    void workspacesDelete();
    /// `members list WS [--refresh]`: the cached members. `--json`: WorkspaceMember::toJson() each.
    void membersList();
    /// `members add WS --user USER --role R` (`POST …/users`, L14303).
    void membersAdd();
    /// `members role WS USER R` (`PUT …/users/{userId}`, L14558).
    void membersRole();
    /// `members remove WS USER [--yes]` (`DELETE …/users/{userId}`, L14682).
    void membersRemove();
    /// `users list [--refresh]`: the cached organisation users. `--json`: User::toJson() each.
    void usersList();
    /// `users role USER R` (`PUT /admin/users/{id}`, L14183): admin or member.
    void usersRole();
    /// `users remove USER [--yes]` (`DELETE /admin/users/{id}`, L14087).
    void usersRemove();
    /// `invites list` (`GET /admin/users/invites`, L13395; read from the server, never cached).
    void invitesList();
    /// `invites create --email E --role R --workspace WS:ROLE...` (`POST /admin/users/invites`, L13204);
    /// prints the invite link (not a secret: it is for the invitee). `--json`: `{"id", "invite_link"}`.
    void invitesCreate();
    /// `invites resend ID` (`POST /admin/users/invites/{id}/resend`, L13744); prints the invite link.
    void invitesResend();
    /// `invites delete ID [--yes]` (`DELETE /admin/users/invites/{id}`).
    void invitesDelete();
    /// `audit list [--since WHEN | --days N] [--until WHEN] [--method M] [--resource-type T]
    /// [--workspace WS]` (`GET /audit-logs`, L17460): the last 7 days by default; local times with the
    /// zone, or UTC ISO 8601 instants with `--json`.
    void auditList();

    /// withSession(), then creates the OrgCommands on the open session before calling `then`.
    void withOrg(bool syncFirst, std::function<void()> then);
    /// True when the command has exactly `count` operands after `cmd sub`; else fails with `usage`.
    bool hasOperands(int count, const QString &usage);
    /// True when the policy allows `action` on `target`; else fails with its reason and returns false.
    bool orgAllowed(access::Action action, const access::Target &target);
    /// The workspace `ref` names (id, slug or name, cli::findWorkspace(); unlistedWorkspace() when the
    /// profile's key may not list workspaces), or std::nullopt after failing: with the policy's reason when
    /// it refuses `action` in `ref`, else listing (some of) the known workspaces.
    std::optional<Workspace> orgWorkspace(const QString &ref, access::Action action);
    /// orgWorkspace() for a profile whose key may not list workspaces (so the snapshot holds none): the
    /// key's own workspace (Principal::workspace) by id, slug or name; while that is unknown, `ref` as given,
    /// an id or slug the server checks. Else std::nullopt after failing with the policy's reason, or saying
    /// that this key may not list workspaces and naming its own.
    std::optional<Workspace> unlistedWorkspace(const QString &ref, access::Action action);
    /// The user id `ref` names: an id or e-mail of a cached user or member, else `ref` itself when it is
    /// no e-mail; std::nullopt after failing for an unknown e-mail (with the policy's reason when it refuses
    /// `action` on `target`).
    std::optional<QString> orgUserId(const QString &ref, access::Action action, const access::Target &target);
    /// "Name <email>" of the cached user `id`, else `id`.
    QString userLabel(const QString &id) const;
    /// confirm() for removing `userId` with `question` (`verb` as for confirm()); when it is the profile's
    /// own person (OrgCommands::isSelf()) the question starts "This is you: Name <email>." and the refusal
    /// without a terminal names "remove yourself". True when confirmed; else it failed.
    bool confirmRemoval(const QString &userId, const QString &question, const QString &verb);
    /// True at once unless `userId` is the profile's own person; then confirm() ("This is you: …. Change
    /// your own role to `role`?"), which without a terminal needs `--yes` (exit code 2 otherwise).
    bool confirmOwnRoleChange(const QString &userId, const QString &role);
    /// Prints `headline`, then the invite link when cli::isPrintableUrl() accepts it, else that the server's
    /// link was not a valid URL. `--json`: `{"id", "invite_link"}`, the link null and `"invite_link_problem"`
    /// saying why when it was not valid.
    void reportInviteLink(const QString &headline, const InviteLink &link);
    /// Ends an OrgCommands write: waits for the sync it started, then runs `report` and exits 0 when it
    /// succeeded, or fails with the result's message (a lost reply: it may have applied; check with
    /// `check`).
    void finishOrgWrite(const OrgWriteResult &result, const QString &check, std::function<void()> report);

    /// The key `id` in the snapshot, or nullptr (after failing with a one-line error) when it is not there.
    const ApiKey *cachedKey(const QString &id);
    /// Asks `question` on a terminal (stderr prompt, exactly "yes" confirms; the question passes
    /// terminalSafe(), since it names keys and workspaces as the server returned them). Without a terminal
    /// `--yes` is needed, else it fails naming `verb` ("revoke"). Returns true when confirmed (or `--yes` was
    /// given); otherwise fails with `refusal` ("nothing was revoked") and returns false.
    bool confirm(const QString &question, const QString &verb, const QString &refusal);
    /// Fails with the server's error; a 400 AB01 naming a field is reported against its command-line option.
    void failWithServerError(const ApiError &error, const QString &what);

    QStringList m_arguments;
    QCommandLineParser m_parser;
    QStringList m_command; ///< positional arguments: command, sub-command, operands
    bool m_json = false;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<CredentialStore> m_credentials; ///< for `profile add` and `profile remove`
    std::unique_ptr<SandboxLauncher> m_sandbox;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<OrgCommands> m_org; ///< on m_session, for the organisation commands
    SyncDiff m_lastDiff;                ///< what the sync run by this command changed
    bool m_finished = false;
};

} // namespace pk
