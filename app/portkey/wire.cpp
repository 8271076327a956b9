#include "wire.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace pk::wire {

bool isLoopbackHost(const QString &host)
{
    QString h = host.trimmed().toLower();
    if (h.endsWith(QLatin1Char('.')))
        h.chop(1);
    if (h == QLatin1String("localhost"))
        return true;
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    const QHostAddress address(h);
    return !address.isNull() && address.isLoopback();
}

ApiError checkBaseUrl(const QUrl &url)
{
    ApiError e;
    if (!url.isValid() || url.isRelative() || url.host().isEmpty()) {
        e.kind = ApiError::Kind::Invalid;
        e.message = QStringLiteral("The server address \"%1\" is not a complete URL such as "
                                   "https://api.portkey.ai/v1.")
                        .arg(url.toDisplayString());
        return e;
    }
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("https"))
        return e;
    if (scheme == QLatin1String("http") && isLoopbackHost(url.host()))
        return e;
    e.kind = ApiError::Kind::InsecureUrl;
    e.message = QStringLiteral("The server address %1 does not use HTTPS; the API key would travel "
                               "unencrypted. Plain http is allowed only for this computer (localhost).")
                    .arg(url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery));
    return e;
}

ApiError pathSegment(const QString &value, const QString &what, QString *encoded)
{
    encoded->clear();
    bool bad = value.isEmpty() || value == QLatin1String(".") || value == QLatin1String("..");
    QString shown;
    for (const QChar c : value) {
        const bool control = c.category() == QChar::Other_Control || c.category() == QChar::Separator_Line ||
                             c.category() == QChar::Separator_Paragraph;
        if (control || c == QLatin1Char('/') || c == QLatin1Char('\\') || c == QLatin1Char('?') ||
            c == QLatin1Char('#') || c == QLatin1Char('%'))
            bad = true;
        if (control)
            shown += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            shown += c;
    }
    if (!bad) {
        *encoded = QString::fromLatin1(QUrl::toPercentEncoding(value));
        return {};
    }
    ApiError e;
    e.kind = ApiError::Kind::Invalid;
    e.message =
        value.isEmpty()
            ? QStringLiteral("No %1 given.").arg(what)
            : QStringLiteral("The %1 \"%2\" is not valid: an id cannot be \".\" or \"..\", or hold /, \\, "
                             "?, #, % or control characters.")
                  .arg(what, shown.size() > 80 ? QString(shown.left(80) + QStringLiteral("…")) : shown);
    return e;
}

static int effectivePort(const QUrl &u)
{
    const QString scheme = u.scheme().toLower();
    return u.port(scheme == QLatin1String("https") ? 443 : scheme == QLatin1String("http") ? 80 : -1);
}

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && effectivePort(a) == effectivePort(b);
}

int parseRetryAfter(const QByteArray &value, const QDateTime &nowUtc)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return -1;
    bool ok = false;
    const qlonglong delaySeconds = v.toLongLong(&ok);
    if (ok)
        return delaySeconds < 0 ? -1 : int(std::min<qlonglong>(delaySeconds, 365LL * 24 * 3600));

    const QString text = QString::fromLatin1(v);
    QDateTime when = QDateTime::fromString(text, Qt::RFC2822Date);
    if (!when.isValid()) {
        // IMF-fixdate with "GMT", RFC 850 and asctime forms (RFC 9110 §5.6.7); always UTC. The weekday is
        // dropped first: Qt checks it against the date, which fails for RFC 850's two-digit years.
        const QString simplified = text.simplified();
        const int comma = simplified.indexOf(QLatin1Char(','));
        const QString dateOnly =
            comma >= 0 ? simplified.mid(comma + 1).trimmed() : simplified.section(QLatin1Char(' '), 1);
        const QLocale c = QLocale::c();
        for (const char *format :
             {"dd MMM yyyy HH:mm:ss 'GMT'", "dd-MMM-yy HH:mm:ss 'GMT'", "MMM d HH:mm:ss yyyy"}) {
            when = c.toDateTime(dateOnly, QString::fromLatin1(format));
            if (when.isValid()) {
                if (when.date().year() < 1970)
                    when = when.addYears(100);
                when.setTimeSpec(Qt::UTC);
                break;
            }
        }
    }
    if (!when.isValid())
        return -1;
    // A date means "not before": round up, so a retry never comes early.
    const qint64 deltaMs = nowUtc.msecsTo(when.toUTC());
    const qint64 seconds = deltaMs <= 0 ? 0 : (deltaMs + 999) / 1000;
    return int(std::min<qint64>(seconds, 365LL * 24 * 3600));
}

int backoffDelayMs(int attempt, int baseMs, double jitter01)
{
    const int exponent = std::clamp(attempt - 1, 0, 16);
    const double jitter = 0.75 + 0.5 * std::clamp(jitter01, 0.0, 0.999999);
    const double delay = double(std::max(baseMs, 0)) * std::pow(2.0, exponent) * jitter;
    return int(std::min(delay, 30000.0));
}

static QString firstString(const QJsonObject &o, std::initializer_list<const char *> keys)
{
    for (const char *k : keys) {
        const QJsonValue v = o.value(QLatin1String(k));
        if (v.isString() && !v.toString().isEmpty())
            return v.toString();
    }
    return {};
}

ApiError errorFromHttp(int status, const QByteArray &body, const QByteArray &reasonPhrase,
                       const QByteArray &retryAfter, const QDateTime &nowUtc)
{
    ApiError e;
    e.kind = ApiError::Kind::Http;
    e.httpStatus = status;
    e.retryAfterS = parseRetryAfter(retryAfter, nowUtc);

    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error == QJsonParseError::NoError && doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue data = o.value(QLatin1String("data"));
        const QJsonValue error = o.value(QLatin1String("error"));
        if (data.isObject()) {
            const QJsonObject d = data.toObject();
            e.message = firstString(d, {"message", "error"});
            e.code = firstString(d, {"errorCode", "error_code", "code"});
        } else if (error.isObject()) {
            const QJsonObject d = error.toObject();
            e.message = firstString(d, {"message"});
            e.code = firstString(d, {"errorCode", "code", "type"});
        } else if (error.isString()) {
            e.message = error.toString();
        }
        if (e.message.isEmpty())
            e.message = firstString(o, {"message", "detail", "msg"});
        if (e.code.isEmpty())
            e.code = firstString(o, {"errorCode", "code"});
    } else {
        const QString text = QString::fromUtf8(body).simplified();
        e.message = text.size() > 300 ? QString(text.left(300) + QStringLiteral("…")) : text;
    }
    if (e.message.isEmpty())
        e.message = reasonPhrase.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                                           : QString::fromLatin1(reasonPhrase);
    return e;
}

static ApiError parseError(const QByteArray &body, const QJsonParseError &pe)
{
    ApiError e;
    e.kind = ApiError::Kind::Parse;
    if (pe.error != QJsonParseError::NoError)
        e.message = QStringLiteral("The server's reply is not valid JSON (%1 at byte %2 of %3); it may have "
                                   "been cut off.")
                        .arg(pe.errorString())
                        .arg(pe.offset)
                        .arg(body.size());
    else
        e.message = QStringLiteral("The server's reply is JSON but not the object the API promises.");
    return e;
}

ApiError parseObject(const QByteArray &body, bool emptyIsOk, QJsonObject *out)
{
    *out = {};
    if (body.trimmed().isEmpty()) {
        if (emptyIsOk)
            return {};
        ApiError e;
        e.kind = ApiError::Kind::Parse;
        e.message = QStringLiteral("The server sent an empty reply where the API promises a JSON object.");
        return e;
    }
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return parseError(body, pe);
    *out = doc.object();
    return {};
}

ApiError parseListPage(const QByteArray &body, QLatin1String arrayKey, ListPage *out)
{
    *out = {};
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return parseError(body, pe);
    const QJsonObject o = doc.object();
    QJsonValue array = o.value(arrayKey);
    if (!array.isArray())
        array = o.value(QLatin1String("data"));
    if (!array.isArray())
        array = o.value(QLatin1String("records"));
    if (!array.isArray()) {
        ApiError e;
        e.kind = ApiError::Kind::Parse;
        e.message = QStringLiteral("The server's list reply holds no \"%1\" array.").arg(arrayKey);
        return e;
    }
    const QJsonArray items = array.toArray();
    out->items.reserve(items.size());
    for (const QJsonValue &v : items) {
        if (v.isObject())
            out->items.append(v.toObject());
    }
    const QJsonValue total = o.value(QLatin1String("total"));
    if (total.isDouble() && total.toDouble() >= 0)
        out->total = int(std::min(total.toDouble(), 2.0e9));
    else if (total.isString())
        out->total = total.toString().toInt();
    return {};
}

void setPageQuery(QUrlQuery &query, PagingStyle style, int page, int pageSize)
{
    const bool snake = style == PagingStyle::SnakeCase;
    const QString pageKey = snake ? QStringLiteral("current_page") : QStringLiteral("currentPage");
    const QString sizeKey = snake ? QStringLiteral("page_size") : QStringLiteral("pageSize");
    query.removeAllQueryItems(pageKey);
    query.removeAllQueryItems(sizeKey);
    query.addQueryItem(pageKey, QString::number(page));
    query.addQueryItem(sizeKey, QString::number(pageSize));
}

PageCollector::PageCollector(int pageSize, int maxPages)
    : m_pageSize(std::max(pageSize, 1)), m_maxPages(std::max(maxPages, 1))
{}

int PageCollector::pageLimit() const
{
    if (m_firstTotal < 0)
        return m_maxPages;
    const qint64 implied = (qint64(m_firstTotal) + m_pageSize - 1) / m_pageSize + 1;
    return int(std::min<qint64>(implied, m_maxPages));
}

PageCollector::Next PageCollector::addPage(const ListPage &page)
{
    ++m_pages;
    if (page.total >= 0) {
        m_total = page.total;
        if (m_firstTotal < 0)
            m_firstTotal = page.total;
    }
    int fresh = 0;
    for (const QJsonObject &item : page.items) {
        const QString id = item.value(QLatin1String("id")).toString();
        if (!id.isEmpty()) {
            if (m_ids.contains(id)) {
                ++m_duplicates;
                continue;
            }
            m_ids.insert(id);
        }
        m_items.append(item);
        ++fresh;
    }
    if (page.items.isEmpty() || page.items.size() < m_pageSize)
        return Next::Complete;
    if (fresh == 0)
        return Next::StoppedOnRepeat;
    if (m_total >= 0 && count() >= m_total)
        return Next::Complete;
    if (m_pages >= pageLimit())
        return Next::TooManyPages;
    return Next::More;
}

QString keyHint(const QByteArray &key)
{
    if (key.isEmpty())
        return {};
    if (key.size() <= 8)
        return QStringLiteral("…");
    return QString(QStringLiteral("…") + QString::fromLatin1(key.right(4)));
}

QString redact(const QString &text, const QByteArray &key)
{
    if (key.isEmpty())
        return text;
    QString out = text;
    out.replace(QString::fromLatin1(key), keyHint(key));
    return out;
}

} // namespace pk::wire
