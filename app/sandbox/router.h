#pragma once

#include "organisation.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>
#include <QUrlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace pk::sandbox {

/// An Admin API request as the router sees it, independent of the HTTP server that received it.
struct ApiRequest
{
    QString method; ///< upper case: GET, POST, PUT, DELETE
    QString path;   ///< decoded path, e.g. `/v1/api-keys/<id>`
    QUrlQuery query;
    QByteArray body;
    QString apiKey; ///< the `x-portkey-api-key` header; never logged or recorded
};

/// Maps `/v1/...` routes of ADMIN-API.md §2–§6 onto Organisation operations: authenticates the caller
/// (401 AB05), parses the JSON body (400 AB01 when it is not an object), dispatches (404 AB02 for an
/// unknown route or method), and records every accepted write in the audit log.
class Router
{
public:
    explicit Router(Organisation &org) : m_org(org) {}

    /// Answers one request; never throws.
    Reply dispatch(const ApiRequest &request);

private:
    Reply route(const Caller &caller, const ApiRequest &request, const QStringList &segments,
                const QJsonObject &body, AuditRecord &audit);

    Organisation &m_org;
};

} // namespace pk::sandbox
