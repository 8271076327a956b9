#include "auditlogdialog.h"

#include "logging.h"
#include "orgdialogs.h"

#include "access/action.h"
#include "models/auditlogtablemodel.h"
#include "sync/orgcommands.h"
#include "ui/actioncontroller.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace pk::ui {

namespace AuditLogList = models::AuditLogList;

namespace {

/// A date-time editor in local time that shows the zone ("2026-11-30 12:05 CET").
QDateTimeEdit *localDateTimeEdit(const QString &name)
{
    auto *edit = new QDateTimeEdit;
    edit->setObjectName(name);
    edit->setTimeSpec(Qt::LocalTime);
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm t"));
    edit->setCalendarPopup(true);
    return edit;
}

} // namespace

AuditLogDialog::AuditLogDialog(OrgCommands *commands, const QList<Workspace> &workspaces, QWidget *parent)
    : QDialog(parent), m_commands(commands)
{
    Q_ASSERT(commands);
    setWindowTitle(tr("Audit log"));
    m_model = new models::AuditLogTableModel(this);
    QHash<QString, QString> names;
    for (const Workspace &ws : workspaces) {
        names.insert(ws.id, ws.name);
        if (!ws.slug.isEmpty())
            names.insert(ws.slug, ws.name);
    }
    m_model->setWorkspaceNames(names);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(AuditLogList::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_from = localDateTimeEdit(QStringLiteral("auditFrom"));
    m_to = localDateTimeEdit(QStringLiteral("auditTo"));
    const QDateTime now = QDateTime::currentDateTime();
    setRange(now.addDays(-7), now);

    m_method = new QComboBox;
    m_method->setObjectName(QStringLiteral("auditMethod"));
    m_method->addItem(tr("Any method"), QString());
    for (const char *method : {"POST", "PUT", "DELETE"})
        m_method->addItem(QString::fromLatin1(method), QString::fromLatin1(method));
    m_resource = new QComboBox;
    m_resource->setObjectName(QStringLiteral("auditResource"));
    m_resource->addItem(tr("Any resource"), QString());
    for (const char *type : {"api_keys", "workspaces", "workspace_users", "users", "invites"})
        m_resource->addItem(QString::fromLatin1(type), QString::fromLatin1(type));
    m_workspace = new QComboBox;
    m_workspace->setObjectName(QStringLiteral("auditWorkspace"));
    m_workspace->addItem(tr("Any workspace"), QString());
    for (const Workspace &ws : workspaces)
        m_workspace->addItem(ws.name, ws.id);
    m_load = new QPushButton(tr("&Load"));
    m_load->setObjectName(QStringLiteral("auditLoad"));
    m_load->setDefault(true);

    auto *range = new QHBoxLayout;
    auto *fromLabel = new QLabel(tr("&From:"));
    fromLabel->setBuddy(m_from);
    range->addWidget(fromLabel);
    range->addWidget(m_from);
    auto *toLabel = new QLabel(tr("&To:"));
    toLabel->setBuddy(m_to);
    range->addWidget(toLabel);
    range->addWidget(m_to);
    range->addStretch(1);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_method);
    filters->addWidget(m_resource);
    filters->addWidget(m_workspace, 1);
    filters->addWidget(m_load);

    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("auditSearch"));
    m_search->setPlaceholderText(tr("Search the loaded records (path, action, user, workspace…)"));
    m_search->setClearButtonEnabled(true);

    m_table = makeRecordTable(QStringLiteral("auditTable"), m_proxy, AuditLogList::Time, AuditLogList::Uri);

    m_details = new QPlainTextEdit;
    m_details->setObjectName(QStringLiteral("auditDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setPlaceholderText(tr("Select a record to see all its fields."));
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_table);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("auditProgress"));
    m_progress->setRange(0, 0);
    m_progress->setMaximumHeight(12);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("auditStatus"));
    m_status->setTextFormat(Qt::PlainText); // server messages
    m_status->setWordWrap(true);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(range);
    layout->addLayout(filters);
    layout->addWidget(m_search);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(close);
    resize(980, 640);

    connect(m_load, &QPushButton::clicked, this, &AuditLogDialog::load);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AuditLogDialog::showDetails);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &AuditLogDialog::showDetails);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &AuditLogDialog::showDetails);
}

AuditLogDialog::~AuditLogDialog() = default;

void AuditLogDialog::setRange(const QDateTime &from, const QDateTime &to)
{
    m_from->setDateTime(from.toLocalTime());
    m_to->setDateTime(to.toLocalTime());
}

AuditLogQuery AuditLogDialog::query() const
{
    AuditLogQuery q;
    q.startUtc = m_from->dateTime().toUTC();
    q.endUtc = m_to->dateTime().toUTC();
    q.method = m_method->currentData().toString();
    q.resourceType = m_resource->currentData().toString();
    q.workspaceId = m_workspace->currentData().toString();
    return q;
}

void AuditLogDialog::setActorNames(const QHash<QString, QString> &names)
{
    m_model->setActorNames(names);
}

QString AuditLogDialog::statusText() const
{
    return m_status->text();
}

void AuditLogDialog::load()
{
    if (!m_commands)
        return;
    const AuditLogQuery q = query();
    m_status->setStyleSheet(QStringLiteral("color: #b00020;"));
    if (q.startUtc >= q.endUtc) {
        m_status->setText(tr("The start of the range must be before its end."));
        emit loaded(false);
        return;
    }
    const access::Decision decision = m_commands->decide(access::Action::AuditLogList);
    if (!decision.allowed) {
        m_status->setText(
            tr("This connection cannot read the audit log. %1").arg(ActionController::reasonFor(decision)));
        emit loaded(false);
        return;
    }
    m_loading = true;
    m_load->setEnabled(false);
    m_progress->show();
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Loading the audit log…"));
    const quint64 generation = ++m_generation;
    QPointer<AuditLogDialog> self(this);
    qCInfo(lcUiOrg) << "loading audit logs" << q.startUtc << "to" << q.endUtc;
    m_commands->listAuditLogs(q, [self, generation](const ApiResult<QList<AuditLogRecord>> &result) {
        if (!self || generation != self->m_generation)
            return;
        self->m_loading = false;
        self->m_load->setEnabled(true);
        self->m_progress->hide();
        if (!result.ok()) {
            self->m_status->setStyleSheet(QStringLiteral("color: #b00020;"));
            const bool refused = result.error.isForbidden() || result.error.kind == ApiError::Kind::Invalid;
            self->m_status->setText(
                refused ? tr("This connection cannot read the audit log: %1").arg(result.error.userText())
                        : tr("The audit log could not be loaded: %1").arg(result.error.userText()));
            emit self->loaded(false);
            return;
        }
        self->m_model->setRecords(result.value);
        self->m_status->setStyleSheet(QString());
        self->m_status->setText((result.value.size() == 1
                                     ? tr("1 record between %1 and %2.")
                                     : tr("%1 records between %2 and %3.").arg(result.value.size()))
                                    .arg(self->m_from->text(), self->m_to->text()));
        if (self->m_proxy->rowCount() > 0 && !self->m_table->currentIndex().isValid())
            self->m_table->selectRow(0);
        self->showDetails();
        emit self->loaded(true);
    });
}

void AuditLogDialog::showDetails()
{
    const QModelIndex current = m_table->currentIndex();
    m_details->setPlainText(current.isValid() ? current.data(AuditLogList::DetailsJsonRole).toString()
                                              : QString());
}

} // namespace pk::ui
