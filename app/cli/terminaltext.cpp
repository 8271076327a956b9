#include "cli/terminaltext.h"

namespace pk::cli {

namespace {

constexpr char16_t esc = 0x1b;
constexpr char16_t bel = 0x07;

bool isC1(char16_t c)
{
    return c >= 0x80 && c < 0xa0;
}

bool isBidiControl(char16_t c)
{
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// Index just past a string control sequence (OSC, DCS, SOS, PM, APC) whose body starts at `i`: it ends at
// BEL, ST (ESC \) or the 8-bit ST (U+009C); an unterminated one runs to the end of the text.
qsizetype skipControlString(const QString &text, qsizetype i)
{
    for (; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c == bel || c == 0x9c)
            return i + 1;
        if (c == esc && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\\'))
            return i + 2;
    }
    return i;
}

// Index just past a CSI sequence whose parameters start at `i`: parameter and intermediate bytes
// (0x20–0x3F) up to one final byte (0x40–0x7E).
qsizetype skipCsi(const QString &text, qsizetype i)
{
    for (; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c >= 0x40 && c <= 0x7e)
            return i + 1;
        if (c < 0x20 || c > 0x3f)
            return i; // malformed: drop what was read, keep the rest as text
    }
    return i;
}

} // namespace

QString terminalSafe(const QString &text, bool multiLine)
{
    QString out;
    out.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size()) {
        const char16_t c = text.at(i).unicode();
        if (c == esc) {
            if (i + 1 >= text.size()) {
                ++i;
                continue;
            }
            const char16_t kind = text.at(i + 1).unicode();
            if (kind == u'[')
                i = skipCsi(text, i + 2);
            else if (kind == u']' || kind == u'P' || kind == u'X' || kind == u'^' || kind == u'_')
                i = skipControlString(text, i + 2);
            else
                i += 2; // ESC x: a two-character escape (charset, keypad mode, reset, …)
            continue;
        }
        if (c == 0x9b) { // 8-bit CSI
            i = skipCsi(text, i + 1);
            continue;
        }
        if (c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f) { // 8-bit OSC, DCS, SOS, PM, APC
            i = skipControlString(text, i + 1);
            continue;
        }
        ++i;
        if (c == u'\n' || c == u'\t') {
            out += multiLine ? QChar(c) : QLatin1Char(' ');
            continue;
        }
        if (c < 0x20 || c == 0x7f || isC1(c) || isBidiControl(c))
            continue;
        out += QChar(c);
    }
    return out;
}

} // namespace pk::cli
