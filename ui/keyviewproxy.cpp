#include "keyviewproxy.h"

#include "models/keylist.h"

namespace pk::ui {

KeyViewProxy::KeyViewProxy(QObject *parent) : models::KeyFilterProxy(parent) {}

void KeyViewProxy::setIdFilter(const QSet<QString> &ids)
{
    if (ids == m_ids)
        return;
    m_ids = ids;
    invalidateRowsFilter();
}

bool KeyViewProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_ids.isEmpty()) {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        if (!m_ids.contains(index.data(models::KeyList::IdRole).toString()))
            return false;
    }
    return models::KeyFilterProxy::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace pk::ui
