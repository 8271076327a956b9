#include "timestamp.h"

#include <QTimeZone>

namespace pk {

Timestamp Timestamp::fromJson(const QJsonValue &value)
{
    if (value.isString())
        return fromString(value.toString());
    if (value.isNull() || value.isUndefined())
        return {};
    Timestamp t;
    t.m_raw = value.isDouble() ? QString::number(value.toDouble(), 'g', 17) : QStringLiteral("?");
    return t;
}

Timestamp Timestamp::fromString(const QString &text)
{
    Timestamp t;
    const QString s = text.trimmed();
    if (s.isEmpty())
        return t;
    t.m_raw = s;
    // Qt::ISODateWithMs accepts fractions of any length, `Z` and `±hh:mm` offsets. A date-time without a
    // zone is not an instant (its meaning depends on the sender), so it is kept raw.
    QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (dt.isValid() && dt.timeSpec() != Qt::LocalTime)
        t.m_instant = dt.toUTC();
    return t;
}

Timestamp Timestamp::fromUtc(const QDateTime &instant)
{
    Timestamp t;
    if (!instant.isValid())
        return t;
    t.m_instant = instant.toUTC();
    t.m_raw = t.toWire();
    return t;
}

QString Timestamp::toWire() const
{
    if (m_instant.isValid())
        return m_instant.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + QLatin1Char('Z');
    return m_raw;
}

QJsonValue Timestamp::toJson() const
{
    if (isNone())
        return QJsonValue::Null;
    return toWire();
}

QString Timestamp::toLocalDisplay() const
{
    if (isNone())
        return {};
    if (!m_instant.isValid())
        return QStringLiteral("unknown (%1)").arg(m_raw);
    const QDateTime local = m_instant.toLocalTime();
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm ")) + local.timeZoneAbbreviation();
}

} // namespace pk
