#pragma once

#include "domain/workspace.h"

#include <QDateTime>
#include <QDialog>
#include <QPointer>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace pk {
class OrgCommands;
struct AuditLogQuery;
} // namespace pk

namespace pk::models {
class AuditLogTableModel;
}

namespace pk::ui {

/// Organisation → Audit log… (`GET /audit-logs`, L17460; ADMIN-API.md §6): a date range in local time with
/// the zone shown (default: the last 7 days; sent as UTC instants), filters for method, resource type and
/// workspace (sent to the server), a search box over the loaded rows (a proxy), the records in a table
/// (models::AuditLogTableModel) and the selected record's JSON below. Loading shows progress and never
/// blocks; a key that cannot read audit logs gets the policy's or the server's reason in the status line.
/// Object names: `auditFrom`, `auditTo`, `auditMethod`, `auditResource`, `auditWorkspace`, `auditLoad`,
/// `auditSearch`, `auditTable`, `auditDetails`, `auditProgress`, `auditStatus`.
class AuditLogDialog : public QDialog
{
    Q_OBJECT
public:
    /// `commands` must outlive the dialog; `workspaces` fill the workspace filter and name the rows.
    AuditLogDialog(OrgCommands *commands, const QList<Workspace> &workspaces, QWidget *parent = nullptr);
    ~AuditLogDialog() override;

    /// The query the filters describe: start and end as UTC instants (from the local date-times).
    AuditLogQuery query() const;
    /// Sets the range from local date-times (any time spec; converted for display).
    void setRange(const QDateTime &from, const QDateTime &to);
    /// Names for the "By" column: user id or API key id → name (e.g. from the snapshot's users and keys).
    void setActorNames(const QHash<QString, QString> &names);
    /// Loads the records for query(). Refused with a message when the range is empty or reversed.
    void load();

    models::AuditLogTableModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    /// The status line's text (errors, "N records").
    QString statusText() const;
    bool isLoading() const { return m_loading; }

signals:
    /// A load finished; `ok` is false on an error (the status line says which).
    void loaded(bool ok);

private:
    void showDetails();

    QPointer<OrgCommands> m_commands;
    models::AuditLogTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
    QComboBox *m_method = nullptr;
    QComboBox *m_resource = nullptr;
    QComboBox *m_workspace = nullptr;
    QPushButton *m_load = nullptr;
    QLineEdit *m_search = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_details = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    bool m_loading = false;
    quint64 m_generation = 0; ///< answers of superseded loads are ignored
};

} // namespace pk::ui
