#include "cli/cliapp.h"

#include "access/accesspolicy.h"
#include "domain/scopes.h"
#include "portkey/adminapiclient.h"
#include "portkey/workspacedirectory.h"
#include "secrets/credentialstore.h"
#include "secrets/secretbuffer.h"
#include "storage/cachestore.h"
#include "storage/profilestore.h"
#include "sync/sandboxlauncher.h"
#include "sync/session.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUrl>
#include <QUuid>

#include <cstdio>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
#include <termios.h>
#include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcCli, "pk.cli")

namespace pk {

namespace {

bool stdinIsTerminal()
{
#ifdef Q_OS_WIN
    return _isatty(_fileno(stdin)) != 0;
#else
    return isatty(STDIN_FILENO) != 0;
#endif
}

/// Turns terminal echo of stdin off for its lifetime (no-op when stdin is not a terminal).
class NoEcho
{
public:
    NoEcho()
    {
#ifdef Q_OS_WIN
        m_handle = GetStdHandle(STD_INPUT_HANDLE);
        m_active = GetConsoleMode(m_handle, &m_mode) && SetConsoleMode(m_handle, m_mode & ~ENABLE_ECHO_INPUT);
#else
        m_active = tcgetattr(STDIN_FILENO, &m_saved) == 0;
        if (m_active) {
            termios quiet = m_saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
#endif
    }
    ~NoEcho()
    {
#ifdef Q_OS_WIN
        if (m_active)
            SetConsoleMode(m_handle, m_mode);
#else
        if (m_active)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved);
#endif
    }
    NoEcho(const NoEcho &) = delete;
    NoEcho &operator=(const NoEcho &) = delete;

private:
    bool m_active = false;
#ifdef Q_OS_WIN
    HANDLE m_handle = nullptr;
    DWORD m_mode = 0;
#else
    termios m_saved{};
#endif
};

/// Reads one line from stdin (terminal), without the line end.
QByteArray readLine()
{
    QByteArray line;
    int c = 0;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n')
        line.append(char(c));
    while (line.endsWith('\r'))
        line.chop(1);
    return line;
}

void writeTo(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

/// A message on one line: line breaks become spaces, and it ends with a full stop.
QString oneLine(QString text)
{
    text = text.simplified();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char('!')) &&
        !text.endsWith(QLatin1Char('?')))
        text += QLatin1Char('.');
    return text;
}

QString workspaceLabel(const WorkspaceDirectory &dir, const QString &ref)
{
    if (ref.isEmpty())
        return CliApp::tr("(organisation)");
    const std::optional<Workspace> ws = dir.resolve(ref);
    return ws ? ws->name : ref;
}

QString table(const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QStringList &row : rows) {
        for (int i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], int(row[i].size()));
        }
    }
    QString out;
    for (const QStringList &row : rows) {
        QString line;
        for (int i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i];
        out += line + QLatin1Char('\n');
    }
    return out;
}

} // namespace

CliApp::CliApp(const QStringList &arguments, QObject *parent) : QObject(parent), m_arguments(arguments) {}

CliApp::~CliApp() = default;

void CliApp::finish(int code)
{
    if (m_finished)
        return;
    m_finished = true;
    QCoreApplication::exit(code);
}

void CliApp::fail(const QString &message, int code)
{
    if (m_finished)
        return;
    qCInfo(lcCli) << "command failed with exit code" << code;
    writeTo(stderr, QString(QStringLiteral("error: ") + oneLine(message) + QLatin1Char('\n')).toUtf8());
    finish(code);
}

void CliApp::printJson(const QJsonValue &value)
{
    const QJsonDocument doc =
        value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    writeTo(stdout, doc.toJson(QJsonDocument::Indented));
}

void CliApp::print(const QString &text)
{
    writeTo(stdout, text.toUtf8());
}

void CliApp::start()
{
    m_parser.setApplicationDescription(
        tr("Manage the API keys of a Portkey organisation from the command line.\n\n"
           "Commands:\n"
           "  profile add --name NAME --url URL [--email EMAIL]   (the API key is read from stdin)\n"
           "  profile list\n"
           "  profile remove NAME\n"
           "  sync [--rebuild-cache]\n"
           "  workspaces list [--refresh]\n"
           "  keys list [--workspace ID-or-slug] [--refresh]\n"
           "  keys create --workspace ID --name NAME --scope SCOPE [--scope SCOPE...] [--description TEXT]\n"
           "  keys revoke ID... [--yes]\n"
           "  whoami [--refresh]"));
    const QCommandLineOption help = m_parser.addHelpOption();
    const QCommandLineOption version = m_parser.addVersionOption();
    m_parser.addOptions({
        {QStringLiteral("json"), tr("Print machine-readable JSON.")},
        {QStringLiteral("profile"), tr("Use the profile called NAME."), QStringLiteral("NAME")},
        {QStringLiteral("sandbox"), tr("Run against a private in-process sandbox organisation.")},
        {QStringLiteral("persona"), tr("With --sandbox: act as this seeded persona (default: owner)."),
         QStringLiteral("NAME")},
        {QStringLiteral("name"), tr("Profile or key name."), QStringLiteral("NAME")},
        {QStringLiteral("url"), tr("Control-plane base URL, e.g. https://api.portkey.ai/v1."),
         QStringLiteral("URL")},
        {QStringLiteral("email"), tr("Your e-mail in the organisation (to look up your roles)."),
         QStringLiteral("EMAIL")},
        {QStringLiteral("workspace"), tr("Workspace id or slug."), QStringLiteral("ID")},
        {QStringLiteral("scope"), tr("A scope of the new key; repeat for several."), QStringLiteral("SCOPE")},
        {QStringLiteral("description"), tr("Description of the new key."), QStringLiteral("TEXT")},
        {QStringLiteral("refresh"), tr("Sync with the server before reading the cache.")},
        {QStringLiteral("yes"), tr("Do not ask for confirmation.")},
        {QStringLiteral("verbose"), tr("Write log lines (ids and names, never secrets) to stderr.")},
        {QStringLiteral("rebuild-cache"),
         tr("When the cache cannot be read: move it aside (it is kept) and rebuild it from the server.")},
    });
    m_parser.addPositionalArgument(QStringLiteral("command"), tr("See the list of commands above."));

    if (!m_parser.parse(m_arguments))
        return fail(m_parser.errorText() + tr(". Run with --help for usage"), Usage);
    if (m_parser.isSet(help)) {
        print(m_parser.helpText());
        return finish(Ok);
    }
    if (m_parser.isSet(version)) {
        print(QCoreApplication::applicationName() + QLatin1Char(' ') +
              QCoreApplication::applicationVersion() + QLatin1Char('\n'));
        return finish(Ok);
    }
    m_json = m_parser.isSet(QStringLiteral("json"));
    m_command = m_parser.positionalArguments();
    m_profiles = std::make_unique<ProfileStore>();

    const QString cmd = m_command.value(0);
    const QString sub = m_command.value(1);
    if (cmd == QLatin1String("profile") && sub == QLatin1String("add"))
        return profileAdd();
    if (cmd == QLatin1String("profile") && sub == QLatin1String("list"))
        return profileList();
    if (cmd == QLatin1String("profile") && sub == QLatin1String("remove"))
        return profileRemove();
    if (cmd == QLatin1String("sync") && m_command.size() == 1)
        return runSync();
    if (cmd == QLatin1String("workspaces") && sub == QLatin1String("list"))
        return workspacesList();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("list"))
        return keysList();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("create"))
        return keysCreate();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("revoke"))
        return keysRevoke();
    if (cmd == QLatin1String("whoami") && m_command.size() == 1)
        return whoami();
    if (cmd.isEmpty())
        return fail(tr("no command given. Run with --help for the list of commands"), Usage);
    fail(tr("unknown command “%1”. Run with --help for the list of commands")
             .arg(m_command.join(QLatin1Char(' '))),
         Usage);
}

// --- profiles ---------------------------------------------------------------------------------------

void CliApp::profileAdd()
{
    const QString name = m_parser.value(QStringLiteral("name")).trimmed();
    const QString url = m_parser.value(QStringLiteral("url")).trimmed();
    if (name.isEmpty() || url.isEmpty())
        return fail(tr("profile add needs --name NAME and --url URL; the API key is read from stdin"), Usage);
    if (m_profiles->profileByName(name))
        return fail(
            tr("a profile named “%1” exists already. Pick another name, or remove it first").arg(name));
    // The same rule the client applies before sending anything: https, or http only on this computer.
    AdminApiClient probe;
    const ApiError urlError = probe.setBaseUrl(QUrl(url, QUrl::StrictMode));
    if (urlError.isError())
        return fail(urlError.userText(), Usage);

    QByteArray key;
    if (stdinIsTerminal()) {
        writeTo(stderr, tr("Portkey API key for “%1” (input hidden): ").arg(name).toUtf8());
        {
            NoEcho quiet;
            key = readLine();
        }
        writeTo(stderr, QByteArrayLiteral("\n"));
    } else {
        QFile in;
        if (in.open(stdin, QIODevice::ReadOnly))
            key = in.readAll();
        while (!key.isEmpty() && (key.endsWith('\n') || key.endsWith('\r') || key.endsWith(' ')))
            key.chop(1);
    }
    SecretBuffer secret = SecretBuffer::take(key);
    if (secret.isEmpty())
        return fail(tr("no API key was given. Pipe the key on stdin, e.g. `secret-tool lookup … | "
                       "portkey-key-manager-cli profile add --name NAME --url URL`"),
                    Usage);

    Profile profile;
    profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    profile.name = name;
    profile.baseUrl = url;
    profile.email = m_parser.value(QStringLiteral("email")).trimmed();

    // The keychain first: a profile is only saved once its key is safely stored.
    m_credentials = std::make_unique<CredentialStore>();
    m_credentials->write(CredentialStore::apiKeyEntry(profile.id), secret, [this, profile](KeychainResult r) {
        if (!r.ok())
            return fail(r.message);
        QString error;
        if (m_profiles->add(profile, &error).isEmpty()) {
            // Undo the keychain entry so nothing is left behind for a profile that does not exist.
            m_credentials->remove(CredentialStore::apiKeyEntry(profile.id),
                                  [this, error](KeychainResult) { fail(error); });
            return;
        }
        m_profiles->setLastUsed(profile.id);
        if (!m_profiles->sync())
            return fail(tr("the settings file %1 could not be written. Check its folder's permissions")
                            .arg(m_profiles->fileName()));
        if (m_json) {
            printJson(QJsonObject{{QStringLiteral("id"), profile.id},
                                  {QStringLiteral("name"), profile.name},
                                  {QStringLiteral("base_url"), profile.baseUrl}});
        } else {
            print(tr("Profile “%1” added; its API key is in the system keychain. Run `sync` next.\n")
                      .arg(profile.name));
        }
        finish(Ok);
    });
}

void CliApp::profileList()
{
    const QString last = m_profiles->lastUsed();
    const QList<Profile> profiles = m_profiles->profiles();
    if (m_json) {
        QJsonArray out;
        for (const Profile &p : profiles) {
            QJsonObject o{{QStringLiteral("id"), p.id},
                          {QStringLiteral("name"), p.name},
                          {QStringLiteral("base_url"), p.baseUrl},
                          {QStringLiteral("last_used"), p.id == last}};
            if (!p.email.isEmpty())
                o.insert(QStringLiteral("email"), p.email);
            if (p.isSandbox())
                o.insert(QStringLiteral("persona"), p.persona);
            out.append(o);
        }
        printJson(out);
        return finish(Ok);
    }
    if (profiles.isEmpty()) {
        print(tr("No profiles. Add one with `profile add --name NAME --url URL`, or use --sandbox.\n"));
        return finish(Ok);
    }
    QList<QStringList> rows{{tr("NAME"), tr("URL"), tr("ID")}};
    for (const Profile &p : profiles)
        rows.append({p.id == last ? p.name + QStringLiteral(" *") : p.name, p.baseUrl, p.id});
    print(table(rows));
    finish(Ok);
}

void CliApp::profileRemove()
{
    const QString name = m_command.value(2);
    if (name.isEmpty() || m_command.size() > 3)
        return fail(tr("profile remove needs exactly one profile NAME"), Usage);
    std::optional<Profile> profile = m_profiles->profileByName(name);
    if (!profile)
        profile = m_profiles->profile(name);
    if (!profile)
        return fail(tr("no profile named “%1”. Run `profile list` to see the profiles").arg(name));

    m_credentials = std::make_unique<CredentialStore>();
    const Profile p = *profile;
    m_credentials->remove(CredentialStore::apiKeyEntry(p.id), [this, p](KeychainResult r) {
        if (!r.ok())
            return fail(r.message);
        m_credentials->remove(CredentialStore::cacheKeyEntry(p.id), [this, p](KeychainResult c) {
            if (!c.ok())
                return fail(c.message);
            QFile::remove(CacheStore::defaultPath(p.id));
            m_profiles->remove(p.id);
            if (!m_profiles->sync())
                return fail(tr("the settings file %1 could not be written. Check its folder's permissions")
                                .arg(m_profiles->fileName()));
            if (m_json)
                printJson(QJsonObject{{QStringLiteral("removed"), p.id}});
            else
                print(tr("Profile “%1” removed, with its keychain entries and cache.\n").arg(p.name));
            finish(Ok);
        });
    });
}

// --- sessions ---------------------------------------------------------------------------------------

void CliApp::withSession(bool syncFirst, std::function<void()> then)
{
    const bool sandbox = m_parser.isSet(QStringLiteral("sandbox"));
    if (m_parser.isSet(QStringLiteral("persona")) && !sandbox)
        return fail(tr("--persona only works with --sandbox"), Usage);
    if (sandbox) {
        if (m_parser.isSet(QStringLiteral("profile")))
            return fail(tr("--sandbox and --profile exclude each other"), Usage);
        m_sandbox = std::make_unique<SandboxLauncher>();
        m_sandbox->start(m_parser.value(QStringLiteral("persona")),
                         [this, then](const QString &error, const Profile &profile) {
                             if (!error.isEmpty())
                                 return fail(error);
                             // A fresh sandbox every run: always read it before answering.
                             openProfile(profile, true, then);
                         });
        return;
    }

    std::optional<Profile> chosen;
    const QString wanted = m_parser.value(QStringLiteral("profile"));
    if (!wanted.isEmpty()) {
        chosen = m_profiles->profileByName(wanted);
        if (!chosen)
            chosen = m_profiles->profile(wanted);
        if (!chosen)
            return fail(tr("no profile named “%1”. Run `profile list` to see the profiles").arg(wanted));
    } else {
        // Sandbox profiles only live while their sandbox runs; they are never a default.
        QList<Profile> real;
        for (const Profile &p : m_profiles->profiles()) {
            if (!p.isSandbox())
                real.append(p);
        }
        const std::optional<Profile> last = m_profiles->profile(m_profiles->lastUsed());
        if (real.size() == 1)
            chosen = real.first();
        else if (last && !last->isSandbox())
            chosen = last;
        else if (real.isEmpty())
            return fail(
                tr("no profile yet. Add one with `profile add --name NAME --url URL`, or use --sandbox"));
        else
            return fail(tr("there are several profiles. Pick one with --profile NAME (see `profile list`)"));
    }
    if (chosen->isSandbox())
        return fail(tr("“%1” is a sandbox profile. Use --sandbox --persona %2 instead")
                        .arg(chosen->name, chosen->persona),
                    Usage);
    m_profiles->setLastUsed(chosen->id);
    m_profiles->sync();
    openProfile(*chosen, syncFirst, std::move(then));
}

void CliApp::openProfile(const Profile &profile, bool syncFirst, std::function<void()> then)
{
    m_session = std::make_unique<Session>();
    Session *session = m_session.get();
    const bool rebuild = m_parser.isSet(QStringLiteral("rebuild-cache"));
    connect(session, &Session::openFailed, this,
            [this, session, rebuild](const QString &error, const QString &remedy, bool canRebuild) {
                if (canRebuild && rebuild)
                    return session->rebuildCache();
                QString todo = remedy;
                if (canRebuild)
                    todo =
                        tr("Run `portkey-key-manager-cli sync --rebuild-cache`: the unreadable file is kept "
                           "aside and the cache is rebuilt from the server");
                fail(oneLine(error) + QLatin1Char(' ') + todo);
            });
    connect(session, &Session::syncFinished, this, [this, then](const ApiError &error, const SyncDiff &diff) {
        if (error.isError())
            return fail(error.userText());
        m_lastDiff = diff;
        then();
    });
    connect(session, &Session::opened, this, [this, session, syncFirst, then] {
        if (syncFirst || !session->lastSyncedAtUtc().isValid()) {
            if (!session->isSyncing())
                session->sync();
            return;
        }
        then();
    });
    session->open(profile);
}

void CliApp::runSync()
{
    withSession(true, [this] {
        const CacheSnapshot &snap = m_session->snapshot();
        if (m_json) {
            printJson(QJsonObject{
                {QStringLiteral("profile"), m_session->profile().name},
                {QStringLiteral("synced_at"), snap.syncedAtUtc.toString(Qt::ISODateWithMs)},
                {QStringLiteral("workspaces"), int(snap.workspaces.size())},
                {QStringLiteral("keys"), int(snap.keys.size())},
                {QStringLiteral("users"), int(snap.users.size())},
                {QStringLiteral("users_forbidden"), m_lastDiff.usersForbidden},
                {QStringLiteral("added"), QJsonArray::fromStringList(m_lastDiff.addedKeyIds)},
                {QStringLiteral("changed"), QJsonArray::fromStringList(m_lastDiff.changedKeyIds)},
                {QStringLiteral("removed"), QJsonArray::fromStringList(m_lastDiff.removedKeyIds)}});
        } else {
            print(tr("Synced “%1” at %2: %3.\n")
                      .arg(m_session->profile().name, Timestamp::fromUtc(snap.syncedAtUtc).toLocalDisplay(),
                           m_lastDiff.summary()));
        }
        finish(Ok);
    });
}

void CliApp::workspacesList()
{
    withSession(m_parser.isSet(QStringLiteral("refresh")), [this] {
        const QList<Workspace> &workspaces = m_session->snapshot().workspaces;
        if (m_json) {
            QJsonArray out;
            for (const Workspace &w : workspaces)
                out.append(w.toJson());
            printJson(out);
            return finish(Ok);
        }
        QList<QStringList> rows{{tr("ID"), tr("SLUG"), tr("NAME")}};
        for (const Workspace &w : workspaces)
            rows.append({w.id, w.slug, w.name});
        print(table(rows));
        finish(Ok);
    });
}

void CliApp::keysList()
{
    withSession(m_parser.isSet(QStringLiteral("refresh")), [this] {
        const CacheSnapshot &snap = m_session->snapshot();
        const WorkspaceDirectory dir(snap.workspaces);
        const QString wanted = m_parser.value(QStringLiteral("workspace"));
        QList<ApiKey> keys;
        for (const ApiKey &k : snap.keys) {
            if (wanted.isEmpty() || dir.sameWorkspace(k.workspaceId, wanted))
                keys.append(k);
        }
        // A workspace the key may not list is still known through its keys; only an unknown one is an error.
        if (!wanted.isEmpty() && keys.isEmpty() && !dir.resolve(wanted))
            return fail(tr("no workspace “%1” in the cache. Run `workspaces list` to see the workspaces")
                            .arg(wanted));
        if (m_json) {
            QJsonArray out;
            for (const ApiKey &k : keys)
                out.append(k.toJson());
            printJson(out);
            return finish(Ok);
        }
        QList<QStringList> rows{
            {tr("ID"), tr("NAME"), tr("TYPE"), tr("WORKSPACE"), tr("STATUS"), tr("KEY"), tr("EXPIRES")}};
        for (const ApiKey &k : keys)
            rows.append({k.id, k.name, keyTypeLabel(k.keyType()), workspaceLabel(dir, k.workspaceId),
                         k.status, k.maskedKey,
                         k.expiresAt.isNone() ? tr("never") : k.expiresAt.toLocalDisplay()});
        print(table(rows));
        print(tr("%n key(s); last synced %1.\n", nullptr, int(keys.size()))
                  .arg(Timestamp::fromUtc(snap.syncedAtUtc).toLocalDisplay()));
        finish(Ok);
    });
}

void CliApp::keysCreate()
{
    const QString workspace = m_parser.value(QStringLiteral("workspace")).trimmed();
    const QString name = m_parser.value(QStringLiteral("name")).trimmed();
    const QStringList scopes = m_parser.values(QStringLiteral("scope"));
    if (workspace.isEmpty() || name.isEmpty() || scopes.isEmpty() || m_command.size() > 2)
        return fail(tr("keys create needs --workspace ID, --name NAME and at least one --scope SCOPE"),
                    Usage);
    const QStringList valid = validScopes(KeyType::WorkspaceService);
    for (const QString &s : scopes) {
        if (!valid.contains(s))
            return fail(
                tr("“%1” is not a scope of workspace service keys. See ADMIN-API.md §3 for the list").arg(s),
                Usage);
    }
    withSession(false, [this, workspace, name, scopes] {
        const WorkspaceDirectory dir(m_session->snapshot().workspaces);
        const QString workspaceId = dir.canonicalId(workspace);
        const access::Decision decision =
            access::AccessPolicy::decideCreateKey(m_session->principal(), QStringLiteral("workspace"),
                                                  QStringLiteral("service"), workspaceId, scopes);
        if (!decision.allowed)
            return fail(tr("not allowed: %1. Use a profile whose key may do this (see `whoami`)")
                            .arg(decision.reason));
        ApiKeyDraft draft;
        draft.keyType = KeyType::WorkspaceService;
        draft.name = name;
        draft.description = m_parser.value(QStringLiteral("description"));
        draft.workspaceId = workspaceId;
        draft.scopes = scopes;
        m_session->createKey(draft, [this, dir, workspaceId](const CreateKeyResult &r) {
            if (r.outcome != CreateKeyResult::Outcome::Created)
                return fail(r.message);
            QByteArray secret = r.secret.secret;
            if (m_json) {
                QString text = QString::fromUtf8(secret);
                printJson(QJsonObject{{QStringLiteral("id"), r.keyId}, {QStringLiteral("key"), text}});
                wipe(text);
            } else {
                print(tr("Created service key %1 in workspace %2.\nSecret (shown only once, store it now):\n")
                          .arg(r.keyId, workspaceLabel(dir, workspaceId)));
                writeTo(stdout, secret + '\n');
            }
            wipe(secret);
            finish(Ok);
        });
    });
}

void CliApp::keysRevoke()
{
    const QStringList ids = m_command.mid(2);
    if (ids.isEmpty())
        return fail(tr("keys revoke needs at least one key ID (see `keys list`)"), Usage);
    const bool yes = m_parser.isSet(QStringLiteral("yes"));
    if (!yes && !stdinIsTerminal())
        return fail(tr("refusing to revoke without confirmation. Pass --yes to revoke non-interactively"),
                    Usage);
    withSession(false, [this, ids, yes] {
        QStringList names;
        for (const QString &id : ids) {
            const auto &keys = m_session->snapshot().keys;
            const auto it =
                std::find_if(keys.cbegin(), keys.cend(), [&id](const ApiKey &k) { return k.id == id; });
            if (it == keys.cend())
                return fail(tr("no key “%1” in the cache. Run `keys list --refresh` to see the current keys")
                                .arg(id));
            const std::optional<access::Action> action =
                access::keyAction(it->keyType(), access::KeyVerb::Delete);
            if (!action)
                return fail(tr("key %1 has an unknown type (%2) and cannot be revoked by this program")
                                .arg(id, it->type));
            const access::Decision decision =
                access::AccessPolicy::decide(m_session->principal(), *action, access::Target::forKey(*it));
            if (!decision.allowed)
                return fail(
                    tr("not allowed to revoke “%1”: %2. Use a profile whose key may do this (see `whoami`)")
                        .arg(it->name, decision.reason));
            names.append(QStringLiteral("“%1” (%2)").arg(it->name, id));
        }
        if (!yes) {
            writeTo(stderr, tr("Revoke %1? Apps using these keys stop working. Type “yes” to confirm: ")
                                .arg(names.join(QStringLiteral(", ")))
                                .toUtf8());
            const QByteArray answer = readLine().trimmed().toLower();
            if (answer != "yes" && answer != "y")
                return fail(tr("not confirmed; nothing was revoked"));
        }
        m_session->revokeKeys(ids, [this](const RevokeKeysResult &r) {
            if (m_json) {
                QJsonArray failed;
                for (const QString &id : r.failedIds)
                    failed.append(
                        QJsonObject{{QStringLiteral("id"), id},
                                    {QStringLiteral("error"), r.errors.value(id, r.error).userText()}});
                printJson(QJsonObject{{QStringLiteral("revoked"), QJsonArray::fromStringList(r.revokedIds)},
                                      {QStringLiteral("failed"), failed}});
            } else {
                for (const QString &id : r.revokedIds)
                    print(tr("Revoked %1.\n").arg(id));
            }
            if (!r.ok())
                return fail(r.failedIds.isEmpty()
                                ? r.error.userText()
                                : tr("%1 not revoked: %2")
                                      .arg(r.failedIds.join(QStringLiteral(", ")),
                                           r.errors.value(r.failedIds.first(), r.error).userText()));
            finish(Ok);
        });
    });
}

void CliApp::whoami()
{
    withSession(m_parser.isSet(QStringLiteral("refresh")), [this] {
        const access::Principal &principal = m_session->principal();
        QStringList visible;
        for (const Workspace &w : m_session->snapshot().workspaces)
            visible.append(w.id);
        if (visible.isEmpty() && !principal.workspace.isEmpty())
            visible.append(principal.workspace);
        const QJsonObject doc = access::whoamiJson(principal, visible);
        if (m_json) {
            printJson(doc);
            return finish(Ok);
        }
        QString out = tr("Profile: %1 (%2)\n").arg(m_session->profile().name, m_session->profile().baseUrl);
        const auto facts = [&out](const QString &title, const QStringList &lines) {
            if (lines.isEmpty())
                return;
            out += title + QLatin1Char('\n');
            for (const QString &l : lines)
                out += QStringLiteral("  ") + l + QLatin1Char('\n');
        };
        facts(tr("Known:"), principal.knownFacts());
        facts(tr("Assumed:"), principal.assumedFacts());
        facts(tr("Unknown:"), principal.unknownFacts());
        out += tr("Actions:\n");
        const QJsonArray decisions = doc.value(QStringLiteral("decisions")).toArray();
        for (const QJsonValue &v : decisions) {
            const QJsonObject d = v.toObject();
            const QString ws = d.value(QStringLiteral("workspace")).toString();
            out += QStringLiteral("  %1 %2%3: %4\n")
                       .arg(d.value(QStringLiteral("allowed")).toBool() ? QStringLiteral("yes")
                                                                        : QStringLiteral("no "),
                            d.value(QStringLiteral("action")).toString(),
                            ws.isEmpty()
                                ? QString()
                                : QStringLiteral(" [") + principal.workspaceLabel(ws) + QLatin1Char(']'),
                            d.value(QStringLiteral("reason")).toString());
        }
        print(out);
        finish(Ok);
    });
}

} // namespace pk
