#include "secrets/secretbuffer.h"

#include <QtTest>

#include <type_traits>

using pk::SecretBuffer;

class TestSecretBuffer : public QObject
{
    Q_OBJECT
private slots:
    void isMoveOnly();
    void takeWipesSource();
    void moveTransfersOwnership();
    void viewIsNonOwning();
    void toHexAndEquals();
    void clearEmpties();
    void wipeString();
    void wipeSharedArrayLeavesOtherCopy();
};

void TestSecretBuffer::isMoveOnly()
{
    static_assert(!std::is_copy_constructible_v<SecretBuffer>);
    static_assert(!std::is_copy_assignable_v<SecretBuffer>);
    static_assert(std::is_nothrow_move_constructible_v<SecretBuffer>);
    static_assert(std::is_nothrow_move_assignable_v<SecretBuffer>);
    QVERIFY(SecretBuffer().isEmpty());
}

void TestSecretBuffer::takeWipesSource()
{
    QByteArray source("pk-test-secret-1234");
    const qsizetype size = source.size();
    SecretBuffer buffer = SecretBuffer::take(source);
    QVERIFY(source.isEmpty());
    QCOMPARE(buffer.size(), size);
    QCOMPARE(buffer.view(), QByteArray("pk-test-secret-1234"));

    QString text = QStringLiteral("pässwörd");
    SecretBuffer utf8 = SecretBuffer::takeUtf8(text);
    QVERIFY(text.isEmpty());
    QCOMPARE(utf8.view(), QStringLiteral("pässwörd").toUtf8());
    QString back = utf8.toUtf8String();
    QCOMPARE(back, QStringLiteral("pässwörd"));
    pk::wipe(back);
    QVERIFY(back.isEmpty());
}

void TestSecretBuffer::moveTransfersOwnership()
{
    SecretBuffer a("abc", 3);
    const char *data = a.data();
    SecretBuffer b(std::move(a));
    QVERIFY(a.isEmpty()); // NOLINT(bugprone-use-after-move): the moved-from state is specified
    QCOMPARE(b.data(), data);
    SecretBuffer c("xyz", 3);
    c = std::move(b);
    QCOMPARE(c.view(), QByteArray("abc"));
    SecretBuffer d = c.clone();
    QVERIFY(d.data() != c.data());
    QVERIFY(d.equals(c));
}

void TestSecretBuffer::viewIsNonOwning()
{
    SecretBuffer buffer("secret", 6);
    const QByteArray view = buffer.view();
    QCOMPARE(view.constData(), buffer.data());
    QCOMPARE(view, QByteArray("secret"));
}

void TestSecretBuffer::toHexAndEquals()
{
    const char bytes[] = {'\x00', '\x01', '\xab', '\xff'};
    SecretBuffer buffer(bytes, 4);
    QCOMPARE(buffer.toHex().view(), QByteArray("0001abff"));
    QVERIFY(buffer.equals(SecretBuffer(bytes, 4)));
    QVERIFY(!buffer.equals(SecretBuffer(bytes, 3)));
    QVERIFY(!buffer.equals(SecretBuffer("\x00\x01\xab\xfe", 4)));
}

void TestSecretBuffer::clearEmpties()
{
    SecretBuffer buffer("abc", 3);
    buffer.clear();
    QVERIFY(buffer.isEmpty());
    QCOMPARE(buffer.data(), nullptr);
    QVERIFY(buffer.view().isEmpty());
}

void TestSecretBuffer::wipeString()
{
    QString s = QStringLiteral("sk-live-abc");
    pk::wipe(s);
    QVERIFY(s.isEmpty());

    // wipeMemory() zeroes in place; checked on memory that stays allocated.
    QByteArray bytes("sk-live-abc");
    bytes.detach();
    pk::wipeMemory(bytes.data(), std::size_t(bytes.size()));
    QCOMPARE(bytes, QByteArray(11, '\0'));
}

void TestSecretBuffer::wipeSharedArrayLeavesOtherCopy()
{
    QByteArray a("shared-secret");
    a.detach();
    QByteArray b = a; // shares a's data
    pk::wipe(a);
    QVERIFY(a.isEmpty());
    QCOMPARE(b, QByteArray("shared-secret")); // documented: a shared copy is released, not zeroed
}

QTEST_GUILESS_MAIN(TestSecretBuffer)
#include "tst_secretbuffer.moc"
