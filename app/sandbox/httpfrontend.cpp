#include "httpfrontend.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace pk::sandbox {

namespace {

QString methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return u"GET"_s;
    case QHttpServerRequest::Method::Put:
        return u"PUT"_s;
    case QHttpServerRequest::Method::Delete:
        return u"DELETE"_s;
    case QHttpServerRequest::Method::Post:
        return u"POST"_s;
    case QHttpServerRequest::Method::Head:
        return u"HEAD"_s;
    case QHttpServerRequest::Method::Options:
        return u"OPTIONS"_s;
    case QHttpServerRequest::Method::Patch:
        return u"PATCH"_s;
    default:
        return u"OTHER"_s;
    }
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 409:
        return "Conflict";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

/// The Admin errorCode that goes with an HTTP status (ADMIN-API.md §1), for faults given without one.
QString defaultCode(int status)
{
    switch (status) {
    case 400:
        return u"AB01"_s;
    case 401:
        return u"AB05"_s;
    case 402:
        return u"AB09"_s;
    case 403:
        return u"AB03"_s;
    case 404:
        return u"AB08"_s;
    case 409:
        return u"AB07"_s;
    case 429:
        return u"AB06"_s;
    default:
        return u"AB04"_s;
    }
}

void addUnknownField(QJsonObject &o)
{
    const QJsonObject extra{{u"introduced_in"_s, u"a later API version"_s}, {u"level"_s, 3}};
    o.insert(u"x_sandbox_unknown"_s, extra);
    for (const QString &listKey : {u"data"_s, u"records"_s}) {
        if (!o.value(listKey).isArray())
            continue;
        QJsonArray items = o.value(listKey).toArray();
        for (auto item : items) {
            if (!item.isObject())
                continue;
            QJsonObject inner = item.toObject();
            inner.insert(u"x_sandbox_unknown"_s, extra);
            item = inner;
        }
        o.insert(listKey, items);
    }
}

} // namespace

HttpFrontEnd::HttpFrontEnd(Organisation &org, QObject *parent) : QAbstractHttpServer(parent), m_router(org) {}

std::optional<Fault> HttpFrontEnd::takeFault(const QString &method, const QString &path)
{
    for (qsizetype i = 0; i < m_faults.size(); ++i) {
        Fault &f = m_faults[i];
        if (!f.method.isEmpty() && f.method.compare(method, Qt::CaseInsensitive) != 0)
            continue;
        const bool matches = f.pathPattern.startsWith(u'^')
                                 ? QRegularExpression(f.pathPattern).match(path).hasMatch()
                                 : f.pathPattern == path;
        if (!matches)
            continue;
        const Fault taken = f;
        if (f.times > 0 && --f.times == 0)
            m_faults.removeAt(i);
        return taken;
    }
    return std::nullopt;
}

void HttpFrontEnd::writeReply(QTcpSocket *socket, int status, const QByteArray &body,
                              const QString &retryAfter)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n" +
                      "Content-Type: application/json; charset=utf-8\r\n" +
                      "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!retryAfter.isEmpty())
        head += "Retry-After: " + retryAfter.toLatin1() + "\r\n";
    socket->write(head + "\r\n" + body);
}

bool HttpFrontEnd::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ApiRequest api;
    api.method = methodName(request.method());
    api.path = request.url().path(QUrl::FullyDecoded);
    api.query = request.query();
    api.body = request.body();
    api.apiKey = QString::fromLatin1(request.value("x-portkey-api-key")).trimmed();

    const std::optional<Fault> fault = takeFault(api.method, api.path);
    Reply reply;
    if (fault && fault->status != 0)
        reply = Reply::error(fault->status, fault->code.isEmpty() ? defaultCode(fault->status) : fault->code,
                             u"Injected fault"_s);
    else
        reply = m_router.dispatch(api);

    RecordedRequest record;
    record.method = api.method;
    record.path = api.path;
    record.query = api.query;
    const QJsonDocument bodyDoc = QJsonDocument::fromJson(api.body);
    if (bodyDoc.isObject())
        record.body = bodyDoc.object();
    else if (bodyDoc.isArray())
        record.body = bodyDoc.array();
    record.status = reply.status;
    m_recorded.append(record);

    if (fault && fault->resetAfterApply) {
        // Send the status line and headers, then drop the connection before the body. Dropping it before any
        // byte would make Qt's HTTP stack silently resend the request (POST included) on the client side.
        const QByteArray body = QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
        socket->write("HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) +
                      "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                      QByteArray::number(body.size()) + "\r\n\r\n");
        socket->disconnectFromHost();
        return true;
    }
    if (fault && fault->extraUnknownField)
        addUnknownField(reply.body);
    QByteArray bytes = QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
    if (fault && fault->truncatedJson)
        bytes.truncate(bytes.size() / 2);
    if (fault && fault->malformedJson)
        bytes = "{\"object\": \"list\", \"data\": [<html>502 Bad Gateway</html>";
    const QString retryAfter = fault ? fault->retryAfter : QString();
    if (fault && fault->delayMs > 0) {
        QPointer<QTcpSocket> guard(socket);
        QTimer::singleShot(fault->delayMs, this, [guard, status = reply.status, bytes, retryAfter] {
            if (guard && guard->state() == QAbstractSocket::ConnectedState)
                writeReply(guard, status, bytes, retryAfter);
        });
        return true;
    }
    writeReply(socket, reply.status, bytes, retryAfter);
    return true;
}

void HttpFrontEnd::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // handleRequest() answers every request; this only runs if a future Qt routes around it.
    const Reply reply = Reply::error(404, u"AB02"_s, QString(u"No route for "_s + request.url().path()));
    writeReply(socket, reply.status, QJsonDocument(reply.body).toJson(QJsonDocument::Compact), {});
}

} // namespace pk::sandbox
