#include "models/timetext.h"

namespace pk::models {

namespace {

QString amount(qint64 n, const char *unit)
{
    const QString u = QLatin1String(unit);
    return n == 1 ? QStringLiteral("1 %1").arg(u) : QStringLiteral("%1 %2s").arg(n).arg(u);
}

} // namespace

QString relativeTimeText(const QDateTime &instant, const QDateTime &nowUtc)
{
    const qint64 secs = nowUtc.secsTo(instant);
    const bool future = secs > 0;
    const qint64 a = secs < 0 ? -secs : secs;
    if (a < 60)
        return future ? QStringLiteral("in less than a minute") : QStringLiteral("just now");
    constexpr qint64 minute = 60, hour = 60 * minute, day = 24 * hour;
    QString span;
    if (a < hour)
        span = amount(a / minute, "minute");
    else if (a < day)
        span = amount(a / hour, "hour");
    else if (a < 30 * day)
        span = amount(a / day, "day");
    else if (a < 365 * day)
        span = amount(a / (30 * day), "month");
    else
        span = amount(a / (365 * day), "year");
    return future ? QStringLiteral("in %1").arg(span) : QStringLiteral("%1 ago").arg(span);
}

QString expiryText(const Timestamp &expiresAt, const QDateTime &nowUtc)
{
    if (expiresAt.isNone())
        return QStringLiteral("never");
    if (expiresAt.isUnparseable())
        return expiresAt.toLocalDisplay();
    return relativeTimeText(expiresAt.utc(), nowUtc);
}

QString instantToolTip(const Timestamp &t, const QString &noneText)
{
    if (t.isNone())
        return noneText;
    if (t.isUnparseable())
        return t.toLocalDisplay();
    const QDateTime local = t.utc().toLocalTime();
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) + local.timeZoneAbbreviation() +
           QStringLiteral(" (local)\n") + t.utc().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
           QStringLiteral(" UTC");
}

QString localTimeText(const Timestamp &t)
{
    return t.toLocalDisplay();
}

} // namespace pk::models
