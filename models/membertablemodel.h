#pragma once

#include "domain/workspace.h"
#include "models/memberlist.h"
#include "models/rowtablemodel.h"

namespace pk::models {

/// Workspace members as a table (models/memberlist.h). Rows may come from several workspaces; a row's
/// stable id is "<workspace id>/<user id>" (MemberList::IdRole, rowIdFor()), which removeIds() takes.
class MemberTableModel : public RowTableModel<WorkspaceMember, MemberList::ColumnCount>
{
    Q_OBJECT
public:
    explicit MemberTableModel(QObject *parent = nullptr);

    /// Replaces all members, diffing by row id.
    void setMembers(const QList<WorkspaceMember> &members);
    /// Inserts or replaces one member the server confirmed.
    void upsert(const WorkspaceMember &member);
    /// The row id of a member: "<workspace id>/<user id>".
    static QString rowIdFor(const WorkspaceMember &member);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

protected:
    QString idOf(const WorkspaceMember &member) const override { return rowIdFor(member); }
};

} // namespace pk::models
