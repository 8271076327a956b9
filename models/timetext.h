#pragma once

#include "domain/timestamp.h"

#include <QDateTime>
#include <QString>

/// Time texts shared by the models: relative expiry, local time with zone, UTC instant.
namespace pk::models {

/// Relative text for `instant` seen from `nowUtc`: "in 3 days", "in 2 hours", "in 5 minutes",
/// "in less than a minute", "2 hours ago", "3 days ago", "just now". Units: the largest whole unit among
/// years (365 days), months (30 days), days, hours, minutes. Both arguments are instants (any time spec).
QString relativeTimeText(const QDateTime &instant, const QDateTime &nowUtc);

/// The expiry as shown in a table: "never" for none, "unknown (raw)" for an unparseable value, else
/// relativeTimeText().
QString expiryText(const Timestamp &expiresAt, const QDateTime &nowUtc);

/// A tool tip for an instant: "2026-12-03 14:05:00 CET (local)\n2026-12-03 13:05:00 UTC"; "never" for
/// none; "unknown (raw)" for an unparseable value.
QString instantToolTip(const Timestamp &t, const QString &noneText);

/// Local time with the zone abbreviation ("2026-12-03 14:05 CET"); empty for none; "unknown (raw)" when
/// unparseable (Timestamp::toLocalDisplay()).
QString localTimeText(const Timestamp &t);

} // namespace pk::models
