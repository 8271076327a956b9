#include "modelfixtures.h"

#include "models/keyfilterproxy.h"
#include "models/keylist.h"
#include "models/keytablemodel.h"
#include "models/selectionkeeper.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>

using namespace pk;
using namespace pk::models;

namespace {

QStringList selectedIds(const QItemSelectionModel &selection)
{
    QStringList ids;
    const QModelIndexList rows = selection.selectedRows(0);
    for (const QModelIndex &i : rows)
        ids << i.data(KeyList::IdRole).toString();
    ids.sort();
    return ids;
}

QString currentId(const QItemSelectionModel &selection)
{
    return selection.currentIndex()
        .sibling(selection.currentIndex().row(), 0)
        .data(KeyList::IdRole)
        .toString();
}

} // namespace

class TestSelectionKeeper : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void keptAcrossReorderedSetKeys();
    void keptAcrossReset();
    void keptAcrossSorting();
    void restoredAfterFilterChanges();
    void userDeselectionIsRespected();
    void manualSaveRestoreOnAPlainModel();
    void worksWithATableViewsSelectionModel();

private:
    void select(const QString &id,
                QItemSelectionModel::SelectionFlags extra = QItemSelectionModel::ClearAndSelect);

    KeyTableModel *m_model = nullptr;
    KeyFilterProxy *m_proxy = nullptr;
    QItemSelectionModel *m_selection = nullptr;
    SelectionKeeper *m_keeper = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;
};

void TestSelectionKeeper::init()
{
    m_model = new KeyTableModel;
    m_proxy = new KeyFilterProxy;
    m_proxy->setSourceModel(m_model);
    m_tester = new QAbstractItemModelTester(m_proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_proxy->sort(KeyList::Name, Qt::AscendingOrder);
    m_model->setKeys(pktest::manyKeys(50, 3));
    m_selection = new QItemSelectionModel(m_proxy);
    m_keeper = new SelectionKeeper(m_selection, KeyList::IdRole);
}

void TestSelectionKeeper::cleanup()
{
    delete m_keeper;
    delete m_selection;
    delete m_tester;
    delete m_proxy;
    delete m_model;
}

void TestSelectionKeeper::select(const QString &id, QItemSelectionModel::SelectionFlags flags)
{
    const QModelIndex i = m_proxy->indexForId(id);
    QVERIFY(i.isValid());
    m_selection->setCurrentIndex(i, flags | QItemSelectionModel::Rows);
}

void TestSelectionKeeper::keptAcrossReorderedSetKeys()
{
    select(QStringLiteral("key-000005"));
    QList<ApiKey> next = pktest::manyKeys(50, 3);
    std::reverse(next.begin(), next.end());
    next[10].name = QStringLiteral("AAA moves to the top"); // key-000039
    next.removeAt(20);                                      // key-000029
    for (ApiKey &k : next) {
        if (k.id == QLatin1String("key-000005"))
            k.name = QStringLiteral("zzz moves to the bottom");
    }
    m_model->setKeys(next);
    QVERIFY(!m_model->lastApplyStats().reset);
    QCOMPARE(selectedIds(*m_selection), QStringList{QStringLiteral("key-000005")});
    QCOMPARE(currentId(*m_selection), QStringLiteral("key-000005"));
    QCOMPARE(m_proxy->itemAt(m_selection->currentIndex())->name, QStringLiteral("zzz moves to the bottom"));
    QCOMPARE(m_selection->currentIndex().row(), m_proxy->rowCount() - 1);
}

void TestSelectionKeeper::keptAcrossReset()
{
    select(QStringLiteral("key-000005"));
    select(QStringLiteral("key-000012"), QItemSelectionModel::Select);
    m_model->setResetThreshold(0); // any removal resets
    QList<ApiKey> next = pktest::manyKeys(50, 3, 7);
    std::reverse(next.begin(), next.end());
    next.removeAt(0);
    m_model->setKeys(next);
    QVERIFY(m_model->lastApplyStats().reset);
    QCOMPARE(selectedIds(*m_selection),
             (QStringList{QStringLiteral("key-000005"), QStringLiteral("key-000012")}));
    QCOMPARE(currentId(*m_selection), QStringLiteral("key-000012"));
}

void TestSelectionKeeper::keptAcrossSorting()
{
    select(QStringLiteral("key-000033"));
    m_proxy->sort(KeyList::Name, Qt::DescendingOrder);
    QCOMPARE(selectedIds(*m_selection), QStringList{QStringLiteral("key-000033")});
    m_proxy->sort(KeyList::Expires, Qt::AscendingOrder);
    QCOMPARE(selectedIds(*m_selection), QStringList{QStringLiteral("key-000033")});
    QCOMPARE(currentId(*m_selection), QStringLiteral("key-000033"));
}

void TestSelectionKeeper::restoredAfterFilterChanges()
{
    select(QStringLiteral("key-000007"));
    select(QStringLiteral("key-000005"), QItemSelectionModel::Select); // current
    // Hide key-000005 only.
    m_proxy->setSearchText(QStringLiteral("key 7"));
    QCOMPARE(selectedIds(*m_selection), QStringList{QStringLiteral("key-000007")});
    QCOMPARE(m_keeper->savedIds().size(), 2);
    QCOMPARE(m_keeper->savedCurrentId(), QStringLiteral("key-000005"));
    // Hide both, then show everything again.
    m_proxy->setWorkspaceFilter(QStringLiteral("ws-0"));
    m_proxy->setSearchText(QStringLiteral("key 3"));
    QVERIFY(!m_selection->hasSelection());
    m_proxy->setSearchText({});
    m_proxy->setWorkspaceFilter({});
    QCOMPARE(selectedIds(*m_selection),
             (QStringList{QStringLiteral("key-000005"), QStringLiteral("key-000007")}));
    QCOMPARE(currentId(*m_selection), QStringLiteral("key-000005"));
    // A filter by type keeps what still matches.
    m_proxy->setKeyTypeFilter(KeyType::WorkspaceService); // 5 and 7 are service keys
    QCOMPARE(selectedIds(*m_selection),
             (QStringList{QStringLiteral("key-000005"), QStringLiteral("key-000007")}));
}

void TestSelectionKeeper::userDeselectionIsRespected()
{
    select(QStringLiteral("key-000007"));
    select(QStringLiteral("key-000005"), QItemSelectionModel::Select);
    m_selection->select(m_proxy->indexForId(QStringLiteral("key-000007")),
                        QItemSelectionModel::Deselect | QItemSelectionModel::Rows);
    QCOMPARE(m_keeper->savedIds(), QStringList{QStringLiteral("key-000005")});
    m_proxy->setSearchText(QStringLiteral("nothing matches this"));
    m_proxy->setSearchText({});
    QCOMPARE(selectedIds(*m_selection), QStringList{QStringLiteral("key-000005")});
    m_selection->clearSelection();
    QVERIFY(m_keeper->savedIds().isEmpty());
    m_model->setResetThreshold(0);
    QList<ApiKey> fewer = pktest::manyKeys(50, 3);
    fewer.removeLast();
    m_model->setKeys(fewer);
    QVERIFY(!m_selection->hasSelection());

    // A removed key stays wanted while absent and is selected again if it comes back.
    select(QStringLiteral("key-000011"));
    m_model->removeIds({QStringLiteral("key-000011")});
    QVERIFY(!m_selection->hasSelection());
    m_model->upsert(pktest::makeKey(QStringLiteral("key-000011"), QStringLiteral("Back")));
    QCOMPARE(selectedIds(*m_selection), QStringList{QStringLiteral("key-000011")});
}

void TestSelectionKeeper::manualSaveRestoreOnAPlainModel()
{
    QStandardItemModel plain;
    for (int i = 0; i < 5; ++i) {
        auto *item = new QStandardItem(QStringLiteral("row %1").arg(i));
        item->setData(QStringLiteral("id-%1").arg(i), KeyList::IdRole);
        plain.appendRow(item);
    }
    QItemSelectionModel selection(&plain);
    SelectionKeeper keeper(&selection, KeyList::IdRole);
    selection.setCurrentIndex(plain.index(3, 0), QItemSelectionModel::ClearAndSelect);
    QCOMPARE(keeper.savedIds(), QStringList{QStringLiteral("id-3")});
    plain.sort(0, Qt::DescendingOrder);
    QCOMPARE(selection.selectedRows().value(0).data(KeyList::IdRole).toString(), QStringLiteral("id-3"));
    keeper.save();
    plain.clear();
    QVERIFY(!selection.hasSelection());
    for (int i = 4; i >= 0; --i) {
        auto *item = new QStandardItem(QStringLiteral("row %1").arg(i));
        item->setData(QStringLiteral("id-%1").arg(i), KeyList::IdRole);
        plain.appendRow(item);
    }
    keeper.restore();
    QCOMPARE(selection.selectedRows().value(0).data(KeyList::IdRole).toString(), QStringLiteral("id-3"));
    QCOMPARE(selection.currentIndex().data(KeyList::IdRole).toString(), QStringLiteral("id-3"));
    QCOMPARE(SelectionKeeper::findIndex(&plain, QStringLiteral("id-4"), KeyList::IdRole).row(), 0);
}

void TestSelectionKeeper::worksWithATableViewsSelectionModel()
{
    QTableView view;
    view.setModel(m_proxy);
    view.setSelectionBehavior(QAbstractItemView::SelectRows);
    view.resize(600, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    SelectionKeeper keeper(view.selectionModel(), KeyList::IdRole);
    QCOMPARE(view.selectionModel()->model(), m_proxy);
    const QModelIndex target = m_proxy->indexForId(QStringLiteral("key-000021"), KeyList::Name);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.visualRect(target).center());
    QCOMPARE(selectedIds(*view.selectionModel()), QStringList{QStringLiteral("key-000021")});
    m_model->setResetThreshold(0);
    QList<ApiKey> next = pktest::manyKeys(50, 3, 3);
    next.removeFirst();
    m_model->setKeys(next);
    QVERIFY(m_model->lastApplyStats().reset);
    QCOMPARE(selectedIds(*view.selectionModel()), QStringList{QStringLiteral("key-000021")});
    QCOMPARE(view.currentIndex().data(KeyList::IdRole).toString(), QStringLiteral("key-000021"));
    m_proxy->setSearchText(QStringLiteral("key 3"));
    m_proxy->setSearchText({});
    QCOMPARE(selectedIds(*view.selectionModel()), QStringList{QStringLiteral("key-000021")});
}

QTEST_MAIN(TestSelectionKeeper)
#include "tst_selectionkeeper.moc"
