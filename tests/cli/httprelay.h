#pragma once

// A small HTTP relay for the CLI tests that need a server answering what the sandbox never would: it forwards
// each request to a SandboxServer and rewrites the reply's body on the way back.

#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <functional>
#include <utility>

namespace pktest {

/// A one-request-per-connection HTTP relay on 127.0.0.1 to `target`: forwards each request and passes the
/// reply through `rewrite(method, path, body)` before answering with `Connection: close`.
class Relay : public QObject
{
public:
    using Rewrite = std::function<QByteArray(const QByteArray &, const QByteArray &, const QByteArray &)>;

    Relay(const QUrl &target, Rewrite rewrite) : m_target(target), m_rewrite(std::move(rewrite))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    QUrl baseUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort())); }

private:
    void onData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        if (requestLine.size() < 2)
            return socket->abort();
        qsizetype length = 0;
        QList<std::pair<QByteArray, QByteArray>> headers;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = lines[i].left(colon).trimmed();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                length = value.toLongLong();
            if (name.compare("x-portkey-api-key", Qt::CaseInsensitive) == 0 ||
                name.compare("content-type", Qt::CaseInsensitive) == 0)
                headers.append({name, value});
        }
        if (buffer.size() < headerEnd + 4 + length)
            return;
        const QByteArray method = requestLine[0];
        const QByteArray target = requestLine[1];
        const QByteArray body = buffer.mid(headerEnd + 4, length);
        m_buffers.remove(socket);

        QUrl url = m_target;
        url.setPath(QString());
        url = url.resolved(QUrl::fromEncoded(target));
        QNetworkRequest request(url);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        const QPointer<QTcpSocket> guarded(socket);
        connect(reply, &QNetworkReply::finished, this, [this, reply, guarded, method, url] {
            reply->deleteLater();
            if (!guarded)
                return;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray out = m_rewrite(method, url.path().toUtf8(), reply->readAll());
            guarded->write(QByteArray("HTTP/1.1 " + QByteArray::number(status) +
                                      " Relayed\r\nContent-Type: application/json\r\nContent-Length: " +
                                      QByteArray::number(out.size()) + "\r\nConnection: close\r\n\r\n" +
                                      out));
            guarded->disconnectFromHost();
        });
    }

    QUrl m_target;
    Rewrite m_rewrite;
    QTcpServer m_server;
    QNetworkAccessManager m_nam;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace pktest
