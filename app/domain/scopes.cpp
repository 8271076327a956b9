#include "scopes.h"

namespace pk {

namespace {

// X.* in the docs means create, read, update, delete and list (ADMIN-API.md §3).
QStringList crudl(const QString &base, const QStringList &more = {})
{
    QStringList out;
    for (const char *verb : {"create", "read", "update", "delete", "list"})
        out << base + QLatin1Char('.') + QLatin1String(verb);
    for (const QString &m : more)
        out << base + QLatin1Char('.') + m;
    return out;
}

QStringList with(const QString &base, const QStringList &verbs)
{
    QStringList out;
    for (const QString &v : verbs)
        out << base + QLatin1Char('.') + v;
    return out;
}

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

QList<ScopeGroup> organisationCatalogue()
{
    const QStringList rotate{s("rotate")};
    return {
        {s("Organisation management"),
         crudl(s("organisation_users")) + crudl(s("organisation_service_api_keys"), rotate) +
             with(s("organisation_settings"), {s("read"), s("update")}) +
             crudl(s("organisation_guardrails")) +
             with(s("organisation_exclusions"), {s("update"), s("list")}) +
             QStringList{s("audit_logs.list")} + with(s("plugins"), {s("create"), s("update"), s("list")}) +
             crudl(s("deployments")) + crudl(s("secret_references"))},
        {s("Workspace management"), crudl(s("workspaces")) + crudl(s("workspace_service_api_keys"), rotate) +
                                        crudl(s("workspace_user_api_keys"), rotate) +
                                        crudl(s("workspace_users"))},
        {s("Resources"), crudl(s("prompts"), {s("publish")}) + crudl(s("configs")) + crudl(s("guardrails")) +
                             crudl(s("virtual_keys"), {s("duplicate"), s("copy")}) + crudl(s("providers")) +
                             crudl(s("policies"))},
        {s("Integrations"),
         crudl(s("organisation_integrations")) + crudl(s("organisation_mcp_integrations")) +
             crudl(s("organisation_agent_integrations")) + crudl(s("workspace_integrations")) +
             crudl(s("workspace_mcp_integrations")) + crudl(s("workspace_agent_integrations"))},
        {s("Gateway"), crudl(s("agent_servers")) + crudl(s("mcp_servers"))},
        {s("Analytics and logs"),
         {s("analytics.view"), s("logs.export"), s("logs.list"), s("logs.view"), s("logs.write")}},
    };
}

QList<ScopeGroup> workspaceCatalogue(bool withKeyManagement)
{
    QList<ScopeGroup> groups;
    if (withKeyManagement) {
        groups.append({s("Key management"), crudl(s("workspace_service_api_keys"), {s("rotate")}) +
                                                crudl(s("workspace_user_api_keys"), {s("rotate")})});
    }
    groups.append({s("Workspace"),
                   with(s("workspaces"), {s("read"), s("update"), s("list")}) + crudl(s("workspace_users"))});
    groups.append(
        {s("LLM"), QStringList{s("completions.write")} + crudl(s("prompts"), {s("publish"), s("render")})});
    groups.append(
        {s("MCP and agents"), QStringList{s("mcp.invoke")} + crudl(s("mcp_servers")) +
                                  crudl(s("workspace_mcp_integrations")) +
                                  QStringList{s("organisation_mcp_integrations.list"), s("agents.invoke")} +
                                  crudl(s("agent_servers")) + crudl(s("workspace_agent_integrations")) +
                                  QStringList{s("organisation_agent_integrations.list")}});
    groups.append({s("Resources"), crudl(s("configs")) + crudl(s("guardrails"), {s("invoke")}) +
                                       crudl(s("virtual_keys"), {s("duplicate"), s("copy")}) +
                                       crudl(s("providers")) + crudl(s("policies"))});
    groups.append({s("Integrations"),
                   crudl(s("workspace_integrations")) + QStringList{s("organisation_integrations.list")}});
    groups.append({s("Analytics and logs"),
                   {s("analytics.view"), s("logs.export"), s("logs.list"), s("logs.view"), s("logs.write")}});
    return groups;
}

} // namespace

QList<ScopeGroup> scopeGroups(KeyType type)
{
    switch (type) {
    case KeyType::OrganisationService:
        return organisationCatalogue();
    case KeyType::WorkspaceService:
        return workspaceCatalogue(true);
    case KeyType::WorkspaceUser:
        return workspaceCatalogue(false);
    case KeyType::Unknown:
        break;
    }
    return {};
}

QStringList validScopes(KeyType type)
{
    QStringList out;
    for (const ScopeGroup &g : scopeGroups(type)) {
        for (const QString &scope : g.scopes) {
            if (!out.contains(scope))
                out.append(scope);
        }
    }
    return out;
}

bool isKeyManagementScope(const QString &scope)
{
    return scope.startsWith(QLatin1String("workspace_service_api_keys.")) ||
           scope.startsWith(QLatin1String("workspace_user_api_keys.")) ||
           scope.startsWith(QLatin1String("organisation_service_api_keys."));
}

QList<ScopePreset> scopePresets(KeyType type)
{
    const QStringList valid = validScopes(type);
    QList<ScopePreset> presets;
    if (valid.contains(s("completions.write")))
        presets.append({s("Completions only"), {s("completions.write")}});
    QStringList readOnly;
    for (const QString &scope : valid) {
        if (scope.endsWith(QLatin1String(".read")) || scope.endsWith(QLatin1String(".list")) ||
            scope.endsWith(QLatin1String(".view")))
            readOnly.append(scope);
    }
    presets.append({s("Read-only"), readOnly});
    if (type == KeyType::WorkspaceService) {
        QStringList manager;
        for (const QString &scope : valid) {
            if (isKeyManagementScope(scope) || scope.startsWith(QLatin1String("workspace_users.")) ||
                scope == QLatin1String("workspaces.read") || scope == QLatin1String("workspaces.list"))
                manager.append(scope);
        }
        presets.append({s("Workspace key manager"), manager});
    }
    presets.append({s("Everything"), valid});
    return presets;
}

} // namespace pk
