#pragma once

#include "models/keyfilterproxy.h"

#include <QSet>
#include <QString>

namespace pk::ui {

/// The main window's proxy over the keys: models::KeyFilterProxy's search, workspace, type and status
/// filters, plus an optional "only these keys" filter by id (e.g. the keys an expiry warning names). All
/// filters combine with AND.
class KeyViewProxy : public models::KeyFilterProxy
{
    Q_OBJECT
public:
    explicit KeyViewProxy(QObject *parent = nullptr);

    /// Shows only keys whose id is in `ids`; an empty set clears the filter. Re-filters once.
    void setIdFilter(const QSet<QString> &ids);
    const QSet<QString> &idFilter() const { return m_ids; }
    bool hasIdFilter() const { return !m_ids.isEmpty(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QSet<QString> m_ids;
};

} // namespace pk::ui
