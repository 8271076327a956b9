#pragma once

#include "domain/user.h"
#include "models/idtablemodel.h"
#include "models/userlist.h"

namespace pk::models {

/// Organisation users as a table (models/userlist.h).
class UserTableModel : public IdTableModel
{
    Q_OBJECT
public:
    explicit UserTableModel(QObject *parent = nullptr);

    /// Replaces all users, diffing by id.
    void setUsers(const QList<User> &users);
    /// Inserts or replaces one user the server confirmed.
    void upsert(const User &user);
    /// Removes users by id.
    void removeIds(const QStringList &ids);

    /// The user at `index`, or nullptr. Valid until the model next changes.
    const User *itemAt(const QModelIndex &index) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString rowId(int row) const override;
    int storedRows() const override;

private:
    QList<User> m_rows;
};

} // namespace pk::models
