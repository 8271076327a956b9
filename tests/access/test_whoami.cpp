// The `whoami --json` document, exactly in the shape of issue 5.
#include "access/accesspolicy.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pk;
using namespace pk::access;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

const QString kProd = s("ws-production-1a2b3c");
const QString kStaging = s("ws-staging-4d5e6f");

} // namespace

class TestWhoami : public QObject
{
    Q_OBJECT

private slots:
    void principalShape();
    void unknownPrincipalIsNull();
    void oneDecisionPerActionAndWorkspace();
    void noVisibleWorkspace();
};

void TestWhoami::principalShape()
{
    Principal p;
    p.keyType = KeyType::WorkspaceService;
    p.keyTypeKnowledge = Knowledge::Known;
    p.keyId = s("k-1"); // not part of the whoami shape
    p.workspace = kProd;
    p.scopes = QStringList{s("workspaces.list"), s("workspace_users.list")};
    p.orgRole = s("member");
    p.workspaceRoles = {{kProd, s("manager")}};
    const QJsonObject expected = QJsonDocument::fromJson(R"({
        "key_type": "workspace-service",
        "workspace": "ws-production-1a2b3c",
        "scopes": ["workspaces.list", "workspace_users.list"],
        "org_role": "member",
        "workspace_roles": {"ws-production-1a2b3c": "manager"}
    })")
                                     .object();
    QCOMPARE(p.toJson(), expected);
    QCOMPARE(whoamiJson(p, {kProd}).value(s("principal")).toObject(), expected);
}

void TestWhoami::unknownPrincipalIsNull()
{
    const QJsonObject expected = QJsonDocument::fromJson(R"({
        "key_type": null, "workspace": null, "scopes": null, "org_role": null, "workspace_roles": {}
    })")
                                     .object();
    QCOMPARE(Principal().toJson(), expected);
    // Known but empty scopes stay an array.
    Principal p;
    p.scopes = QStringList();
    QVERIFY(p.toJson().value(s("scopes")).isArray());
}

void TestWhoami::oneDecisionPerActionAndWorkspace()
{
    Principal p;
    p.keyType = KeyType::OrganisationService;
    p.keyTypeKnowledge = Knowledge::Known;
    p.scopes = QStringList{s("workspaces.list"), s("workspace_service_api_keys.list")};
    p.orgRole = s("admin");
    p.workspaceNames = {{kProd, s("Production")}};

    const QJsonObject doc = whoamiJson(p, {kProd, kStaging});
    QCOMPARE(doc.keys(), (QStringList{s("decisions"), s("principal")}));
    const QJsonArray decisions = doc.value(s("decisions")).toArray();

    int organisationWide = 0, perWorkspace = 0;
    for (const Action a : allActions())
        isWorkspaceAction(a) ? ++perWorkspace : ++organisationWide;
    QCOMPARE(organisationWide, 15);
    QCOMPARE(perWorkspace, 16);
    QCOMPARE(decisions.size(), organisationWide + 2 * perWorkspace);

    QMap<QString, int> seen;
    for (const QJsonValue &v : decisions) {
        const QJsonObject d = v.toObject();
        QCOMPARE(d.keys(), (QStringList{s("action"), s("allowed"), s("reason"), s("workspace")}));
        const std::optional<Action> a = actionFromName(d.value(s("action")).toString());
        QVERIFY(a);
        QVERIFY(d.value(s("allowed")).isBool());
        QVERIFY(!d.value(s("reason")).toString().isEmpty());
        if (isWorkspaceAction(*a)) {
            const QString ws = d.value(s("workspace")).toString();
            QVERIFY(ws == kProd || ws == kStaging);
        } else {
            QVERIFY(d.value(s("workspace")).isNull());
        }
        ++seen[d.value(s("action")).toString()];
    }
    QCOMPARE(seen.size(), allActions().size());
    QCOMPARE(seen.value(s("service_key.list")), 2);
    QCOMPARE(seen.value(s("workspace.list")), 1);

    // The first entries follow ROLES.md order, and the decisions match the policy.
    QCOMPARE(decisions.at(0).toObject(),
             (QJsonObject{{s("action"), s("workspace.list")},
                          {s("workspace"), QJsonValue()},
                          {s("allowed"), true},
                          {s("reason"), s("allowed: org admin; key has `workspaces.list`")}}));
    QCOMPARE(decisions.at(1).toObject().value(s("reason")).toString(), s("key lacks `workspaces.create`"));
    QCOMPARE(decisions.at(2).toObject().value(s("workspace")).toString(), kProd);
    QCOMPARE(decisions.at(3).toObject().value(s("workspace")).toString(), kStaging);
    QCOMPARE(decisions.at(3).toObject().value(s("action")).toString(), s("workspace.update"));
}

void TestWhoami::noVisibleWorkspace()
{
    const QJsonArray decisions = whoamiJson(Principal(), {}).value(s("decisions")).toArray();
    QCOMPARE(decisions.size(), allActions().size());
    for (const QJsonValue &v : decisions)
        QVERIFY(v.toObject().value(s("workspace")).isNull());
}

QTEST_GUILESS_MAIN(TestWhoami)
#include "test_whoami.moc"
