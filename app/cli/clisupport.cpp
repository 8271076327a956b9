#include "cli/clisupport.h"

#include "cli/cliapp.h"
#include "cli/terminaltext.h"

#include <algorithm>

namespace pk::cli {

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
        const QString server = e.message.isEmpty() ? QString() : CliApp::tr(" (Server: %1)").arg(e.message);
        if (code == QLatin1String("AB01") || (code.isEmpty() && e.httpStatus == 400))
            return CliApp::tr(
                       "Portkey rejected the request as invalid%1. Check the values given on the command "
                       "line and try again")
                .arg(server);
        if (code == QLatin1String("AB05") || e.httpStatus == 401)
            return CliApp::tr("Portkey did not accept this profile's API key: it is invalid, expired or "
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

std::optional<Workspace> findWorkspace(const WorkspaceDirectory &dir, const QString &ref, QString *error)
{
    if (const std::optional<Workspace> ws = dir.resolve(ref))
        return ws;
    QList<Workspace> named;
    QStringList known;
    for (const Workspace &w : dir.workspaces()) {
        known.append(QStringLiteral("%1 (%2)").arg(w.name, w.id));
        if (w.name.compare(ref, Qt::CaseInsensitive) == 0)
            named.append(w);
    }
    if (named.size() == 1)
        return named.first();
    if (named.isEmpty()) {
        *error = known.isEmpty()
                     ? CliApp::tr("no workspace named/identified “%1” is known to this profile. Run `sync`, "
                                  "then `workspaces list`")
                           .arg(ref)
                     : CliApp::tr("no workspace named/identified “%1”; known: %2")
                           .arg(ref, known.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    QStringList candidates;
    for (const Workspace &w : std::as_const(named))
        candidates.append(QStringLiteral("%1 (%2)").arg(w.name, w.id));
    *error = CliApp::tr("several workspaces are named “%1”: %2. Give the id instead")
                 .arg(ref, candidates.join(QStringLiteral(", ")));
    return std::nullopt;
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
