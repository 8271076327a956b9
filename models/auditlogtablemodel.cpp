#include "models/auditlogtablemodel.h"

#include "domain/json.h"
#include "models/timetext.h"

#include <QJsonDocument>
#include <QSet>

namespace pk::models {

using namespace AuditLogList;

AuditLogTableModel::AuditLogTableModel(QObject *parent)
    : RowTableModel({QStringLiteral("Time"), QStringLiteral("Method"), QStringLiteral("Resource"),
                     QStringLiteral("Action"), QStringLiteral("Path"), QStringLiteral("Status"),
                     QStringLiteral("By"), QStringLiteral("Workspace")},
                    parent)
{}

void AuditLogTableModel::setRecords(const QList<AuditLogRecord> &records)
{
    QList<AuditLogRow> rows;
    rows.reserve(records.size());
    QSet<QString> used;
    for (int i = 0; i < int(records.size()); ++i) {
        AuditLogRow row;
        row.record = records.at(i);
        QString id =
            row.record.requestId.isEmpty() ? QStringLiteral("record-%1").arg(i) : row.record.requestId;
        if (used.contains(id))
            id = QStringLiteral("%1#%2").arg(id).arg(i);
        used.insert(id);
        row.id = id;
        rows.append(row);
    }
    setRows(rows);
}

void AuditLogTableModel::setWorkspaceNames(const QHash<QString, QString> &names)
{
    m_workspaceNames = names;
    emitAllChanged();
}

void AuditLogTableModel::setActorNames(const QHash<QString, QString> &names)
{
    m_actorNames = names;
    emitAllChanged();
}

const AuditLogRecord *AuditLogTableModel::recordAt(const QModelIndex &index) const
{
    const AuditLogRow *row = itemAt(index);
    return row ? &row->record : nullptr;
}

QString AuditLogTableModel::detailsJson(const AuditLogRecord &record)
{
    return QString::fromUtf8(QJsonDocument(json::unmodelled(record.raw, {})).toJson(QJsonDocument::Indented));
}

QVariant AuditLogTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditLogRow &row = m_rows.at(index.row());
    const AuditLogRecord &r = row.record;
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Time:
            return localTimeText(r.timestamp);
        case Method:
            return r.method;
        case ResourceType:
            return r.resourceType;
        case Action:
            return r.action;
        case Uri:
            return r.uri;
        case Status:
            return r.responseStatusCode > 0 ? QVariant(r.responseStatusCode) : QVariant();
        case Actor: {
            const QString who = m_actorNames.value(r.userId, r.userId);
            return r.userType.isEmpty() ? who : QStringLiteral("%1 (%2)").arg(who, r.userType);
        }
        case Workspace:
            return m_workspaceNames.value(r.workspaceId, r.workspaceId);
        default:
            return {};
        }
    case SortRole:
        if (column == Time)
            return r.timestamp.utc();
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (column == Time)
            return instantToolTip(r.timestamp, QStringLiteral("Time unknown"));
        if (column == Workspace)
            return r.workspaceId;
        if (column == Actor)
            return r.userId;
        return {};
    case Qt::TextAlignmentRole:
        return column == Status ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case IdRole:
        return row.id;
    case TimeRole:
        return r.timestamp.utc();
    case MethodRole:
        return r.method;
    case ResourceTypeRole:
        return r.resourceType;
    case ActionRole:
        return r.action;
    case WorkspaceIdRole:
        return r.workspaceId;
    case RequestIdRole:
        return r.requestId;
    case DetailsJsonRole:
        return detailsJson(r);
    default:
        return {};
    }
}

} // namespace pk::models
