#pragma once

#include "storage/cachestore.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <utility>

class QThread;

namespace pk {

/// Runs one CacheStore on a thread of its own, so opening, loading and replacing a large cache never block
/// the thread that asks (the GUI thread): a 100,000-key cache takes seconds to write and about a second to
/// load. SQLCipher connections must not be used by two threads at once, so the store is created, used and
/// closed only on the worker thread; jobs run there one at a time, in the order they were queued.
///
/// Results come back on the thread that owns the CacheWorker (where it was created), through the event
/// loop (a queued call), never synchronously. A result whose `context` object was destroyed in the
/// meantime is dropped. Destroying the CacheWorker finishes the queued jobs, closes the store on its thread
/// and joins it; their results are dropped. A replaceAll() job given a `cancel` flag (see
/// CacheStore::replaceAll()) stops early when the flag is set, so cancel before destroying.
class CacheWorker : public QObject
{
    Q_OBJECT
public:
    /// Starts the worker thread (idle: no store until open()).
    explicit CacheWorker(QObject *parent = nullptr);
    /// Finishes the queued jobs, closes the store on the worker thread and joins it.
    ~CacheWorker() override;
    CacheWorker(const CacheWorker &) = delete;
    CacheWorker &operator=(const CacheWorker &) = delete;

    /// What open() reports: the store opened (error.kind None) and its snapshot was loaded, or why not.
    struct Opened
    {
        CacheOpenError error;   ///< kind None on success (CacheStore::open())
        CacheSnapshot snapshot; ///< the loaded snapshot; empty when opening failed
        QString loadError;      ///< a read failure part-way through load() (what was read is kept)
    };

    /// Opens the cache at `path` with the 32-byte `key` (CacheStore::open()) and loads its snapshot
    /// (CacheStore::load()), both on the worker thread; a store already open is closed first. `done` runs
    /// on this object's thread unless `context` is gone by then.
    void open(const QString &path, SecretBuffer key, QObject *context,
              std::function<void(const Opened &)> done);

    /// CacheStore::moveAsideAndRecreate() on the worker thread; any open store is closed first (a later
    /// open() reopens it). `done` gets an empty string on success, else the error.
    void moveAsideAndRecreate(const QString &path, SecretBuffer key, QObject *context,
                              std::function<void(const QString &error)> done);

    /// CacheStore::upsertKey() on the worker thread. `done` gets an empty string on success, else the
    /// error (also when no store is open); `done` may be empty.
    void upsertKey(const ApiKey &key, QObject *context, std::function<void(const QString &error)> done);
    /// CacheStore::removeKeys() on the worker thread; `done` as for upsertKey().
    void removeKeys(const QStringList &ids, QObject *context, std::function<void(const QString &error)> done);

    /// Runs `job` on the worker thread with the open store (nullptr when none is open), then `done` with
    /// its result on this object's thread, unless `context` was destroyed by then. `Result` must be
    /// copyable. For work that needs several store calls in a row (e.g. load, compare, replaceAll).
    template <typename Result>
    void run(QObject *context, std::function<Result(CacheStore *)> job, std::function<void(Result)> done)
    {
        QPointer<QObject> guard(context);
        post([this, guard, job = std::move(job), done = std::move(done)](CacheStore *store) {
            Result result = job(store);
            // Queued to this object (on the owner's thread), which outlives every job: the destructor joins
            // the worker first, and ~QObject then discards calls that were not delivered.
            QMetaObject::invokeMethod(
                this,
                [guard, done, result = std::move(result)]() {
                    if (guard && done)
                        done(result);
                },
                Qt::QueuedConnection);
        });
    }

private:
    /// Queues `job` for the worker thread; it gets the open store or nullptr.
    void post(std::function<void(CacheStore *)> job);

    QThread *m_thread = nullptr;
    QObject *m_runner = nullptr;         ///< lives on m_thread; queued calls to it run there, in order
    std::unique_ptr<CacheStore> m_store; ///< touched only on m_thread
};

} // namespace pk
