#pragma once

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>

class QItemSelection;
class QItemSelectionModel;
class QAbstractItemModel;
class QModelIndex;

namespace pk::models {

/// Keeps a view's selection by stable id across model resets, re-sorting, re-filtering and diffs
/// (Kleopatra keytreeview.cpp habit). Works on a QItemSelectionModel whose model (a proxy or a table)
/// answers `idRole` with a QString id.
///
/// It follows the model by itself: ids the user selected stay wanted while their rows are filtered out or
/// absent, and are selected again (with the current index) when the rows come back after a reset, an
/// insert or a layout change. A user's deselection of a row drops its id; deselections the selection
/// model makes because rows go away do not. save()/restore() can also be called by hand.
///
/// To tell the two kinds of deselection apart the keeper must see a model's "about to" signals before the
/// selection model does (slots run in connection order), so it re-attaches the selection model to its
/// model once, keeping the selection; this also happens when the selection model's model changes.
class SelectionKeeper : public QObject
{
    Q_OBJECT
public:
    /// Keeps `selection`'s rows by the QString id its model answers for `idRole`. The keeper does nothing
    /// once `selection` is destroyed.
    SelectionKeeper(QItemSelectionModel *selection, int idRole, QObject *parent = nullptr);

    /// Records the ids of the selected rows and of the current index.
    void save();
    /// Selects the rows of the recorded ids that are present now (whole rows) and makes the recorded
    /// current id current again; ids not present stay recorded.
    void restore();
    /// The recorded (wanted) ids.
    QStringList savedIds() const { return m_ids; }
    /// The recorded current id.
    QString savedCurrentId() const { return m_currentId; }
    /// Forgets the recorded ids.
    void clear();

    /// The index of `id` in `model` (column 0): walks a proxy chain to an IdTableModel for a fast lookup,
    /// else searches `idRole`. Invalid when absent.
    static QModelIndex findIndex(const QAbstractItemModel *model, const QString &id, int idRole);

private:
    void attach();
    void onSelectionChanged(const QItemSelection &selected, const QItemSelection &deselected);
    void onCurrentChanged(const QModelIndex &current);
    QString idOf(const QModelIndex &index) const;

    QPointer<QItemSelectionModel> m_selection;
    QPointer<QAbstractItemModel> m_model;
    int m_idRole;
    QStringList m_ids;
    QSet<QString> m_idSet;
    QString m_currentId;
    int m_changing = 0;
    bool m_restoring = false;
    bool m_attaching = false;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace pk::models
