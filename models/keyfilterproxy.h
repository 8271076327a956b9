#pragma once

#include "domain/apikey.h"

#include <QCollator>
#include <QSortFilterProxyModel>
#include <QStringList>

#include <optional>

namespace pk::models {

class KeyTableModel;

/// Sorting and filtering over a KeyTableModel (roles: models/keylist.h). Sorting uses KeyList::SortRole:
/// text by the system locale, case-insensitive, numbers by value; dates as UTC instants with "never" and
/// unparseable dates after every date; counts as numbers. Filters combine with AND:
///  - search text: every whitespace-separated word must occur, case-insensitively, in the key's name,
///    masked key, id, description, workspace name or scopes;
///  - workspace: keys of one workspace (canonical id, KeyList::WorkspaceIdRole), or organisation-level
///    (Admin API) keys only;
///  - key type and status.
/// Each setter re-filters once; filtering reads the source's precomputed lower-case search text
/// (KeyTableModel::searchText()) and sorting a text column compares the source's cached collation keys
/// (KeyTableModel::textSortKey()), never QVariants: 100,000 rows filter in about 30 ms and sort by name in
/// about 0.3 s the first time, on a loaded 2-core machine (tests/bench).
class KeyFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit KeyFilterProxy(QObject *parent = nullptr);

    /// Free-text search; empty shows everything.
    void setSearchText(const QString &text);
    QString searchText() const { return m_searchText; }

    /// Shows only keys of the workspace with canonical id `workspaceId`; empty clears. Clears
    /// setAdminKeysOnly().
    void setWorkspaceFilter(const QString &workspaceId);
    QString workspaceFilter() const { return m_workspaceId; }
    /// Shows only organisation-level (Admin API) keys when `on`; clears setWorkspaceFilter().
    void setAdminKeysOnly(bool on);
    bool adminKeysOnly() const { return m_adminOnly; }

    /// Shows only keys of this type; nullopt clears. KeyType::Unknown matches every unrecognised type.
    void setKeyTypeFilter(std::optional<KeyType> type);
    std::optional<KeyType> keyTypeFilter() const { return m_type; }
    /// Shows only keys with this status; nullopt clears. KeyStatus::Unknown matches every unrecognised one.
    void setStatusFilter(std::optional<KeyStatus> status);
    std::optional<KeyStatus> statusFilter() const { return m_status; }

    /// The key behind a proxy index (any column), or nullptr (source must be a KeyTableModel).
    const ApiKey *itemAt(const QModelIndex &proxyIndex) const;
    /// The proxy index of the key with id `id`, or invalid when absent or filtered out.
    QModelIndex indexForId(const QString &id, int column = 0) const;

    void setSourceModel(QAbstractItemModel *source) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    KeyTableModel *m_keys = nullptr;
    QCollator m_collator; // locale-aware, case-insensitive, numbers by value ("Key 2" < "Key 10")
    QString m_searchText;
    QStringList m_words; // lower case
    QString m_workspaceId;
    bool m_adminOnly = false;
    std::optional<KeyType> m_type;
    std::optional<KeyStatus> m_status;
};

} // namespace pk::models
