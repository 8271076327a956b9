#include "modelfixtures.h"

#include "models/keyfilterproxy.h"
#include "models/keylist.h"
#include "models/keytablemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QTest>

using namespace pk;
using namespace pk::models;
using pktest::makeKey;
using pktest::utc;

namespace {

const QDateTime kNow = utc("2026-06-01T12:00:00Z");

QStringList visibleIds(const KeyFilterProxy &proxy)
{
    QStringList ids;
    for (int row = 0; row < proxy.rowCount(); ++row)
        ids << proxy.index(row, 0).data(KeyList::IdRole).toString();
    return ids;
}

QStringList sorted(QStringList l)
{
    l.sort();
    return l;
}

} // namespace

class TestKeyFilterProxy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void searchAcrossFields_data();
    void searchAcrossFields();
    void workspaceAndAdminFilters();
    void typeAndStatusFilters();
    void sortingUsesRawValues();
    void followsSourceChanges();
    void accessors();
    void timings100k();

private:
    KeyTableModel *m_model = nullptr;
    KeyFilterProxy *m_proxy = nullptr;
    QAbstractItemModelTester *m_sourceTester = nullptr;
    QAbstractItemModelTester *m_proxyTester = nullptr;
};

void TestKeyFilterProxy::init()
{
    m_model = new KeyTableModel(this);
    m_model->setNowProvider([] { return kNow; });
    m_proxy = new KeyFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_sourceTester =
        new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::Fatal, this);
    m_proxyTester =
        new QAbstractItemModelTester(m_proxy, QAbstractItemModelTester::FailureReportingMode::Fatal, this);
    m_model->setWorkspaces({pktest::makeWorkspace(QStringLiteral("ws-prod"), QStringLiteral("prod"),
                                                  QStringLiteral("Production")),
                            pktest::makeWorkspace(QStringLiteral("ws-stage"), QStringLiteral("stage"),
                                                  QStringLiteral("Staging Ärger"))});

    ApiKey a =
        makeKey(QStringLiteral("id-alpha"), QStringLiteral("Billing backend"), QStringLiteral("ws-prod"));
    a.maskedKey = QStringLiteral("Ab*******Z1");
    a.description = QStringLiteral("Charges customers nightly");
    a.scopes = {QStringLiteral("completions.write"), QStringLiteral("virtual_keys.read")};
    a.expiresAt = Timestamp::fromUtc(kNow.addDays(2));
    ApiKey b =
        makeKey(QStringLiteral("id-beta"), QStringLiteral("analytics reader"), QStringLiteral("stage"));
    b.maskedKey = QStringLiteral("Qr*******P9");
    b.scopes = {QStringLiteral("logs.view")};
    b.expiresAt = Timestamp::fromUtc(kNow.addDays(-1));
    ApiKey c = makeKey(QStringLiteral("id-gamma"), QStringLiteral("Org automation"), {},
                       QStringLiteral("organisation-service"));
    c.scopes = {QStringLiteral("workspaces.read"), QStringLiteral("organisation_service_api_keys.create"),
                QStringLiteral("logs.view")};
    ApiKey d = makeKey(QStringLiteral("id-delta"), QStringLiteral("Alice laptop"), QStringLiteral("ws-prod"),
                       QStringLiteral("workspace-user"), QStringLiteral("exhausted"));
    d.expiresAt = Timestamp::fromString(QStringLiteral("garbage"));
    ApiKey e =
        makeKey(QStringLiteral("id-epsilon"), QStringLiteral("billing cron"), QStringLiteral("ws-stage"),
                QStringLiteral("workspace-service"), QStringLiteral("paused"));
    e.expiresAt = Timestamp::fromUtc(kNow.addDays(40));
    m_model->setKeys({a, b, c, d, e});
}

void TestKeyFilterProxy::cleanup()
{
    delete m_proxyTester;
    delete m_sourceTester;
    delete m_proxy;
    delete m_model;
}

void TestKeyFilterProxy::searchAcrossFields_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("ids");
    QTest::newRow("empty") << QString()
                           << QStringList{QStringLiteral("id-alpha"), QStringLiteral("id-beta"),
                                          QStringLiteral("id-delta"), QStringLiteral("id-epsilon"),
                                          QStringLiteral("id-gamma")};
    QTest::newRow("name, case-insensitive")
        << QStringLiteral("BILLING") << QStringList{QStringLiteral("id-alpha"), QStringLiteral("id-epsilon")};
    QTest::newRow("masked key") << QStringLiteral("qr*******") << QStringList{QStringLiteral("id-beta")};
    QTest::newRow("id") << QStringLiteral("id-gam") << QStringList{QStringLiteral("id-gamma")};
    QTest::newRow("description") << QStringLiteral("nightly") << QStringList{QStringLiteral("id-alpha")};
    QTest::newRow("workspace name") << QStringLiteral("ärger")
                                    << QStringList{QStringLiteral("id-beta"), QStringLiteral("id-epsilon")};
    QTest::newRow("scope") << QStringLiteral("virtual_keys") << QStringList{QStringLiteral("id-alpha")};
    QTest::newRow("words are AND") << QStringLiteral("  billing   staging ")
                                   << QStringList{QStringLiteral("id-epsilon")};
    QTest::newRow("no match") << QStringLiteral("billing nothing-like-this") << QStringList{};
}

void TestKeyFilterProxy::searchAcrossFields()
{
    QFETCH(QString, text);
    QFETCH(QStringList, ids);
    m_proxy->setSearchText(text);
    QCOMPARE(sorted(visibleIds(*m_proxy)), ids);
    QCOMPARE(m_proxy->searchText(), text);
}

void TestKeyFilterProxy::workspaceAndAdminFilters()
{
    m_proxy->setWorkspaceFilter(QStringLiteral("ws-stage")); // key id-beta names it by slug
    QCOMPARE(sorted(visibleIds(*m_proxy)),
             (QStringList{QStringLiteral("id-beta"), QStringLiteral("id-epsilon")}));
    m_proxy->setAdminKeysOnly(true);
    QVERIFY(m_proxy->workspaceFilter().isEmpty());
    QCOMPARE(visibleIds(*m_proxy), QStringList{QStringLiteral("id-gamma")});
    m_proxy->setWorkspaceFilter(QStringLiteral("ws-prod"));
    QVERIFY(!m_proxy->adminKeysOnly());
    m_proxy->setSearchText(QStringLiteral("alice"));
    QCOMPARE(visibleIds(*m_proxy), QStringList{QStringLiteral("id-delta")});
    m_proxy->setSearchText({});
    m_proxy->setWorkspaceFilter({});
    QCOMPARE(m_proxy->rowCount(), 5);
}

void TestKeyFilterProxy::typeAndStatusFilters()
{
    m_proxy->setKeyTypeFilter(KeyType::WorkspaceService);
    QCOMPARE(sorted(visibleIds(*m_proxy)), (QStringList{QStringLiteral("id-alpha"), QStringLiteral("id-beta"),
                                                        QStringLiteral("id-epsilon")}));
    m_proxy->setStatusFilter(KeyStatus::Unknown);
    QCOMPARE(visibleIds(*m_proxy), QStringList{QStringLiteral("id-epsilon")});
    m_proxy->setKeyTypeFilter(std::nullopt);
    m_proxy->setStatusFilter(KeyStatus::Exhausted);
    QCOMPARE(visibleIds(*m_proxy), QStringList{QStringLiteral("id-delta")});
    m_proxy->setStatusFilter(std::nullopt);
    QCOMPARE(m_proxy->rowCount(), 5);
}

void TestKeyFilterProxy::sortingUsesRawValues()
{
    m_proxy->sort(KeyList::Expires, Qt::AscendingOrder);
    // past, +2 days, +40 days, then the invalid ones (never / unparseable) in source order.
    QStringList ids = visibleIds(*m_proxy);
    QCOMPARE(ids.mid(0, 3), (QStringList{QStringLiteral("id-beta"), QStringLiteral("id-alpha"),
                                         QStringLiteral("id-epsilon")}));
    QCOMPARE(sorted(ids.mid(3)), (QStringList{QStringLiteral("id-delta"), QStringLiteral("id-gamma")}));
    m_proxy->sort(KeyList::Expires, Qt::DescendingOrder);
    QCOMPARE(
        visibleIds(*m_proxy).mid(2),
        (QStringList{QStringLiteral("id-epsilon"), QStringLiteral("id-alpha"), QStringLiteral("id-beta")}));

    m_proxy->sort(KeyList::Name, Qt::AscendingOrder); // case-insensitive
    QCOMPARE(visibleIds(*m_proxy),
             (QStringList{QStringLiteral("id-delta"), QStringLiteral("id-beta"), QStringLiteral("id-alpha"),
                          QStringLiteral("id-epsilon"), QStringLiteral("id-gamma")}));
    m_proxy->sort(KeyList::Scopes, Qt::DescendingOrder);
    QCOMPARE(visibleIds(*m_proxy).first(), QStringLiteral("id-gamma"));
    m_proxy->sort(KeyList::Created, Qt::AscendingOrder);
    QCOMPARE(m_proxy->rowCount(), 5);
}

void TestKeyFilterProxy::followsSourceChanges()
{
    m_proxy->sort(KeyList::Name, Qt::AscendingOrder);
    m_proxy->setSearchText(QStringLiteral("billing"));
    QCOMPARE(m_proxy->rowCount(), 2);
    m_model->upsert(
        makeKey(QStringLiteral("id-zeta"), QStringLiteral("Billing audit"), QStringLiteral("ws-prod")));
    QCOMPARE(visibleIds(*m_proxy), (QStringList{QStringLiteral("id-zeta"), QStringLiteral("id-alpha"),
                                                QStringLiteral("id-epsilon")}));
    ApiKey renamed = *m_model->keyById(QStringLiteral("id-alpha"));
    renamed.name = QStringLiteral("Invoices");
    renamed.description.clear();
    m_model->upsert(renamed);
    QCOMPARE(visibleIds(*m_proxy), (QStringList{QStringLiteral("id-zeta"), QStringLiteral("id-epsilon")}));
    m_model->removeIds({QStringLiteral("id-zeta")});
    QCOMPARE(visibleIds(*m_proxy), QStringList{QStringLiteral("id-epsilon")});
    m_model->setKeys(pktest::manyKeys(30, 2));
    m_proxy->setSearchText(QStringLiteral("key-000017"));
    QCOMPARE(visibleIds(*m_proxy), QStringList{QStringLiteral("key-000017")});
}

void TestKeyFilterProxy::accessors()
{
    m_proxy->sort(KeyList::Name, Qt::DescendingOrder);
    const QModelIndex i = m_proxy->indexForId(QStringLiteral("id-beta"), KeyList::Status);
    QVERIFY(i.isValid());
    QCOMPARE(i.model(), m_proxy);
    QCOMPARE(i.column(), int(KeyList::Status));
    QCOMPARE(m_proxy->itemAt(i)->name, QStringLiteral("analytics reader"));
    m_proxy->setSearchText(QStringLiteral("billing"));
    QVERIFY(!m_proxy->indexForId(QStringLiteral("id-beta")).isValid());
    QVERIFY(!m_proxy->itemAt(m_model->index(0, 0))); // a source index is not a proxy index
}

void TestKeyFilterProxy::timings100k()
{
    delete m_proxyTester; // the testers check O(rows) per signal; time the proxy alone
    m_proxyTester = nullptr;
    delete m_sourceTester;
    m_sourceTester = nullptr;
    m_model->setWorkspaces(pktest::manyWorkspaces(500));
    const QList<ApiKey> keys = pktest::manyKeys(100000, 500);
    pktest::Stopwatch t;
    m_model->setKeys(keys);
    QCOMPARE(m_proxy->rowCount(), 100000); // the proxy maps rows on first use: include it
    const QString load = t.lap();
    m_proxy->setSearchText(QStringLiteral("key 123"));
    const int searchHits = m_proxy->rowCount();
    const QString search = t.lap();
    QVERIFY(searchHits > 0 && searchHits < 1000);
    m_proxy->setSearchText(QStringLiteral("key 123 service 6"));
    QVERIFY(m_proxy->rowCount() <= searchHits);
    const QString twoWords = t.lap();
    m_proxy->setSearchText({});
    QCOMPARE(m_proxy->rowCount(), 100000);
    const QString cleared = t.lap();
    m_proxy->setWorkspaceFilter(QStringLiteral("ws-42"));
    QCOMPARE(m_proxy->rowCount(), 200);
    const QString workspace = t.lap();
    m_proxy->setWorkspaceFilter({});
    t.restart();
    m_proxy->sort(KeyList::Name, Qt::AscendingOrder);
    QCOMPARE(m_proxy->rowCount(), 100000);
    const QString sortName = t.lap();
    m_proxy->sort(KeyList::Expires, Qt::AscendingOrder);
    QCOMPARE(m_proxy->rowCount(), 100000);
    const QString sortExpires = t.lap();
    QList<ApiKey> next = keys;
    for (int i = 0; i < next.size(); i += 100)
        next[i].name += QStringLiteral(" (renamed)");
    t.restart();
    m_model->setKeys(next);
    QCOMPARE(m_proxy->rowCount(), 100000);
    const QString diffSorted = t.lap();
    QList<ApiKey> fewer = next;
    for (int i = 0; i < 20; ++i)
        fewer.removeAt(i * 4000); // 20 scattered removals: single row signals
    t.restart();
    m_model->setKeys(fewer);
    QCOMPARE(m_proxy->rowCount(), 99980);
    const QString removed20 = t.lap();
    QVERIFY(!m_model->lastApplyStats().reset);
    for (int i = 0; i < 100; ++i)
        fewer.removeAt(i * 900); // 100 scattered removals: one reset
    t.restart();
    m_model->setKeys(fewer);
    QCOMPARE(m_proxy->rowCount(), 99880);
    const QString removed100 = t.lap();
    QVERIFY(m_model->lastApplyStats().reset);
    qDebug().noquote() << QStringLiteral(
                              "100k keys behind the proxy: load %1; search %2 (%3 hits); two words %4; "
                              "clear %5; workspace %6; sort by name %7; sort by expiry %8")
                              .arg(load, search)
                              .arg(searchHits)
                              .arg(twoWords, cleared, workspace, sortName, sortExpires);
    qDebug().noquote() << QStringLiteral(
                              "100k keys behind the sorted proxy: setKeys 1% changed %1; 20 scattered "
                              "removals %2; 100 scattered removals (reset) %3")
                              .arg(diffSorted, removed20, removed100);
}

QTEST_MAIN(TestKeyFilterProxy)
#include "tst_keyfilterproxy.moc"
