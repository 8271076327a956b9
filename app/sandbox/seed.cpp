#include "seed.h"

#include "domain/scopes.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pk::sandbox {

namespace {

QDateTime todayUtcMidnight()
{
    static const QDateTime today(QDateTime::currentDateTimeUtc().date(), QTime(0, 0), Qt::UTC);
    return today;
}

struct Person
{
    const char16_t *first;
    const char16_t *last;
    const char16_t *role;
};

// The fixed cast: owner, two org admins, and org members who hold the workspace roles of ROLES.md.
const Person kPeople[] = {
    {u"Amélie", u"Dubois", u"owner"}, {u"Jonas", u"Müller", u"admin"},
    {u"Priya", u"Raman", u"admin"},   {u"Kenji", u"Watanabe", u"member"},
    {u"Sofía", u"García", u"member"}, {u"Łukasz", u"Nowak", u"member"},
    {u"Chloé", u"Martin", u"member"}, {u"Oluwaseun", u"Adeyemi", u"member"},
    {u"Zoë", u"O'Brien", u"member"},  {u"Mateus", u"Silva", u"member"},
};
enum PersonIndex
{
    Owner,
    OrgAdmin,
    ReadOnlyAdmin,
    StagingAdmin,
    ProductionManager,
    ProductionMember,
    RdMember,
    RdManager,
    StagingMember,
    Spare
};

const char16_t *const kFirstNames[] = {u"Inès",  u"Björn", u"Aiko", u"Noah", u"Fatima", u"Mikael",
                                       u"Renée", u"Tomás", u"Hana", u"Ravi", u"Elif",   u"Jean-Luc"};
const char16_t *const kLastNames[] = {u"Lefèvre",  u"Johansson", u"Sato",   u"Okafor", u"Haddad",
                                      u"Nieminen", u"Kowalczyk", u"Moreau", u"Novák",  u"Costa"};
const char16_t *const kExtraWorkspaces[] = {u"Données clients", u"Support Ω", u"Marketing",  u"Équipe Mobile",
                                            u"Growth",          u"Finance",   u"Plateforme", u"Sécurité",
                                            u"東京チーム",      u"Analytics"};
const char16_t *const kAdminKeyNames[] = {
    u"Terraform provisioning", u"Billing export", u"SCIM sync",
    u"Audit collector",        u"Ops automation", u"Clé d'administration — CI"};
const char16_t *const kServiceKeyNames[] = {
    u"Checkout service",     u"Support bot",   u"Nightly évaluation batch", u"Search reranker",
    u"Résumé generator",     u"Fraud scoring", u"Embeddings ETL",           u"Chat widget",
    u"Übersetzung pipeline", u"Data labelling"};
const char16_t *const kUserKeySuffixes[] = {u"laptop", u"notebook", u"CLI", u"experiments"};
const char16_t *const kTeams[] = {u"payments", u"support", u"research", u"growth", u"platform"};

constexpr const char *kEmailDomain = "northwind-labs.example";

template <typename T, size_t N> constexpr int count(const T (&)[N])
{
    return int(N);
}

QString str(const char16_t *s)
{
    return QString::fromUtf16(s);
}

QString emailFor(const QString &first, const QString &last, int n)
{
    QString local = QString(Seeder::slugify(first) + u'.' + Seeder::slugify(last)).replace(u'-', u'.');
    if (n > 0)
        local += QString::number(n);
    return QString(local + u'@' + QLatin1String(kEmailDomain));
}

} // namespace

Seeder::Seeder(Organisation &org, const SeedOptions &options)
    : m_org(org), m_options(options),
      m_epoch(options.epoch.isValid() ? options.epoch.toUTC() : todayUtcMidnight())
{
    m_options.workspaces = std::max(m_options.workspaces, 3);
    m_options.users = std::max(m_options.users, 10);
    m_options.keys = std::max(m_options.keys, 40);
}

void Seeder::run()
{
    m_org.m_id = m_org.newUuid();
    seedWorkspaces();
    seedUsers();
    seedMembers();
    seedPersonas();
    seedKeys();
    seedInvites();
}

QString Seeder::slugify(const QString &name)
{
    // Letters without a canonical decomposition get their usual ASCII spelling first.
    QString folded = name.toLower();
    folded.replace(u'ł', u'l')
        .replace(u'ø', u'o')
        .replace(u'đ', u'd')
        .replace(QStringLiteral("ß"), QStringLiteral("ss"));
    folded.replace(QStringLiteral("æ"), QStringLiteral("ae"))
        .replace(QStringLiteral("œ"), QStringLiteral("oe"));
    const QString decomposed = folded.normalized(QString::NormalizationForm_KD);
    QString out;
    for (const QChar c : decomposed) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9'))
            out += c;
        else if (c.category() != QChar::Mark_NonSpacing && !out.isEmpty() && !out.endsWith(u'-'))
            out += u'-';
    }
    while (out.endsWith(u'-'))
        out.chop(1);
    if (out.size() > 20) {
        out.truncate(20);
        while (out.endsWith(u'-'))
            out.chop(1);
    }
    return out.isEmpty() ? u"workspace"_s : out;
}

QDateTime Seeder::daysAgo(int days, bool withTime)
{
    QDateTime t = m_epoch.addDays(-days);
    if (withTime)
        t = t.addSecs(pick(86400));
    return t;
}

void Seeder::addWorkspace(Organisation &org, WorkspaceRecord ws, const QDateTime &t)
{
    ws.id = org.newUuid();
    ws.slug = QString(u"ws-"_s + slugify(ws.name) + u'-' +
                      QString::number(org.m_rng.bounded(0x1000000u), 16).rightJustified(6, u'0'));
    if (!ws.createdAt.isValid())
        ws.createdAt = t;
    if (!ws.lastUpdatedAt.isValid())
        ws.lastUpdatedAt = ws.createdAt;
    const qsizetype index = org.m_workspaces.size();
    org.m_workspaceByIdOrSlug.insert(ws.id, index);
    org.m_workspaceByIdOrSlug.insert(ws.slug, index);
    org.m_members.insert(ws.id, {});
    org.m_workspaces.append(std::move(ws));
}

void Seeder::seedWorkspaces()
{
    WorkspaceRecord production;
    production.name = u"Production"_s;
    production.description = u"Customer-facing traffic"_s;
    production.isDefault = true;
    production.metadata = QJsonObject{{u"environment"_s, u"production"_s}};
    production.usageLimits = QJsonArray{QJsonObject{
        {u"credit_limit"_s, 5000},
        {u"type"_s, u"cost"_s},
        {u"alert_threshold"_s, 4000},
        {u"periodic_reset"_s, u"monthly"_s},
        {u"periodic_reset_days"_s, QJsonValue::Null},
        {u"next_usage_reset_at"_s,
         QDateTime(QDate(m_epoch.date().year(), m_epoch.date().month(), 1).addMonths(1), QTime(0, 0), Qt::UTC)
             .toString(Qt::ISODateWithMs)}}};
    production.rateLimits =
        QJsonArray{QJsonObject{{u"type"_s, u"requests"_s}, {u"unit"_s, u"rpm"_s}, {u"value"_s, 1000}}};
    production.createdAt = daysAgo(720);
    addWorkspace(m_org, production, {});

    WorkspaceRecord staging;
    staging.name = u"Staging"_s;
    staging.description = u"Pre-release testing"_s;
    staging.metadata = QJsonObject{{u"environment"_s, u"staging"_s}};
    staging.createdAt = daysAgo(700);
    addWorkspace(m_org, staging, {});

    WorkspaceRecord research;
    research.name = u"Recherche & Développement"_s;
    research.metadata = QJsonObject{{u"cost_centre"_s, u"R&D-42"_s}};
    research.createdAt = daysAgo(500);
    addWorkspace(m_org, research, {});

    for (int i = 3; i < m_options.workspaces; ++i) {
        WorkspaceRecord ws;
        const int base = (i - 3) % count(kExtraWorkspaces);
        ws.name = str(kExtraWorkspaces[base]);
        if (i - 3 >= count(kExtraWorkspaces))
            ws.name += QString(u' ' + QString::number((i - 3) / count(kExtraWorkspaces) + 1));
        if (pick(2) == 0)
            ws.description = QString(u"Workspace for "_s + ws.name);
        ws.createdAt = daysAgo(30 + pick(450));
        addWorkspace(m_org, ws, {});
    }
}

QString Seeder::addUser(const QString &first, const QString &last, const QString &role, int ageDays)
{
    UserRecord u;
    u.id = m_org.newUuid();
    u.firstName = first;
    u.lastName = last;
    u.email = emailFor(first, last, m_org.m_users.size() >= count(kPeople) ? int(m_org.m_users.size()) : 0);
    u.role = role;
    u.createdAt = daysAgo(ageDays);
    u.lastUpdatedAt = u.createdAt.addDays(pick(std::max(1, ageDays)));
    m_org.m_userIndex.insert(u.id, m_org.m_users.size());
    m_org.m_users.append(u);
    m_userIds.append(u.id);
    return u.id;
}

void Seeder::seedUsers()
{
    for (int i = 0; i < count(kPeople); ++i)
        addUser(str(kPeople[i].first), str(kPeople[i].last), str(kPeople[i].role), 730 - i * 20);
    for (int i = count(kPeople); i < m_options.users; ++i)
        addUser(str(kFirstNames[pick(count(kFirstNames))]), str(kLastNames[pick(count(kLastNames))]),
                pick(10) == 0 ? u"admin"_s : u"member"_s, 10 + pick(600));
}

void Seeder::addMember(int workspace, const QString &userId, const QString &role)
{
    const WorkspaceRecord &ws = m_org.m_workspaces.at(workspace);
    const QDateTime joined = std::max(ws.createdAt, m_org.findUser(userId)->createdAt).addDays(1);
    m_org.m_members[ws.id].append(MemberRecord{userId, role, joined, joined});
}

void Seeder::seedMembers()
{
    enum
    {
        Production,
        Staging,
        Research
    };
    addMember(Production, m_userIds[Owner], u"admin"_s);
    addMember(Production, m_userIds[OrgAdmin], u"admin"_s);
    addMember(Production, m_userIds[ProductionManager], u"manager"_s);
    addMember(Production, m_userIds[ProductionMember], u"member"_s);
    addMember(Production, m_userIds[Spare], u"member"_s);
    addMember(Production, m_userIds[RdManager], u"member"_s);
    addMember(Staging, m_userIds[StagingAdmin], u"admin"_s);
    addMember(Staging, m_userIds[StagingMember], u"member"_s);
    addMember(Staging, m_userIds[ProductionManager], u"member"_s);
    addMember(Staging, m_userIds[ProductionMember], u"member"_s);
    addMember(Research, m_userIds[RdManager], u"manager"_s);
    addMember(Research, m_userIds[RdMember], u"member"_s);
    addMember(Research, m_userIds[StagingAdmin], u"member"_s);
    addMember(Research, m_userIds[ReadOnlyAdmin], u"admin"_s);
    const QStringList roles{u"admin"_s, u"manager"_s, u"member"_s, u"member"_s};
    for (int w = 3; w < m_org.m_workspaces.size(); ++w) {
        const int n = 2 + pick(4);
        QStringList chosen;
        for (int i = 0; i < n; ++i) {
            const QString &u = m_userIds.at(pick(int(m_userIds.size())));
            if (!chosen.contains(u)) {
                chosen.append(u);
                addMember(w, u, roles.at(pick(int(roles.size()))));
            }
        }
    }
    // Users beyond the fixed cast who joined no workspace get one, so every user has a workspace.
    QSet<QString> placed;
    for (const auto &members : std::as_const(m_org.m_members))
        for (const MemberRecord &m : members)
            placed.insert(m.userId);
    for (const QString &u : std::as_const(m_userIds))
        if (!placed.contains(u))
            addMember(pick(int(m_org.m_workspaces.size())), u, u"member"_s);
}

QStringList Seeder::pickScopes(const QStringList &valid, int n)
{
    QList<bool> take(valid.size(), false);
    for (int i = 0; i < n; ++i)
        take[pick(int(valid.size()))] = true;
    QStringList out;
    for (qsizetype i = 0; i < valid.size(); ++i)
        if (take.at(i))
            out.append(valid.at(i));
    return out;
}

void Seeder::seedPersonas()
{
    const QStringList adminScopes = validScopes(KeyType::OrganisationService);
    const QStringList serviceScopes = validScopes(KeyType::WorkspaceService);
    const QStringList userScopes = validScopes(KeyType::WorkspaceUser);
    QStringList readOnly;
    for (const QString &s : adminScopes)
        if (s.endsWith(u".list"_s) || s.endsWith(u".read"_s))
            readOnly.append(s);
    QStringList manager;
    for (const QString &s : serviceScopes)
        if (s.startsWith(u"workspace_service_api_keys."_s) || s.startsWith(u"workspace_user_api_keys."_s) ||
            s.startsWith(u"workspace_users."_s) || s == u"workspaces.read"_s || s == u"workspaces.list"_s)
            manager.append(s);
    QStringList member{u"completions.write"_s};
    for (const QString &s : userScopes)
        if (s.endsWith(u".read"_s))
            member.append(s);
    const QStringList orgMember{u"completions.write"_s, u"prompts.read"_s, u"prompts.list"_s,
                                u"workspaces.list"_s};

    struct Spec
    {
        const char16_t *name;
        int person;
        const char16_t *type;
        int workspace; // -1 for Admin keys
        QStringList scopes;
        const char16_t *keyName;
    };
    const Spec specs[] = {
        {u"owner", Owner, u"organisation-service", -1, adminScopes, u"Owner master key"},
        {u"admin", OrgAdmin, u"organisation-service", -1, adminScopes, u"Platform admin key"},
        {u"readonly-admin", ReadOnlyAdmin, u"organisation-service", -1, readOnly, u"Read-only inventory"},
        {u"ws-admin", StagingAdmin, u"workspace-service", 1, serviceScopes, u"Staging automation"},
        {u"manager", ProductionManager, u"workspace-service", 0, manager, u"Production key manager"},
        {u"member", ProductionMember, u"workspace-user", 0, member, u"Łukasz's notebook"},
        {u"org-member", RdMember, u"workspace-user", 2, orgMember, u"Chloé — expériences"},
    };
    for (const Spec &spec : specs) {
        const UserRecord &user = *m_org.findUser(m_userIds.at(spec.person));
        KeyRecord k;
        k.id = m_org.newUuid();
        k.secret = m_org.newSecret();
        k.name = str(spec.keyName);
        k.type = str(spec.type);
        if (spec.workspace >= 0)
            k.workspaceId = m_org.m_workspaces.at(spec.workspace).id;
        if (k.type == u"workspace-user"_s)
            k.userId = user.id;
        k.scopes = spec.scopes;
        k.creationMode = u"ui"_s;
        k.createdAt = daysAgo(120);
        k.lastUpdatedAt = k.createdAt;
        Persona p;
        p.name = str(spec.name);
        p.orgRole = user.role;
        for (auto it = m_org.m_members.cbegin(); it != m_org.m_members.cend(); ++it)
            for (const MemberRecord &m : it.value())
                if (m.userId == user.id)
                    p.workspaceRoles.insert(it.key(), m.role);
        p.keyType = k.type;
        p.workspace = k.workspaceId;
        p.apiKey = k.secret;
        p.userId = user.id;
        p.email = user.email;
        m_org.m_personas.append(p);
        m_org.insertKey(std::move(k));
    }
}

void Seeder::seedKeys()
{
    const std::array<QStringList, 3> valid{validScopes(KeyType::OrganisationService),
                                           validScopes(KeyType::WorkspaceService),
                                           validScopes(KeyType::WorkspaceUser)};
    const int workspaces = int(m_org.m_workspaces.size());
    const int generated = m_options.keys - int(m_org.m_personas.size());
    m_org.m_keys.reserve(m_options.keys);
    m_org.m_liveKeys.reserve(m_options.keys);
    m_org.m_keyById.reserve(m_options.keys);
    m_org.m_keyBySecret.reserve(m_options.keys);
    const int units[] = {60, 100, 600, 1000, 5000};
    const int credits[] = {10, 25, 50, 100, 250, 1000};
    for (int i = 0; i < generated; ++i) {
        KeyRecord k;
        k.id = m_org.newUuid();
        k.secret = m_org.newSecret();
        int kind = pick(100);
        kind = kind < 20 ? 0 : (kind < 65 ? 1 : 2);
        if (i == 0)
            kind = 1; // the exhausted key below is a Production service key
        int ws = i == 0 ? 0 : pick(workspaces);
        if (kind == 2 && m_org.m_members.value(m_org.m_workspaces.at(ws).id).isEmpty())
            kind = 1;
        if (kind == 0) {
            k.type = u"organisation-service"_s;
            k.name = str(kAdminKeyNames[i % count(kAdminKeyNames)]);
        } else {
            const WorkspaceRecord &w = m_org.m_workspaces.at(ws);
            k.workspaceId = w.id;
            if (kind == 1) {
                k.type = u"workspace-service"_s;
                k.name = str(kServiceKeyNames[i % count(kServiceKeyNames)]);
            } else {
                const QList<MemberRecord> &members = m_org.m_members[w.id];
                const UserRecord &user = *m_org.findUser(members.at(pick(int(members.size()))).userId);
                k.type = u"workspace-user"_s;
                k.userId = user.id;
                k.name =
                    QString(user.firstName + u" — "_s + str(kUserKeySuffixes[pick(count(kUserKeySuffixes))]));
            }
        }
        if (i >= 20)
            k.name += QString(u" #"_s + QString::number(i));
        if (pick(2) == 0)
            k.description =
                QString(u"Seeded "_s + k.type + u" key for "_s +
                        (kind == 0 ? u"the organisation"_s : m_org.findWorkspace(k.workspaceId)->name));
        k.scopes = pickScopes(valid[size_t(kind)], 1 + pick(10));
        if (kind != 0 && pick(4) != 0 && !k.scopes.contains(u"completions.write"_s))
            k.scopes.prepend(u"completions.write"_s);
        if (pick(2) == 0) {
            k.rateLimits.append(
                QJsonObject{{u"type"_s, u"requests"_s},
                            {u"unit"_s, QStringList{u"rpm"_s, u"rph"_s, u"rpd"_s}.at(pick(3))},
                            {u"value"_s, units[pick(count(units))]}});
            if (pick(5) == 0)
                k.rateLimits.append(
                    QJsonObject{{u"type"_s, u"tokens"_s}, {u"unit"_s, u"rpm"_s}, {u"value"_s, 100000}});
        }
        const bool limited = i == 0 || pick(5) < 3;
        if (limited) {
            const bool tokens = i != 0 && pick(5) == 0;
            const double credit = i == 0 ? 50 : (tokens ? 1000000 : credits[pick(count(credits))]);
            const QString reset =
                i == 0 ? u"monthly"_s : QStringList{u"monthly"_s, u"weekly"_s, QString()}.at(pick(3));
            QDateTime next;
            if (reset == u"monthly"_s)
                next = QDateTime(QDate(m_epoch.date().year(), m_epoch.date().month(), 1).addMonths(1),
                                 QTime(0, 0), Qt::UTC);
            else if (reset == u"weekly"_s)
                next = QDateTime(m_epoch.date().addDays(7 - m_epoch.date().dayOfWeek() % 7), QTime(0, 0),
                                 Qt::UTC);
            k.usageLimits = QJsonObject{
                {u"credit_limit"_s, credit},
                {u"type"_s, tokens ? u"tokens"_s : u"cost"_s},
                {u"alert_threshold"_s, double(qint64(credit * 0.8))},
                {u"periodic_reset"_s, reset.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(reset)},
                {u"periodic_reset_days"_s, QJsonValue::Null},
                {u"next_usage_reset_at"_s, next.isValid() ? QJsonValue(next.toString(Qt::ISODateWithMs))
                                                          : QJsonValue(QJsonValue::Null)}};
            k.usage = i == 0 ? credit : double(qint64(credit * pick(90))) / 100.0;
            if (pick(2) == 0)
                k.alertEmails = QStringList{QString(u"finops@"_s + QLatin1String(kEmailDomain))};
        }
        if (i == 0)
            k.status = u"exhausted"_s;

        const int age = 20 + pick(680);
        k.createdAt = daysAgo(age);
        int expiry = pick(100);
        if (i == 1)
            expiry = 40; // one key certainly past its expiry
        else if (i == 2)
            expiry = 55; // one certainly within days
        else if (i == 0 || i == 3)
            expiry = 0; // and some certainly never
        if (expiry < 35) {
            // never expires
        } else if (expiry < 50) {
            const int before = 1 + pick(std::min(age - 1, 60));
            k.expiresAt = daysAgo(before);
        } else if (expiry < 65) {
            k.expiresAt = m_epoch.addDays(1 + pick(6)).addSecs(pick(86400));
        } else {
            k.expiresAt = m_epoch.addDays(30 + pick(335)).addSecs(pick(86400));
        }
        const qint64 span = std::max<qint64>(
            1, k.createdAt.secsTo(std::min(k.expiresAt.isValid() ? k.expiresAt : m_epoch, m_epoch)));
        k.lastUpdatedAt = k.createdAt.addSecs(pick(int(std::min<qint64>(span, 0x7fffffff))));
        k.creationMode = kind == 2 && pick(3) == 0 ? u"auto"_s : (pick(2) == 0 ? u"ui"_s : u"api"_s);
        if (pick(3) == 0)
            k.defaultsMetadata = QJsonObject{{u"team"_s, str(kTeams[pick(count(kTeams))])}};
        if (pick(5) == 0)
            k.defaultsConfigId = QString(u"pc-"_s + Seeder::slugify(k.name).left(10) + u'-' +
                                         QString::number(m_org.m_rng.bounded(0x10000u), 16));
        if (pick(10) == 0)
            k.rotationPolicy =
                QJsonObject{{u"rotation_period"_s, u"monthly"_s},
                            {u"next_rotation_at"_s,
                             QDateTime(QDate(m_epoch.date().year(), m_epoch.date().month(), 1).addMonths(1),
                                       QTime(0, 0), Qt::UTC)
                                 .toString(Qt::ISODateWithMs)},
                            {u"key_transition_period_ms"_s, 3600000},
                            {u"status"_s, u"ACTIVE"_s}};
        m_org.insertKey(std::move(k));
    }
}

void Seeder::seedInvites()
{
    const WorkspaceRecord &production = m_org.m_workspaces.at(0);
    const WorkspaceRecord &research = m_org.m_workspaces.at(2);
    struct Spec
    {
        const char16_t *email;
        const char16_t *role;
        int createdDaysAgo;
        bool accepted;
        const WorkspaceRecord *ws;
        const char16_t *wsRole;
    };
    const Spec specs[] = {
        {u"margaux.lambert@northwind-labs.example", u"member", 2, false, &production, u"member"},
        {u"dmitri.ivanov@northwind-labs.example", u"admin", 20, false, &research, u"admin"},
        {u"ana.souza@northwind-labs.example", u"member", 40, true, &research, u"manager"},
    };
    for (const Spec &s : specs) {
        InviteRecord inv;
        inv.id = m_org.newUuid();
        inv.email = str(s.email);
        inv.role = str(s.role);
        inv.createdAt = daysAgo(s.createdDaysAgo);
        inv.expiresAt = inv.createdAt.addDays(7);
        if (s.accepted) {
            inv.status = u"accepted"_s;
            inv.acceptedAt = inv.createdAt.addDays(1);
        }
        inv.invitedBy = m_userIds.at(Owner);
        inv.workspaces.append(QJsonObject{{u"workspace_id"_s, s.ws->slug}, {u"role"_s, str(s.wsRole)}});
        m_org.m_invites.append(inv);
    }
}

} // namespace pk::sandbox
