#include "apierror.h"

namespace pk {

namespace {

QString appendServerMessage(const QString &text, const QString &message)
{
    if (message.isEmpty())
        return text;
    return QString(text + QStringLiteral(" (Server: ") + message + QLatin1Char(')'));
}

QString waitText(int retryAfterS)
{
    if (retryAfterS < 0)
        return QStringLiteral("Wait a minute, then try again.");
    if (retryAfterS < 120)
        return QStringLiteral("Try again in %1 seconds.").arg(retryAfterS);
    return QStringLiteral("Try again in %1 minutes.").arg((retryAfterS + 59) / 60);
}

// The Admin API's error codes (ADMIN-API.md §1, docs admin-api/error.mdx) and the HTTP statuses they come
// with; the code wins when both are known.
QString httpText(const ApiError &e)
{
    const QString code = e.code.toUpper();
    if (code == QLatin1String("AB01") || (code.isEmpty() && e.httpStatus == 400))
        return appendServerMessage(QStringLiteral("Portkey rejected the request as invalid. Correct the "
                                                  "value it names and try again."),
                                   e.message);
    if (code == QLatin1String("AB05") || e.httpStatus == 401)
        return appendServerMessage(QStringLiteral("Portkey did not accept this profile's API key: it is "
                                                  "invalid, expired or revoked. Store a valid key for "
                                                  "this profile."),
                                   e.message);
    if (code == QLatin1String("AB03") || e.httpStatus == 403)
        return appendServerMessage(QStringLiteral("This API key is not allowed to do that: a scope is "
                                                  "missing, the item is in another workspace, or it no "
                                                  "longer exists. Use a key with the needed scope, or "
                                                  "refresh."),
                                   e.message);
    if (code == QLatin1String("AB08") || code == QLatin1String("AB02") || e.httpStatus == 404)
        return appendServerMessage(QStringLiteral("Portkey could not find the item; it may have been "
                                                  "deleted. Refresh to see the current state."),
                                   e.message);
    if (code == QLatin1String("AB07") || e.httpStatus == 409)
        return appendServerMessage(QStringLiteral("That conflicts with what already exists (a duplicate, "
                                                  "or a workspace that still holds keys or other items). "
                                                  "Remove the dependents or choose another name."),
                                   e.message);
    if (code == QLatin1String("AB09") || e.httpStatus == 402)
        return appendServerMessage(QStringLiteral("The organisation's Portkey subscription does not cover "
                                                  "this. Ask an organisation owner to check the plan."),
                                   e.message);
    if (code == QLatin1String("AB06") || e.httpStatus == 429)
        return appendServerMessage(
            QString(QStringLiteral("Portkey is limiting the request rate. ") + waitText(e.retryAfterS)),
            e.message);
    if (code == QLatin1String("AB04") || e.httpStatus >= 500)
        return appendServerMessage(
            QString(QStringLiteral("Portkey had an internal problem (HTTP %1). ").arg(e.httpStatus) +
                    (e.retryAfterS >= 0 ? waitText(e.retryAfterS) : QStringLiteral("Try again later."))),
            e.message);
    return appendServerMessage(
        QStringLiteral("Portkey refused the request (HTTP %1%2).")
            .arg(e.httpStatus)
            .arg(e.code.isEmpty() ? QString() : QString(QStringLiteral(", ") + e.code)),
        e.message);
}

} // namespace

QString ApiError::userText() const
{
    switch (kind) {
    case Kind::None:
        return {};
    case Kind::Network:
        return appendServerMessage(QStringLiteral("Could not reach the Portkey server. Check the network "
                                                  "connection and the profile's server address, then try "
                                                  "again."),
                                   message);
    case Kind::Timeout:
        return QStringLiteral("The Portkey server did not answer in time. Try again; if it keeps "
                              "happening, check the network or the server's status.");
    case Kind::Http:
        return httpText(*this);
    case Kind::Parse:
        return appendServerMessage(QStringLiteral("The Portkey server sent a reply this app cannot read. "
                                                  "Nothing was changed locally; try again later."),
                                   message);
    case Kind::Cancelled:
        return QStringLiteral("The request was cancelled.");
    case Kind::InsecureUrl:
        return QStringLiteral("The server address does not use HTTPS, so the API key could be read on "
                              "the way. Use an https:// address (plain http is allowed only for "
                              "localhost).");
    case Kind::OutcomeUnknown:
        return QStringLiteral("The connection was lost before Portkey answered, so it is not known "
                              "whether the change was made. Refresh the list to check before trying "
                              "again.");
    case Kind::Invalid:
        return message.isEmpty() ? QStringLiteral("The request is incomplete or invalid.") : message;
    }
    return message;
}

QString ApiError::withServerMessage(const QString &text) const
{
    return appendServerMessage(text, message);
}

} // namespace pk
