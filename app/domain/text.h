#pragma once

#include <QString>

namespace pk {

/// True when `text` holds a character that can rewrite how text is shown instead of being shown itself:
/// a C0 control (U+0000–U+001F, including tab, newline, carriage return and ESC, which starts terminal
/// escape sequences), DEL (U+007F), a C1 control (U+0080–U+009F), the line and paragraph separators
/// (U+2028, U+2029), or a bidirectional formatting character: the marks U+200E/U+200F and U+061C, the
/// embeddings and overrides U+202A–U+202E and the isolates U+2066–U+2069 (Unicode UAX #9; the "Trojan
/// Source" characters, CVE-2021-42574). Names, descriptions and e-mail addresses a person types are shown
/// in terminals, tables and audit logs, so such text is refused before it is sent or stored. Letters,
/// digits, punctuation, symbols and spaces of any script pass; so does the empty string (returns false).
bool hasControlOrBidi(const QString &text);

} // namespace pk
