#include "modelfixtures.h"

#include "models/keylist.h"
#include "models/keytablemodel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QElapsedTimer>
#include <QIcon>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace pk;
using namespace pk::models;
using pktest::makeKey;
using pktest::utc;

namespace {

const QDateTime kNow = utc("2026-06-01T12:00:00Z");

QString cell(const QModelIndex &rowIndex, int column, int role = Qt::DisplayRole)
{
    return rowIndex.sibling(rowIndex.row(), column).data(role).toString();
}

} // namespace

class TestKeyTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void testerThroughChanges();
    void diffSignals();
    void columnsAndWorkspaceNames();
    void statusShownRawWhenUnknown();
    void expiryText_data();
    void expiryText();
    void expiryToolTipShowsLocalAndUtc();
    void soonAndExhaustedStandOut();
    void createdInLocalTime();
    void sortRoleGivesRawValues();
    void noRoleLeaksASecret();
    void accessorsById();
    void badIdsAreDropped();
    void timings100k();
};

void TestKeyTableModel::testerThroughChanges()
{
    KeyTableModel model;
    model.setNowProvider([] { return kNow; });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setWorkspaces(pktest::manyWorkspaces(3));
    model.setKeys(pktest::manyKeys(40, 3));
    QCOMPARE(model.rowCount(), 40);
    QList<ApiKey> next = pktest::manyKeys(40, 3, 1); // every name changes
    next.removeAt(5);
    next.removeAt(20);
    next.append(makeKey(QStringLiteral("new-1"), QStringLiteral("New")));
    model.setKeys(next);
    QCOMPARE(model.rowCount(), 39);
    model.upsert(makeKey(QStringLiteral("new-2"), QStringLiteral("Another")));
    model.upsert(makeKey(QStringLiteral("new-2"), QStringLiteral("Renamed")));
    model.removeIds({QStringLiteral("new-1"), QStringLiteral("key-000003"), QStringLiteral("missing")});
    QCOMPARE(model.rowCount(), 38);
    model.setWorkspaces(pktest::manyWorkspaces(2));
    model.setExpiryWarningDays(3);
    model.refreshNow();
    model.setKeys(pktest::manyKeys(5, 3)); // most rows go: reset
    QVERIFY(model.lastApplyStats().reset);
    model.setKeys({});
    QCOMPARE(model.rowCount(), 0);
    model.setKeys(pktest::manyKeys(10, 3));
    QCOMPARE(model.rowCount(), 10);
}

void TestKeyTableModel::diffSignals()
{
    KeyTableModel model;
    model.setKeys(pktest::manyKeys(100, 4));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // Same content, reversed order: nothing happens.
    QList<ApiKey> reversed = pktest::manyKeys(100, 4);
    std::reverse(reversed.begin(), reversed.end());
    model.setKeys(reversed);
    QCOMPARE(resets.count() + removed.count() + inserted.count() + changed.count(), 0);

    // Two renamed (adjacent rows -> one dataChanged), rows 50..52 removed, one added.
    QList<ApiKey> next = pktest::manyKeys(100, 4);
    next[10].name = QStringLiteral("Renamed A");
    next[11].name = QStringLiteral("Renamed B");
    next.remove(50, 3);
    next.append(makeKey(QStringLiteral("added"), QStringLiteral("Added")));
    model.setKeys(next);
    const ApplyStats s = model.lastApplyStats();
    QCOMPARE(s.changed, 2);
    QCOMPARE(s.removed, 3);
    QCOMPARE(s.inserted, 1);
    QVERIFY(!s.reset);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.itemAt(model.indexForId(QStringLiteral("key-000011")))->name, QStringLiteral("Renamed B"));
    QVERIFY(!model.indexForId(QStringLiteral("key-000051")).isValid());
    QCOMPARE(model.rowCount(), 98);

    // Many scattered changes are reported as one span.
    changed.clear();
    QList<ApiKey> scattered = model.keys();
    for (int i = 0; i < scattered.size(); i += 2)
        scattered[i].scopes.append(QStringLiteral("logs.export"));
    model.setKeys(scattered);
    QCOMPARE(model.lastApplyStats().changed, 49);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 0);
    QCOMPARE(changed.first().at(1).toModelIndex().row(), 96);
}

void TestKeyTableModel::columnsAndWorkspaceNames()
{
    KeyTableModel model;
    model.setWorkspaces({pktest::makeWorkspace(QStringLiteral("ws-uuid-1"), QStringLiteral("prod"),
                                               QStringLiteral("Produktion ü"))});
    ApiKey byId = makeKey(QStringLiteral("a1"), QStringLiteral("By id"), QStringLiteral("ws-uuid-1"));
    ApiKey bySlug = makeKey(QStringLiteral("a2"), QStringLiteral("By slug"), QStringLiteral("prod"));
    ApiKey unknownWs = makeKey(QStringLiteral("a3"), QStringLiteral("Elsewhere"), QStringLiteral("ws-gone"));
    ApiKey admin =
        makeKey(QStringLiteral("a4"), QStringLiteral("Admin"), {}, QStringLiteral("organisation-service"));
    ApiKey odd = makeKey(QStringLiteral("a5"), QStringLiteral("Odd"), QStringLiteral("prod"),
                         QStringLiteral("workspace-robot"));
    model.setKeys({byId, bySlug, unknownWs, admin, odd});

    const QModelIndex i1 = model.indexForId(QStringLiteral("a1"));
    QCOMPARE(cell(i1, KeyList::Name), QStringLiteral("By id"));
    QCOMPARE(cell(i1, KeyList::Type), QStringLiteral("Service key"));
    QCOMPARE(cell(i1, KeyList::Workspace), QStringLiteral("Produktion ü"));
    QCOMPARE(i1.sibling(i1.row(), KeyList::Scopes).data().toInt(), 2);
    const QModelIndex i2 = model.indexForId(QStringLiteral("a2"));
    QCOMPARE(cell(i2, KeyList::Workspace), QStringLiteral("Produktion ü"));
    QCOMPARE(i2.data(KeyList::WorkspaceIdRole).toString(), QStringLiteral("ws-uuid-1"));
    const QModelIndex i3 = model.indexForId(QStringLiteral("a3"));
    QCOMPARE(cell(i3, KeyList::Workspace), QStringLiteral("ws-gone"));
    const QModelIndex i4 = model.indexForId(QStringLiteral("a4"));
    QCOMPARE(cell(i4, KeyList::Type), QStringLiteral("Admin key"));
    QCOMPARE(cell(i4, KeyList::Workspace), QString());
    QVERIFY(i4.data(KeyList::OrganisationLevelRole).toBool());
    QCOMPARE(cell(model.indexForId(QStringLiteral("a5")), KeyList::Type), QStringLiteral("workspace-robot"));

    QCOMPARE(model.organisationKeyCount(), 1);
    QCOMPARE(model.keyCountsByWorkspace().value(QStringLiteral("ws-uuid-1")), 3);
    QCOMPARE(model.keyCountsByWorkspace().value(QStringLiteral("ws-gone")), 1);

    // A later workspace list renames and resolves the unknown one.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setWorkspaces(
        {pktest::makeWorkspace(QStringLiteral("ws-uuid-1"), QStringLiteral("prod"), QStringLiteral("Prod")),
         pktest::makeWorkspace(QStringLiteral("ws-gone"), QStringLiteral("gone"), QStringLiteral("Back"))});
    QVERIFY(changed.count() >= 1);
    QCOMPARE(cell(model.indexForId(QStringLiteral("a3")), KeyList::Workspace), QStringLiteral("Back"));
    QCOMPARE(cell(model.indexForId(QStringLiteral("a2")), KeyList::Workspace), QStringLiteral("Prod"));
    // The same workspaces again (a sync that changed nothing): no row signals.
    changed.clear();
    model.setWorkspaces(
        {pktest::makeWorkspace(QStringLiteral("ws-uuid-1"), QStringLiteral("prod"), QStringLiteral("Prod")),
         pktest::makeWorkspace(QStringLiteral("ws-gone"), QStringLiteral("gone"), QStringLiteral("Back"))});
    QCOMPARE(changed.count(), 0);
    QCOMPARE(model.headerData(KeyList::Expires, Qt::Horizontal).toString(), QStringLiteral("Expires"));
}

void TestKeyTableModel::statusShownRawWhenUnknown()
{
    KeyTableModel model;
    model.setKeys({makeKey(QStringLiteral("s1"), QStringLiteral("A"), {}, QStringLiteral("workspace-service"),
                           QStringLiteral("active")),
                   makeKey(QStringLiteral("s2"), QStringLiteral("B"), {}, QStringLiteral("workspace-service"),
                           QStringLiteral("exhausted")),
                   makeKey(QStringLiteral("s3"), QStringLiteral("C"), {}, QStringLiteral("workspace-service"),
                           QStringLiteral("expired")),
                   makeKey(QStringLiteral("s4"), QStringLiteral("D"), {}, QStringLiteral("workspace-service"),
                           QStringLiteral("suspended-by-admin")),
                   makeKey(QStringLiteral("s5"), QStringLiteral("E"), {}, QStringLiteral("workspace-service"),
                           QString())});
    const auto status = [&](const char *id) {
        return cell(model.indexForId(QLatin1String(id)), KeyList::Status);
    };
    QCOMPARE(status("s1"), QStringLiteral("active"));
    QCOMPARE(status("s2"), QStringLiteral("exhausted"));
    QCOMPARE(status("s3"), QStringLiteral("expired"));
    QCOMPARE(status("s4"), QStringLiteral("suspended-by-admin"));
    QCOMPARE(status("s5"), QStringLiteral("unknown"));
    const QModelIndex i4 = model.indexForId(QStringLiteral("s4"));
    QCOMPARE(i4.data(KeyList::StatusRole).toInt(), int(KeyStatus::Unknown));
    QCOMPARE(i4.data(KeyList::StatusWireRole).toString(), QStringLiteral("suspended-by-admin"));
    QVERIFY(cell(i4, KeyList::Status, Qt::ToolTipRole).contains(QStringLiteral("suspended-by-admin")));
}

void TestKeyTableModel::expiryText_data()
{
    QTest::addColumn<QString>("expires");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("state");
    QTest::newRow("never") << QString() << QStringLiteral("never") << int(KeyList::ExpiryState::Never);
    QTest::newRow("in 3 days") << QStringLiteral("2026-06-04T12:00:00Z") << QStringLiteral("in 3 days")
                               << int(KeyList::ExpiryState::Soon);
    QTest::newRow("in 1 day") << QStringLiteral("2026-06-02T13:00:00.000Z") << QStringLiteral("in 1 day")
                              << int(KeyList::ExpiryState::Soon);
    QTest::newRow("in 2 hours (offset)") << QStringLiteral("2026-06-01T16:30:00+02:00")
                                         << QStringLiteral("in 2 hours") << int(KeyList::ExpiryState::Soon);
    QTest::newRow("in seconds") << QStringLiteral("2026-06-01T12:00:30Z")
                                << QStringLiteral("in less than a minute") << int(KeyList::ExpiryState::Soon);
    QTest::newRow("in 20 days") << QStringLiteral("2026-06-21T12:00:00Z") << QStringLiteral("in 20 days")
                                << int(KeyList::ExpiryState::Later);
    QTest::newRow("in 3 months") << QStringLiteral("2026-09-01T12:00:00Z") << QStringLiteral("in 3 months")
                                 << int(KeyList::ExpiryState::Later);
    QTest::newRow("2 hours ago") << QStringLiteral("2026-06-01T10:00:00Z") << QStringLiteral("2 hours ago")
                                 << int(KeyList::ExpiryState::Past);
    QTest::newRow("1 minute ago") << QStringLiteral("2026-06-01T11:58:59Z") << QStringLiteral("1 minute ago")
                                  << int(KeyList::ExpiryState::Past);
    QTest::newRow("just now") << QStringLiteral("2026-06-01T12:00:00Z") << QStringLiteral("just now")
                              << int(KeyList::ExpiryState::Past);
    QTest::newRow("1 year ago") << QStringLiteral("2025-05-01T12:00:00Z") << QStringLiteral("1 year ago")
                                << int(KeyList::ExpiryState::Past);
    QTest::newRow("unparseable") << QStringLiteral("next tuesday") << QStringLiteral("unknown (next tuesday)")
                                 << int(KeyList::ExpiryState::Unknown);
}

void TestKeyTableModel::expiryText()
{
    QFETCH(QString, expires);
    QFETCH(QString, text);
    QFETCH(int, state);
    ApiKey k = makeKey(QStringLiteral("e1"), QStringLiteral("Expiring"));
    k.expiresAt = Timestamp::fromString(expires);
    KeyTableModel model;
    model.setNowProvider([] { return kNow; });
    model.setKeys({k});
    const QModelIndex i = model.indexForId(QStringLiteral("e1"), KeyList::Expires);
    QCOMPARE(i.data().toString(), text);
    QCOMPARE(i.data(KeyList::ExpiryStateRole).toInt(), state);
    if (state == int(KeyList::ExpiryState::Never)) {
        QCOMPARE(i.data(Qt::ToolTipRole).toString(), QStringLiteral("Never expires"));
        QVERIFY(!i.data(KeyList::ExpiresAtRole).toDateTime().isValid());
    }
    if (state == int(KeyList::ExpiryState::Unknown))
        QCOMPARE(i.data(Qt::ToolTipRole).toString(), QStringLiteral("unknown (next tuesday)"));
}

void TestKeyTableModel::expiryToolTipShowsLocalAndUtc()
{
    // The test runs with TZ=Europe/Berlin (see CMakeLists.txt): CEST is UTC+2 in June.
    ApiKey k = makeKey(QStringLiteral("t1"), QStringLiteral("Tip"));
    k.expiresAt = Timestamp::fromString(QStringLiteral("2026-06-04T12:00:00Z"));
    KeyTableModel model;
    model.setNowProvider([] { return kNow; });
    model.setKeys({k});
    const QString tip =
        model.indexForId(QStringLiteral("t1"), KeyList::Expires).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("2026-06-04 14:00:00 CEST (local)")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("2026-06-04 12:00:00 UTC")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("within 7 days")), qPrintable(tip));
    const QDateTime at = model.indexForId(QStringLiteral("t1")).data(KeyList::ExpiresAtRole).toDateTime();
    QCOMPARE(at, utc("2026-06-04T12:00:00Z"));
    QCOMPARE(at.timeSpec(), Qt::UTC);
}

void TestKeyTableModel::soonAndExhaustedStandOut()
{
    ApiKey soon = makeKey(QStringLiteral("k-soon"), QStringLiteral("Soon"));
    soon.expiresAt = Timestamp::fromUtc(kNow.addDays(3));
    ApiKey later = makeKey(QStringLiteral("k-later"), QStringLiteral("Later"));
    later.expiresAt = Timestamp::fromUtc(kNow.addDays(30));
    ApiKey never = makeKey(QStringLiteral("k-never"), QStringLiteral("Never"));
    ApiKey exhausted = makeKey(QStringLiteral("k-ex"), QStringLiteral("Ex"), {},
                               QStringLiteral("workspace-service"), QStringLiteral("exhausted"));
    KeyTableModel model;
    model.setNowProvider([] { return kNow; });
    model.setKeys({soon, later, never, exhausted});
    const auto background = [&](const char *id) {
        return model.indexForId(QLatin1String(id), KeyList::Name).data(Qt::BackgroundRole);
    };
    QVERIFY(background("k-soon").isValid());
    QVERIFY(!background("k-later").isValid());
    QVERIFY(!background("k-never").isValid());
    QVERIFY(background("k-ex").isValid());
    QVERIFY(background("k-soon").value<QColor>() != background("k-ex").value<QColor>());
    QVERIFY(!model.indexForId(QStringLiteral("k-soon"), KeyList::Status)
                 .data(Qt::DecorationRole)
                 .value<QIcon>()
                 .isNull());

    // A narrower window: three days out is no longer "soon"; a wider one makes 30 days soon.
    model.setExpiryWarningDays(2);
    QVERIFY(!background("k-soon").isValid());
    model.setExpiryWarningDays(31);
    QVERIFY(background("k-later").isValid());

    // The clock moves past the expiry.
    QDateTime now = kNow;
    model.setNowProvider([&now] { return now; });
    now = kNow.addDays(4);
    model.refreshNow();
    QCOMPARE(model.indexForId(QStringLiteral("k-soon")).data(KeyList::ExpiryStateRole).toInt(),
             int(KeyList::ExpiryState::Past));
    QCOMPARE(model.indexForId(QStringLiteral("k-soon"), KeyList::Expires).data().toString(),
             QStringLiteral("1 day ago"));
}

void TestKeyTableModel::createdInLocalTime()
{
    KeyTableModel model;
    model.setKeys({makeKey(QStringLiteral("c1"), QStringLiteral("Created"))}); // 2026-01-15T12:30:00Z
    const QModelIndex i = model.indexForId(QStringLiteral("c1"), KeyList::Created);
    QCOMPARE(i.data().toString(), QStringLiteral("2026-01-15 13:30 CET"));
    QVERIFY(i.data(Qt::ToolTipRole).toString().contains(QStringLiteral("2026-01-15 12:30:00 UTC")));
    QCOMPARE(i.data(KeyList::CreatedAtRole).toDateTime(), utc("2026-01-15T12:30:00Z"));
}

void TestKeyTableModel::sortRoleGivesRawValues()
{
    ApiKey k = makeKey(QStringLiteral("r1"), QStringLiteral("Raw"));
    k.expiresAt = Timestamp::fromUtc(kNow.addDays(3));
    KeyTableModel model;
    model.setKeys({k});
    const QModelIndex i = model.indexForId(QStringLiteral("r1"));
    QCOMPARE(i.sibling(0, KeyList::Expires).data(KeyList::SortRole).userType(), int(QMetaType::QDateTime));
    QCOMPARE(i.sibling(0, KeyList::Expires).data(KeyList::SortRole).toDateTime(), kNow.addDays(3));
    QCOMPARE(i.sibling(0, KeyList::Created).data(KeyList::SortRole).userType(), int(QMetaType::QDateTime));
    QCOMPARE(i.sibling(0, KeyList::Scopes).data(KeyList::SortRole).userType(), int(QMetaType::Int));
    QCOMPARE(i.sibling(0, KeyList::Name).data(KeyList::SortRole).toString(), QStringLiteral("Raw"));
}

void TestKeyTableModel::noRoleLeaksASecret()
{
    const QString secret = QStringLiteral("pk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZQQ");
    const QByteArray json = QByteArrayLiteral(R"({
        "id": "leak-1", "object": "api-key", "name": "Leaky", "type": "workspace-service",
        "workspace_id": "ws-1", "status": "active", "key": "Xk*******QQ",
        "description": "a key with extra fields",
        "scopes": ["completions.write"],
        "api_key": "pk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZQQ",
        "secret": "pk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZQQ",
        "defaults": {"metadata": {"token": "pk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZQQ"}},
        "nested": {"credentials": {"value": "pk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZQQ"}}
    })");
    const ApiKey k = ApiKey::fromJson(QJsonDocument::fromJson(json).object());
    QCOMPARE(k.maskedKey, QStringLiteral("Xk*******QQ"));
    QVERIFY(QString::fromUtf8(QJsonDocument(k.toJson()).toJson()).contains(secret)); // kept for the cache

    KeyTableModel model;
    model.setNowProvider([] { return kNow; });
    model.setKeys({k});
    bool sawMasked = false;
    for (int column = 0; column < model.columnCount(); ++column) {
        const QModelIndex i = model.index(0, column);
        for (int role = 0; role <= Qt::UserRole + 200; ++role) {
            const QVariant v = i.data(role);
            QStringList texts;
            if (v.canConvert<QStringList>())
                texts = v.toStringList();
            if (v.canConvert<QString>())
                texts << v.toString();
            for (const QString &t : std::as_const(texts)) {
                QVERIFY2(!t.contains(secret),
                         qPrintable(QStringLiteral("role %1 column %2 leaks").arg(role).arg(column)));
                QVERIFY(!t.contains(QStringLiteral("9f8e7d6c5b4a")));
                sawMasked = sawMasked || t.contains(QStringLiteral("Xk*******QQ"));
            }
        }
    }
    QVERIFY(sawMasked);
}

void TestKeyTableModel::accessorsById()
{
    KeyTableModel model;
    model.setKeys(pktest::manyKeys(20, 2));
    const QModelIndex i = model.indexForId(QStringLiteral("key-000007"), KeyList::Status);
    QVERIFY(i.isValid());
    QCOMPARE(i.column(), int(KeyList::Status));
    QCOMPARE(model.itemAt(i)->id, QStringLiteral("key-000007"));
    QCOMPARE(model.keyById(QStringLiteral("key-000007"))->name, model.itemAt(i)->name);
    QCOMPARE(model.idAt(i), QStringLiteral("key-000007"));
    QVERIFY(!model.itemAt({}));
    QVERIFY(!model.keyById(QStringLiteral("nope")));
    KeyTableModel other;
    other.setKeys(pktest::manyKeys(20, 2));
    QVERIFY(!model.itemAt(other.index(0, 0)));
    QCOMPARE(model.keys().size(), 20);
}

void TestKeyTableModel::badIdsAreDropped()
{
    KeyTableModel model;
    ApiKey noId = makeKey(QString(), QStringLiteral("No id"));
    ApiKey first = makeKey(QStringLiteral("dup"), QStringLiteral("First"));
    ApiKey second = makeKey(QStringLiteral("dup"), QStringLiteral("Second"));
    QTest::ignoreMessage(QtWarningMsg, "dropping an item without id");
    QTest::ignoreMessage(QtWarningMsg, "repeated id \"dup\" - keeping the last");
    model.setKeys({noId, first, second});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.keyById(QStringLiteral("dup"))->name, QStringLiteral("Second"));
}

void TestKeyTableModel::timings100k()
{
    const QList<ApiKey> keys = pktest::manyKeys(100000, 500);
    KeyTableModel model;
    model.setWorkspaces(pktest::manyWorkspaces(500));
    pktest::Stopwatch t;
    model.setKeys(keys);
    const QString initial = t.lap();
    model.setKeys(keys);
    const QString unchanged = t.lap();
    QList<ApiKey> next = keys;
    for (int i = 0; i < next.size(); i += 100)
        next[i].name += QStringLiteral(" (renamed)");
    for (int i = 0; i < 1000; ++i)
        next.append(makeKey(QStringLiteral("extra-%1").arg(i), QStringLiteral("Extra")));
    next.remove(5000, 1000);
    t.restart();
    model.setKeys(next);
    const QString diffed = t.lap();
    QCOMPARE(model.lastApplyStats().removed, 1000);
    QCOMPARE(model.lastApplyStats().inserted, 1000);
    QCOMPARE(model.lastApplyStats().changed, 990);
    const QList<ApiKey> fewer = keys.mid(0, 30000);
    t.restart();
    model.setKeys(fewer);
    const QString reset = t.lap();
    QVERIFY(model.lastApplyStats().reset);
    qDebug().noquote() << QStringLiteral(
                              "100k keys, no proxy: setKeys initial %1; unchanged %2; 1% changed + 1000 "
                              "removed + 1000 added %3; 70% removed (reset) %4")
                              .arg(initial, unchanged, diffed, reset);
}

QTEST_MAIN(TestKeyTableModel)
#include "tst_keytablemodel.moc"
