// hardenProcess(): no core file may hold a secret. The end-to-end check (a crashing CLI leaves no core
// file) is tests/cli tst_cli crashWritesNoCoreFile().

#include "secrets/processhardening.h"

#include <QtTest>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#include <sys/resource.h>
#endif

class TestProcessHardening : public QObject
{
    Q_OBJECT
private slots:
    void disablesCoreDumps();
};

void TestProcessHardening::disablesCoreDumps()
{
#ifdef Q_OS_LINUX
    // Start from a process that would dump core: the soft limit raised to the hard one, dumpable set.
    rlimit limit{};
    QCOMPARE(getrlimit(RLIMIT_CORE, &limit), 0);
    limit.rlim_cur = limit.rlim_max;
    QCOMPARE(setrlimit(RLIMIT_CORE, &limit), 0);
    QCOMPARE(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
    QVERIFY(!pk::coreDumpsDisabled());

    QString error;
    QVERIFY2(pk::hardenProcess(&error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(getrlimit(RLIMIT_CORE, &limit), 0);
    QCOMPARE(limit.rlim_cur, rlim_t(0));
    QCOMPARE(limit.rlim_max, rlim_t(0)); // and it cannot be raised again by this process
    QCOMPARE(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    QVERIFY(pk::coreDumpsDisabled());
    // Calling it again is harmless.
    QVERIFY(pk::hardenProcess());
#else
    QVERIFY(pk::hardenProcess());
#endif
}

QTEST_GUILESS_MAIN(TestProcessHardening)
#include "tst_processhardening.moc"
