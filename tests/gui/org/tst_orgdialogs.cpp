// The organisation dialogs on their own: validation keeps the dialog open and sends nothing, drafts and
// changes carry exactly the input, the delete confirmation's second step, the searchable member picker, and
// the audit-log table model (stable ids, local time with zone, details without secret-shaped fields).

#include "models/auditlogtablemodel.h"
#include "ui/org/invitesdialog.h"
#include "ui/org/orgdialogs.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace pk;
using namespace pk::ui;

namespace {

User user(const QString &id, const QString &first, const QString &email, const QString &role)
{
    User u;
    u.id = id;
    u.firstName = first;
    u.lastName = QStringLiteral("Tester");
    u.email = email;
    u.role = role;
    return u;
}

AuditLogRecord record(const QString &requestId, const QString &method, const QString &resource,
                      const QString &when)
{
    QJsonObject o{{QStringLiteral("timestamp"), when},
                  {QStringLiteral("method"), method},
                  {QStringLiteral("uri"), QStringLiteral("/v1/admin/workspaces")},
                  {QStringLiteral("request_id"), requestId},
                  {QStringLiteral("user_id"), QStringLiteral("u-1")},
                  {QStringLiteral("user_type"), QStringLiteral("api_key")},
                  {QStringLiteral("workspace_id"), QStringLiteral("ws-1")},
                  {QStringLiteral("response_status_code"), 200},
                  {QStringLiteral("resource_type"), resource},
                  {QStringLiteral("action"), QStringLiteral("create")}};
    return AuditLogRecord::fromJson(o);
}

} // namespace

class TestOrgDialogs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(qgetenv("TZ") == "Europe/Berlin", "the test runs in Europe/Berlin (see CMakeLists.txt)");
    }

    void newWorkspaceValidation()
    {
        WorkspaceDialog dialog(nullptr);
        QSignalSpy submitted(&dialog, &OrgFormDialog::submitted);
        dialog.accept();
        QCOMPARE(submitted.count(), 0);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("Enter a name")), qPrintable(dialog.errorText()));

        dialog.nameEdit()->setText(QString(WorkspaceDialog::kMaxNameLength + 1, QLatin1Char('x')));
        dialog.accept();
        QCOMPARE(submitted.count(), 0);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("at most 100")), qPrintable(dialog.errorText()));

        dialog.nameEdit()->setText(QStringLiteral("  Ops lab  "));
        dialog.descriptionEdit()->setPlainText(QStringLiteral("Experiments\n"));
        dialog.accept();
        QCOMPARE(submitted.count(), 1);
        QVERIFY(dialog.errorText().isEmpty());
        QCOMPARE(dialog.draft().name, QStringLiteral("Ops lab"));
        QCOMPARE(dialog.draft().description, QStringLiteral("Experiments"));

        dialog.setBusy(true);
        dialog.accept(); // busy: nothing sent twice
        QCOMPARE(submitted.count(), 1);
        QVERIFY(!dialog.okButton()->isEnabled());
        QVERIFY(!dialog.nameEdit()->isEnabled());
        dialog.setBusy(false);
        dialog.showError(QStringLiteral("server said no"));
        QCOMPARE(dialog.errorText(), QStringLiteral("server said no"));
        QCOMPARE(dialog.nameEdit()->text(), QStringLiteral("  Ops lab  ")); // the input stays
    }

    void editWorkspaceSendsOnlyChanges()
    {
        Workspace ws;
        ws.id = QStringLiteral("ws-1");
        ws.name = QStringLiteral("Staging");
        ws.description = QStringLiteral("Pre-production");
        WorkspaceDialog dialog(&ws);
        QSignalSpy submitted(&dialog, &OrgFormDialog::submitted);
        QCOMPARE(dialog.nameEdit()->text(), ws.name);
        dialog.accept();
        QCOMPARE(submitted.count(), 0);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("Nothing changed")),
                 qPrintable(dialog.errorText()));
        dialog.nameEdit()->setText(QStringLiteral("Staging EU"));
        dialog.accept();
        QCOMPARE(submitted.count(), 1);
        QCOMPARE(dialog.changes(), QJsonObject({{QStringLiteral("name"), QStringLiteral("Staging EU")}}));
    }

    void deleteWorkspaceNeedsNameThenForce()
    {
        Workspace ws;
        ws.id = QStringLiteral("ws-1");
        ws.name = QStringLiteral("Staging");
        DeleteWorkspaceDialog dialog(ws, 3);
        QSignalSpy submitted(&dialog, &OrgFormDialog::submitted);
        dialog.confirmEdit()->setText(QStringLiteral("staging"));
        dialog.accept();
        QCOMPARE(submitted.count(), 0);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("\"Staging\"")), qPrintable(dialog.errorText()));
        QVERIFY(!dialog.force());
        dialog.confirmEdit()->setText(QStringLiteral("Staging"));
        dialog.accept();
        QCOMPARE(submitted.count(), 1);
        QVERIFY(!dialog.force());

        dialog.offerForce(QStringLiteral("The workspace still holds API keys."));
        QVERIFY(dialog.force());
        QCOMPARE(dialog.okButton()->text(), QStringLiteral("Delete with its keys"));
        const auto *notice = dialog.findChild<QLabel *>(QStringLiteral("forceNotice"));
        QVERIFY(notice && !notice->isHidden());
        QVERIFY(notice->text().contains(QStringLiteral("still holds API keys")));
        QCOMPARE(dialog.confirmEdit()->text(), QStringLiteral("Staging")); // the input stays
    }

    void addMembersSearchAndPick()
    {
        const QList<User> users = {user(QStringLiteral("u-1"), QStringLiteral("Aiko"),
                                        QStringLiteral("aiko@example.com"), QStringLiteral("member")),
                                   user(QStringLiteral("u-2"), QStringLiteral("Björn"),
                                        QStringLiteral("bjorn@example.org"), QStringLiteral("admin")),
                                   user(QStringLiteral("u-3"), QStringLiteral("Noah"),
                                        QStringLiteral("noah@example.com"), QStringLiteral("member"))};
        AddMembersDialog dialog(users, QStringLiteral("Staging"));
        QSignalSpy submitted(&dialog, &OrgFormDialog::submitted);
        dialog.accept();
        QCOMPARE(submitted.count(), 0);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("at least one")), qPrintable(dialog.errorText()));

        dialog.setSearchText(QStringLiteral("EXAMPLE.COM"));
        QCOMPARE(dialog.visibleUserIds(), QStringList({QStringLiteral("u-1"), QStringLiteral("u-3")}));
        QVERIFY(dialog.setChecked(QStringLiteral("u-3"), true));
        dialog.setSearchText(QStringLiteral("björn"));
        QCOMPARE(dialog.visibleUserIds(), QStringList({QStringLiteral("u-2")}));
        QVERIFY(dialog.setChecked(QStringLiteral("u-2"), true));
        QVERIFY(!dialog.setChecked(QStringLiteral("nobody"), true));
        dialog.setRole(QStringLiteral("manager"));
        dialog.accept();
        QCOMPARE(submitted.count(), 1);
        const QList<MemberGrant> grants = dialog.grants(); // hidden but checked users are kept
        QCOMPARE(grants.size(), 2);
        QStringList ids;
        for (const MemberGrant &g : grants) {
            ids.append(g.userId);
            QCOMPARE(g.role, QStringLiteral("manager"));
        }
        ids.sort();
        QCOMPARE(ids, QStringList({QStringLiteral("u-2"), QStringLiteral("u-3")}));

        AddMembersDialog none({}, QStringLiteral("Staging"));
        QVERIFY2(none.errorText().contains(QStringLiteral("already a member")), qPrintable(none.errorText()));
    }

    void roleDialogRefusesTheSameRoleAndNeverOffersOwner()
    {
        RoleDialog dialog(QStringLiteral("Change organisation role"), QStringLiteral("text"),
                          assignableOrgRoles(), QStringLiteral("member"));
        const auto *combo = dialog.findChild<QComboBox *>(QStringLiteral("roleChoice"));
        QVERIFY(combo);
        QCOMPARE(combo->count(), 2);
        QCOMPARE(combo->findText(QStringLiteral("owner")), -1);
        QCOMPARE(dialog.role(), QStringLiteral("admin")); // preselects a different role
        QSignalSpy submitted(&dialog, &OrgFormDialog::submitted);
        dialog.setRole(QStringLiteral("member"));
        dialog.accept();
        QCOMPARE(submitted.count(), 0);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("already")), qPrintable(dialog.errorText()));
        dialog.setRole(QStringLiteral("admin"));
        dialog.accept();
        QCOMPARE(submitted.count(), 1);
        QCOMPARE(workspaceRoles(),
                 QStringList({QStringLiteral("admin"), QStringLiteral("manager"), QStringLiteral("member")}));
    }

    void inviteValidationAndDraft()
    {
        Workspace a;
        a.id = QStringLiteral("ws-a");
        a.name = QStringLiteral("Alpha");
        Workspace b;
        b.id = QStringLiteral("ws-b");
        b.name = QStringLiteral("Beta");
        InviteDialog dialog({a, b});
        QSignalSpy submitted(&dialog, &OrgFormDialog::submitted);
        dialog.accept();
        QVERIFY2(dialog.errorText().contains(QStringLiteral("e-mail")), qPrintable(dialog.errorText()));
        dialog.emailEdit()->setText(QStringLiteral("not-an-address"));
        dialog.accept();
        QVERIFY2(dialog.errorText().contains(QStringLiteral("not an e-mail")),
                 qPrintable(dialog.errorText()));
        dialog.emailEdit()->setText(QStringLiteral(" new.person@example.com "));
        dialog.accept();
        QVERIFY2(dialog.errorText().contains(QStringLiteral("at least one workspace")),
                 qPrintable(dialog.errorText()));
        QCOMPARE(submitted.count(), 0);
        const auto *role = dialog.findChild<QComboBox *>(QStringLiteral("inviteRole"));
        QCOMPARE(role->findText(QStringLiteral("owner")), -1);

        QVERIFY(dialog.setWorkspace(QStringLiteral("ws-b"), true, QStringLiteral("manager")));
        QVERIFY(!dialog.setWorkspace(QStringLiteral("ws-x"), true));
        dialog.setOrgRole(QStringLiteral("admin"));
        dialog.accept();
        QCOMPARE(submitted.count(), 1);
        const InviteDraft draft = dialog.draft();
        QCOMPARE(draft.email, QStringLiteral("new.person@example.com"));
        QCOMPARE(draft.role, QStringLiteral("admin"));
        QCOMPARE(draft.workspaces.size(), 1);
        QCOMPARE(draft.workspaces.first().workspace, QStringLiteral("ws-b"));
        QCOMPARE(draft.workspaces.first().role, QStringLiteral("manager"));
    }

    void inviteModel()
    {
        InviteTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Invite pending;
        pending.id = QStringLiteral("inv-1");
        pending.email = QStringLiteral("a@example.com");
        pending.role = QStringLiteral("member");
        pending.status = QStringLiteral("pending");
        pending.createdAt = Timestamp::fromString(QStringLiteral("2026-11-30T09:05:00Z"));
        pending.expiresAt = Timestamp::fromString(QStringLiteral("2026-12-07T09:05:00Z"));
        Invite open = pending;
        open.id = QStringLiteral("inv-2");
        open.expiresAt = Timestamp();
        model.setInvites({pending, open});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, InviteTableModel::Created).data().toString(),
                 QStringLiteral("2026-11-30 10:05 CET"));
        QCOMPARE(model.index(0, InviteTableModel::Expires).data().toString(),
                 QStringLiteral("2026-12-07 10:05 CET"));
        QVERIFY(model.index(0, InviteTableModel::Expires)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("UTC")));
        QCOMPARE(model.index(1, InviteTableModel::Expires).data().toString(), QStringLiteral("never"));
        QCOMPARE(model.index(1, 0).data(InviteTableModel::IdRole).toString(), QStringLiteral("inv-2"));
        QCOMPARE(model.index(0, InviteTableModel::Created).data(InviteTableModel::SortRole).toDateTime(),
                 pending.createdAt.utc());
        model.removeIds({QStringLiteral("inv-1")});
        QCOMPARE(model.rowCount(), 1);
    }

    void auditLogModel()
    {
        models::AuditLogTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        AuditLogRecord secretive = record(QStringLiteral("req-1"), QStringLiteral("POST"),
                                          QStringLiteral("api_keys"), QStringLiteral("2026-11-30T09:05:00Z"));
        secretive.raw.insert(QStringLiteral("api_key"), QStringLiteral("Xk9aPq27LmZt84Rw1sYbVc"));
        model.setRecords({secretive,
                          record(QStringLiteral("req-1"), QStringLiteral("PUT"), QStringLiteral("workspaces"),
                                 QStringLiteral("2026-11-30T10:00:00Z")),
                          record(QString(), QStringLiteral("DELETE"), QStringLiteral("invites"),
                                 QStringLiteral("2026-07-01T10:00:00Z"))});
        QCOMPARE(model.rowCount(), 3);
        QSet<QString> ids;
        for (int r = 0; r < 3; ++r)
            ids.insert(model.index(r, 0).data(models::AuditLogList::IdRole).toString());
        QCOMPARE(ids.size(), 3); // a repeated or missing request id still gives distinct rows

        using namespace models::AuditLogList;
        QCOMPARE(model.index(0, Time).data().toString(), QStringLiteral("2026-11-30 10:05 CET"));
        QCOMPARE(model.index(2, Time).data().toString(), QStringLiteral("2026-07-01 12:00 CEST"));
        QCOMPARE(model.index(0, Time).data(TimeRole).toDateTime(),
                 QDateTime(QDate(2026, 11, 30), QTime(9, 5), QTimeZone::utc()));
        QCOMPARE(model.index(0, Status).data().toInt(), 200);
        QCOMPARE(model.index(0, Actor).data().toString(), QStringLiteral("u-1 (api_key)"));
        model.setWorkspaceNames({{QStringLiteral("ws-1"), QStringLiteral("Staging")}});
        QCOMPARE(model.index(0, models::AuditLogList::Workspace).data().toString(),
                 QStringLiteral("Staging"));

        const QString details = model.index(0, 0).data(DetailsJsonRole).toString();
        QVERIFY(details.contains(QStringLiteral("\"request_id\": \"req-1\"")));
        QVERIFY2(!details.contains(QStringLiteral("Xk9aPq27LmZt84Rw1sYbVc")), qPrintable(details));
        QVERIFY(model.recordAt(model.index(1, 0)));
        QCOMPARE(model.recordAt(model.index(1, 0))->method, QStringLiteral("PUT"));

        model.setRecords({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestOrgDialogs)
#include "tst_orgdialogs.moc"
