// Measures the paths that decide how the app feels with a large organisation: seeding the sandbox, listing
// every key over HTTP, writing and reading the encrypted cache (directly, and through CacheWorker as a sync
// and a start-up do, with the longest stall of the event loop meanwhile), and filling, filtering and
// sorting the key table. Prints one line per figure: `<name> <value> <unit>`.
#include "models/keyfilterproxy.h"
#include "models/keytablemodel.h"
#include "portkey/adminapiclient.h"
#include "sandbox/sandboxserver.h"
#include "storage/cachestore.h"
#include "storage/cacheworker.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <ctime>

using namespace pk;

namespace {

void report(const char *name, double value, const char *unit)
{
    std::printf("%-34s %12.1f %s\n", name, value, unit);
    std::fflush(stdout);
}

// CPU time of the whole process, all threads, since `start` (ms): on a machine shared with other work it
// varies less than the elapsed time. std::clock() measures process CPU time on POSIX systems.
double cpuMs(std::clock_t start)
{
    return 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

int fail(const QString &what)
{
    std::fprintf(stderr, "bench: %s\n", qPrintable(what));
    return 1;
}

// Runs the event loop until `done` is set, ticking a 1 ms timer; returns the longest gap between two ticks
// (ms): how long the GUI thread would have been unresponsive.
qint64 longestStall(QGuiApplication &app, const bool &done)
{
    QElapsedTimer gap;
    gap.start();
    qint64 longest = 0;
    QTimer tick;
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        longest = std::max(longest, gap.restart());
        if (done)
            app.quit();
    });
    tick.start();
    app.exec();
    return std::max(longest, gap.elapsed());
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_LOGGING_RULES", "pk.*.debug=false;pk.*.info=false");
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int keyCount = args.size() > 1 ? args.at(1).toInt() : 100000;
    const int workspaceCount = args.size() > 2 ? args.at(2).toInt() : 500;

    QElapsedTimer timer;
    timer.start();
    sandbox::SeedOptions seed;
    seed.workspaces = workspaceCount;
    seed.users = 40;
    seed.keys = keyCount;
    sandbox::SandboxServer server(seed);
    report("sandbox seed", static_cast<double>(timer.elapsed()), "ms");
    if (!server.listen())
        return fail(server.errorString());

    AdminApiClient client;
    client.setBaseUrl(server.baseUrl());
    client.setApiKey(server.persona(QStringLiteral("owner"))->apiKey.toUtf8());
    QList<ApiKey> keys;
    QString error;
    timer.restart();
    client.listApiKeys(QString(), [&](const ApiResult<QList<ApiKey>> &r) {
        keys = r.value;
        error = r.error.isError() ? r.error.userText() : QString();
        app.quit();
    });
    app.exec();
    if (!error.isEmpty())
        return fail(error);
    const double listMs = static_cast<double>(timer.elapsed());
    report("list keys over HTTP", listMs, "ms");
    report("list keys throughput", keys.size() / (listMs / 1000.0), "keys/s");

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.db"));
    const SecretBuffer cacheKey = CacheStore::newKey();
    CacheOpenError openError;
    auto cache = CacheStore::open(path, cacheKey, &openError);
    if (!cache)
        return fail(openError.message);
    CacheSnapshot snapshot;
    snapshot.keys = keys;
    snapshot.syncedAtUtc = QDateTime::currentDateTimeUtc();
    timer.restart();
    std::clock_t cpu = std::clock();
    if (!cache->replaceAll(snapshot, &error))
        return fail(error);
    report("cache write (one transaction)", static_cast<double>(timer.elapsed()), "ms");
    report("  CPU time, all threads", cpuMs(cpu), "ms");
    cache.reset();
    timer.restart();
    cache = CacheStore::open(path, cacheKey, &openError);
    if (!cache)
        return fail(openError.message);
    report("cache open", static_cast<double>(timer.elapsed()), "ms");
    timer.restart();
    cpu = std::clock();
    const CacheSnapshot loaded = cache->load(&error);
    report("cache load", static_cast<double>(timer.elapsed()), "ms");
    report("  CPU time, all threads", cpuMs(cpu), "ms");
    if (loaded.keys.size() != keys.size())
        return fail(QStringLiteral("cache returned %1 of %2 keys").arg(loaded.keys.size()).arg(keys.size()));
    report("cache file size", QFileInfo(path).size() / 1048576.0, "MiB");
    cache.reset();

    // A sync's write into the filled cache, 1 % of the keys renamed, on the cache's thread.
    CacheWorker worker;
    bool done = false;
    CacheWorker::Opened opened;
    timer.restart();
    worker.open(path, cacheKey.clone(), &app, [&](const CacheWorker::Opened &o) {
        opened = o;
        done = true;
    });
    qint64 stall = longestStall(app, done);
    report("start-up from cache (open+load)", static_cast<double>(timer.elapsed()), "ms");
    report("  longest GUI-thread stall", static_cast<double>(stall), "ms");
    if (opened.error.kind != CacheError::None || opened.snapshot.keys.size() != keys.size())
        return fail(QStringLiteral("the cache worker did not load the cache: %1").arg(opened.error.message));
    // A sync's write into the filled cache on the cache's thread, as SyncEngine runs it.
    struct Written
    {
        QString error;
        CacheChanges changes;
    };
    const auto syncWrite = [&](const char *name, const CacheSnapshot &next) {
        Written written;
        done = false;
        timer.restart();
        const std::clock_t start = std::clock();
        worker.run<Written>(
            &app,
            [next](CacheStore *store) {
                Written w;
                if (!store->replaceAll(next, &w.error, nullptr, &w.changes) && w.error.isEmpty())
                    w.error = QStringLiteral("replaceAll failed");
                return w;
            },
            [&](const Written &w) {
                written = w;
                done = true;
            });
        const qint64 longest = longestStall(app, done);
        report(name, static_cast<double>(timer.elapsed()), "ms");
        report("  CPU time, all threads", cpuMs(start), "ms");
        report("  longest GUI-thread stall", static_cast<double>(longest), "ms");
        if (written.error.isEmpty()) {
            report("  keys reported added/changed/removed",
                   static_cast<double>(written.changes.addedKeyIds.size() +
                                       written.changes.changedKeyIds.size() +
                                       written.changes.removedKeyIds.size()),
                   "count");
        }
        return written.error;
    };

    // 1 % of the keys renamed.
    CacheSnapshot synced = snapshot;
    for (int i = 0; i < synced.keys.size(); i += 100)
        synced.keys[i].name += QStringLiteral(" (synced)");
    error = syncWrite("sync write, 1% changed (worker)", synced);
    if (!error.isEmpty())
        return fail(error);
    // The same snapshot again: what most syncs of a quiet organisation write.
    error = syncWrite("sync write, nothing changed (worker)", synced);
    if (!error.isEmpty())
        return fail(error);
    // 1 % of the keys deleted and as many created, the new ones listed first.
    CacheSnapshot churned = synced;
    QList<ApiKey> created;
    for (int i = synced.keys.size() - 1; i >= 0; i -= 100) {
        ApiKey k = churned.keys.takeAt(i);
        k.id = QString(k.id + QStringLiteral("-new"));
        created.append(k);
    }
    churned.keys = created + churned.keys;
    error = syncWrite("sync write, 1% deleted+created (worker)", churned);
    if (!error.isEmpty())
        return fail(error);
    report("cache file size after syncs", QFileInfo(path).size() / 1048576.0, "MiB");
    {
        std::unique_ptr<CacheStore> reread = CacheStore::open(path, cacheKey, &openError);
        if (!reread)
            return fail(openError.message);
        timer.restart();
        const CacheSnapshot after = reread->load(&error);
        report("cache load after syncs", static_cast<double>(timer.elapsed()), "ms");
        if (after.keys != churned.keys)
            return fail(QStringLiteral("the cache did not return the synced keys in order"));
    }

    models::KeyTableModel model;
    models::KeyFilterProxy proxy;
    proxy.setSourceModel(&model);
    timer.restart();
    model.setKeys(loaded.keys);
    report("table fill", static_cast<double>(timer.elapsed()), "ms");
    QList<ApiKey> changed = loaded.keys;
    for (int i = 0; i < changed.size(); i += 100)
        changed[i].name += QStringLiteral(" (renamed)");
    timer.restart();
    model.setKeys(changed);
    report("table update, 1% changed", static_cast<double>(timer.elapsed()), "ms");
    timer.restart();
    proxy.setSearchText(QStringLiteral("renamed"));
    report("search filter", static_cast<double>(timer.elapsed()), "ms");
    report("search matches", proxy.rowCount(), "rows");
    timer.restart();
    proxy.setSearchText(QString());
    proxy.sort(0);
    report("sort by name", static_cast<double>(timer.elapsed()), "ms");
    report("keys", keys.size(), "count");
    return 0;
}
