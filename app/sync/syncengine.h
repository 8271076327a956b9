#pragma once

#include "domain/profile.h"
#include "portkey/apierror.h"
#include "storage/cachestore.h"

#include <QObject>
#include <QStringList>

#include <memory>

namespace pk {

class AdminApiClient;

/// What one successful sync changed in the cache, by id. Keys and workspaces are compared field by field
/// (ApiKey::operator==, Workspace::operator==) against what the cache held before the sync.
struct SyncDiff
{
    QStringList addedKeyIds;
    QStringList changedKeyIds;
    QStringList removedKeyIds;
    QStringList addedWorkspaceIds;
    QStringList changedWorkspaceIds;
    QStringList removedWorkspaceIds;
    int keyCount = 0;       ///< keys in the cache after the sync
    int workspaceCount = 0; ///< workspaces in the cache after the sync
    int userCount = 0;      ///< organisation users after the sync (0 when usersForbidden)
    int memberCount = 0;    ///< workspace memberships after the sync, over all workspaces
    /// `GET /admin/users` answered 403 AB03: the credential may not list users (ROLES.md "Scope each action
    /// needs"). Information, not a failure; the cache keeps no users then.
    bool usersForbidden = false;
    /// Ids of workspaces whose `GET /admin/workspaces/{id}/users` answered 403 (no `workspace_users.list`).
    QStringList membersForbiddenWorkspaceIds;
    bool principalChanged = false; ///< the resolved principal differs from the one cached before

    /// True when no key or workspace was added, changed or removed.
    bool isEmpty() const;
    /// One line for a status bar or the CLI, e.g. "3 added, 1 changed, 0 removed keys".
    QString summary() const;
};

/// Brings one profile's cache up to date with the server (ARCHITECTURE.md "Data flows one way").
///
/// One run fetches, reading every page (ADMIN-API.md §1), in this order: workspaces, organisation users,
/// each workspace's members (up to 4 lists at a time), and every API key the credential can see. A 403
/// AB03 on any of these lists is information, not failure (issue 5 "Who is acting"): the list is stored
/// empty and the refusal feeds the principal resolver (users: SyncDiff::usersForbidden; members:
/// SyncDiff::membersForbiddenWorkspaceIds). From the answers it resolves who the credential is
/// (access::PrincipalResolver) and stores the principal with the snapshot (CacheSnapshot::principal, as
/// access::Principal::toStateJson()). Only when every fetch succeeded does it write everything to the
/// cache in ONE transaction (CacheStore::replaceAll); any other failure, cancellation included, leaves the
/// cache exactly as it was.
///
/// A 401 (AB05) emits credentialRejected() and finishes with that error; nothing is deleted.
/// Never sends a write; never retries on its own.
class SyncEngine : public QObject
{
    Q_OBJECT
public:
    /// `client` and `cache` are not owned and must outlive the engine; the cache must be open.
    /// `profile` names whose credential is used (for the principal resolver and log lines; no secret).
    SyncEngine(AdminApiClient *client, CacheStore *cache, const Profile &profile, QObject *parent = nullptr);
    ~SyncEngine() override;

    /// Gives the engine the first and last two characters of the connection secret (the rest is not
    /// kept), so the principal resolver can find the connection key by its masked form (issue 5 "Who is
    /// acting"). Without it the principal rests on probes only (Knowledge::Assumed).
    void setKeyHint(const QByteArray &secret);

    /// Starts a sync. Returns false (and does nothing) when one is already running.
    /// Results arrive through progress() and exactly one finished().
    bool start();
    /// Cancels a running sync: in-flight requests are aborted, the cache is not touched, and finished()
    /// reports ApiError::Kind::Cancelled. No effect when idle.
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
    CacheStore *m_cache;
    Profile m_profile;
    std::unique_ptr<Run> m_run;
    CacheSnapshot m_written; ///< what the last successful run wrote, until takeSnapshot()
    QString m_keyHead;
    QString m_keyTail;
    quint64 m_runCounter = 0;
};

} // namespace pk

Q_DECLARE_METATYPE(pk::SyncDiff)
