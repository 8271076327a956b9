#include "organisation.h"

#include "domain/scopes.h"
#include "domain/timestamp.h"
#include "seed.h"

#include <QJsonDocument>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pk::sandbox {

namespace {

constexpr qint64 kMinTransitionMs = 1800000; // ADMIN-API.md §9: minimum and default 30 min
constexpr int kMaxPageSize = 100;            // ADMIN-API.md §1

QString iso(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue isoOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(iso(t)) : QJsonValue(QJsonValue::Null);
}

Reply badRequest(const QString &field, const QString &what)
{
    return Reply::error(400, u"AB01"_s, QString(field + u": "_s + what));
}

Reply forbidden(const QString &message)
{
    return Reply::error(403, u"AB03"_s, message);
}

Reply missingScope(const QString &scope)
{
    return forbidden(QString(u"The API key is missing the scope '"_s + scope + u"'"_s));
}

Reply notFound(const QString &what)
{
    return Reply::error(404, u"AB08"_s, QString(what + u" not found"_s));
}

Reply conflict(const QString &message)
{
    return Reply::error(409, u"AB07"_s, message);
}

/// Admits only Admin API keys that carry `scope` (the organisation-level operations: creating workspaces,
/// organisation users, invites and audit logs). Returns a 403 reply with `workspaceKeyMessage` for a
/// workspace key, a 403 naming the missing scope for an Admin API key without it, and nothing when the caller
/// may proceed.
std::optional<Reply> requireAdminScope(const Caller &caller, const QString &workspaceKeyMessage,
                                       const QString &scope)
{
    if (!caller.isAdminKey())
        return forbidden(workspaceKeyMessage);
    if (!caller.has(scope))
        return missingScope(scope);
    return std::nullopt;
}

/// Parses `page_size`/`current_page` (or the camelCase pair) from the query: size 1–100, default 100;
/// page ≥ 0, default 0.
std::optional<Reply> parsePage(const QUrlQuery &q, const QString &sizeKey, const QString &pageKey, int &size,
                               int &page)
{
    size = kMaxPageSize;
    page = 0;
    if (q.hasQueryItem(sizeKey)) {
        bool ok = false;
        const int v = q.queryItemValue(sizeKey).toInt(&ok);
        if (!ok || v < 0 || v > kMaxPageSize)
            return badRequest(sizeKey, u"must be an integer from 0 to 100"_s);
        size = v == 0 ? kMaxPageSize : v;
    }
    if (q.hasQueryItem(pageKey)) {
        bool ok = false;
        const int v = q.queryItemValue(pageKey).toInt(&ok);
        if (!ok || v < 0)
            return badRequest(pageKey, u"must be a non-negative integer"_s);
        page = v;
    }
    return std::nullopt;
}

QJsonObject listEnvelope(const QJsonArray &data, qsizetype total)
{
    return QJsonObject{{u"object"_s, u"list"_s}, {u"total"_s, double(total)}, {u"data"_s, data}};
}

/// Page `page` (0-based) of `size` entries of `items` as a 200 list reply (listEnvelope()) whose `total`
/// counts all of `items`; `toJson(item)` writes one entry.
template <typename List, typename ToJson>
Reply pageReply(const List &items, int page, int size, ToJson toJson)
{
    QJsonArray data;
    for (qsizetype i = qsizetype(page) * size; i < items.size() && data.size() < size; ++i)
        data.append(toJson(items.at(i)));
    return Reply{200, listEnvelope(data, items.size())};
}

bool isEmail(const QString &s)
{
    const qsizetype at = s.indexOf(u'@');
    return at > 0 && at < s.size() - 1 && !s.contains(u' ') && s.indexOf(u'.', at) > at + 1;
}

std::optional<QDateTime> parseInstant(const QJsonValue &v)
{
    if (!v.isString())
        return std::nullopt;
    const Timestamp t = Timestamp::fromString(v.toString());
    if (!t.isValid())
        return std::nullopt;
    return t.utc();
}

QDateTime nextMonthStart(const QDateTime &now)
{
    const QDate d = now.toUTC().date();
    return QDateTime(QDate(d.year(), d.month(), 1).addMonths(1), QTime(0, 0), Qt::UTC);
}

QDateTime nextWeekday(const QDateTime &now, int weekday) // 1 = Monday … 7 = Sunday
{
    const QDate d = now.toUTC().date();
    int ahead = (weekday - d.dayOfWeek() + 7) % 7;
    if (ahead == 0)
        ahead = 7;
    return QDateTime(d.addDays(ahead), QTime(0, 0), Qt::UTC);
}

bool oneOf(const QString &v, std::initializer_list<const char16_t *> allowed)
{
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const char16_t *a) { return v == QStringView(a); });
}

/// Validates a `rate_limits` array (openapi.yaml L34946): type requests/tokens, unit in `units`, value ≥ 0.
std::optional<Reply> readRateLimits(const QJsonValue &v, const QString &field, bool workspaceUnits,
                                    QJsonArray &out)
{
    out = {};
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (!v.isArray())
        return badRequest(field, u"must be an array"_s);
    const QJsonArray arr = v.toArray();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString at = QString(field + u'[' + QString::number(i) + u']');
        const QJsonObject o = arr.at(i).toObject();
        const QString type = o.value(u"type"_s).toString();
        const QString unit = o.value(u"unit"_s).toString();
        const QJsonValue value = o.value(u"value"_s);
        if (!oneOf(type, {u"requests", u"tokens"}))
            return badRequest(QString(at + u".type"_s), u"must be one of requests, tokens"_s);
        const bool unitOk = workspaceUnits ? oneOf(unit, {u"rpd", u"rph", u"rpm"})
                                           : oneOf(unit, {u"rpd", u"rph", u"rpm", u"rps", u"rpw"});
        if (!unitOk)
            return badRequest(QString(at + u".unit"_s), workspaceUnits
                                                            ? u"must be one of rpd, rph, rpm"_s
                                                            : u"must be one of rpd, rph, rpm, rps, rpw"_s);
        if (!value.isDouble() || value.toDouble() < 0 || value.toDouble() != double(qint64(value.toDouble())))
            return badRequest(QString(at + u".value"_s), u"must be a non-negative integer"_s);
        out.append(QJsonObject{{u"type"_s, type}, {u"unit"_s, unit}, {u"value"_s, value.toDouble()}});
    }
    return std::nullopt;
}

/// Validates a `UsageLimits` object (openapi.yaml L32066, ADMIN-API.md §7) and fills in
/// `next_usage_reset_at` when a periodic reset is set.
std::optional<Reply> readUsageLimits(const QJsonValue &v, const QString &field, const QDateTime &now,
                                     QJsonObject &out)
{
    out = {};
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (!v.isObject())
        return badRequest(field, u"must be an object"_s);
    const QJsonObject in = v.toObject();
    const QJsonValue credit = in.value(u"credit_limit"_s);
    if (!credit.isDouble() || credit.toDouble() < 0)
        return badRequest(QString(field + u".credit_limit"_s), u"must be a number ≥ 0"_s);
    out.insert(u"credit_limit"_s, credit);
    const QString type = in.value(u"type"_s).toString(u"cost"_s);
    if (!oneOf(type, {u"cost", u"tokens"}))
        return badRequest(QString(field + u".type"_s), u"must be one of cost, tokens"_s);
    out.insert(u"type"_s, type);
    const QJsonValue alert = in.value(u"alert_threshold"_s);
    if (!alert.isUndefined() && !alert.isNull()) {
        if (!alert.isDouble() || alert.toDouble() < 0)
            return badRequest(QString(field + u".alert_threshold"_s), u"must be a number ≥ 0"_s);
        if (alert.toDouble() > credit.toDouble())
            return badRequest(QString(field + u".alert_threshold"_s), u"must not exceed credit_limit"_s);
        out.insert(u"alert_threshold"_s, alert);
    }
    const QJsonValue reset = in.value(u"periodic_reset"_s);
    const QJsonValue resetDays = in.value(u"periodic_reset_days"_s);
    const bool hasReset = reset.isString();
    const bool hasDays = !resetDays.isUndefined() && !resetDays.isNull();
    if (!reset.isUndefined() && !reset.isNull() && !oneOf(reset.toString(), {u"monthly", u"weekly"}))
        return badRequest(QString(field + u".periodic_reset"_s), u"must be one of monthly, weekly"_s);
    if (hasDays && (!resetDays.isDouble() || resetDays.toInt() < 1 || resetDays.toInt() > 365))
        return badRequest(QString(field + u".periodic_reset_days"_s), u"must be an integer from 1 to 365"_s);
    if (hasReset && hasDays)
        return badRequest(QString(field + u".periodic_reset_days"_s),
                          u"cannot be combined with periodic_reset"_s);
    QDateTime next;
    if (const auto given = parseInstant(in.value(u"next_usage_reset_at"_s)))
        next = *given;
    else if (hasReset)
        next = reset.toString() == u"monthly"_s ? nextMonthStart(now) : nextWeekday(now, 7);
    else if (hasDays)
        next = QDateTime(now.toUTC().date().addDays(resetDays.toInt()), QTime(0, 0), Qt::UTC);
    out.insert(u"periodic_reset"_s, hasReset ? reset : QJsonValue(QJsonValue::Null));
    out.insert(u"periodic_reset_days"_s, hasDays ? resetDays : QJsonValue(QJsonValue::Null));
    out.insert(u"next_usage_reset_at"_s, isoOrNull(next));
    return std::nullopt;
}

/// Validates an API key's or workspace's `name` (a string of 1–100 characters, not blank; ADMIN-API.md §2)
/// and stores it in `out`. Returns a 400 reply naming `name` with `blankMessage` when it is missing, not a
/// string or blank, or with the length rule when it is longer than 100 characters; `out` is left unchanged on
/// error.
std::optional<Reply> readName(const QJsonValue &v, const QString &blankMessage, QString &out)
{
    if (!v.isString() || v.toString().trimmed().isEmpty())
        return badRequest(u"name"_s, blankMessage);
    if (v.toString().size() > 100)
        return badRequest(u"name"_s, u"must be at most 100 characters"_s);
    out = v.toString();
    return std::nullopt;
}

/// Validates each element of a workspace's `usage_limits` array with readUsageLimits() (field names
/// `usage_limits[i]`) and appends the normalised objects to `out`. Returns the first element's 400 reply;
/// `out` then holds the elements read before it.
std::optional<Reply> readUsageLimitsList(const QJsonArray &arr, const QDateTime &now, QJsonArray &out)
{
    for (qsizetype i = 0; i < arr.size(); ++i) {
        QJsonObject limit;
        if (auto err = readUsageLimits(arr.at(i), QString(u"usage_limits["_s + QString::number(i) + u']'),
                                       now, limit))
            return *err;
        out.append(limit);
    }
    return std::nullopt;
}

/// Validates a `rotation_policy` (openapi.yaml L34997, ADMIN-API.md §9) and normalises it to what the
/// service returns: `{rotation_period, next_rotation_at, key_transition_period_ms, status:"ACTIVE"}`.
std::optional<Reply> readRotationPolicy(const QJsonValue &v, const QDateTime &now, QJsonObject &out)
{
    out = {};
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (!v.isObject())
        return badRequest(u"rotation_policy"_s, u"must be an object or null"_s);
    const QJsonObject in = v.toObject();
    const QJsonValue period = in.value(u"rotation_period"_s);
    const bool hasPeriod = period.isString();
    if (!period.isUndefined() && !period.isNull() && !oneOf(period.toString(), {u"weekly", u"monthly"}))
        return badRequest(u"rotation_policy.rotation_period"_s, u"must be one of weekly, monthly"_s);
    const QJsonValue nextValue = in.value(u"next_rotation_at"_s);
    std::optional<QDateTime> next;
    if (!nextValue.isUndefined() && !nextValue.isNull()) {
        next = parseInstant(nextValue);
        if (!next)
            return badRequest(u"rotation_policy.next_rotation_at"_s, u"must be an ISO 8601 date-time"_s);
        if (*next <= now)
            return badRequest(u"rotation_policy.next_rotation_at"_s, u"must be in the future"_s);
    }
    if (!hasPeriod && !next)
        return badRequest(u"rotation_policy"_s, u"needs rotation_period or next_rotation_at"_s);
    qint64 transition = kMinTransitionMs;
    const QJsonValue t = in.value(u"key_transition_period_ms"_s);
    if (!t.isUndefined() && !t.isNull()) {
        if (!t.isDouble() || t.toDouble() < double(kMinTransitionMs))
            return badRequest(u"rotation_policy.key_transition_period_ms"_s,
                              u"must be an integer ≥ 1800000"_s);
        transition = qint64(t.toDouble());
    }
    if (hasPeriod && period.toString() == u"weekly"_s && transition >= qint64(7) * 24 * 3600 * 1000)
        return badRequest(u"rotation_policy.key_transition_period_ms"_s,
                          u"must be shorter than the rotation period"_s);
    QDateTime when;
    if (next)
        when = QDateTime(next->date(), QTime(0, 0), Qt::UTC); // normalised to UTC midnight (§9)
    else
        when = period.toString() == u"weekly"_s ? nextWeekday(now, 1) : nextMonthStart(now);
    out = QJsonObject{{u"rotation_period"_s, hasPeriod ? period : QJsonValue(QJsonValue::Null)},
                      {u"next_rotation_at"_s, iso(when)},
                      {u"key_transition_period_ms"_s, double(transition)},
                      {u"status"_s, u"ACTIVE"_s}};
    return std::nullopt;
}

std::optional<Reply> readStringList(const QJsonValue &v, const QString &field, bool emails, QStringList &out)
{
    out.clear();
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (!v.isArray())
        return badRequest(field, u"must be an array of strings"_s);
    const QJsonArray arr = v.toArray();
    for (const QJsonValue &e : arr) {
        if (!e.isString())
            return badRequest(field, u"must be an array of strings"_s);
        if (emails && !isEmail(e.toString()))
            return badRequest(field, QString(u"'"_s + e.toString() + u"' is not an email address"_s));
        out.append(e.toString());
    }
    return std::nullopt;
}

QStringList memberScopes(const QString &role)
{
    QStringList scopes{u"organisations.read"_s, u"workspaces.read"_s,   u"logs.list"_s,
                       u"logs.view"_s,          u"prompts.read"_s,      u"prompts.list"_s,
                       u"configs.read"_s,       u"configs.list"_s,      u"virtual_keys.read"_s,
                       u"virtual_keys.list"_s,  u"generations.create"_s};
    if (role != u"member"_s)
        scopes << u"prompts.create"_s << u"configs.create"_s << u"virtual_keys.create"_s
               << u"workspace_users.create"_s << u"workspace_users.read"_s << u"workspace_users.list"_s
               << u"workspace_users.update"_s << u"workspace_users.delete"_s;
    return scopes;
}

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

Reply Reply::error(int status, const QString &code, const QString &message)
{
    return Reply{status,
                 QJsonObject{{u"success"_s, false},
                             {u"data"_s, QJsonObject{{u"message"_s, message}, {u"errorCode"_s, code}}}}};
}

Reply Reply::empty()
{
    return Reply{200, QJsonObject{}};
}

Organisation::Organisation(const SeedOptions &options) : m_rng(options.seed)
{
    Seeder(*this, options).run();
}

QDateTime Organisation::now() const
{
    return m_fixedNow.isValid() ? m_fixedNow : QDateTime::currentDateTimeUtc();
}

QString Organisation::newUuid()
{
    quint32 w[4];
    m_rng.fillRange(w, 4);
    w[1] = (w[1] & 0xffff0fffu) | 0x00004000u; // version 4
    w[2] = (w[2] & 0x3fffffffu) | 0x80000000u; // RFC 4122 variant
    const QString hex = QString::asprintf("%08x%08x%08x%08x", w[0], w[1], w[2], w[3]);
    return QString(hex.mid(0, 8) + u'-' + hex.mid(8, 4) + u'-' + hex.mid(12, 4) + u'-' + hex.mid(16, 4) +
                   u'-' + hex.mid(20, 12));
}

QString Organisation::newSecret()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString s(32, Qt::Uninitialized);
    for (QChar &c : s)
        c = QLatin1Char(alphabet[m_rng.bounded(62)]);
    return s;
}

QString Organisation::mask(const QString &secret)
{
    if (secret.size() < 4)
        return u"*******"_s;
    return QString(secret.left(2) + u"*******"_s + secret.right(2));
}

int Organisation::kindOf(const QString &type)
{
    if (type == u"organisation-service"_s)
        return AdminKind;
    if (type == u"workspace-service"_s)
        return ServiceKind;
    return UserKind;
}

QString Organisation::scopePrefix(int kind)
{
    switch (kind) {
    case AdminKind:
        return u"organisation_service_api_keys"_s;
    case ServiceKind:
        return u"workspace_service_api_keys"_s;
    default:
        return u"workspace_user_api_keys"_s;
    }
}

QString Organisation::statusOf(const KeyRecord &key) const
{
    if (key.expiresAt.isValid() && key.expiresAt <= now())
        return u"expired"_s; // ADMIN-API.md §9: backend v1.6.2 marks keys past expires_at
    return key.status;
}

std::optional<Caller> Organisation::authenticate(const QString &secret) const
{
    if (secret.isEmpty())
        return std::nullopt;
    const auto it = m_keyBySecret.constFind(secret);
    if (it == m_keyBySecret.cend())
        return std::nullopt;
    const KeyRecord &k = m_keys.at(it.value());
    if (k.deleted || statusOf(k) == u"expired"_s)
        return std::nullopt;
    const bool current = k.secret == secret;
    const bool previous = !current && k.previousSecret == secret && now() < k.transitionEndsAt;
    if (!current && !previous)
        return std::nullopt;
    return Caller{k.id, k.type, k.workspaceId, k.userId, k.scopes};
}

const WorkspaceRecord *Organisation::findWorkspace(const QString &idOrSlug) const
{
    const auto it = m_workspaceByIdOrSlug.constFind(idOrSlug);
    return it == m_workspaceByIdOrSlug.cend() ? nullptr : &m_workspaces.at(it.value());
}

WorkspaceRecord *Organisation::findWorkspace(const QString &idOrSlug)
{
    const auto it = m_workspaceByIdOrSlug.constFind(idOrSlug);
    return it == m_workspaceByIdOrSlug.cend() ? nullptr : &m_workspaces[it.value()];
}

QString Organisation::resolveWorkspaceId(const QString &idOrSlug) const
{
    const WorkspaceRecord *ws = findWorkspace(idOrSlug);
    return ws ? ws->id : QString();
}

const UserRecord *Organisation::findUser(const QString &id) const
{
    const auto it = m_userIndex.constFind(id);
    return it == m_userIndex.cend() ? nullptr : &m_users.at(it.value());
}

const KeyRecord *Organisation::key(const QString &id) const
{
    const auto it = m_keyById.constFind(id);
    return it == m_keyById.cend() ? nullptr : &m_keys.at(it.value());
}

qsizetype Organisation::insertKey(KeyRecord key)
{
    const qsizetype index = m_keys.size();
    const int kind = kindOf(key.type);
    m_keyById.insert(key.id, index);
    m_keyBySecret.insert(key.secret, index);
    m_liveKeys.append(index);
    m_keysByWorkspace[key.workspaceId][size_t(kind)].append(index);
    m_keysByKind[size_t(kind)].append(index);
    m_keys.append(std::move(key));
    return index;
}

void Organisation::removeKeyFromIndexes(qsizetype index)
{
    KeyRecord &k = m_keys[index];
    const int kind = kindOf(k.type);
    k.deleted = true;
    m_keyById.remove(k.id);
    m_keyBySecret.remove(k.secret);
    if (!k.previousSecret.isEmpty())
        m_keyBySecret.remove(k.previousSecret);
    auto eraseSorted = [index](QList<qsizetype> &list) {
        const auto it = std::lower_bound(list.begin(), list.end(), index);
        if (it != list.end() && *it == index)
            list.erase(it);
    };
    eraseSorted(m_liveKeys);
    eraseSorted(m_keysByWorkspace[k.workspaceId][size_t(kind)]);
    eraseSorted(m_keysByKind[size_t(kind)]);
}

// ---------------------------------------------------------------- JSON shapes

QJsonObject Organisation::keyJson(const KeyRecord &k) const
{
    QJsonObject o{{u"id"_s, k.id},
                  {u"key"_s, mask(k.secret)},
                  {u"name"_s, k.name},
                  {u"type"_s, k.type},
                  {u"organisation_id"_s, m_id},
                  {u"status"_s, statusOf(k)},
                  {u"created_at"_s, iso(k.createdAt)},
                  {u"last_updated_at"_s, iso(k.lastUpdatedAt)},
                  {u"creation_mode"_s, k.creationMode},
                  {u"rate_limits"_s, k.rateLimits},
                  {u"reset_usage"_s, k.usage},
                  {u"scopes"_s, toArray(k.scopes)},
                  {u"alert_emails"_s, toArray(k.alertEmails)},
                  {u"allow_config_override"_s, k.allowConfigOverride ? 1 : 0},
                  {u"object"_s, u"api-key"_s}};
    if (!k.description.isEmpty())
        o.insert(u"description"_s, k.description);
    if (const WorkspaceRecord *ws = findWorkspace(k.workspaceId))
        o.insert(u"workspace_id"_s, ws->slug); // the slug, as in the spec's examples (L34836)
    if (!k.userId.isEmpty())
        o.insert(u"user_id"_s, k.userId);
    if (!k.usageLimits.isEmpty())
        o.insert(u"usage_limits"_s, k.usageLimits);
    QJsonObject defaults{{u"metadata"_s, k.defaultsMetadata}};
    if (!k.defaultsConfigId.isEmpty())
        defaults.insert(u"config_id"_s, k.defaultsConfigId);
    o.insert(u"defaults"_s, defaults);
    if (k.expiresAt.isValid())
        o.insert(u"expires_at"_s, iso(k.expiresAt));
    if (!k.rotationPolicy.isEmpty())
        o.insert(u"rotation_policy"_s, k.rotationPolicy);
    if (k.lastResetAt.isValid())
        o.insert(u"last_reset_at"_s, iso(k.lastResetAt));
    if (k.transitionEndsAt.isValid() && k.transitionEndsAt > now())
        o.insert(u"key_transition_expires_at"_s, iso(k.transitionEndsAt));
    return o;
}

QJsonObject Organisation::workspaceJson(const WorkspaceRecord &ws, bool withUsers) const
{
    QJsonObject defaults{
        {u"metadata"_s, ws.metadata}, {u"is_default"_s, ws.isDefault ? 1 : 0}, {u"object"_s, u"workspace"_s}};
    QJsonObject o{
        {u"id"_s, ws.id},
        {u"slug"_s, ws.slug},
        {u"name"_s, ws.name},
        {u"description"_s, ws.description.isEmpty() ? QJsonValue(QJsonValue::Null) : ws.description},
        {u"created_at"_s, iso(ws.createdAt)},
        {u"last_updated_at"_s, iso(ws.lastUpdatedAt)},
        {u"usage_limits"_s, ws.usageLimits},
        {u"rate_limits"_s, ws.rateLimits}};
    if (withUsers) {
        defaults.insert(u"input_guardrails"_s, ws.inputGuardrails);
        defaults.insert(u"output_guardrails"_s, ws.outputGuardrails);
        defaults.insert(u"user_api_key_config"_s, ws.userApiKeyConfig.isEmpty()
                                                      ? QJsonValue(QJsonValue::Null)
                                                      : QJsonValue(ws.userApiKeyConfig));
        QJsonArray users;
        for (const MemberRecord &m : m_members.value(ws.id))
            if (const UserRecord *u = findUser(m.userId))
                users.append(memberJson(ws, *u, m));
        o.insert(u"users"_s, users);
    }
    o.insert(u"defaults"_s, defaults);
    return o;
}

QJsonObject Organisation::memberJson(const WorkspaceRecord &ws, const UserRecord &user,
                                     const MemberRecord &m) const
{
    return QJsonObject{{u"object"_s, u"workspace-user"_s},
                       {u"id"_s, user.id},
                       {u"first_name"_s, user.firstName},
                       {u"last_name"_s, user.lastName},
                       {u"email"_s, user.email},
                       {u"org_role"_s, user.role},
                       {u"role"_s, m.role},
                       {u"status"_s, u"active"_s},
                       {u"workspace_id"_s, ws.id},
                       {u"scopes"_s, toArray(memberScopes(m.role))},
                       {u"settings"_s, QJsonValue(QJsonValue::Null)},
                       {u"created_at"_s, iso(m.createdAt)},
                       {u"last_updated_at"_s, iso(m.lastUpdatedAt)}};
}

QJsonObject Organisation::userJson(const UserRecord &user) const
{
    QJsonArray workspaceIds;
    for (const WorkspaceRecord &ws : m_workspaces) {
        const auto found = m_members.constFind(ws.id);
        if (found == m_members.cend())
            continue;
        const QList<MemberRecord> &members = found.value();
        if (std::any_of(members.begin(), members.end(),
                        [&](const MemberRecord &m) { return m.userId == user.id; }))
            workspaceIds.append(ws.id);
    }
    return QJsonObject{{u"object"_s, u"user"_s},
                       {u"id"_s, user.id},
                       {u"first_name"_s, user.firstName},
                       {u"last_name"_s, user.lastName},
                       {u"role"_s, user.role},
                       {u"email"_s, user.email},
                       {u"created_at"_s, iso(user.createdAt)},
                       {u"last_updated_at"_s, iso(user.lastUpdatedAt)},
                       {u"workspace_ids"_s, workspaceIds}};
}

QJsonObject Organisation::inviteJson(const InviteRecord &inv) const
{
    QString status = inv.status;
    if (status == u"pending"_s && inv.expiresAt <= now())
        status = u"expired"_s;
    QJsonObject o{{u"object"_s, u"invite"_s},
                  {u"id"_s, inv.id},
                  {u"email"_s, inv.email},
                  {u"role"_s, inv.role},
                  {u"status"_s, status},
                  {u"created_at"_s, iso(inv.createdAt)},
                  {u"expires_at"_s, iso(inv.expiresAt)},
                  {u"invited_by"_s, inv.invitedBy},
                  {u"workspaces"_s, inv.workspaces}};
    if (inv.acceptedAt.isValid())
        o.insert(u"accepted_at"_s, iso(inv.acceptedAt));
    if (!inv.keyScopes.isEmpty())
        o.insert(u"workspace_api_key_details"_s, QJsonObject{{u"scopes"_s, toArray(inv.keyScopes)}});
    return o;
}

// ---------------------------------------------------------------- access checks (ROLES.md)

std::optional<Reply> Organisation::checkKeyAccess(const Caller &caller, const KeyRecord *key,
                                                  const QString &action) const
{
    if (!key || key->deleted)
        return caller.isAdminKey() ? notFound(u"API key"_s)
                                   : forbidden(u"The API key is not allowed to access this resource"_s);
    const int kind = kindOf(key->type);
    if (caller.keyType == u"workspace-user"_s)
        return forbidden(u"Workspace user keys cannot manage API keys"_s);
    if (!caller.isAdminKey() && (kind == AdminKind || key->workspaceId != caller.workspaceId))
        return forbidden(u"The API key is not allowed to access this resource"_s);
    const QString scope = QString(scopePrefix(kind) + u'.' + action);
    if (!caller.has(scope))
        return missingScope(scope);
    return std::nullopt;
}

std::optional<Reply> Organisation::checkWorkspaceAccess(const Caller &caller, const WorkspaceRecord *ws,
                                                        const QString &scope) const
{
    if (!caller.has(scope))
        return missingScope(scope);
    if (!ws)
        return caller.isAdminKey() ? notFound(u"Workspace"_s)
                                   : forbidden(u"The API key is not allowed to access this workspace"_s);
    if (!caller.isAdminKey() && caller.workspaceId != ws->id)
        return forbidden(u"The API key is not allowed to access this workspace"_s);
    return std::nullopt;
}

// ---------------------------------------------------------------- API keys

Reply Organisation::listKeys(const Caller &caller, const QUrlQuery &query) const
{
    int size = 0;
    int page = 0;
    if (auto err = parsePage(query, u"page_size"_s, u"current_page"_s, size, page))
        return *err;
    if (caller.keyType == u"workspace-user"_s)
        return forbidden(u"Workspace user keys cannot list API keys"_s);
    std::array<bool, 3> allowed{};
    QString firstMissing;
    for (int kind = AdminKind; kind <= UserKind; ++kind) {
        if (kind == AdminKind && !caller.isAdminKey())
            continue;
        const QString scope = QString(scopePrefix(kind) + u".list"_s);
        allowed[size_t(kind)] = caller.has(scope);
        if (!allowed[size_t(kind)] && firstMissing.isEmpty())
            firstMissing = scope;
    }
    if (!allowed[0] && !allowed[1] && !allowed[2])
        return missingScope(firstMissing);

    const WorkspaceRecord *ws = nullptr;
    const QString filter = query.queryItemValue(u"workspace_id"_s, QUrl::FullyDecoded);
    if (!filter.isEmpty()) {
        ws = findWorkspace(filter);
        if (!ws)
            return caller.isAdminKey() ? notFound(u"Workspace"_s)
                                       : forbidden(u"The API key is not allowed to access this workspace"_s);
    } else if (!caller.isAdminKey()) {
        ws = findWorkspace(caller.workspaceId);
    }
    if (ws && !caller.isAdminKey() && ws->id != caller.workspaceId)
        return forbidden(u"The API key is not allowed to access this workspace"_s);

    std::array<const QList<qsizetype> *, 3> lists{};
    static const QList<qsizetype> none;
    const auto bucket = ws ? m_keysByWorkspace.constFind(ws->id) : m_keysByWorkspace.cend();
    for (size_t kind = 0; kind < 3; ++kind) {
        if (!allowed[kind])
            lists[kind] = &none;
        else if (ws)
            lists[kind] = bucket == m_keysByWorkspace.cend() ? &none : &bucket.value()[kind];
        else
            lists[kind] = &m_keysByKind[kind];
    }
    const qsizetype total = lists[0]->size() + lists[1]->size() + lists[2]->size();

    // Merge the (ascending) per-kind lists in creation order, skipping to the requested page.
    std::array<qsizetype, 3> pos{0, 0, 0};
    const qint64 skip = qint64(page) * size;
    QJsonArray data;
    for (qint64 n = 0; n < skip + size && skip < total; ++n) {
        int best = -1;
        for (int kind = 0; kind < 3; ++kind) {
            const QList<qsizetype> &l = *lists[size_t(kind)];
            if (pos[size_t(kind)] < l.size() &&
                (best < 0 || l.at(pos[size_t(kind)]) < lists[size_t(best)]->at(pos[size_t(best)])))
                best = kind;
        }
        if (best < 0)
            break;
        const qsizetype index = lists[size_t(best)]->at(pos[size_t(best)]++);
        if (n >= skip)
            data.append(keyJson(m_keys.at(index)));
    }
    return Reply{200, listEnvelope(data, total)};
}

Reply Organisation::getKey(const Caller &caller, const QString &id) const
{
    const KeyRecord *k = key(id);
    if (auto err = checkKeyAccess(caller, k, u"read"_s))
        return *err;
    return Reply{200, keyJson(*k)};
}

Reply Organisation::createKey(const Caller &caller, const QString &type, const QString &subType,
                              const QJsonObject &body)
{
    int kind = -1;
    if (type == u"organisation"_s && subType == u"service"_s)
        kind = AdminKind;
    else if (type == u"workspace"_s && subType == u"service"_s)
        kind = ServiceKind;
    else if (type == u"workspace"_s && subType == u"user"_s)
        kind = UserKind;
    else if (type == u"organisation"_s && subType == u"user"_s)
        return badRequest(u"sub-type"_s, u"organisation/user is not a valid key type: Admin API keys are "
                                         u"service keys only"_s);
    else
        return badRequest(u"type"_s, u"must be organisation/service, workspace/service or workspace/user"_s);

    if (caller.keyType == u"workspace-user"_s)
        return forbidden(u"Workspace user keys cannot create API keys"_s);
    if (kind == AdminKind && !caller.isAdminKey())
        return forbidden(u"Workspace keys cannot create Admin API keys"_s);
    const QString scope = QString(scopePrefix(kind) + u".create"_s);
    if (!caller.has(scope))
        return missingScope(scope);

    KeyRecord k;
    const QDateTime t = now();
    if (auto err = readName(body.value(u"name"_s), u"is required"_s, k.name))
        return *err;
    const QJsonValue description = body.value(u"description"_s);
    if (!description.isUndefined() && !description.isNull()) {
        if (!description.isString())
            return badRequest(u"description"_s, u"must be a string"_s);
        if (description.toString().size() > 200)
            return badRequest(u"description"_s, u"must be at most 200 characters"_s);
        k.description = description.toString();
    }

    if (kind != AdminKind) {
        QString wsId = body.value(u"workspace_id"_s).toString();
        if (wsId.isEmpty() && !caller.isAdminKey())
            wsId = caller.workspaceId;
        if (wsId.isEmpty())
            return badRequest(u"workspace_id"_s, u"is required for workspace keys"_s);
        const WorkspaceRecord *ws = findWorkspace(wsId);
        if (!ws)
            return caller.isAdminKey() ? badRequest(u"workspace_id"_s, u"no such workspace"_s)
                                       : forbidden(u"The API key is not allowed to access this workspace"_s);
        if (!caller.isAdminKey() && ws->id != caller.workspaceId)
            return forbidden(u"The API key is not allowed to access this workspace"_s);
        k.workspaceId = ws->id;
    }
    if (kind == UserKind) {
        const QString userId = body.value(u"user_id"_s).toString();
        if (userId.isEmpty())
            return badRequest(u"user_id"_s, u"is required for workspace user keys"_s);
        const QList<MemberRecord> &members = m_members[k.workspaceId];
        if (!findUser(userId) || std::none_of(members.begin(), members.end(),
                                              [&](const MemberRecord &m) { return m.userId == userId; }))
            return badRequest(u"user_id"_s, u"must be a member of the workspace"_s);
        k.userId = userId;
    }

    const QJsonValue scopes = body.value(u"scopes"_s);
    if (auto err = readStringList(scopes, u"scopes"_s, false, k.scopes))
        return *err;
    if (k.scopes.isEmpty())
        return badRequest(u"scopes"_s, u"at least one scope is required"_s);
    const KeyType domainType =
        kind == AdminKind ? KeyType::OrganisationService
                          : (kind == ServiceKind ? KeyType::WorkspaceService : KeyType::WorkspaceUser);
    const QStringList valid = validScopes(domainType);
    for (const QString &s : std::as_const(k.scopes)) {
        if (kind == UserKind && isKeyManagementScope(s))
            return badRequest(
                u"scopes"_s,
                QString(u"workspace user keys cannot carry key-management scope '"_s + s + u"'"_s));
        if (!valid.contains(s))
            return badRequest(u"scopes"_s,
                              QString(u"'"_s + s + u"' is not a valid scope for this key type"_s));
    }
    k.scopes.removeDuplicates();

    if (auto err = readRateLimits(body.value(u"rate_limits"_s), u"rate_limits"_s, false, k.rateLimits))
        return *err;
    if (auto err = readUsageLimits(body.value(u"usage_limits"_s), u"usage_limits"_s, t, k.usageLimits))
        return *err;
    if (auto err = readStringList(body.value(u"alert_emails"_s), u"alert_emails"_s, true, k.alertEmails))
        return *err;
    const QJsonValue expires = body.value(u"expires_at"_s);
    if (!expires.isUndefined() && !expires.isNull()) {
        const auto when = parseInstant(expires);
        if (!when)
            return badRequest(u"expires_at"_s, u"must be an ISO 8601 date-time"_s);
        if (*when <= t)
            return badRequest(u"expires_at"_s, u"must be in the future"_s);
        k.expiresAt = *when;
    }
    const QJsonValue rotation = body.value(u"rotation_policy"_s);
    if (!rotation.isUndefined())
        if (auto err = readRotationPolicy(rotation, t, k.rotationPolicy))
            return *err;
    const QJsonValue defaults = body.value(u"defaults"_s);
    if (!defaults.isUndefined() && !defaults.isNull()) {
        if (!defaults.isObject())
            return badRequest(u"defaults"_s, u"must be an object"_s);
        const QJsonObject d = defaults.toObject();
        const QJsonValue metadata = d.value(u"metadata"_s);
        if (!metadata.isUndefined() && !metadata.isNull() && !metadata.isObject())
            return badRequest(u"defaults.metadata"_s, u"must be an object"_s);
        k.defaultsMetadata = metadata.toObject();
        const QJsonValue config = d.value(u"config_id"_s);
        if (!config.isUndefined() && !config.isNull() && !config.isString())
            return badRequest(u"defaults.config_id"_s, u"must be a string"_s);
        k.defaultsConfigId = config.toString();
        const QJsonValue allow = d.value(u"allow_config_override"_s);
        if (!allow.isUndefined() && !allow.isNull() && !allow.isBool())
            return badRequest(u"defaults.allow_config_override"_s, u"must be a boolean"_s);
        k.allowConfigOverride = allow.toBool(true);
    }

    k.id = newUuid();
    k.secret = newSecret();
    k.type = kind == AdminKind ? u"organisation-service"_s
                               : (kind == ServiceKind ? u"workspace-service"_s : u"workspace-user"_s);
    k.creationMode = u"api"_s;
    k.createdAt = t;
    k.lastUpdatedAt = t;
    const QString id = k.id;
    const QString secret = k.secret;
    insertKey(std::move(k));
    return Reply{200, QJsonObject{{u"id"_s, id}, {u"key"_s, secret}, {u"object"_s, u"api-key"_s}}};
}

Reply Organisation::updateKey(const Caller &caller, const QString &id, const QJsonObject &body)
{
    const auto it = m_keyById.constFind(id);
    const KeyRecord *existing = it == m_keyById.cend() ? nullptr : &m_keys.at(it.value());
    if (auto err = checkKeyAccess(caller, existing, u"update"_s))
        return *err;
    KeyRecord k = *existing; // validate everything before changing anything
    const QDateTime t = now();
    const int kind = kindOf(k.type);

    const QJsonValue type = body.value(u"type"_s);
    if (!type.isUndefined() && type.toString() != k.type)
        return badRequest(u"type"_s, u"cannot be changed"_s);
    const QJsonValue userId = body.value(u"user_id"_s);
    if (!userId.isUndefined() && !userId.isNull() && userId.toString() != k.userId)
        return badRequest(u"user_id"_s, u"cannot be changed"_s);
    const QJsonValue wsValue = body.value(u"workspace_id"_s);
    if (!wsValue.isUndefined() && !wsValue.isNull()) {
        const WorkspaceRecord *ws = findWorkspace(wsValue.toString());
        if (!ws || ws->id != k.workspaceId)
            return badRequest(u"workspace_id"_s, u"cannot be changed"_s);
    }
    if (body.contains(u"name"_s))
        if (auto err = readName(body.value(u"name"_s), u"must be a non-empty string"_s, k.name))
            return *err;
    if (body.contains(u"description"_s)) {
        const QJsonValue d = body.value(u"description"_s);
        if (!d.isNull() && !d.isString())
            return badRequest(u"description"_s, u"must be a string"_s);
        if (d.toString().size() > 200)
            return badRequest(u"description"_s, u"must be at most 200 characters"_s);
        k.description = d.toString();
    }
    if (body.contains(u"scopes"_s)) {
        QStringList scopes;
        if (auto err = readStringList(body.value(u"scopes"_s), u"scopes"_s, false, scopes))
            return *err;
        if (scopes.isEmpty())
            return badRequest(u"scopes"_s, u"at least one scope is required"_s);
        const QStringList valid = validScopes(
            kind == AdminKind ? KeyType::OrganisationService
                              : (kind == ServiceKind ? KeyType::WorkspaceService : KeyType::WorkspaceUser));
        for (const QString &s : std::as_const(scopes)) {
            if (kind == UserKind && isKeyManagementScope(s))
                return badRequest(
                    u"scopes"_s,
                    QString(u"workspace user keys cannot carry key-management scope '"_s + s + u"'"_s));
            if (!valid.contains(s))
                return badRequest(u"scopes"_s,
                                  QString(u"'"_s + s + u"' is not a valid scope for this key type"_s));
        }
        scopes.removeDuplicates();
        k.scopes = scopes;
    }
    if (body.contains(u"rate_limits"_s))
        if (auto err = readRateLimits(body.value(u"rate_limits"_s), u"rate_limits"_s, false, k.rateLimits))
            return *err;
    if (body.contains(u"usage_limits"_s))
        if (auto err = readUsageLimits(body.value(u"usage_limits"_s), u"usage_limits"_s, t, k.usageLimits))
            return *err;
    if (body.contains(u"alert_emails"_s))
        if (auto err = readStringList(body.value(u"alert_emails"_s), u"alert_emails"_s, true, k.alertEmails))
            return *err;
    if (body.contains(u"expires_at"_s)) {
        const QJsonValue e = body.value(u"expires_at"_s);
        if (e.isNull()) {
            k.expiresAt = QDateTime();
        } else {
            const auto when = parseInstant(e);
            if (!when)
                return badRequest(u"expires_at"_s, u"must be an ISO 8601 date-time or null"_s);
            k.expiresAt = *when;
        }
    }
    if (body.contains(u"rotation_policy"_s))
        if (auto err = readRotationPolicy(body.value(u"rotation_policy"_s), t, k.rotationPolicy))
            return *err;
    const QJsonValue defaults = body.value(u"defaults"_s);
    if (defaults.isNull()) {
        k.defaultsMetadata = {};
        k.defaultsConfigId.clear();
    } else if (!defaults.isUndefined()) {
        if (!defaults.isObject())
            return badRequest(u"defaults"_s, u"must be an object or null"_s);
        const QJsonObject d = defaults.toObject();
        if (d.contains(u"metadata"_s)) {
            const QJsonValue m = d.value(u"metadata"_s);
            if (!m.isNull() && !m.isObject())
                return badRequest(u"defaults.metadata"_s, u"must be an object or null"_s);
            if (m.isObject()) // the Node SDK sends metadata: null when it means "unchanged" (ADMIN-API.md §2)
                k.defaultsMetadata = m.toObject();
        }
        if (d.contains(u"config_id"_s)) {
            const QJsonValue c = d.value(u"config_id"_s);
            if (!c.isNull() && !c.isString())
                return badRequest(u"defaults.config_id"_s, u"must be a string or null"_s);
            k.defaultsConfigId = c.toString();
        }
        if (d.contains(u"allow_config_override"_s)) {
            const QJsonValue a = d.value(u"allow_config_override"_s);
            if (!a.isBool())
                return badRequest(u"defaults.allow_config_override"_s, u"must be a boolean"_s);
            k.allowConfigOverride = a.toBool();
        }
    }
    const QJsonValue reset = body.value(u"reset_usage"_s);
    if (!reset.isUndefined() && !reset.isNull() && !reset.isBool())
        return badRequest(u"reset_usage"_s, u"must be a boolean"_s);
    if (reset.toBool()) {
        k.usage = 0;
        k.lastResetAt = t;
        k.status = u"active"_s;
    }
    if (k.status == u"exhausted"_s &&
        (k.usageLimits.isEmpty() || k.usage < k.usageLimits.value(u"credit_limit"_s).toDouble()))
        k.status = u"active"_s; // raising the limit reactivates (changelog v1.20, ADMIN-API.md §9)
    k.lastUpdatedAt = t;
    m_keys[it.value()] = std::move(k);
    return Reply::empty();
}

Reply Organisation::deleteKey(const Caller &caller, const QString &id)
{
    const auto it = m_keyById.constFind(id);
    const KeyRecord *existing = it == m_keyById.cend() ? nullptr : &m_keys.at(it.value());
    if (auto err = checkKeyAccess(caller, existing, u"delete"_s))
        return *err;
    removeKeyFromIndexes(it.value());
    return Reply::empty();
}

Reply Organisation::rotateKey(const Caller &caller, const QString &id, const QJsonObject &body)
{
    const auto it = m_keyById.constFind(id);
    const KeyRecord *existing = it == m_keyById.cend() ? nullptr : &m_keys.at(it.value());
    if (auto err = checkKeyAccess(caller, existing, u"rotate"_s)) // ROLES.md: the sandbox requires *.rotate
        return *err;
    const qsizetype index = it.value();
    const QDateTime t = now();
    qint64 transition = qint64(existing->rotationPolicy.value(u"key_transition_period_ms"_s).toDouble());
    if (transition < kMinTransitionMs)
        transition = kMinTransitionMs;
    const QJsonValue requested = body.value(u"key_transition_period_ms"_s);
    if (!requested.isUndefined() && !requested.isNull()) {
        if (!requested.isDouble() || requested.toDouble() < double(kMinTransitionMs) ||
            requested.toDouble() != double(qint64(requested.toDouble())))
            return badRequest(u"key_transition_period_ms"_s, u"must be an integer ≥ 1800000"_s);
        transition = qint64(requested.toDouble());
    }
    if (existing->transitionEndsAt.isValid() && existing->transitionEndsAt > t)
        return conflict(
            QString(u"The API key is already being rotated; its previous secret stays valid until "_s +
                    iso(existing->transitionEndsAt)));
    KeyRecord &k = m_keys[index];
    if (!k.previousSecret.isEmpty())
        m_keyBySecret.remove(k.previousSecret);
    k.previousSecret = k.secret;
    k.secret = newSecret();
    k.transitionEndsAt = t.addMSecs(transition);
    k.lastUpdatedAt = t;
    m_keyBySecret.insert(k.secret, index);
    return Reply{200, QJsonObject{{u"id"_s, k.id},
                                  {u"key"_s, k.secret},
                                  {u"key_transition_expires_at"_s, iso(k.transitionEndsAt)}}};
}

// ---------------------------------------------------------------- workspaces

Reply Organisation::listWorkspaces(const Caller &caller, const QUrlQuery &query) const
{
    int size = 0;
    int page = 0;
    if (auto err = parsePage(query, u"page_size"_s, u"current_page"_s, size, page))
        return *err;
    if (!caller.has(u"workspaces.list"_s))
        return missingScope(u"workspaces.list"_s);
    const QString name = query.queryItemValue(u"name"_s, QUrl::FullyDecoded);
    const bool exact = query.queryItemValue(u"exact_name"_s) == u"true"_s;
    const QStringList statuses =
        query.queryItemValue(u"status"_s, QUrl::FullyDecoded).split(u',', Qt::SkipEmptyParts);
    for (const QString &s : statuses)
        if (!oneOf(s, {u"active", u"archived"}))
            return badRequest(u"status"_s, u"must be active, archived or both, comma-separated"_s);
    QList<const WorkspaceRecord *> matches;
    for (const WorkspaceRecord &ws : m_workspaces) {
        if (!caller.isAdminKey() && ws.id != caller.workspaceId)
            continue;
        if (!name.isEmpty() && (exact ? ws.name != name : !ws.name.contains(name, Qt::CaseSensitive)))
            continue;
        if (!statuses.isEmpty() && !statuses.contains(ws.status))
            continue;
        matches.append(&ws);
    }
    return pageReply(matches, page, size,
                     [this](const WorkspaceRecord *ws) { return workspaceJson(*ws, false); });
}

Reply Organisation::getWorkspace(const Caller &caller, const QString &idOrSlug) const
{
    const WorkspaceRecord *ws = findWorkspace(idOrSlug);
    if (auto err = checkWorkspaceAccess(caller, ws, u"workspaces.read"_s))
        return *err;
    return Reply{200, workspaceJson(*ws, true)};
}

Reply Organisation::createWorkspace(const Caller &caller, const QJsonObject &body)
{
    if (auto err =
            requireAdminScope(caller, u"Only Admin API keys can create workspaces"_s, u"workspaces.create"_s))
        return *err;
    const QDateTime t = now();
    WorkspaceRecord ws;
    if (auto err = readName(body.value(u"name"_s), u"is required"_s, ws.name))
        return *err;
    const QJsonValue description = body.value(u"description"_s);
    if (!description.isUndefined() && !description.isNull() && !description.isString())
        return badRequest(u"description"_s, u"must be a string"_s);
    ws.description = description.toString();
    const QJsonObject defaults = body.value(u"defaults"_s).toObject();
    const QJsonValue metadata = defaults.value(u"metadata"_s);
    if (!metadata.isUndefined() && !metadata.isNull() && !metadata.isObject())
        return badRequest(u"defaults.metadata"_s, u"must be an object of strings"_s);
    ws.metadata = metadata.toObject();
    QStringList users;
    if (auto err = readStringList(body.value(u"users"_s), u"users"_s, false, users))
        return *err;
    for (const QString &u : std::as_const(users))
        if (!findUser(u))
            return badRequest(u"users"_s, QString(u"no such user '"_s + u + u"'"_s));
    const QJsonValue usage = body.value(u"usage_limits"_s);
    if (!usage.isUndefined() && !usage.isNull()) {
        if (!usage.isArray())
            return badRequest(u"usage_limits"_s, u"must be an array"_s);
        if (auto err = readUsageLimitsList(usage.toArray(), t, ws.usageLimits))
            return *err;
    }
    if (auto err = readRateLimits(body.value(u"rate_limits"_s), u"rate_limits"_s, true, ws.rateLimits))
        return *err;
    Seeder::addWorkspace(*this, std::move(ws), t);
    WorkspaceRecord &created = m_workspaces.last();
    for (const QString &u : std::as_const(users))
        m_members[created.id].append(MemberRecord{u, u"member"_s, t, t});
    return Reply{200, workspaceJson(created, false)};
}

Reply Organisation::updateWorkspace(const Caller &caller, const QString &idOrSlug, const QJsonObject &body)
{
    WorkspaceRecord *target = findWorkspace(idOrSlug);
    if (auto err = checkWorkspaceAccess(caller, target, u"workspaces.update"_s))
        return *err;
    WorkspaceRecord ws = *target;
    const QDateTime t = now();
    if (body.contains(u"name"_s))
        if (auto err = readName(body.value(u"name"_s), u"must be a non-empty string"_s, ws.name))
            return *err;
    if (body.contains(u"description"_s)) {
        const QJsonValue d = body.value(u"description"_s);
        if (!d.isNull() && !d.isString())
            return badRequest(u"description"_s, u"must be a string or null"_s);
        ws.description = d.toString();
    }
    const QJsonValue defaults = body.value(u"defaults"_s);
    if (!defaults.isUndefined() && !defaults.isNull()) {
        if (!defaults.isObject())
            return badRequest(u"defaults"_s, u"must be an object"_s);
        const QJsonObject d = defaults.toObject();
        if (d.contains(u"metadata"_s))
            ws.metadata = d.value(u"metadata"_s).toObject();
        if (d.contains(u"input_guardrails"_s))
            ws.inputGuardrails = d.value(u"input_guardrails"_s).toArray();
        if (d.contains(u"output_guardrails"_s))
            ws.outputGuardrails = d.value(u"output_guardrails"_s).toArray();
        if (d.contains(u"user_api_key_config"_s))
            ws.userApiKeyConfig = d.value(u"user_api_key_config"_s).toString();
    }
    if (body.contains(u"usage_limits"_s)) {
        const QJsonValue usage = body.value(u"usage_limits"_s);
        if (!usage.isNull() && !usage.isArray())
            return badRequest(u"usage_limits"_s, u"must be an array"_s);
        ws.usageLimits = {};
        if (auto err = readUsageLimitsList(usage.toArray(), t, ws.usageLimits))
            return *err;
    }
    if (body.contains(u"rate_limits"_s))
        if (auto err = readRateLimits(body.value(u"rate_limits"_s), u"rate_limits"_s, true, ws.rateLimits))
            return *err;
    ws.lastUpdatedAt = t;
    *target = std::move(ws);
    return Reply::empty();
}

Reply Organisation::deleteWorkspace(const Caller &caller, const QString &idOrSlug, const QJsonObject &body)
{
    if (!caller.isAdminKey())
        return forbidden(u"Only Admin API keys can delete workspaces"_s);
    const WorkspaceRecord *ws = findWorkspace(idOrSlug);
    if (auto err = checkWorkspaceAccess(caller, ws, u"workspaces.delete"_s))
        return *err;
    const QJsonValue name = body.value(u"name"_s);
    if (!name.isString() || name.toString().isEmpty())
        return badRequest(u"name"_s, u"the workspace's name is required to delete it"_s);
    if (name.toString() != ws->name)
        return badRequest(u"name"_s, u"does not match the workspace's name"_s);
    const QString wsId = ws->id;
    const auto bucket = m_keysByWorkspace.value(wsId);
    const qsizetype keys = bucket[0].size() + bucket[1].size() + bucket[2].size();
    if (keys > 0 && !body.value(u"force_delete"_s).toBool())
        return conflict(QString(u"The workspace still holds "_s + QString::number(keys) +
                                u" API keys; delete them first or send force_delete: true"_s));
    for (const auto &list : bucket)
        for (const qsizetype index : list)
            removeKeyFromIndexes(index);
    m_keysByWorkspace.remove(wsId);
    m_members.remove(wsId);
    const qsizetype at = m_workspaceByIdOrSlug.value(wsId);
    m_workspaces.removeAt(at);
    m_workspaceByIdOrSlug.clear();
    for (qsizetype i = 0; i < m_workspaces.size(); ++i) {
        m_workspaceByIdOrSlug.insert(m_workspaces.at(i).id, i);
        m_workspaceByIdOrSlug.insert(m_workspaces.at(i).slug, i);
    }
    return Reply::empty();
}

// ---------------------------------------------------------------- members

Reply Organisation::listMembers(const Caller &caller, const QString &wsRef, const QUrlQuery &query) const
{
    int size = 0;
    int page = 0;
    if (auto err = parsePage(query, u"page_size"_s, u"current_page"_s, size, page))
        return *err;
    const WorkspaceRecord *ws = findWorkspace(wsRef);
    if (auto err = checkWorkspaceAccess(caller, ws, u"workspace_users.list"_s))
        return *err;
    const QString role = query.queryItemValue(u"role"_s);
    if (!role.isEmpty() && !oneOf(role, {u"admin", u"manager", u"member"}))
        return badRequest(u"role"_s, u"must be one of admin, manager, member"_s);
    const QString email = query.queryItemValue(u"email"_s, QUrl::FullyDecoded);
    QJsonArray all;
    for (const MemberRecord &m : m_members.value(ws->id)) {
        const UserRecord *u = findUser(m.userId);
        if (!u || (!role.isEmpty() && m.role != role) ||
            (!email.isEmpty() && u->email.compare(email, Qt::CaseInsensitive)))
            continue;
        all.append(memberJson(*ws, *u, m));
    }
    return pageReply(all, page, size, [](const QJsonValue &entry) { return entry; });
}

Reply Organisation::addMembers(const Caller &caller, const QString &wsRef, const QJsonObject &body)
{
    const WorkspaceRecord *ws = findWorkspace(wsRef);
    if (auto err = checkWorkspaceAccess(caller, ws, u"workspace_users.create"_s))
        return *err;
    const QJsonValue users = body.value(u"users"_s);
    if (!users.isArray() || users.toArray().isEmpty())
        return badRequest(u"users"_s, u"must be a non-empty array of {id, role}"_s);
    QList<MemberRecord> &members = m_members[ws->id];
    QList<MemberRecord> added;
    const QJsonArray arr = users.toArray();
    const QDateTime t = now();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString at = QString(u"users["_s + QString::number(i) + u']');
        const QJsonObject o = arr.at(i).toObject();
        const QString id = o.value(u"id"_s).toString();
        const QString role = o.value(u"role"_s).toString();
        if (!findUser(id))
            return badRequest(QString(at + u".id"_s), u"no such user"_s);
        if (!oneOf(role, {u"admin", u"manager", u"member"}))
            return badRequest(QString(at + u".role"_s), u"must be one of admin, manager, member"_s);
        const auto isThisUser = [&](const MemberRecord &m) {
            return m.userId == id;
        };
        if (std::any_of(members.begin(), members.end(), isThisUser) ||
            std::any_of(added.begin(), added.end(), isThisUser))
            return conflict(QString(u"User "_s + id + u" is already a member of the workspace"_s));
        added.append(MemberRecord{id, role, t, t});
    }
    members.append(added);
    return Reply::empty();
}

Reply Organisation::getMember(const Caller &caller, const QString &wsRef, const QString &userId) const
{
    const WorkspaceRecord *ws = findWorkspace(wsRef);
    if (auto err = checkWorkspaceAccess(caller, ws, u"workspace_users.read"_s))
        return *err;
    for (const MemberRecord &m : m_members.value(ws->id))
        if (m.userId == userId)
            if (const UserRecord *u = findUser(userId))
                return Reply{200, memberJson(*ws, *u, m)};
    return notFound(u"Workspace member"_s);
}

Reply Organisation::updateMember(const Caller &caller, const QString &wsRef, const QString &userId,
                                 const QJsonObject &body)
{
    const WorkspaceRecord *ws = findWorkspace(wsRef);
    if (auto err = checkWorkspaceAccess(caller, ws, u"workspace_users.update"_s))
        return *err;
    const QString role = body.value(u"role"_s).toString();
    if (!oneOf(role, {u"admin", u"manager", u"member"}))
        return badRequest(u"role"_s, u"must be one of admin, manager, member"_s);
    for (MemberRecord &m : m_members[ws->id]) {
        if (m.userId == userId) {
            m.role = role;
            m.lastUpdatedAt = now();
            return Reply::empty();
        }
    }
    return notFound(u"Workspace member"_s);
}

Reply Organisation::removeMember(const Caller &caller, const QString &wsRef, const QString &userId)
{
    const WorkspaceRecord *ws = findWorkspace(wsRef);
    if (auto err = checkWorkspaceAccess(caller, ws, u"workspace_users.delete"_s))
        return *err;
    QList<MemberRecord> &members = m_members[ws->id];
    const auto it = std::find_if(members.begin(), members.end(),
                                 [&](const MemberRecord &m) { return m.userId == userId; });
    if (it == members.end())
        return notFound(u"Workspace member"_s);
    members.erase(it);
    return Reply::empty();
}

// ---------------------------------------------------------------- users and invites

Reply Organisation::listUsers(const Caller &caller, const QUrlQuery &query) const
{
    int size = 0;
    int page = 0;
    if (auto err = parsePage(query, u"pageSize"_s, u"currentPage"_s, size, page))
        return *err;
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can list organisation users"_s,
                                     u"organisation_users.list"_s))
        return *err;
    const QString role = query.queryItemValue(u"role"_s);
    if (!role.isEmpty() && !oneOf(role, {u"admin", u"member", u"owner"}))
        return badRequest(u"role"_s, u"must be one of admin, member, owner"_s);
    const QString email = query.queryItemValue(u"email"_s, QUrl::FullyDecoded);
    QList<const UserRecord *> matches;
    for (const UserRecord &u : m_users)
        if ((role.isEmpty() || u.role == role) &&
            (email.isEmpty() || !u.email.compare(email, Qt::CaseInsensitive)))
            matches.append(&u);
    return pageReply(matches, page, size, [this](const UserRecord *u) { return userJson(*u); });
}

Reply Organisation::getUser(const Caller &caller, const QString &id) const
{
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can read organisation users"_s,
                                     u"organisation_users.read"_s))
        return *err;
    const UserRecord *u = findUser(id);
    if (!u)
        return notFound(u"User"_s);
    return Reply{200, userJson(*u)};
}

Reply Organisation::updateUser(const Caller &caller, const QString &id, const QJsonObject &body)
{
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can change organisation roles"_s,
                                     u"organisation_users.update"_s))
        return *err;
    const auto it = m_userIndex.constFind(id);
    if (it == m_userIndex.cend())
        return notFound(u"User"_s);
    UserRecord &u = m_users[it.value()];
    const QString role = body.value(u"role"_s).toString();
    if (role == u"owner"_s)
        return badRequest(u"role"_s, u"owner cannot be assigned"_s);
    if (!oneOf(role, {u"admin", u"member"}))
        return badRequest(u"role"_s, u"must be one of admin, member"_s);
    if (u.role == u"owner"_s)
        return badRequest(u"role"_s, u"the organisation owner's role cannot be changed"_s);
    if (u.role == role)
        return badRequest(u"role"_s, u"the user already has this role"_s); // as observed by TF (§5)
    u.role = role;
    u.lastUpdatedAt = now();
    return Reply::empty();
}

Reply Organisation::removeUser(const Caller &caller, const QString &id)
{
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can remove organisation users"_s,
                                     u"organisation_users.delete"_s))
        return *err;
    const auto it = m_userIndex.constFind(id);
    if (it == m_userIndex.cend())
        return notFound(u"User"_s);
    if (m_users.at(it.value()).role == u"owner"_s)
        return badRequest(u"userId"_s, u"the organisation owner cannot be removed"_s);
    for (auto m = m_members.begin(); m != m_members.end(); ++m)
        m.value().removeIf([&](const MemberRecord &r) { return r.userId == id; });
    const QList<qsizetype> userKeys = m_keysByKind[UserKind];
    for (const qsizetype index : userKeys)
        if (m_keys.at(index).userId == id)
            removeKeyFromIndexes(index); // a removed user's user keys go with them
    m_users.removeAt(it.value());
    m_userIndex.clear();
    for (qsizetype i = 0; i < m_users.size(); ++i)
        m_userIndex.insert(m_users.at(i).id, i);
    return Reply::empty();
}

Reply Organisation::createInvite(const Caller &caller, const QJsonObject &body)
{
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can invite users"_s,
                                     u"organisation_users.create"_s))
        return *err;
    const QDateTime t = now();
    InviteRecord inv;
    inv.email = body.value(u"email"_s).toString();
    if (!isEmail(inv.email))
        return badRequest(u"email"_s, u"must be an email address"_s);
    inv.role = body.value(u"role"_s).toString();
    if (inv.role == u"owner"_s)
        return badRequest(u"role"_s, u"owner cannot be assigned"_s);
    if (!oneOf(inv.role, {u"admin", u"member"}))
        return badRequest(u"role"_s, u"must be one of admin, member"_s);
    const QJsonValue workspaces = body.value(u"workspaces"_s);
    if (!workspaces.isArray())
        return badRequest(u"workspaces"_s, u"is required: an array of {id, role}"_s);
    const QJsonArray arr = workspaces.toArray();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString at = QString(u"workspaces["_s + QString::number(i) + u']');
        const QJsonObject o = arr.at(i).toObject();
        const WorkspaceRecord *ws = findWorkspace(o.value(u"id"_s).toString());
        if (!ws)
            return badRequest(QString(at + u".id"_s), u"no such workspace"_s);
        const QString role = o.value(u"role"_s).toString();
        if (!oneOf(role, {u"admin", u"manager", u"member"}))
            return badRequest(QString(at + u".role"_s), u"must be one of admin, manager, member"_s);
        inv.workspaces.append(QJsonObject{{u"workspace_id"_s, ws->slug}, {u"role"_s, role}});
    }
    const QJsonObject details = body.value(u"workspace_api_key_details"_s).toObject();
    if (auto err = readStringList(details.value(u"scopes"_s), u"workspace_api_key_details.scopes"_s, false,
                                  inv.keyScopes))
        return *err;
    const QStringList valid = validScopes(KeyType::WorkspaceUser);
    for (const QString &s : std::as_const(inv.keyScopes))
        if (!valid.contains(s))
            return badRequest(u"workspace_api_key_details.scopes"_s,
                              QString(u"'"_s + s + u"' is not a valid workspace user key scope"_s));
    for (const UserRecord &u : m_users)
        if (!u.email.compare(inv.email, Qt::CaseInsensitive))
            return conflict(u"A user with this email is already in the organisation"_s);
    for (const InviteRecord &other : m_invites)
        if (!other.email.compare(inv.email, Qt::CaseInsensitive) && other.status == u"pending"_s &&
            other.expiresAt > t)
            return conflict(u"A pending invite for this email already exists"_s);
    inv.id = newUuid();
    inv.createdAt = t;
    inv.expiresAt = t.addDays(7);
    inv.invitedBy = caller.userId.isEmpty() ? caller.keyId : caller.userId;
    m_invites.append(inv);
    return Reply{
        200, QJsonObject{{u"id"_s, inv.id},
                         {u"invite_link"_s, QString(u"https://sandbox.portkey.invalid/invite/"_s + inv.id)}}};
}

Reply Organisation::listInvites(const Caller &caller, const QUrlQuery &query) const
{
    int size = 0;
    int page = 0;
    if (auto err = parsePage(query, u"pageSize"_s, u"currentPage"_s, size, page))
        return *err;
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can list invites"_s,
                                     u"organisation_users.list"_s))
        return *err;
    const QString role = query.queryItemValue(u"role"_s);
    const QString email = query.queryItemValue(u"email"_s, QUrl::FullyDecoded);
    const QString status = query.queryItemValue(u"status"_s);
    if (!status.isEmpty() && !oneOf(status, {u"pending", u"cancelled", u"accepted", u"expired"}))
        return badRequest(u"status"_s, u"must be one of pending, cancelled, accepted, expired"_s);
    QJsonArray all;
    for (const InviteRecord &inv : m_invites) {
        const QJsonObject o = inviteJson(inv);
        if ((!role.isEmpty() && inv.role != role) ||
            (!email.isEmpty() && inv.email.compare(email, Qt::CaseInsensitive)) ||
            (!status.isEmpty() && o.value(u"status"_s).toString() != status))
            continue;
        all.append(o);
    }
    return pageReply(all, page, size, [](const QJsonValue &entry) { return entry; });
}

Reply Organisation::getInvite(const Caller &caller, const QString &id) const
{
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can read invites"_s,
                                     u"organisation_users.read"_s))
        return *err;
    for (const InviteRecord &inv : m_invites)
        if (inv.id == id)
            return Reply{200, inviteJson(inv)};
    return notFound(u"Invite"_s);
}

Reply Organisation::deleteInvite(const Caller &caller, const QString &id)
{
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can delete invites"_s,
                                     u"organisation_users.delete"_s))
        return *err;
    const auto removed = m_invites.removeIf([&](const InviteRecord &inv) { return inv.id == id; });
    return removed ? Reply::empty() : notFound(u"Invite"_s);
}

Reply Organisation::resendInvite(const Caller &caller, const QString &id)
{
    if (auto err = requireAdminScope(caller, u"Only Admin API keys can resend invites"_s,
                                     u"organisation_users.create"_s))
        return *err;
    for (InviteRecord &inv : m_invites) {
        if (inv.id != id)
            continue;
        if (inv.status != u"pending"_s)
            return badRequest(u"inviteId"_s,
                              QString(u"an invite that is "_s + inv.status + u" cannot be resent"_s));
        inv.expiresAt = now().addDays(7);
        return Reply{200, QJsonObject{{u"inviteLink"_s,
                                       QString(u"https://sandbox.portkey.invalid/invite/"_s + inv.id)}}};
    }
    return notFound(u"Invite"_s);
}

// ---------------------------------------------------------------- audit logs

void Organisation::recordAudit(AuditRecord record)
{
    if (!record.timestamp.isValid())
        record.timestamp = now();
    if (record.requestId.isEmpty())
        record.requestId = newUuid();
    m_audit.append(std::move(record));
}

Reply Organisation::listAuditLogs(const Caller &caller, const QUrlQuery &query) const
{
    if (auto err =
            requireAdminScope(caller, u"Workspace keys cannot read audit logs"_s, u"audit_logs.list"_s))
        return *err;
    int size = 0;
    int page = 0;
    if (auto err = parsePage(query, u"page_size"_s, u"current_page"_s, size, page))
        return *err;
    std::array<QDateTime, 2> range;
    const std::array<QString, 2> rangeKeys{u"start_time"_s, u"end_time"_s};
    for (size_t i = 0; i < 2; ++i) {
        const QString text = query.queryItemValue(rangeKeys[i], QUrl::FullyDecoded);
        if (text.isEmpty())
            return badRequest(rangeKeys[i], u"is required"_s);
        const auto when = parseInstant(QJsonValue(text));
        if (!when)
            return badRequest(rangeKeys[i], u"must be an ISO 8601 date-time"_s);
        range[i] = *when;
    }
    const QString org = query.queryItemValue(u"organisation_id"_s);
    if (org.isEmpty())
        return badRequest(u"organisation_id"_s, u"is required"_s);
    if (org != m_id)
        return forbidden(u"The API key does not belong to this organisation"_s);
    const QString method = query.queryItemValue(u"method"_s);
    if (!method.isEmpty() && !oneOf(method, {u"POST", u"PUT", u"DELETE"}))
        return badRequest(u"method"_s, u"must be one of POST, PUT, DELETE"_s);
    const QString userType = query.queryItemValue(u"user_type"_s);
    if (!userType.isEmpty() && !oneOf(userType, {u"user", u"api_key"}))
        return badRequest(u"user_type"_s, u"must be one of user, api_key"_s);
    auto matches = [&](const QString &key, const QString &value) {
        const QString want = query.queryItemValue(key, QUrl::FullyDecoded);
        return want.isEmpty() || want == value;
    };
    const bool byWorkspace = query.hasQueryItem(u"workspace_id"_s);
    const QString workspaceFilter = query.queryItemValue(u"workspace_id"_s, QUrl::FullyDecoded);
    const QString workspaceId = resolveWorkspaceId(workspaceFilter);
    QList<const AuditRecord *> hits;
    for (auto it = m_audit.crbegin(); it != m_audit.crend(); ++it) { // newest first
        const AuditRecord &r = *it;
        if (r.timestamp < range[0] || r.timestamp > range[1])
            continue;
        // a deleted workspace no longer resolves; its records still match by the raw id
        const bool wsOk =
            !byWorkspace || r.workspaceId == (workspaceId.isEmpty() ? workspaceFilter : workspaceId);
        if (wsOk && matches(u"method"_s, r.method) && matches(u"uri"_s, r.uri) &&
            matches(u"request_id"_s, r.requestId) && matches(u"user_id"_s, r.userId) &&
            matches(u"user_type"_s, r.userType) &&
            matches(u"response_status_code"_s, QString::number(r.responseStatusCode)) &&
            matches(u"resource_type"_s, r.resourceType) && matches(u"action"_s, r.action) &&
            matches(u"client_ip"_s, u"127.0.0.1"_s) && matches(u"country"_s, u"ZZ"_s))
            hits.append(&r);
    }
    QJsonArray records;
    for (qsizetype i = qsizetype(page) * size; i < hits.size() && records.size() < size; ++i) {
        const AuditRecord &r = *hits.at(i);
        QJsonObject record{{u"timestamp"_s, iso(r.timestamp)},
                           {u"method"_s, r.method},
                           {u"uri"_s, r.uri},
                           {u"request_id"_s, r.requestId},
                           {u"request_body"_s, r.requestBody},
                           {u"query_params"_s, r.queryParams},
                           {u"request_headers"_s, u"{\"content-type\":\"application/json\"}"_s},
                           {u"user_id"_s, r.userId},
                           {u"user_type"_s, r.userType},
                           {u"organisation_id"_s, m_id},
                           {u"workspace_id"_s, r.workspaceId},
                           {u"response_status_code"_s, r.responseStatusCode},
                           {u"resource_type"_s, r.resourceType},
                           {u"action"_s, r.action},
                           {u"client_ip"_s, u"127.0.0.1"_s},
                           {u"country"_s, u"ZZ"_s}};
        for (auto it = r.details.begin(); it != r.details.end(); ++it)
            record.insert(it.key(), it.value());
        records.append(record);
    }
    // openapi.yaml L34810: the audit list's `object` is "analytics-graph".
    return Reply{200, QJsonObject{{u"records"_s, records},
                                  {u"total"_s, double(hits.size())},
                                  {u"object"_s, u"analytics-graph"_s}}};
}

} // namespace pk::sandbox
