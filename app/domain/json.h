#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <optional>

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

/// Returns `o` without the given keys: the fields a type does not model, kept so they round-trip.
QJsonObject without(QJsonObject o, std::initializer_list<QLatin1String> keys);

/// Writes `value` under `key` unless it is empty (then the key is left out).
void putIfNotEmpty(QJsonObject &o, QLatin1String key, const QString &value);

/// Copies every field of `extra` that `o` does not already have.
void mergeExtra(QJsonObject &o, const QJsonObject &extra);

} // namespace pk::json
