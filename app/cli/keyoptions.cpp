#include "cli/keyoptions.h"

#include "domain/scopes.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace pk::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("pk::cli::KeyOptions", text);
}

QString quoted(const QString &option, const QString &text)
{
    return QString(option + QStringLiteral(" “") + text + QStringLiteral("”"));
}

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
/// The longest transition period `--transition` accepts: 365 days, in ms.
constexpr qint64 kMaxTransitionPeriodMs = 365 * kDay;
/// The farthest ahead `--expires` may lie, in years.
constexpr int kMaxExpiryYears = 100;

/// A whole number ≥ 0 followed by a unit; returns false when `text` is not of that form.
bool splitAmount(const QString &text, qint64 *amount, QString *unit)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,12})\\s*([a-z]+)$"));
    const QRegularExpressionMatch m = re.match(text.trimmed().toLower());
    if (!m.hasMatch())
        return false;
    *amount = m.captured(1).toLongLong();
    *unit = m.captured(2);
    return true;
}

/// A number ≥ 0 (decimals allowed), finite.
bool nonNegativeNumber(const QString &text, double *value)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < 0)
        return false;
    *value = v;
    return true;
}

/// The wire form of a rotation policy to send for `period` and `transitionMs` (see applyToDraft()).
QString rotationPolicy(const Period &period, std::optional<qint64> transitionMs, const QDateTime &nowUtc,
                       RotationPolicy *out)
{
    RotationPolicy p;
    qint64 periodMs = 0;
    if (period.days) {
        p.rotationPeriodDays = *period.days;
        p.nextRotationAt =
            Timestamp::fromUtc(QDateTime(nowUtc.toUTC().date().addDays(*period.days), QTime(0, 0), Qt::UTC));
        periodMs = *period.days * kDay;
    } else {
        p.rotationPeriod = period.named;
        periodMs = period.named == QLatin1String("weekly") ? 7 * kDay : 28 * kDay;
    }
    p.keyTransitionPeriodMs = transitionMs;
    if (transitionMs && *transitionMs >= periodMs)
        return tr("--transition %1 must be shorter than the rotation period (ADMIN-API.md §9)")
            .arg(formatDuration(*transitionMs));
    *out = p;
    return {};
}

/// Applies --usage-limit, --alert-threshold and --usage-reset to `limits` (which may hold the key's current
/// usage limit) and checks the result.
QString mergeUsage(const KeyOptions &o, std::optional<UsageLimits> limits, std::optional<UsageLimits> *out)
{
    if (o.usageLimit) {
        UsageLimits merged = limits.value_or(UsageLimits{});
        merged.type = o.usageLimit->type;
        merged.creditLimit = o.usageLimit->creditLimit;
        limits = merged;
    }
    if (!limits || !limits->creditLimit) {
        if (o.alertThreshold)
            return tr("--alert-threshold needs a usage limit: add --usage-limit cost:USD or tokens:COUNT");
        if (o.usageReset)
            return tr("--usage-reset needs a usage limit: add --usage-limit cost:USD or tokens:COUNT");
        *out = std::nullopt;
        return {};
    }
    UsageLimits u = *limits;
    u.nextUsageResetAt = Timestamp(); // the server computes it from the reset period
    u.extra = {};
    if (o.alertThreshold)
        u.alertThreshold = o.alertThreshold;
    if (o.usageReset) {
        u.periodicReset = o.usageReset->named;
        u.periodicResetDays = o.usageReset->days;
    }
    if (u.alertThreshold && *u.alertThreshold > *u.creditLimit && !o.alertThreshold)
        return tr("the key's alert threshold %1 exceeds the new usage limit %2: give --alert-threshold N as "
                  "well")
            .arg(*u.alertThreshold)
            .arg(*u.creditLimit);
    if (u.alertThreshold && *u.alertThreshold > *u.creditLimit)
        return tr("--alert-threshold %1 exceeds the usage limit %2: it must be at most the limit")
            .arg(*u.alertThreshold)
            .arg(*u.creditLimit);
    *out = u;
    return {};
}

/// The `--type` value of a key type: admin, service or user.
QString typeOption(KeyType type)
{
    switch (type) {
    case KeyType::OrganisationService:
        return QStringLiteral("admin");
    case KeyType::WorkspaceUser:
        return QStringLiteral("user");
    case KeyType::WorkspaceService:
    case KeyType::Unknown:
        break;
    }
    return QStringLiteral("service");
}

/// The Levenshtein distance between `a` and `b`.
int editDistance(const QString &a, const QString &b)
{
    QList<int> row(b.size() + 1);
    for (int j = 0; j <= int(b.size()); ++j)
        row[j] = j;
    for (int i = 1; i <= int(a.size()); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= int(b.size()); ++j) {
            const int above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

QString parseDuration(const QString &option, const QString &text, qint64 *ms)
{
    qint64 amount = 0;
    QString unit;
    const QString bad =
        tr("%1: expected a duration such as 45m, 2h, 3d or 1800000ms").arg(quoted(option, text));
    if (!splitAmount(text, &amount, &unit))
        return bad;
    qint64 factor = 0;
    if (unit == QLatin1String("ms"))
        factor = 1;
    else if (unit == QLatin1String("s"))
        factor = 1000;
    else if (unit == QLatin1String("m") || unit == QLatin1String("min"))
        factor = kMinute;
    else if (unit == QLatin1String("h"))
        factor = kHour;
    else if (unit == QLatin1String("d"))
        factor = kDay;
    else
        return bad;
    // Checked: 12 digits of days would wrap around a 64-bit count of ms.
    if (amount > std::numeric_limits<qint64>::max() / factor)
        return tr("%1: the duration is too long").arg(quoted(option, text));
    *ms = amount * factor;
    return {};
}

QString parseTransition(const QString &text, qint64 *ms)
{
    const QString option = QStringLiteral("--transition");
    if (QString error = parseDuration(option, text, ms); !error.isEmpty())
        return error;
    if (*ms < kMinTransitionPeriodMs)
        return tr("%1: the transition period must be at least 30 min (ADMIN-API.md §9)")
            .arg(quoted(option, text));
    if (*ms > kMaxTransitionPeriodMs)
        return tr("%1: the transition period must be at most 365 days").arg(quoted(option, text));
    return {};
}

QString parseRateLimit(const QString &text, RateLimit *out)
{
    const QStringList parts = text.trimmed().toLower().split(QLatin1Char(':'));
    const QString where = quoted(QStringLiteral("--rate-limit"), text);
    if (parts.size() != 3)
        return tr("%1: expected TYPE:UNIT:VALUE, e.g. requests:rpm:100 or tokens:rpd:1000000").arg(where);
    static const QStringList types{QStringLiteral("requests"), QStringLiteral("tokens")};
    static const QStringList units{QStringLiteral("rps"), QStringLiteral("rpm"), QStringLiteral("rph"),
                                   QStringLiteral("rpd"), QStringLiteral("rpw")};
    if (!types.contains(parts[0]))
        return tr("%1: the type must be requests or tokens").arg(where);
    if (!units.contains(parts[1]))
        return tr("%1: the unit must be rps, rpm, rph, rpd or rpw").arg(where);
    static const QRegularExpression digits(QStringLiteral("^\\d{1,15}$"));
    if (!digits.match(parts[2]).hasMatch())
        return tr("%1: the value must be a whole number ≥ 0 (0 blocks all traffic)").arg(where);
    RateLimit r;
    r.type = parts[0];
    r.unit = parts[1];
    r.value = parts[2].toLongLong();
    *out = r;
    return {};
}

QString parseUsageLimit(const QString &text, UsageLimits *out)
{
    const QStringList parts = text.trimmed().toLower().split(QLatin1Char(':'));
    const QString where = quoted(QStringLiteral("--usage-limit"), text);
    if (parts.size() != 2 || (parts[0] != QLatin1String("cost") && parts[0] != QLatin1String("tokens")))
        return tr("%1: expected cost:USD or tokens:COUNT, e.g. cost:50 or tokens:100000").arg(where);
    double value = 0;
    if (!nonNegativeNumber(parts[1], &value))
        return tr("%1: the limit must be a number ≥ 0 (0 blocks all traffic)").arg(where);
    if (parts[0] == QLatin1String("tokens") && value != std::floor(value))
        return tr("%1: a token limit must be a whole number").arg(where);
    UsageLimits u;
    u.type = parts[0];
    u.creditLimit = value;
    *out = u;
    return {};
}

QString parsePeriod(const QString &option, const QString &text, Period *out)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("weekly") || t == QLatin1String("monthly")) {
        *out = Period{t, std::nullopt};
        return {};
    }
    static const QRegularExpression re(QStringLiteral("^(\\d{1,3})d$"));
    const QRegularExpressionMatch m = re.match(t);
    const int days = m.hasMatch() ? m.captured(1).toInt() : 0;
    if (days < 1 || days > 365)
        return tr("%1: expected weekly, monthly or a number of days from 1d to 365d")
            .arg(quoted(option, text));
    *out = Period{QString(), days};
    return {};
}

QString parseExpiry(const QString &text, const QDateTime &nowUtc, QDateTime *utc)
{
    const QString t = text.trimmed();
    const QString where = quoted(QStringLiteral("--expires"), text);
    QDateTime when;
    static const QRegularExpression relative(QStringLiteral("^\\d+\\s*[a-z]+$"));
    static const QRegularExpression zoned(QStringLiteral("(Z|[+-]\\d{2}:?\\d{2})$"));
    if (relative.match(t.toLower()).hasMatch()) {
        qint64 ms = 0;
        if (!parseDuration(QStringLiteral("--expires"), t, &ms).isEmpty())
            return tr("%1: expected an ISO 8601 date-time, a local date or time (2026-12-31 18:00), or a "
                      "span "
                      "such as 30d or 12h")
                .arg(where);
        if (ms > kMaxExpiryYears * 366 * kDay)
            return tr("%1: an expiry must be at most %2 years ahead").arg(where).arg(kMaxExpiryYears);
        when = nowUtc.toUTC().addMSecs(ms);
    } else if (zoned.match(t).hasMatch()) {
        when = QDateTime::fromString(t, Qt::ISODateWithMs);
        if (!when.isValid())
            when = QDateTime::fromString(t, Qt::ISODate);
    } else {
        // No zone given: the user's local time.
        QString local = t;
        local.replace(QLatin1Char(' '), QLatin1Char('T'));
        const QDate date = local.size() == 10 ? QDate::fromString(local, Qt::ISODate) : QDate();
        if (date.isValid())
            when = date.startOfDay(); // local time (Qt::LocalTime)
        else
            when = QDateTime::fromString(local, Qt::ISODate);
        if (when.isValid())
            when.setTimeSpec(Qt::LocalTime);
    }
    if (!when.isValid())
        return tr("%1: expected an ISO 8601 date-time, a local date or time (2026-12-31 18:00), or a span "
                  "such as 30d or 12h")
            .arg(where);
    when = when.toUTC();
    if (when > nowUtc.toUTC().addYears(kMaxExpiryYears))
        return tr("%1: an expiry must be at most %2 years ahead").arg(where).arg(kMaxExpiryYears);
    if (when <= nowUtc)
        return tr("%1 is in the past, %2: pick a later time").arg(where, formatInstant(when));
    *utc = when;
    return {};
}

QString parseMetadata(const QStringList &items, QJsonObject *out)
{
    QJsonObject o;
    for (const QString &item : items) {
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        const QString key = eq < 0 ? QString() : item.left(eq).trimmed();
        if (key.isEmpty())
            return tr("%1: expected KEY=VALUE with a non-empty key")
                .arg(quoted(QStringLiteral("--metadata"), item));
        o.insert(key, item.mid(eq + 1));
    }
    *out = o;
    return {};
}

QString parseAlertEmails(const QStringList &items, QStringList *out)
{
    static const QRegularExpression email(QStringLiteral("^[^@\\s,;]+@[^@\\s,;]+\\.[^@\\s,;]+$"));
    QStringList list;
    for (const QString &item : items) {
        const QString e = item.trimmed();
        if (!email.match(e).hasMatch())
            return tr("%1 is not an e-mail address (one address per option)")
                .arg(quoted(QStringLiteral("--alert-email"), item));
        if (!list.contains(e))
            list.append(e);
    }
    *out = list;
    return {};
}

QString optionForServerField(const QString &serverMessage)
{
    const qsizetype colon = serverMessage.indexOf(QLatin1Char(':'));
    if (colon <= 0)
        return {};
    const QString field = serverMessage.left(colon).trimmed();
    // Most specific first: sub-fields before their parents.
    static const QList<std::pair<QString, QString>> map{
        {QStringLiteral("usage_limits.alert_threshold"), QStringLiteral("--alert-threshold")},
        {QStringLiteral("usage_limits.periodic_reset"), QStringLiteral("--usage-reset")},
        {QStringLiteral("usage_limits.periodic_reset_days"), QStringLiteral("--usage-reset")},
        {QStringLiteral("usage_limits"), QStringLiteral("--usage-limit")},
        {QStringLiteral("rotation_policy.key_transition_period_ms"), QStringLiteral("--transition")},
        {QStringLiteral("rotation_policy"), QStringLiteral("--rotation")},
        {QStringLiteral("key_transition_period_ms"), QStringLiteral("--transition")},
        {QStringLiteral("rate_limits"), QStringLiteral("--rate-limit")},
        {QStringLiteral("expires_at"), QStringLiteral("--expires")},
        {QStringLiteral("alert_emails"), QStringLiteral("--alert-email")},
        {QStringLiteral("defaults.metadata"), QStringLiteral("--metadata")},
        {QStringLiteral("defaults.config_id"), QStringLiteral("--config-id")},
        {QStringLiteral("workspace_id"), QStringLiteral("--workspace")},
        {QStringLiteral("user_id"), QStringLiteral("--user")},
        {QStringLiteral("scopes"), QStringLiteral("--scope")},
        {QStringLiteral("description"), QStringLiteral("--description")},
        {QStringLiteral("name"), QStringLiteral("--name")},
        {QStringLiteral("reset_usage"), QStringLiteral("--reset-usage")},
        {QStringLiteral("sub-type"), QStringLiteral("--type")},
        {QStringLiteral("type"), QStringLiteral("--type")},
    };
    for (const auto &[prefix, option] : map) {
        if (field == prefix || field.startsWith(QString(prefix + QLatin1Char('.'))) ||
            field.startsWith(QString(prefix + QLatin1Char('['))))
            return option;
    }
    return {};
}

QString formatDuration(qint64 ms)
{
    if (ms % kDay == 0 && ms >= kDay)
        return QStringLiteral("%1 d").arg(ms / kDay);
    if (ms % kMinute != 0)
        return QStringLiteral("%1 ms").arg(ms);
    const qint64 h = ms / kHour;
    const qint64 min = (ms % kHour) / kMinute;
    if (h == 0)
        return QStringLiteral("%1 min").arg(min);
    return min == 0 ? QStringLiteral("%1 h").arg(h) : QStringLiteral("%1 h %2 min").arg(h).arg(min);
}

QString formatInstant(const QDateTime &utc)
{
    if (!utc.isValid())
        return {};
    const QString local = Timestamp::fromUtc(utc).toLocalDisplay();
    if (utc.toLocalTime().offsetFromUtc() == 0)
        return local; // local time is UTC here: the same instant twice says nothing more
    return QStringLiteral("%1 (%2 UTC)").arg(local, utc.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
}

bool KeyOptions::blocksAllTraffic() const
{
    if (usageLimit && usageLimit->creditLimit && *usageLimit->creditLimit == 0)
        return true;
    if (rateLimits) {
        for (const RateLimit &r : *rateLimits) {
            if (r.value == 0)
                return true;
        }
    }
    return false;
}

bool KeyOptions::isEmpty() const
{
    return !name && !description && !scopes && !rateLimits && !usageLimit && !alertThreshold && !usageReset &&
           !expiresUtc && !rotation && !transitionMs && !alertEmails && !metadata && !configId &&
           !clearExpiry && !clearUsageLimit && !clearRateLimits && !clearRotation && !clearAlertEmails &&
           !resetUsage;
}

QString KeyOptions::parse(const QCommandLineParser &parser, KeyType type, const QDateTime &nowUtc,
                          KeyOptions *out)
{
    KeyOptions o;
    const auto isSet = [&parser](const char *name) {
        return parser.isSet(QString::fromLatin1(name));
    };
    const auto value = [&parser](const char *name) {
        return parser.value(QString::fromLatin1(name));
    };
    const auto values = [&parser](const char *name) {
        return parser.values(QString::fromLatin1(name));
    };

    if (isSet("name")) {
        const QString name = value("name").trimmed();
        if (name.isEmpty())
            return tr("--name must not be empty");
        if (name.size() > 100)
            return tr("--name is %1 characters long: at most 100 are allowed").arg(name.size());
        o.name = name;
    }
    if (isSet("description")) {
        const QString description = value("description");
        if (description.size() > 200)
            return tr("--description is %1 characters long: at most 200 are allowed").arg(description.size());
        o.description = description;
    }

    if (isSet("scope") || isSet("scopes") || isSet("preset")) {
        QStringList scopes;
        for (const QString &s : values("scope"))
            scopes.append(s.trimmed());
        for (const QString &list : values("scopes")) {
            for (const QString &s : list.split(QLatin1Char(','), Qt::SkipEmptyParts))
                scopes.append(s.trimmed());
        }
        for (const QString &name : values("preset")) {
            const QList<ScopePreset> presets = scopePresets(type);
            const auto it = std::find_if(presets.cbegin(), presets.cend(), [&name](const ScopePreset &p) {
                return presetSlug(p.name) == presetSlug(name.trimmed());
            });
            if (it == presets.cend()) {
                QStringList names;
                for (const ScopePreset &p : presets)
                    names.append(presetSlug(p.name));
                return tr("%1 is not a preset for %2s. Presets: %3")
                    .arg(quoted(QStringLiteral("--preset"), name), keyTypeLabel(type),
                         names.join(QStringLiteral(", ")));
            }
            scopes.append(it->scopes);
        }
        scopes.removeAll(QString());
        scopes.removeDuplicates();
        if (scopes.isEmpty())
            return tr("--scope: at least one scope is required");
        const QStringList valid = validScopes(type);
        for (const QString &s : std::as_const(scopes)) {
            if (type == KeyType::WorkspaceUser && isKeyManagementScope(s))
                return tr("%1: workspace user keys never carry key-management scopes (ROLES.md)")
                    .arg(quoted(QStringLiteral("--scope"), s));
            if (!valid.contains(s)) {
                const QString near = nearestScope(s, type);
                const QString kind = keyTypeLabel(type).toLower();
                if (!near.isEmpty())
                    return tr("unknown scope `%1` for %2s — did you mean `%3`?").arg(s, kind, near);
                return tr("unknown scope `%1` for %2s. Run `keys scopes --type %3` for the valid scopes")
                    .arg(s, kind, typeOption(type));
            }
        }
        o.scopes = scopes;
    }

    if (isSet("rate-limit")) {
        RateLimits limits;
        for (const QString &text : values("rate-limit")) {
            RateLimit r;
            if (QString error = parseRateLimit(text, &r); !error.isEmpty())
                return error;
            const auto same = std::find_if(limits.begin(), limits.end(), [&r](const RateLimit &x) {
                return x.type == r.type && x.unit == r.unit;
            });
            if (same != limits.end())
                return tr("--rate-limit %1:%2 is given twice").arg(r.type, r.unit);
            limits.append(r);
        }
        o.rateLimits = limits;
    }
    if (isSet("usage-limit")) {
        UsageLimits u;
        if (QString error = parseUsageLimit(value("usage-limit"), &u); !error.isEmpty())
            return error;
        o.usageLimit = u;
    }
    if (isSet("alert-threshold")) {
        double threshold = 0;
        if (!nonNegativeNumber(value("alert-threshold"), &threshold))
            return tr("%1: expected a number ≥ 0 in the usage limit's unit (USD or tokens)")
                .arg(quoted(QStringLiteral("--alert-threshold"), value("alert-threshold")));
        o.alertThreshold = threshold;
    }
    if (isSet("usage-reset")) {
        Period p;
        if (QString error = parsePeriod(QStringLiteral("--usage-reset"), value("usage-reset"), &p);
            !error.isEmpty())
            return error;
        o.usageReset = p;
    }
    if (isSet("expires")) {
        QDateTime when;
        if (QString error = parseExpiry(value("expires"), nowUtc, &when); !error.isEmpty())
            return error;
        o.expiresUtc = when;
    }
    if (isSet("rotation")) {
        Period p;
        if (QString error = parsePeriod(QStringLiteral("--rotation"), value("rotation"), &p);
            !error.isEmpty())
            return error;
        o.rotation = p;
    }
    if (isSet("transition")) {
        qint64 ms = 0;
        if (QString error = parseTransition(value("transition"), &ms); !error.isEmpty())
            return error;
        o.transitionMs = ms;
    }
    if (isSet("alert-email")) {
        QStringList emails;
        if (QString error = parseAlertEmails(values("alert-email"), &emails); !error.isEmpty())
            return error;
        o.alertEmails = emails;
    }
    if (isSet("metadata")) {
        QJsonObject metadata;
        if (QString error = parseMetadata(values("metadata"), &metadata); !error.isEmpty())
            return error;
        o.metadata = metadata;
    }
    if (isSet("config-id")) {
        const QString config = value("config-id").trimmed();
        if (config.isEmpty())
            return tr("--config-id must not be empty");
        o.configId = config;
    }
    o.clearExpiry = isSet("clear-expiry");
    o.clearUsageLimit = isSet("clear-usage-limit");
    o.clearRateLimits = isSet("clear-rate-limits");
    o.clearRotation = isSet("clear-rotation");
    o.clearAlertEmails = isSet("clear-alert-emails");
    o.resetUsage = isSet("reset-usage");
    const QList<std::pair<bool, const char *>> conflicts{
        {o.clearExpiry && o.expiresUtc, "--clear-expiry and --expires"},
        {o.clearUsageLimit && (o.usageLimit || o.alertThreshold || o.usageReset),
         "--clear-usage-limit and --usage-limit, --alert-threshold or --usage-reset"},
        {o.clearRateLimits && o.rateLimits, "--clear-rate-limits and --rate-limit"},
        {o.clearRotation && (o.rotation || o.transitionMs),
         "--clear-rotation and --rotation or --transition"},
        {o.clearAlertEmails && o.alertEmails, "--clear-alert-emails and --alert-email"},
    };
    for (const auto &[clash, which] : conflicts) {
        if (clash)
            return tr("%1 exclude each other").arg(QString::fromLatin1(which));
    }
    *out = o;
    return {};
}

QString applyToDraft(const KeyOptions &o, const QDateTime &nowUtc, ApiKeyDraft *draft)
{
    if (o.name)
        draft->name = *o.name;
    if (o.description)
        draft->description = *o.description;
    if (o.scopes)
        draft->scopes = *o.scopes;
    if (o.rateLimits)
        draft->rateLimits = *o.rateLimits;
    std::optional<UsageLimits> usage;
    if (QString error = mergeUsage(o, std::nullopt, &usage); !error.isEmpty())
        return error;
    draft->usageLimits = usage;
    if (o.expiresUtc)
        draft->expiresAt = Timestamp::fromUtc(*o.expiresUtc);
    if (o.transitionMs && !o.rotation)
        return tr("--transition needs --rotation when creating a key (the transition period belongs to "
                  "the rotation policy)");
    if (o.rotation) {
        RotationPolicy policy;
        if (QString error = rotationPolicy(*o.rotation, o.transitionMs, nowUtc, &policy); !error.isEmpty())
            return error;
        draft->rotationPolicy = policy;
    }
    if (o.alertEmails)
        draft->alertEmails = *o.alertEmails;
    if (o.metadata)
        draft->defaultsMetadata = *o.metadata;
    if (o.configId)
        draft->defaultsConfigId = *o.configId;
    return {};
}

QString updateBody(const KeyOptions &o, const ApiKey &current, const QDateTime &nowUtc, QJsonObject *body)
{
    QJsonObject b;
    const QJsonValue null(QJsonValue::Null);
    if (o.name)
        b.insert(QLatin1String("name"), *o.name);
    if (o.description)
        b.insert(QLatin1String("description"), *o.description);
    if (o.scopes)
        b.insert(QLatin1String("scopes"), QJsonArray::fromStringList(*o.scopes));
    if (o.rateLimits)
        b.insert(QLatin1String("rate_limits"), rateLimitsToJson(*o.rateLimits));
    if (o.clearRateLimits)
        b.insert(QLatin1String("rate_limits"), null);
    if (o.usageLimit || o.alertThreshold || o.usageReset) {
        std::optional<UsageLimits> usage;
        if (QString error = mergeUsage(o, current.usageLimits, &usage); !error.isEmpty())
            return error;
        b.insert(QLatin1String("usage_limits"), usage->toJson());
    }
    if (o.clearUsageLimit)
        b.insert(QLatin1String("usage_limits"), null);
    if (o.resetUsage)
        b.insert(QLatin1String("reset_usage"), true);
    if (o.expiresUtc)
        b.insert(QLatin1String("expires_at"), Timestamp::fromUtc(*o.expiresUtc).toJson());
    if (o.clearExpiry)
        b.insert(QLatin1String("expires_at"), null);
    if (o.rotation || o.transitionMs) {
        Period period;
        if (o.rotation) {
            period = *o.rotation;
        } else if (current.rotationPolicy && !current.rotationPolicy->rotationPeriod.isEmpty()) {
            period.named = current.rotationPolicy->rotationPeriod;
        } else if (current.rotationPolicy && current.rotationPolicy->rotationPeriodDays) {
            period.days = current.rotationPolicy->rotationPeriodDays;
        } else {
            return tr("--transition needs --rotation: the key has no rotation policy to change");
        }
        std::optional<qint64> transition = o.transitionMs;
        if (!transition && current.rotationPolicy)
            transition = current.rotationPolicy->keyTransitionPeriodMs;
        RotationPolicy policy;
        if (QString error = rotationPolicy(period, transition, nowUtc, &policy); !error.isEmpty())
            return error;
        b.insert(QLatin1String("rotation_policy"), policy.toJson());
    }
    if (o.clearRotation)
        b.insert(QLatin1String("rotation_policy"), null);
    if (o.alertEmails)
        b.insert(QLatin1String("alert_emails"), QJsonArray::fromStringList(*o.alertEmails));
    if (o.clearAlertEmails)
        b.insert(QLatin1String("alert_emails"), null);
    if (o.metadata || o.configId) {
        QJsonObject defaults;
        if (o.metadata)
            defaults.insert(QLatin1String("metadata"), *o.metadata);
        if (o.configId)
            defaults.insert(QLatin1String("config_id"), *o.configId);
        b.insert(QLatin1String("defaults"), defaults);
    }
    *body = b;
    return {};
}

QStringList leastPrivilegeWarnings(const ApiKeyDraft &draft)
{
    QStringList warnings;
    if (draft.expiresAt.isNone())
        warnings.append(tr("the key never expires; consider --expires 90d"));
    if (!draft.usageLimits || !draft.usageLimits->creditLimit)
        warnings.append(tr("the key has no usage limit (budget); consider --usage-limit cost:USD"));
    QStringList managing;
    for (const QString &s : draft.scopes) {
        if (isKeyManagementScope(s))
            managing.append(s);
    }
    if (!managing.isEmpty())
        warnings.append(tr("the key may manage API keys (%1); leave these scopes out unless it issues keys")
                            .arg(managing.join(QStringLiteral(", "))));
    return warnings;
}

QString nearestScope(const QString &scope, KeyType type)
{
    const QString wanted = scope.toLower();
    QString best;
    int bestDistance = 4; // more than 3 edits away is no suggestion
    for (const QString &candidate : validScopes(type)) {
        const int d = editDistance(wanted, candidate.toLower());
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return bestDistance < int(wanted.size()) ? best : QString();
}

ExpiryText expiryText(const ApiKey &key, const QDateTime &nowUtc, int warningDays)
{
    ExpiryText out;
    const KeyStatus status = key.keyStatus();
    out.warn = status == KeyStatus::Exhausted || status == KeyStatus::Expired;
    if (key.expiresAt.isNone()) {
        out.text = status == KeyStatus::Exhausted ? tr("never (exhausted)") : tr("never");
        return out;
    }
    if (!key.expiresAt.isValid()) {
        out.text = tr("unknown (%1)").arg(key.expiresAt.raw());
        return out;
    }
    const qint64 secs = nowUtc.secsTo(key.expiresAt.utc());
    const qint64 ahead = std::abs(secs);
    QString span;
    if (ahead >= 2 * 86400)
        span = tr("%1 days").arg(ahead / 86400);
    else if (ahead >= 2 * 3600)
        span = tr("%1 h").arg(ahead / 3600);
    else
        span = tr("%1 min").arg(std::max<qint64>(1, ahead / 60));
    if (secs <= 0) {
        out.text = tr("%1 ago").arg(span);
        out.warn = true;
    } else {
        out.text = tr("in %1").arg(span);
        if (secs <= qint64(warningDays) * 86400)
            out.warn = true;
    }
    return out;
}

QString presetSlug(const QString &name)
{
    return name.toLower().replace(QLatin1Char(' '), QLatin1Char('-'));
}

} // namespace pk::cli
