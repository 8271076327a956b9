#pragma once

#include "domain/profile.h"
#include "portkey/apierror.h"
#include "storage/cachestore.h"
#include "storage/cacheworker.h"

#include <QObject>
#include <QStringList>

#include <memory>

namespace pk {

class AdminApiClient;

/// What one successful sync changed in the cache, by id. The id lists and `principalChanged` are the
/// CacheChanges of the sync's CacheStore::replaceAll(): keys and workspaces are compared field by field
/// (ApiKey::operator==, Workspace::operator==) against what the cache held before the sync, and
/// `principalChanged` tells whether the resolved principal differs from the one cached before.
struct SyncDiff : CacheChanges
{
    int keyCount = 0;       ///< keys in the cache after the sync (kept ones included, see keysForbidden)
    int workspaceCount = 0; ///< workspaces in the cache after the sync (kept ones included)
    int userCount = 0;      ///< organisation users this sync read (0 when usersForbidden)
    int memberCount = 0;    ///< workspace memberships this sync read, over all workspaces
    /// `GET /api-keys` answered 403 AB03: the cache keeps the keys of the last sync that could list them
    /// (SyncEngine's rule "A refused list keeps its part of the cache").
    bool keysForbidden = false;
    /// `GET /admin/workspaces` answered 403 AB03: the cache keeps the workspaces and members of the last
    /// sync that could list them; no member list was asked for.
    bool workspacesForbidden = false;
    /// `GET /admin/users` answered 403 AB03: the credential may not list users (ROLES.md "Scope each action
    /// needs"). Information, not a failure; the cache keeps the users of the last sync that could list them.
    bool usersForbidden = false;
    /// Ids of workspaces whose `GET /admin/workspaces/{id}/users` answered 403 (no `workspace_users.list`);
    /// the cache keeps those workspaces' members from the last sync that could list them.
    QStringList membersForbiddenWorkspaceIds;

    /// True when no key or workspace was added, changed or removed.
    bool isEmpty() const;
    /// One line for a status bar or the CLI, e.g. "12 keys in 2 workspaces: 3 added, 1 changed, 0 removed",
    /// followed by a note when the key or workspace list was refused and kept from the last sync.
    QString summary() const;
};

/// Brings one profile's cache up to date with the server (ARCHITECTURE.md "Data flows one way").
///
/// One run fetches, reading every page (ADMIN-API.md §1), in this order: workspaces, organisation users,
/// each workspace's members (up to 4 lists at a time), and every API key the credential can see. A 403
/// AB03 on one of these lists is information, not failure (issue 5 "Who is acting"; ROLES.md "Scope each
/// action needs"): the refusal feeds the principal resolver and is reported in the SyncDiff
/// (workspacesForbidden, usersForbidden, membersForbiddenWorkspaceIds, keysForbidden).
///
/// A refused list keeps its part of the cache: a 403 says nothing about what exists, only that this
/// credential may not see it (a scope removed, an organisation setting, a key from another workspace), so
/// the rows the cache holds for that list, from the last sync that could read it, are kept as they were
/// instead of being deleted (workspaces with their members; users; one workspace's members; keys); a
/// list that could never be read stays empty. Only a list that answered 200 replaces its part. A run in
/// which NO list could be read (workspaces, users and keys all answered 403; no member list is asked for
/// then) while the cache holds what an earlier sync read is a failure: finished() reports
/// ApiError::Kind::Http 403 AB03 with the message "This key can read nothing in this organisation: …" and
/// the cache is not touched at all (not even its sync time or principal). On a cache that holds nothing
/// read from the server (a new profile, or a workspace user key, which by ROLES.md may list none of these)
/// the same run succeeds with an empty snapshot: nothing can be lost, and the refusals are what tells the
/// principal resolver who the credential is (whoami, "View as").
///
/// From the answers it resolves who the credential is
/// (access::PrincipalResolver) and stores the principal with the snapshot (CacheSnapshot::principal, as
/// access::Principal::toStateJson()). Only when every fetch succeeded does it write everything to the
/// cache in ONE transaction (CacheStore::replaceAll), on the cache's worker thread (CacheWorker), and
/// computes the SyncDiff there from what the cache held; any other failure, cancellation included (also
/// while saving), leaves the cache exactly as it was.
///
/// A 401 (AB05) emits credentialRejected() and finishes with that error; nothing is deleted.
/// Never sends a write; never retries on its own.
class SyncEngine : public QObject
{
    Q_OBJECT
public:
    /// `client` and `cache` are not owned and must outlive the engine; the cache must be open (CacheWorker::
    /// open()) before start(). `profile` names whose credential is used (for the principal resolver and log
    /// lines; no secret).
    SyncEngine(AdminApiClient *client, CacheWorker *cache, const Profile &profile, QObject *parent = nullptr);
    ~SyncEngine() override;

    /// Gives the engine the first and last two characters of the connection secret (the rest is not
    /// kept), so the principal resolver can find the connection key by its masked form (issue 5 "Who is
    /// acting"). Without it the principal rests on probes only (Knowledge::Assumed).
    void setKeyHint(const QByteArray &secret);

    /// Starts a sync. Returns false (and does nothing) when one is already running.
    /// Results arrive through progress() and exactly one finished().
    bool start();
    /// Cancels a running sync: in-flight requests are aborted, the cache is not touched, and finished()
    /// reports ApiError::Kind::Cancelled. While saving, the cache write is asked to stop and roll back, and
    /// finished() reports Cancelled at once (a write already committing completes: the cache then holds
    /// this run's complete snapshot, never a part of it). No effect when idle.
    void cancel();
    bool isRunning() const;

    /// Hands over the snapshot the last successful run wrote to the cache (the same content a
    /// CacheStore::load() would return), so callers need not read the cache back. Empty after the first
    /// call, after a failed run, and before any run.
    CacheSnapshot takeSnapshot();

signals:
    /// `stage` is a short human label ("Workspaces", "Users", "Members", "API keys", "Saving");
    /// `done`/`total` count requests of the run so far (total grows once workspaces are known).
    void progress(const QString &stage, int done, int total);
    /// The sync ended. `error.isError()` false: the cache now holds the server's state and `diff` says
    /// what changed; otherwise the cache is unchanged and `diff` is empty.
    void finished(const pk::ApiError &error, const pk::SyncDiff &diff);
    /// The server answered 401 AB05: the profile's key is invalid, expired or revoked (ROLES.md "Errors").
    void credentialRejected(const pk::ApiError &error);

private:
    struct Run;
    void fail(const ApiError &error);
    void fetchWorkspaces();
    void fetchUsers();
    void fetchMembers();
    void fetchNextMember();
    void fetchKeys();
    void commit();
    void emitProgress(const QString &stage);

    AdminApiClient *m_client;
    CacheWorker *m_cache;
    Profile m_profile;
    std::unique_ptr<Run> m_run;
    CacheSnapshot m_written; ///< what the last successful run wrote, until takeSnapshot()
    QString m_keyHead;
    QString m_keyTail;
    quint64 m_runCounter = 0;
};

} // namespace pk

Q_DECLARE_METATYPE(pk::SyncDiff)
