#include "json.h"

#include "timestamp.h"

#include <QRegularExpression>

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

namespace {

bool secretName(const QString &name)
{
    const QString lower = name.toLower();
    for (const char *word : {"secret", "password", "passwd", "token", "credential", "private_key", "apikey",
                             "authoriz", "bearer"}) {
        if (lower.contains(QLatin1String(word)))
            return true;
    }
    return lower == QLatin1String("key") || lower.endsWith(QLatin1String("_key")) ||
           lower.endsWith(QLatin1String("-key")) || name.endsWith(QLatin1String("Key")) ||
           lower.endsWith(QLatin1String("api_key_value")) || lower.endsWith(QLatin1String("_key_value"));
}

QJsonValue scrubbed(const QJsonValue &v);

QJsonObject scrubbedObject(const QJsonObject &o)
{
    QJsonObject out;
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (secretName(it.key()) || (it.value().isString() && looksLikeSecret(it.value().toString())))
            continue;
        out.insert(it.key(), scrubbed(it.value()));
    }
    return out;
}

QJsonValue scrubbed(const QJsonValue &v)
{
    if (v.isObject())
        return scrubbedObject(v.toObject());
    if (v.isArray()) {
        QJsonArray out;
        const QJsonArray in = v.toArray();
        for (const QJsonValue &e : in) {
            if (!(e.isString() && looksLikeSecret(e.toString())))
                out.append(scrubbed(e));
        }
        return out;
    }
    return v;
}

} // namespace

QJsonObject unmodelled(QJsonObject o, std::initializer_list<QLatin1String> keys)
{
    for (const QLatin1String &k : keys)
        o.remove(k);
    return scrubbedObject(o);
}

bool looksLikeSecret(const QString &raw)
{
    QString text = raw.trimmed();
    for (const char *scheme : {"bearer ", "basic ", "token "}) {
        if (text.startsWith(QLatin1String(scheme), Qt::CaseInsensitive))
            text = text.mid(int(qstrlen(scheme))).trimmed();
    }
    if (text.contains(QLatin1Char('*'))) {
        // A mask (`Xk*******S4`) shows at most 8 characters; more visible text is a secret with stars added.
        if (text.size() - text.count(QLatin1Char('*')) <= 8)
            return false;
        text.remove(QLatin1Char('*'));
    }
    if (text.size() < 16)
        return false;
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    if (uuid.match(text).hasMatch())
        return false;
    bool upper = false, lower = false, digit = false;
    for (const QChar c : text) {
        if (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            upper = true;
        else if (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            lower = true;
        else if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            digit = true;
        else if (!QStringLiteral("_+/=.-").contains(c))
            return false;
    }
    return upper && lower && digit;
}

QString enforceMasked(const QString &text)
{
    if (text.isEmpty())
        return text;
    const qsizetype visible = text.size() - text.count(QLatin1Char('*'));
    if (text.contains(QLatin1Char('*')) && visible <= 8)
        return text;
    if (text.size() < 8)
        return QStringLiteral("*******");
    return QString(text.left(2) + QStringLiteral("*******") + text.right(2));
}

void putIfNotEmpty(QJsonObject &o, QLatin1String key, const QString &value)
{
    if (!value.isEmpty())
        o.insert(key, value);
}

void putIfSet(QJsonObject &o, QLatin1String key, const Timestamp &value)
{
    if (!value.isNone())
        o.insert(key, value.toJson());
}

void mergeExtra(QJsonObject &o, const QJsonObject &extra)
{
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        if (!o.contains(it.key()))
            o.insert(it.key(), it.value());
    }
}

} // namespace pk::json
