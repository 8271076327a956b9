#pragma once

#include "portkey/apierror.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QUrl>
#include <QUrlQuery>

/// The pure parts of the Admin API client: URL policy, error mapping, `Retry-After`, backoff and paging.
/// No network and no state beyond their arguments, so each rule is tested on its own.
namespace pk::wire {

/// True for `localhost`, any 127.0.0.0/8 address and `::1` (the only hosts plain http is allowed to).
bool isLoopbackHost(const QString &host);

/// Checks a control-plane base URL: None for https, or http on a loopback host; InsecureUrl for any other
/// scheme or host; Invalid for an empty, relative or host-less URL.
ApiError checkBaseUrl(const QUrl &url);

/// True when both URLs have the same scheme, host (case-insensitive) and effective port. Redirects are
/// followed only then, so `x-portkey-api-key` never goes to another origin.
bool sameOrigin(const QUrl &a, const QUrl &b);

/// Checks one id or slug that becomes a segment of a request path (`/api-keys/{id}`,
/// `/admin/workspaces/{id}`, `…/users/{userId}`, `/admin/users/{id}`, `/admin/users/invites/{id}`) and
/// percent-encodes it (RFC 3986 §2.1; every byte but the unreserved characters). Refuses, with
/// ApiError::Invalid whose message names `what` and the value (control characters and line separators shown
/// as `\uXXXX`, at most 80 characters), an empty value, `.` and `..` (dot segments that would move the
/// request to another endpoint, RFC 3986 §5.2.4), and any value holding `/`, `\`, `?`,
/// `#`, `%` or a control character; `*encoded` is left empty then. Ids and slugs of the Admin API are uuids
/// and short names (ADMIN-API.md §2, §4, §5), so none of these ever appears in a real one.
ApiError pathSegment(const QString &value, const QString &what, QString *encoded);

/// Parses a `Retry-After` header value (RFC 9110 §10.2.3): delay-seconds ("120") or an HTTP date
/// ("Wed, 21 Oct 2026 07:28:00 GMT", also the RFC 850 and asctime forms), relative to `nowUtc`. Returns
/// whole seconds ≥ 0 (a date is rounded up so a retry never comes early; a date in the past gives 0),
/// capped at one year, or -1 when the value is absent, negative or unparseable.
int parseRetryAfter(const QByteArray &value, const QDateTime &nowUtc);

/// The delay before retry number `attempt` (1 = first retry) without `Retry-After`:
/// baseMs × 2^(attempt-1), scaled by a jitter factor in [0.75, 1.25) taken from `jitter01` ∈ [0, 1),
/// capped at 30,000 ms.
int backoffDelayMs(int attempt, int baseMs, double jitter01);

/// Maps an HTTP error answer to an ApiError of kind Http. Understands Portkey's Admin shape
/// `{"success":false,"data":{"message","errorCode"}}` (ADMIN-API.md §1), the data-plane shape
/// `{"error":{"message","code"}}`, `{"message"}`, `{"error":"text"}` and plain text (first 300 chars);
/// falls back to `reasonPhrase`. `retryAfter` is the raw header, parsed with parseRetryAfter().
ApiError errorFromHttp(int status, const QByteArray &body, const QByteArray &reasonPhrase,
                       const QByteArray &retryAfter, const QDateTime &nowUtc);

/// Parses a success body that must be a JSON object. An empty body gives `{}` when `emptyIsOk` (PUT and
/// DELETE reply `{}`, ADMIN-API.md §1). Malformed or truncated JSON, or a non-object, gives a Parse error
/// naming the offset and the problem.
ApiError parseObject(const QByteArray &body, bool emptyIsOk, QJsonObject *out);

/// One page of a list reply: `{object:"list", total, data:[…]}`, or `{records:[…], total}` for audit logs
/// (ADMIN-API.md §1). `total` is -1 when absent. Entries that are not objects are skipped.
struct ListPage
{
    QList<QJsonObject> items;
    int total = -1;
};

/// Parses a list page: the array is read from `arrayKey`, else `data`, else `records`. Returns a Parse
/// error when the body is not JSON or holds no array.
ApiError parseListPage(const QByteArray &body, QLatin1String arrayKey, ListPage *out);

/// Query parameter spelling of paged lists: snake_case `current_page`/`page_size` on keys, workspaces,
/// members and audit logs; camelCase `currentPage`/`pageSize` on users and invites (ADMIN-API.md §1, §11).
enum class PagingStyle
{
    SnakeCase,
    CamelCase
};

/// Adds both paging parameters (page 0-based, size) to `query`, replacing earlier values.
void setPageQuery(QUrlQuery &query, PagingStyle style, int page, int pageSize);

/// Collects the pages of one list: deduplicates by `id`, and says when to stop. Stops when the server's
/// `total` is reached, on a short or empty page, or, with a warning, on a page that brings no new id
/// (a server that ignores paging would otherwise loop forever). A server that keeps sending new ids is
/// stopped by the page limit (pageLimit()): one page more than the first `total` reported implies
/// (ceil(total / pageSize) + 1, room for items added while paging), and never more than `maxPages`.
class PageCollector
{
public:
    enum class Next
    {
        More,            ///< ask for the next page
        Complete,        ///< every item was read
        StoppedOnRepeat, ///< the page repeated ids already seen: stopped instead of looping
        TooManyPages     ///< the page limit was reached and the server still offers more: report an error
    };

    /// Default absolute page limit: 5,000 pages of 100 = 500,000 items, far above any organisation.
    static constexpr int kDefaultMaxPages = 5000;

    /// `pageSize` is the page size asked for (≥ 1); `maxPages` the absolute page limit (≥ 1).
    explicit PageCollector(int pageSize, int maxPages = kDefaultMaxPages);

    /// Adds one page and returns what to do next. Items without an `id` are kept but cannot be deduplicated.
    Next addPage(const ListPage &page);

    QList<QJsonObject> items() const { return m_items; }
    int count() const { return int(m_items.size()); }
    /// The last `total` the server reported, or -1.
    int total() const { return m_total; }
    /// Pages added so far.
    int pages() const { return m_pages; }
    /// Items dropped because their id had been seen already.
    int duplicates() const { return m_duplicates; }
    /// The most pages this list may take: min(maxPages, ceil(first total / pageSize) + 1), or maxPages
    /// while no `total` was reported.
    int pageLimit() const;

private:
    int m_pageSize;
    int m_maxPages;
    int m_firstTotal = -1;
    int m_total = -1;
    int m_pages = 0;
    int m_duplicates = 0;
    QList<QJsonObject> m_items;
    QSet<QString> m_ids;
};

/// At most the last 4 characters of a key, prefixed with "…" ("…abcd"); empty for an empty key. Keys of
/// 8 characters or fewer show nothing but "…", so a short key is never fully revealed.
QString keyHint(const QByteArray &key);

/// `text` with every occurrence of `key` replaced by keyHint(key): used on anything a server echoes back.
QString redact(const QString &text, const QByteArray &key);

} // namespace pk::wire
