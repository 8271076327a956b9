#include "storage/cachestore.h"
#include "storage/profilestore.h"

#include <QtTest>

#include <QDirIterator>
#include <QSettings>
#include <QTemporaryDir>

using pk::Profile;
using pk::ProfileStore;

namespace {

Profile makeProfile(const QString &name, const QString &url = pk::portkeyCloudUrl())
{
    Profile p;
    p.name = name;
    p.baseUrl = url;
    return p;
}

} // namespace

class TestProfileStore : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void defaultLocation();
    void roundTrip();
    void namesAreUnique();
    void invalidInputIsRefused();
    void updateAndRemove();
    void lastUsed();
    void appSettings();
    void noSecretInSettings();
    void urlCarryingSecretsIsRefused_data();
    void urlCarryingSecretsIsRefused();
    void concurrentAddsKeepNamesUnique();

private:
    QString file() const { return m_dir->filePath(QStringLiteral("settings.ini")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestProfileStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestProfileStore::defaultLocation()
{
    ProfileStore store;
    QVERIFY(store.fileName().contains(QStringLiteral("Portkey")));
    QVERIFY(store.fileName().contains(QStringLiteral("Portkey Key Manager")));
}

void TestProfileStore::roundTrip()
{
    Profile cloud = makeProfile(QStringLiteral("Produktion – Zürich"));
    cloud.email = QStringLiteral("zoe@example.com");
    Profile sandbox =
        makeProfile(QStringLiteral("alpha sandbox"), QStringLiteral("http://127.0.0.1:8787/v1"));
    sandbox.persona = QStringLiteral("Org owner");
    QString error;
    {
        ProfileStore store(file());
        cloud.id = store.add(cloud, &error);
        QVERIFY2(!cloud.id.isEmpty(), qPrintable(error));
        QVERIFY(!QUuid::fromString(cloud.id).isNull());
        QVERIFY(!cloud.id.startsWith(QLatin1Char('{')));
        sandbox.id = QStringLiteral("fixed-id");
        QCOMPARE(store.add(sandbox, &error), QStringLiteral("fixed-id"));
        QVERIFY(store.sync());
    }
    ProfileStore store(file());
    const QList<Profile> all = store.profiles();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0), sandbox); // sorted by name, case-insensitive
    QCOMPARE(all.at(1), cloud);
    QVERIFY(all.at(0).isSandbox());
    QCOMPARE(store.profile(cloud.id).value(), cloud);
    QCOMPARE(store.profileByName(QStringLiteral("ALPHA SANDBOX")).value(), sandbox);
    QVERIFY(!store.profile(QStringLiteral("nope")));
}

void TestProfileStore::namesAreUnique()
{
    ProfileStore store(file());
    QString error;
    QVERIFY(!store.add(makeProfile(QStringLiteral("Work")), &error).isEmpty());
    QVERIFY(store.add(makeProfile(QStringLiteral(" work ")), &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("exists")));
    QCOMPARE(store.profiles().size(), 1);
    const QString other = store.add(makeProfile(QStringLiteral("Home")), &error);
    Profile renamed = store.profile(other).value();
    renamed.name = QStringLiteral("WORK");
    QVERIFY(!store.update(renamed, &error));
    QCOMPARE(store.profile(other)->name, QStringLiteral("Home"));
}

void TestProfileStore::invalidInputIsRefused()
{
    ProfileStore store(file());
    QString error;
    QVERIFY(store.add(makeProfile(QStringLiteral("  ")), &error).isEmpty());
    QVERIFY(!error.isEmpty());
    QVERIFY(
        store.add(makeProfile(QStringLiteral("x"), QStringLiteral("ftp://example.com")), &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("http(s)")));
    QVERIFY(store.add(makeProfile(QStringLiteral("x"), QStringLiteral("not a url")), &error).isEmpty());
    Profile slashed = makeProfile(QStringLiteral("x"));
    slashed.id = QStringLiteral("a/b");
    QVERIFY(store.add(slashed, &error).isEmpty());
    const QString id = store.add(makeProfile(QStringLiteral("x")), &error);
    QVERIFY(!id.isEmpty());
    Profile dup = makeProfile(QStringLiteral("y"));
    dup.id = id;
    QVERIFY(store.add(dup, &error).isEmpty());
    QCOMPARE(store.profiles().size(), 1);
}

void TestProfileStore::updateAndRemove()
{
    ProfileStore store(file());
    const QString id = store.add(makeProfile(QStringLiteral("One")));
    Profile p = store.profile(id).value();
    p.name = QStringLiteral("One (renamed)");
    p.baseUrl = QStringLiteral("https://portkey.internal.example/v1");
    p.email = QStringLiteral("a@example.com");
    QString error;
    QVERIFY2(store.update(p, &error), qPrintable(error));
    QCOMPARE(store.profile(id).value(), p);
    Profile ghost = p;
    ghost.id = QStringLiteral("ghost");
    QVERIFY(!store.update(ghost, &error));
    QVERIFY(store.remove(id));
    QVERIFY(!store.remove(id));
    QVERIFY(store.profiles().isEmpty());
}

void TestProfileStore::lastUsed()
{
    ProfileStore store(file());
    QVERIFY(store.lastUsed().isEmpty());
    const QString a = store.add(makeProfile(QStringLiteral("A")));
    const QString b = store.add(makeProfile(QStringLiteral("B")));
    store.setLastUsed(b);
    QCOMPARE(store.lastUsed(), b);
    store.setLastUsed(QStringLiteral("unknown"));
    QVERIFY(store.lastUsed().isEmpty());
    store.setLastUsed(a);
    QVERIFY(store.remove(a));
    QVERIFY(store.lastUsed().isEmpty());
}

void TestProfileStore::appSettings()
{
    {
        ProfileStore store(file());
        QCOMPARE(store.clipboardClearDelaySeconds(), 30);
        QCOMPARE(store.expiryWarningDays(), 7);
        store.setClipboardClearDelaySeconds(45);
        store.setExpiryWarningDays(14);
        QVERIFY(store.sync());
    }
    ProfileStore store(file());
    QCOMPARE(store.clipboardClearDelaySeconds(), 45);
    QCOMPARE(store.expiryWarningDays(), 14);
    store.setClipboardClearDelaySeconds(0);
    QCOMPARE(store.clipboardClearDelaySeconds(), 5);
    store.setExpiryWarningDays(10000);
    QCOMPARE(store.expiryWarningDays(), 365);
}

void TestProfileStore::noSecretInSettings()
{
    // A whole profile set-up: the profile, its cache (with a fresh cache key), and the app settings.
    ProfileStore store(file());
    const QString id = store.add(makeProfile(QStringLiteral("Secretless")));
    store.setLastUsed(id);
    const pk::SecretBuffer cacheKey = pk::CacheStore::newKey();
    auto cache = pk::CacheStore::open(m_dir->filePath(QStringLiteral("cache/") + id + QStringLiteral(".db")),
                                      cacheKey, nullptr);
    QVERIFY(cache);
    pk::CacheSnapshot snapshot;
    snapshot.principal.insert(QStringLiteral("name"), QStringLiteral("Secretless"));
    QVERIFY(cache->replaceAll(snapshot, nullptr));
    QVERIFY(store.sync());

    QDirIterator it(m_dir->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int scanned = 0;
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        ++scanned;
        QVERIFY2(!bytes.contains(cacheKey.view()), qPrintable(f.fileName()));
        QVERIFY2(!bytes.contains(cacheKey.toHex().view()), qPrintable(f.fileName()));
    }
    QCOMPARE(scanned, 2);
    // Exactly these keys are stored: names and URLs, never a value from the keychain.
    QSettings settings(file(), QSettings::IniFormat);
    QStringList keys = settings.allKeys();
    keys.sort();
    const QString prefix = QString(QStringLiteral("profiles/") + id + QLatin1Char('/'));
    QCOMPARE(keys, QStringList({QStringLiteral("lastUsed"), prefix + QStringLiteral("baseUrl"),
                                prefix + QStringLiteral("email"), prefix + QStringLiteral("name"),
                                prefix + QStringLiteral("persona")}));
}

void TestProfileStore::urlCarryingSecretsIsRefused_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("password") << QStringLiteral("https://alice:hunter2@api.portkey.ai/v1");
    QTest::newRow("user only") << QStringLiteral("https://hunter2@api.portkey.ai/v1");
    QTest::newRow("query") << QStringLiteral("https://api.portkey.ai/v1?x-portkey-api-key=hunter2");
    QTest::newRow("fragment") << QStringLiteral("https://api.portkey.ai/v1#hunter2");
    QTest::newRow("empty query") << QStringLiteral("https://api.portkey.ai/v1?");
}

void TestProfileStore::urlCarryingSecretsIsRefused()
{
    QFETCH(QString, url);
    QVERIFY(!ProfileStore::baseUrlProblem(url).isEmpty());
    ProfileStore store(file());
    QString error;
    QVERIFY(store.add(makeProfile(QStringLiteral("leaky"), url), &error).isEmpty());
    QVERIFY2(!error.isEmpty() && !error.contains(QStringLiteral("hunter2")), qPrintable(error));
    QVERIFY(store.profiles().isEmpty());

    // An update cannot sneak it in either, and the file never holds it.
    const QString id = store.add(makeProfile(QStringLiteral("clean")), &error);
    QVERIFY(!id.isEmpty());
    Profile changed = store.profile(id).value();
    changed.baseUrl = url;
    QVERIFY(!store.update(changed, &error));
    QCOMPARE(store.profile(id)->baseUrl, pk::portkeyCloudUrl());
    QFile settings(file());
    QVERIFY(settings.open(QIODevice::ReadOnly));
    QVERIFY(!settings.readAll().contains("hunter2"));

    QVERIFY(ProfileStore::baseUrlProblem(QStringLiteral("https://api.portkey.ai/v1")).isEmpty());
    QVERIFY(ProfileStore::baseUrlProblem(QStringLiteral("http://127.0.0.1:8787/v1")).isEmpty());
}

void TestProfileStore::concurrentAddsKeepNamesUnique()
{
    // Separate processes, as with `profile add --name same` run six times at once: QSettings objects in one
    // process share their file cache, so only processes show the race.
    constexpr int count = 6;
    std::vector<std::unique_ptr<QProcess>> children;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PKTEST_ADD_TO"), file());
    for (int i = 0; i < count; ++i) {
        auto child = std::make_unique<QProcess>();
        child->setProcessEnvironment(env);
        child->start(QCoreApplication::applicationFilePath(), {});
        children.push_back(std::move(child));
    }
    int added = 0;
    for (auto &child : children) {
        QVERIFY(child->waitForFinished(30000));
        const QByteArray out = child->readAllStandardOutput();
        QVERIFY2(out.startsWith("added") || out.startsWith("refused"), out.constData());
        if (out.startsWith("added"))
            ++added;
        else
            QVERIFY2(out.contains("exists"), out.constData());
    }
    QCOMPARE(added, 1);
    ProfileStore store(file());
    QCOMPARE(store.profiles().size(), 1);
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    // Child mode of concurrentAddsKeepNamesUnique(): add the profile "same" and say how it went.
    if (const QString path = qEnvironmentVariable("PKTEST_ADD_TO"); !path.isEmpty()) {
        ProfileStore store(path);
        QString error;
        const QString id = store.add(makeProfile(QStringLiteral("same")), &error);
        QTextStream(stdout) << (id.isEmpty() ? QString(QStringLiteral("refused ") + error)
                                             : QString(QStringLiteral("added ") + id))
                            << '\n';
        return 0;
    }
    TestProfileStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_profilestore.moc"
