#include "secrets/apikeytext.h"

#include <QCoreApplication>

namespace pk {

namespace {

bool isAsciiSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

QString text(const char *source)
{
    return QCoreApplication::translate("pk::ApiKeyText", source);
}

// One character of the key (a byte of the SecretBuffer form, a UTF-16 unit of the QString form): Portkey
// keys are visible ASCII, the only safe content of an HTTP header value (RFC 9110 §5.5).
QString problemWith(char16_t c)
{
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        return text("The API key contains a line break or another control character; paste the key alone, "
                    "on one line.");
    if (c == 0x20 || QChar::isSpace(c))
        return text("The API key contains a space; paste the key alone, without spaces.");
    if (c > 0x7f)
        return text("The API key contains a character that is not plain ASCII (such as a typographic quote "
                    "or dash); copy the key again from Portkey.");
    return QString();
}

const QString emptyKey()
{
    return text("No API key was given; enter the key shown in Portkey's API keys page.");
}

} // namespace

void trimApiKey(SecretBuffer &key)
{
    qsizetype begin = 0;
    qsizetype end = key.size();
    while (begin < end && isAsciiSpace(key.data()[begin]))
        ++begin;
    while (end > begin && isAsciiSpace(key.data()[end - 1]))
        --end;
    if (begin == 0 && end == key.size())
        return;
    key = SecretBuffer(key.data() + begin, end - begin);
}

void trimApiKey(QString &key)
{
    qsizetype begin = 0;
    qsizetype end = key.size();
    while (begin < end && key.at(begin).unicode() < 0x80 && isAsciiSpace(char(key.at(begin).unicode())))
        ++begin;
    while (end > begin && key.at(end - 1).unicode() < 0x80 && isAsciiSpace(char(key.at(end - 1).unicode())))
        --end;
    if (begin == 0 && end == key.size())
        return;
    QString trimmed = key.mid(begin, end - begin);
    wipe(key);
    key = std::move(trimmed);
}

QString apiKeyProblem(const SecretBuffer &key)
{
    if (key.isEmpty())
        return emptyKey();
    for (qsizetype i = 0; i < key.size(); ++i) {
        if (const QString problem = problemWith(static_cast<unsigned char>(key.data()[i]));
            !problem.isEmpty())
            return problem;
    }
    return QString();
}

QString apiKeyProblem(const QString &key)
{
    if (key.isEmpty())
        return emptyKey();
    for (const QChar c : key) {
        if (const QString problem = problemWith(c.unicode()); !problem.isEmpty())
            return problem;
    }
    return QString();
}

} // namespace pk
