#include "models/navigationmodel.h"

#include <QSet>

#include <algorithm>

namespace pk::models {

using namespace Navigation;

namespace {

constexpr quintptr kRootId = 0;       // internal id of the organisation node
constexpr quintptr kChildId = 1;      // internal id of its children
constexpr int kFirstWorkspaceRow = 1; // row 0 under the organisation is "Admin keys"

bool byName(const Workspace &a, const Workspace &b)
{
    const int c = QString::compare(a.name, b.name, Qt::CaseInsensitive);
    return c != 0 ? c < 0 : a.id < b.id;
}

} // namespace

NavigationModel::NavigationModel(QObject *parent) : QAbstractItemModel(parent) {}

void NavigationModel::setOrganisationName(const QString &name)
{
    if (name == m_orgName)
        return;
    m_orgName = name;
    const QModelIndex org = organisationIndex();
    Q_EMIT dataChanged(org, org);
}

void NavigationModel::setWorkspaces(const QList<Workspace> &workspaces)
{
    QList<Workspace> incoming;
    QSet<QString> incomingIds;
    for (const Workspace &w : workspaces) {
        if (w.id.isEmpty() || incomingIds.contains(w.id))
            continue; // a node needs a unique id
        incomingIds.insert(w.id);
        incoming.append(w);
    }
    std::sort(incoming.begin(), incoming.end(), byName);
    const QModelIndex org = organisationIndex();

    // 1. Remove the workspaces that went, from the bottom.
    for (int i = int(m_workspaces.size()) - 1; i >= 0; --i) {
        if (incomingIds.contains(m_workspaces.at(i).id))
            continue;
        beginRemoveRows(org, kFirstWorkspaceRow + i, kFirstWorkspaceRow + i);
        m_workspaces.removeAt(i);
        endRemoveRows();
    }

    // 2. Bring the kept ones into the new order (names may have changed) with one layout change.
    QHash<QString, int> newPos;
    for (int i = 0; i < incoming.size(); ++i)
        newPos.insert(incoming.at(i).id, i);
    QList<Workspace> kept = m_workspaces;
    std::stable_sort(kept.begin(), kept.end(), [&](const Workspace &a, const Workspace &b) {
        return newPos.value(a.id) < newPos.value(b.id);
    });
    bool reordered = false;
    for (int i = 0; i < kept.size() && !reordered; ++i)
        reordered = kept.at(i).id != m_workspaces.at(i).id;
    if (reordered) {
        Q_EMIT layoutAboutToBeChanged({org});
        const QModelIndexList before = persistentIndexList();
        QModelIndexList after;
        for (const QModelIndex &p : before) {
            if (p.internalId() != kChildId || p.row() < kFirstWorkspaceRow) {
                after.append(p);
                continue;
            }
            const QString id = m_workspaces.at(p.row() - kFirstWorkspaceRow).id;
            int to = 0;
            while (kept.at(to).id != id)
                ++to;
            after.append(createIndex(kFirstWorkspaceRow + to, p.column(), kChildId));
        }
        m_workspaces = kept;
        changePersistentIndexList(before, after);
        Q_EMIT layoutChanged({org});
    }

    // 3. Insert the new ones at their places and refresh the kept ones.
    for (int i = 0; i < incoming.size(); ++i) {
        const Workspace &w = incoming.at(i);
        if (i < m_workspaces.size() && m_workspaces.at(i).id == w.id) {
            if (!(m_workspaces.at(i) == w)) {
                m_workspaces[i] = w;
                const QModelIndex idx = index(kFirstWorkspaceRow + i, 0, org);
                Q_EMIT dataChanged(idx, idx);
            }
            continue;
        }
        beginInsertRows(org, kFirstWorkspaceRow + i, kFirstWorkspaceRow + i);
        m_workspaces.insert(i, w);
        endInsertRows();
    }
}

void NavigationModel::setKeyCounts(const QHash<QString, int> &perWorkspace, int organisationLevel)
{
    m_counts = perWorkspace;
    m_orgLevelCount = organisationLevel;
    const QModelIndex org = organisationIndex();
    Q_EMIT dataChanged(org, org);
    Q_EMIT dataChanged(index(0, 0, org), index(int(m_workspaces.size()), 0, org));
}

void NavigationModel::setAdminKeysListable(bool listable, const QString &reason)
{
    const QString shownReason = listable ? QString() : reason;
    if (listable == m_adminListable && shownReason == m_adminDeniedReason)
        return;
    m_adminListable = listable;
    m_adminDeniedReason = shownReason;
    const QModelIndex node = adminKeysIndex();
    Q_EMIT dataChanged(node, node);
}

QModelIndex NavigationModel::organisationIndex() const
{
    return createIndex(0, 0, kRootId);
}

QModelIndex NavigationModel::adminKeysIndex() const
{
    return createIndex(0, 0, kChildId);
}

int NavigationModel::workspaceRow(const QString &workspaceId) const
{
    for (int i = 0; i < m_workspaces.size(); ++i) {
        if (m_workspaces.at(i).id == workspaceId)
            return i;
    }
    return -1;
}

QModelIndex NavigationModel::indexForWorkspace(const QString &workspaceId) const
{
    const int i = workspaceRow(workspaceId);
    return i < 0 ? QModelIndex() : createIndex(kFirstWorkspaceRow + i, 0, kChildId);
}

QModelIndex NavigationModel::indexForId(const QString &nodeId) const
{
    if (nodeId == QLatin1String("org"))
        return organisationIndex();
    if (nodeId == QLatin1String("admin-keys"))
        return adminKeysIndex();
    if (nodeId.startsWith(QLatin1String("ws:")))
        return indexForWorkspace(nodeId.mid(3));
    return {};
}

const Workspace *NavigationModel::itemAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() != kChildId ||
        index.row() < kFirstWorkspaceRow || index.row() - kFirstWorkspaceRow >= m_workspaces.size())
        return nullptr;
    return &m_workspaces.at(index.row() - kFirstWorkspaceRow);
}

QModelIndex NavigationModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, parent.isValid() ? kChildId : kRootId);
}

QModelIndex NavigationModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() != kChildId)
        return {};
    return organisationIndex();
}

int NavigationModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return 1;
    if (parent.internalId() == kRootId && parent.column() == 0)
        return kFirstWorkspaceRow + int(m_workspaces.size());
    return 0;
}

int NavigationModel::columnCount(const QModelIndex &) const
{
    return 1;
}

int NavigationModel::totalKeys() const
{
    int total = m_orgLevelCount;
    for (auto it = m_counts.cbegin(); it != m_counts.cend(); ++it)
        total += it.value();
    return total;
}

QVariant NavigationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    NodeKind kind = NodeKind::Organisation;
    const Workspace *w = itemAt(index);
    if (index.internalId() == kChildId)
        kind = w ? NodeKind::Workspace : NodeKind::AdminKeys;
    QString name;
    int count = 0;
    QString id;
    switch (kind) {
    case NodeKind::Organisation:
        name = m_orgName.isEmpty() ? QStringLiteral("Organisation") : m_orgName;
        count = totalKeys();
        id = QStringLiteral("org");
        break;
    case NodeKind::AdminKeys:
        name = QStringLiteral("Admin keys");
        count = m_orgLevelCount;
        id = QStringLiteral("admin-keys");
        break;
    case NodeKind::Workspace:
        name = w->name.isEmpty() ? (w->slug.isEmpty() ? w->id : w->slug) : w->name;
        count = m_counts.value(w->id);
        id = QStringLiteral("ws:") + w->id;
        break;
    }
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1 (%2)").arg(name).arg(count);
    case Qt::ToolTipRole:
        switch (kind) {
        case NodeKind::Organisation:
            return QStringLiteral("All keys of the organisation");
        case NodeKind::AdminKeys:
            if (!m_adminListable)
                return m_adminDeniedReason.isEmpty()
                           ? QStringLiteral("This connection cannot list organisation-level Admin API keys")
                           : m_adminDeniedReason;
            return QStringLiteral("Organisation-level Admin API keys");
        case NodeKind::Workspace:
            return w->description.isEmpty() ? w->slug : QString(w->slug + QLatin1Char('\n') + w->description);
        }
        return {};
    case NodeKindRole:
        return int(kind);
    case WorkspaceIdRole:
        return w ? w->id : QString();
    case NameRole:
        return name;
    case KeyCountRole:
        return count;
    case IdRole:
        return id;
    default:
        return {};
    }
}

Qt::ItemFlags NavigationModel::flags(const QModelIndex &index) const
{
    if (!m_adminListable && index.isValid() && index.internalId() == kChildId && index.row() == 0)
        return Qt::NoItemFlags; // "Admin keys" shown greyed out, not selectable
    return QAbstractItemModel::flags(index);
}

QHash<int, QByteArray> NavigationModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(NodeKindRole, "nodeKind");
    names.insert(WorkspaceIdRole, "workspaceId");
    names.insert(NameRole, "name");
    names.insert(KeyCountRole, "keyCount");
    names.insert(IdRole, "nodeId");
    return names;
}

} // namespace pk::models
