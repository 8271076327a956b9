#pragma once

#include "domain/user.h"
#include "models/rowtablemodel.h"
#include "models/userlist.h"

namespace pk::models {

/// Organisation users as a table (models/userlist.h).
class UserTableModel : public RowTableModel<User, UserList::ColumnCount>
{
    Q_OBJECT
public:
    explicit UserTableModel(QObject *parent = nullptr);

    /// Replaces all users, diffing by id.
    void setUsers(const QList<User> &users);
    /// Inserts or replaces one user the server confirmed.
    void upsert(const User &user);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
};

} // namespace pk::models
