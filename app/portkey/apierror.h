#pragma once

#include <QString>

namespace pk {

/// What went wrong with one Admin API call. Every client call reports exactly one of these on failure.
/// `kind` says which layer failed; for Http, `httpStatus` and `code` carry the server's answer
/// (`{"success":false,"data":{"message","errorCode"}}`, ADMIN-API.md §1).
struct ApiError
{
    enum class Kind
    {
        None,           ///< no error
        Network,        ///< connection refused/reset, DNS, TLS: the request may or may not have arrived
        Timeout,        ///< no complete answer within the transfer timeout or the overall deadline
        Http,           ///< the server answered with a 4xx/5xx status
        Parse,          ///< the answer was not the JSON the spec promises, was too large, or a list
                        ///< offered more pages than its `total` allows (AdminApiClient::Options)
        Cancelled,      ///< cancelled by the app (window closed, profile changed)
        InsecureUrl,    ///< not https and not loopback: refused before sending
        OutcomeUnknown, ///< a write whose reply was lost: it may have been applied; re-list to find out
        Invalid         ///< refused locally before sending (bad input)
    };

    Kind kind = Kind::None;
    int httpStatus = 0;   ///< HTTP status for Http; 0 otherwise
    QString code;         ///< Portkey error code such as `AB03`, when the server sent one
    QString message;      ///< the server's message, or a description of the local failure
    int retryAfterS = -1; ///< seconds from a `Retry-After` header (either form), or -1 when absent

    bool isError() const { return kind != Kind::None; }
    /// True for 401 AB05: the calling key is invalid, expired or revoked (ROLES.md "Errors").
    bool isUnauthorized() const { return kind == Kind::Http && httpStatus == 401; }
    /// True for 403 AB03: missing scope, wrong workspace, or an org security setting.
    bool isForbidden() const { return kind == Kind::Http && httpStatus == 403; }

    /// True when this ended a write whose reply was lost or unreadable (OutcomeUnknown, Timeout, or a success
    /// status whose body did not parse): the server may have applied it, so the caller reads its state back
    /// and never re-sends a POST.
    bool writeMayHaveApplied() const
    {
        return kind == Kind::OutcomeUnknown || kind == Kind::Timeout ||
               (kind == Kind::Parse && httpStatus < 300);
    }

    /// One or two sentences for a person: what happened and what to do about it. Never contains a secret.
    QString userText() const;
    /// `text`, followed by " (Server: <message>)" when the server sent a message.
    QString withServerMessage(const QString &text) const;
};

} // namespace pk
