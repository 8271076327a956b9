#pragma once

#include "domain/apikey.h"
#include "domain/workspace.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <ctime>

/// Small builders of domain values for the model tests.
namespace pktest {

inline QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QLatin1String(iso), Qt::ISODate).toUTC();
}

inline pk::ApiKey makeKey(const QString &id, const QString &name, const QString &workspace = {},
                          const QString &type = QStringLiteral("workspace-service"),
                          const QString &status = QStringLiteral("active"))
{
    pk::ApiKey k;
    k.id = id;
    k.name = name;
    k.maskedKey = QStringLiteral("Xk*******") + id.right(2);
    k.type = type;
    k.workspaceId = type == QLatin1String("organisation-service") ? QString() : workspace;
    k.status = status;
    k.scopes = {QStringLiteral("completions.write"), QStringLiteral("logs.view")};
    k.createdAt = pk::Timestamp::fromUtc(utc("2026-01-15T12:30:00Z"));
    return k;
}

inline pk::Workspace makeWorkspace(const QString &id, const QString &slug, const QString &name)
{
    pk::Workspace w;
    w.id = id;
    w.slug = slug;
    w.name = name;
    w.createdAt = pk::Timestamp::fromUtc(utc("2025-11-02T08:00:00Z"));
    return w;
}

/// `count` keys spread over `workspaces` workspace ids "ws-<n>", with varied types, statuses and expiry.
inline QList<pk::ApiKey> manyKeys(int count, int workspaces, int seed = 0)
{
    QList<pk::ApiKey> keys;
    keys.reserve(count);
    const QDateTime base = utc("2026-06-01T12:00:00Z");
    for (int i = 0; i < count; ++i) {
        const QString id = QStringLiteral("key-%1").arg(i, 6, 10, QLatin1Char('0'));
        const QString type = i % 10 == 0  ? QStringLiteral("organisation-service")
                             : i % 3 == 0 ? QStringLiteral("workspace-user")
                                          : QStringLiteral("workspace-service");
        pk::ApiKey k = makeKey(id, QStringLiteral("Key %1 %2").arg(i).arg(seed),
                               QStringLiteral("ws-%1").arg(i % workspaces), type,
                               i % 50 == 0 ? QStringLiteral("exhausted") : QStringLiteral("active"));
        if (i % 4 != 0)
            k.expiresAt = pk::Timestamp::fromUtc(base.addSecs(qint64(i % 1000 - 200) * 3600));
        k.description = QStringLiteral("Used by service %1").arg(i % 97);
        keys.append(k);
    }
    return keys;
}

/// Wall-clock and CPU time of this thread since the last lap, as "W ms wall / C ms cpu": on a shared
/// machine the CPU figure is the one to compare.
class Stopwatch
{
public:
    Stopwatch() { restart(); }
    void restart()
    {
        m_wall.start();
        m_cpu = cpuMs();
    }
    QString lap()
    {
        const QString text =
            QStringLiteral("%1 ms wall / %2 ms cpu").arg(m_wall.elapsed()).arg(cpuMs() - m_cpu);
        restart();
        return text;
    }

private:
    static qint64 cpuMs()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
    }
    QElapsedTimer m_wall;
    qint64 m_cpu = 0;
};

inline QList<pk::Workspace> manyWorkspaces(int count)
{
    QList<pk::Workspace> out;
    for (int i = 0; i < count; ++i)
        out.append(makeWorkspace(QStringLiteral("ws-%1").arg(i), QStringLiteral("slug-%1").arg(i),
                                 QStringLiteral("Workspace %1").arg(i)));
    return out;
}

} // namespace pktest
