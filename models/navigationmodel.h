#pragma once

#include "domain/workspace.h"
#include "models/navigation.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>

namespace pk::models {

/// The navigation tree: one organisation node with the children "Admin keys" (organisation-level keys)
/// and each workspace (sorted by name), each showing its key count ("Production (12)"). Roles:
/// models/navigation.h.
class NavigationModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    explicit NavigationModel(QObject *parent = nullptr);

    /// The organisation's name (root node text; "Organisation" when empty).
    void setOrganisationName(const QString &name);
    /// Replaces the workspace children, keeping nodes whose id stays (minimal signals).
    void setWorkspaces(const QList<Workspace> &workspaces);
    /// Key counts: per canonical workspace id (KeyTableModel::keyCountsByWorkspace()) and for the
    /// organisation level (KeyTableModel::organisationKeyCount()).
    void setKeyCounts(const QHash<QString, int> &perWorkspace, int organisationLevel);
    /// Whether the connection may list organisation-level (Admin API) keys (ROLES.md: only Admin API keys
    /// and organisation owners/admins do; workspace keys cannot). When `listable` is false the "Admin keys"
    /// node stays in place (so views and persistent indexes keep their rows) but is neither enabled nor
    /// selectable, and its tool tip is `reason` (e.g. ActionController::reasonFor() of the denial). Default:
    /// listable. Emits dataChanged for the node when anything changed.
    void setAdminKeysListable(bool listable, const QString &reason = {});
    bool adminKeysListable() const { return m_adminListable; }

    /// The root node.
    QModelIndex organisationIndex() const;
    /// The "Admin keys" node.
    QModelIndex adminKeysIndex() const;
    /// The node of the workspace with canonical id `workspaceId`, or invalid.
    QModelIndex indexForWorkspace(const QString &workspaceId) const;
    /// The node with the stable id `nodeId` (Navigation::IdRole), or invalid.
    QModelIndex indexForId(const QString &nodeId) const;
    /// The workspace behind a Workspace node, or nullptr.
    const Workspace *itemAt(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    int workspaceRow(const QString &workspaceId) const;
    int totalKeys() const;

    QString m_orgName;
    QList<Workspace> m_workspaces; // sorted by name
    QHash<QString, int> m_counts;
    int m_orgLevelCount = 0;
    bool m_adminListable = true;
    QString m_adminDeniedReason;
};

} // namespace pk::models
