#include "models/keyfilterproxy.h"

#include "models/keylist.h"
#include "models/keytablemodel.h"

#include <QDateTime>
#include <QRegularExpression>

namespace pk::models {

using namespace KeyList;

KeyFilterProxy::KeyFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setFilterKeyColumn(-1);
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
    m_collator.setNumericMode(true);
}

void KeyFilterProxy::setSourceModel(QAbstractItemModel *source)
{
    m_keys = qobject_cast<KeyTableModel *>(source);
    QSortFilterProxyModel::setSourceModel(source);
}

void KeyFilterProxy::setSearchText(const QString &text)
{
    if (text == m_searchText)
        return;
    static const QRegularExpression space(QStringLiteral("\\s+"));
    const QStringList words = text.toLower().split(space, Qt::SkipEmptyParts);
    m_searchText = text;
    if (words == m_words)
        return;
    m_words = words;
    invalidateFilter();
}

void KeyFilterProxy::setWorkspaceFilter(const QString &workspaceId)
{
    if (workspaceId == m_workspaceId && !m_adminOnly)
        return;
    m_workspaceId = workspaceId;
    m_adminOnly = false;
    invalidateFilter();
}

void KeyFilterProxy::setAdminKeysOnly(bool on)
{
    if (on == m_adminOnly && (!on || m_workspaceId.isEmpty()))
        return;
    m_adminOnly = on;
    if (on)
        m_workspaceId.clear();
    invalidateFilter();
}

void KeyFilterProxy::setKeyTypeFilter(std::optional<KeyType> type)
{
    if (type == m_type)
        return;
    m_type = type;
    invalidateFilter();
}

void KeyFilterProxy::setStatusFilter(std::optional<KeyStatus> status)
{
    if (status == m_status)
        return;
    m_status = status;
    invalidateFilter();
}

const ApiKey *KeyFilterProxy::itemAt(const QModelIndex &proxyIndex) const
{
    if (!m_keys || !proxyIndex.isValid() || proxyIndex.model() != this)
        return nullptr;
    return m_keys->itemAt(mapToSource(proxyIndex));
}

QModelIndex KeyFilterProxy::indexForId(const QString &id, int column) const
{
    if (!m_keys)
        return {};
    return mapFromSource(m_keys->indexForId(id, column));
}

bool KeyFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *src = sourceModel();
    const QModelIndex idx = src->index(sourceRow, 0, sourceParent);
    if (m_adminOnly && !idx.data(OrganisationLevelRole).toBool())
        return false;
    if (!m_workspaceId.isEmpty() && idx.data(WorkspaceIdRole).toString() != m_workspaceId)
        return false;
    if (m_type && KeyType(idx.data(KeyTypeRole).toInt()) != *m_type)
        return false;
    if (m_status && KeyStatus(idx.data(StatusRole).toInt()) != *m_status)
        return false;
    if (!m_words.isEmpty()) {
        const QString text = m_keys != nullptr && sourceParent == QModelIndex()
                                 ? m_keys->searchText(sourceRow)
                                 : idx.data(SearchTextRole).toString();
        for (const QString &w : m_words) {
            if (!text.contains(w))
                return false;
        }
    }
    return true;
}

bool KeyFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // Text columns of a KeyTableModel: its cached collation keys, no QVariant and no string work.
    if (m_keys != nullptr && sortRole() == SortRole && left.model() == m_keys && right.model() == m_keys &&
        left.column() == right.column() && KeyTableModel::isTextSortColumn(left.column()))
        return m_keys->textSortKey(left.row(), left.column())
                   .compare(m_keys->textSortKey(right.row(), right.column())) < 0;
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    if (l.userType() == QMetaType::QDateTime && r.userType() == QMetaType::QDateTime) {
        // An invalid instant ("never", or unparseable) sorts after every date.
        const QDateTime a = l.toDateTime(), b = r.toDateTime();
        if (!a.isValid() || !b.isValid())
            return a.isValid() && !b.isValid();
        return a < b;
    }
    if (l.userType() == QMetaType::Int && r.userType() == QMetaType::Int)
        return l.toInt() < r.toInt();
    if (l.userType() == QMetaType::QString && r.userType() == QMetaType::QString)
        return m_collator.compare(l.toString(), r.toString()) < 0;
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace pk::models
