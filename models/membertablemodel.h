#pragma once

#include "domain/workspace.h"
#include "models/idtablemodel.h"
#include "models/memberlist.h"

namespace pk::models {

/// Workspace members as a table (models/memberlist.h). Rows may come from several workspaces; a row's
/// stable id is "<workspace id>/<user id>" (MemberList::IdRole).
class MemberTableModel : public IdTableModel
{
    Q_OBJECT
public:
    explicit MemberTableModel(QObject *parent = nullptr);

    /// Replaces all members, diffing by row id.
    void setMembers(const QList<WorkspaceMember> &members);
    /// Inserts or replaces one member the server confirmed.
    void upsert(const WorkspaceMember &member);
    /// Removes members by row id ("<workspace id>/<user id>", see rowIdFor()).
    void removeIds(const QStringList &ids);
    /// The row id of a member: "<workspace id>/<user id>".
    static QString rowIdFor(const WorkspaceMember &member);

    /// The member at `index`, or nullptr. Valid until the model next changes.
    const WorkspaceMember *itemAt(const QModelIndex &index) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString rowId(int row) const override;
    int storedRows() const override;

private:
    QList<WorkspaceMember> m_rows;
};

} // namespace pk::models
