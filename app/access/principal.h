#pragma once

#include "domain/apikey.h"

#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace pk::access {

/// How a fact about the principal was obtained (issue 5 "Who is acting": the UI says which parts are known
/// and which are assumed).
enum class Knowledge
{
    Known,   ///< read from the server (e.g. the connection key matched in the key list)
    Assumed, ///< inferred from probing reads (e.g. users list 200 → Admin key); the server may disagree
    Unknown  ///< nothing to go on
};

/// `known`, `assumed` or `unknown`.
QString knowledgeName(Knowledge knowledge);

/// Who is acting: the connection key (type, workspace, scopes) and the human behind the profile (org role,
/// workspace roles). ROLES.md "Principals". Holds no secret: the key is identified by id and name only.
/// Each key fact carries its Knowledge; a fact that holds a value with Knowledge::Unknown is taken as given
/// by AccessPolicy (a principal built by hand). Human facts (org role, workspace roles) are always read from
/// the server's lists, so they carry no separate Knowledge: set means known.
struct Principal
{
    // The connection key.
    KeyType keyType = KeyType::Unknown;
    Knowledge keyTypeKnowledge = Knowledge::Unknown;
    QString keyId;     ///< uuid of the connection key when it was identified in the key list; else empty
    QString keyName;   ///< its name, for display; else empty
    QString workspace; ///< workspace keys: their workspace's canonical id (not the slug); empty otherwise
    Knowledge workspaceKnowledge = Knowledge::Unknown;
    std::optional<QStringList> scopes; ///< the key's scopes; nullopt = unknown
    Knowledge scopesKnowledge = Knowledge::Unknown;

    // The human.
    QString userId;                        ///< uuid, when known (user keys carry it; else found by e-mail)
    QString email;                         ///< the profile's e-mail, or the user key owner's
    std::optional<QString> orgRole;        ///< `owner`, `admin` or `member`; nullopt = unknown
    QMap<QString, QString> workspaceRoles; ///< workspace id → `admin`, `manager` or `member`
    /// Workspace ids whose member list was read: there, a missing entry in workspaceRoles means "not a
    /// member" rather than "unknown".
    QSet<QString> memberListsRead;

    // What the session learned, and how to name things.
    QSet<QString> learnedMissingScopes;      ///< from 403 AB03 answers the policy did not predict
    QMap<QString, QString> workspaceNames;   ///< workspace id → display name, for reasons
    QMap<QString, QString> workspaceAliases; ///< workspace slug → id, so targets named by slug resolve

    /// The canonical id of the workspace `ref` names (an id or a slug): the alias's id, else `ref` itself.
    QString canonicalWorkspace(const QString &ref) const;
    /// The display name of workspace `ref` (id or slug), else its canonical id.
    QString workspaceLabel(const QString &ref) const;

    /// The `whoami --json` "principal" object, exactly as issue 5 specifies: `{"key_type":
    /// "organisation-service|workspace-service|workspace-user" or null, "workspace": id or null, "scopes":
    /// [...] or null, "org_role": "owner|admin|member" or null, "workspace_roles": {id: role}}`.
    QJsonObject toJson() const;

    /// Every field with its knowledge, for storing the principal in the cache; fromStateJson() reads it
    /// back (unknown or malformed fields fall back to Unknown / empty; never fails).
    QJsonObject toStateJson() const;
    static Principal fromStateJson(const QJsonObject &o);

    /// Sentences a person can read, one per fact, grouped by how it was obtained, e.g. "key type: Admin key
    /// (matched `CI deploy` in the key list)". Never contains a secret.
    QStringList knownFacts() const;
    QStringList assumedFacts() const;
    QStringList unknownFacts() const;

    bool operator==(const Principal &o) const { return toStateJson() == o.toStateJson(); }
};

/// The "View as" preview of issue 5: `principal` as an organisation member holding `workspaceRole`
/// (`admin`, `manager` or `member`) in workspace `workspaceId` (id or slug) and no role elsewhere. The
/// connection key's facts (type, workspace, scopes, learned refusals) stay, so the preview never allows
/// more than the real principal. Returns nullopt when `principal` is not a known org owner or admin (only
/// they may preview, ROLES.md), or when the role or workspace is invalid.
std::optional<Principal> viewAs(const Principal &principal, const QString &workspaceId,
                                const QString &workspaceRole);

} // namespace pk::access
