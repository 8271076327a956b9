#include "access/principalresolver.h"

#include <QSet>

namespace pk::access {

namespace {

bool isWorkspaceKey(KeyType type)
{
    return type == KeyType::WorkspaceService || type == KeyType::WorkspaceUser;
}

QList<ApiKey> filtered(const QList<ApiKey> &keys, const std::function<bool(const ApiKey &)> &keep)
{
    QList<ApiKey> out;
    for (const ApiKey &key : keys) {
        if (keep(key))
            out.append(key);
    }
    return out;
}

/// Narrows `keys` by `keep`, unless nothing would be left (the probe then tells nothing about the match).
QList<ApiKey> narrowed(const QList<ApiKey> &keys, const std::function<bool(const ApiKey &)> &keep)
{
    const QList<ApiKey> out = filtered(keys, keep);
    return out.isEmpty() ? keys : out;
}

bool sameEmail(const QString &a, const QString &b)
{
    return !a.isEmpty() && a.compare(b, Qt::CaseInsensitive) == 0;
}

} // namespace

void ResolverInput::setKeyHint(const QByteArray &secret)
{
    keyHead.clear();
    keyTail.clear();
    if (secret.size() < 4)
        return;
    keyHead = QString::fromUtf8(secret.left(2));
    keyTail = QString::fromUtf8(secret.right(2));
}

QList<ApiKey> PrincipalResolver::matchMasked(const QList<ApiKey> &keys, const QString &head,
                                             const QString &tail)
{
    if (head.size() != 2 || tail.size() != 2)
        return {};
    return filtered(keys, [&](const ApiKey &key) {
        const QString &masked = key.maskedKey;
        return masked.size() >= 4 && masked.startsWith(head) && masked.endsWith(tail);
    });
}

Principal PrincipalResolver::resolve(const ResolverInput &in)
{
    Principal p;
    for (const Workspace &ws : in.workspaces) {
        if (ws.id.isEmpty())
            continue;
        if (!ws.name.isEmpty())
            p.workspaceNames.insert(ws.id, ws.name);
        if (!ws.slug.isEmpty() && ws.slug != ws.id)
            p.workspaceAliases.insert(ws.slug, ws.id);
    }

    // 1. The key: its masked form among the keys it could read, narrowed by what the probes say.
    QList<ApiKey> matches;
    if (in.keysList == ProbeResult::Ok)
        matches = matchMasked(in.keys, in.keyHead, in.keyTail);
    if (in.usersList == ProbeResult::Ok) {
        // Only Admin keys may read organisation users (ROLES.md).
        matches =
            filtered(matches, [](const ApiKey &k) { return k.keyType() == KeyType::OrganisationService; });
    } else if (in.usersList == ProbeResult::Forbidden) {
        matches = narrowed(matches, [](const ApiKey &k) { return isWorkspaceKey(k.keyType()); });
        if (in.workspacesList == ProbeResult::Ok && in.workspaces.size() == 1) {
            const Workspace only = in.workspaces.constFirst();
            matches = narrowed(matches, [&](const ApiKey &k) { return only.matches(k.workspaceId); });
        }
    }

    if (matches.size() == 1) {
        const ApiKey &key = matches.constFirst();
        p.keyType = key.keyType();
        p.keyTypeKnowledge = p.keyType == KeyType::Unknown ? Knowledge::Unknown : Knowledge::Known;
        p.keyId = key.id;
        p.keyName = key.name;
        if (isWorkspaceKey(p.keyType) && !key.workspaceId.isEmpty()) {
            p.workspace = p.canonicalWorkspace(key.workspaceId);
            p.workspaceKnowledge = Knowledge::Known;
        }
        p.scopes = key.scopes;
        p.scopesKnowledge = Knowledge::Known;
        if (p.keyType == KeyType::WorkspaceUser)
            p.userId = key.userId;
    } else if (matches.size() > 1) {
        // Ambiguous: keep only what every candidate agrees on, as an assumption.
        const ApiKey &first = matches.constFirst();
        bool sameType = true, sameWorkspace = true, sameScopes = true;
        for (const ApiKey &k : std::as_const(matches)) {
            sameType = sameType && k.type == first.type;
            sameWorkspace = sameWorkspace &&
                            p.canonicalWorkspace(k.workspaceId) == p.canonicalWorkspace(first.workspaceId);
            sameScopes = sameScopes && QSet<QString>(k.scopes.cbegin(), k.scopes.cend()) ==
                                           QSet<QString>(first.scopes.cbegin(), first.scopes.cend());
        }
        if (sameType && first.keyType() != KeyType::Unknown) {
            p.keyType = first.keyType();
            p.keyTypeKnowledge = Knowledge::Assumed;
            if (isWorkspaceKey(p.keyType) && sameWorkspace && !first.workspaceId.isEmpty()) {
                p.workspace = p.canonicalWorkspace(first.workspaceId);
                p.workspaceKnowledge = Knowledge::Assumed;
            }
            if (sameScopes) {
                p.scopes = first.scopes;
                p.scopesKnowledge = Knowledge::Assumed;
            }
        }
    }

    // 2. No identified key: infer its type from the probes (issue 5: a 403 on a list is information).
    if (p.keyTypeKnowledge == Knowledge::Unknown) {
        if (in.usersList == ProbeResult::Ok) {
            p.keyType = KeyType::OrganisationService;
            p.keyTypeKnowledge = Knowledge::Assumed;
        } else if (in.usersList == ProbeResult::Forbidden) {
            // Workspace user keys never read keys; a workspace key that could read keys is a service key.
            p.keyType =
                in.keysList == ProbeResult::Forbidden ? KeyType::WorkspaceUser : KeyType::WorkspaceService;
            p.keyTypeKnowledge = Knowledge::Assumed;
        }
    }
    if (isWorkspaceKey(p.keyType) && p.workspace.isEmpty() && in.workspacesList == ProbeResult::Ok &&
        in.workspaces.size() == 1 && !in.workspaces.constFirst().id.isEmpty()) {
        // A workspace key sees only its own workspace.
        p.workspace = in.workspaces.constFirst().id;
        p.workspaceKnowledge = Knowledge::Assumed;
    }

    // 3. Refused probes the key's type does not explain: the key lacks that list scope (ROLES.md).
    if (in.workspacesList == ProbeResult::Forbidden)
        p.learnedMissingScopes.insert(QStringLiteral("workspaces.list"));
    if (in.usersList == ProbeResult::Forbidden && p.keyType == KeyType::OrganisationService)
        p.learnedMissingScopes.insert(QStringLiteral("organisation_users.list"));
    if (in.keysList == ProbeResult::Forbidden &&
        (p.keyType == KeyType::OrganisationService || p.keyType == KeyType::WorkspaceService)) {
        // The key list answers 403 only when the key may list none of the key types.
        if (p.keyType == KeyType::OrganisationService)
            p.learnedMissingScopes.insert(QStringLiteral("organisation_service_api_keys.list"));
        p.learnedMissingScopes.insert(QStringLiteral("workspace_service_api_keys.list"));
        p.learnedMissingScopes.insert(QStringLiteral("workspace_user_api_keys.list"));
    }
    for (auto it = in.memberLists.cbegin(); it != in.memberLists.cend(); ++it) {
        const bool inReach = p.keyType == KeyType::OrganisationService ||
                             (isWorkspaceKey(p.keyType) && !p.workspace.isEmpty() &&
                              p.canonicalWorkspace(it.key()) == p.workspace);
        if (it.value() == ProbeResult::Forbidden && inReach)
            p.learnedMissingScopes.insert(QStringLiteral("workspace_users.list"));
    }

    // 4. The human: a user key's owner, else the profile's e-mail, in the users and member lists.
    p.email = in.profileEmail.trimmed();
    const auto isHuman = [&](const QString &id, const QString &email) {
        return p.userId.isEmpty() ? sameEmail(p.email, email) : id == p.userId;
    };
    if (p.userId.isEmpty() && p.email.isEmpty())
        return p;
    if (in.usersList == ProbeResult::Ok) {
        for (const User &user : in.users) {
            if (!isHuman(user.id, user.email))
                continue;
            p.userId = user.id;
            p.email = user.email;
            if (!user.role.isEmpty())
                p.orgRole = user.role;
            break;
        }
    }
    for (const WorkspaceMember &member : in.members) {
        if (!isHuman(member.id, member.email))
            continue;
        if (p.userId.isEmpty())
            p.userId = member.id;
        if (p.email.isEmpty())
            p.email = member.email;
        if (!p.orgRole && !member.orgRole.isEmpty())
            p.orgRole = member.orgRole;
        if (!member.workspaceId.isEmpty() && !member.role.isEmpty())
            p.workspaceRoles.insert(p.canonicalWorkspace(member.workspaceId), member.role);
    }
    for (auto it = in.memberLists.cbegin(); it != in.memberLists.cend(); ++it) {
        if (it.value() == ProbeResult::Ok)
            p.memberListsRead.insert(p.canonicalWorkspace(it.key()));
    }
    return p;
}

} // namespace pk::access
