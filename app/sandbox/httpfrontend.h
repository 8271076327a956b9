#pragma once

#include "router.h"
#include "sandboxserver.h"

#include <QAbstractHttpServer>

namespace pk::sandbox {

/// The HTTP side of the sandbox: receives requests on 127.0.0.1, records them (without the API key), applies
/// injected faults, hands the request to the Router and writes the JSON reply.
class HttpFrontEnd : public QAbstractHttpServer
{
    Q_OBJECT
public:
    explicit HttpFrontEnd(Organisation &org, QObject *parent = nullptr);

    void injectFault(const Fault &fault) { m_faults.append(fault); }
    void clearFaults() { m_faults.clear(); }
    QList<RecordedRequest> recorded() const { return m_recorded; }
    void clearRecorded() { m_recorded.clear(); }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    /// The first fault matching `method` and `path` with uses left; consumes one use.
    std::optional<Fault> takeFault(const QString &method, const QString &path);
    static void writeReply(QTcpSocket *socket, int status, const QByteArray &body, const QString &retryAfter);

    Router m_router;
    QList<Fault> m_faults;
    QList<RecordedRequest> m_recorded;
};

} // namespace pk::sandbox
