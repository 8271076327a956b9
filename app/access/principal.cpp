#include "access/principal.h"

#include <QJsonArray>

namespace pk::access {

namespace {

Knowledge knowledgeFromName(const QString &name)
{
    if (name == QLatin1String("known"))
        return Knowledge::Known;
    if (name == QLatin1String("assumed"))
        return Knowledge::Assumed;
    return Knowledge::Unknown;
}

QJsonObject mapToJson(const QMap<QString, QString> &map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QMap<QString, QString> mapFromJson(const QJsonValue &value)
{
    QMap<QString, QString> map;
    const QJsonObject o = value.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.value().isString())
            map.insert(it.key(), it.value().toString());
    }
    return map;
}

QJsonArray sortedArray(const QSet<QString> &set)
{
    QStringList list(set.cbegin(), set.cend());
    list.sort();
    return QJsonArray::fromStringList(list);
}

QStringList stringsFromJson(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (item.isString())
            list.append(item.toString());
    }
    return list;
}

QString quoted(const QString &text)
{
    return QString(QLatin1Char('`') + text + QLatin1Char('`'));
}

bool isWorkspaceKey(KeyType type)
{
    return type == KeyType::WorkspaceService || type == KeyType::WorkspaceUser;
}

} // namespace

QString knowledgeName(Knowledge knowledge)
{
    switch (knowledge) {
    case Knowledge::Known:
        return QStringLiteral("known");
    case Knowledge::Assumed:
        return QStringLiteral("assumed");
    case Knowledge::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QString Principal::canonicalWorkspace(const QString &ref) const
{
    return workspaceAliases.value(ref, ref);
}

QString Principal::workspaceLabel(const QString &ref) const
{
    const QString id = canonicalWorkspace(ref);
    const QString name = workspaceNames.value(id);
    return name.isEmpty() ? id : name;
}

QJsonObject Principal::toJson() const
{
    QJsonObject o;
    const QString type = keyTypeToWire(keyType);
    o.insert(QStringLiteral("key_type"), type.isEmpty() ? QJsonValue() : QJsonValue(type));
    o.insert(QStringLiteral("workspace"), workspace.isEmpty() ? QJsonValue() : QJsonValue(workspace));
    o.insert(QStringLiteral("scopes"),
             scopes ? QJsonValue(QJsonArray::fromStringList(*scopes)) : QJsonValue());
    o.insert(QStringLiteral("org_role"), orgRole ? QJsonValue(*orgRole) : QJsonValue());
    o.insert(QStringLiteral("workspace_roles"), mapToJson(workspaceRoles));
    return o;
}

QJsonObject Principal::toStateJson() const
{
    QJsonObject o = toJson();
    o.insert(QStringLiteral("key_type_knowledge"), knowledgeName(keyTypeKnowledge));
    o.insert(QStringLiteral("key_id"), keyId);
    o.insert(QStringLiteral("key_name"), keyName);
    o.insert(QStringLiteral("workspace_knowledge"), knowledgeName(workspaceKnowledge));
    o.insert(QStringLiteral("scopes_knowledge"), knowledgeName(scopesKnowledge));
    o.insert(QStringLiteral("user_id"), userId);
    o.insert(QStringLiteral("email"), email);
    o.insert(QStringLiteral("member_lists_read"), sortedArray(memberListsRead));
    o.insert(QStringLiteral("learned_missing_scopes"), sortedArray(learnedMissingScopes));
    o.insert(QStringLiteral("workspace_names"), mapToJson(workspaceNames));
    o.insert(QStringLiteral("workspace_aliases"), mapToJson(workspaceAliases));
    return o;
}

Principal Principal::fromStateJson(const QJsonObject &o)
{
    Principal p;
    p.keyType = keyTypeFromWire(o.value(QStringLiteral("key_type")).toString());
    p.keyTypeKnowledge = p.keyType == KeyType::Unknown
                             ? Knowledge::Unknown
                             : knowledgeFromName(o.value(QStringLiteral("key_type_knowledge")).toString());
    p.keyId = o.value(QStringLiteral("key_id")).toString();
    p.keyName = o.value(QStringLiteral("key_name")).toString();
    p.workspace = o.value(QStringLiteral("workspace")).toString();
    p.workspaceKnowledge = p.workspace.isEmpty()
                               ? Knowledge::Unknown
                               : knowledgeFromName(o.value(QStringLiteral("workspace_knowledge")).toString());
    const QJsonValue scopes = o.value(QStringLiteral("scopes"));
    if (scopes.isArray()) {
        p.scopes = stringsFromJson(scopes);
        p.scopesKnowledge = knowledgeFromName(o.value(QStringLiteral("scopes_knowledge")).toString());
    }
    p.userId = o.value(QStringLiteral("user_id")).toString();
    p.email = o.value(QStringLiteral("email")).toString();
    const QJsonValue orgRole = o.value(QStringLiteral("org_role"));
    if (orgRole.isString())
        p.orgRole = orgRole.toString();
    p.workspaceRoles = mapFromJson(o.value(QStringLiteral("workspace_roles")));
    const QStringList read = stringsFromJson(o.value(QStringLiteral("member_lists_read")));
    p.memberListsRead = QSet<QString>(read.cbegin(), read.cend());
    const QStringList learned = stringsFromJson(o.value(QStringLiteral("learned_missing_scopes")));
    p.learnedMissingScopes = QSet<QString>(learned.cbegin(), learned.cend());
    p.workspaceNames = mapFromJson(o.value(QStringLiteral("workspace_names")));
    p.workspaceAliases = mapFromJson(o.value(QStringLiteral("workspace_aliases")));
    return p;
}

QStringList Principal::knownFacts() const
{
    QStringList facts;
    if (keyTypeKnowledge == Knowledge::Known) {
        facts.append(keyName.isEmpty() ? QString(QLatin1String("key type: ") + keyTypeLabel(keyType))
                                       : QString(QLatin1String("key type: ") + keyTypeLabel(keyType) +
                                                 QLatin1String(" (matched ") + quoted(keyName) +
                                                 QLatin1String(" in the key list)")));
    }
    if (isWorkspaceKey(keyType) && workspaceKnowledge == Knowledge::Known)
        facts.append(QString(QLatin1String("key workspace: ") + workspaceLabel(workspace)));
    if (scopes && scopesKnowledge == Knowledge::Known)
        facts.append(QString(QLatin1String("key scopes: ") + scopes->join(QLatin1String(", "))));
    if (!email.isEmpty())
        facts.append(QString(QLatin1String("person: ") + email));
    if (orgRole)
        facts.append(QString(QLatin1String("organisation role: ") + *orgRole));
    for (auto it = workspaceRoles.cbegin(); it != workspaceRoles.cend(); ++it) {
        facts.append(QString(QLatin1String("role in workspace ") + workspaceLabel(it.key()) +
                             QLatin1String(": ") + it.value()));
    }
    QStringList learned(learnedMissingScopes.cbegin(), learnedMissingScopes.cend());
    learned.sort();
    for (const QString &scope : std::as_const(learned))
        facts.append(QString(QLatin1String("the server refused an action: key lacks ") + quoted(scope)));
    return facts;
}

QStringList Principal::assumedFacts() const
{
    QStringList facts;
    if (keyTypeKnowledge == Knowledge::Assumed) {
        facts.append(QString(QLatin1String("key type: ") + keyTypeLabel(keyType) +
                             QLatin1String(" (from what the key could read)")));
    }
    if (isWorkspaceKey(keyType) && workspaceKnowledge == Knowledge::Assumed)
        facts.append(QString(QLatin1String("key workspace: ") + workspaceLabel(workspace)));
    if (scopes && scopesKnowledge == Knowledge::Assumed)
        facts.append(QString(QLatin1String("key scopes: ") + scopes->join(QLatin1String(", "))));
    return facts;
}

QStringList Principal::unknownFacts() const
{
    QStringList facts;
    if (keyTypeKnowledge == Knowledge::Unknown)
        facts.append(QStringLiteral("the key's type"));
    if ((isWorkspaceKey(keyType) || keyType == KeyType::Unknown) && workspace.isEmpty())
        facts.append(QStringLiteral("the key's workspace"));
    if (!scopes)
        facts.append(QStringLiteral("the key's scopes"));
    if (!orgRole)
        facts.append(QStringLiteral("the organisation role"));
    return facts;
}

std::optional<Principal> viewAs(const Principal &principal, const QString &workspaceId,
                                const QString &workspaceRole)
{
    const bool orgAdmin =
        principal.orgRole == QLatin1String("owner") || principal.orgRole == QLatin1String("admin");
    const bool validRole = workspaceRole == QLatin1String("admin") ||
                           workspaceRole == QLatin1String("manager") ||
                           workspaceRole == QLatin1String("member");
    if (!orgAdmin || !validRole || workspaceId.isEmpty())
        return std::nullopt;
    Principal preview = principal;
    const QString id = principal.canonicalWorkspace(workspaceId);
    preview.orgRole = QStringLiteral("member");
    preview.workspaceRoles = {{id, workspaceRole}};
    // Every workspace the app knows of is one where the previewed person's membership is known.
    preview.memberListsRead.clear();
    for (auto it = principal.workspaceNames.cbegin(); it != principal.workspaceNames.cend(); ++it)
        preview.memberListsRead.insert(it.key());
    for (auto it = principal.workspaceAliases.cbegin(); it != principal.workspaceAliases.cend(); ++it)
        preview.memberListsRead.insert(it.value());
    preview.memberListsRead.insert(id);
    return preview;
}

} // namespace pk::access
