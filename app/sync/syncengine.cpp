#include "sync/syncengine.h"

#include "access/principalresolver.h"
#include "portkey/adminapiclient.h"
#include "storage/cachestore.h"

#include <QHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>

#include <utility>

Q_LOGGING_CATEGORY(lcSync, "pk.sync")

namespace pk {

namespace {

/// Workspace member lists fetched at the same time.
constexpr int kMemberConcurrency = 4;

access::ProbeResult probeOf(const ApiError &error)
{
    if (!error.isError())
        return access::ProbeResult::Ok;
    if (error.isForbidden())
        return access::ProbeResult::Forbidden;
    return access::ProbeResult::Failed;
}

template <typename T>
void diffById(const QList<T> &before, const QList<T> &after, QStringList *added, QStringList *changed,
              QStringList *removed)
{
    QHash<QString, const T *> old;
    old.reserve(before.size());
    for (const T &item : before)
        old.insert(item.id, &item);
    QSet<QString> seen;
    seen.reserve(after.size());
    for (const T &item : after) {
        seen.insert(item.id);
        const auto it = old.constFind(item.id);
        if (it == old.constEnd())
            added->append(item.id);
        else if (!(**it == item))
            changed->append(item.id);
    }
    for (const T &item : before) {
        if (!seen.contains(item.id))
            removed->append(item.id);
    }
}

} // namespace

bool SyncDiff::isEmpty() const
{
    return addedKeyIds.isEmpty() && changedKeyIds.isEmpty() && removedKeyIds.isEmpty() &&
           addedWorkspaceIds.isEmpty() && changedWorkspaceIds.isEmpty() && removedWorkspaceIds.isEmpty();
}

QString SyncDiff::summary() const
{
    return SyncEngine::tr("%1 keys in %2 workspaces: %3 added, %4 changed, %5 removed")
        .arg(keyCount)
        .arg(workspaceCount)
        .arg(addedKeyIds.size())
        .arg(changedKeyIds.size())
        .arg(removedKeyIds.size());
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

    void track(ApiCall *call)
    {
        calls.removeIf([](const QPointer<ApiCall> &c) { return c.isNull() || c->isFinished(); });
        calls.append(call);
    }
};

SyncEngine::SyncEngine(AdminApiClient *client, CacheStore *cache, const Profile &profile, QObject *parent)
    : QObject(parent), m_client(client), m_cache(cache), m_profile(profile)
{}

SyncEngine::~SyncEngine()
{
    // Callbacks of cancelled calls run synchronously; with m_run gone they return at once.
    std::unique_ptr<Run> run = std::move(m_run);
    if (run) {
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

    CacheSnapshot next;
    next.workspaces = in.workspaces;
    next.keys = in.keys;
    next.users = in.users;
    next.members = m_run->members;
    next.syncedAtUtc = QDateTime::currentDateTimeUtc();
    next.principal = access::PrincipalResolver::resolve(in).toStateJson();

    QString loadError;
    const CacheSnapshot before = m_cache->load(&loadError);
    if (!loadError.isEmpty())
        qCWarning(lcSync) << "previous snapshot partly unreadable; the diff covers what was read:"
                          << loadError;

    SyncDiff diff;
    diffById(before.keys, next.keys, &diff.addedKeyIds, &diff.changedKeyIds, &diff.removedKeyIds);
    diffById(before.workspaces, next.workspaces, &diff.addedWorkspaceIds, &diff.changedWorkspaceIds,
             &diff.removedWorkspaceIds);
    diff.keyCount = int(next.keys.size());
    diff.workspaceCount = int(next.workspaces.size());
    diff.userCount = int(next.users.size());
    for (auto it = next.members.cbegin(); it != next.members.cend(); ++it)
        diff.memberCount += int(it->size());
    diff.usersForbidden = in.usersList == access::ProbeResult::Forbidden;
    diff.membersForbiddenWorkspaceIds = m_run->membersForbidden;
    diff.principalChanged = before.principal != next.principal;

    QString writeError;
    if (!m_cache->replaceAll(next, &writeError)) {
        ApiError error;
        error.kind = ApiError::Kind::Invalid;
        error.message =
            tr("The server's answer could not be saved in the cache (%1). The cache is unchanged; "
               "sync again, or rebuild the cache if this repeats.")
                .arg(writeError);
        return fail(error);
    }
    ++m_run->done;
    emitProgress(tr("Saving"));
    m_run.reset();
    m_written = std::move(next);
    qCInfo(lcSync) << "sync finished for profile" << m_profile.id << diff.summary();
    emit finished(ApiError{}, diff);
}

} // namespace pk
