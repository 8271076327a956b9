#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace pk {

/// A point in time as Portkey sends it: an ISO 8601 date-time with `Z` or an offset, with or without
/// milliseconds (openapi.yaml `format: date-time`). Three states:
///  - none: the field was absent, `null` or `""` (ADMIN-API.md §9: no `expires_at` means "never");
///  - an instant, held in UTC;
///  - unparseable: the original text is kept raw and shown as unknown, never as 1970.
class Timestamp
{
public:
    Timestamp() = default;

    /// Parses a JSON value; never fails (see the three states above).
    static Timestamp fromJson(const QJsonValue &value);
    /// Parses text the same way as fromJson().
    static Timestamp fromString(const QString &text);
    /// Wraps an instant; an invalid QDateTime gives "none". The instant is converted to UTC.
    static Timestamp fromUtc(const QDateTime &instant);

    bool isNone() const { return !m_instant.isValid() && m_raw.isEmpty(); }
    bool isValid() const { return m_instant.isValid(); }
    bool isUnparseable() const { return !m_instant.isValid() && !m_raw.isEmpty(); }

    /// The instant in UTC; invalid unless isValid().
    QDateTime utc() const { return m_instant; }
    /// The text as received (empty for "none").
    QString raw() const { return m_raw; }

    /// The wire form: `yyyy-MM-ddTHH:mm:ss.zzzZ` for an instant, the raw text when unparseable, null for
    /// none.
    QJsonValue toJson() const;
    /// Like toJson() but as text; empty for none.
    QString toWire() const;

    /// For display: local time with the zone abbreviation ("2026-12-03 14:05 CET"), "never"-style
    /// text is the caller's; an unparseable value shows as "unknown (raw)".
    QString toLocalDisplay() const;

    bool operator==(const Timestamp &o) const { return m_instant == o.m_instant && m_raw == o.m_raw; }
    bool operator!=(const Timestamp &o) const { return !(*this == o); }

private:
    QDateTime m_instant; // UTC
    QString m_raw;
};

} // namespace pk
