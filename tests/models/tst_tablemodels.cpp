#include "modelfixtures.h"

#include "models/membertablemodel.h"
#include "models/usertablemodel.h"
#include "models/workspacetablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace pk;
using namespace pk::models;
using pktest::utc;

namespace {

WorkspaceMember member(const QString &ws, const QString &id, const QString &first, const QString &email,
                       const QString &role, const QString &orgRole = QStringLiteral("member"))
{
    WorkspaceMember m;
    m.workspaceId = ws;
    m.id = id;
    m.firstName = first;
    m.lastName = QStringLiteral("Doe");
    m.email = email;
    m.role = role;
    m.orgRole = orgRole;
    m.status = QStringLiteral("active");
    return m;
}

User user(const QString &id, const QString &first, const QString &last, const QString &role,
          QStringList workspaces)
{
    User u;
    u.id = id;
    u.firstName = first;
    u.lastName = last;
    u.email = first.toLower() + QStringLiteral("@example.com");
    u.role = role;
    u.workspaceIds = std::move(workspaces);
    u.createdAt = Timestamp::fromUtc(utc("2026-03-01T09:15:00Z"));
    return u;
}

} // namespace

class TestTableModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void members();
    void users();
    void workspaces();
};

void TestTableModels::members()
{
    MemberTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(MemberList::SortRole);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.sort(MemberList::Name);

    // The same user in two workspaces gives two rows.
    model.setMembers(
        {member(QStringLiteral("w1"), QStringLiteral("u1"), QStringLiteral("Jane"),
                QStringLiteral("jane@example.com"), QStringLiteral("admin")),
         member(QStringLiteral("w2"), QStringLiteral("u1"), QStringLiteral("Jane"),
                QStringLiteral("jane@example.com"), QStringLiteral("member")),
         member(QStringLiteral("w1"), QStringLiteral("u2"), QString(), QStringLiteral("bob@example.com"),
                QStringLiteral("ws-strange"), QStringLiteral("owner"))});
    QCOMPARE(model.rowCount(), 3);
    const QModelIndex jane2 = model.indexForId(QStringLiteral("w2/u1"));
    QVERIFY(jane2.isValid());
    QCOMPARE(jane2.data().toString(), QStringLiteral("Jane Doe"));
    QCOMPARE(jane2.sibling(jane2.row(), MemberList::WorkspaceRole).data().toString(),
             QStringLiteral("member"));
    QCOMPARE(jane2.data(MemberList::UserIdRole).toString(), QStringLiteral("u1"));
    QCOMPARE(jane2.data(MemberList::WorkspaceIdRole).toString(), QStringLiteral("w2"));
    QCOMPARE(model.itemAt(jane2)->role, QStringLiteral("member"));
    const QModelIndex bob = model.indexForId(QStringLiteral("w1/u2"));
    QCOMPARE(bob.sibling(bob.row(), MemberList::WorkspaceRole).data().toString(),
             QStringLiteral("ws-strange"));
    QCOMPARE(bob.sibling(bob.row(), MemberList::OrgRole).data().toString(), QStringLiteral("owner"));
    QCOMPARE(model.headerData(MemberList::Email, Qt::Horizontal).toString(), QStringLiteral("E-mail"));

    WorkspaceMember promoted = *model.itemAt(jane2);
    promoted.role = QStringLiteral("manager");
    model.upsert(promoted);
    QCOMPARE(model.lastApplyStats().changed, 1);
    QCOMPARE(model.indexForId(QStringLiteral("w2/u1"), MemberList::WorkspaceRole).data().toString(),
             QStringLiteral("manager"));
    model.removeIds({QStringLiteral("w1/u1")});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(proxy.rowCount(), 2);
    model.setMembers({});
    QCOMPARE(proxy.rowCount(), 0);
}

void TestTableModels::users()
{
    UserTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(UserList::SortRole);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.sort(UserList::Workspaces, Qt::DescendingOrder);
    model.setUsers({user(QStringLiteral("u1"), QStringLiteral("Ada"), QStringLiteral("Lovelace"),
                         QStringLiteral("owner"), {QStringLiteral("w1")}),
                    user(QStringLiteral("u2"), QStringLiteral("Émile"), QStringLiteral("Zola"),
                         QStringLiteral("auditor"), {QStringLiteral("w1"), QStringLiteral("w2")})});
    QCOMPARE(proxy.index(0, UserList::Name).data().toString(), QStringLiteral("Émile Zola"));
    const QModelIndex ada = model.indexForId(QStringLiteral("u1"));
    QCOMPARE(ada.sibling(ada.row(), UserList::Email).data().toString(), QStringLiteral("ada@example.com"));
    QCOMPARE(ada.sibling(ada.row(), UserList::OrgRole).data().toString(), QStringLiteral("owner"));
    QCOMPARE(ada.sibling(ada.row(), UserList::Workspaces).data().toInt(), 1);
    QCOMPARE(ada.sibling(ada.row(), UserList::Created).data().toString(),
             QStringLiteral("2026-03-01 10:15 CET"));
    QCOMPARE(ada.sibling(ada.row(), UserList::Created).data(UserList::SortRole).toDateTime(),
             utc("2026-03-01T09:15:00Z"));
    QCOMPARE(model.indexForId(QStringLiteral("u2"), UserList::OrgRole).data().toString(),
             QStringLiteral("auditor"));
    QCOMPARE(model.itemAt(ada)->lastName, QStringLiteral("Lovelace"));

    // Replace: u1 changes, u2 goes, u3 comes.
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setUsers({user(QStringLiteral("u1"), QStringLiteral("Ada"), QStringLiteral("King"),
                         QStringLiteral("owner"), {QStringLiteral("w1")}),
                    user(QStringLiteral("u3"), QStringLiteral("Grace"), QStringLiteral("Hopper"),
                         QStringLiteral("admin"), {})});
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.lastApplyStats().changed, 1);
    QCOMPARE(model.lastApplyStats().removed, 1);
    QCOMPARE(model.lastApplyStats().inserted, 1);
    QCOMPARE(model.indexForId(QStringLiteral("u1")).data().toString(), QStringLiteral("Ada King"));
    model.upsert(user(QStringLiteral("u4"), QStringLiteral("Linus"), QStringLiteral("T"),
                      QStringLiteral("member"), {}));
    model.removeIds({QStringLiteral("u3"), QStringLiteral("u4")});
    QCOMPARE(model.rowCount(), 1);
}

void TestTableModels::workspaces()
{
    WorkspaceTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(WorkspaceList::SortRole);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.sort(WorkspaceList::Keys, Qt::DescendingOrder);
    Workspace noSlug = pktest::makeWorkspace(QStringLiteral("ws-3"), {}, QStringLiteral("Research"));
    noSlug.description = QStringLiteral("Experiments");
    model.setWorkspaces(
        {pktest::makeWorkspace(QStringLiteral("ws-1"), QStringLiteral("prod"), QStringLiteral("Production")),
         noSlug});
    model.setKeyCounts({{QStringLiteral("ws-1"), 4}, {QStringLiteral("ws-3"), 9}});
    QCOMPARE(proxy.index(0, WorkspaceList::Name).data().toString(), QStringLiteral("Research"));
    const QModelIndex research = model.indexForId(QStringLiteral("ws-3"));
    QCOMPARE(research.sibling(research.row(), WorkspaceList::Slug).data().toString(), QStringLiteral("ws-3"));
    QCOMPARE(research.sibling(research.row(), WorkspaceList::Description).data().toString(),
             QStringLiteral("Experiments"));
    QCOMPARE(research.sibling(research.row(), WorkspaceList::Created).data().toString(),
             QStringLiteral("2025-11-02 09:00 CET"));
    QCOMPARE(research.data(WorkspaceList::KeyCountRole).toInt(), 9);
    QCOMPARE(model.indexForId(QStringLiteral("ws-1"), WorkspaceList::Slug).data().toString(),
             QStringLiteral("prod"));
    QCOMPARE(model.itemAt(research)->name, QStringLiteral("Research"));
    model.setKeyCounts({{QStringLiteral("ws-1"), 20}});
    QCOMPARE(proxy.index(0, WorkspaceList::Name).data().toString(), QStringLiteral("Production"));
    model.upsert(pktest::makeWorkspace(QStringLiteral("ws-4"), QStringLiteral("new"), QStringLiteral("New")));
    model.removeIds({QStringLiteral("ws-1")});
    QCOMPARE(model.rowCount(), 2);
    model.setWorkspaces({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestTableModels)
#include "tst_tablemodels.moc"
