#pragma once

#include "domain/workspace.h"
#include "models/idtablemodel.h"
#include "models/workspacelist.h"

#include <QHash>

namespace pk::models {

/// Workspaces as a table (models/workspacelist.h).
class WorkspaceTableModel : public IdTableModel
{
    Q_OBJECT
public:
    explicit WorkspaceTableModel(QObject *parent = nullptr);

    /// Replaces all workspaces, diffing by id.
    void setWorkspaces(const QList<Workspace> &workspaces);
    /// Inserts or replaces one workspace the server confirmed.
    void upsert(const Workspace &workspace);
    /// Removes workspaces by id.
    void removeIds(const QStringList &ids);
    /// Key counts per canonical workspace id (KeyTableModel::keyCountsByWorkspace()); refreshes the Keys
    /// column.
    void setKeyCounts(const QHash<QString, int> &perWorkspace);

    /// The workspace at `index`, or nullptr. Valid until the model next changes.
    const Workspace *itemAt(const QModelIndex &index) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString rowId(int row) const override;
    int storedRows() const override;

private:
    QList<Workspace> m_rows;
    QHash<QString, int> m_counts;
};

} // namespace pk::models
