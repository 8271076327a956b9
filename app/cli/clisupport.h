#pragma once

// What the commands of portkey-key-manager-cli share: output, one-line failures, server errors for a
// terminal user, workspace lookup by id, slug or name, and plain-text tables.

#include "domain/workspace.h"
#include "portkey/apierror.h"
#include "portkey/workspacedirectory.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <optional>
#include <utility>

namespace pk::cli {

/// Writes `bytes` to `stream` (stdout or stderr) and flushes it.
void writeTo(FILE *stream, const QByteArray &bytes);

/// A message on one line: line breaks become spaces, and it ends with a full stop.
QString oneLine(QString text);

/// `text` as one shell word for a suggested command: in double quotes when it holds anything but letters,
/// digits and `._-@` (with `\\`, `"`, `$` and the backtick escaped).
QString shellArg(const QString &text);

/// The text of a server error for a terminal user. ApiError::userText() speaks of the desktop app's
/// widgets for a rejected request (400 AB01) and a rejected key (401 AB05); here those name the command
/// line and `profile set-key` (naming `profileName`, when known) instead.
QString cliErrorText(const ApiError &e, const QString &profileName = QString());

/// Splits a one-line failure "what happened. What to do" at its first sentence end (a full stop followed by
/// a space and a capital letter, so "e.g. https://…" does not split).
std::pair<QString, QString> errorAndHint(const QString &line);

/// The workspace `ref` names: its id or slug (WorkspaceDirectory::resolve()), else its name (exact,
/// case-insensitive). Returns std::nullopt with `*error` set when nothing matches ("no workspace
/// named/identified …; known: Production (ws-production-d91662), …", at most kKnownWorkspacesShown of them,
/// then "and N more"), when the name matches several, or when `ref` is one workspace's slug and another's
/// name (each named with its id). An exact id is never ambiguous: ids are how a user settles the others.
std::optional<Workspace> findWorkspace(const WorkspaceDirectory &dir, const QString &ref, QString *error);

/// How many known workspaces a failed lookup lists before "and N more; see `workspaces list`".
constexpr int kKnownWorkspacesShown = 10;

/// The first option of `arguments` (as from QCoreApplication::arguments(), program name first) that takes
/// a value, is one of `valueOptions` (names without dashes) and is followed by an argument starting with
/// `--`, which QCommandLineParser would take as its value (`--name --yes` names something "--yes"). Returns
/// the usage error for it ("--name needs a value (got the option --yes); write --name=--yes if you mean
/// it"), or an empty string. Arguments after a lone `--` are operands and are not checked.
QString optionTakenAsValue(const QStringList &arguments, const QStringList &valueOptions);

/// True when `link` (an invite link as the server returned it) is an absolute http(s) URL with a host and
/// no whitespace or control characters, and so can be printed on one line as it is.
bool isPrintableUrl(const QString &link);

/// `rows` as a plain-text table: columns padded to their widest cell, cells made terminal-safe
/// (cli::terminalSafe()) first; the first row is the header.
QString table(QList<QStringList> rows);

} // namespace pk::cli
