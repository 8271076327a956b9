#pragma once

#include <QString>

namespace pk::cli {

/// Makes server-supplied text (key names, error messages, e-mail addresses, anything the Admin API
/// returns) safe to print on a terminal: removes ESC sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`,
/// DCS/SOS/PM/APC strings up to ST, and two-byte `ESC x`), their 8-bit C1 forms (U+009B CSI, U+009D OSC,
/// …), every other C0 and C1 control character and DEL, and the Unicode bidirectional overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) that reorder what the terminal shows. With `multiLine`, `\n`
/// is kept (and `\t`); otherwise both become a space. Used for every server-supplied string the CLI
/// prints, in text and in `--json` error output alike.
QString terminalSafe(const QString &text, bool multiLine = false);

} // namespace pk::cli
