#pragma once

#include "domain/apikey.h"
#include "domain/workspace.h"
#include "models/idtablemodel.h"
#include "models/keylist.h"

#include <QCollator>
#include <QDateTime>
#include <QIcon>

#include <array>
#include <functional>
#include <optional>

namespace pk::models {

/// The API keys of an organisation as a table (columns and roles: models/keylist.h). Content comes only
/// from what the server confirmed (setKeys() after a sync, upsert()/removeIds() after a write). Never holds
/// or returns a full secret: only the masked key the server lists (openapi.yaml ApiKeyObject, L34810).
///
/// Display rules: status "active"/"exhausted"/"expired" and any other value raw (ADMIN-API.md §9); expiry
/// as relative text with the local time (with zone) and the UTC instant in the tool tip; keys expiring
/// within expiryWarningDays() and exhausted or expired keys stand out (BackgroundRole tint, a coloured
/// DecorationRole dot in the Status column).
class KeyTableModel : public IdTableModel
{
    Q_OBJECT
public:
    explicit KeyTableModel(QObject *parent = nullptr);

    /// Replaces all keys, diffing by id (see IdTableModel): unchanged keys cost one comparison, so a sync
    /// of 100,000 keys that changed 1 % takes about 0.4 s of CPU time (tests/models timings).
    void setKeys(const QList<ApiKey> &keys);
    /// Inserts or replaces one key the server confirmed (create, update, rotate).
    void upsert(const ApiKey &key);
    /// Removes the keys with these ids (server-confirmed deletes); unknown ids are ignored.
    void removeIds(const QStringList &ids);
    /// All keys held, in model row order.
    QList<ApiKey> keys() const;

    /// The workspaces used to show names for the ids or slugs keys carry (Workspace::matches(); ADMIN-API.md
    /// §4: either names a workspace). Rows are refreshed only when an id, slug or name changed.
    void setWorkspaces(const QList<Workspace> &workspaces);
    /// The name of the workspace that `idOrSlug` names; `idOrSlug` itself when unknown.
    QString workspaceName(const QString &idOrSlug) const;
    /// The canonical id of the workspace `idOrSlug` names; `idOrSlug` itself when unknown.
    QString workspaceId(const QString &idOrSlug) const;
    /// Keys per canonical workspace id (organisation-level keys are not counted here).
    QHash<QString, int> keyCountsByWorkspace() const;
    /// The number of organisation-level (Admin API) keys.
    int organisationKeyCount() const;

    /// The key at `index` (any column), or nullptr for an invalid or foreign index. The pointer is valid
    /// until the model next changes.
    const ApiKey *itemAt(const QModelIndex &index) const;
    /// The key with id `id`, or nullptr.
    const ApiKey *keyById(const QString &id) const;

    /// True for the columns whose SortRole value is text (Name, Type, Workspace, Status): those sort by
    /// textSortKey().
    static bool isTextSortColumn(int column);
    /// The collation key of the SortRole text of source row `row` in text column `column`
    /// (isTextSortColumn()), made by textCollator(): comparing two keys orders rows as comparing their
    /// texts with that collator would, but without any string work. Built the first time a sort asks for
    /// it and kept until the row changes (setKeys(), upsert(), setWorkspaces()), so sorting 100,000 rows
    /// again costs only the key comparisons. `row` and `column` must be valid.
    const QCollatorSortKey &textSortKey(int row, int column) const;
    /// The collator of textSortKey(): the system locale, case-insensitive, numbers by value ("Key 2" <
    /// "Key 10").
    const QCollator &textCollator() const { return m_collator; }
    /// The lower-case search text of source row `row` (name, masked key, id, description, workspace name
    /// and scopes, newline-separated), as SearchTextRole returns it, without a QVariant. `row` must be
    /// valid.
    const QString &searchText(int row) const { return m_rows.at(row).searchText; }

    /// Keys expiring within this many days (default 7) are marked ExpiryState::Soon.
    int expiryWarningDays() const { return m_warningDays; }
    /// Sets the warning window in days (≥ 0) and refreshes the Expires column.
    void setExpiryWarningDays(int days);
    /// The clock used for relative expiry text and expiry states; returns a UTC instant. Default: the
    /// system clock. Tests inject fixed instants. Call refreshNow() after the clock moves to update views.
    void setNowProvider(std::function<QDateTime()> nowUtc);
    /// The model's current "now" (UTC).
    QDateTime now() const;
    /// Emits dataChanged for every row after the clock moved (relative expiry text, expiry state and the
    /// row tint depend on "now"); a sorting or filtering proxy then re-evaluates every row.
    void refreshNow();

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

protected:
    QString rowId(int row) const override;
    int storedRows() const override;

private:
    struct Row
    {
        ApiKey key;
        QString workspaceId;   // canonical
        QString workspaceName; // shown
        QString searchText;    // lower case
        // Collation keys of the text columns (Name, Type, Workspace, Status), built on demand by
        // textSortKey(); a changed row is a new Row, and prepareRow() clears them.
        mutable std::array<std::optional<QCollatorSortKey>, 4> sortKeys;
    };
    Row makeRow(const ApiKey &key) const;
    void prepareRow(Row &row) const;
    void refreshWorkspaceColumns();
    KeyList::ExpiryState expiryState(const ApiKey &key, const QDateTime &nowUtc) const;
    QVariant displayData(const Row &row, int column) const;
    QVariant sortData(const Row &row, int column) const;
    QString toolTip(const Row &row, int column) const;
    QIcon statusIcon(const Row &row) const;

    struct WorkspaceRef
    {
        QString id;
        QString name;
        bool operator==(const WorkspaceRef &o) const { return id == o.id && name == o.name; }
    };

    QList<Row> m_rows;
    QHash<QString, WorkspaceRef> m_workspaceByRef; // a workspace's id and slug -> its id and name
    int m_warningDays = 7;
    std::function<QDateTime()> m_now;
    mutable QHash<int, QIcon> m_icons;
    QCollator m_collator;
};

} // namespace pk::models
