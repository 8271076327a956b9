#pragma once

#include "domain/apikey.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

class QCommandLineParser;

namespace pk::cli {

/// Parses a duration: a whole number followed by `ms`, `s`, `m` (minutes), `h` or `d`, e.g. `45m`, `2h`,
/// `1800000ms`, `30d`. Returns the length in ms in `*ms` and an empty string, or an error sentence naming
/// `option` (e.g. "--transition “x”: expected a duration such as 45m, 2h or 1800000ms"; "… the duration
/// is too long" when the ms would not fit in 64 bits: the multiplication is checked, never wrapped).
QString parseDuration(const QString &option, const QString &text, qint64 *ms);

/// Parses a rotation transition period (`keys rotate --transition`, `--rotation … --transition`): a
/// duration (parseDuration()) of at least kMinTransitionPeriodMs (30 min; openapi.yaml L35119, ADMIN-API.md
/// §9) and at most 365 days. Returns the ms in `*ms`, or an error naming `--transition`.
QString parseTransition(const QString &text, qint64 *ms);

/// Parses `--rate-limit TYPE:UNIT:VALUE`: TYPE `requests` or `tokens`, UNIT rps/rpm/rph/rpd/rpw, VALUE a
/// whole number ≥ 0 per unit (0 blocks all traffic). openapi.yaml CreateApiKeyObject.rate_limits (L34946).
QString parseRateLimit(const QString &text, RateLimit *out);

/// Parses `--usage-limit cost:USD` or `tokens:COUNT` (ADMIN-API.md §7): sets `out->type` and
/// `out->creditLimit` (USD for cost, tokens for tokens; ≥ 0, where 0 blocks all traffic).
QString parseUsageLimit(const QString &text, UsageLimits *out);

/// A repeating period: `weekly`, `monthly`, or every N days (`Nd`, 1 ≤ N ≤ 365).
struct Period
{
    QString named;           ///< `weekly` or `monthly`; empty when `days` is set
    std::optional<int> days; ///< N of `Nd`
};
/// Parses `--usage-reset` or `--rotation` (named by `option`): `weekly`, `monthly` or `Nd` (ADMIN-API.md §7
/// `periodic_reset`/`periodic_reset_days`; §2 `rotation_period`/`rotation_period_days`).
QString parsePeriod(const QString &option, const QString &text, Period *out);

/// Parses `--expires`: an ISO 8601 date-time with `Z` or an offset; a date or date-time without a zone,
/// read in LOCAL time (`2026-12-31`, `2026-12-31 18:00`, `2026-12-31T18:00:00`; a date alone means 00:00);
/// or a span from `nowUtc` (`30d`, `12h`, `90m`). Returns the UTC instant in `*utc`. A time not after
/// `nowUtc` is refused ("is in the past"), since the server rejects it (ADMIN-API.md §2 `expires_at`); so
/// is one more than 100 years after `nowUtc` ("at most 100 years ahead"), span or date alike.
QString parseExpiry(const QString &text, const QDateTime &nowUtc, QDateTime *utc);

/// Parses repeated `--metadata KEY=VALUE` into `defaults.metadata` (string values; a later KEY wins).
QString parseMetadata(const QStringList &items, QJsonObject *out);

/// Checks repeated `--alert-email ADDRESS` (one address each, `name@domain.tld`) and returns them in order.
QString parseAlertEmails(const QStringList &items, QStringList *out);

/// The option a server 400 AB01 message is about: the sandbox and Portkey answer `field: what is wrong`
/// (ADMIN-API.md §1), e.g. `rate_limits[0].value: …` → `--rate-limit`, `expires_at: …` → `--expires`,
/// `rotation_policy.key_transition_period_ms: …` → `--transition`. Empty when no option matches.
QString optionForServerField(const QString &serverMessage);

/// A duration for people: "45 min", "2 h", "1 h 30 min", "3 d".
QString formatDuration(qint64 ms);

/// An instant for people: local time with the zone, then UTC: "2026-12-03 14:05 CET (2026-12-03 13:05
/// UTC)"; the UTC part only when the local zone is off UTC at that instant ("2026-12-03 13:05 UTC"
/// otherwise; Europe/London in winter shows "… GMT"). Empty for an invalid instant.
QString formatInstant(const QDateTime &utc);

/// Every key field the `keys create` and `keys update` options can set, parsed and validated. A field is
/// set (has a value) only when its option was given; the `clear*` flags come from `--clear-…`.
struct KeyOptions
{
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QStringList> scopes; ///< union of --scope, --scopes and --preset, de-duplicated
    std::optional<RateLimits> rateLimits;
    std::optional<UsageLimits> usageLimit; ///< --usage-limit: type and credit limit only
    std::optional<double> alertThreshold;  ///< --alert-threshold, same unit as the usage limit
    std::optional<Period> usageReset;
    std::optional<QDateTime> expiresUtc;
    std::optional<Period> rotation;
    std::optional<qint64> transitionMs;
    std::optional<QStringList> alertEmails;
    std::optional<QJsonObject> metadata;
    std::optional<QString> configId;
    bool clearExpiry = false;
    bool clearUsageLimit = false;
    bool clearRateLimits = false;
    bool clearRotation = false;
    bool clearAlertEmails = false;
    bool resetUsage = false;

    /// True when a rate limit or the usage limit is 0, which blocks all traffic and must be confirmed.
    bool blocksAllTraffic() const;
    /// True when no field, clear flag or reset is set.
    bool isEmpty() const;

    /// Reads every key option of `parser` for a key of `type` (which decides the valid scopes and presets;
    /// workspace user keys never carry key-management scopes, ROLES.md). `nowUtc` anchors relative expiry.
    /// Returns an empty string, or ONE sentence naming the offending option.
    static QString parse(const QCommandLineParser &parser, KeyType type, const QDateTime &nowUtc,
                         KeyOptions *out);
};

/// Fills `draft` (type, workspace and user are the caller's) from `options`: name, description, scopes,
/// rate limits, usage limit with alert threshold and reset, expiry, rotation policy (an `Nd` rotation is
/// sent as `rotation_period_days` with `next_rotation_at` N days ahead at 00:00 UTC, since the service needs
/// `rotation_period` or `next_rotation_at`, ADMIN-API.md §2), alert e-mails, metadata and config id.
/// Returns an error naming the option when the combination is invalid (e.g. `--alert-threshold` without
/// `--usage-limit`, or a transition not shorter than the rotation period).
QString applyToDraft(const KeyOptions &options, const QDateTime &nowUtc, ApiKeyDraft *draft);

/// The `PUT /api-keys/{id}` body (openapi.yaml UpdateApiKeyObject, L35029) for `options` applied to
/// `current`: only the fields given; `null` for each `--clear-…`; `reset_usage: true` for --reset-usage.
/// A usage limit or rotation policy is sent whole, merged with the key's current one (so
/// `--alert-threshold` alone keeps the credit limit). Returns an error naming the option when invalid.
QString updateBody(const KeyOptions &options, const ApiKey &current, const QDateTime &nowUtc,
                   QJsonObject *body);

/// Least-privilege warnings for a key about to be created (issue 4): no expiry, no usage limit, or
/// key-management scopes. One sentence each; empty when there is nothing to warn about.
QStringList leastPrivilegeWarnings(const ApiKeyDraft &draft);

/// The valid scope of `type` (pk::validScopes(), ADMIN-API.md §3) closest to the unknown `scope` by edit
/// distance (Levenshtein, case-insensitive), when it is at most 3 edits away and shorter than `scope` in
/// edits; empty when no scope is that close.
QString nearestScope(const QString &scope, KeyType type);

/// The `--preset` spelling of a scope preset's name (pk::ScopePreset::name): lower case, spaces as
/// hyphens, e.g. "Completions only" → `completions-only`.
QString presetSlug(const QString &name);

/// A key's expiry for the `keys list` EXPIRES column.
struct ExpiryText
{
    QString text;      ///< "never", "in 2 days", "in 5 h", "3 days ago", "exhausted", or the raw value
    bool warn = false; ///< expires within the warning window, is past its expiry, or is exhausted/expired
};
/// The expiry of `key` at `nowUtc` (UTC instant) relative to now, with the warning flag set when the key
/// expires within `warningDays` days (ProfileStore::expiryWarningDays(), default 7), its expiry is past, or
/// its status is `exhausted` or `expired` (openapi.yaml L34843, ADMIN-API.md §9).
ExpiryText expiryText(const ApiKey &key, const QDateTime &nowUtc, int warningDays);

} // namespace pk::cli
