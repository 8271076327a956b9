#pragma once

// A small synchronous HTTP caller for the sandbox tests: real QNetworkAccessManager requests to the real
// sandbox on 127.0.0.1, waited for with a local event loop (test code only).

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QUrlQuery>

namespace sandboxtest {

struct Response
{
    int status = 0; ///< HTTP status; 0 when no HTTP reply arrived
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray raw;
    QJsonObject json; ///< the body when it parsed as a JSON object
    bool parsed = false;
    QByteArray retryAfter;

    QString errorCode() const
    {
        return json.value(QLatin1String("data")).toObject().value(QLatin1String("errorCode")).toString();
    }
    QString message() const
    {
        return json.value(QLatin1String("data")).toObject().value(QLatin1String("message")).toString();
    }
};

class Http
{
public:
    explicit Http(const QUrl &baseUrl) : m_base(baseUrl) {}

    /// Sends `method` to `<base><path>?<query>` with the API key header (when not empty) and an optional
    /// JSON body; waits up to `timeoutMs`.
    Response call(const QByteArray &method, const QString &path, const QString &apiKey,
                  const QJsonObject &body = {}, const QUrlQuery &query = {}, bool sendBody = false,
                  int timeoutMs = 10000)
    {
        QUrl url = m_base;
        url.setPath(url.path() + path);
        url.setQuery(query);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!apiKey.isEmpty())
            request.setRawHeader("x-portkey-api-key", apiKey.toUtf8());
        request.setTransferTimeout(timeoutMs);
        const QByteArray payload =
            (sendBody || !body.isEmpty()) ? QJsonDocument(body).toJson(QJsonDocument::Compact) : QByteArray();
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, payload);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(timeoutMs + 2000);
        Response r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = reply->error();
        r.raw = reply->readAll();
        r.retryAfter = reply->rawHeader("Retry-After");
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.raw, &error);
        r.parsed = error.error == QJsonParseError::NoError && doc.isObject();
        r.json = doc.object();
        reply->deleteLater();
        return r;
    }

    Response get(const QString &path, const QString &key, const QUrlQuery &query = {})
    {
        return call("GET", path, key, {}, query);
    }
    Response post(const QString &path, const QString &key, const QJsonObject &body)
    {
        return call("POST", path, key, body, {}, true);
    }
    Response put(const QString &path, const QString &key, const QJsonObject &body)
    {
        return call("PUT", path, key, body, {}, true);
    }
    Response del(const QString &path, const QString &key, const QJsonObject &body = {})
    {
        return call("DELETE", path, key, body);
    }

private:
    QUrl m_base;
    QNetworkAccessManager m_nam;
};

inline QUrlQuery query(std::initializer_list<std::pair<QString, QString>> items)
{
    QUrlQuery q;
    for (const auto &item : items)
        q.addQueryItem(item.first, item.second);
    return q;
}

} // namespace sandboxtest
