#include "cli/clisupport.h"

#include "cli/terminaltext.h"

#include <QCoreApplication>
#include <QUrl>

#include <algorithm>

namespace pk::cli {

namespace {

/// `text` translated in the context of the CLI's other messages (pk::CliApp).
QString tr(const char *text)
{
    return QCoreApplication::translate("pk::CliApp", text);
}

} // namespace

void writeTo(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

QString oneLine(QString text)
{
    text = text.simplified();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char('!')) &&
        !text.endsWith(QLatin1Char('?')))
        text += QLatin1Char('.');
    return text;
}

QString shellArg(const QString &text)
{
    const bool plain = !text.isEmpty() && std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_') ||
               c == QLatin1Char('-') || c == QLatin1Char('@');
    });
    if (plain)
        return text;
    QString escaped = text;
    for (const QChar special : {QLatin1Char('\\'), QLatin1Char('"'), QLatin1Char('$'), QLatin1Char('`')})
        escaped.replace(special, QString(QLatin1Char('\\') + special));
    return QString(QLatin1Char('"') + escaped + QLatin1Char('"'));
}

QString cliErrorText(const ApiError &e, const QString &profileName)
{
    if (e.kind == ApiError::Kind::Http) {
        const QString code = e.code.toUpper();
        const QString server = e.message.isEmpty() ? QString() : tr(" (Server: %1)").arg(e.message);
        if (code == QLatin1String("AB01") || (code.isEmpty() && e.httpStatus == 400))
            return tr("Portkey rejected the request as invalid%1. Check the values given on the command "
                      "line and try again")
                .arg(server);
        if (code == QLatin1String("AB05") || e.httpStatus == 401)
            return tr("Portkey did not accept this profile's API key: it is invalid, expired or "
                      "revoked%1. Give the profile a valid key with `profile set-key %2`")
                .arg(server, profileName.isEmpty() ? QStringLiteral("NAME") : shellArg(profileName));
    }
    return e.userText();
}

std::pair<QString, QString> errorAndHint(const QString &line)
{
    for (qsizetype end = line.indexOf(QStringLiteral(". ")); end >= 0;
         end = line.indexOf(QStringLiteral(". "), end + 1)) {
        if (end + 2 < line.size() && line.at(end + 2).isUpper())
            return {line.left(end + 1), line.mid(end + 2).trimmed()};
    }
    return {line, QString()};
}

namespace {

/// "Name (id)" for a workspace in a failure.
QString labelled(const Workspace &w)
{
    return QStringLiteral("%1 (%2)").arg(w.name, w.id);
}

/// The failure for a reference that names no workspace: the first kKnownWorkspacesShown known ones.
QString unknownWorkspace(const QList<Workspace> &workspaces, const QString &ref)
{
    if (workspaces.isEmpty())
        return tr("no workspace named/identified “%1” is known to this profile. Run `sync`, then "
                  "`workspaces list`")
            .arg(ref);
    QStringList known;
    for (const Workspace &w : workspaces.first(std::min<qsizetype>(workspaces.size(), kKnownWorkspacesShown)))
        known.append(labelled(w));
    const qsizetype more = workspaces.size() - known.size();
    if (more > 0)
        known.append(tr("and %1 more; see `workspaces list`").arg(more));
    return tr("no workspace named/identified “%1”; known: %2").arg(ref, known.join(QStringLiteral(", ")));
}

} // namespace

std::optional<Workspace> findWorkspace(const WorkspaceDirectory &dir, const QString &ref, QString *error)
{
    const std::optional<Workspace> bySlug = dir.resolve(ref);
    if (bySlug && bySlug->id == ref)
        return bySlug;
    QList<Workspace> named;
    for (const Workspace &w : dir.workspaces()) {
        if (w.name.compare(ref, Qt::CaseInsensitive) == 0 && (!bySlug || w.id != bySlug->id))
            named.append(w);
    }
    if (bySlug && named.isEmpty())
        return bySlug;
    if (bySlug) {
        *error = tr("“%1” is ambiguous: it is the slug of %2 and the name of %3. Give the id instead")
                     .arg(ref, labelled(*bySlug), labelled(named.first()));
        return std::nullopt;
    }
    if (named.size() == 1)
        return named.first();
    if (named.isEmpty()) {
        *error = unknownWorkspace(dir.workspaces(), ref);
        return std::nullopt;
    }
    QStringList candidates;
    for (const Workspace &w : std::as_const(named))
        candidates.append(labelled(w));
    *error = tr("several workspaces are named “%1”: %2. Give the id instead")
                 .arg(ref, candidates.join(QStringLiteral(", ")));
    return std::nullopt;
}

QString optionTakenAsValue(const QStringList &arguments, const QStringList &valueOptions)
{
    for (qsizetype i = 1; i + 1 < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        if (arg == QLatin1String("--"))
            break;
        const QString &next = arguments.at(i + 1);
        if (arg.startsWith(QLatin1String("--")) && valueOptions.contains(arg.mid(2)) &&
            next.startsWith(QLatin1String("--")))
            return tr("%1 needs a value (got the option %2); write %1=%2 if you mean it").arg(arg, next);
    }
    return {};
}

bool isPrintableUrl(const QString &link)
{
    const bool plain = std::none_of(link.cbegin(), link.cend(), [](QChar c) {
        return c.isSpace() || c.category() == QChar::Other_Control || c.category() == QChar::Other_Format;
    });
    const QUrl url(link, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    return plain && url.isValid() && !url.host().isEmpty() &&
           (scheme == QLatin1String("https") || scheme == QLatin1String("http"));
}

QString table(QList<QStringList> rows)
{
    // Cells hold server text (names, descriptions): made terminal-safe before the widths are measured.
    for (QStringList &row : rows) {
        for (QString &cell : row)
            cell = cli::terminalSafe(cell);
    }
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

} // namespace pk::cli
