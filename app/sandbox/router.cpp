#include "router.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSandbox, "pk.sandbox", QtInfoMsg)

namespace pk::sandbox {

namespace {

Reply noRoute(const ApiRequest &r)
{
    return Reply::error(404, u"AB02"_s, QString(u"No route for "_s + r.method + u' ' + r.path));
}

QString queryJson(const QUrlQuery &q)
{
    QJsonObject o;
    const auto items = q.queryItems(QUrl::FullyDecoded);
    for (const auto &item : items)
        o.insert(item.first, item.second);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

Reply Router::dispatch(const ApiRequest &request)
{
    if (!request.path.startsWith(u"/v1/"_s))
        return noRoute(request);
    const std::optional<Caller> caller = m_org.authenticate(request.apiKey);
    if (!caller)
        return Reply::error(401, u"AB05"_s,
                            request.apiKey.isEmpty() ? u"Missing x-portkey-api-key header"_s
                                                     : u"Invalid, expired or revoked API key"_s);
    QJsonObject body;
    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return Reply::error(400, u"AB01"_s, u"body: must be a JSON object"_s);
        body = doc.object();
    }
    QStringList segments = request.path.mid(4).split(u'/');
    while (!segments.isEmpty() && segments.last().isEmpty())
        segments.removeLast();

    AuditRecord audit;
    const Reply reply = route(*caller, request, segments, body, audit);
    if (reply.ok() && request.method != u"GET"_s && !audit.action.isEmpty()) {
        audit.method = request.method;
        audit.uri = request.path;
        audit.requestBody = QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact));
        audit.queryParams = queryJson(request.query);
        audit.userId = caller->userId.isEmpty() ? caller->keyId : caller->userId;
        audit.userType = u"api_key"_s;
        if (audit.workspaceId.isEmpty())
            audit.workspaceId = caller->workspaceId;
        audit.responseStatusCode = reply.status;
        m_org.recordAudit(std::move(audit));
    }
    qCDebug(lcSandbox) << request.method << request.path << reply.status;
    return reply;
}

Reply Router::route(const Caller &caller, const ApiRequest &r, const QStringList &s, const QJsonObject &body,
                    AuditRecord &audit)
{
    const QString &m = r.method;
    const qsizetype n = s.size();
    auto audited = [&audit](const QString &resource, const QString &action, const QString &workspace = {}) {
        audit.resourceType = resource;
        audit.action = action;
        audit.workspaceId = workspace;
    };

    if (n >= 1 && s[0] == u"api-keys"_s) {
        if (n == 1 && m == u"GET"_s)
            return m_org.listKeys(caller, r.query);
        if (n == 2 && m == u"GET"_s)
            return m_org.getKey(caller, s[1]);
        if (n == 2 && m == u"PUT"_s) {
            const bool reset = body.value(u"reset_usage"_s).toBool();
            const KeyRecord *k = m_org.key(s[1]);
            audited(u"api_keys"_s, reset ? u"reset_usage"_s : u"update"_s, k ? k->workspaceId : QString());
            return m_org.updateKey(caller, s[1], body);
        }
        if (n == 2 && m == u"DELETE"_s) {
            const KeyRecord *k = m_org.key(s[1]);
            audited(u"api_keys"_s, u"delete"_s, k ? k->workspaceId : QString());
            return m_org.deleteKey(caller, s[1]);
        }
        if (n == 3 && m == u"POST"_s && s[2] == u"rotate"_s) {
            const KeyRecord *k = m_org.key(s[1]);
            audited(u"api_keys"_s, u"rotate"_s, k ? k->workspaceId : QString());
            const QString oldMasked = k ? Organisation::mask(k->secret) : QString();
            const Reply reply = m_org.rotateKey(caller, s[1], body);
            audit.details =
                QJsonObject{{u"api_key_id"_s, s[1]},
                            {u"rotation_mode"_s, u"manual"_s},
                            {u"old_key_masked"_s, oldMasked},
                            {u"transition_expires_at"_s, reply.body.value(u"key_transition_expires_at"_s)}};
            return reply;
        }
        if (n == 3 && m == u"POST"_s) {
            const Reply reply = m_org.createKey(caller, s[1], s[2], body);
            if (reply.ok()) {
                const KeyRecord *k = m_org.key(reply.body.value(u"id"_s).toString());
                audited(u"api_keys"_s, u"create"_s, k ? k->workspaceId : QString());
            }
            return reply;
        }
        return noRoute(r);
    }

    if (n == 1 && s[0] == u"audit-logs"_s && m == u"GET"_s)
        return m_org.listAuditLogs(caller, r.query);

    if (n < 2 || s[0] != u"admin"_s)
        return noRoute(r);

    if (s[1] == u"workspaces"_s) {
        if (n == 2 && m == u"GET"_s)
            return m_org.listWorkspaces(caller, r.query);
        if (n == 2 && m == u"POST"_s) {
            const Reply reply = m_org.createWorkspace(caller, body);
            audited(u"workspaces"_s, u"create"_s, reply.body.value(u"id"_s).toString());
            return reply;
        }
        if (n == 3 && m == u"GET"_s)
            return m_org.getWorkspace(caller, s[2]);
        const QString wsId = n >= 3 ? m_org.resolveWorkspaceId(s[2]) : QString();
        if (n == 3 && m == u"PUT"_s) {
            audited(u"workspaces"_s, u"update"_s, wsId);
            return m_org.updateWorkspace(caller, s[2], body);
        }
        if (n == 3 && m == u"DELETE"_s) {
            audited(u"workspaces"_s, u"delete"_s, wsId);
            return m_org.deleteWorkspace(caller, s[2], body);
        }
        if (n == 4 && s[3] == u"users"_s) {
            if (m == u"GET"_s)
                return m_org.listMembers(caller, s[2], r.query);
            if (m == u"POST"_s) {
                audited(u"workspace_users"_s, u"create"_s, wsId);
                return m_org.addMembers(caller, s[2], body);
            }
        }
        if (n == 5 && s[3] == u"users"_s) {
            if (m == u"GET"_s)
                return m_org.getMember(caller, s[2], s[4]);
            if (m == u"PUT"_s) {
                audited(u"workspace_users"_s, u"update"_s, wsId);
                return m_org.updateMember(caller, s[2], s[4], body);
            }
            if (m == u"DELETE"_s) {
                audited(u"workspace_users"_s, u"delete"_s, wsId);
                return m_org.removeMember(caller, s[2], s[4]);
            }
        }
        return noRoute(r);
    }

    if (s[1] == u"users"_s) {
        if (n >= 3 && s[2] == u"invites"_s) {
            if (n == 3 && m == u"GET"_s)
                return m_org.listInvites(caller, r.query);
            if (n == 3 && m == u"POST"_s) {
                audited(u"invites"_s, u"create"_s);
                return m_org.createInvite(caller, body);
            }
            if (n == 4 && m == u"GET"_s)
                return m_org.getInvite(caller, s[3]);
            if (n == 4 && m == u"DELETE"_s) {
                audited(u"invites"_s, u"delete"_s);
                return m_org.deleteInvite(caller, s[3]);
            }
            if (n == 5 && m == u"POST"_s && s[4] == u"resend"_s) {
                audited(u"invites"_s, u"resend"_s);
                return m_org.resendInvite(caller, s[3]);
            }
            return noRoute(r);
        }
        if (n == 2 && m == u"GET"_s)
            return m_org.listUsers(caller, r.query);
        if (n == 3 && m == u"GET"_s)
            return m_org.getUser(caller, s[2]);
        if (n == 3 && m == u"PUT"_s) {
            audited(u"users"_s, u"update"_s);
            return m_org.updateUser(caller, s[2], body);
        }
        if (n == 3 && m == u"DELETE"_s) {
            audited(u"users"_s, u"delete"_s);
            return m_org.removeUser(caller, s[2]);
        }
    }
    return noRoute(r);
}

} // namespace pk::sandbox
