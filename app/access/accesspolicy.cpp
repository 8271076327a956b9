#include "access/accesspolicy.h"

#include "domain/scopes.h"

#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAccess, "pk.access", QtInfoMsg)

namespace pk::access {

namespace {

QString quoted(const QString &text)
{
    return QString(QLatin1Char('`') + text + QLatin1Char('`'));
}

bool isOrgAdmin(const QString &orgRole)
{
    return orgRole == QLatin1String("owner") || orgRole == QLatin1String("admin");
}

bool isWorkspaceManager(const QString &workspaceRole)
{
    return workspaceRole == QLatin1String("admin") || workspaceRole == QLatin1String("manager");
}

bool isWorkspaceKey(KeyType type)
{
    return type == KeyType::WorkspaceService || type == KeyType::WorkspaceUser;
}

/// Collects the grounds of a decision while the checks run.
class Builder
{
public:
    void ground(const QString &text) { m_grounds.append(text); }
    void assume(const QString &text) { m_assumptions.append(text); }

    Decision deny(const QString &reason, bool assumed = false, const QString &missingScope = {}) const
    {
        Decision d;
        d.allowed = false;
        d.reason = reason;
        d.missingScope = missingScope;
        d.assumed = assumed;
        return d;
    }

    Decision allow() const
    {
        Decision d;
        d.allowed = true;
        d.assumed = !m_assumptions.isEmpty();
        QString reason = QStringLiteral("allowed");
        if (!m_grounds.isEmpty())
            reason += QString(QLatin1String(": ") + m_grounds.join(QLatin1String("; ")));
        if (d.assumed)
            reason += QString(QLatin1String("; assumed: ") + m_assumptions.join(QLatin1String(", ")));
        d.reason = reason;
        return d;
    }

private:
    QStringList m_grounds;
    QStringList m_assumptions;
};

} // namespace

Target Target::forKey(const ApiKey &key)
{
    Target t;
    t.workspaceId = key.workspaceId;
    t.keyId = key.id;
    t.keyOwnerUserId = key.userId;
    return t;
}

Target Target::forWorkspace(const QString &workspaceId)
{
    Target t;
    t.workspaceId = workspaceId;
    return t;
}

QJsonObject Decision::toJson() const
{
    QJsonObject o{{QStringLiteral("allowed"), allowed},
                  {QStringLiteral("reason"), reason},
                  {QStringLiteral("assumed"), assumed}};
    if (!missingScope.isEmpty())
        o.insert(QStringLiteral("missing_scope"), missingScope);
    return o;
}

Decision AccessPolicy::decide(const Principal &p, Action action, const Target &target)
{
    Builder b;
    const bool keyTypeSure = p.keyTypeKnowledge != Knowledge::Assumed;

    // 1. The human's organisation role, for organisation actions (ROLES.md "The documented matrix").
    const bool orgAdmin = p.orgRole && isOrgAdmin(*p.orgRole);
    if (isOrganisationAction(action) && p.orgRole && !orgAdmin)
        return b.deny(QStringLiteral("needs org admin or owner"));
    if (orgAdmin)
        b.ground(QString(QLatin1String("org ") + *p.orgRole));
    else if (isOrganisationAction(action))
        b.assume(QStringLiteral("org role unknown"));
    if ((action == Action::UserUpdateRole || action == Action::InviteCreate) &&
        target.role == QLatin1String("owner")) {
        // PUT /admin/users/{id} and CreateInvite accept only admin or member (openapi.yaml L14183,
        // InviteRole; ADMIN-API.md §4); ROLES.md: org admins cannot make owners.
        if (p.orgRole == QLatin1String("admin"))
            return b.deny(QStringLiteral("org admins cannot make owners"));
        return b.deny(QStringLiteral("the owner role cannot be given through the Admin API"));
    }
    if ((action == Action::UserUpdateRole || action == Action::UserRemove) &&
        target.userRole == QLatin1String("owner")) {
        // The organisation owner's role cannot be changed, nor the owner removed (ADMIN-API.md §4).
        return b.deny(QStringLiteral("the organisation owner cannot be changed or removed"));
    }
    if (action == Action::UserUpdateRole && !target.role.isEmpty() && target.role == target.userRole)
        return b.deny(
            QStringLiteral("the user already has this role")); // the API rejects it (ADMIN-API.md §4)

    // 2. The key's type and workspace (ROLES.md "Scope each action needs").
    QString workspace = target.workspaceId.isEmpty() ? QString() : p.canonicalWorkspace(target.workspaceId);
    if (isWorkspaceKey(p.keyType)) {
        if (isOrganisationAction(action)) {
            return b.deny(
                QStringLiteral("needs an Admin API key (workspace keys cannot act on the organisation)"),
                !keyTypeSure);
        }
        if (p.keyType == KeyType::WorkspaceUser && isKeyManagementAction(action))
            return b.deny(QStringLiteral("user keys cannot manage keys"), !keyTypeSure);
        if (isWorkspaceAction(action)) {
            if (p.workspace.isEmpty()) {
                b.assume(QStringLiteral("the key's workspace is unknown"));
            } else if (workspace.isEmpty()) {
                workspace = p.workspace; // a workspace key always acts in its own workspace
            } else if (workspace != p.workspace) {
                return b.deny(QString(QLatin1String("workspace keys act only in workspace ") +
                                      p.workspaceLabel(p.workspace)),
                              !keyTypeSure || p.workspaceKnowledge == Knowledge::Assumed);
            }
        }
    } else if (p.keyType == KeyType::Unknown) {
        b.assume(QStringLiteral("key type unknown"));
    }

    // 3. The human's workspace role, for workspace actions: org owners and admins act in every workspace.
    if (isWorkspaceAction(action) && !orgAdmin && !isOrganisationAction(action)) {
        const QString label = workspace.isEmpty() ? QString() : p.workspaceLabel(workspace);
        const QString needs = workspace.isEmpty()
                                  ? QStringLiteral("needs workspace admin or manager")
                                  : QString(QLatin1String("needs workspace admin or manager in ") + label);
        QString role;
        if (!workspace.isEmpty()) {
            role = p.workspaceRoles.value(workspace);
        } else {
            // No workspace chosen: the best role the human holds anywhere.
            for (const QString &r : p.workspaceRoles) {
                if (role.isEmpty() || isWorkspaceManager(r))
                    role = r;
                if (isWorkspaceManager(role))
                    break;
            }
        }
        const bool knownNonMember = !workspace.isEmpty() && role.isEmpty() &&
                                    p.orgRole == QLatin1String("member") &&
                                    p.memberListsRead.contains(workspace);
        if (knownNonMember)
            return b.deny(QString(QLatin1String("not a member of workspace ") + label));
        if (isWorkspaceManager(role)) {
            b.ground(QString(QLatin1String("workspace ") + role));
        } else if (role == QLatin1String("member")) {
            if (isReadAction(action)) {
                b.ground(QStringLiteral("workspace member"));
            } else if (action == Action::UserKeyRotate && !p.userId.isEmpty() &&
                       target.keyOwnerUserId == p.userId) {
                // ROLES.md: members may rotate keys that are their own, where the organisation allows it.
                b.ground(QStringLiteral("own user key"));
                b.assume(QStringLiteral("the organisation lets members rotate their own keys"));
            } else {
                return b.deny(needs);
            }
        } else if (!role.isEmpty()) {
            b.assume(
                QString(QLatin1String("workspace role ") + quoted(role) + QLatin1String(" not recognised")));
        } else {
            b.assume(QStringLiteral("workspace role unknown"));
        }
    }

    // 4. The key's scopes, and what the server taught this session.
    const QString scope = requiredScope(action);
    const QString alternative = alternativeScope(action);
    if (p.learnedMissingScopes.contains(scope))
        return b.deny(
            QString(QLatin1String("key lacks ") + quoted(scope) + QLatin1String(" (the server refused it)")),
            false, scope);
    if (p.scopes) {
        if (p.scopes->contains(scope)) {
            b.ground(QString(QLatin1String("key has ") + quoted(scope)));
        } else if (!alternative.isEmpty() && p.scopes->contains(alternative)) {
            b.ground(QString(QLatin1String("key has ") + quoted(alternative)));
        } else {
            return b.deny(QString(QLatin1String("key lacks ") + quoted(scope)),
                          p.scopesKnowledge == Knowledge::Assumed, scope);
        }
        if (p.scopesKnowledge == Knowledge::Assumed)
            b.assume(QStringLiteral("key scopes assumed"));
    } else {
        b.assume(QString(QLatin1String("key scopes unknown (needs ") + quoted(scope) + QLatin1Char(')')));
    }
    return b.allow();
}

Decision AccessPolicy::decideCreateKey(const Principal &p, const QString &type, const QString &subType,
                                       const QString &workspaceId, const QStringList &scopes)
{
    Builder b;
    const bool organisation = type == QLatin1String("organisation");
    const bool workspaceType = type == QLatin1String("workspace");
    const bool service = subType == QLatin1String("service");
    const bool user = subType == QLatin1String("user");
    if (organisation && user)
        return b.deny(QStringLiteral("the Admin API has no organisation user keys"));
    if (!(organisation || workspaceType) || !(service || user))
        return b.deny(
            QString(QLatin1String("unknown key type ") + quoted(QString(type + QLatin1Char('/') + subType))));
    if (workspaceType && workspaceId.isEmpty())
        return b.deny(QStringLiteral("a workspace key needs a workspace"));
    if (user) {
        // ROLES.md "Rules that bind key creation": a workspace user key must not carry key-management scopes.
        for (const QString &s : scopes) {
            if (isKeyManagementScope(s))
                return b.deny(QString(QLatin1String("user keys cannot carry key-management scopes (") +
                                      quoted(s) + QLatin1Char(')')));
        }
    }
    const Action action =
        organisation ? Action::AdminKeyCreate : (service ? Action::ServiceKeyCreate : Action::UserKeyCreate);
    return decide(p, action, organisation ? Target{} : Target::forWorkspace(workspaceId));
}

QString learnDenial(Principal &principal, Action action, int httpStatus, const QString &errorCode)
{
    if (httpStatus != 403 || errorCode.compare(QLatin1String("AB03"), Qt::CaseInsensitive) != 0)
        return {};
    const QString scope = requiredScope(action);
    if (!principal.learnedMissingScopes.contains(scope)) {
        principal.learnedMissingScopes.insert(scope);
        qCInfo(lcAccess).noquote() << "server refused" << actionName(action) << "- key presumably lacks"
                                   << scope;
    }
    return scope;
}

QJsonObject whoamiJson(const Principal &principal, const QStringList &visibleWorkspaceIds)
{
    QJsonArray decisions;
    const auto add = [&](Action action, const QString &workspace) {
        const Decision d = AccessPolicy::decide(principal, action, Target::forWorkspace(workspace));
        decisions.append(
            QJsonObject{{QStringLiteral("action"), actionName(action)},
                        {QStringLiteral("workspace"), workspace.isEmpty() ? QJsonValue() : workspace},
                        {QStringLiteral("allowed"), d.allowed},
                        {QStringLiteral("reason"), d.reason}});
    };
    const QList<Action> actions = allActions();
    for (const Action action : actions) {
        if (isWorkspaceAction(action) && !visibleWorkspaceIds.isEmpty()) {
            for (const QString &workspace : visibleWorkspaceIds)
                add(action, workspace);
        } else {
            add(action, QString());
        }
    }
    return QJsonObject{{QStringLiteral("principal"), principal.toJson()},
                       {QStringLiteral("decisions"), decisions}};
}

} // namespace pk::access
