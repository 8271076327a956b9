#include "models/keytablemodel.h"

#include "models/timetext.h"

#include <QColor>
#include <QGuiApplication>
#include <QPainter>
#include <QPixmap>

namespace pk::models {

using namespace KeyList;

namespace {

QString statusText(const ApiKey &key)
{
    switch (key.keyStatus()) {
    case KeyStatus::Active:
        return QStringLiteral("active");
    case KeyStatus::Exhausted:
        return QStringLiteral("exhausted");
    case KeyStatus::Expired:
        return QStringLiteral("expired");
    case KeyStatus::Unknown:
        break;
    }
    return key.status.isEmpty() ? QStringLiteral("unknown") : key.status;
}

QString statusToolTip(const ApiKey &key)
{
    switch (key.keyStatus()) {
    case KeyStatus::Active:
        return QStringLiteral("Active: requests with this key are accepted.");
    case KeyStatus::Exhausted:
        return QStringLiteral("Exhausted: the key's usage limit is used up; requests are refused until its "
                              "usage is reset.");
    case KeyStatus::Expired:
        return QStringLiteral("Expired: the key's expiry date has passed.");
    case KeyStatus::Unknown:
        break;
    }
    return QStringLiteral("Status reported by the server: \"%1\"").arg(key.status);
}

// Field-by-field equality of everything ApiKey holds: as exact as ApiKey::operator== (which compares the
// JSON forms) but without serialising 2 × 100,000 objects on every sync.
bool sameKey(const ApiKey &a, const ApiKey &b)
{
    return a.id == b.id && a.maskedKey == b.maskedKey && a.name == b.name && a.description == b.description &&
           a.type == b.type && a.organisationId == b.organisationId && a.workspaceId == b.workspaceId &&
           a.userId == b.userId && a.status == b.status && a.creationMode == b.creationMode &&
           a.createdAt == b.createdAt && a.lastUpdatedAt == b.lastUpdatedAt && a.expiresAt == b.expiresAt &&
           a.lastResetAt == b.lastResetAt && a.keyTransitionExpiresAt == b.keyTransitionExpiresAt &&
           a.rateLimits == b.rateLimits && a.usageLimits == b.usageLimits && a.resetUsage == b.resetUsage &&
           a.scopes == b.scopes && a.defaultsMetadata == b.defaultsMetadata &&
           a.defaultsConfigId == b.defaultsConfigId && a.allowConfigOverride == b.allowConfigOverride &&
           a.alertEmails == b.alertEmails && a.rotationPolicy == b.rotationPolicy && a.extra == b.extra;
}

// Tints chosen to read on light and dark palettes alike (translucent over the view's base colour).
const QColor kSoonTint(255, 170, 0, 70);
const QColor kBadTint(220, 50, 47, 60);

} // namespace

KeyTableModel::KeyTableModel(QObject *parent) : IdTableModel(parent)
{
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
    m_collator.setNumericMode(true);
}

bool KeyTableModel::isTextSortColumn(int column)
{
    return column == Name || column == Type || column == Workspace || column == Status;
}

const QCollatorSortKey &KeyTableModel::textSortKey(int row, int column) const
{
    Q_ASSERT(isTextSortColumn(column));
    static_assert(Name == 0 && Type == 1 && Workspace == 2 && Status == 3, "text columns index sortKeys");
    const Row &r = m_rows.at(row);
    std::optional<QCollatorSortKey> &key = r.sortKeys[std::size_t(column)];
    if (!key)
        // Case-folded first: Qt's POSIX collation backend (the C locale) ignores the case setting in sort
        // keys; with ICU folding changes nothing, the collator ignores case already.
        key.emplace(m_collator.sortKey(displayData(r, column).toString().toCaseFolded()));
    return *key;
}

KeyTableModel::Row KeyTableModel::makeRow(const ApiKey &key) const
{
    Row row;
    row.key = key;
    prepareRow(row);
    return row;
}

void KeyTableModel::prepareRow(Row &row) const
{
    const ApiKey &key = row.key;
    row.workspaceId.clear();
    row.workspaceName.clear();
    if (!key.workspaceId.isEmpty()) {
        row.workspaceId = workspaceId(key.workspaceId);
        row.workspaceName = workspaceName(key.workspaceId);
    }
    QStringList parts{key.name, key.maskedKey, key.id, key.description, row.workspaceName};
    parts += key.scopes;
    row.searchText = parts.join(QLatin1Char('\n')).toLower();
    row.sortKeys = {};
}

void KeyTableModel::setKeys(const QList<ApiKey> &keys)
{
    QList<Row> incoming;
    incoming.reserve(keys.size());
    for (const ApiKey &k : keys)
        incoming.append(Row{k, {}, {}, {}, {}});
    replaceRows(
        m_rows, std::move(incoming), [](const Row &r) { return r.key.id; },
        [](const Row &a, const Row &b) { return sameKey(a.key, b.key); }, [this](Row &r) { prepareRow(r); });
    qCDebug(lcModels) << "keys set:" << m_rows.size() << "rows," << m_stats.inserted << "inserted,"
                      << m_stats.removed << "removed," << m_stats.changed << "changed, reset"
                      << m_stats.reset;
}

void KeyTableModel::upsert(const ApiKey &key)
{
    upsertRow(m_rows, makeRow(key), [](const Row &r) { return r.key.id; });
}

void KeyTableModel::removeIds(const QStringList &ids)
{
    removeRowIds(m_rows, ids);
}

QList<ApiKey> KeyTableModel::keys() const
{
    QList<ApiKey> out;
    out.reserve(m_rows.size());
    for (const Row &r : m_rows)
        out.append(r.key);
    return out;
}

void KeyTableModel::setWorkspaces(const QList<pk::Workspace> &workspaces)
{
    QHash<QString, WorkspaceRef> byRef;
    for (const pk::Workspace &w : workspaces) {
        const WorkspaceRef ref{w.id.isEmpty() ? w.slug : w.id, w.name};
        if (!w.slug.isEmpty() && !byRef.contains(w.slug))
            byRef.insert(w.slug, ref);
        if (!w.id.isEmpty())
            byRef.insert(w.id, ref); // an id wins over an equal slug
    }
    if (byRef == m_workspaceByRef)
        return; // names and ids as before: no row changes (the usual case on a sync)
    m_workspaceByRef = std::move(byRef);
    refreshWorkspaceColumns();
}

void KeyTableModel::refreshWorkspaceColumns()
{
    for (Row &r : m_rows)
        prepareRow(r);
    emitAllChanged();
}

QString KeyTableModel::workspaceName(const QString &idOrSlug) const
{
    const auto it = m_workspaceByRef.constFind(idOrSlug);
    if (it == m_workspaceByRef.constEnd() || it->name.isEmpty())
        return idOrSlug;
    return it->name;
}

QString KeyTableModel::workspaceId(const QString &idOrSlug) const
{
    const auto it = m_workspaceByRef.constFind(idOrSlug);
    if (it == m_workspaceByRef.constEnd() || it->id.isEmpty())
        return idOrSlug;
    return it->id;
}

QHash<QString, int> KeyTableModel::keyCountsByWorkspace() const
{
    QHash<QString, int> counts;
    for (const Row &r : m_rows) {
        if (r.key.keyType() != KeyType::OrganisationService && !r.workspaceId.isEmpty())
            ++counts[r.workspaceId];
    }
    return counts;
}

int KeyTableModel::organisationKeyCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [](const Row &r) { return r.key.keyType() == KeyType::OrganisationService; }));
}

const ApiKey *KeyTableModel::itemAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_rows.size())
        return nullptr;
    return &m_rows.at(index.row()).key;
}

const ApiKey *KeyTableModel::keyById(const QString &id) const
{
    const int row = rowForId(id);
    return row < 0 ? nullptr : &m_rows.at(row).key;
}

void KeyTableModel::setExpiryWarningDays(int days)
{
    m_warningDays = std::max(0, days);
    emitAllChanged();
}

void KeyTableModel::setNowProvider(std::function<QDateTime()> nowUtc)
{
    m_now = std::move(nowUtc);
    refreshNow();
}

QDateTime KeyTableModel::now() const
{
    return m_now ? m_now().toUTC() : QDateTime::currentDateTimeUtc();
}

void KeyTableModel::refreshNow()
{
    emitAllChanged();
}

ExpiryState KeyTableModel::expiryState(const ApiKey &key, const QDateTime &nowUtc) const
{
    const Timestamp &t = key.expiresAt;
    if (t.isNone())
        return ExpiryState::Never;
    if (t.isUnparseable())
        return ExpiryState::Unknown;
    if (t.utc() <= nowUtc)
        return ExpiryState::Past;
    if (t.utc() <= nowUtc.addDays(m_warningDays))
        return ExpiryState::Soon;
    return ExpiryState::Later;
}

int KeyTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString KeyTableModel::rowId(int row) const
{
    return m_rows.at(row).key.id;
}

int KeyTableModel::storedRows() const
{
    return int(m_rows.size());
}

QVariant KeyTableModel::displayData(const Row &row, int column) const
{
    const ApiKey &k = row.key;
    switch (column) {
    case Name:
        return k.name;
    case Type:
        return k.keyType() == KeyType::Unknown ? k.type : keyTypeLabel(k.keyType());
    case Workspace:
        return row.workspaceName;
    case Status:
        return statusText(k);
    case Scopes:
        return int(k.scopes.size());
    case Expires:
        return expiryText(k.expiresAt, now());
    case Created:
        return localTimeText(k.createdAt);
    default:
        return {};
    }
}

QVariant KeyTableModel::sortData(const Row &row, int column) const
{
    const ApiKey &k = row.key;
    switch (column) {
    case Scopes:
        return int(k.scopes.size());
    case Expires:
        return k.expiresAt.utc(); // invalid for never and unknown
    case Created:
        return k.createdAt.utc();
    default:
        return displayData(row, column);
    }
}

QString KeyTableModel::toolTip(const Row &row, int column) const
{
    const ApiKey &k = row.key;
    switch (column) {
    case Name:
        return k.description.isEmpty() ? k.maskedKey
                                       : QString(k.maskedKey + QLatin1Char('\n') + k.description);
    case Type:
        return k.type;
    case Workspace:
        return k.workspaceId.isEmpty() ? QStringLiteral("Organisation level") : k.workspaceId;
    case Status:
        return statusToolTip(k);
    case Expires: {
        QString tip = instantToolTip(k.expiresAt, QStringLiteral("Never expires"));
        const ExpiryState s = expiryState(k, now());
        if (s == ExpiryState::Soon)
            tip += QStringLiteral("\nExpires within %1 days").arg(m_warningDays);
        else if (s == ExpiryState::Past)
            tip += QStringLiteral("\nExpired");
        return tip;
    }
    case Created:
        return instantToolTip(k.createdAt, QStringLiteral("Creation time unknown"));
    default:
        return {};
    }
}

QIcon KeyTableModel::statusIcon(const Row &row) const
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return {};
    const ExpiryState e = expiryState(row.key, now());
    const KeyStatus s = row.key.keyStatus();
    QColor colour(128, 128, 128); // unknown status
    if (s == KeyStatus::Exhausted || s == KeyStatus::Expired || e == ExpiryState::Past)
        colour = QColor(198, 40, 40);
    else if (e == ExpiryState::Soon)
        colour = QColor(239, 160, 0);
    else if (s == KeyStatus::Active)
        colour = QColor(46, 125, 50);
    const int key = int(colour.rgb() & 0xffffff);
    auto it = m_icons.constFind(key);
    if (it != m_icons.constEnd())
        return it.value();
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(1, 1, 10, 10);
    painter.end();
    return *m_icons.insert(key, QIcon(pixmap));
}

QVariant KeyTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const ApiKey &k = row.key;
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, column);
    case Qt::ToolTipRole:
        return toolTip(row, column);
    case Qt::TextAlignmentRole:
        return column == Scopes ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case Qt::DecorationRole:
        return column == Status ? QVariant(statusIcon(row)) : QVariant();
    case Qt::BackgroundRole: {
        const ExpiryState e = expiryState(k, now());
        const KeyStatus s = k.keyStatus();
        if (s == KeyStatus::Exhausted || s == KeyStatus::Expired || e == ExpiryState::Past)
            return kBadTint;
        if (e == ExpiryState::Soon)
            return kSoonTint;
        return {};
    }
    case IdRole:
        return k.id;
    case KeyTypeRole:
        return int(k.keyType());
    case KeyTypeWireRole:
        return k.type;
    case StatusRole:
        return int(k.keyStatus());
    case StatusWireRole:
        return k.status;
    case WorkspaceIdRole:
        return row.workspaceId;
    case WorkspaceNameRole:
        return row.workspaceName;
    case OrganisationLevelRole:
        return k.keyType() == KeyType::OrganisationService;
    case MaskedKeyRole:
        return k.maskedKey;
    case UserIdRole:
        return k.userId;
    case ScopesRole:
        return k.scopes;
    case ExpiresAtRole:
        return k.expiresAt.utc();
    case ExpiryStateRole:
        return int(expiryState(k, now()));
    case CreatedAtRole:
        return k.createdAt.utc();
    case InTransitionRole:
        return k.inTransition(now());
    case SortRole:
        return sortData(row, column);
    case SearchTextRole:
        return row.searchText;
    default:
        return {};
    }
}

QVariant KeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return IdTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Name:
            return QStringLiteral("Name");
        case Type:
            return QStringLiteral("Type");
        case Workspace:
            return QStringLiteral("Workspace");
        case Status:
            return QStringLiteral("Status");
        case Scopes:
            return QStringLiteral("Scopes");
        case Expires:
            return QStringLiteral("Expires");
        case Created:
            return QStringLiteral("Created");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Expires:
            return QStringLiteral(
                "Time until the key expires; hover a cell for the exact local and UTC time");
        case Created:
            return QStringLiteral("Creation time in local time");
        case Scopes:
            return QStringLiteral("Number of permission scopes");
        default:
            break;
        }
    }
    return {};
}

QHash<int, QByteArray> KeyTableModel::roleNames() const
{
    QHash<int, QByteArray> names = IdTableModel::roleNames();
    names.insert(IdRole, "keyId");
    names.insert(KeyTypeRole, "keyType");
    names.insert(KeyTypeWireRole, "keyTypeWire");
    names.insert(StatusRole, "status");
    names.insert(StatusWireRole, "statusWire");
    names.insert(WorkspaceIdRole, "workspaceId");
    names.insert(WorkspaceNameRole, "workspaceName");
    names.insert(OrganisationLevelRole, "organisationLevel");
    names.insert(MaskedKeyRole, "maskedKey");
    names.insert(UserIdRole, "userId");
    names.insert(ScopesRole, "scopes");
    names.insert(ExpiresAtRole, "expiresAt");
    names.insert(ExpiryStateRole, "expiryState");
    names.insert(CreatedAtRole, "createdAt");
    names.insert(InTransitionRole, "inTransition");
    names.insert(SortRole, "sortValue");
    names.insert(SearchTextRole, "searchText");
    return names;
}

} // namespace pk::models
