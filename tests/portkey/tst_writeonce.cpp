// Every write reaches the server at most once. A raw TCP server on 127.0.0.1 reads one HTTP request per
// connection and closes the socket without answering, the case where Qt's HTTP layer would otherwise re-send
// the request on a new connection. Each write (POST with and without a body, PUT, DELETE with and without a
// body) must arrive exactly once and end with ApiError::OutcomeUnknown, the kind the Session re-reads after.
#include "portkey/adminapiclient.h"

#include <QDeadlineTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <functional>
#include <optional>

using namespace pk;

namespace {

/// Accepts connections, reads one complete request (head and `Content-Length` body) from each and then
/// closes the connection without a reply. Keeps the request line of every request that arrived.
class DroppingServer : public QObject
{
public:
    DroppingServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { readFrom(socket); });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    /// The request lines (`METHOD /path HTTP/1.1`) received so far, one per request.
    QList<QByteArray> requests;
    /// The bodies received so far, one per request.
    QList<QByteArray> bodies;

private:
    void readFrom(QTcpSocket *socket)
    {
        QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
        socket->setProperty("buffer", buffer);
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0 || socket->property("done").toBool())
            return;
        const QByteArray head = buffer.left(headEnd);
        qsizetype length = 0;
        for (const QByteArray &line : head.split('\n')) {
            const QByteArray trimmed = line.trimmed();
            if (trimmed.toLower().startsWith("content-length:"))
                length = trimmed.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < headEnd + 4 + length)
            return;
        socket->setProperty("done", true);
        requests.append(head.left(head.indexOf("\r\n")));
        bodies.append(buffer.mid(headEnd + 4, length));
        socket->abort(); // drop the connection: no status line, no reply
    }

    QTcpServer m_server;
};

/// Runs one write whose result type is T and reports its error, or nullopt after 20 s.
template <class T, class Start> std::optional<ApiError> errorOf(Start start)
{
    std::optional<ApiError> out;
    start([&out](const ApiResult<T> &r) { out = r.error; });
    const QDeadlineTimer deadline(20000);
    while (!out && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    return out;
}

} // namespace

class TestWriteOnce : public QObject
{
    Q_OBJECT

private slots:
    void writeArrivesOnce_data();
    void writeArrivesOnce();
};

using Write = std::function<std::optional<ApiError>(AdminApiClient &)>;
Q_DECLARE_METATYPE(Write)

void TestWriteOnce::writeArrivesOnce_data()
{
    QTest::addColumn<Write>("write");
    QTest::addColumn<QByteArray>("requestLine");
    QTest::addColumn<QByteArray>("body"); // exactly the body that arrived: empty when the spec has none

    QTest::newRow("rotate without body") << Write([](AdminApiClient &c) {
        return errorOf<IssuedSecret>(
            [&](auto done) { return c.rotateApiKey(QStringLiteral("key-1"), std::nullopt, done); });
    }) << QByteArray("POST /v1/api-keys/key-1/rotate HTTP/1.1")
                                         << QByteArray();
    QTest::newRow("rotate with body") << Write([](AdminApiClient &c) {
        return errorOf<IssuedSecret>(
            [&](auto done) { return c.rotateApiKey(QStringLiteral("key-1"), qint64(60000), done); });
    }) << QByteArray("POST /v1/api-keys/key-1/rotate HTTP/1.1")
                                      << QByteArray(R"({"key_transition_period_ms":60000})");
    QTest::newRow("create") << Write([](AdminApiClient &c) {
        WorkspaceDraft draft;
        draft.name = QStringLiteral("once");
        return errorOf<Workspace>([&](auto done) { return c.createWorkspace(draft, done); });
    }) << QByteArray("POST /v1/admin/workspaces HTTP/1.1")
                            << QByteArray(R"({"name":"once"})");
    QTest::newRow("update") << Write([](AdminApiClient &c) {
        return errorOf<bool>([&](auto done) {
            return c.updateApiKey(QStringLiteral("key-1"),
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("renamed")}}, done);
        });
    }) << QByteArray("PUT /v1/api-keys/key-1 HTTP/1.1")
                            << QByteArray(R"({"name":"renamed"})");
    QTest::newRow("delete") << Write([](AdminApiClient &c) {
        return errorOf<bool>([&](auto done) { return c.deleteApiKey(QStringLiteral("key-1"), done); });
    }) << QByteArray("DELETE /v1/api-keys/key-1 HTTP/1.1")
                            << QByteArray();
    QTest::newRow("delete workspace (with body)") << Write([](AdminApiClient &c) {
        return errorOf<bool>([&](auto done) {
            return c.deleteWorkspace(QStringLiteral("ws-1"), QStringLiteral("Once"), false, done);
        });
    }) << QByteArray("DELETE /v1/admin/workspaces/ws-1 HTTP/1.1")
                                                  << QByteArray(R"({"name":"Once"})");
}

void TestWriteOnce::writeArrivesOnce()
{
    QFETCH(Write, write);
    QFETCH(QByteArray, requestLine);
    QFETCH(QByteArray, body);

    DroppingServer server;
    QVERIFY(server.listen());
    AdminApiClient client;
    client.setApiKey(QByteArrayLiteral("pk-write-once-test-key"));
    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(server.port()))).isError());

    const std::optional<ApiError> error = write(client);
    QVERIFY2(error.has_value(), "the write did not finish within 20 s");
    QCOMPARE(error->kind, ApiError::Kind::OutcomeUnknown);
    QVERIFY2(error->userText().contains(QStringLiteral("Refresh")), qPrintable(error->userText()));

    // A re-send would arrive on a new connection right after the drop: give it time to show up.
    QTest::qWait(300);
    QCOMPARE(server.requests.size(), 1);
    QCOMPARE(server.requests.first(), requestLine);
    QCOMPARE(server.bodies.first(), body);
}

QTEST_GUILESS_MAIN(TestWriteOnce)
#include "tst_writeonce.moc"
