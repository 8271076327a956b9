#include "cli/cliapp.h"

#include "cli/clisupport.h"
#include "cli/keyoptions.h"
#include "cli/terminaltext.h"

#include "access/accesspolicy.h"
#include "domain/scopes.h"
#include "portkey/adminapiclient.h"
#include "portkey/workspacedirectory.h"
#include "secrets/apikeytext.h"
#include "secrets/credentialstore.h"
#include "secrets/secretbuffer.h"
#include "storage/cachestore.h"
#include "storage/profilestore.h"
#include "sync/orgcommands.h"
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

using cli::cliErrorText;
using cli::errorAndHint;
using cli::findWorkspace;
using cli::oneLine;
using cli::shellArg;
using cli::table;
using cli::writeTo;

namespace {

/// The names (without dashes) of the options in `options` that take a value.
QStringList valueOptionNames(const QList<QCommandLineOption> &options)
{
    QStringList names;
    for (const QCommandLineOption &o : options) {
        if (!o.valueName().isEmpty())
            names += o.names();
    }
    return names;
}

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
            tcsetattr(STDIN_FILENO, TCSADRAIN, &m_saved);
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

/// The API key for the profile `profileName`, trimmed (trimApiKey()): from a no-echo prompt on stderr when
/// stdin is a terminal, else all of stdin. Empty when nothing was given. Never from argv.
SecretBuffer readApiKey(const QString &profileName)
{
    QByteArray key;
    if (stdinIsTerminal()) {
        {
            // Echo goes off before the prompt shows, so nothing typed after the prompt can be echoed.
            NoEcho quiet;
            writeTo(stderr,
                    CliApp::tr("Portkey API key for “%1” (input hidden): ").arg(profileName).toUtf8());
            key = readLine();
        }
        writeTo(stderr, QByteArrayLiteral("\n"));
    } else {
        QFile in;
        if (in.open(stdin, QIODevice::ReadOnly))
            key = in.readAll();
    }
    SecretBuffer secret = SecretBuffer::take(key);
    trimApiKey(secret);
    return secret;
}

QString workspaceLabel(const WorkspaceDirectory &dir, const QString &ref)
{
    if (ref.isEmpty())
        return CliApp::tr("(organisation)");
    const std::optional<Workspace> ws = dir.resolve(ref);
    return ws ? ws->name : ref;
}

/// `items` joined by ", " into lines of at most `width` characters (a longer item gets a line of its
/// own), each line after the first starting with `indent` spaces.
QString wrapList(const QStringList &items, int width, int indent)
{
    QStringList lines;
    QString line;
    for (const QString &item : items) {
        if (!line.isEmpty() && line.size() + 2 + item.size() > width) {
            lines.append(line + QLatin1Char(','));
            line.clear();
        }
        line += line.isEmpty() ? item : QString(QStringLiteral(", ") + item);
    }
    if (!line.isEmpty())
        lines.append(line);
    return lines.join(QString(QLatin1Char('\n') + QString(indent, QLatin1Char(' '))));
}

/// `items` such as scopes (`resource.verb`) as one line per resource, "    resource: verb, verb\n", in
/// the order the resources first appear; an item without a dot is a resource of its own.
QString groupedList(const QStringList &items)
{
    QStringList resources;
    QHash<QString, QStringList> verbs;
    for (const QString &item : items) {
        const qsizetype dot = item.lastIndexOf(QLatin1Char('.'));
        const QString resource = dot > 0 ? item.left(dot) : item;
        if (!verbs.contains(resource)) {
            resources.append(resource);
            verbs.insert(resource, {});
        }
        if (dot > 0)
            verbs[resource].append(item.mid(dot + 1));
    }
    QString out;
    for (const QString &r : std::as_const(resources)) {
        const QStringList &v = verbs[r];
        out += v.isEmpty() ? QStringLiteral("    %1\n").arg(r)
                           : QStringLiteral("    %1: %2\n").arg(r, v.join(QStringLiteral(", ")));
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
    // Server text (error messages, key names) ends up in failures: no terminal control may get through.
    const QString line = oneLine(cli::terminalSafe(message));
    if (m_json) {
        const auto [error, hint] = errorAndHint(line);
        printJson(QJsonObject{{QStringLiteral("error"), error}, {QStringLiteral("hint"), hint}});
    }
    writeTo(stderr, QString(QStringLiteral("error: ") + line + QLatin1Char('\n')).toUtf8());
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
    writeTo(stdout, cli::terminalSafe(text, true).toUtf8());
}

void CliApp::start()
{
    m_parser.setApplicationDescription(
        tr("Manage the API keys of a Portkey organisation from the command line.\n\n"
           "Commands:\n"
           "  profile add --name NAME --url URL [--email EMAIL]   (the API key is read from stdin)\n"
           "  profile list\n"
           "  profile remove NAME\n"
           "  profile set-key NAME   (the new API key is read from stdin; after a revoke or rotation)\n"
           "  sync [--rebuild-cache]\n"
           "  workspaces list [--refresh]\n"
           "  keys list [--workspace WORKSPACE] [--refresh]   (EXPIRES: ! = soon, expired or exhausted)\n"
           "  keys show ID [--refresh]\n"
           "  keys create [--type admin|service|user] [--workspace WORKSPACE] [--user ID-or-email] --name "
           "NAME\n"
           "              (--scope S... | --scopes a,b | --preset NAME) [key fields]\n"
           "  keys update ID [key fields] [--clear-expiry] [--clear-usage-limit] [--clear-rate-limits]\n"
           "              [--clear-rotation] [--clear-alert-emails] [--reset-usage] [--yes]\n"
           "  keys rotate ID [--transition 45m] [--yes]\n"
           "  keys revoke ID... [--yes]\n"
           "  keys scopes [--type admin|service|user]   (the valid scopes and presets)\n"
           "  whoami [--refresh]\n"
           "  workspaces create --name NAME [--description TEXT]\n"
           "  workspaces update WORKSPACE [--name NAME] [--description TEXT]\n"
           "  workspaces delete WORKSPACE [--force] [--yes]   (--force also revokes the workspace's keys)\n"
           "  members list WORKSPACE [--refresh]\n"
           "  members add WORKSPACE --user USER --role admin|manager|member\n"
           "  members role WORKSPACE USER admin|manager|member\n"
           "  members remove WORKSPACE USER [--yes]\n"
           "  users list [--refresh]\n"
           "  users role USER admin|member\n"
           "  users remove USER [--yes]\n"
           "  invites list\n"
           "  invites create --email EMAIL --role admin|member --workspace WORKSPACE:ROLE...\n"
           "  invites resend ID   (prints the invite link again)\n"
           "  invites delete ID [--yes]\n"
           "  audit list [--since WHEN | --days N] [--until WHEN] [--method POST|PUT|DELETE]\n"
           "             [--resource-type TYPE] [--workspace WORKSPACE]   (default: the last 7 days)\n"
           "Key fields: --description TEXT, --rate-limit requests|tokens:rps|rpm|rph|rpd|rpw:N (repeat),\n"
           "  --usage-limit cost:USD|tokens:N [--alert-threshold N] [--usage-reset weekly|monthly|Nd],\n"
           "  --expires 2026-12-31T18:00Z|\"2026-12-31 18:00\" (local)|30d|12h,\n"
           "  --rotation weekly|monthly|Nd [--transition 45m|2h|1800000ms], --alert-email E (repeat),\n"
           "  --metadata KEY=VALUE (repeat), --config-id ID.\n"
           "WORKSPACE is a workspace's id, slug or name (case-insensitive); USER a user's id or e-mail.\n"
           "WHEN is ISO 8601 with Z or an offset, or a local date or time (2026-12-31 18:00).\n"
           "Destructive commands ask on a terminal; without one they need --yes; so do removing yourself\n"
           "and changing your own role.\n"
           "An option's value may not start with --: write --name=--x if you mean it.\n"
           "Exit codes: 0 done; 1 the command failed (server, keychain, cache, a workspace or user this\n"
           "profile does not know, or refused by the access policy); 2 the command line is wrong (usage,\n"
           "an invalid value or role, a missing --yes).\n"
           "--sandbox starts a fresh sandbox organisation on every run and syncs it before answering, so\n"
           "nothing carries over between runs; its profile exists only during the run and is not listed\n"
           "by `profile list`."));
    const QCommandLineOption help = m_parser.addHelpOption();
    const QCommandLineOption version = m_parser.addVersionOption();
    const QList<QCommandLineOption> options{
        {QStringLiteral("json"), tr("Print machine-readable JSON.")},
        {QStringLiteral("profile"), tr("Use the profile called NAME."), QStringLiteral("NAME")},
        {QStringLiteral("sandbox"),
         tr("Run against a private in-process sandbox organisation, fresh on every run.")},
        {QStringLiteral("persona"), tr("With --sandbox: act as this seeded persona (default: owner)."),
         QStringLiteral("NAME")},
        {QStringLiteral("name"), tr("Profile, key or workspace name."), QStringLiteral("NAME")},
        {QStringLiteral("url"), tr("Control-plane base URL, e.g. https://api.portkey.ai/v1."),
         QStringLiteral("URL")},
        {QStringLiteral("email"),
         tr("profile add: your e-mail in the organisation (to look up your roles); invites create: the "
            "invitee's e-mail."),
         QStringLiteral("EMAIL")},
        {QStringLiteral("workspace"),
         tr("Workspace id, slug or name (case-insensitive); invites create: WORKSPACE:ROLE, repeatable."),
         QStringLiteral("WORKSPACE")},
        {QStringLiteral("type"), tr("Key type: admin (Admin key), service or user (workspace keys)."),
         QStringLiteral("TYPE")},
        {QStringLiteral("user"),
         tr("The workspace member a user key is for, or the user members add adds (id or e-mail)."),
         QStringLiteral("USER")},
        {QStringLiteral("role"),
         tr("members add: admin, manager or member; invites create: admin or member."),
         QStringLiteral("ROLE")},
        {QStringLiteral("force"),
         tr("workspaces delete: also revoke the workspace's keys and delete its items.")},
        {QStringLiteral("since"), tr("audit list: from this time (ISO 8601, or local date/time)."),
         QStringLiteral("WHEN")},
        {QStringLiteral("until"), tr("audit list: up to this time (default: now)."), QStringLiteral("WHEN")},
        {QStringLiteral("days"), tr("audit list: the last N days (default 7)."), QStringLiteral("N")},
        {QStringLiteral("method"), tr("audit list: only POST, PUT or DELETE requests."),
         QStringLiteral("METHOD")},
        {QStringLiteral("resource-type"), tr("audit list: only this resource type, e.g. workspaces."),
         QStringLiteral("TYPE")},
        {QStringLiteral("scope"), tr("A scope of the key; repeat for several."), QStringLiteral("SCOPE")},
        {QStringLiteral("scopes"), tr("Scopes of the key, comma-separated."), QStringLiteral("LIST")},
        {QStringLiteral("preset"),
         tr("A scope preset: completions-only, read-only, workspace-key-manager, everything."),
         QStringLiteral("NAME")},
        {QStringLiteral("description"), tr("Description of the key or workspace."), QStringLiteral("TEXT")},
        {QStringLiteral("rate-limit"), tr("A rate limit TYPE:UNIT:VALUE, e.g. requests:rpm:100; repeatable."),
         QStringLiteral("LIMIT")},
        {QStringLiteral("usage-limit"), tr("A usage limit: cost:USD or tokens:COUNT."),
         QStringLiteral("LIMIT")},
        {QStringLiteral("alert-threshold"), tr("Alert at this usage (USD or tokens, at most the limit)."),
         QStringLiteral("N")},
        {QStringLiteral("usage-reset"), tr("Reset usage weekly, monthly or every N days (Nd)."),
         QStringLiteral("PERIOD")},
        {QStringLiteral("expires"),
         tr("Expiry: ISO 8601 with a zone, a local date/time, or a span such as 30d or 12h."),
         QStringLiteral("WHEN")},
        {QStringLiteral("rotation"), tr("Rotate automatically weekly, monthly or every N days (Nd)."),
         QStringLiteral("PERIOD")},
        {QStringLiteral("transition"),
         tr("Transition period of a rotation (at least 30 min), e.g. 45m or 2h."),
         QStringLiteral("DURATION")},
        {QStringLiteral("alert-email"), tr("An e-mail address for alerts; repeatable."),
         QStringLiteral("EMAIL")},
        {QStringLiteral("metadata"), tr("Default metadata KEY=VALUE; repeatable."), QStringLiteral("KV")},
        {QStringLiteral("config-id"), tr("Default config id."), QStringLiteral("ID")},
        {QStringLiteral("clear-expiry"), tr("keys update: remove the expiry.")},
        {QStringLiteral("clear-usage-limit"), tr("keys update: remove the usage limit.")},
        {QStringLiteral("clear-rate-limits"), tr("keys update: remove every rate limit.")},
        {QStringLiteral("clear-rotation"), tr("keys update: remove the rotation policy.")},
        {QStringLiteral("clear-alert-emails"), tr("keys update: remove the alert e-mails.")},
        {QStringLiteral("reset-usage"), tr("keys update: reset the usage (reactivates an exhausted key).")},
        {QStringLiteral("refresh"), tr("Sync with the server before reading the cache.")},
        {QStringLiteral("yes"), tr("Do not ask for confirmation.")},
        {QStringLiteral("verbose"), tr("Write log lines (ids and names, never secrets) to stderr.")},
        {QStringLiteral("rebuild-cache"),
         tr("When the cache cannot be read: move it aside (it is kept) and rebuild it from the server.")},
    };
    m_parser.addOptions(options);
    m_parser.addPositionalArgument(QStringLiteral("command"), tr("See the list of commands above."));

    m_json = m_arguments.contains(QStringLiteral("--json")); // for a failure to parse the rest
    if (!m_parser.parse(m_arguments))
        return fail(m_parser.errorText() + tr(". Run with --help for usage"), Usage);
    if (const QString taken = cli::optionTakenAsValue(m_arguments, valueOptionNames(options));
        !taken.isEmpty())
        return fail(taken, Usage);
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
    if (cmd == QLatin1String("profile") && sub == QLatin1String("set-key"))
        return profileSetKey();
    if (cmd == QLatin1String("sync") && m_command.size() == 1)
        return runSync();
    if (cmd == QLatin1String("workspaces") && sub == QLatin1String("list"))
        return workspacesList();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("list"))
        return keysList();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("create"))
        return keysCreate();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("update"))
        return keysUpdate();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("rotate"))
        return keysRotate();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("revoke"))
        return keysRevoke();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("show"))
        return keysShow();
    if (cmd == QLatin1String("keys") && sub == QLatin1String("scopes") && m_command.size() == 2)
        return keysScopes();
    if (cmd == QLatin1String("whoami") && m_command.size() == 1)
        return whoami();
    if (startOrgCommand(cmd, sub))
        return;
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
    if (m_command.size() > 2) // never echoed: the extra argument may well be the key itself
        return fail(tr("profile add takes no arguments besides its options. The key is read from stdin or a "
                       "prompt, never from the command line"),
                    Usage);
    if (name.isEmpty() || url.isEmpty())
        return fail(tr("profile add needs --name NAME and --url URL; the API key is read from stdin"), Usage);
    if (const QString problem = ProfileStore::baseUrlProblem(url); !problem.isEmpty())
        return fail(problem, Usage);
    if (m_profiles->profileByName(name))
        return fail(
            tr("a profile named “%1” exists already. Pick another name, or remove it first").arg(name));
    // The same rule the client applies before sending anything: https, or http only on this computer.
    AdminApiClient probe;
    const ApiError urlError = probe.setBaseUrl(QUrl(url, QUrl::StrictMode));
    if (urlError.isError())
        return fail(urlError.userText(), Usage);

    SecretBuffer secret = readApiKey(name);
    if (secret.isEmpty())
        return fail(tr("no API key was given. Pipe the key on stdin, e.g. `secret-tool lookup … | "
                       "portkey-key-manager-cli profile add --name NAME --url URL`"),
                    Usage);
    if (const QString problem = apiKeyProblem(secret); !problem.isEmpty())
        return fail(problem, Usage);

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
    // Sandbox profiles live only while their `--sandbox` run does; one an earlier version stored is not
    // listed.
    QList<Profile> profiles = m_profiles->profiles();
    profiles.removeIf([](const Profile &p) { return p.isSandbox(); });
    if (m_json) {
        QJsonArray out;
        for (const Profile &p : profiles) {
            QJsonObject o{{QStringLiteral("id"), p.id},
                          {QStringLiteral("name"), p.name},
                          {QStringLiteral("base_url"), p.baseUrl},
                          {QStringLiteral("last_used"), p.id == last}};
            if (!p.email.isEmpty())
                o.insert(QStringLiteral("email"), p.email);
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

    // The keychain entries first, then the cache, then the profile: a step that fails stops the rest, and
    // the failure says what is already gone and what was kept (a locked keyring removes nothing).
    m_credentials = std::make_unique<CredentialStore>();
    const Profile p = *profile;
    m_credentials->remove(CredentialStore::apiKeyEntry(p.id), [this, p](KeychainResult r) {
        if (!r.ok())
            return fail(tr("%1 Nothing was removed: the profile “%2”, its keychain entries and its cache are "
                           "kept")
                            .arg(oneLine(r.message), p.name));
        m_credentials->remove(CredentialStore::cacheKeyEntry(p.id), [this, p](KeychainResult c) {
            if (!c.ok())
                return fail(tr("%1 Only the API key entry was removed; the profile “%2”, its cache key entry "
                               "and its cache are kept. Fix the keychain and run `profile remove` again")
                                .arg(oneLine(c.message), p.name));
            const QString cachePath = CacheStore::defaultPath(p.id);
            if (QFile::exists(cachePath) && !QFile::remove(cachePath))
                return fail(
                    tr("the cache file %1 could not be deleted. The keychain entries of “%2” were "
                       "removed; the profile and its cache are kept. Check the file's permissions and "
                       "run `profile remove` again")
                        .arg(cachePath, p.name));
            QString error;
            if (!m_profiles->remove(p.id, &error))
                return fail(tr("%1 The keychain entries and the cache of “%2” were removed; the profile is "
                               "kept")
                                .arg(oneLine(error), p.name));
            if (m_json)
                printJson(QJsonObject{{QStringLiteral("removed"), p.id}});
            else
                print(tr("Profile “%1” removed, with its keychain entries and cache.\n").arg(p.name));
            finish(Ok);
        });
    });
}

void CliApp::profileSetKey()
{
    const QString name = m_command.value(2);
    if (name.isEmpty() || m_command.size() > 3) // never echoed: an extra argument may be the key itself
        return fail(tr("profile set-key needs exactly one profile NAME. The key is read from stdin or a "
                       "prompt, never from the command line"),
                    Usage);
    std::optional<Profile> profile = m_profiles->profileByName(name);
    if (!profile)
        profile = m_profiles->profile(name);
    if (!profile)
        return fail(tr("no profile named “%1”. Run `profile list` to see the profiles").arg(name));
    if (profile->isSandbox())
        return fail(tr("“%1” is a sandbox profile; its key comes with the sandbox. Use --sandbox instead")
                        .arg(profile->name),
                    Usage);
    SecretBuffer secret = readApiKey(profile->name);
    if (secret.isEmpty())
        return fail(tr("no API key was given. Pipe the new key on stdin, e.g. `secret-tool lookup … | "
                       "portkey-key-manager-cli profile set-key %1`")
                        .arg(shellArg(profile->name)),
                    Usage);
    if (const QString problem = apiKeyProblem(secret); !problem.isEmpty())
        return fail(problem, Usage);
    m_credentials = std::make_unique<CredentialStore>();
    const Profile p = *profile;
    m_credentials->write(CredentialStore::apiKeyEntry(p.id), secret, [this, p](KeychainResult r) {
        if (!r.ok())
            return fail(tr("%1 The key of profile “%2” was not changed").arg(oneLine(r.message), p.name));
        qCInfo(lcCli) << "API key of profile" << p.id << "replaced";
        if (m_json)
            printJson(QJsonObject{{QStringLiteral("id"), p.id},
                                  {QStringLiteral("name"), p.name},
                                  {QStringLiteral("key_replaced"), true}});
        else
            print(tr("The API key of profile “%1” was replaced in the system keychain. Run `sync --profile "
                     "%2` next.\n")
                      .arg(p.name, shellArg(p.name)));
        finish(Ok);
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
            [this, session, rebuild, profile](const QString &error, const QString &remedy, bool canRebuild) {
                if (canRebuild && rebuild)
                    return session->rebuildCache();
                if (!canRebuild)
                    return fail(oneLine(error) + QLatin1Char(' ') + remedy);
                // The cache's own text ends with "Rebuild it from the server…": only what happened is kept,
                // followed by the exact command for this profile.
                const QString what = errorAndHint(oneLine(error)).first;
                const QString command =
                    profile.isSandbox()
                        ? QStringLiteral("portkey-key-manager-cli --sandbox sync --rebuild-cache")
                        : QStringLiteral("portkey-key-manager-cli --profile %1 sync --rebuild-cache")
                              .arg(shellArg(profile.name));
                fail(tr("%1 Run `%2` to rebuild it from the server; the unreadable file is kept beside it")
                         .arg(what, command));
            });
    // Once: a write may start more syncs later (OrgCommands), which must not run the command again.
    auto firstSync = std::make_shared<QMetaObject::Connection>();
    *firstSync = connect(session, &Session::syncFinished, this,
                         [this, then, firstSync](const ApiError &error, const SyncDiff &diff) {
                             disconnect(*firstSync);
                             if (error.isError())
                                 return fail(cliErrorText(error, m_session->profile().name));
                             m_lastDiff = diff;
                             then();
                         });
    connect(session, &Session::opened, this, [this, session, syncFirst, then, firstSync] {
        if (syncFirst || !session->lastSyncedAtUtc().isValid()) {
            if (!session->isSyncing())
                session->sync();
            return;
        }
        disconnect(*firstSync);
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
        const QString ref = m_parser.value(QStringLiteral("workspace")).trimmed();
        QString unknown;
        const std::optional<Workspace> named =
            ref.isEmpty() ? std::nullopt : findWorkspace(dir, ref, &unknown);
        const QString wanted = named ? named->id : ref;
        QList<ApiKey> keys;
        for (const ApiKey &k : snap.keys) {
            if (wanted.isEmpty() || dir.sameWorkspace(k.workspaceId, wanted))
                keys.append(k);
        }
        // A workspace the key may not list is still known through its keys; only an unknown one is an error.
        if (!ref.isEmpty() && !named && keys.isEmpty())
            return fail(QString(QStringLiteral("--workspace: ") + unknown));
        if (m_json) {
            QJsonArray out;
            for (const ApiKey &k : keys)
                out.append(k.toJson());
            printJson(out);
            return finish(Ok);
        }
        QList<QStringList> rows{
            {tr("ID"), tr("NAME"), tr("TYPE"), tr("WORKSPACE"), tr("STATUS"), tr("KEY"), tr("EXPIRES")}};
        // `!` marks keys that expire within the warning window, are past their expiry or are exhausted.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const int warningDays = m_profiles->expiryWarningDays();
        int flagged = 0;
        for (const ApiKey &k : keys) {
            const cli::ExpiryText expiry = cli::expiryText(k, now, warningDays);
            flagged += expiry.warn ? 1 : 0;
            rows.append({k.id, k.name, keyTypeLabel(k.keyType()), workspaceLabel(dir, k.workspaceId),
                         k.status, k.maskedKey,
                         expiry.warn ? QString(QStringLiteral("! ") + expiry.text) : expiry.text});
        }
        print(table(rows));
        if (flagged > 0)
            print(tr("! = expires within %1, expired or exhausted (`keys show ID` for details).\n")
                      .arg(warningDays == 1 ? tr("1 day") : tr("%1 days").arg(warningDays)));
        print(tr("%n key(s); last synced %1.\n", nullptr, int(keys.size()))
                  .arg(Timestamp::fromUtc(snap.syncedAtUtc).toLocalDisplay()));
        // None listed because this key may list none (e.g. a workspace user key): say so, not just "0".
        const access::Decision serviceKeys =
            access::AccessPolicy::decide(m_session->principal(), access::Action::ServiceKeyList);
        if (keys.isEmpty() && !serviceKeys.allowed &&
            !access::AccessPolicy::decide(m_session->principal(), access::Action::AdminKeyList).allowed)
            print(tr("This profile's key may not list API keys: %1.\n").arg(serviceKeys.reason));
        finish(Ok);
    });
}

const ApiKey *CliApp::cachedKey(const QString &id)
{
    const QList<ApiKey> &keys = m_session->snapshot().keys;
    const auto it = std::find_if(keys.cbegin(), keys.cend(), [&id](const ApiKey &k) { return k.id == id; });
    if (it != keys.cend())
        return &*it;
    if (m_sandbox)
        fail(tr("no key “%1” in this sandbox. Every --sandbox run starts a fresh organisation, so keys made "
                "in earlier runs do not exist; run `--sandbox keys list` to see this run's keys")
                 .arg(id));
    else
        fail(tr("no key “%1” in the cache. Run `keys list --refresh` to see the current keys").arg(id));
    return nullptr;
}

bool CliApp::confirm(const QString &question, const QString &verb, const QString &refusal)
{
    if (m_parser.isSet(QStringLiteral("yes")))
        return true;
    if (!stdinIsTerminal()) {
        fail(tr("refusing to %1 without confirmation. Pass --yes to %1 non-interactively").arg(verb), Usage);
        return false;
    }
    // The question names keys and workspaces as the server gave them: no terminal control gets through.
    writeTo(stderr,
            QString(cli::terminalSafe(question) + QLatin1Char(' ') + tr("Type “yes” to confirm: ")).toUtf8());
    const QByteArray answer = readLine().trimmed().toLower();
    // Exactly the word asked for: a reflexive "y" does not revoke keys or delete workspaces.
    if (answer == "yes")
        return true;
    fail(tr("not confirmed; %1").arg(refusal));
    return false;
}

void CliApp::failWithServerError(const ApiError &error, const QString &what)
{
    const QString option = error.kind == ApiError::Kind::Http && error.httpStatus == 400
                               ? cli::optionForServerField(error.message)
                               : QString();
    if (option.isEmpty())
        return fail(QString(oneLine(cliErrorText(error, m_session ? m_session->profile().name : QString())) +
                            QLatin1Char(' ') + what));
    fail(tr("the server refused %1 (%2); %3").arg(option, error.message.simplified(), what));
}

namespace {

/// "Service key “CI” (workspace Production, Xk****S4, id)", naming a key for a confirmation prompt.
QString describeKey(const ApiKey &k, const WorkspaceDirectory &dir)
{
    return CliApp::tr("%1 “%2” (%3, %4, %5)")
        .arg(keyTypeLabel(k.keyType()), k.name,
             k.workspaceId.isEmpty() ? CliApp::tr("organisation")
                                     : CliApp::tr("workspace %1").arg(workspaceLabel(dir, k.workspaceId)),
             k.maskedKey, k.id);
}

/// The text of a key's usage limit, e.g. "50 USD (alert at 40), resets monthly, next reset …".
QString usageText(const UsageLimits &u)
{
    const QString unit = u.type == QLatin1String("tokens") ? CliApp::tr("tokens") : CliApp::tr("USD");
    QString out = u.creditLimit ? QStringLiteral("%1 %2").arg(*u.creditLimit).arg(unit) : CliApp::tr("none");
    if (u.alertThreshold)
        out += CliApp::tr(" (alert at %1)").arg(*u.alertThreshold);
    if (!u.periodicReset.isEmpty())
        out += CliApp::tr(", resets %1").arg(u.periodicReset);
    else if (u.periodicResetDays)
        out += CliApp::tr(", resets every %1 days").arg(*u.periodicResetDays);
    if (u.nextUsageResetAt.isValid())
        out += CliApp::tr(", next reset %1").arg(cli::formatInstant(u.nextUsageResetAt.utc()));
    return out;
}

/// The failure for a lost reply to `what` ("the rotation") on the key `id`: it may have been applied.
QString mayHaveApplied(const QString &what, const QString &id)
{
    return CliApp::tr("the server's answer was lost, so %1 of key %2 may have been applied. Check with `keys "
                      "show %2 --refresh` before trying again")
        .arg(what, id);
}

/// True when a secret the server issued (create, rotate) has the shape of an API key (apiKeyProblem():
/// visible ASCII, no control characters, no whitespace), so printing it cannot inject terminal sequences
/// or extra lines. The secret is copied into a SecretBuffer that wipes itself.
bool secretIsPrintable(const QByteArray &secret)
{
    const SecretBuffer copy(secret.constData(), secret.size());
    return apiKeyProblem(copy).isEmpty();
}

/// The failure for a malformed secret of the key `id`: not printed; the key exists, rotate it.
QString malformedSecret(const QString &id)
{
    return CliApp::tr("the server returned a malformed secret for key %1, so it is not shown. The key "
                      "exists: run `keys rotate %1` to get a new secret, or revoke it")
        .arg(id);
}

QString instantOr(const Timestamp &t, const QString &none)
{
    if (t.isNone())
        return none;
    return t.isValid() ? cli::formatInstant(t.utc()) : t.toLocalDisplay();
}

} // namespace

void CliApp::keysCreate()
{
    const QString typeText = m_parser.value(QStringLiteral("type")).trimmed().toLower();
    KeyType type = KeyType::WorkspaceService;
    if (typeText == QLatin1String("admin"))
        type = KeyType::OrganisationService;
    else if (typeText == QLatin1String("user"))
        type = KeyType::WorkspaceUser;
    else if (m_parser.isSet(QStringLiteral("type")) && typeText != QLatin1String("service"))
        return fail(tr("--type “%1”: expected admin (Admin key), service or user (workspace keys)")
                        .arg(m_parser.value(QStringLiteral("type"))),
                    Usage);
    const QString workspace = m_parser.value(QStringLiteral("workspace")).trimmed();
    const QString user = m_parser.value(QStringLiteral("user")).trimmed();
    const bool hasScopes = m_parser.isSet(QStringLiteral("scope")) ||
                           m_parser.isSet(QStringLiteral("scopes")) ||
                           m_parser.isSet(QStringLiteral("preset"));
    if (m_command.size() > 2 || !m_parser.isSet(QStringLiteral("name")) || !hasScopes)
        return fail(
            tr("keys create needs --name NAME and at least one --scope SCOPE (or --scopes, --preset)"),
            Usage);
    if (type == KeyType::OrganisationService && m_parser.isSet(QStringLiteral("workspace")))
        return fail(tr("--workspace does not apply to Admin keys, which act on the whole organisation"),
                    Usage);
    if (type != KeyType::OrganisationService && workspace.isEmpty())
        return fail(
            tr("keys create needs --workspace WORKSPACE (id, slug or name) for service and user keys"),
            Usage);
    if (type == KeyType::WorkspaceUser && user.isEmpty())
        return fail(tr("a user key needs --user ID-or-email: the workspace member it is for"), Usage);
    if (type != KeyType::WorkspaceUser && m_parser.isSet(QStringLiteral("user")))
        return fail(tr("--user only applies to user keys (--type user)"), Usage);
    for (const char *flag : {"clear-expiry", "clear-usage-limit", "clear-rate-limits", "clear-rotation",
                             "clear-alert-emails", "reset-usage"}) {
        if (m_parser.isSet(QString::fromLatin1(flag)))
            return fail(tr("--%1 only applies to keys update").arg(QString::fromLatin1(flag)), Usage);
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    cli::KeyOptions options;
    if (const QString error = cli::KeyOptions::parse(m_parser, type, now, &options); !error.isEmpty())
        return fail(error, Usage);
    ApiKeyDraft draft;
    draft.keyType = type;
    if (const QString error = cli::applyToDraft(options, now, &draft); !error.isEmpty())
        return fail(error, Usage);
    if (options.blocksAllTraffic() &&
        !confirm(tr("A limit of 0 blocks all traffic of the new key."), tr("create a key whose limit is 0"),
                 tr("nothing was created")))
        return;

    withSession(false, [this, draft, workspace, user]() mutable {
        const CacheSnapshot &snap = m_session->snapshot();
        const WorkspaceDirectory dir(snap.workspaces);
        QString unknownWorkspace;
        if (draft.keyType != KeyType::OrganisationService) {
            const std::optional<Workspace> ws = findWorkspace(dir, workspace, &unknownWorkspace);
            draft.workspaceId = ws ? ws->id : workspace;
        }
        const QString pathType = draft.keyType == KeyType::OrganisationService
                                     ? QStringLiteral("organisation")
                                     : QStringLiteral("workspace");
        const QString pathSubType =
            draft.keyType == KeyType::WorkspaceUser ? QStringLiteral("user") : QStringLiteral("service");
        const access::Decision decision = access::AccessPolicy::decideCreateKey(
            m_session->principal(), pathType, pathSubType, draft.workspaceId, draft.scopes);
        if (!decision.allowed)
            return fail(tr("not allowed: %1. Use a profile whose key may do this (see `whoami`)")
                            .arg(decision.reason));
        // After the policy, which names the workspace a workspace key is confined to: a key that may not list
        // workspaces knows only its own; otherwise the reference must resolve.
        if (draft.keyType != KeyType::OrganisationService && !dir.isEmpty() && !unknownWorkspace.isEmpty() &&
            draft.workspaceId != m_session->principal().workspace)
            return fail(QString(QStringLiteral("--workspace: ") + unknownWorkspace));
        if (draft.keyType == KeyType::WorkspaceUser) {
            // The key's user must be a member of its workspace (ADMIN-API.md §2): checked against the cached
            // member list when the profile's key can read it; otherwise the server decides.
            const QList<WorkspaceMember> members = snap.members.value(draft.workspaceId);
            const auto member =
                std::find_if(members.cbegin(), members.cend(), [&user](const WorkspaceMember &m) {
                    return m.id == user || m.email.compare(user, Qt::CaseInsensitive) == 0;
                });
            if (member != members.cend()) {
                draft.userId = member->id;
            } else if (snap.members.contains(draft.workspaceId)) {
                return fail(
                    tr("--user “%1” is not a member of workspace %2. Pick a member of that workspace, "
                       "or add the user to it first")
                        .arg(user, workspaceLabel(dir, draft.workspaceId)));
            } else if (user.contains(QLatin1Char('@'))) {
                const auto known =
                    std::find_if(snap.users.cbegin(), snap.users.cend(), [&user](const User &u) {
                        return u.email.compare(user, Qt::CaseInsensitive) == 0;
                    });
                if (known == snap.users.cend())
                    return fail(tr("--user “%1”: no user with this e-mail is known to this profile. Give the "
                                   "user's id instead")
                                    .arg(user));
                draft.userId = known->id;
            } else {
                draft.userId = user;
            }
        }
        const QStringList warnings = cli::leastPrivilegeWarnings(draft);
        const QString where = draft.keyType == KeyType::OrganisationService
                                  ? tr("the organisation")
                                  : tr("workspace %1").arg(workspaceLabel(dir, draft.workspaceId));
        m_session->createKey(draft, [this, warnings, where, draft](const CreateKeyResult &r) {
            switch (r.outcome) {
            case CreateKeyResult::Outcome::Created:
                break;
            case CreateKeyResult::Outcome::CreatedWithoutSecret:
                return fail(
                    tr("created, secret not received — rotate it to get one: key “%1” (%2) exists, but the "
                       "server's answer was lost. Run `keys rotate %2`")
                        .arg(draft.name, r.keyId));
            case CreateKeyResult::Outcome::NotCreated:
                if (r.error.kind == ApiError::Kind::Http)
                    return failWithServerError(r.error, tr("nothing was created"));
                // A lost reply was resolved by re-listing, and the message says so; anything else (e.g. no
                // connection) never reached the server.
                if (r.error.writeMayHaveApplied())
                    return fail(r.message);
                return fail(QString(oneLine(r.message) + QLatin1Char(' ') + tr("Nothing was created.")));
            case CreateKeyResult::Outcome::Unknown:
                return fail(r.message);
            }
            if (!secretIsPrintable(r.secret.secret))
                return fail(malformedSecret(r.keyId));
            QByteArray secret = r.secret.secret;
            if (m_json) {
                QString text = QString::fromUtf8(secret);
                QJsonObject out{{QStringLiteral("id"), r.keyId}, {QStringLiteral("key"), text}};
                if (!warnings.isEmpty())
                    out.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
                printJson(out);
                wipe(text);
            } else {
                print(tr("Created %1 %2 in %3.\nSecret (shown only once, store it now):\n")
                          .arg(keyTypeLabel(draft.keyType).toLower(), r.keyId, where));
                writeTo(stdout, secret + '\n');
            }
            wipe(secret);
            for (const QString &w : warnings)
                writeTo(
                    stderr,
                    QString(tr("warning: ") + oneLine(cli::terminalSafe(w)) + QLatin1Char('\n')).toUtf8());
            finish(Ok);
        });
    });
}

void CliApp::keysUpdate()
{
    if (m_command.size() != 3)
        return fail(tr("keys update needs exactly one key ID (see `keys list`)"), Usage);
    for (const char *fixed : {"type", "user", "workspace"}) {
        if (m_parser.isSet(QString::fromLatin1(fixed)))
            return fail(
                tr("--%1 cannot be changed by keys update: a key's type, user and workspace are fixed. "
                   "Create a new key instead")
                    .arg(QString::fromLatin1(fixed)),
                Usage);
    }
    const QString id = m_command.at(2);
    withSession(false, [this, id] {
        const ApiKey *key = cachedKey(id);
        if (!key)
            return;
        const std::optional<access::Action> action =
            access::keyAction(key->keyType(), access::KeyVerb::Update);
        if (!action)
            return fail(tr("key %1 has an unknown type (%2) and cannot be changed by this program")
                            .arg(id, key->type));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        cli::KeyOptions options;
        if (const QString error = cli::KeyOptions::parse(m_parser, key->keyType(), now, &options);
            !error.isEmpty())
            return fail(error, Usage);
        if (options.isEmpty())
            return fail(tr("keys update needs at least one field to change (see --help)"), Usage);
        QJsonObject body;
        if (const QString error = cli::updateBody(options, *key, now, &body); !error.isEmpty())
            return fail(error, Usage);
        const access::Decision decision =
            access::AccessPolicy::decide(m_session->principal(), *action, access::Target::forKey(*key));
        if (!decision.allowed)
            return fail(
                tr("not allowed to change “%1”: %2. Use a profile whose key may do this (see `whoami`)")
                    .arg(key->name, decision.reason));
        const WorkspaceDirectory dir(m_session->snapshot().workspaces);
        if (options.blocksAllTraffic() &&
            !confirm(tr("A limit of 0 blocks all traffic of %1.").arg(describeKey(*key, dir)),
                     tr("set a limit of 0"), tr("nothing was changed")))
            return;
        if (options.resetUsage &&
            !confirm(
                tr("Reset the usage of %1? Spending counts from zero again.").arg(describeKey(*key, dir)),
                tr("reset usage"), tr("nothing was changed")))
            return;
        const QString name = key->name;
        const QStringList fields = body.keys();
        m_session->updateKey(id, body, [this, id, name, fields](const KeyWriteResult &r) {
            if (r.error.writeMayHaveApplied())
                return fail(mayHaveApplied(tr("the change"), id));
            if (r.error.isError())
                return failWithServerError(r.error, tr("nothing was changed"));
            const QList<ApiKey> &keys = m_session->snapshot().keys;
            const auto it =
                std::find_if(keys.cbegin(), keys.cend(), [&id](const ApiKey &k) { return k.id == id; });
            if (m_json)
                printJson(it != keys.cend() ? it->toJson() : QJsonObject{{QStringLiteral("id"), id}});
            else
                print(tr("Updated key “%1” (%2): %3.\n").arg(name, id, fields.join(QStringLiteral(", "))));
            finish(Ok);
        });
    });
}

void CliApp::keysRotate()
{
    if (m_command.size() != 3)
        return fail(tr("keys rotate needs exactly one key ID (see `keys list`)"), Usage);
    std::optional<qint64> transition;
    if (m_parser.isSet(QStringLiteral("transition"))) {
        qint64 ms = 0;
        if (const QString error = cli::parseTransition(m_parser.value(QStringLiteral("transition")), &ms);
            !error.isEmpty())
            return fail(error, Usage);
        transition = ms;
    }
    if (!m_parser.isSet(QStringLiteral("yes")) && !stdinIsTerminal())
        return fail(tr("refusing to rotate without confirmation. Pass --yes to rotate non-interactively"),
                    Usage);
    const QString id = m_command.at(2);
    withSession(false, [this, id, transition] {
        const ApiKey *key = cachedKey(id);
        if (!key)
            return;
        const std::optional<access::Action> action =
            access::keyAction(key->keyType(), access::KeyVerb::Rotate);
        if (!action)
            return fail(tr("key %1 has an unknown type (%2) and cannot be rotated by this program")
                            .arg(id, key->type));
        const access::Decision decision =
            access::AccessPolicy::decide(m_session->principal(), *action, access::Target::forKey(*key));
        if (!decision.allowed)
            return fail(
                tr("not allowed to rotate “%1”: %2. Use a profile whose key may do this (see `whoami`)")
                    .arg(key->name, decision.reason));
        // At most two secrets at a time: rotating again is blocked until the old one expires (ADMIN-API.md
        // §9).
        if (key->inTransition(QDateTime::currentDateTimeUtc()))
            return fail(
                tr("“%1” is already being rotated: its old secret stays valid until %2. Rotate it again "
                   "after that")
                    .arg(key->name, cli::formatInstant(key->keyTransitionExpiresAt.utc())));
        const bool own = !m_session->principal().keyId.isEmpty() && m_session->principal().keyId == id;
        const WorkspaceDirectory dir(m_session->snapshot().workspaces);
        const qint64 period = transition.value_or(kMinTransitionPeriodMs);
        if (!confirm(
                tr("Rotate %1? Its current secret stops working %2 after the rotation%3.")
                    .arg(describeKey(*key, dir), cli::formatDuration(period),
                         own ? tr("; it is this profile's own key, so the keychain gets the new secret first")
                             : QString()),
                tr("rotate"), tr("nothing was rotated")))
            return;
        const QString name = key->name;
        m_session->rotateKey(id, transition, [this, id, name, own](const KeyWriteResult &r) {
            if (r.secret.secret.isEmpty()) {
                if (r.error.writeMayHaveApplied())
                    return fail(mayHaveApplied(tr("the rotation"), id));
                return failWithServerError(r.error, tr("nothing was rotated"));
            }
            if (!secretIsPrintable(r.secret.secret))
                return fail(malformedSecret(id));
            QByteArray secret = r.secret.secret;
            const Timestamp until = r.secret.transitionExpiresAt;
            if (m_json) {
                QString text = QString::fromUtf8(secret);
                printJson(QJsonObject{{QStringLiteral("id"), id},
                                      {QStringLiteral("key"), text},
                                      {QStringLiteral("key_transition_expires_at"), until.toJson()}});
                wipe(text);
            } else {
                print(tr("Rotated key “%1” (%2).\nNew secret (shown only once, store it now):\n")
                          .arg(name, id));
                writeTo(stdout, secret + '\n');
                print(tr("Old secret valid until %1.\n").arg(instantOr(until, tr("the server's default"))));
            }
            wipe(secret);
            if (r.error.isError())
                return fail(r.message);
            if (own)
                writeTo(stderr,
                        QString(tr("note: ") + oneLine(cli::terminalSafe(r.message)) + QLatin1Char('\n'))
                            .toUtf8());
            finish(Ok);
        });
    });
}

void CliApp::keysShow()
{
    if (m_command.size() != 3)
        return fail(tr("keys show needs exactly one key ID (see `keys list`)"), Usage);
    const QString id = m_command.at(2);
    withSession(m_parser.isSet(QStringLiteral("refresh")), [this, id] {
        const ApiKey *key = cachedKey(id);
        if (!key)
            return;
        if (m_json) {
            printJson(key->toJson());
            return finish(Ok);
        }
        const ApiKey &k = *key;
        const CacheSnapshot &snap = m_session->snapshot();
        const WorkspaceDirectory dir(snap.workspaces);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QList<QStringList> rows;
        rows.append({tr("ID:"), k.id});
        rows.append({tr("Name:"), k.name});
        if (!k.description.isEmpty())
            rows.append({tr("Description:"), k.description});
        rows.append({tr("Key:"), k.maskedKey});
        rows.append({tr("Type:"), QStringLiteral("%1 (%2)").arg(keyTypeLabel(k.keyType()), k.type)});
        rows.append({tr("Workspace:"), k.workspaceId.isEmpty()
                                           ? tr("(organisation)")
                                           : QStringLiteral("%1 (%2)").arg(workspaceLabel(dir, k.workspaceId),
                                                                           dir.canonicalId(k.workspaceId))});
        if (!k.userId.isEmpty()) {
            QString who = k.userId;
            for (const User &u : snap.users) {
                if (u.id == k.userId)
                    who = QStringLiteral("%1 <%2> (%3)").arg(u.displayName(), u.email, u.id);
            }
            rows.append({tr("User:"), who});
        }
        rows.append({tr("Status:"), k.status});
        rows.append({tr("Scopes:"), k.scopes.join(QStringLiteral(", "))});
        QStringList limits;
        for (const RateLimit &r : k.rateLimits)
            limits.append(r.value == 0 ? tr("%1 %2: 0 (blocks all traffic)").arg(r.type, r.unit)
                                       : QStringLiteral("%1 %2: %3").arg(r.type, r.unit).arg(r.value));
        rows.append({tr("Rate limits:"), limits.isEmpty() ? tr("none") : limits.join(QStringLiteral("; "))});
        rows.append({tr("Usage limit:"), k.usageLimits ? usageText(*k.usageLimits) : tr("none")});
        rows.append({tr("Expires:"), instantOr(k.expiresAt, tr("never"))});
        if (k.rotationPolicy) {
            const RotationPolicy &p = *k.rotationPolicy;
            QString text =
                !p.rotationPeriod.isEmpty()
                    ? p.rotationPeriod
                    : (p.rotationPeriodDays ? tr("every %1 days").arg(*p.rotationPeriodDays) : tr("once"));
            if (p.keyTransitionPeriodMs)
                text += tr(", transition %1").arg(cli::formatDuration(*p.keyTransitionPeriodMs));
            if (p.nextRotationAt.isValid())
                text += tr(", next rotation %1").arg(cli::formatInstant(p.nextRotationAt.utc()));
            if (!p.status.isEmpty())
                text += QStringLiteral(" [%1]").arg(p.status);
            rows.append({tr("Rotation:"), text});
        } else {
            rows.append({tr("Rotation:"), tr("none")});
        }
        rows.append(
            {tr("Transition:"),
             k.inTransition(now)
                 ? tr("old secret valid until %1").arg(cli::formatInstant(k.keyTransitionExpiresAt.utc()))
                 : tr("none in progress")});
        if (!k.alertEmails.isEmpty())
            rows.append({tr("Alert e-mails:"), k.alertEmails.join(QStringLiteral(", "))});
        if (!k.defaultsMetadata.isEmpty()) {
            QStringList pairs;
            for (auto it = k.defaultsMetadata.constBegin(); it != k.defaultsMetadata.constEnd(); ++it)
                pairs.append(QStringLiteral("%1=%2").arg(it.key(), it.value().toVariant().toString()));
            rows.append({tr("Metadata:"), pairs.join(QStringLiteral(", "))});
        }
        if (!k.defaultsConfigId.isEmpty())
            rows.append({tr("Config:"), k.defaultsConfigId});
        rows.append({tr("Created:"), instantOr(k.createdAt, tr("unknown"))});
        rows.append({tr("Updated:"), instantOr(k.lastUpdatedAt, tr("unknown"))});
        print(table(rows));
        finish(Ok);
    });
}

void CliApp::keysRevoke()
{
    // Each key once: the same id twice would be revoked once and then reported as failed.
    QStringList ids = m_command.mid(2);
    ids.removeDuplicates();
    if (ids.isEmpty())
        return fail(tr("keys revoke needs at least one key ID (see `keys list`)"), Usage);
    if (!m_parser.isSet(QStringLiteral("yes")) && !stdinIsTerminal())
        return fail(tr("refusing to revoke without confirmation. Pass --yes to revoke non-interactively"),
                    Usage);
    withSession(false, [this, ids] {
        QStringList names;
        const WorkspaceDirectory dir(m_session->snapshot().workspaces);
        for (const QString &id : ids) {
            const ApiKey *key = cachedKey(id);
            if (!key)
                return;
            const std::optional<access::Action> action =
                access::keyAction(key->keyType(), access::KeyVerb::Delete);
            if (!action)
                return fail(tr("key %1 has an unknown type (%2) and cannot be revoked by this program")
                                .arg(id, key->type));
            const access::Decision decision =
                access::AccessPolicy::decide(m_session->principal(), *action, access::Target::forKey(*key));
            if (!decision.allowed)
                return fail(
                    tr("not allowed to revoke “%1”: %2. Use a profile whose key may do this (see `whoami`)")
                        .arg(key->name, decision.reason));
            names.append(describeKey(*key, dir));
        }
        // Revoking the profile's own key works, but leaves the profile without access (ROLES.md "Errors":
        // 401 AB05 from then on): said before asking, and on stderr when --yes answers for the user.
        const QString ownId = m_session->principal().keyId;
        const bool own = !ownId.isEmpty() && ids.contains(ownId);
        const QString profileName = m_session->profile().name;
        const QString regain =
            m_session->profile().isSandbox()
                ? tr("for the rest of this run (the next --sandbox run starts afresh)")
                : tr("until it gets a new key with `profile set-key %1`").arg(shellArg(profileName));
        const QString ownNote = own ? tr("%1 is this profile's own API key: once it is revoked, the profile "
                                         "“%2” loses access %3.")
                                          .arg(ownId, profileName, regain)
                                    : QString();
        if (!confirm(QString(tr("Revoke %1? Apps using these keys stop working.")
                                 .arg(names.join(QStringLiteral(", "))) +
                             (own ? QString(QLatin1Char(' ') + ownNote) : QString())),
                     tr("revoke"), tr("nothing was revoked")))
            return;
        if (own && m_parser.isSet(QStringLiteral("yes")))
            writeTo(stderr,
                    QString(tr("warning: ") + cli::terminalSafe(ownNote) + QLatin1Char('\n')).toUtf8());
        m_session->revokeKeys(ids, [this, own, ownId, profileName, regain](const RevokeKeysResult &r) {
            // The re-list after revoking the profile's own key is refused (401): the revoke itself worked.
            const bool ownGone =
                own && r.revokedIds.contains(ownId) && r.failedIds.isEmpty() && r.error.isUnauthorized();
            if (m_json) {
                QJsonArray failed;
                for (const QString &id : r.failedIds)
                    failed.append(
                        QJsonObject{{QStringLiteral("id"), id},
                                    {QStringLiteral("error"), cliErrorText(r.errors.value(id, r.error))}});
                QJsonObject out{{QStringLiteral("revoked"), QJsonArray::fromStringList(r.revokedIds)},
                                {QStringLiteral("failed"), failed}};
                if (ownGone)
                    out.insert(QStringLiteral("profile_key_revoked"), true);
                printJson(out);
            } else {
                for (const QString &id : r.revokedIds)
                    print(tr("Revoked %1.\n").arg(id));
            }
            if (ownGone) {
                writeTo(stderr, cli::terminalSafe(tr("note: the API key of profile “%1” was revoked and no "
                                                     "longer works: the profile has no access %2.\n")
                                                      .arg(profileName, regain),
                                                  true)
                                    .toUtf8());
                return finish(Ok);
            }
            if (!r.ok())
                return fail(
                    r.failedIds.isEmpty()
                        ? cliErrorText(r.error, profileName)
                        : tr("%1 not revoked: %2")
                              .arg(r.failedIds.join(QStringLiteral(", ")),
                                   cliErrorText(r.errors.value(r.failedIds.first(), r.error), profileName)));
            finish(Ok);
        });
    });
}

void CliApp::keysScopes()
{
    QList<std::pair<QString, KeyType>> types{{QStringLiteral("admin"), KeyType::OrganisationService},
                                             {QStringLiteral("service"), KeyType::WorkspaceService},
                                             {QStringLiteral("user"), KeyType::WorkspaceUser}};
    if (m_parser.isSet(QStringLiteral("type"))) {
        const QString wanted = m_parser.value(QStringLiteral("type")).trimmed().toLower();
        const auto it = std::find_if(types.cbegin(), types.cend(),
                                     [&wanted](const auto &t) { return t.first == wanted; });
        if (it == types.cend())
            return fail(tr("--type “%1”: expected admin (Admin key), service or user (workspace keys)")
                            .arg(m_parser.value(QStringLiteral("type"))),
                        Usage);
        types = {*it};
    }
    QJsonArray json;
    QString out;
    for (const auto &[option, type] : std::as_const(types)) {
        QJsonArray groups;
        out += tr("%1s (--type %2):\n").arg(keyTypeLabel(type), option);
        for (const ScopeGroup &g : scopeGroups(type)) {
            groups.append(QJsonObject{{QStringLiteral("title"), g.title},
                                      {QStringLiteral("scopes"), QJsonArray::fromStringList(g.scopes)}});
            out += QStringLiteral("  %1:\n    %2\n").arg(g.title, wrapList(g.scopes, 96, 4));
        }
        QJsonArray presets;
        out += tr("  Presets (--preset NAME):\n");
        for (const ScopePreset &p : scopePresets(type)) {
            presets.append(QJsonObject{{QStringLiteral("name"), cli::presetSlug(p.name)},
                                       {QStringLiteral("scopes"), QJsonArray::fromStringList(p.scopes)}});
            out += QStringLiteral("    %1: %2\n")
                       .arg(cli::presetSlug(p.name), p.scopes.join(QStringLiteral(", ")));
        }
        out += QLatin1Char('\n');
        json.append(QJsonObject{{QStringLiteral("type"), option},
                                {QStringLiteral("groups"), groups},
                                {QStringLiteral("presets"), presets}});
    }
    if (m_json)
        printJson(json);
    else
        print(out);
    finish(Ok);
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
            for (const QString &l : lines) {
                // A long list (the key's scopes) gets a line per resource: "workspaces: create, read, …".
                const qsizetype colon = l.indexOf(QStringLiteral(": "));
                if (l.size() > 100 && colon > 0)
                    out += QStringLiteral("  %1:\n%2")
                               .arg(l.left(colon), groupedList(l.mid(colon + 2).split(QStringLiteral(", "))));
                else
                    out += QStringLiteral("  ") + l + QLatin1Char('\n');
            }
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
