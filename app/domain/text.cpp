#include "domain/text.h"

namespace pk {

namespace {

bool isControlOrBidi(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f ||
           c == 0x061c || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

} // namespace

bool hasControlOrBidi(const QString &text)
{
    for (const QChar c : text) {
        if (isControlOrBidi(c.unicode()))
            return true;
    }
    return false;
}

} // namespace pk
