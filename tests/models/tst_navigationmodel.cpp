#include "modelfixtures.h"

#include "models/keytablemodel.h"
#include "models/navigationmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace pk;
using namespace pk::models;
using pktest::makeWorkspace;

namespace {

QStringList childNames(const NavigationModel &m)
{
    QStringList names;
    const QModelIndex org = m.organisationIndex();
    for (int row = 0; row < m.rowCount(org); ++row)
        names << m.index(row, 0, org).data(Navigation::NameRole).toString();
    return names;
}

} // namespace

class TestNavigationModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void structureAndRoles();
    void workspaceChangesKeepNodes();
    void countsFromKeyModel();
};

void TestNavigationModel::structureAndRoles()
{
    NavigationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.organisationIndex().data().toString(), QStringLiteral("Organisation (0)"));
    model.setOrganisationName(QStringLiteral("Acme Ünited"));
    model.setWorkspaces(
        {makeWorkspace(QStringLiteral("w2"), QStringLiteral("stage"), QStringLiteral("Staging")),
         makeWorkspace(QStringLiteral("w1"), QStringLiteral("prod"), QStringLiteral("Production"))});
    QCOMPARE(childNames(model), (QStringList{QStringLiteral("Admin keys"), QStringLiteral("Production"),
                                             QStringLiteral("Staging")}));
    const QModelIndex org = model.organisationIndex();
    QCOMPARE(org.data(Navigation::NodeKindRole).toInt(), int(Navigation::NodeKind::Organisation));
    QCOMPARE(model.adminKeysIndex().data(Navigation::NodeKindRole).toInt(),
             int(Navigation::NodeKind::AdminKeys));
    QCOMPARE(model.adminKeysIndex().parent(), org);
    const QModelIndex staging = model.indexForWorkspace(QStringLiteral("w2"));
    QCOMPARE(staging.row(), 2);
    QCOMPARE(staging.data(Navigation::NodeKindRole).toInt(), int(Navigation::NodeKind::Workspace));
    QCOMPARE(staging.data(Navigation::WorkspaceIdRole).toString(), QStringLiteral("w2"));
    QCOMPARE(staging.data(Navigation::IdRole).toString(), QStringLiteral("ws:w2"));
    QCOMPARE(model.indexForId(QStringLiteral("ws:w2")), staging);
    QCOMPARE(model.indexForId(QStringLiteral("admin-keys")), model.adminKeysIndex());
    QCOMPARE(model.indexForId(QStringLiteral("org")), org);
    QVERIFY(!model.indexForId(QStringLiteral("ws:none")).isValid());
    QCOMPARE(model.itemAt(staging)->slug, QStringLiteral("stage"));
    QVERIFY(!model.itemAt(model.adminKeysIndex()));
    QVERIFY(!model.itemAt(org));

    model.setKeyCounts({{QStringLiteral("w1"), 12}, {QStringLiteral("w2"), 3}}, 2);
    QCOMPARE(model.indexForWorkspace(QStringLiteral("w1")).data().toString(),
             QStringLiteral("Production (12)"));
    QCOMPARE(model.adminKeysIndex().data().toString(), QStringLiteral("Admin keys (2)"));
    QCOMPARE(org.data().toString(), QStringLiteral("Acme Ünited (17)"));
    QCOMPARE(org.data(Navigation::KeyCountRole).toInt(), 17);
}

void TestNavigationModel::workspaceChangesKeepNodes()
{
    NavigationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setWorkspaces({makeWorkspace(QStringLiteral("a"), {}, QStringLiteral("Alpha")),
                         makeWorkspace(QStringLiteral("b"), {}, QStringLiteral("Beta")),
                         makeWorkspace(QStringLiteral("c"), {}, QStringLiteral("Gamma"))});
    QPersistentModelIndex beta = model.indexForWorkspace(QStringLiteral("b"));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

    // Rename Alpha to Zulu (moves to the end), drop Gamma, add Delta.
    model.setWorkspaces({makeWorkspace(QStringLiteral("a"), {}, QStringLiteral("Zulu")),
                         makeWorkspace(QStringLiteral("b"), {}, QStringLiteral("Beta")),
                         makeWorkspace(QStringLiteral("d"), {}, QStringLiteral("Delta"))});
    QCOMPARE(resets.count(), 0);
    QCOMPARE(childNames(model), (QStringList{QStringLiteral("Admin keys"), QStringLiteral("Beta"),
                                             QStringLiteral("Delta"), QStringLiteral("Zulu")}));
    QVERIFY(beta.isValid());
    QCOMPARE(beta.data(Navigation::WorkspaceIdRole).toString(), QStringLiteral("b"));
    // Repeated and id-less workspaces are ignored.
    model.setWorkspaces({makeWorkspace(QStringLiteral("b"), {}, QStringLiteral("Beta")),
                         makeWorkspace(QStringLiteral("b"), {}, QStringLiteral("Beta again")),
                         makeWorkspace(QString(), {}, QStringLiteral("No id"))});
    QCOMPARE(childNames(model), (QStringList{QStringLiteral("Admin keys"), QStringLiteral("Beta")}));
    model.setWorkspaces({});
    QCOMPARE(model.rowCount(model.organisationIndex()), 1);
}

void TestNavigationModel::countsFromKeyModel()
{
    KeyTableModel keys;
    const QList<Workspace> workspaces = pktest::manyWorkspaces(3);
    keys.setWorkspaces(workspaces);
    QList<ApiKey> list = pktest::manyKeys(30, 3);
    list[1].workspaceId = QStringLiteral("slug-2"); // a key naming its workspace by slug
    keys.setKeys(list);
    NavigationModel nav;
    QAbstractItemModelTester tester(&nav, QAbstractItemModelTester::FailureReportingMode::Fatal);
    nav.setWorkspaces(workspaces);
    nav.setKeyCounts(keys.keyCountsByWorkspace(), keys.organisationKeyCount());
    QCOMPARE(nav.adminKeysIndex().data(Navigation::KeyCountRole).toInt(), 3);
    const int total = nav.indexForWorkspace(QStringLiteral("ws-0")).data(Navigation::KeyCountRole).toInt() +
                      nav.indexForWorkspace(QStringLiteral("ws-1")).data(Navigation::KeyCountRole).toInt() +
                      nav.indexForWorkspace(QStringLiteral("ws-2")).data(Navigation::KeyCountRole).toInt();
    QCOMPARE(total, 27);
    QCOMPARE(nav.organisationIndex().data(Navigation::KeyCountRole).toInt(), 30);
    QCOMPARE(nav.indexForWorkspace(QStringLiteral("ws-2")).data(Navigation::KeyCountRole).toInt(), 10);
}

QTEST_MAIN(TestNavigationModel)
#include "tst_navigationmodel.moc"
