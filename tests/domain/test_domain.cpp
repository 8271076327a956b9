#include "domain/apikey.h"
#include "domain/json.h"
#include "domain/scopes.h"
#include "domain/user.h"
#include "domain/workspace.h"

#include <QJsonDocument>
#include <QTest>

using namespace pk;

namespace {

QJsonObject parse(const char *text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

} // namespace

class TestDomain : public QObject
{
    Q_OBJECT

private slots:
    void timestampForms_data();
    void timestampForms();
    void timestampNoneAndUnparseable();
    void apiKeyRoundTripKeepsUnknownFields();
    void apiKeyUnknownEnumsStayRaw();
    void apiKeyDraftBodies();
    void workspaceRoundTrip();
    void memberRoleStripsPrefix();
    void userAndInviteRoundTrip();
    void scopeCatalogue();
    void secretsNeverKept();
};

void TestDomain::timestampForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("Z") << QStringLiteral("2026-03-09T07:55:25Z");
    QTest::newRow("Z with ms") << QStringLiteral("2026-03-09T07:55:25.000Z");
    QTest::newRow("offset") << QStringLiteral("2026-03-09T08:55:25+01:00");
    QTest::newRow("offset with ms") << QStringLiteral("2026-03-09T02:55:25.000-05:00");
}

void TestDomain::timestampForms()
{
    QFETCH(QString, text);
    const Timestamp t = Timestamp::fromString(text);
    QVERIFY(t.isValid());
    QCOMPARE(t.utc(), QDateTime(QDate(2026, 3, 9), QTime(7, 55, 25), Qt::UTC));
    QCOMPARE(t.toWire(), QStringLiteral("2026-03-09T07:55:25.000Z"));
    QCOMPARE(Timestamp::fromJson(t.toJson()), Timestamp::fromUtc(t.utc()));
}

void TestDomain::timestampNoneAndUnparseable()
{
    QVERIFY(Timestamp::fromJson(QJsonValue::Null).isNone());
    QVERIFY(Timestamp::fromJson(QJsonValue(QString())).isNone());
    QVERIFY(Timestamp::fromJson(QJsonValue(QJsonValue::Undefined)).isNone());
    QCOMPARE(Timestamp::fromJson(QJsonValue::Null).toJson(), QJsonValue(QJsonValue::Null));

    const Timestamp odd = Timestamp::fromString(QStringLiteral("next tuesday"));
    QVERIFY(odd.isUnparseable());
    QVERIFY(!odd.utc().isValid());
    QCOMPARE(odd.toJson(), QJsonValue(QStringLiteral("next tuesday")));
    QVERIFY(odd.toLocalDisplay().contains(QStringLiteral("unknown")));
    QVERIFY(!odd.toLocalDisplay().contains(QStringLiteral("1970")));

    // A date-time without a zone is not an instant: kept raw rather than guessed.
    QVERIFY(Timestamp::fromString(QStringLiteral("2026-03-09T07:55:25")).isUnparseable());
}

void TestDomain::apiKeyRoundTripKeepsUnknownFields()
{
    const QJsonObject wire = parse(R"({
        "id": "f47ac10b-58cc-4372-a567-0e02b2c3d479", "key": "Xk*******S4", "name": "Équipe données",
        "description": "ingestion", "type": "workspace-service",
        "organisation_id": "a1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d", "workspace_id": "ws-prod",
        "status": "active", "created_at": "2023-09-15T10:30:00Z", "last_updated_at": "2023-09-15T10:30:00.000Z",
        "creation_mode": "api", "rate_limits": [{"type": "requests", "unit": "rpm", "value": 100, "burst": 3}],
        "usage_limits": {"credit_limit": 10, "type": "cost", "alert_threshold": 8, "periodic_reset": "monthly",
                         "future_knob": true},
        "reset_usage": 0, "scopes": ["completions.write", "workspaces.read"],
        "defaults": {"metadata": {"team": "backend"}, "config_id": "config-abc", "flavour": "x"},
        "alert_emails": ["ops@example.com"], "expires_at": null,
        "rotation_policy": {"rotation_period": "monthly", "key_transition_period_ms": 3600000, "status": "ACTIVE"},
        "allow_config_override": 1, "object": "api-key", "brand_new_field": {"nested": [1, 2]}
    })");
    const ApiKey key = ApiKey::fromJson(wire);
    QCOMPARE(key.name, QStringLiteral("Équipe données"));
    QCOMPARE(key.keyType(), KeyType::WorkspaceService);
    QCOMPARE(key.keyStatus(), KeyStatus::Active);
    QVERIFY(key.expiresAt.isNone());
    QCOMPARE(key.rateLimits.size(), 1);
    QCOMPARE(key.rateLimits.first().value, 100);
    QVERIFY(key.usageLimits);
    QCOMPARE(*key.usageLimits->creditLimit, 10.0);
    QCOMPARE(key.usageLimits->periodicReset, QStringLiteral("monthly"));
    QVERIFY(key.rotationPolicy);
    QCOMPARE(*key.rotationPolicy->keyTransitionPeriodMs, 3600000);
    QCOMPARE(key.allowConfigOverride, std::optional<bool>(true));
    QCOMPARE(key.extra.value(QLatin1String("brand_new_field")).toObject().value(QLatin1String("nested")),
             QJsonValue(QJsonArray{1, 2}));

    const QJsonObject back = key.toJson();
    QCOMPARE(back.value(QLatin1String("brand_new_field")), wire.value(QLatin1String("brand_new_field")));
    QCOMPARE(back.value(QLatin1String("defaults")).toObject().value(QLatin1String("flavour")),
             QJsonValue(QStringLiteral("x")));
    QCOMPARE(
        back.value(QLatin1String("rate_limits")).toArray().first().toObject().value(QLatin1String("burst")),
        QJsonValue(3));
    QCOMPARE(back.value(QLatin1String("usage_limits")).toObject().value(QLatin1String("future_knob")),
             QJsonValue(true));
    QCOMPARE(ApiKey::fromJson(back), key);
}

void TestDomain::apiKeyUnknownEnumsStayRaw()
{
    const ApiKey key = ApiKey::fromJson(
        parse(R"({"id": "k1", "type": "organisation-robot", "status": "suspended", "expires_at": "soon"})"));
    QCOMPARE(key.keyType(), KeyType::Unknown);
    QCOMPARE(key.type, QStringLiteral("organisation-robot"));
    QCOMPARE(key.keyStatus(), KeyStatus::Unknown);
    QCOMPARE(key.status, QStringLiteral("suspended"));
    QVERIFY(key.expiresAt.isUnparseable());
    QCOMPARE(key.toJson().value(QLatin1String("status")), QJsonValue(QStringLiteral("suspended")));
    QCOMPARE(key.toJson().value(QLatin1String("expires_at")), QJsonValue(QStringLiteral("soon")));
    QCOMPARE(ApiKey::fromJson(parse(R"({"status": "expired"})")).keyStatus(), KeyStatus::Expired);

    // Mistyped fields read as absent instead of failing the whole object.
    const ApiKey odd =
        ApiKey::fromJson(parse(R"({"id": "k2", "name": 7, "scopes": "all", "rate_limits": {}})"));
    QCOMPARE(odd.id, QStringLiteral("k2"));
    QVERIFY(odd.name.isEmpty());
    QVERIFY(odd.scopes.isEmpty());
    QVERIFY(odd.rateLimits.isEmpty());
}

void TestDomain::apiKeyDraftBodies()
{
    ApiKeyDraft draft;
    draft.keyType = KeyType::WorkspaceUser;
    draft.name = QStringLiteral("ci");
    draft.workspaceId = QStringLiteral("ws-prod");
    draft.userId = QStringLiteral("u-1");
    draft.scopes = {QStringLiteral("completions.write")};
    draft.expiresAt = Timestamp::fromUtc(QDateTime(QDate(2027, 1, 2), QTime(3, 4, 5), Qt::UTC));
    QJsonObject body = draft.toJson();
    QCOMPARE(body.value(QLatin1String("user_id")), QJsonValue(QStringLiteral("u-1")));
    QCOMPARE(body.value(QLatin1String("workspace_id")), QJsonValue(QStringLiteral("ws-prod")));
    QCOMPARE(body.value(QLatin1String("expires_at")), QJsonValue(QStringLiteral("2027-01-02T03:04:05.000Z")));
    QVERIFY(!body.contains(QLatin1String("description")));
    QCOMPARE(keyTypeCreatePath(draft.keyType), QStringLiteral("workspace/user"));

    draft.keyType = KeyType::OrganisationService;
    body = draft.toJson();
    QVERIFY(!body.contains(QLatin1String("workspace_id")));
    QVERIFY(!body.contains(QLatin1String("user_id")));
    QCOMPARE(keyTypeCreatePath(KeyType::OrganisationService), QStringLiteral("organisation/service"));
    QVERIFY(keyTypeCreatePath(KeyType::Unknown).isEmpty());
}

void TestDomain::workspaceRoundTrip()
{
    const QJsonObject wire = parse(R"({
        "id": "ws-test-a-174eb1", "slug": "ws-test-a-174eb1", "name": "Recherche & Développement",
        "description": null, "created_at": "2024-07-30T13:27:29.000Z", "last_updated_at": "2024-07-30T13:27:29.000Z",
        "defaults": {"metadata": {"foo": "bar"}, "is_default": 1, "object": "workspace"},
        "usage_limits": [{"credit_limit": 100, "type": "cost"}], "rate_limits": [{"type": "requests", "unit": "rpm", "value": 5}],
        "icon": "🚀"
    })");
    const Workspace ws = Workspace::fromJson(wire);
    QVERIFY(ws.isDefault);
    QVERIFY(ws.matches(QStringLiteral("ws-test-a-174eb1")));
    QVERIFY(!ws.matches(QString()));
    QCOMPARE(ws.usageLimits.size(), 1);
    const QJsonObject back = ws.toJson();
    QCOMPARE(back.value(QLatin1String("icon")), QJsonValue(QStringLiteral("🚀")));
    QCOMPARE(back.value(QLatin1String("defaults")).toObject().value(QLatin1String("object")),
             QJsonValue(QStringLiteral("workspace")));
    QCOMPARE(Workspace::fromJson(back), ws);
}

void TestDomain::memberRoleStripsPrefix()
{
    const WorkspaceMember m = WorkspaceMember::fromJson(
        parse(R"({"object": "workspace-user", "id": "u1", "first_name": "Zoë", "last_name": "Ångström",
                  "email": "zoe@example.com", "org_role": "member", "role": "ws-manager", "status": "active",
                  "settings": null})"));
    QCOMPARE(m.role, QStringLiteral("manager"));
    QCOMPARE(m.displayName(), QStringLiteral("Zoë Ångström"));
    QVERIFY(m.extra.contains(QLatin1String("settings")));
    QCOMPARE(WorkspaceMember::fromJson(m.toJson()), m);
}

void TestDomain::userAndInviteRoundTrip()
{
    const User u = User::fromJson(parse(R"({"object": "user", "id": "u1", "first_name": "", "last_name": "",
        "email": "a@example.com", "role": "superuser", "workspace_ids": ["ws-1", 3], "created_at": ""})"));
    QCOMPARE(u.role, QStringLiteral("superuser"));
    QCOMPARE(u.displayName(), QStringLiteral("a@example.com"));
    QCOMPARE(u.workspaceIds, QStringList{QStringLiteral("ws-1")});
    QVERIFY(u.createdAt.isNone());
    QCOMPARE(User::fromJson(u.toJson()), u);

    const Invite i = Invite::fromJson(parse(R"({"id": "i1", "email": "b@example.com", "role": "member",
        "status": "pending", "expires_at": "2026-12-01T00:00:00Z", "workspaces": [{"workspace_id": "ws-1", "role": "member"}],
        "invite_link": "https://app.portkey.ai/invite/x"})"));
    QCOMPARE(i.workspaces.size(), 1);
    QVERIFY(i.expiresAt.isValid());
    QCOMPARE(Invite::fromJson(i.toJson()), i);
}

void TestDomain::scopeCatalogue()
{
    const QStringList admin = validScopes(KeyType::OrganisationService);
    const QStringList service = validScopes(KeyType::WorkspaceService);
    const QStringList user = validScopes(KeyType::WorkspaceUser);
    QVERIFY(admin.contains(QStringLiteral("organisation_service_api_keys.rotate")));
    QVERIFY(admin.contains(QStringLiteral("audit_logs.list")));
    QVERIFY(!admin.contains(QStringLiteral("completions.write")));
    QVERIFY(service.contains(QStringLiteral("workspace_service_api_keys.create")));
    QVERIFY(service.contains(QStringLiteral("completions.write")));
    QVERIFY(!service.contains(QStringLiteral("audit_logs.list")));
    for (const QString &scope : user)
        QVERIFY2(!isKeyManagementScope(scope), qPrintable(scope));
    QCOMPARE(user.size() + 12, service.size());
    QVERIFY(validScopes(KeyType::Unknown).isEmpty());
    for (KeyType type : {KeyType::OrganisationService, KeyType::WorkspaceService, KeyType::WorkspaceUser}) {
        const QStringList valid = validScopes(type);
        QCOMPARE(QSet<QString>(valid.begin(), valid.end()).size(), valid.size());
        for (const ScopePreset &preset : scopePresets(type)) {
            QVERIFY2(!preset.scopes.isEmpty(), qPrintable(preset.name));
            for (const QString &scope : preset.scopes)
                QVERIFY2(valid.contains(scope), qPrintable(preset.name + QLatin1Char(' ') + scope));
        }
    }
}

void TestDomain::secretsNeverKept()
{
    const QString secret = QStringLiteral("Xk9fQ2LmP7rTz4Vb8NcW1yHs6JdE3gS4");
    QJsonObject wire{
        {QStringLiteral("id"), QStringLiteral("k1")},
        {QStringLiteral("key"), secret},
        {QStringLiteral("Key"), secret},
        {QStringLiteral("secret_key"), QStringLiteral("x")},
        {QStringLiteral("token"), QStringLiteral("t")},
        {QStringLiteral("api_key_value"), QStringLiteral("v")},
        {QStringLiteral("note"), secret},
        {QStringLiteral("nested"), QJsonObject{{QStringLiteral("inner"), QJsonArray{secret, 1}},
                                               {QStringLiteral("colour"), QStringLiteral("blue")}}},
        {QStringLiteral("workspace_api_key_details"),
         QJsonObject{{QStringLiteral("scopes"), QJsonArray{QStringLiteral("a.b")}}}},
        {QStringLiteral("owner_id"), QStringLiteral("0f8b6a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b")}};
    const ApiKey key = ApiKey::fromJson(wire);
    QCOMPARE(key.maskedKey, QStringLiteral("Xk*******S4"));
    const QByteArray text = QJsonDocument(key.toJson()).toJson();
    QVERIFY2(!text.contains(secret.toUtf8()), text.constData());
    for (const char *gone : {"\"Key\"", "secret_key", "\"token\"", "api_key_value", "\"note\""})
        QVERIFY2(!text.contains(gone), gone);
    QVERIFY(text.contains("blue"));
    QVERIFY(text.contains("workspace_api_key_details"));
    QVERIFY(text.contains("0f8b6a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"));

    // A full secret with a `*` tacked on is still not a mask.
    wire.insert(QStringLiteral("key"), QString(secret + QLatin1Char('*')));
    QCOMPARE(ApiKey::fromJson(wire).maskedKey, QStringLiteral("Xk*******4*"));
    QCOMPARE(ApiKey::fromJson(QJsonObject{{QStringLiteral("key"), QStringLiteral("ab***cd")}}).maskedKey,
             QStringLiteral("ab***cd"));

    const User u = User::fromJson(
        QJsonObject{{QStringLiteral("id"), QStringLiteral("u1")}, {QStringLiteral("api_key"), secret}});
    QVERIFY(!QJsonDocument(u.toJson()).toJson().contains(secret.toUtf8()));
    const Workspace w = Workspace::fromJson(QJsonObject{{QStringLiteral("id"), QStringLiteral("w1")},
                                                        {QStringLiteral("token"), QStringLiteral("abc")},
                                                        {QStringLiteral("key"), secret}});
    QVERIFY(!QJsonDocument(w.toJson()).toJson().contains(secret.toUtf8()));
    QVERIFY(!w.toJson().contains(QLatin1String("token")));

    QVERIFY(json::looksLikeSecret(secret));
    QVERIFY(json::looksLikeSecret(QString(QStringLiteral("Bearer ") + secret)));
    QVERIFY(json::looksLikeSecret(QString(secret + QStringLiteral("*"))));
    QVERIFY(json::looksLikeSecret(QString(secret + QStringLiteral(" "))));
    QVERIFY(!json::looksLikeSecret(QStringLiteral("Xk*******S4")));
    const Workspace bearer = Workspace::fromJson(
        QJsonObject{{QStringLiteral("id"), QStringLiteral("w2")},
                    {QStringLiteral("authorization"), QStringLiteral("opaque")},
                    {QStringLiteral("hint"), QString(secret + QLatin1Char('*'))},
                    {QStringLiteral("nested"),
                     QJsonObject{{QStringLiteral("key_value"), QString(secret + QLatin1Char(' '))}}}});
    QVERIFY(!QJsonDocument(bearer.toJson()).toJson().contains(secret.toUtf8()));
    QVERIFY(!bearer.toJson().contains(QLatin1String("authorization")));
    QVERIFY(!json::looksLikeSecret(QStringLiteral("ws-production-d91662")));
    QVERIFY(!json::looksLikeSecret(QStringLiteral("Recherche & Développement")));
    QVERIFY(!json::looksLikeSecret(QStringLiteral("2026-03-09T07:55:25.000Z")));
}

QTEST_GUILESS_MAIN(TestDomain)
#include "test_domain.moc"
