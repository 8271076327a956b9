#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QLoggingCategory>
#include <QStringList>

#include <algorithm>
#include <utility>

Q_DECLARE_LOGGING_CATEGORY(lcModels)

namespace pk::models {

/// What the last replace (setKeys(), setMembers(), …) did to the model; for tests and timing logs.
struct ApplyStats
{
    int inserted = 0;   ///< rows inserted
    int removed = 0;    ///< rows removed
    int changed = 0;    ///< rows reported through dataChanged
    bool reset = false; ///< true when the model was reset instead of diffed
};

/// A table model whose rows are identified by a stable, unique string id (a key id, a user id, …).
/// Rows are never identified by their number outside the model: use indexForId() and each subclass's
/// itemAt(). Replacing the content diffs by id: unchanged rows stay, changed rows emit dataChanged, the
/// rest are removed or inserted; a model reset happens only when most rows go (see setResetThreshold()).
class IdTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit IdTableModel(QObject *parent = nullptr);

    /// The index of the row with id `id` at `column`; invalid when no row has that id.
    QModelIndex indexForId(const QString &id, int column = 0) const;
    /// The stable id of `index`'s row; empty for an invalid or foreign index.
    QString idAt(const QModelIndex &index) const;
    /// What the last replace did.
    ApplyStats lastApplyStats() const { return m_stats; }
    /// A replace that would remove more than `percent` % of the current rows, or rows in more than
    /// kMaxSignalRanges separate ranges, resets the model instead of emitting single removals (default 50 %).
    void setResetThreshold(int percent) { m_resetPercent = std::clamp(percent, 0, 100); }

    int rowCount(const QModelIndex &parent = {}) const override;

    /// Above this many separate row ranges a replace signals one span (changes) or a reset (removals):
    /// proxies handle each range in O(rows).
    static constexpr int kMaxSignalRanges = 32;

protected:
    /// The id of row `row`; subclasses answer from their storage.
    virtual QString rowId(int row) const = 0;
    /// The number of rows held.
    virtual int storedRows() const = 0;

    /// Replaces `rows` by `incoming` with minimal signals. `idOf(row)` gives a row's id, `same(a, b)` tells
    /// whether a row's content is unchanged; `prepare(row)` completes a row (derived columns) only when it
    /// is stored, so unchanged rows cost a comparison. Rows with an empty or repeated id are dropped (the
    /// last of a repeated id wins) and logged by id only. Order of kept rows is preserved; new rows are
    /// appended (sorting is the proxy's job).
    template <typename Row, typename IdOf, typename Same, typename Prepare>
    void replaceRows(QList<Row> &rows, QList<Row> incoming, IdOf idOf, Same same, Prepare prepare);
    template <typename Row, typename IdOf, typename Same>
    void replaceRows(QList<Row> &rows, QList<Row> incoming, IdOf idOf, Same same)
    {
        replaceRows(rows, std::move(incoming), idOf, same, [](Row &) {});
    }
    /// Replaces the row with `row`'s id, or appends it.
    template <typename Row, typename IdOf> void upsertRow(QList<Row> &rows, Row row, IdOf idOf);
    /// Removes the rows with these ids; unknown ids are ignored. Returns the number removed.
    template <typename Row> int removeRowIds(QList<Row> &rows, const QStringList &ids);
    /// Marks the id → row lookup stale; it is rebuilt from rowId() on the next lookup.
    void invalidateIdIndex() { m_idIndexDirty = true; }
    /// Emits dataChanged for every row and column (after a change of a lookup such as workspace names).
    void emitAllChanged();

    /// The row of `id`, or -1.
    int rowForId(const QString &id) const;

    ApplyStats m_stats;

private:
    mutable QHash<QString, int> m_rowById;
    mutable bool m_idIndexDirty = false;
    int m_resetPercent = 50;
};

template <typename Row, typename IdOf, typename Same, typename Prepare>
void IdTableModel::replaceRows(QList<Row> &rows, QList<Row> incoming, IdOf idOf, Same same, Prepare prepare)
{
    m_stats = {};
    // Drop rows without an id and repeated ids (last wins).
    QHash<QString, int> incomingById;
    incomingById.reserve(incoming.size());
    QList<Row> unique;
    unique.reserve(incoming.size());
    for (Row &r : incoming) {
        const QString id = idOf(r);
        if (id.isEmpty()) {
            qCWarning(lcModels) << "dropping an item without id";
            continue;
        }
        const auto it = incomingById.constFind(id);
        if (it != incomingById.constEnd()) {
            qCWarning(lcModels) << "repeated id" << id << "- keeping the last";
            unique[it.value()] = std::move(r);
            continue;
        }
        incomingById.insert(id, unique.size());
        unique.append(std::move(r));
    }

    // Which current rows go, as ranges.
    QList<std::pair<int, int>> removeRanges; // first, last
    int removeCount = 0;
    for (int row = 0; row < rows.size(); ++row) {
        if (incomingById.contains(idOf(rows.at(row))))
            continue;
        ++removeCount;
        if (!removeRanges.isEmpty() && removeRanges.last().second == row - 1)
            removeRanges.last().second = row;
        else
            removeRanges.append({row, row});
    }

    const bool reset = !rows.isEmpty() && (qint64(removeCount) * 100 > qint64(rows.size()) * m_resetPercent ||
                                           removeRanges.size() > kMaxSignalRanges);
    if (reset || rows.isEmpty()) {
        for (Row &r : unique)
            prepare(r);
        const bool wasEmpty = rows.isEmpty();
        if (wasEmpty && !unique.isEmpty()) {
            beginInsertRows({}, 0, int(unique.size()) - 1);
            rows = std::move(unique);
            invalidateIdIndex();
            endInsertRows();
            m_stats.inserted = int(rows.size());
        } else if (!wasEmpty) {
            beginResetModel();
            rows = std::move(unique);
            invalidateIdIndex();
            endResetModel();
            m_stats.reset = true;
        }
        return;
    }

    // Remove from the bottom so earlier ranges keep their row numbers.
    for (auto it = removeRanges.crbegin(); it != removeRanges.crend(); ++it) {
        beginRemoveRows({}, it->first, it->second);
        rows.remove(it->first, it->second - it->first + 1);
        invalidateIdIndex();
        endRemoveRows();
    }
    m_stats.removed = removeCount;

    // Update kept rows in place; report changed ones as contiguous ranges. Many scattered ranges are
    // reported as one span instead: a sorting proxy handles each dataChanged in O(rows).
    QList<std::pair<int, int>> changedRanges;
    QList<bool> taken(unique.size(), false);
    for (int row = 0; row < rows.size(); ++row) {
        const int from = incomingById.value(idOf(rows.at(row)));
        taken[from] = true;
        if (same(rows.at(row), unique.at(from)))
            continue;
        rows[row] = std::move(unique[from]);
        prepare(rows[row]);
        ++m_stats.changed;
        if (!changedRanges.isEmpty() && changedRanges.last().second == row - 1)
            changedRanges.last().second = row;
        else
            changedRanges.append({row, row});
    }
    const int lastColumn = columnCount() - 1;
    if (changedRanges.size() > kMaxSignalRanges) {
        Q_EMIT dataChanged(index(changedRanges.first().first, 0),
                           index(changedRanges.last().second, lastColumn));
    } else {
        for (const auto &[first, last] : std::as_const(changedRanges))
            Q_EMIT dataChanged(index(first, 0), index(last, lastColumn));
    }

    // Append the new ones.
    QList<Row> added;
    for (int i = 0; i < unique.size(); ++i) {
        if (!taken.at(i)) {
            added.append(std::move(unique[i]));
            prepare(added.last());
        }
    }
    if (!added.isEmpty()) {
        const int first = int(rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        rows.append(std::move(added));
        invalidateIdIndex();
        endInsertRows();
        m_stats.inserted = int(rows.size()) - first;
    }
}

template <typename Row, typename IdOf> void IdTableModel::upsertRow(QList<Row> &rows, Row row, IdOf idOf)
{
    m_stats = {};
    const QString id = idOf(row);
    if (id.isEmpty()) {
        qCWarning(lcModels) << "ignoring an item without id";
        return;
    }
    const int existing = rowForId(id);
    if (existing >= 0) {
        rows[existing] = std::move(row);
        m_stats.changed = 1;
        Q_EMIT dataChanged(index(existing, 0), index(existing, columnCount() - 1));
        return;
    }
    const int at = int(rows.size());
    beginInsertRows({}, at, at);
    rows.append(std::move(row));
    invalidateIdIndex();
    endInsertRows();
    m_stats.inserted = 1;
}

template <typename Row> int IdTableModel::removeRowIds(QList<Row> &rows, const QStringList &ids)
{
    m_stats = {};
    QList<int> doomed;
    for (const QString &id : ids) {
        const int row = rowForId(id);
        if (row >= 0)
            doomed.append(row);
    }
    std::sort(doomed.begin(), doomed.end());
    doomed.erase(std::unique(doomed.begin(), doomed.end()), doomed.end());
    // Remove contiguous ranges from the bottom.
    int i = int(doomed.size()) - 1;
    while (i >= 0) {
        int first = i;
        while (first > 0 && doomed.at(first - 1) == doomed.at(first) - 1)
            --first;
        beginRemoveRows({}, doomed.at(first), doomed.at(i));
        rows.remove(doomed.at(first), i - first + 1);
        invalidateIdIndex();
        endRemoveRows();
        i = first - 1;
    }
    m_stats.removed = int(doomed.size());
    return m_stats.removed;
}

} // namespace pk::models
