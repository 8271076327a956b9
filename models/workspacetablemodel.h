#pragma once

#include "domain/workspace.h"
#include "models/rowtablemodel.h"
#include "models/workspacelist.h"

#include <QHash>

namespace pk::models {

/// Workspaces as a table (models/workspacelist.h).
class WorkspaceTableModel : public RowTableModel<Workspace, WorkspaceList::ColumnCount>
{
    Q_OBJECT
public:
    explicit WorkspaceTableModel(QObject *parent = nullptr);

    /// Replaces all workspaces, diffing by id.
    void setWorkspaces(const QList<Workspace> &workspaces);
    /// Inserts or replaces one workspace the server confirmed.
    void upsert(const Workspace &workspace);
    /// Key counts per canonical workspace id (KeyTableModel::keyCountsByWorkspace()); refreshes the Keys
    /// column.
    void setKeyCounts(const QHash<QString, int> &perWorkspace);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    QHash<QString, int> m_counts;
};

} // namespace pk::models
