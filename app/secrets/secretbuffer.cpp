#include "secrets/secretbuffer.h"

#include <cstring>
#include <utility>

#if defined(Q_OS_WIN)
#include <windows.h>
#endif

namespace pk {

void wipeMemory(void *data, std::size_t size)
{
    if (data == nullptr || size == 0)
        return;
#if defined(Q_OS_WIN)
    SecureZeroMemory(data, size);
#elif defined(__GLIBC__) || defined(__FreeBSD__) || defined(__OpenBSD__)
    explicit_bzero(data, size);
#else
    volatile unsigned char *p = static_cast<volatile unsigned char *>(data);
    while (size-- > 0)
        *p++ = 0;
#endif
}

void wipe(QByteArray &bytes)
{
    // data() detaches a shared array (copying it), so only wipe in place when this is the sole owner.
    if (bytes.isDetached() && !bytes.isEmpty())
        wipeMemory(bytes.data(), static_cast<std::size_t>(bytes.size()));
    bytes.clear();
}

void wipe(QString &text)
{
    if (text.isDetached() && !text.isEmpty())
        wipeMemory(text.data(), static_cast<std::size_t>(text.size()) * sizeof(QChar));
    text.clear();
}

SecretBuffer::SecretBuffer(const char *data, qsizetype size)
{
    if (data == nullptr || size <= 0)
        return;
    m_data = new char[static_cast<std::size_t>(size)];
    std::memcpy(m_data, data, static_cast<std::size_t>(size));
    m_size = size;
}

SecretBuffer SecretBuffer::take(QByteArray &bytes)
{
    SecretBuffer buffer(bytes.constData(), bytes.size());
    wipe(bytes);
    return buffer;
}

SecretBuffer SecretBuffer::takeUtf8(QString &text)
{
    QByteArray utf8 = text.toUtf8();
    wipe(text);
    return take(utf8);
}

SecretBuffer::~SecretBuffer()
{
    clear();
}

SecretBuffer::SecretBuffer(SecretBuffer &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0))
{}

SecretBuffer &SecretBuffer::operator=(SecretBuffer &&other) noexcept
{
    if (this != &other) {
        clear();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SecretBuffer SecretBuffer::clone() const
{
    return SecretBuffer(m_data, m_size);
}

QByteArray SecretBuffer::view() const
{
    if (m_data == nullptr)
        return QByteArray();
    return QByteArray::fromRawData(m_data, m_size);
}

SecretBuffer SecretBuffer::toHex() const
{
    static const char digits[] = "0123456789abcdef";
    SecretBuffer hex;
    if (m_size == 0)
        return hex;
    hex.m_size = m_size * 2;
    hex.m_data = new char[static_cast<std::size_t>(hex.m_size)];
    for (qsizetype i = 0; i < m_size; ++i) {
        const auto byte = static_cast<unsigned char>(m_data[i]);
        hex.m_data[2 * i] = digits[byte >> 4];
        hex.m_data[2 * i + 1] = digits[byte & 0x0f];
    }
    return hex;
}

QString SecretBuffer::toUtf8String() const
{
    return QString::fromUtf8(m_data, m_size);
}

void SecretBuffer::clear()
{
    if (m_data != nullptr) {
        wipeMemory(m_data, static_cast<std::size_t>(m_size));
        delete[] m_data;
    }
    m_data = nullptr;
    m_size = 0;
}

bool SecretBuffer::equals(const SecretBuffer &other) const
{
    if (m_size != other.m_size)
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < m_size; ++i)
        diff |= static_cast<unsigned char>(m_data[i] ^ other.m_data[i]);
    return diff == 0;
}

} // namespace pk
