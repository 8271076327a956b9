#include "storage/cacheworker.h"

#include <QThread>

namespace pk {

namespace {

QString noStoreError()
{
    return QObject::tr("The offline cache is not open.");
}

} // namespace

CacheWorker::CacheWorker(QObject *parent) : QObject(parent), m_thread(new QThread), m_runner(new QObject)
{
    m_thread->setObjectName(QStringLiteral("pk.storage.cache"));
    m_runner->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_runner, &QObject::deleteLater);
    m_thread->start();
}

CacheWorker::~CacheWorker()
{
    // The last job: jobs run in order, so everything queued before runs first; the store is closed on the
    // thread that used it, then the thread's event loop ends.
    post([this](CacheStore *) {
        m_store.reset();
        QThread::currentThread()->quit();
    });
    m_thread->wait();
    delete m_thread; // m_runner was deleted when the thread finished
}

void CacheWorker::post(std::function<void(CacheStore *)> job)
{
    QMetaObject::invokeMethod(
        m_runner, [this, job = std::move(job)]() { job(m_store.get()); }, Qt::QueuedConnection);
}

void CacheWorker::open(const QString &path, SecretBuffer key, QObject *context,
                       std::function<void(const Opened &)> done)
{
    // The job must be copyable (std::function); the key stays in one SecretBuffer, wiped when released.
    auto sharedKey = std::make_shared<SecretBuffer>(std::move(key));
    run<Opened>(
        context,
        [this, path, sharedKey](CacheStore *) {
            Opened opened;
            m_store.reset();
            m_store = CacheStore::open(path, *sharedKey, &opened.error);
            if (m_store)
                opened.snapshot = m_store->load(&opened.loadError);
            return opened;
        },
        std::move(done));
}

void CacheWorker::moveAsideAndRecreate(const QString &path, SecretBuffer key, QObject *context,
                                       std::function<void(const QString &)> done)
{
    auto sharedKey = std::make_shared<SecretBuffer>(std::move(key));
    run<QString>(
        context,
        [this, path, sharedKey](CacheStore *) {
            m_store.reset();
            QString error;
            if (!CacheStore::moveAsideAndRecreate(path, *sharedKey, &error) && error.isEmpty())
                error = QObject::tr("The offline cache could not be recreated.");
            return error;
        },
        std::move(done));
}

void CacheWorker::upsertKey(const ApiKey &key, QObject *context, std::function<void(const QString &)> done)
{
    run<QString>(
        context,
        [key](CacheStore *store) {
            QString error;
            if (store == nullptr)
                return noStoreError();
            return store->upsertKey(key, &error) ? QString() : error;
        },
        std::move(done));
}

void CacheWorker::removeKeys(const QStringList &ids, QObject *context,
                             std::function<void(const QString &)> done)
{
    run<QString>(
        context,
        [ids](CacheStore *store) {
            QString error;
            if (store == nullptr)
                return noStoreError();
            return store->removeKeys(ids, &error) ? QString() : error;
        },
        std::move(done));
}

} // namespace pk
