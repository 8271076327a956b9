#include "sandboxserver.h"

#include "httpfrontend.h"
#include "organisation.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QTcpServer>

using namespace Qt::StringLiterals;

namespace pk::sandbox {

QJsonObject Persona::toJson() const
{
    QJsonObject roles;
    for (auto it = workspaceRoles.cbegin(); it != workspaceRoles.cend(); ++it)
        roles.insert(it.key(), it.value());
    return QJsonObject{{u"name"_s, name},        {u"org_role"_s, orgRole},    {u"workspace_roles"_s, roles},
                       {u"key_type"_s, keyType}, {u"workspace"_s, workspace}, {u"api_key"_s, apiKey},
                       {u"user_id"_s, userId},   {u"email"_s, email}};
}

namespace {

QLoggingCategory::CategoryFilter g_previousFilter = nullptr;

// QHttpServer's debug output prints whole requests, headers included, and so the callers' API keys.
// The categories stay silent below warnings whatever the logging rules say.
void silenceHttpServerDebug(QLoggingCategory *category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrncmp(category->categoryName(), "qt.httpserver", 13) == 0) {
        category->setEnabled(QtDebugMsg, false);
        category->setEnabled(QtInfoMsg, false);
    }
}

} // namespace

SandboxServer::SandboxServer(const SeedOptions &options, QObject *parent)
    : QObject(parent), m_org(std::make_unique<Organisation>(options)),
      m_http(std::make_unique<HttpFrontEnd>(*m_org))
{
    static const bool installed = [] {
        g_previousFilter = QLoggingCategory::installFilter(silenceHttpServerDebug);
        return true;
    }();
    Q_UNUSED(installed);
}

SandboxServer::~SandboxServer() = default;

bool SandboxServer::listen(quint16 port)
{
    auto *tcp = new QTcpServer(m_http.get());
    if (!tcp->listen(QHostAddress::LocalHost, port)) {
        m_error =
            QString(u"Cannot listen on 127.0.0.1:"_s + QString::number(port) + u": "_s + tcp->errorString());
        delete tcp;
        return false;
    }
    m_http->bind(tcp);
    m_error.clear();
    m_baseUrl = QUrl(QString(u"http://127.0.0.1:"_s + QString::number(tcp->serverPort()) + u"/v1"_s));
    qCInfo(lcSandbox) << "Sandbox listening on" << m_baseUrl.toString();
    return true;
}

QString SandboxServer::errorString() const
{
    return m_error;
}

QUrl SandboxServer::baseUrl() const
{
    return m_baseUrl;
}

QList<Persona> SandboxServer::personas() const
{
    return m_org->personas();
}

std::optional<Persona> SandboxServer::persona(const QString &name) const
{
    for (const Persona &p : m_org->personas())
        if (p.name == name)
            return p;
    return std::nullopt;
}

QJsonObject SandboxServer::describe() const
{
    QJsonArray personas;
    for (const Persona &p : m_org->personas())
        personas.append(p.toJson());
    return QJsonObject{{u"base_url"_s, m_baseUrl.toString()}, {u"personas"_s, personas}};
}

QList<RecordedRequest> SandboxServer::recordedRequests() const
{
    return m_http->recorded();
}

void SandboxServer::clearRecordedRequests()
{
    m_http->clearRecorded();
}

void SandboxServer::injectFault(const Fault &fault)
{
    m_http->injectFault(fault);
}

void SandboxServer::clearFaults()
{
    m_http->clearFaults();
}

void SandboxServer::setNow(const QDateTime &utc)
{
    m_org->setNow(utc);
}

QDateTime SandboxServer::now() const
{
    return m_org->now();
}

Organisation &SandboxServer::organisation()
{
    return *m_org;
}

} // namespace pk::sandbox
