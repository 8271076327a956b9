#include "sync/syncengine.h"

#include "access/principalresolver.h"
#include "portkey/adminapiclient.h"
#include "storage/cachestore.h"

#include <QHash>
#include <QLoggingCategory>
#include <QPointer>

#include <atomic>
#include <memory>
#include <utility>

Q_LOGGING_CATEGORY(lcSync, "pk.sync")

namespace pk {

namespace {

/// Workspace member lists fetched at the same time.
constexpr int kMemberConcurrency = 4;

/// The lists of one run that answered 403: their part of the cache is kept (see SyncEngine).
struct RefusedParts
{
    bool workspaces = false;
    bool users = false;
    bool keys = false;
    QStringList memberWorkspaceIds;

    bool any() const { return workspaces || users || keys || !memberWorkspaceIds.isEmpty(); }
    /// Workspaces, users and keys all refused (no member list is asked for then): nothing was read.
    bool all() const { return workspaces && users && keys; }
};

/// True when the snapshot holds anything a sync read (an earlier credential could read some list).
bool holdsServerData(const CacheSnapshot &s)
{
    return !s.workspaces.isEmpty() || !s.keys.isEmpty() || !s.users.isEmpty() || !s.members.isEmpty();
}

/// Copies into `next` what `previous` (the cache before this run) holds for the refused lists.
void keepRefusedParts(const CacheSnapshot &previous, const RefusedParts &refused, CacheSnapshot *next)
{
    if (refused.workspaces) {
        next->workspaces = previous.workspaces;
        next->members = previous.members;
    }
    if (refused.users)
        next->users = previous.users;
    if (refused.keys)
        next->keys = previous.keys;
    for (const QString &workspaceId : refused.memberWorkspaceIds) {
        const auto it = previous.members.constFind(workspaceId);
        if (it != previous.members.cend())
            next->members.insert(workspaceId, *it);
    }
}

access::ProbeResult probeOf(const ApiError &error)
{
    if (!error.isError())
        return access::ProbeResult::Ok;
    if (error.isForbidden())
        return access::ProbeResult::Forbidden;
    return access::ProbeResult::Failed;
}

} // namespace

bool SyncDiff::isEmpty() const
{
    return addedKeyIds.isEmpty() && changedKeyIds.isEmpty() && removedKeyIds.isEmpty() &&
           addedWorkspaceIds.isEmpty() && changedWorkspaceIds.isEmpty() && removedWorkspaceIds.isEmpty();
}

QString SyncDiff::summary() const
{
    QString text = SyncEngine::tr("%1 keys in %2 workspaces: %3 added, %4 changed, %5 removed")
                       .arg(keyCount)
                       .arg(workspaceCount)
                       .arg(addedKeyIds.size())
                       .arg(changedKeyIds.size())
                       .arg(removedKeyIds.size());
    if (keysForbidden || workspacesForbidden)
        text += SyncEngine::tr(" (this key may not list %1; kept from the last sync)")
                    .arg(keysForbidden && workspacesForbidden ? SyncEngine::tr("keys or workspaces")
                         : keysForbidden                      ? SyncEngine::tr("keys")
                                                              : SyncEngine::tr("workspaces"));
    return text;
}

/// The state of one sync run: what was fetched so far and the calls in flight.
struct SyncEngine::Run
{
    quint64 id = 0;
    access::ResolverInput input;
    QHash<QString, QList<WorkspaceMember>> members;
    QStringList membersForbidden;
    int nextMember = 0;     // index into input.workspaces of the next member list to fetch
    int membersPending = 0; // member lists in flight
    int done = 0;
    int total = 4; // workspaces, users, keys, saving; plus one per workspace once known
    QList<QPointer<ApiCall>> calls;
    /// Set by cancel() and fail(): a cache write in progress rolls back (CacheStore::replaceAll()).
    std::shared_ptr<std::atomic<bool>> cancelWrite = std::make_shared<std::atomic<bool>>(false);

    void track(ApiCall *call)
    {
        calls.removeIf([](const QPointer<ApiCall> &c) { return c.isNull() || c->isFinished(); });
        calls.append(call);
    }
};

SyncEngine::SyncEngine(AdminApiClient *client, CacheWorker *cache, const Profile &profile, QObject *parent)
    : QObject(parent), m_client(client), m_cache(cache), m_profile(profile)
{}

SyncEngine::~SyncEngine()
{
    // Callbacks of cancelled calls run synchronously; with m_run gone they return at once.
    std::unique_ptr<Run> run = std::move(m_run);
    if (run) {
        run->cancelWrite->store(true);
        for (const QPointer<ApiCall> &call : std::as_const(run->calls)) {
            if (call)
                call->cancel();
        }
    }
}

void SyncEngine::setKeyHint(const QByteArray &secret)
{
    access::ResolverInput probe;
    probe.setKeyHint(secret);
    m_keyHead = probe.keyHead;
    m_keyTail = probe.keyTail;
}

CacheSnapshot SyncEngine::takeSnapshot()
{
    return std::exchange(m_written, CacheSnapshot{});
}

bool SyncEngine::start()
{
    if (m_run)
        return false;
    m_written = CacheSnapshot{};
    m_run = std::make_unique<Run>();
    m_run->id = ++m_runCounter;
    m_run->input.keyHead = m_keyHead;
    m_run->input.keyTail = m_keyTail;
    m_run->input.profileEmail = m_profile.email;
    qCInfo(lcSync) << "sync started for profile" << m_profile.id;
    fetchWorkspaces();
    return true;
}

void SyncEngine::cancel()
{
    if (!m_run)
        return;
    std::unique_ptr<Run> run = std::move(m_run);
    run->cancelWrite->store(true);
    for (const QPointer<ApiCall> &call : std::as_const(run->calls)) {
        if (call)
            call->cancel();
    }
    ApiError error;
    error.kind = ApiError::Kind::Cancelled;
    error.message = tr("The sync was cancelled; the cache is unchanged.");
    qCInfo(lcSync) << "sync cancelled for profile" << m_profile.id;
    emit finished(error, SyncDiff{});
}

bool SyncEngine::isRunning() const
{
    return m_run != nullptr;
}

void SyncEngine::fail(const ApiError &error)
{
    if (!m_run)
        return;
    std::unique_ptr<Run> run = std::move(m_run);
    for (const QPointer<ApiCall> &call : std::as_const(run->calls)) {
        if (call && !call->isFinished())
            call->cancel();
    }
    qCWarning(lcSync) << "sync failed for profile" << m_profile.id << "status" << error.httpStatus
                      << error.code << error.message;
    if (error.isUnauthorized())
        emit credentialRejected(error);
    emit finished(error, SyncDiff{});
}

void SyncEngine::emitProgress(const QString &stage)
{
    emit progress(stage, m_run->done, m_run->total);
}

void SyncEngine::fetchWorkspaces()
{
    emitProgress(tr("Workspaces"));
    const quint64 id = m_run->id;
    m_run->track(m_client->listWorkspaces([this, id](const ApiResult<QList<Workspace>> &r) {
        if (!m_run || m_run->id != id)
            return;
        const access::ProbeResult probe = probeOf(r.error);
        if (probe == access::ProbeResult::Failed)
            return fail(r.error);
        m_run->input.workspacesList = probe;
        m_run->input.workspaces = r.value;
        m_run->total += int(r.value.size());
        ++m_run->done;
        fetchUsers();
    }));
}

void SyncEngine::fetchUsers()
{
    emitProgress(tr("Users"));
    const quint64 id = m_run->id;
    m_run->track(m_client->listUsers([this, id](const ApiResult<QList<User>> &r) {
        if (!m_run || m_run->id != id)
            return;
        const access::ProbeResult probe = probeOf(r.error);
        if (probe == access::ProbeResult::Failed)
            return fail(r.error);
        m_run->input.usersList = probe;
        m_run->input.users = r.value;
        ++m_run->done;
        fetchMembers();
    }));
}

void SyncEngine::fetchMembers()
{
    emitProgress(tr("Members"));
    if (m_run->input.workspaces.isEmpty())
        return fetchKeys();
    while (m_run && m_run->membersPending < kMemberConcurrency &&
           m_run->nextMember < m_run->input.workspaces.size())
        fetchNextMember();
}

void SyncEngine::fetchNextMember()
{
    const Workspace workspace = m_run->input.workspaces.at(m_run->nextMember++);
    ++m_run->membersPending;
    const quint64 id = m_run->id;
    m_run->track(m_client->listWorkspaceMembers(
        workspace.id, [this, id, workspace](const ApiResult<QList<WorkspaceMember>> &r) {
            if (!m_run || m_run->id != id)
                return;
            --m_run->membersPending;
            const access::ProbeResult probe = probeOf(r.error);
            if (probe == access::ProbeResult::Failed)
                return fail(r.error);
            m_run->input.memberLists.insert(workspace.id, probe);
            if (probe == access::ProbeResult::Forbidden) {
                m_run->membersForbidden.append(workspace.id);
            } else {
                QList<WorkspaceMember> members = r.value;
                for (WorkspaceMember &m : members) {
                    if (m.workspaceId.isEmpty())
                        m.workspaceId = workspace.id;
                }
                m_run->input.members += members;
                m_run->members.insert(workspace.id, members);
            }
            ++m_run->done;
            emitProgress(tr("Members"));
            if (m_run->nextMember < m_run->input.workspaces.size())
                fetchNextMember();
            else if (m_run->membersPending == 0)
                fetchKeys();
        }));
}

void SyncEngine::fetchKeys()
{
    emitProgress(tr("API keys"));
    const quint64 id = m_run->id;
    m_run->track(m_client->listApiKeys(QString(), [this, id](const ApiResult<QList<ApiKey>> &r) {
        if (!m_run || m_run->id != id)
            return;
        const access::ProbeResult probe = probeOf(r.error);
        if (probe == access::ProbeResult::Failed)
            return fail(r.error);
        m_run->input.keysList = probe;
        m_run->input.keys = r.value;
        ++m_run->done;
        commit();
    }));
}

void SyncEngine::commit()
{
    emitProgress(tr("Saving"));
    const access::ResolverInput &in = m_run->input;

    RefusedParts refused;
    refused.workspaces = in.workspacesList == access::ProbeResult::Forbidden;
    refused.users = in.usersList == access::ProbeResult::Forbidden;
    refused.keys = in.keysList == access::ProbeResult::Forbidden;
    refused.memberWorkspaceIds = m_run->membersForbidden;
    if (refused.any())
        qCInfo(lcSync) << "lists refused (403) for profile" << m_profile.id << "- workspaces"
                       << refused.workspaces << "users" << refused.users << "keys" << refused.keys
                       << "members of" << refused.memberWorkspaceIds.size()
                       << "workspaces; their cached part is kept";

    CacheSnapshot next;
    next.workspaces = in.workspaces;
    next.keys = in.keys;
    next.users = in.users;
    next.members = m_run->members;
    next.syncedAtUtc = QDateTime::currentDateTimeUtc();
    next.principal = access::PrincipalResolver::resolve(in).toStateJson();

    SyncDiff diff;
    diff.userCount = int(next.users.size());
    for (auto it = next.members.cbegin(); it != next.members.cend(); ++it)
        diff.memberCount += int(it->size());
    diff.keysForbidden = refused.keys;
    diff.workspacesForbidden = refused.workspaces;
    diff.usersForbidden = refused.users;
    diff.membersForbiddenWorkspaceIds = m_run->membersForbidden;

    // The write and the comparison with what the cache held run on the cache's thread; `next` is shared
    // read-only with it (implicitly shared lists).
    struct Saved
    {
        bool ok = false;
        QString error;
        CacheChanges changes;
        CacheSnapshot written;        ///< `next` with the refused lists' parts kept from the cache
        bool nothingReadable = false; ///< every list was refused while the cache holds data: not written
    };
    const quint64 id = m_run->id;
    const std::shared_ptr<const std::atomic<bool>> cancelWrite = m_run->cancelWrite;
    m_cache->run<Saved>(
        this,
        [next, refused, cancelWrite](CacheStore *store) {
            Saved saved;
            if (store == nullptr) {
                saved.error = tr("The offline cache is not open.");
                return saved;
            }
            saved.written = next;
            if (refused.any()) {
                // Read only when a list was refused: its part must survive the replacement.
                QString loadError;
                const CacheSnapshot previous = store->load(&loadError);
                if (!loadError.isEmpty()) {
                    saved.error = loadError;
                    return saved;
                }
                if (refused.all() && holdsServerData(previous)) {
                    saved.nothingReadable = true;
                    return saved;
                }
                keepRefusedParts(previous, refused, &saved.written);
            }
            saved.ok = store->replaceAll(saved.written, &saved.error, cancelWrite.get(), &saved.changes);
            return saved;
        },
        [this, id, diff](const Saved &saved) {
            if (!m_run || m_run->id != id)
                return; // cancelled or failed meanwhile; finished() was emitted then
            if (saved.nothingReadable) {
                ApiError nothing;
                nothing.kind = ApiError::Kind::Http;
                nothing.httpStatus = 403;
                nothing.code = QStringLiteral("AB03");
                nothing.message =
                    tr("This key can read nothing in this organisation: listing workspaces, users and API "
                       "keys was refused (HTTP 403), although an earlier sync could read them. The offline "
                       "cache was kept as it was. Check the key's scopes in Portkey, or use a key that may "
                       "read them (for example an Admin API key).");
                return fail(nothing);
            }
            if (!saved.ok) {
                ApiError error;
                error.kind = ApiError::Kind::Invalid;
                error.message =
                    tr("The server's answer could not be saved in the cache (%1). The cache is unchanged; "
                       "sync again, or rebuild the cache if this repeats.")
                        .arg(saved.error);
                return fail(error);
            }
            SyncDiff done = diff;
            done.keyCount = int(saved.written.keys.size());
            done.workspaceCount = int(saved.written.workspaces.size());
            static_cast<CacheChanges &>(done) = saved.changes;
            ++m_run->done;
            emitProgress(tr("Saving"));
            m_run.reset();
            m_written = saved.written;
            qCInfo(lcSync) << "sync finished for profile" << m_profile.id << done.summary();
            emit finished(ApiError{}, done);
        });
}

} // namespace pk
