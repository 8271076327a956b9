// The pure rules of the Admin API client: URL policy, Retry-After, backoff, error mapping from raw bytes,
// paging on canned pages, key redaction, and WorkspaceDirectory.
#include "portkey/adminapiclient.h"
#include "portkey/wire.h"
#include "portkey/workspacedirectory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace pk;
using namespace pk::wire;

namespace {

ListPage pageOf(const QStringList &ids, int total = -1)
{
    ListPage p;
    for (const QString &id : ids)
        p.items.append(QJsonObject{{QStringLiteral("id"), id}});
    p.total = total;
    return p;
}

QStringList idRange(int from, int count)
{
    QStringList out;
    for (int i = from; i < from + count; ++i)
        out.append(QStringLiteral("k%1").arg(i));
    return out;
}

} // namespace

class TestWire : public QObject
{
    Q_OBJECT
private slots:
    void loopbackHosts_data();
    void loopbackHosts();
    void baseUrlPolicy_data();
    void baseUrlPolicy();
    void sameOriginRule();
    void retryAfter_data();
    void retryAfter();
    void backoffGrowsAndIsCapped();
    void errorFromAdminBody();
    void errorFromOtherShapes();
    void parseMalformedAndTruncated();
    void parseEmptyBodies();
    void listPageShapes();
    void pagingStopsOnTotal();
    void pagingStopsOnShortOrEmptyPage();
    void pagingDeduplicates();
    void pagingStopsOnRepeatedPage();
    void pagingStopsAtPageLimit();
    void pathSegmentRefuses_data();
    void pathSegmentRefuses();
    void pathSegmentEncodes();
    void pageQueryStyles();
    void keyHintAndRedaction();
    void userTextForEveryKind();
    void workspaceDirectoryResolvesIdAndSlug();
    void clientRefusesInsecureUrl();
};

void TestWire::loopbackHosts_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("localhost") << "localhost" << true;
    QTest::newRow("LOCALHOST.") << "LOCALHOST." << true;
    QTest::newRow("127.0.0.1") << "127.0.0.1" << true;
    QTest::newRow("127.8.9.10") << "127.8.9.10" << true;
    QTest::newRow("::1") << "::1" << true;
    QTest::newRow("[::1]") << "[::1]" << true;
    QTest::newRow("10.0.0.1") << "10.0.0.1" << false;
    QTest::newRow("localhost.evil.com") << "localhost.evil.com" << false;
    QTest::newRow("127.0.0.1.nip.io") << "127.0.0.1.nip.io" << false;
    QTest::newRow("api.portkey.ai") << "api.portkey.ai" << false;
}

void TestWire::loopbackHosts()
{
    QFETCH(QString, host);
    QFETCH(bool, loopback);
    QCOMPARE(isLoopbackHost(host), loopback);
}

void TestWire::baseUrlPolicy_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("kind");
    const int none = int(ApiError::Kind::None);
    const int insecure = int(ApiError::Kind::InsecureUrl);
    const int invalidUrl = int(ApiError::Kind::Invalid);
    QTest::newRow("cloud") << "https://api.portkey.ai/v1" << none;
    QTest::newRow("self-hosted https") << "https://portkey.example.com:8443/v1" << none;
    QTest::newRow("http loopback") << "http://127.0.0.1:8787/v1" << none;
    QTest::newRow("http localhost") << "http://localhost/v1" << none;
    QTest::newRow("http ipv6 loopback") << "http://[::1]:9000/v1" << none;
    QTest::newRow("http remote") << "http://api.portkey.ai/v1" << insecure;
    QTest::newRow("http lan") << "http://192.168.1.5/v1" << insecure;
    QTest::newRow("ftp") << "ftp://127.0.0.1/v1" << insecure;
    QTest::newRow("relative") << "/v1" << invalidUrl;
    QTest::newRow("empty") << "" << invalidUrl;
}

void TestWire::baseUrlPolicy()
{
    QFETCH(QString, url);
    QFETCH(int, kind);
    const ApiError e = checkBaseUrl(QUrl(url));
    QCOMPARE(int(e.kind), kind);
    if (e.isError())
        QVERIFY(!e.message.isEmpty());
}

void TestWire::sameOriginRule()
{
    const QUrl base(QStringLiteral("https://api.portkey.ai/v1/api-keys"));
    QVERIFY(sameOrigin(base, QUrl(QStringLiteral("https://API.portkey.ai:443/v1/other"))));
    QVERIFY(!sameOrigin(base, QUrl(QStringLiteral("http://api.portkey.ai/v1/api-keys"))));
    QVERIFY(!sameOrigin(base, QUrl(QStringLiteral("https://api.portkey.ai:8443/v1"))));
    QVERIFY(!sameOrigin(base, QUrl(QStringLiteral("https://evil.example/v1"))));
    QVERIFY(sameOrigin(QUrl(QStringLiteral("http://127.0.0.1:5000/a")),
                       QUrl(QStringLiteral("http://127.0.0.1:5000/b"))));
    QVERIFY(!sameOrigin(QUrl(QStringLiteral("http://127.0.0.1:5000/a")),
                        QUrl(QStringLiteral("http://127.0.0.1:5001/a"))));
}

void TestWire::retryAfter_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("seconds");
    QTest::newRow("absent") << QByteArray() << -1;
    QTest::newRow("seconds") << QByteArray("120") << 120;
    QTest::newRow("zero") << QByteArray("0") << 0;
    QTest::newRow("padded") << QByteArray("  7 ") << 7;
    QTest::newRow("negative") << QByteArray("-5") << -1;
    QTest::newRow("garbage") << QByteArray("soon") << -1;
    QTest::newRow("imf-fixdate") << QByteArray("Mon, 30 Nov 2026 10:00:30 GMT") << 30;
    QTest::newRow("rfc850") << QByteArray("Monday, 30-Nov-26 10:01:00 GMT") << 60;
    QTest::newRow("asctime") << QByteArray("Mon Nov 30 10:00:05 2026") << 5;
    QTest::newRow("date in the past") << QByteArray("Mon, 30 Nov 2026 09:00:00 GMT") << 0;
    QTest::newRow("huge") << QByteArray("86400") << 86400;
    QTest::newRow("date rounds up") << QByteArray("Mon, 30 Nov 2026 10:00:01 GMT") << 1;
}

void TestWire::retryAfter()
{
    QFETCH(QByteArray, value);
    QFETCH(int, seconds);
    // 10:00:00.400 UTC: a date 0.6 s ahead still means "wait", rounded up to a whole second.
    const QDateTime now(QDate(2026, 11, 30), QTime(10, 0, 0, 400), Qt::UTC);
    QCOMPARE(parseRetryAfter(value, now), seconds);
}

void TestWire::backoffGrowsAndIsCapped()
{
    QCOMPARE(backoffDelayMs(1, 500, 0.5), 500);
    QCOMPARE(backoffDelayMs(2, 500, 0.5), 1000);
    QCOMPARE(backoffDelayMs(3, 500, 0.5), 2000);
    QCOMPARE(backoffDelayMs(1, 500, 0.0), 375);
    QVERIFY(backoffDelayMs(1, 500, 0.999) < 625);
    QCOMPARE(backoffDelayMs(30, 500, 0.5), 30000);
    QCOMPARE(backoffDelayMs(1, 0, 0.5), 0);
}

void TestWire::errorFromAdminBody()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const ApiError e = errorFromHttp(
        403,
        R"({"success":false,"data":{"message":"You do not have enough permissions","errorCode":"AB03"}})",
        "Forbidden", {}, now);
    QCOMPARE(e.kind, ApiError::Kind::Http);
    QCOMPARE(e.httpStatus, 403);
    QCOMPARE(e.code, QStringLiteral("AB03"));
    QCOMPARE(e.message, QStringLiteral("You do not have enough permissions"));
    QVERIFY(e.isForbidden());
    QCOMPARE(e.retryAfterS, -1);

    const ApiError limited = errorFromHttp(
        429, R"({"success":false,"data":{"message":"slow down","errorCode":"AB06"}})", "", "12", now);
    QCOMPARE(limited.retryAfterS, 12);
    QVERIFY(limited.userText().contains(QStringLiteral("12 seconds")));
}

void TestWire::errorFromOtherShapes()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const ApiError openAi = errorFromHttp(
        400, R"({"error":{"message":"bad param","type":"invalid_request_error"}})", "", {}, now);
    QCOMPARE(openAi.message, QStringLiteral("bad param"));
    QCOMPARE(openAi.code, QStringLiteral("invalid_request_error"));

    const ApiError flat = errorFromHttp(404, R"({"message":"no such key","code":"AB08"})", "", {}, now);
    QCOMPARE(flat.message, QStringLiteral("no such key"));
    QCOMPARE(flat.code, QStringLiteral("AB08"));

    const ApiError stringError = errorFromHttp(500, R"({"error":"boom"})", "", {}, now);
    QCOMPARE(stringError.message, QStringLiteral("boom"));

    const ApiError text = errorFromHttp(502, "<html>Bad   gateway</html>\n", "Bad Gateway", {}, now);
    QCOMPARE(text.message, QStringLiteral("<html>Bad gateway</html>"));

    const ApiError empty = errorFromHttp(503, {}, "Service Unavailable", {}, now);
    QCOMPARE(empty.message, QStringLiteral("Service Unavailable"));
    const ApiError nothing = errorFromHttp(503, {}, {}, {}, now);
    QCOMPARE(nothing.message, QStringLiteral("HTTP 503"));

    const ApiError longText = errorFromHttp(500, QByteArray(2000, 'x'), {}, {}, now);
    QVERIFY(longText.message.size() <= 301);
}

void TestWire::parseMalformedAndTruncated()
{
    QJsonObject o;
    ApiError e = parseObject(R"({"id":"k1","name":"tru)", false, &o);
    QCOMPARE(e.kind, ApiError::Kind::Parse);
    QVERIFY2(e.message.contains(QStringLiteral("byte")), qPrintable(e.message));
    QVERIFY(o.isEmpty());

    e = parseObject("[1,2]", false, &o);
    QCOMPARE(e.kind, ApiError::Kind::Parse);

    e = parseObject("{not json", false, &o);
    QCOMPARE(e.kind, ApiError::Kind::Parse);

    ListPage page;
    e = parseListPage(R"({"object":"list","total":3,"data":[{"id":"a"},)", QLatin1String("data"), &page);
    QCOMPARE(e.kind, ApiError::Kind::Parse);
    QVERIFY(page.items.isEmpty());

    e = parseListPage(R"({"object":"list","total":3})", QLatin1String("data"), &page);
    QCOMPARE(e.kind, ApiError::Kind::Parse);
}

void TestWire::parseEmptyBodies()
{
    QJsonObject o;
    QVERIFY(!parseObject("", true, &o).isError());
    QVERIFY(o.isEmpty());
    QVERIFY(!parseObject("{}", true, &o).isError());
    QCOMPARE(parseObject("", false, &o).kind, ApiError::Kind::Parse);
}

void TestWire::listPageShapes()
{
    ListPage page;
    QVERIFY(!parseListPage(R"({"object":"list","total":2,"data":[{"id":"a"},{"id":"b"},3]})",
                           QLatin1String("data"), &page)
                 .isError());
    QCOMPARE(page.items.size(), 2);
    QCOMPARE(page.total, 2);

    QVERIFY(
        !parseListPage(R"({"object":"list","records":[{"method":"POST"}]})", QLatin1String("records"), &page)
             .isError());
    QCOMPARE(page.items.size(), 1);
    QCOMPARE(page.total, -1);

    QVERIFY(!parseListPage(R"({"total":"7","data":[]})", QLatin1String("records"), &page).isError());
    QCOMPARE(page.total, 7);
}

void TestWire::pagingStopsOnTotal()
{
    PageCollector c(2);
    QCOMPARE(c.addPage(pageOf(idRange(0, 2), 4)), PageCollector::Next::More);
    QCOMPARE(c.addPage(pageOf(idRange(2, 2), 4)), PageCollector::Next::Complete);
    QCOMPARE(c.count(), 4);
    QCOMPARE(c.total(), 4);
    QCOMPARE(c.pages(), 2);
}

void TestWire::pagingStopsOnShortOrEmptyPage()
{
    PageCollector c(3);
    QCOMPARE(c.addPage(pageOf(idRange(0, 3))), PageCollector::Next::More);
    QCOMPARE(c.addPage(pageOf(idRange(3, 1))), PageCollector::Next::Complete);
    QCOMPARE(c.count(), 4);

    PageCollector d(3);
    QCOMPARE(d.addPage(pageOf(idRange(0, 3))), PageCollector::Next::More);
    QCOMPARE(d.addPage(pageOf({})), PageCollector::Next::Complete);
    QCOMPARE(d.count(), 3);

    // A `total` larger than what exists must not keep paging past an empty page.
    PageCollector e(3);
    QCOMPARE(e.addPage(pageOf({}, 10)), PageCollector::Next::Complete);
}

void TestWire::pagingDeduplicates()
{
    // An item inserted while paging shifts the next page by one: the overlap is dropped.
    PageCollector c(3);
    QCOMPARE(c.addPage(pageOf(idRange(0, 3), 7)), PageCollector::Next::More);
    QCOMPARE(c.addPage(pageOf({QStringLiteral("k2"), QStringLiteral("k3"), QStringLiteral("k4")}, 7)),
             PageCollector::Next::More);
    QCOMPARE(c.addPage(pageOf(idRange(5, 2), 7)), PageCollector::Next::Complete);
    QCOMPARE(c.count(), 7);
    QCOMPARE(c.duplicates(), 1);
    QStringList ids;
    for (const QJsonObject &o : c.items())
        ids.append(o.value(QStringLiteral("id")).toString());
    QCOMPARE(ids, idRange(0, 7));
}

void TestWire::pagingStopsOnRepeatedPage()
{
    // A server that ignores current_page returns the same full page forever.
    PageCollector c(3);
    QCOMPARE(c.addPage(pageOf(idRange(0, 3), 100)), PageCollector::Next::More);
    QCOMPARE(c.addPage(pageOf(idRange(0, 3), 100)), PageCollector::Next::StoppedOnRepeat);
    QCOMPARE(c.count(), 3);
}

void TestWire::pagingStopsAtPageLimit()
{
    // Fresh ids on every full page while `total` promises 7 items in pages of 3: 3 pages are implied, one
    // more is allowed (items added while paging), then the collector gives up instead of reading forever.
    PageCollector c(3);
    QCOMPARE(c.pageLimit(), PageCollector::kDefaultMaxPages);
    QCOMPARE(c.addPage(pageOf(idRange(0, 3), 7)), PageCollector::Next::More);
    QCOMPARE(c.pageLimit(), 4);
    // A `total` that grows with every page does not raise the limit: the first one counts.
    QCOMPARE(c.addPage(pageOf(idRange(3, 3), 1000)), PageCollector::Next::More);
    QCOMPARE(c.addPage(pageOf(idRange(6, 3), 1000)), PageCollector::Next::More);
    QCOMPARE(c.addPage(pageOf(idRange(9, 3), 1000)), PageCollector::Next::TooManyPages);
    QCOMPARE(c.pages(), 4);

    // Without any `total`, the absolute limit applies.
    PageCollector d(2, 5);
    for (int page = 0; page < 4; ++page)
        QCOMPARE(d.addPage(pageOf(idRange(page * 2, 2))), PageCollector::Next::More);
    QCOMPARE(d.addPage(pageOf(idRange(8, 2))), PageCollector::Next::TooManyPages);

    // A list that ends on its own within the limit is complete, even on the last allowed page.
    PageCollector e(2, 5);
    for (int page = 0; page < 4; ++page)
        QCOMPARE(e.addPage(pageOf(idRange(page * 2, 2))), PageCollector::Next::More);
    QCOMPARE(e.addPage(pageOf(idRange(8, 1))), PageCollector::Next::Complete);
}

void TestWire::pathSegmentRefuses_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("shown");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("dot") << QStringLiteral(".") << QStringLiteral("\".\"");
    QTest::newRow("dot-dot") << QStringLiteral("..") << QStringLiteral("\"..\"");
    QTest::newRow("slash") << QStringLiteral("a/b") << QStringLiteral("\"a/b\"");
    QTest::newRow("dot-dot-slash") << QStringLiteral("../admin/users") << QStringLiteral("../admin/users");
    QTest::newRow("backslash") << QStringLiteral("..\\users") << QStringLiteral("..\\users");
    QTest::newRow("question") << QStringLiteral("k?workspace_id=x") << QStringLiteral("k?workspace_id=x");
    QTest::newRow("hash") << QStringLiteral("k#x") << QStringLiteral("k#x");
    QTest::newRow("percent") << QStringLiteral("%2e%2e") << QStringLiteral("%2e%2e");
    QTest::newRow("crlf") << QStringLiteral("k\r\nX-Evil: 1") << QStringLiteral("k\\u000d\\u000aX-Evil: 1");
    QTest::newRow("nul") << QString(QStringLiteral("k") + QChar(0)) << QStringLiteral("k\\u0000");
    QTest::newRow("del") << QString(QStringLiteral("k") + QChar(0x7f)) << QStringLiteral("k\\u007f");
    QTest::newRow("line separator") << QString(QStringLiteral("k") + QChar(0x2028))
                                    << QStringLiteral("k\\u2028");
}

void TestWire::pathSegmentRefuses()
{
    QFETCH(QString, value);
    QFETCH(QString, shown);
    QString encoded = QStringLiteral("left over");
    const ApiError e = pathSegment(value, QStringLiteral("API key id"), &encoded);
    QCOMPARE(e.kind, ApiError::Kind::Invalid);
    QVERIFY(encoded.isEmpty());
    QVERIFY2(e.message.contains(QStringLiteral("API key id")), qPrintable(e.message));
    QVERIFY2(e.message.contains(shown), qPrintable(e.message));
    for (const QChar c : e.message)
        QVERIFY2(c.category() != QChar::Other_Control, qPrintable(e.message));
    QCOMPARE(e.userText(), e.message);
}

void TestWire::pathSegmentEncodes()
{
    QString encoded;
    QVERIFY(
        !pathSegment(QStringLiteral("0f8e2f4c-1b7a-4c1e-9a55-3a2b9b1c7d10"), QStringLiteral("id"), &encoded)
             .isError());
    QCOMPARE(encoded, QStringLiteral("0f8e2f4c-1b7a-4c1e-9a55-3a2b9b1c7d10"));
    QVERIFY(!pathSegment(QStringLiteral("my team+ü"), QStringLiteral("workspace"), &encoded).isError());
    QCOMPARE(encoded, QStringLiteral("my%20team%2B%C3%BC"));
    // Dots inside a value are ordinary characters, not dot segments.
    QVERIFY(!pathSegment(QStringLiteral("a..b"), QStringLiteral("id"), &encoded).isError());
    QCOMPARE(encoded, QStringLiteral("a..b"));
    QVERIFY(!pathSegment(QStringLiteral("..."), QStringLiteral("id"), &encoded).isError());
}

void TestWire::pageQueryStyles()
{
    QUrlQuery q(QStringLiteral("workspace_id=ws-1&current_page=9"));
    setPageQuery(q, PagingStyle::SnakeCase, 2, 100);
    QCOMPARE(q.queryItemValue(QStringLiteral("current_page")), QStringLiteral("2"));
    QCOMPARE(q.allQueryItemValues(QStringLiteral("current_page")).size(), 1);
    QCOMPARE(q.queryItemValue(QStringLiteral("page_size")), QStringLiteral("100"));
    QCOMPARE(q.queryItemValue(QStringLiteral("workspace_id")), QStringLiteral("ws-1"));

    QUrlQuery camel;
    setPageQuery(camel, PagingStyle::CamelCase, 0, 50);
    QCOMPARE(camel.queryItemValue(QStringLiteral("currentPage")), QStringLiteral("0"));
    QCOMPARE(camel.queryItemValue(QStringLiteral("pageSize")), QStringLiteral("50"));
    QVERIFY(!camel.hasQueryItem(QStringLiteral("page_size")));
}

void TestWire::keyHintAndRedaction()
{
    const QByteArray key("pk-admin-0123456789abcdefXYZ9");
    QCOMPARE(keyHint(key), QStringLiteral("…XYZ9"));
    QCOMPARE(keyHint("short"), QStringLiteral("…"));
    QCOMPARE(keyHint({}), QString());
    const QString echoed = QStringLiteral("invalid key pk-admin-0123456789abcdefXYZ9 given");
    QCOMPARE(redact(echoed, key), QStringLiteral("invalid key …XYZ9 given"));
    QCOMPARE(redact(echoed, {}), echoed);
}

void TestWire::userTextForEveryKind()
{
    const QList<ApiError::Kind> kinds = {ApiError::Kind::Network,        ApiError::Kind::Timeout,
                                         ApiError::Kind::Http,           ApiError::Kind::Parse,
                                         ApiError::Kind::Cancelled,      ApiError::Kind::InsecureUrl,
                                         ApiError::Kind::OutcomeUnknown, ApiError::Kind::Invalid};
    for (ApiError::Kind k : kinds) {
        ApiError e;
        e.kind = k;
        e.httpStatus = 500;
        QVERIFY2(!e.userText().isEmpty(), qPrintable(QString::number(int(k))));
    }
    QVERIFY(ApiError().userText().isEmpty());

    const struct
    {
        int status;
        const char *code;
        const char *expect;
    } cases[] = {
        {400, "AB01", "invalid"},          {404, "AB02", "could not find"}, {403, "AB03", "not allowed"},
        {500, "AB04", "internal problem"}, {401, "AB05", "did not accept"}, {429, "AB06", "limiting"},
        {409, "AB07", "conflicts"},        {404, "AB08", "could not find"}, {402, "AB09", "subscription"}};
    for (const auto &c : cases) {
        ApiError e;
        e.kind = ApiError::Kind::Http;
        e.httpStatus = c.status;
        e.code = QString::fromLatin1(c.code);
        e.message = QStringLiteral("detail");
        const QString text = e.userText();
        QVERIFY2(text.contains(QString::fromLatin1(c.expect)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("detail")), qPrintable(text));
    }

    ApiError limited;
    limited.kind = ApiError::Kind::Http;
    limited.httpStatus = 429;
    limited.retryAfterS = 600;
    QVERIFY2(limited.userText().contains(QStringLiteral("10 minutes")), qPrintable(limited.userText()));
    limited.retryAfterS = -1;
    QVERIFY(limited.userText().contains(QStringLiteral("Wait")));
}

void TestWire::workspaceDirectoryResolvesIdAndSlug()
{
    Workspace a;
    a.id = QStringLiteral("ws-aaaa");
    a.slug = QStringLiteral("team-a");
    a.name = QStringLiteral("Team A");
    Workspace b;
    b.id = QStringLiteral("ws-bbbb");
    b.slug = QStringLiteral("team-b");
    WorkspaceDirectory dir({a, b});

    QCOMPARE(dir.resolve(QStringLiteral("team-a"))->id, a.id);
    QCOMPARE(dir.resolve(QStringLiteral("ws-aaaa"))->slug, a.slug);
    QVERIFY(!dir.resolve(QStringLiteral("team-c")));
    QVERIFY(!dir.resolve(QString()));
    QCOMPARE(dir.canonicalId(QStringLiteral("team-b")), b.id);
    QCOMPARE(dir.canonicalId(QStringLiteral("unknown")), QStringLiteral("unknown"));
    QVERIFY(dir.sameWorkspace(QStringLiteral("team-a"), QStringLiteral("ws-aaaa")));
    QVERIFY(!dir.sameWorkspace(QStringLiteral("team-a"), QStringLiteral("team-b")));

    b.name = QStringLiteral("Renamed");
    dir.insert(b);
    QCOMPARE(dir.workspaces().size(), 2);
    QCOMPARE(dir.resolve(QStringLiteral("team-b"))->name, QStringLiteral("Renamed"));

    // An id wins over a slug that happens to equal it.
    Workspace c;
    c.id = QStringLiteral("ws-cccc");
    c.slug = QStringLiteral("ws-aaaa");
    dir.insert(c);
    QCOMPARE(dir.resolve(QStringLiteral("ws-aaaa"))->id, a.id);
}

void TestWire::clientRefusesInsecureUrl()
{
    AdminApiClient client;
    QVERIFY(!client.setBaseUrl(QUrl(QStringLiteral("https://api.portkey.ai/v1"))).isError());
    const ApiError e = client.setBaseUrl(QUrl(QStringLiteral("http://api.portkey.ai/v1")));
    QCOMPARE(e.kind, ApiError::Kind::InsecureUrl);
    QCOMPARE(client.baseUrl(), QUrl(QStringLiteral("https://api.portkey.ai/v1")));
    QVERIFY(!e.userText().isEmpty());

    // A call without a server address ends with a clear error, from the event loop, exactly once.
    AdminApiClient unset;
    int calls = 0;
    ApiResult<QList<ApiKey>> seen;
    QPointer<ApiCall> call = unset.listApiKeys({}, [&](const ApiResult<QList<ApiKey>> &r) {
        ++calls;
        seen = r;
    });
    QCOMPARE(calls, 0);
    QTRY_COMPARE(calls, 1);
    QCOMPARE(seen.error.kind, ApiError::Kind::Invalid);
    QTRY_VERIFY(call.isNull());
}

QTEST_GUILESS_MAIN(TestWire)
#include "tst_wire.moc"
