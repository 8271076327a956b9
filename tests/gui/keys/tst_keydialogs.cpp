// The key dialogs on their own: validation rules, drafts and patches, server errors mapped onto fields, the
// show-once secret dialog's close confirmation, and the revoke and rotate confirmations. Questions the
// dialogs ask are answered through pk::ui::DialogHooks::question.

#include "access/principal.h"
#include "domain/scopes.h"
#include "ui/keys/clipboardservice.h"
#include "ui/keys/dialoghooks.h"
#include "ui/keys/editkeydialog.h"
#include "ui/keys/keyfieldeditors.h"
#include "ui/keys/newkeydialog.h"
#include "ui/keys/revokedialog.h"
#include "ui/keys/rotatedialog.h"
#include "ui/keys/scopepicker.h"
#include "ui/keys/secretdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

using namespace pk;
using namespace pk::ui;

namespace {

/// Records the questions asked and answers each with `answer`.
struct QuestionRecorder
{
    explicit QuestionRecorder(int answer)
    {
        DialogHooks::question = [this, answer](QMessageBox *box) {
            asked.append(box->objectName());
            texts.append(box->text());
            defaults.append(box->defaultButton() ? int(box->standardButton(box->defaultButton())) : 0);
            return answer;
        };
    }
    ~QuestionRecorder() { DialogHooks::question = nullptr; }
    QStringList asked;
    QStringList texts;
    QList<int> defaults;
};

Workspace workspace(const QString &id, const QString &slug, const QString &name)
{
    Workspace w;
    w.id = id;
    w.slug = slug;
    w.name = name;
    return w;
}

WorkspaceMember member(const QString &id, const QString &first, const QString &email)
{
    WorkspaceMember m;
    m.id = id;
    m.firstName = first;
    m.email = email;
    m.role = QStringLiteral("member");
    return m;
}

const QString kWsProd = QStringLiteral("ws-prod-id");
const QString kUserAda = QStringLiteral("0b7c7b4e-2f44-4c55-9a57-8d0e5a0c1a11");

void fillValidForm(NewKeyDialog &d, KeyType type)
{
    d.setWorkspaces(
        {workspace(kWsProd, QStringLiteral("production"), QStringLiteral("Production")),
         workspace(QStringLiteral("ws-staging-id"), QStringLiteral("staging"), QStringLiteral("Staging"))});
    d.setMembers({{kWsProd, {member(kUserAda, QStringLiteral("Ada"), QStringLiteral("ada@example.com"))}}});
    d.selectKeyType(type);
    d.selectWorkspace(kWsProd);
    d.nameEdit()->setText(QStringLiteral("search-backend"));
    if (type == KeyType::OrganisationService)
        d.scopePicker()->setScopes({QStringLiteral("workspaces.list")});
    else
        d.scopePicker()->setScopes({QStringLiteral("completions.write")});
}

ApiKey sampleKey()
{
    ApiKey k;
    k.id = QStringLiteral("2f9d4c1e-3b7a-4c1d-9e8f-0a1b2c3d4e5f");
    k.maskedKey = QStringLiteral("Xk*******S4");
    k.name = QStringLiteral("billing-service");
    k.description = QStringLiteral("Invoices");
    k.type = QStringLiteral("workspace-service");
    k.workspaceId = QStringLiteral("production");
    k.status = QStringLiteral("active");
    k.scopes = {QStringLiteral("completions.write"), QStringLiteral("logs.view")};
    k.rateLimits = {RateLimit{QStringLiteral("requests"), QStringLiteral("rpm"), 100, {}}};
    UsageLimits u;
    u.type = QStringLiteral("cost");
    u.creditLimit = 50;
    u.alertThreshold = 40;
    u.periodicReset = QStringLiteral("monthly");
    u.nextUsageResetAt = Timestamp::fromString(QStringLiteral("2026-12-01T00:00:00Z"));
    k.usageLimits = u;
    k.expiresAt = Timestamp::fromString(QStringLiteral("2027-03-01T10:15:00Z"));
    RotationPolicy r;
    r.rotationPeriod = QStringLiteral("monthly");
    r.keyTransitionPeriodMs = 3600000;
    r.status = QStringLiteral("ACTIVE");
    r.nextRotationAt = Timestamp::fromString(QStringLiteral("2026-12-01T00:00:00Z"));
    k.rotationPolicy = r;
    k.alertEmails = {QStringLiteral("ops@example.com")};
    k.defaultsMetadata = QJsonObject{{QStringLiteral("team"), QStringLiteral("billing")}};
    k.defaultsConfigId = QStringLiteral("pc-billing-1");
    return k;
}

} // namespace

class TestKeyDialogs : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { DialogHooks::question = nullptr; }

    // --- NewKeyDialog validation -------------------------------------------------------------------------

    void nameLength()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        QVERIFY(d.validate().isEmpty());
        d.nameEdit()->clear();
        QVERIFY(d.validate().contains(KeyField::Name));
        QVERIFY(!d.fieldError(KeyField::Name).isEmpty());
        d.nameEdit()->setText(QString(100, u'n'));
        QVERIFY(!d.validate().contains(KeyField::Name));
        d.nameEdit()->setText(QString(101, u'n'));
        const auto errors = d.validate();
        QVERIFY(errors.value(KeyField::Name).contains(QLatin1String("101")));
        QCOMPARE(d.fieldError(KeyField::Name), errors.value(KeyField::Name));
    }

    void descriptionLength()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        d.descriptionEdit()->setText(QString(200, u'd'));
        QVERIFY(d.validate().isEmpty());
        d.descriptionEdit()->setText(QString(201, u'd'));
        QVERIFY(d.validate().contains(KeyField::Description));
    }

    void atLeastOneScope()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        d.scopePicker()->setScopes({});
        QSignalSpy ready(&d, &NewKeyDialog::draftReady);
        d.accept();
        QCOMPARE(ready.count(), 0);
        QVERIFY(!d.fieldError(KeyField::Scopes).isEmpty());
        QVERIFY(!d.errorText().isEmpty());
    }

    void alertThresholdNotAboveCreditLimit()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        d.usageLimitEditor()->creditLimitEdit()->setText(QStringLiteral("100"));
        d.usageLimitEditor()->alertThresholdEdit()->setText(QStringLiteral("100"));
        QVERIFY(d.validate().isEmpty());
        d.usageLimitEditor()->alertThresholdEdit()->setText(QStringLiteral("100.5"));
        QVERIFY(d.validate().value(KeyField::UsageLimits).contains(QLatin1String("must not exceed")));
        d.usageLimitEditor()->creditLimitEdit()->clear();
        QVERIFY(d.validate().contains(KeyField::UsageLimits)); // a threshold without a limit
    }

    void pastExpiryRefused()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        d.expiryEditor()->setLocalDateTime(now.toLocalTime().addSecs(-3600));
        QVERIFY(d.validate(now).contains(KeyField::ExpiresAt));
        d.expiryEditor()->setLocalDateTime(now.toLocalTime().addDays(2));
        QVERIFY(d.validate(now).isEmpty());
    }

    void rotationTransitionRules()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        RotationPolicyEditor *r = d.rotationPolicyEditor();
        QCOMPARE(r->transitionMinutesSpin()->minimum(), 30); // ≥ 30 min by construction
        r->periodCombo()->setCurrentIndex(r->periodCombo()->findData(QStringLiteral("days")));
        r->daysSpin()->setValue(1);
        r->transitionMinutesSpin()->setValue(24 * 60);
        QVERIFY(d.validate().contains(KeyField::RotationPolicy));
        r->transitionMinutesSpin()->setValue(45);
        QVERIFY(d.validate().isEmpty());
        QCOMPARE(d.draft().rotationPolicy->toJson(),
                 (QJsonObject{{QStringLiteral("rotation_period_days"), 1},
                              {QStringLiteral("key_transition_period_ms"), 45 * 60000}}));
    }

    void badEmailsAndMetadata()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        d.alertEmailsEdit()->setText(QStringLiteral("ops@example.com, not-an-address"));
        d.metadataEdit()->setPlainText(QStringLiteral("[1, 2]"));
        const auto errors = d.validate();
        QVERIFY(errors.value(KeyField::AlertEmails).contains(QLatin1String("not-an-address")));
        QVERIFY(errors.contains(KeyField::Metadata));
        d.alertEmailsEdit()->setText(QStringLiteral("ops@example.com; finance@example.com"));
        d.metadataEdit()->setPlainText(QStringLiteral("{\"team\": \"search\"}"));
        QVERIFY(d.validate().isEmpty());
        const ApiKeyDraft draft = d.draft();
        QCOMPARE(draft.alertEmails,
                 (QStringList{QStringLiteral("ops@example.com"), QStringLiteral("finance@example.com")}));
        QCOMPARE(draft.defaultsMetadata.value(QStringLiteral("team")).toString(), QStringLiteral("search"));
    }

    void rateLimitRows()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        RateLimitsEditor *r = d.rateLimitsEditor();
        r->addRow(QStringLiteral("requests"), QStringLiteral("rpm"), QStringLiteral("abc"));
        QVERIFY(d.validate().contains(KeyField::RateLimits));
        r->setRateLimits({});
        r->addRow(QStringLiteral("requests"), QStringLiteral("rpm"), QStringLiteral("10"));
        r->addRow(QStringLiteral("requests"), QStringLiteral("rpm"), QStringLiteral("20"));
        QVERIFY(d.validate().value(KeyField::RateLimits).contains(QLatin1String("repeats")));
    }

    void zeroLimitNeedsConfirmation()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        d.rateLimitsEditor()->addRow(QStringLiteral("tokens"), QStringLiteral("rpd"), QStringLiteral("0"));
        QSignalSpy ready(&d, &NewKeyDialog::draftReady);
        {
            QuestionRecorder no(QMessageBox::No);
            d.accept();
            QCOMPARE(no.asked, QStringList{QStringLiteral("confirmZeroLimits")});
            QVERIFY(no.texts.first().contains(QLatin1String("tokens per day")));
            QCOMPARE(no.defaults.first(), int(QMessageBox::No));
        }
        QCOMPARE(ready.count(), 0);
        QVERIFY(!d.isBusy());
        {
            QuestionRecorder yes(QMessageBox::Yes);
            d.accept();
            QCOMPARE(yes.asked.size(), 1);
        }
        QCOMPARE(ready.count(), 1);
        const ApiKeyDraft draft = ready.first().first().value<ApiKeyDraft>();
        QCOMPARE(draft.rateLimits.size(), 1);
        QCOMPARE(draft.rateLimits.first().value, 0);
        QVERIFY(d.isBusy());
    }

    void emptyLimitMeansNoLimitWithoutQuestion()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        QuestionRecorder recorder(QMessageBox::No);
        QSignalSpy ready(&d, &NewKeyDialog::draftReady);
        d.accept();
        QVERIFY(recorder.asked.isEmpty());
        QCOMPARE(ready.count(), 1);
        const ApiKeyDraft draft = ready.first().first().value<ApiKeyDraft>();
        QVERIFY(!draft.usageLimits);
        QVERIFY(draft.rateLimits.isEmpty());
        QVERIFY(!draft.toJson().contains(QStringLiteral("usage_limits")));

        NewKeyDialog zeroCredit;
        fillValidForm(zeroCredit, KeyType::WorkspaceService);
        zeroCredit.usageLimitEditor()->creditLimitEdit()->setText(QStringLiteral("0"));
        QCOMPARE(zeroCredit.zeroLimits().size(), 1);
    }

    void userKeysNeverOfferKeyManagementScopes()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceUser);
        QCOMPARE(d.keyType(), KeyType::WorkspaceUser);
        const QStringList offered = d.scopePicker()->offeredScopes();
        QVERIFY(offered.contains(QStringLiteral("completions.write")));
        for (const QString &scope : offered)
            QVERIFY2(!isKeyManagementScope(scope), qPrintable(scope));
        // Presets cannot sneak them in either, and setting them directly checks nothing.
        for (const ScopePreset &preset : scopePresets(KeyType::WorkspaceUser))
            QVERIFY(d.scopePicker()->applyPreset(preset.name));
        for (const QString &scope : d.scopePicker()->scopes())
            QVERIFY2(!isKeyManagementScope(scope), qPrintable(scope));
        d.scopePicker()->setScopes({QStringLiteral("workspace_service_api_keys.create")});
        QVERIFY(d.scopePicker()->scopes().isEmpty());

        // Switching a service key with key-management scopes to a user key drops them.
        d.selectKeyType(KeyType::WorkspaceService);
        d.scopePicker()->setScopes(
            {QStringLiteral("completions.write"), QStringLiteral("workspace_user_api_keys.list")});
        QCOMPARE(d.scopePicker()->scopes().size(), 2);
        d.selectKeyType(KeyType::WorkspaceUser);
        QCOMPARE(d.scopePicker()->scopes(), QStringList{QStringLiteral("completions.write")});
    }

    void scopePickerGroupsAndPresets()
    {
        ScopePicker picker;
        picker.setKeyType(KeyType::WorkspaceService);
        QCOMPARE(picker.offeredScopes(), validScopes(KeyType::WorkspaceService));
        QVERIFY(picker.applyPreset(QStringLiteral("Completions only")));
        QCOMPARE(picker.scopes(), QStringList{QStringLiteral("completions.write")});
        QVERIFY(picker.applyPreset(QStringLiteral("Workspace key manager")));
        QVERIFY(picker.scopes().contains(QStringLiteral("workspace_service_api_keys.rotate")));
        QVERIFY(!picker.applyPreset(QStringLiteral("No such preset")));
        // A group's box checks all of its scopes; one scope unchecked leaves the group partly checked.
        auto *tree = picker.findChild<QTreeWidget *>(QStringLiteral("scopeTree"));
        picker.setScopes({});
        QTreeWidgetItem *analytics =
            tree->findItems(QStringLiteral("Analytics and logs"), Qt::MatchExactly).value(0);
        QVERIFY(analytics);
        analytics->setCheckState(0, Qt::Checked);
        QCOMPARE(picker.scopes().size(), analytics->childCount());
        analytics->child(0)->setCheckState(0, Qt::Unchecked);
        QCOMPARE(analytics->checkState(0), Qt::PartiallyChecked);
        QCOMPARE(picker.scopes().size(), analytics->childCount() - 1);
        picker.setKeyType(KeyType::OrganisationService);
        QVERIFY(!picker.offeredScopes().contains(QStringLiteral("completions.write")));
    }

    void leastPrivilegeWarnings()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        QCOMPARE(d.leastPrivilegeWarnings().size(), 2); // no expiry, no usage limit
        QCOMPARE(d.warnings(), d.leastPrivilegeWarnings());
        d.scopePicker()->setScopes({QStringLiteral("workspace_service_api_keys.delete")});
        QCOMPARE(d.leastPrivilegeWarnings().size(), 3);
        d.expiryEditor()->setLocalDateTime(QDateTime::currentDateTime().addDays(30));
        d.usageLimitEditor()->creditLimitEdit()->setText(QStringLiteral("25"));
        d.scopePicker()->setScopes({QStringLiteral("completions.write")});
        QVERIFY(d.leastPrivilegeWarnings().isEmpty());
        QVERIFY(d.warnings().isEmpty());
    }

    void disallowedKeyTypesShowTheReason()
    {
        NewKeyDialog d;
        d.setKeyTypeChoices(
            {{KeyType::OrganisationService, false, QStringLiteral("needs org admin or owner")},
             {KeyType::WorkspaceService, true, {}},
             {KeyType::WorkspaceUser, true, {}}});
        QCOMPARE(d.keyType(), KeyType::WorkspaceService);
        QVERIFY(d.typeCombo()->itemText(0).contains(QLatin1String("needs org admin or owner")));
        d.selectKeyType(KeyType::OrganisationService);
        QCOMPARE(d.keyType(), KeyType::WorkspaceService);
    }

    void keyTypesFromTheAccessPolicy()
    {
        // A workspace service key confined to Production: service and user keys there, nothing elsewhere,
        // never an Admin key (ROLES.md).
        access::Principal p;
        p.keyType = KeyType::WorkspaceService;
        p.keyTypeKnowledge = access::Knowledge::Known;
        p.workspace = kWsProd;
        p.workspaceKnowledge = access::Knowledge::Known;
        p.scopes = QStringList{QStringLiteral("workspace_service_api_keys.create")};
        p.scopesKnowledge = access::Knowledge::Known;

        const QList<KeyTypeChoice> inProd = NewKeyDialog::keyTypeChoicesFor(p, kWsProd);
        QCOMPARE(inProd.size(), 3);
        QVERIFY(!inProd.at(0).allowed && !inProd.at(0).reason.isEmpty());
        QVERIFY(inProd.at(1).allowed);
        QVERIFY2(!inProd.at(2).allowed, "the key lacks workspace_user_api_keys.create");

        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        d.setPrincipal(p);
        QCOMPARE(d.keyType(), KeyType::WorkspaceService);
        QVERIFY(d.validate().isEmpty());
        d.workspaceCombo()->setCurrentIndex(1); // Staging: outside the key's workspace
        const auto errors = d.validate();
        QVERIFY2(errors.contains(KeyField::Type), qPrintable(QStringList(errors.values()).join(u'|')));
        QVERIFY(!d.fieldError(KeyField::Type).isEmpty());
    }

    // --- Drafts for each key type; expiry local → UTC ----------------------------------------------------

    void draftForEachKeyType_data()
    {
        QTest::addColumn<int>("type");
        QTest::newRow("admin") << int(KeyType::OrganisationService);
        QTest::newRow("service") << int(KeyType::WorkspaceService);
        QTest::newRow("user") << int(KeyType::WorkspaceUser);
    }

    void draftForEachKeyType()
    {
        QFETCH(int, type);
        const auto keyType = KeyType(type);
        QVERIFY2(qgetenv("TZ") == "Europe/Berlin", "the test runs in Europe/Berlin (see CMakeLists.txt)");
        NewKeyDialog d;
        fillValidForm(d, keyType);
        d.descriptionEdit()->setText(QStringLiteral("Search backend"));
        // 2030-07-01 14:30 in Berlin is CEST (UTC+2): sent as 12:30 UTC.
        d.expiryEditor()->setLocalDateTime(QDateTime(QDate(2030, 7, 1), QTime(14, 30), Qt::LocalTime));
        QVERIFY(d.expiryEditor()
                    ->findChild<QLabel *>(QStringLiteral("expiresAtUtc"))
                    ->text()
                    .contains(QLatin1String("12:30 UTC")));
        d.usageLimitEditor()->creditLimitEdit()->setText(QStringLiteral("12.5"));
        d.usageLimitEditor()->alertThresholdEdit()->setText(QStringLiteral("10"));
        d.usageLimitEditor()->resetCombo()->setCurrentIndex(
            d.usageLimitEditor()->resetCombo()->findData(QStringLiteral("weekly")));
        d.rateLimitsEditor()->addRow(QStringLiteral("requests"), QStringLiteral("rps"), QStringLiteral("5"));
        d.rotationPolicyEditor()->periodCombo()->setCurrentIndex(
            d.rotationPolicyEditor()->periodCombo()->findData(QStringLiteral("weekly")));
        d.configIdEdit()->setText(QStringLiteral("pc-search"));
        QVERIFY(d.validate(QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC)).isEmpty());

        const QJsonObject body = d.draft().toJson();
        QJsonObject expected{
            {QStringLiteral("name"), QStringLiteral("search-backend")},
            {QStringLiteral("description"), QStringLiteral("Search backend")},
            {QStringLiteral("scopes"),
             QJsonArray{keyType == KeyType::OrganisationService ? QStringLiteral("workspaces.list")
                                                                : QStringLiteral("completions.write")}},
            {QStringLiteral("rate_limits"),
             QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("requests")},
                                    {QStringLiteral("unit"), QStringLiteral("rps")},
                                    {QStringLiteral("value"), 5}}}},
            {QStringLiteral("usage_limits"),
             QJsonObject{{QStringLiteral("credit_limit"), 12.5},
                         {QStringLiteral("type"), QStringLiteral("cost")},
                         {QStringLiteral("alert_threshold"), 10},
                         {QStringLiteral("periodic_reset"), QStringLiteral("weekly")}}},
            {QStringLiteral("expires_at"), QStringLiteral("2030-07-01T12:30:00.000Z")},
            {QStringLiteral("rotation_policy"),
             QJsonObject{{QStringLiteral("rotation_period"), QStringLiteral("weekly")},
                         {QStringLiteral("key_transition_period_ms"), 1800000}}},
            {QStringLiteral("defaults"),
             QJsonObject{{QStringLiteral("config_id"), QStringLiteral("pc-search")}}},
        };
        if (keyType != KeyType::OrganisationService)
            expected.insert(QStringLiteral("workspace_id"), kWsProd);
        if (keyType == KeyType::WorkspaceUser)
            expected.insert(QStringLiteral("user_id"), kUserAda);
        QCOMPARE(body, expected);
        QCOMPARE(d.draft().keyType, keyType);
    }

    void winterExpiryUsesStandardTime()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        d.expiryEditor()->setLocalDateTime(QDateTime(QDate(2031, 1, 15), QTime(9, 0), Qt::LocalTime));
        QCOMPARE(d.draft().expiresAt.toWire(), QStringLiteral("2031-01-15T08:00:00.000Z")); // CET, UTC+1
    }

    // --- Server errors mapped onto fields ----------------------------------------------------------------

    void serverErrorMappedOntoField_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("field");
        QTest::newRow("name") << QStringLiteral("name: must be at most 100 characters") << KeyField::Name;
        QTest::newRow("credit") << QStringLiteral("usage_limits.credit_limit: must be a number ≥ 0")
                                << KeyField::UsageLimits;
        QTest::newRow("expiry") << QStringLiteral("\"expires_at\" exceeds the workspace's maximum key TTL")
                                << KeyField::ExpiresAt;
        QTest::newRow("transition") << QStringLiteral("rotation_policy.key_transition_period_ms: too short")
                                    << KeyField::RotationPolicy;
        QTest::newRow("config") << QStringLiteral("defaults.config_id: no such config") << KeyField::ConfigId;
        QTest::newRow("emails") << QStringLiteral("alert_emails: 'x' is not an email address")
                                << KeyField::AlertEmails;
        QTest::newRow("rate") << QStringLiteral("rate_limits[0].unit: must be one of rpd, rph")
                              << KeyField::RateLimits;
        QTest::newRow("user") << QStringLiteral("user_id: must be a member of the workspace")
                              << KeyField::User;
        QTest::newRow("none") << QStringLiteral("Something went wrong") << QString();
    }

    void serverErrorMappedOntoField()
    {
        QFETCH(QString, message);
        QFETCH(QString, field);
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceUser);
        d.accept();
        QVERIFY(d.isBusy());
        ApiError e;
        e.kind = ApiError::Kind::Http;
        e.httpStatus = 400;
        e.code = QStringLiteral("AB01");
        e.message = message;
        QCOMPARE(d.applyServerError(e), field);
        QVERIFY(!d.isBusy());
        if (field.isEmpty()) {
            QVERIFY(d.errorText().contains(message));
        } else {
            QCOMPARE(d.fieldError(field), message);
        }
        // Nothing typed is lost.
        QCOMPARE(d.nameEdit()->text(), QStringLiteral("search-backend"));
    }

    void nonValidationErrorsGoToErrorLine()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        ApiError e;
        e.kind = ApiError::Kind::Http;
        e.httpStatus = 403;
        e.code = QStringLiteral("AB03");
        e.message = QStringLiteral("name of the scope missing: workspace_service_api_keys.create");
        QCOMPARE(d.applyServerError(e), QString());
        QVERIFY(d.fieldError(KeyField::Name).isEmpty());
        QVERIFY(!d.errorText().isEmpty());
    }

    void lostReplyIsNeverResent()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        QSignalSpy ready(&d, &NewKeyDialog::draftReady);
        d.accept();
        QCOMPARE(ready.count(), 1);
        ApiError e;
        e.kind = ApiError::Kind::OutcomeUnknown;
        d.applyServerError(e);
        QVERIFY(!d.isBusy());
        QVERIFY(!d.findChild<QPushButton *>(QStringLiteral("acceptButton"))->isEnabled());
        QVERIFY(d.errorText().contains(QLatin1String("Refresh the list")));
        d.accept(); // even a direct call must not send it again
        QCOMPARE(ready.count(), 1);
    }

    // --- SecretDialog ------------------------------------------------------------------------------------

    void secretDialogAsksBeforeClosing()
    {
        ClipboardService clipboard;
        clipboard.setClearDelayMs(60000);
        IssuedSecret issued{sampleKey().id, QByteArrayLiteral("pk-live-Qx7eT2s9LmB4"), {}};
        SecretDialog d(sampleKey(), issued, &clipboard);
        QVERIFY(issued.secret.isEmpty()); // taken over
        QCOMPARE(d.secretField()->text(), QStringLiteral("pk-live-Qx7eT2s9LmB4"));
        QCOMPARE(d.secretField()->echoMode(), QLineEdit::Password); // masked by default
        QVERIFY(d.secretField()->isReadOnly());
        QVERIFY(!d.secretField()->isUndoAvailable());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));

        {
            QuestionRecorder goBack(QMessageBox::Cancel);
            QTest::keyClick(&d, Qt::Key_Escape);
            QCOMPARE(goBack.asked, QStringList{QStringLiteral("confirmCloseSecret")});
            QVERIFY(goBack.texts.first().contains(QLatin1String("will not be shown again")));
            QCOMPARE(goBack.defaults.first(), int(QMessageBox::Cancel));
        }
        QVERIFY(d.isVisible());
        QVERIFY(!d.isWiped());
        {
            QuestionRecorder goBack(QMessageBox::Cancel);
            QVERIFY(!d.close()); // the close box and Alt+F4 arrive as a close event
            QCOMPARE(goBack.asked.size(), 1);
        }
        QVERIFY(d.isVisible());

        QTest::mouseClick(d.showButton(), Qt::LeftButton);
        QVERIFY(d.isRevealed());
        QTest::mouseClick(d.showButton(), Qt::LeftButton);
        QVERIFY(!d.isRevealed());

        QTest::mouseClick(d.copyButton(), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("pk-live-Qx7eT2s9LmB4"));
        QVERIFY(
            QGuiApplication::clipboard()->mimeData()->hasFormat(ClipboardService::kKdePasswordHintFormat));

        {
            QuestionRecorder closeIt(QMessageBox::Close);
            QVERIFY(d.close());
            QCOMPARE(closeIt.asked.size(), 1);
        }
        QVERIFY(!d.isVisible());
        QCOMPARE(d.result(), int(QDialog::Rejected));
        QVERIFY(d.isWiped());
        QVERIFY(d.secretField()->text().isEmpty());
        QVERIFY(!d.copyButton()->isEnabled());
    }

    void secretDialogStoredButtonClosesAtOnce()
    {
        IssuedSecret issued{QStringLiteral("k1"), QByteArrayLiteral("pk-live-abc"), {}};
        SecretDialog d(sampleKey(), issued, nullptr);
        QVERIFY(!d.copyButton()->isVisibleTo(&d)); // no clipboard service, no Copy
        d.show();
        QuestionRecorder recorder(QMessageBox::Cancel);
        QTest::mouseClick(d.findChild<QPushButton *>(QStringLiteral("storedButton")), Qt::LeftButton);
        QVERIFY(recorder.asked.isEmpty());
        QCOMPARE(d.result(), int(QDialog::Accepted));
        QVERIFY(d.isWiped());
    }

    void secretDialogStoreRequest()
    {
        IssuedSecret issued{QStringLiteral("k2"), QByteArrayLiteral("pk-live-store-me"), {}};
        ApiKey key = sampleKey();
        SecretDialog d(key, issued, nullptr);
        QByteArray received;
        QString entry;
        connect(&d, &SecretDialog::storeRequested, this, [&](const QString &e, const QByteArray &secret) {
            entry = e;
            received = QByteArray(secret.constData(), secret.size());
        });
        d.storeCheck()->setChecked(true);
        QCOMPARE(entry, QStringLiteral("keys/") + key.id);
        QCOMPARE(received, QByteArrayLiteral("pk-live-store-me"));
        QVERIFY(!d.storeCheck()->isEnabled());
        d.setStoreResult(false, QStringLiteral("Unlock your keyring"));
        QVERIFY(!d.storeCheck()->isChecked());
        QVERIFY(d.storeCheck()->isEnabled());
        QVERIFY(
            d.findChild<QLabel *>(QStringLiteral("storeStatus"))->text().contains(QLatin1String("Unlock")));
        d.accept();
    }

    void secretDialogShowsTransitionEnd()
    {
        IssuedSecret issued{QStringLiteral("k3"), QByteArrayLiteral("pk-live-rotated"),
                            Timestamp::fromString(QStringLiteral("2030-07-01T12:30:00Z"))};
        SecretDialog d(sampleKey(), issued, nullptr);
        const QString note = d.findChild<QLabel *>(QStringLiteral("transitionNote"))->text();
        QVERIFY2(note.contains(QLatin1String("14:30")) && note.contains(QLatin1String("12:30 UTC")),
                 qPrintable(note));
        d.accept();
    }

    // --- EditKeyDialog -----------------------------------------------------------------------------------

    void editPatchHoldsOnlyChanges()
    {
        EditKeyDialog d(sampleKey());
        QVERIFY(d.patch().isEmpty());
        d.nameEdit()->setText(QStringLiteral("billing-service-v2"));
        QCOMPARE(d.patch(), (QJsonObject{{QStringLiteral("name"), QStringLiteral("billing-service-v2")}}));
        d.scopePicker()->setScopes({QStringLiteral("logs.view"), QStringLiteral("completions.write")}, true);
        QCOMPARE(d.patch().size(), 1); // same scopes in another order
        d.usageLimitEditor()->alertThresholdEdit()->setText(QStringLiteral("45"));
        const QJsonObject p = d.patch();
        QCOMPARE(p.keys(), (QStringList{QStringLiteral("name"), QStringLiteral("usage_limits")}));
        QCOMPARE(p.value(QStringLiteral("usage_limits"))
                     .toObject()
                     .value(QStringLiteral("alert_threshold"))
                     .toDouble(),
                 45.0);
        QVERIFY(!p.value(QStringLiteral("usage_limits"))
                     .toObject()
                     .contains(QStringLiteral("next_usage_reset_at")));
    }

    void editClearingSendsNull()
    {
        EditKeyDialog d(sampleKey());
        d.expiryEditor()->enabledCheck()->setChecked(false);
        d.alertEmailsEdit()->clear();
        d.rateLimitsEditor()->setRateLimits({});
        d.usageLimitEditor()->setUsageLimits(std::nullopt);
        d.rotationPolicyEditor()->setPolicy(std::nullopt);
        d.configIdEdit()->clear();
        const QJsonObject p = d.patch();
        for (const char *field :
             {"expires_at", "alert_emails", "rate_limits", "usage_limits", "rotation_policy"})
            QVERIFY2(p.value(QLatin1String(field)).isNull(), field);
        const QJsonObject defaults = p.value(QStringLiteral("defaults")).toObject();
        QVERIFY(defaults.value(QStringLiteral("config_id")).isNull());
        QCOMPARE(defaults.value(QStringLiteral("metadata")).toObject(), sampleKey().defaultsMetadata);
        QCOMPARE(p.size(), 6);
        QVERIFY(!p.contains(QStringLiteral("name")));
    }

    void editResetUsageOnlyForExhaustedKeys()
    {
        EditKeyDialog active(sampleKey());
        QVERIFY(!active.resetUsageCheck()->isEnabled());
        ApiKey exhausted = sampleKey();
        exhausted.status = QStringLiteral("exhausted");
        EditKeyDialog d(exhausted);
        QVERIFY(d.resetUsageCheck()->isEnabled());
        d.resetUsageCheck()->setChecked(true);
        QCOMPARE(d.patch(), (QJsonObject{{QStringLiteral("reset_usage"), true}}));
    }

    void editKeepsPastExpiryUnlessChanged()
    {
        ApiKey expired = sampleKey();
        expired.expiresAt = Timestamp::fromString(QStringLiteral("2020-01-01T00:00:00Z"));
        EditKeyDialog d(expired);
        d.nameEdit()->setText(QStringLiteral("renamed"));
        QVERIFY(d.validate().isEmpty());
        d.expiryEditor()->setLocalDateTime(QDateTime(QDate(2020, 6, 1), QTime(0, 0), Qt::LocalTime));
        QVERIFY(d.validate().contains(KeyField::ExpiresAt));
    }

    void editSaveEmitsPatchAndConfirmsZero()
    {
        EditKeyDialog d(sampleKey());
        QSignalSpy ready(&d, &EditKeyDialog::patchReady);
        d.usageLimitEditor()->creditLimitEdit()->setText(QStringLiteral("0"));
        d.usageLimitEditor()->alertThresholdEdit()->clear();
        {
            QuestionRecorder no(QMessageBox::No);
            d.accept();
            QCOMPARE(no.asked, QStringList{QStringLiteral("confirmZeroLimits")});
        }
        QCOMPARE(ready.count(), 0);
        {
            QuestionRecorder yes(QMessageBox::Yes);
            d.accept();
        }
        QCOMPARE(ready.count(), 1);
        QCOMPARE(ready.first().at(0).toString(), sampleKey().id);
        QCOMPARE(ready.first()
                     .at(1)
                     .toJsonObject()
                     .value(QStringLiteral("usage_limits"))
                     .toObject()
                     .value(QStringLiteral("credit_limit"))
                     .toDouble(),
                 0.0);
    }

    // --- RevokeDialog ------------------------------------------------------------------------------------

    void revokeDefaultIsCancel()
    {
        ApiKey a = sampleKey();
        ApiKey b = sampleKey();
        b.id = QStringLiteral("9a8b7c6d-0000-4000-8000-000000000001");
        b.name = QStringLiteral("ci-runner");
        b.maskedKey = QStringLiteral("Ab*******Z9");
        RevokeDialog d({a, b}, {{QStringLiteral("production"), QStringLiteral("Production")}});
        QVERIFY(d.cancelButton()->isDefault());
        QVERIFY(!d.revokeButton()->isDefault());
        QVERIFY(!d.revokeButton()->autoDefault());
        auto *table = d.findChild<QTableWidget *>(QStringLiteral("revokeKeys"));
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("ci-runner"));
        QCOMPARE(table->item(1, 1)->text(), keyTypeLabel(KeyType::WorkspaceService));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("Production"));
        QCOMPARE(table->item(1, 3)->text(), QStringLiteral("Ab*******Z9"));

        QSignalSpy revoke(&d, &RevokeDialog::revokeRequested);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QTest::keyClick(&d, Qt::Key_Return); // Enter hits the default button: Cancel
        QCOMPARE(d.result(), int(QDialog::Rejected));
        QCOMPARE(revoke.count(), 0);

        d.show();
        QTest::mouseClick(d.revokeButton(), Qt::LeftButton);
        QCOMPARE(revoke.count(), 1);
        QCOMPARE(revoke.first().first().toStringList(), (QStringList{a.id, b.id}));
        QCOMPARE(d.result(), int(QDialog::Accepted));
    }

    void revokeLongNameStaysReadable()
    {
        // A long name elides in the middle; type, workspace and masked key keep at least their header's
        // width and show in full; the full name is in the tooltip.
        ApiKey a = sampleKey();
        a.name = QStringLiteral("nightly-batch-export-for-the-data-warehouse-team-in-production-region-"
                                "eu-west-1-do-not-delete-until-migration-is-finished");
        ApiKey b = sampleKey();
        b.id = QStringLiteral("9a8b7c6d-0000-4000-8000-000000000001");
        b.name = QStringLiteral("ci-runner");
        b.maskedKey = QStringLiteral("Ab*******Z9");
        RevokeDialog d({a, b}, {{QStringLiteral("production"), QStringLiteral("Production")}});
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        d.resize(d.minimumWidth(), d.height()); // the narrowest the user can make it
        QTest::qWait(50);
        auto *table = d.findChild<QTableWidget *>(QStringLiteral("revokeKeys"));
        QHeaderView *header = table->horizontalHeader();
        const QFontMetrics fm = table->fontMetrics();
        QVERIFY(d.minimumWidth() >= 400);
        QCOMPARE(table->textElideMode(), Qt::ElideMiddle);
        for (int col = 0; col < table->columnCount(); ++col) {
            const QString title = table->horizontalHeaderItem(col)->text();
            QVERIFY2(header->sectionSize(col) >= header->sectionSizeHint(col), qPrintable(title));
        }
        for (int col = 1; col < table->columnCount(); ++col) {
            for (int row = 0; row < table->rowCount(); ++row)
                QVERIFY2(header->sectionSize(col) >= fm.horizontalAdvance(table->item(row, col)->text()),
                         qPrintable(table->item(row, col)->text()));
        }
        // The visible columns fit the table's viewport: nothing is pushed out of sight.
        QVERIFY(header->length() <= table->viewport()->width());
        QVERIFY(header->sectionSize(0) < fm.horizontalAdvance(a.name));
        QVERIFY(table->item(0, 0)->toolTip().contains(a.name));
        QVERIFY(table->item(0, 0)->toolTip().contains(a.id));
        QVERIFY(d.grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/revokedialog-longname.png")));
    }

    void revokeKeysStillMatch()
    {
        ApiKey a = sampleKey();
        RevokeDialog d({a});
        QCOMPARE(d.capturedIds(), QStringList{a.id});
        QVERIFY(d.keysStillMatch({a}));
        QVERIFY(!d.keysStillMatch({}));
        ApiKey rotated = a;
        rotated.maskedKey = QStringLiteral("Zz*******00");
        QVERIFY(!d.keysStillMatch({rotated}));
        ApiKey renamed = a;
        renamed.name = QStringLiteral("someone else's key");
        QVERIFY(!d.keysStillMatch({renamed}));
    }

    // --- RotateDialog ------------------------------------------------------------------------------------

    void rotateTransitionPeriod()
    {
        RotateDialog d(sampleKey());
        QCOMPARE(d.transitionPeriodMs(), kMinTransitionPeriodMs);
        d.setTransitionPeriodMs(10 * 60000);
        QCOMPARE(d.transitionPeriodMs(), kMinTransitionPeriodMs);
        d.setTransitionPeriodMs(2 * 3600000);
        QCOMPARE(d.transitionPeriodMs(), qint64(2 * 3600000));
        auto *amount = d.findChild<QSpinBox *>(QStringLiteral("transitionAmount"));
        auto *unit = d.findChild<QComboBox *>(QStringLiteral("transitionUnit"));
        unit->setCurrentIndex(0); // minutes
        amount->setValue(29);
        QVERIFY(!d.findChild<QPushButton *>(QStringLiteral("rotateButton"))->isEnabled());
        amount->setValue(45);
        QSignalSpy rotate(&d, &RotateDialog::rotateRequested);
        d.accept();
        QCOMPARE(rotate.count(), 1);
        QCOMPARE(rotate.first().at(1).toLongLong(), qint64(45 * 60000));
    }

    void rotateDisabledDuringTransition()
    {
        ApiKey k = sampleKey();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        k.keyTransitionExpiresAt = Timestamp::fromUtc(now.addSecs(600));
        RotateDialog d(k, nullptr, now);
        QVERIFY(!d.findChild<QPushButton *>(QStringLiteral("rotateButton"))->isEnabled());
        QVERIFY(d.blockedReason().contains(QLatin1String("transition")));
        QSignalSpy rotate(&d, &RotateDialog::rotateRequested);
        d.accept();
        QCOMPARE(rotate.count(), 0);

        RotateDialog later(k, nullptr, now.addSecs(601));
        QVERIFY(later.blockedReason().isEmpty());
        later.setBlockedReason(QStringLiteral("key lacks workspace_service_api_keys.rotate"));
        QVERIFY(!later.findChild<QPushButton *>(QStringLiteral("rotateButton"))->isEnabled());
        QVERIFY(later.findChild<QPushButton *>(QStringLiteral("rotateButton"))
                    ->toolTip()
                    .contains(QLatin1String("lacks")));
    }

    void rotateWarnsForOwnCredential()
    {
        RotateDialog d(sampleKey());
        auto *warning = d.findChild<QLabel *>(QStringLiteral("ownCredentialWarning"));
        QVERIFY(!warning->isVisibleTo(&d));
        d.setOwnCredential(true);
        QVERIFY(warning->isVisibleTo(&d));
    }

    // --- Pictures ----------------------------------------------------------------------------------------

    void screenshots()
    {
        NewKeyDialog d;
        fillValidForm(d, KeyType::WorkspaceService);
        d.descriptionEdit()->setText(QStringLiteral("Search backend, production traffic"));
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QVERIFY(d.grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/newkeydialog.png")));
        d.findChild<QTabWidget *>(QStringLiteral("keyFormTabs"))->setCurrentIndex(1);
        d.usageLimitEditor()->creditLimitEdit()->setText(QStringLiteral("250"));
        d.usageLimitEditor()->alertThresholdEdit()->setText(QStringLiteral("300"));
        d.rateLimitsEditor()->addRow(QStringLiteral("requests"), QStringLiteral("rpm"),
                                     QStringLiteral("600"));
        d.validate();
        QVERIFY(d.grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/newkeydialog-limits.png")));
        d.findChild<QTabWidget *>(QStringLiteral("keyFormTabs"))->setCurrentIndex(2);
        d.rotationPolicyEditor()->periodCombo()->setCurrentIndex(1);
        d.alertEmailsEdit()->setText(QStringLiteral("ops@example.com"));
        d.metadataEdit()->setPlainText(QStringLiteral("{\"team\": \"search\"}"));
        QVERIFY(d.grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/newkeydialog-rotation.png")));

        IssuedSecret issued{sampleKey().id, QByteArrayLiteral("pk-live-Qx7eT2s9LmB4vN0c"),
                            Timestamp::fromString(QStringLiteral("2030-07-01T12:30:00Z"))};
        ClipboardService clipboard;
        SecretDialog s(sampleKey(), issued, &clipboard);
        s.show();
        QVERIFY(QTest::qWaitForWindowExposed(&s));
        QVERIFY(s.grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/secretdialog.png")));
        s.accept();

        ApiKey other = sampleKey();
        other.id = QStringLiteral("9a8b7c6d-0000-4000-8000-000000000001");
        other.name = QStringLiteral("ci-runner");
        other.type = QStringLiteral("workspace-user");
        other.maskedKey = QStringLiteral("Ab*******Z9");
        RevokeDialog r({sampleKey(), other}, {{QStringLiteral("production"), QStringLiteral("Production")}});
        r.show();
        QVERIFY(QTest::qWaitForWindowExposed(&r));
        QVERIFY(r.grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/revokedialog.png")));
        ApiKey inTransition = sampleKey();
        inTransition.keyTransitionExpiresAt =
            Timestamp::fromUtc(QDateTime::currentDateTimeUtc().addSecs(1200));
        RotateDialog rot(inTransition);
        rot.setOwnCredential(true);
        rot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&rot));
        QVERIFY(rot.grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/rotatedialog.png")));
        EditKeyDialog e(sampleKey());
        e.show();
        QVERIFY(QTest::qWaitForWindowExposed(&e));
        QVERIFY(e.grab().save(QStringLiteral(PK_SCREENSHOT_DIR "/editkeydialog.png")));
    }
};

QTEST_MAIN(TestKeyDialogs)
#include "tst_keydialogs.moc"
