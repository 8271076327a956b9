#pragma once

#include <QByteArray>
#include <QString>

#include <cstddef>

namespace pk {

/// Overwrites `size` bytes at `data` with zeros in a way the optimiser cannot drop (explicit_bzero).
void wipeMemory(void *data, std::size_t size);
/// Zeroes the bytes of `bytes` in place (when it is the only owner of its data) and clears it. A
/// QByteArray that shares its data with another copy is only released: the other copy keeps the bytes, so
/// move secrets around instead of copying them.
void wipe(QByteArray &bytes);
/// Zeroes the UTF-16 code units of `text` in place (when it is the only owner of its data) and clears it.
/// Same sharing caveat as wipe(QByteArray&).
void wipe(QString &text);

/// A move-only owner of secret bytes (an API key, a cache key). The bytes live in a private allocation
/// that is never shared, never copied implicitly, and zeroed on destruction, on clear() and when
/// overwritten by a move. Use it for every secret that leaves the keychain or the server's reply.
class SecretBuffer
{
public:
    SecretBuffer() = default;
    /// Copies `size` bytes from `data`. The caller wipes its own copy.
    SecretBuffer(const char *data, qsizetype size);
    /// Takes the bytes of `bytes` and wipes `bytes` (see wipe(QByteArray&)); `bytes` is empty afterwards.
    static SecretBuffer take(QByteArray &bytes);
    /// Takes the UTF-8 form of `text` and wipes `text`; `text` is empty afterwards.
    static SecretBuffer takeUtf8(QString &text);

    ~SecretBuffer();
    SecretBuffer(SecretBuffer &&other) noexcept;
    SecretBuffer &operator=(SecretBuffer &&other) noexcept;
    SecretBuffer(const SecretBuffer &) = delete;
    SecretBuffer &operator=(const SecretBuffer &) = delete;

    /// An explicit deep copy, for the rare case two owners are needed (e.g. a key kept for the session
    /// while a copy goes to the keychain).
    SecretBuffer clone() const;

    bool isEmpty() const { return m_size == 0; }
    /// Length in bytes.
    qsizetype size() const { return m_size; }
    /// The raw bytes; valid until this buffer is cleared, moved from or destroyed.
    const char *data() const { return m_data; }
    /// A non-owning QByteArray over the bytes (QByteArray::fromRawData) for APIs that take a QByteArray.
    /// Do not keep it: it dangles once this buffer is cleared, moved from or destroyed, and any copy a
    /// callee makes of it is not wiped.
    QByteArray view() const;
    /// Lower-case hexadecimal form of the bytes (2 × size() characters), itself a secret.
    SecretBuffer toHex() const;
    /// The bytes as UTF-8 text in a QString the caller must wipe() after use.
    QString toUtf8String() const;

    /// Zeroes and releases the bytes; the buffer is empty afterwards.
    void clear();

    /// Compares contents in time independent of where the first difference is.
    bool equals(const SecretBuffer &other) const;

private:
    char *m_data = nullptr;
    qsizetype m_size = 0;
};

} // namespace pk
