#pragma once

#include "domain/profile.h"
#include "portkey/apierror.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>

namespace pk {

class AdminApiClient;
class CacheStore;

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
/// One run fetches, reading every page (ADMIN-API.md §1): workspaces, organisation users (403 is recorded
/// in SyncDiff::usersForbidden, not a failure), each workspace's members (403 likewise), and every API key.
/// From those answers it resolves who the credential is (access::PrincipalResolver) and stores the
/// principal with the snapshot. Only when every required fetch succeeded does it write all of it to the
/// cache in ONE transaction; any failure, cancellation included, leaves the cache exactly as it was.
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

    /// Starts a sync. Returns false (and does nothing) when one is already running.
    /// Results arrive through progress() and exactly one finished().
    bool start();
    /// Cancels a running sync: in-flight requests are aborted, the cache is not touched, and finished()
    /// reports ApiError::Kind::Cancelled. No effect when idle.
    void cancel();
    bool isRunning() const;

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
    void fetchKeys();
    void commit();
    void emitProgress(const QString &stage);

    AdminApiClient *m_client;
    CacheStore *m_cache;
    Profile m_profile;
    std::unique_ptr<Run> m_run;
};

} // namespace pk

Q_DECLARE_METATYPE(pk::SyncDiff)
