// The parsing and validation behind the key options of `keys create` and `keys update` (issue 4 "CLI
// parity"): durations, rate and usage limits, periods, expiry in local time (TZ=Europe/Berlin) and relative,
// server field → option mapping, and the update body (only what is given; null on clear; merged limits).

#include "cli/keyoptions.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QTest>

#include <ctime>

using namespace pk;
using namespace pk::cli;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

/// A parser with the key options of the CLI, parsing `args` (program name added).
bool parseArgs(QCommandLineParser &parser, const QStringList &args)
{
    for (const char *withValue :
         {"name", "description", "scope", "scopes", "preset", "rate-limit", "usage-limit", "alert-threshold",
          "usage-reset", "expires", "rotation", "transition", "alert-email", "metadata", "config-id"})
        parser.addOption(QCommandLineOption(s(withValue), s("x"), s("V")));
    for (const char *flag : {"clear-expiry", "clear-usage-limit", "clear-rate-limits", "clear-rotation",
                             "clear-alert-emails", "reset-usage"})
        parser.addOption(QCommandLineOption(s(flag)));
    return parser.parse(QStringList{s("cli")} + args);
}

} // namespace

class TestKeyOptions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void durations_data();
    void durations();
    void rateLimits();
    void usageLimitsAndPeriods();
    void expiry_data();
    void expiry();
    void serverFieldToOption_data();
    void serverFieldToOption();
    void createDraftFromOptions();
    void updateBodyOnlyGivenAndNullOnClear();
    void conflictsAndScopes();
    void nearestScopeByEditDistance();
    void expiryTextAndWarning();
};

void TestKeyOptions::initTestCase()
{
    qputenv("TZ", "Europe/Berlin");
    tzset();
}

void TestKeyOptions::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms"); // -1: refused
    QTest::newRow("45m") << s("45m") << qint64(2700000);
    QTest::newRow("2h") << s("2h") << qint64(7200000);
    QTest::newRow("ms") << s("1800000ms") << qint64(1800000);
    QTest::newRow("days") << s("3d") << qint64(259200000);
    QTest::newRow("under 30 min") << s("29m") << qint64(-1);
    QTest::newRow("no unit") << s("1800000") << qint64(-1);
    QTest::newRow("negative") << s("-45m") << qint64(-1);
    QTest::newRow("words") << s("soon") << qint64(-1);
}

void TestKeyOptions::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    qint64 parsed = 0;
    const QString error = parseTransition(text, &parsed);
    if (ms < 0) {
        QVERIFY(error.startsWith(s("--transition")));
        QVERIFY(!error.contains(QLatin1Char('\n')));
    } else {
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(parsed, ms);
    }
    QCOMPARE(formatDuration(2700000), s("45 min"));
    QCOMPARE(formatDuration(5400000), s("1 h 30 min"));
    QCOMPARE(formatDuration(259200000), s("3 d"));
}

void TestKeyOptions::rateLimits()
{
    RateLimit r;
    QVERIFY(parseRateLimit(s("requests:rpm:100"), &r).isEmpty());
    QCOMPARE(r.toJson(), (QJsonObject{{s("type"), s("requests")}, {s("unit"), s("rpm")}, {s("value"), 100}}));
    QVERIFY(parseRateLimit(s("Tokens:RPW:0"), &r).isEmpty());
    QCOMPARE(r.value, 0);
    QCOMPARE(r.unit, s("rpw"));
    for (const char *bad : {"requests:rpm", "bytes:rpm:1", "requests:rpy:1", "requests:rpm:-1",
                            "requests:rpm:1.5", "requests:rpm:x"})
        QVERIFY2(parseRateLimit(s(bad), &r).startsWith(s("--rate-limit")), bad);
}

void TestKeyOptions::usageLimitsAndPeriods()
{
    UsageLimits u;
    QVERIFY(parseUsageLimit(s("cost:12.5"), &u).isEmpty());
    QCOMPARE(u.type, s("cost"));
    QCOMPARE(*u.creditLimit, 12.5);
    QVERIFY(parseUsageLimit(s("tokens:100000"), &u).isEmpty());
    QCOMPARE(*u.creditLimit, 100000.0);
    for (const char *bad : {"cost", "usd:5", "cost:-1", "tokens:1.5", "cost:lots"})
        QVERIFY2(parseUsageLimit(s(bad), &u).startsWith(s("--usage-limit")), bad);

    Period p;
    QVERIFY(parsePeriod(s("--usage-reset"), s("monthly"), &p).isEmpty());
    QCOMPARE(p.named, s("monthly"));
    QVERIFY(!p.days);
    QVERIFY(parsePeriod(s("--rotation"), s("10d"), &p).isEmpty());
    QCOMPARE(*p.days, 10);
    QVERIFY(p.named.isEmpty());
    for (const char *bad : {"0d", "366d", "yearly", "d", "10"})
        QVERIFY2(parsePeriod(s("--rotation"), s(bad), &p).startsWith(s("--rotation")), bad);
}

void TestKeyOptions::expiry_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("utc"); // empty: refused
    // Local (Berlin) times: CET (UTC+1) in winter, CEST (UTC+2) in summer.
    QTest::newRow("local date-time") << s("2031-01-15 12:00") << s("2031-01-15T11:00:00.000Z");
    QTest::newRow("local with T") << s("2031-07-15T12:00:00") << s("2031-07-15T10:00:00.000Z");
    QTest::newRow("local date") << s("2031-07-15") << s("2031-07-14T22:00:00.000Z");
    QTest::newRow("zulu") << s("2031-07-15T12:00:00Z") << s("2031-07-15T12:00:00.000Z");
    QTest::newRow("offset") << s("2031-07-15T12:00:00+05:30") << s("2031-07-15T06:30:00.000Z");
    QTest::newRow("relative days") << s("30d") << s("2030-01-31T00:00:00.000Z");
    QTest::newRow("relative hours") << s("12h") << s("2030-01-01T12:00:00.000Z");
    QTest::newRow("past") << s("2029-12-31 23:00") << QString();
    QTest::newRow("now") << s("2030-01-01T00:00:00Z") << QString();
    QTest::newRow("garbage") << s("next tuesday") << QString();
    QTest::newRow("bad date") << s("2031-02-30") << QString();
}

void TestKeyOptions::expiry()
{
    QFETCH(QString, text);
    QFETCH(QString, utc);
    const QDateTime now(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC);
    QDateTime parsed;
    const QString error = parseExpiry(text, now, &parsed);
    if (utc.isEmpty()) {
        QVERIFY(error.startsWith(s("--expires")));
        return;
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(parsed.timeSpec(), Qt::UTC);
    QCOMPARE(Timestamp::fromUtc(parsed).toWire(), utc);
}

void TestKeyOptions::serverFieldToOption_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("option");
    QTest::newRow("rate") << s("rate_limits[0].value: must be a non-negative integer") << s("--rate-limit");
    QTest::newRow("alert") << s("usage_limits.alert_threshold: must not exceed credit_limit")
                           << s("--alert-threshold");
    QTest::newRow("reset") << s("usage_limits.periodic_reset_days: must be an integer from 1 to 365")
                           << s("--usage-reset");
    QTest::newRow("usage") << s("usage_limits.credit_limit: must be a number ≥ 0") << s("--usage-limit");
    QTest::newRow("transition") << s("rotation_policy.key_transition_period_ms: must be an integer ≥ 1800000")
                                << s("--transition");
    QTest::newRow("rotate body") << s("key_transition_period_ms: must be an integer ≥ 1800000")
                                 << s("--transition");
    QTest::newRow("rotation") << s("rotation_policy.rotation_period: must be one of weekly, monthly")
                              << s("--rotation");
    QTest::newRow("expires") << s("expires_at: must be in the future") << s("--expires");
    QTest::newRow("user") << s("user_id: must be a member of the workspace") << s("--user");
    QTest::newRow("metadata") << s("defaults.metadata: must be an object") << s("--metadata");
    QTest::newRow("emails") << s("alert_emails: 'x' is not an email address") << s("--alert-email");
    QTest::newRow("name") << s("name: is required") << s("--name");
    QTest::newRow("no field") << s("Something went wrong") << QString();
}

void TestKeyOptions::serverFieldToOption()
{
    QFETCH(QString, message);
    QFETCH(QString, option);
    QCOMPARE(optionForServerField(message), option);
}

void TestKeyOptions::createDraftFromOptions()
{
    QCommandLineParser parser;
    QVERIFY(parseArgs(parser, {s("--name"), s("K"), s("--preset"), s("read-only"), s("--scope"),
                               s("completions.write"), s("--rotation"), s("10d"), s("--transition"), s("2h"),
                               s("--usage-limit"), s("tokens:1000"), s("--alert-threshold"), s("900"),
                               s("--usage-reset"), s("weekly")}));
    const QDateTime now(QDate(2030, 1, 1), QTime(15, 0), Qt::UTC);
    KeyOptions o;
    QVERIFY(KeyOptions::parse(parser, KeyType::WorkspaceService, now, &o).isEmpty());
    QVERIFY(o.scopes->contains(s("completions.write")));
    QVERIFY(o.scopes->contains(s("logs.view")));
    ApiKeyDraft draft;
    QVERIFY(applyToDraft(o, now, &draft).isEmpty());
    const QJsonObject body = draft.toJson();
    // N days: rotation_period_days plus next_rotation_at N days ahead at 00:00 UTC (the service needs one).
    QCOMPARE(body.value(s("rotation_policy")).toObject(),
             (QJsonObject{{s("rotation_period_days"), 10},
                          {s("next_rotation_at"), s("2030-01-11T00:00:00.000Z")},
                          {s("key_transition_period_ms"), 7200000}}));
    QCOMPARE(body.value(s("usage_limits")).toObject(), (QJsonObject{{s("credit_limit"), 1000},
                                                                    {s("type"), s("tokens")},
                                                                    {s("alert_threshold"), 900},
                                                                    {s("periodic_reset"), s("weekly")}}));
    // No expiry, and the read-only preset reads API keys (`*_api_keys.read`, `.list`): key-management scopes.
    const QStringList warnings = leastPrivilegeWarnings(draft);
    QCOMPARE(warnings.size(), 2);
    QVERIFY(warnings.at(0).contains(s("never expires")));
    QVERIFY(warnings.at(1).contains(s("workspace_service_api_keys.read")));

    // A transition at least as long as the period is refused, naming the option.
    QCommandLineParser tooLong;
    QVERIFY(parseArgs(tooLong, {s("--rotation"), s("weekly"), s("--transition"), s("7d")}));
    QVERIFY(KeyOptions::parse(tooLong, KeyType::WorkspaceService, now, &o).isEmpty());
    QVERIFY(applyToDraft(o, now, &draft).startsWith(s("--transition")));
}

void TestKeyOptions::updateBodyOnlyGivenAndNullOnClear()
{
    ApiKey current;
    current.id = s("k1");
    current.type = s("workspace-service");
    UsageLimits u;
    u.type = s("cost");
    u.creditLimit = 20;
    u.periodicReset = s("monthly");
    u.nextUsageResetAt = Timestamp::fromString(s("2030-02-01T00:00:00Z"));
    current.usageLimits = u;
    RotationPolicy r;
    r.rotationPeriod = s("monthly");
    r.keyTransitionPeriodMs = 3600000;
    r.status = s("ACTIVE");
    current.rotationPolicy = r;
    const QDateTime now(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC);

    QCommandLineParser parser;
    QVERIFY(parseArgs(parser, {s("--alert-threshold"), s("15"), s("--transition"), s("45m"),
                               s("--clear-expiry"), s("--clear-alert-emails"), s("--metadata"), s("a=b")}));
    KeyOptions o;
    QVERIFY(KeyOptions::parse(parser, KeyType::WorkspaceService, now, &o).isEmpty());
    QJsonObject body;
    QVERIFY(updateBody(o, current, now, &body).isEmpty());
    const QJsonValue null(QJsonValue::Null);
    QCOMPARE(body,
             (QJsonObject{{s("usage_limits"), QJsonObject{{s("credit_limit"), 20},
                                                          {s("type"), s("cost")},
                                                          {s("alert_threshold"), 15},
                                                          {s("periodic_reset"), s("monthly")}}},
                          {s("rotation_policy"), QJsonObject{{s("rotation_period"), s("monthly")},
                                                             {s("key_transition_period_ms"), 2700000}}},
                          {s("expires_at"), null},
                          {s("alert_emails"), null},
                          {s("defaults"), QJsonObject{{s("metadata"), QJsonObject{{s("a"), s("b")}}}}}}));

    // The threshold must stay within the limit; without any limit it needs one.
    QCommandLineParser over;
    QVERIFY(parseArgs(over, {s("--alert-threshold"), s("25")}));
    QVERIFY(KeyOptions::parse(over, KeyType::WorkspaceService, now, &o).isEmpty());
    QVERIFY(updateBody(o, current, now, &body).startsWith(s("--alert-threshold")));
    current.usageLimits.reset();
    QVERIFY(updateBody(o, current, now, &body).startsWith(s("--alert-threshold")));
}

void TestKeyOptions::conflictsAndScopes()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QList<std::pair<QStringList, const char *>> bad{
        {{s("--clear-expiry"), s("--expires"), s("30d")}, "--clear-expiry"},
        {{s("--clear-rotation"), s("--transition"), s("1h")}, "--clear-rotation"},
        {{s("--scope"), s("no.such")}, "unknown scope `no.such` for user keys"},
        {{s("--preset"), s("workspace-key-manager")}, "--preset"}, // not offered for user keys
        {{s("--scope"), s("workspace_user_api_keys.list")}, "--scope"},
        {{s("--rate-limit"), s("requests:rpm:1"), s("--rate-limit"), s("requests:rpm:2")}, "--rate-limit"},
        {{s("--metadata"), s("novalue")}, "--metadata"},
        {{s("--alert-email"), s("a@b.co,c@d.co")}, "--alert-email"},
        {{s("--name"), s("  ")}, "--name"},
    };
    for (const auto &[args, option] : bad) {
        QCommandLineParser parser;
        QVERIFY(parseArgs(parser, args));
        KeyOptions o;
        const QString error = KeyOptions::parse(parser, KeyType::WorkspaceUser, now, &o);
        QVERIFY2(error.startsWith(s(option)),
                 qPrintable(QString(args.join(QLatin1Char(' ')) + s(" → ") + error)));
    }
    QCommandLineParser zero;
    QVERIFY(parseArgs(zero, {s("--rate-limit"), s("tokens:rpd:0")}));
    KeyOptions o;
    QVERIFY(KeyOptions::parse(zero, KeyType::WorkspaceUser, now, &o).isEmpty());
    QVERIFY(o.blocksAllTraffic());
}

void TestKeyOptions::nearestScopeByEditDistance()
{
    QCOMPARE(nearestScope(s("completions.wrte"), KeyType::WorkspaceService), s("completions.write"));
    QCOMPARE(nearestScope(s("Completions.Write"), KeyType::WorkspaceService), s("completions.write"));
    QCOMPARE(nearestScope(s("workspaces.lst"), KeyType::OrganisationService), s("workspaces.list"));
    QVERIFY(nearestScope(s("teleport.everything"), KeyType::WorkspaceService).isEmpty());
    // Only scopes valid for the type are suggested: user keys never get key-management scopes.
    QVERIFY(!nearestScope(s("workspace_user_api_keys.lst"), KeyType::WorkspaceUser).contains(s("api_keys")));
    // The message of KeyOptions::parse() carries the suggestion.
    QCommandLineParser parser;
    QVERIFY(parseArgs(parser, {s("--scope"), s("completions.wrte")}));
    KeyOptions o;
    QCOMPARE(KeyOptions::parse(parser, KeyType::WorkspaceService, QDateTime::currentDateTimeUtc(), &o),
             s("unknown scope `completions.wrte` for service keys — did you mean `completions.write`?"));
}

void TestKeyOptions::expiryTextAndWarning()
{
    const QDateTime now(QDate(2026, 11, 30), QTime(12, 0), Qt::UTC);
    ApiKey k;
    k.status = s("active");
    ExpiryText e = expiryText(k, now, 7);
    QCOMPARE(e.text, s("never"));
    QVERIFY(!e.warn);
    k.expiresAt = Timestamp::fromUtc(now.addDays(2));
    e = expiryText(k, now, 7);
    QCOMPARE(e.text, s("in 2 days"));
    QVERIFY(e.warn);
    e = expiryText(k, now, 1); // outside a 1-day window
    QVERIFY(!e.warn);
    k.expiresAt = Timestamp::fromUtc(now.addSecs(5 * 3600));
    QCOMPARE(expiryText(k, now, 7).text, s("in 5 h"));
    k.expiresAt = Timestamp::fromUtc(now.addDays(30));
    e = expiryText(k, now, 7);
    QCOMPARE(e.text, s("in 30 days"));
    QVERIFY(!e.warn);
    k.expiresAt = Timestamp::fromUtc(now.addDays(-3));
    e = expiryText(k, now, 7);
    QCOMPARE(e.text, s("3 days ago"));
    QVERIFY(e.warn);
    k.expiresAt = Timestamp();
    k.status = s("exhausted");
    e = expiryText(k, now, 7);
    QCOMPARE(e.text, s("never (exhausted)"));
    QVERIFY(e.warn);
}

QTEST_GUILESS_MAIN(TestKeyOptions)
#include "tst_keyoptions.moc"
