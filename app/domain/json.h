#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <optional>

namespace pk {
class Timestamp;
}

/// Small, total helpers for reading Portkey JSON. None of them throws or asserts: a missing or mistyped
/// field reads as "absent" so that one odd field never loses the rest of an object.
namespace pk::json {

/// Returns the string at `key`, or an empty string when it is absent, null or not a string.
QString string(const QJsonObject &o, QLatin1String key);

/// Returns the number at `key` as a double, or std::nullopt when absent, null or not a number.
/// Numeric strings ("12.5") are accepted, since some Portkey fields are documented as strings.
std::optional<double> number(const QJsonObject &o, QLatin1String key);

/// Returns the integer at `key`, or std::nullopt when absent, null, not a number, or not integral.
std::optional<qint64> integer(const QJsonObject &o, QLatin1String key);

/// Returns the array of strings at `key`; non-string entries are skipped. Absent or null → empty list.
QStringList stringList(const QJsonObject &o, QLatin1String key);

/// Returns the fields of `o` a type does not model (all but `keys`), kept so they round-trip through the
/// cache — minus anything that may carry a secret, at any depth: members named like one (`…key`, `…secret`,
/// `…token`, `…password`, `…credential(s)`, `authorization`, `bearer…`) and string values shaped like one
/// (see looksLikeSecret()). The app never needs such values, and dropping them keeps them out of the cache,
/// logs and exports.
QJsonObject unmodelled(QJsonObject o, std::initializer_list<QLatin1String> keys);

/// True for text shaped like an API secret: after trimming, an optional `Bearer `/`Basic `/`Token ` scheme
/// and any `*` (unless it is a real mask with at most 8 visible characters), at least 16 characters of
/// `[A-Za-z0-9_+/=.-]` mixing upper case, lower case and digits, and not a UUID. Portkey secrets and most
/// bearer tokens fit; an all-lower-case secret under an innocuous name does not, which is why names are
/// checked too.
bool looksLikeSecret(const QString &text);

/// `text` when it is masked the way Portkey masks keys (`Xk*******S4`: a run of `*` with at most 8 visible
/// characters); otherwise a mask made from it (first 2 + `*******` + last 2), so a full secret sent where a
/// masked key belongs is never kept.
QString enforceMasked(const QString &text);

/// Writes `value` under `key` unless it is empty (then the key is left out).
void putIfNotEmpty(QJsonObject &o, QLatin1String key, const QString &value);

/// Writes `value` under `key` as Timestamp::toJson() gives it, unless it is none (then the key is left out).
void putIfSet(QJsonObject &o, QLatin1String key, const Timestamp &value);

/// Copies every field of `extra` that `o` does not already have.
void mergeExtra(QJsonObject &o, const QJsonObject &extra);

} // namespace pk::json
