#include "json.h"

#include <cmath>

namespace pk::json {

QString string(const QJsonObject &o, QLatin1String key)
{
    const QJsonValue v = o.value(key);
    return v.isString() ? v.toString() : QString();
}

std::optional<double> number(const QJsonObject &o, QLatin1String key)
{
    const QJsonValue v = o.value(key);
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) {
        bool ok = false;
        const double d = v.toString().toDouble(&ok);
        if (ok)
            return d;
    }
    return std::nullopt;
}

std::optional<qint64> integer(const QJsonObject &o, QLatin1String key)
{
    const std::optional<double> d = number(o, key);
    if (!d || std::isnan(*d) || std::floor(*d) != *d || std::fabs(*d) > 9.0e15)
        return std::nullopt;
    return static_cast<qint64>(*d);
}

QStringList stringList(const QJsonObject &o, QLatin1String key)
{
    QStringList out;
    const QJsonArray a = o.value(key).toArray();
    for (const QJsonValue &v : a) {
        if (v.isString())
            out.append(v.toString());
    }
    return out;
}

QJsonObject without(QJsonObject o, std::initializer_list<QLatin1String> keys)
{
    for (const QLatin1String &k : keys)
        o.remove(k);
    return o;
}

void putIfNotEmpty(QJsonObject &o, QLatin1String key, const QString &value)
{
    if (!value.isEmpty())
        o.insert(key, value);
}

void mergeExtra(QJsonObject &o, const QJsonObject &extra)
{
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        if (!o.contains(it.key()))
            o.insert(it.key(), it.value());
    }
}

} // namespace pk::json
