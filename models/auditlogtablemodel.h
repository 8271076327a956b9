#pragma once

#include "models/rowtablemodel.h"
#include "portkey/adminapiclient.h"

#include <QJsonObject>

namespace pk::models {

/// Columns and roles of AuditLogTableModel (audit-log records, openapi.yaml L34742; ADMIN-API.md §6).
namespace AuditLogList {

enum Column
{
    Time,         ///< local time with zone; tool tip local and UTC
    Method,       ///< POST / PUT / DELETE
    ResourceType, ///< e.g. `workspaces`, `api_keys`
    Action,       ///< e.g. `create`, `delete`
    Uri,          ///< request path
    Status,       ///< response status code
    Actor,        ///< the acting user's or API key's name when known (else its id), with its type
    Workspace,    ///< workspace name when known, else the id
    ColumnCount
};

enum Role
{
    IdRole = Qt::UserRole + 1, ///< QString: row id (request id, made unique within the list)
    TimeRole,                  ///< QDateTime (UTC); invalid when unknown
    MethodRole,                ///< QString
    ResourceTypeRole,          ///< QString
    ActionRole,                ///< QString
    WorkspaceIdRole,           ///< QString: raw workspace id
    RequestIdRole,             ///< QString: the record's request id
    DetailsJsonRole,           ///< QString: the record as indented JSON, fields shaped like secrets removed
    SortRole,                  ///< raw sortable value of the column
};

} // namespace AuditLogList

/// One audit-log record with the stable id the table uses.
struct AuditLogRow
{
    QString id; ///< the request id, or "record-<n>" when missing; "#<n>" appended when repeated
    AuditLogRecord record;
    bool operator==(const AuditLogRow &o) const { return id == o.id && record.raw == o.record.raw; }
};

/// Audit-log records as a table (the RowTableModel pattern). The records come from one `GET /audit-logs`
/// query and are replaced as a whole by setRecords(); the details JSON never shows fields shaped like a
/// secret (json::unmodelled()).
class AuditLogTableModel : public RowTableModel<AuditLogRow, AuditLogList::ColumnCount>
{
    Q_OBJECT
public:
    explicit AuditLogTableModel(QObject *parent = nullptr);

    /// Replaces every row by `records`, in the order given.
    void setRecords(const QList<AuditLogRecord> &records);
    /// Workspace names shown instead of ids (id or slug → name).
    void setWorkspaceNames(const QHash<QString, QString> &names);
    /// Names shown for the acting user or API key instead of its id (user id or key id → name).
    void setActorNames(const QHash<QString, QString> &names);
    /// The record of `index`'s row, or nullptr (see itemAt()).
    const AuditLogRecord *recordAt(const QModelIndex &index) const;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    /// The details text of `record`: its JSON, indented, minus fields shaped like secrets.
    static QString detailsJson(const AuditLogRecord &record);

private:
    QHash<QString, QString> m_workspaceNames;
    QHash<QString, QString> m_actorNames;
};

} // namespace pk::models
