// The key dialogs end to end against the real sandbox over HTTP on 127.0.0.1: the bodies the dialogs
// produce are what the server receives (captured by the sandbox), the server's 400s land on the right
// field, a revoke aborts when the list changed underneath, rotation goes through the show-once dialog, and
// "Store in the OS keychain" reaches the real keyring of the test command's D-Bus session.

#include "portkey/adminapiclient.h"
#include "sandbox/sandboxserver.h"
#include "secrets/credentialstore.h"
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
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace pk;
using namespace pk::ui;

namespace {

/// Runs `start(done)` and waits until `done` is called; fails the test after `timeoutMs`.
template <class T>
ApiResult<T> await(const std::function<void(AdminApiClient::Done<T>)> &start, int timeoutMs = 15000)
{
    std::optional<ApiResult<T>> out;
    start([&out](const ApiResult<T> &r) { out = r; });
    QElapsedTimer timer;
    timer.start();
    while (!out && timer.elapsed() < timeoutMs)
        QTest::qWait(10);
    if (!out) {
        ApiResult<T> timedOut;
        timedOut.error.kind = ApiError::Kind::Timeout;
        timedOut.error.message = QStringLiteral("the test gave up waiting");
        return timedOut;
    }
    return *out;
}

} // namespace

class TestKeyDialogsSandbox : public QObject
{
    Q_OBJECT

    std::unique_ptr<sandbox::SandboxServer> m_server;
    std::unique_ptr<AdminApiClient> m_client;
    QList<Workspace> m_workspaces;
    QHash<QString, QList<WorkspaceMember>> m_members;

    QList<ApiKey> listKeys()
    {
        const auto r = await<QList<ApiKey>>([this](auto done) { m_client->listApiKeys(QString(), done); });
        if (!r.ok())
            qWarning("listing keys failed: %s", qPrintable(r.error.userText()));
        return r.value;
    }

    ApiKey getKey(const QString &id)
    {
        const auto r = await<ApiKey>([this, id](auto done) { m_client->getApiKey(id, done); });
        return r.value;
    }

    /// The last POST/PUT the sandbox recorded on a path matching `pathPart`.
    sandbox::RecordedRequest lastRequest(const QString &method, const QString &pathPart) const
    {
        const QList<sandbox::RecordedRequest> all = m_server->recordedRequests();
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            if (it->method == method && it->path.contains(pathPart))
                return *it;
        }
        return {};
    }

    /// Connects `dialog` like the main window's create command: send the draft, close on success, hand
    /// failures back. Returns the secret issued, through `issued`.
    void wireCreate(NewKeyDialog *dialog, std::optional<ApiResult<IssuedSecret>> *outcome)
    {
        connect(dialog, &NewKeyDialog::draftReady, this, [this, dialog, outcome](const ApiKeyDraft &draft) {
            m_client->createApiKey(draft, [dialog, outcome](const ApiResult<IssuedSecret> &r) {
                *outcome = r;
                if (r.ok())
                    dialog->done(QDialog::Accepted);
                else
                    dialog->applyServerError(r.error);
            });
        });
    }

    void prepareDialog(NewKeyDialog &d, KeyType type, const QString &name)
    {
        d.setWorkspaces(m_workspaces);
        d.setMembers(m_members);
        d.selectKeyType(type);
        d.selectWorkspace(m_workspaces.first().id);
        d.nameEdit()->setText(name);
        d.scopePicker()->setScopes({type == KeyType::OrganisationService
                                        ? QStringLiteral("workspaces.list")
                                        : QStringLiteral("completions.write")});
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(qgetenv("TZ") == "Europe/Berlin", "the test runs in Europe/Berlin (see CMakeLists.txt)");
        m_server = std::make_unique<sandbox::SandboxServer>();
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
        const auto owner = m_server->persona(QStringLiteral("owner"));
        QVERIFY(owner);
        m_client = std::make_unique<AdminApiClient>();
        QVERIFY(!m_client->setBaseUrl(m_server->baseUrl()).isError());
        m_client->setApiKey(owner->apiKey.toUtf8());

        const auto ws = await<QList<Workspace>>([this](auto done) { m_client->listWorkspaces(done); });
        QVERIFY2(ws.ok(), qPrintable(ws.error.userText()));
        QVERIFY(!ws.value.isEmpty());
        m_workspaces = ws.value;
        const QString first = m_workspaces.first().id;
        const auto members = await<QList<WorkspaceMember>>(
            [this, first](auto done) { m_client->listWorkspaceMembers(first, done); });
        QVERIFY2(members.ok(), qPrintable(members.error.userText()));
        QVERIFY(!members.value.isEmpty());
        m_members.insert(first, members.value);
    }

    void cleanup() { DialogHooks::question = nullptr; }

    void createEachKeyTypeSendsTheDraft_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("path");
        QTest::newRow("admin") << int(KeyType::OrganisationService)
                               << QStringLiteral("/v1/api-keys/organisation/service");
        QTest::newRow("service") << int(KeyType::WorkspaceService)
                                 << QStringLiteral("/v1/api-keys/workspace/service");
        QTest::newRow("user") << int(KeyType::WorkspaceUser) << QStringLiteral("/v1/api-keys/workspace/user");
    }

    void createEachKeyTypeSendsTheDraft()
    {
        QFETCH(int, type);
        QFETCH(QString, path);
        const auto keyType = KeyType(type);
        NewKeyDialog d;
        prepareDialog(d, keyType, QStringLiteral("dialog-") + keyTypeToWire(keyType));
        // Local time in Berlin (CEST, UTC+2): the server must receive the UTC instant.
        const QDate day = QDate::currentDate().addYears(1);
        const QDate july(day.year(), 7, 1);
        d.expiryEditor()->setLocalDateTime(QDateTime(july, QTime(14, 30), Qt::LocalTime));
        d.usageLimitEditor()->creditLimitEdit()->setText(QStringLiteral("20"));
        d.usageLimitEditor()->alertThresholdEdit()->setText(QStringLiteral("15"));
        d.rateLimitsEditor()->addRow(QStringLiteral("requests"), QStringLiteral("rpm"), QStringLiteral("60"));
        d.alertEmailsEdit()->setText(QStringLiteral("ops@example.com"));
        d.metadataEdit()->setPlainText(QStringLiteral("{\"team\": \"search\"}"));

        std::optional<ApiResult<IssuedSecret>> outcome;
        wireCreate(&d, &outcome);
        m_server->clearRecordedRequests();
        d.show();
        d.accept();
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error.userText() + u' ' + d.errorText()));
        QCOMPARE(d.result(), int(QDialog::Accepted));

        const sandbox::RecordedRequest sent =
            lastRequest(QStringLiteral("POST"), QStringLiteral("/api-keys/"));
        QCOMPARE(sent.path, path);
        QCOMPARE(sent.body.toObject(), d.draft().toJson());
        QCOMPARE(
            sent.body.toObject().value(QStringLiteral("expires_at")).toString(),
            QDateTime(july, QTime(12, 30), Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ")));
        QCOMPARE(sent.body.toObject().contains(QStringLiteral("user_id")), keyType == KeyType::WorkspaceUser);
        QCOMPARE(sent.body.toObject().contains(QStringLiteral("workspace_id")),
                 keyType != KeyType::OrganisationService);

        // The key as the server now reports it carries what the dialog asked for.
        const ApiKey created = getKey(outcome->value.id);
        QCOMPARE(created.name, d.nameEdit()->text());
        QCOMPARE(created.expiresAt.utc(), QDateTime(july, QTime(12, 30), Qt::UTC));
        QCOMPARE(created.usageLimits->alertThreshold, std::optional<double>(15));
        QVERIFY(!outcome->value.secret.isEmpty());
    }

    void serverRefusalLandsOnTheField()
    {
        // The server's clock is a year ahead: an expiry the dialog accepts is in the server's past.
        NewKeyDialog d;
        prepareDialog(d, KeyType::WorkspaceService, QStringLiteral("refused-expiry"));
        d.expiryEditor()->setLocalDateTime(QDateTime::currentDateTime().addDays(30));
        std::optional<ApiResult<IssuedSecret>> outcome;
        wireCreate(&d, &outcome);
        m_server->setNow(QDateTime::currentDateTimeUtc().addDays(365));
        d.accept();
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
        m_server->setNow(QDateTime());
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error.httpStatus, 400);
        QCOMPARE(outcome->error.code, QStringLiteral("AB01"));
        QVERIFY2(!d.fieldError(KeyField::ExpiresAt).isEmpty(), qPrintable(d.errorText()));
        QVERIFY(!d.isBusy());
        QCOMPARE(d.nameEdit()->text(), QStringLiteral("refused-expiry")); // nothing typed is lost

        // A member who is not in the chosen workspace: the server names user_id.
        NewKeyDialog u;
        prepareDialog(u, KeyType::WorkspaceUser, QStringLiteral("refused-user"));
        WorkspaceMember stranger;
        stranger.id = QStringLiteral("00000000-0000-4000-8000-00000000beef");
        stranger.firstName = QStringLiteral("Stranger");
        u.setMembers({{m_workspaces.first().id, {stranger}}});
        std::optional<ApiResult<IssuedSecret>> userOutcome;
        wireCreate(&u, &userOutcome);
        u.accept();
        QTRY_VERIFY_WITH_TIMEOUT(userOutcome.has_value(), 15000);
        QVERIFY(!userOutcome->ok());
        QVERIFY2(!u.fieldError(KeyField::User).isEmpty(), qPrintable(u.errorText()));
    }

    void editSendsOnlyChangesAndClears()
    {
        NewKeyDialog d;
        prepareDialog(d, KeyType::WorkspaceService, QStringLiteral("to-edit"));
        d.expiryEditor()->setLocalDateTime(QDateTime::currentDateTime().addDays(10));
        d.alertEmailsEdit()->setText(QStringLiteral("ops@example.com"));
        d.configIdEdit()->setText(QStringLiteral("pc-edit"));
        std::optional<ApiResult<IssuedSecret>> outcome;
        wireCreate(&d, &outcome);
        d.accept();
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
        QVERIFY(outcome->ok());
        const ApiKey before = getKey(outcome->value.id);
        QVERIFY(before.expiresAt.isValid());

        EditKeyDialog e(before);
        QVERIFY(e.patch().isEmpty()); // the server's own object round-trips without changes
        e.descriptionEdit()->setText(QStringLiteral("edited"));
        e.expiryEditor()->enabledCheck()->setChecked(false);
        e.alertEmailsEdit()->clear();
        e.configIdEdit()->clear();
        std::optional<ApiResult<bool>> updated;
        connect(&e, &EditKeyDialog::patchReady, this, [&](const QString &id, const QJsonObject &patch) {
            m_client->updateApiKey(id, patch, [&](const ApiResult<bool> &r) {
                updated = r;
                if (r.ok())
                    e.done(QDialog::Accepted);
                else
                    e.applyServerError(r.error);
            });
        });
        m_server->clearRecordedRequests();
        e.accept();
        QTRY_VERIFY_WITH_TIMEOUT(updated.has_value(), 15000);
        QVERIFY2(updated->ok(), qPrintable(updated->error.userText()));

        const QJsonObject sent = lastRequest(QStringLiteral("PUT"), before.id).body.toObject();
        QCOMPARE(sent.keys(), (QStringList{QStringLiteral("alert_emails"), QStringLiteral("defaults"),
                                           QStringLiteral("description"), QStringLiteral("expires_at")}));
        QVERIFY(sent.value(QStringLiteral("expires_at")).isNull());
        QVERIFY(sent.value(QStringLiteral("alert_emails")).isNull());
        QVERIFY(
            sent.value(QStringLiteral("defaults")).toObject().value(QStringLiteral("config_id")).isNull());

        const ApiKey after = getKey(before.id);
        QCOMPARE(after.description, QStringLiteral("edited"));
        QVERIFY(after.expiresAt.isNone());
        QVERIFY(after.alertEmails.isEmpty());
        QVERIFY(after.defaultsConfigId.isEmpty());
        QCOMPARE(after.scopes, before.scopes);
    }

    void revokeAbortsWhenTheListChanged()
    {
        QList<ApiKey> keys = listKeys();
        QList<ApiKey> chosen;
        for (const ApiKey &k : std::as_const(keys)) {
            if (k.name.startsWith(QLatin1String("dialog-")) && chosen.size() < 2)
                chosen.append(k);
        }
        QCOMPARE(chosen.size(), 2);
        RevokeDialog d(chosen);
        QStringList requested;
        connect(&d, &RevokeDialog::revokeRequested, this, [&](const QStringList &ids) { requested = ids; });

        // Someone else revokes one of them while the dialog is open.
        const QString goneId = chosen.first().id;
        const auto gone = await<bool>([this, goneId](auto done) { m_client->deleteApiKey(goneId, done); });
        QVERIFY(gone.ok());

        d.show();
        QTest::mouseClick(d.revokeButton(), Qt::LeftButton);
        QCOMPARE(requested, (QStringList{chosen.at(0).id, chosen.at(1).id}));
        // The caller re-lists before sending: the captured keys no longer match, so nothing is revoked.
        QVERIFY(!d.keysStillMatch(listKeys()));
        QVERIFY(getKey(chosen.at(1).id).id == chosen.at(1).id);

        // Unchanged list: revoke exactly the captured id, then the re-list agrees it is gone.
        RevokeDialog again({getKey(chosen.at(1).id)});
        QVERIFY(again.keysStillMatch(listKeys()));
        const QString id = again.capturedIds().first();
        const auto revoked = await<bool>([this, id](auto done) { m_client->deleteApiKey(id, done); });
        QVERIFY(revoked.ok());
        for (const ApiKey &k : listKeys())
            QVERIFY(k.id != id);
    }

    void rotateThroughTheDialogs()
    {
        NewKeyDialog d;
        prepareDialog(d, KeyType::WorkspaceService, QStringLiteral("to-rotate"));
        std::optional<ApiResult<IssuedSecret>> created;
        wireCreate(&d, &created);
        d.accept();
        QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 15000);
        QVERIFY(created->ok());
        const ApiKey key = getKey(created->value.id);

        RotateDialog r(key);
        r.setTransitionPeriodMs(2 * 3600000);
        std::optional<ApiResult<IssuedSecret>> rotated;
        connect(&r, &RotateDialog::rotateRequested, this, [&](const QString &id, qint64 ms) {
            m_client->rotateApiKey(id, ms, [&](const ApiResult<IssuedSecret> &res) { rotated = res; });
        });
        m_server->clearRecordedRequests();
        r.accept();
        QTRY_VERIFY_WITH_TIMEOUT(rotated.has_value(), 15000);
        QVERIFY2(rotated->ok(), qPrintable(rotated->error.userText()));
        QCOMPARE(lastRequest(QStringLiteral("POST"), QStringLiteral("/rotate")).body.toObject(),
                 (QJsonObject{{QStringLiteral("key_transition_period_ms"), 2 * 3600000}}));

        // The new secret goes through the show-once dialog, which names the end of the transition.
        IssuedSecret issued = rotated->value;
        const QByteArray expected = issued.secret;
        SecretDialog s(key, issued, nullptr);
        QVERIFY(s.secretField()->text().toUtf8() == expected); // QVERIFY: a failure must not print it
        QVERIFY(
            s.findChild<QLabel *>(QStringLiteral("transitionNote"))->text().contains(QLatin1String("UTC")));
        s.accept();

        // While the transition runs, rotating again is disabled with the reason.
        const ApiKey inTransition = getKey(key.id);
        QVERIFY(inTransition.keyTransitionExpiresAt.isValid());
        RotateDialog again(inTransition);
        QVERIFY(!again.blockedReason().isEmpty());
    }

    void storeSecretInTheKeychain()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QFAIL("No D-Bus session: run the tests inside dbus-run-session with an unlocked gnome-keyring "
                  "(see TOOLCHAIN.md).");
        CredentialStore store;
        store.setTimeoutMs(10000);
        const ApiKey key = listKeys().first();
        IssuedSecret issued{key.id, QByteArrayLiteral("pk-sandbox-stored-secret-1"), {}};
        SecretDialog s(key, issued, nullptr);
        std::optional<KeychainResult> written;
        connect(&s, &SecretDialog::storeRequested, this, [&](const QString &entry, const QByteArray &secret) {
            store.write(entry, secret, [&](KeychainResult r) {
                s.setStoreResult(r.ok(), r.message);
                written = std::move(r);
            });
        });
        s.storeCheck()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 15000);
        QVERIFY2(written->ok(), qPrintable(written->message));
        QVERIFY(!s.storeCheck()->isEnabled());

        std::optional<KeychainResult> read;
        store.read(CredentialStore::storedKeyEntry(key.id), [&](KeychainResult r) { read = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 15000);
        QVERIFY2(read->ok(), qPrintable(read->message));
        QVERIFY(read->secret.view() == QByteArrayLiteral("pk-sandbox-stored-secret-1"));
        s.accept();

        std::optional<KeychainResult> removed;
        store.remove(CredentialStore::storedKeyEntry(key.id),
                     [&](KeychainResult r) { removed = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 15000);
        QVERIFY(removed->ok());
    }
};

QTEST_MAIN(TestKeyDialogsSandbox)
#include "tst_keydialogs_sandbox.moc"
