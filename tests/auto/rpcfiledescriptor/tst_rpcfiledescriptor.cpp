// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcFileDescriptor: ownership of real descriptors (pipes). Every test
// checks that the number of open descriptors is unchanged at its end.

#include <FizyrRpcQt/RpcFileDescriptor>

#include <QtCore/qdir.h>
#include <QtTest/qtest.h>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

using namespace Fizyr;

namespace {

int openFdCount()
{
    // The directory listing itself uses a descriptor, the same one each time.
    return int(QDir(QStringLiteral("/proc/self/fd"))
                       .entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot)
                       .size());
}

bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1;
}

bool isClosed(int fd)
{
    errno = 0;
    return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

bool hasCloexec(int fd)
{
    const int flags = ::fcntl(fd, F_GETFD);
    return flags != -1 && (flags & FD_CLOEXEC);
}

// Both ends refer to the same pipe: bytes written to one reach the other.
bool samePipe(int writeFd, int readFd)
{
    const char out = 'x';
    if (::write(writeFd, &out, 1) != 1)
        return false;
    char in = 0;
    return ::read(readFd, &in, 1) == 1 && in == out;
}

} // namespace

class tst_RpcFileDescriptor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void invalidHandle();
    void constructorDuplicates();
    void negativeDescriptors();
    void fromOwnedDoesNotDuplicate();
    void closesOnceWhenLastCopyGoes();
    void copiesShare();
    void moveAndSwap();
    void releaseHandsOverOwnership();
    void dupIsIndependent();
    void resetDropsReference();
    void listOfDescriptors();
    void debugOutput();

private:
    int m_fdsAtStart = 0;
};

void tst_RpcFileDescriptor::init()
{
    m_fdsAtStart = openFdCount();
}

void tst_RpcFileDescriptor::cleanup()
{
    QCOMPARE(openFdCount(), m_fdsAtStart);
}

void tst_RpcFileDescriptor::invalidHandle()
{
    RpcFileDescriptor fd;
    QVERIFY(!fd.isValid());
    QCOMPARE(fd.fileDescriptor(), -1);
    QCOMPARE(fd.dup(), -1);
    QCOMPARE(fd.release(), -1);
    fd.reset();
    QVERIFY(!fd.isValid());
    QCOMPARE(fd, RpcFileDescriptor());
    RpcFileDescriptor copy = fd;
    QVERIFY(!copy.isValid());
}

void tst_RpcFileDescriptor::constructorDuplicates()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    {
        const RpcFileDescriptor fd(p[1]);
        QVERIFY(fd.isValid());
        QVERIFY(fd.fileDescriptor() != p[1]);
        QVERIFY(hasCloexec(fd.fileDescriptor()));
        QCOMPARE(openFdCount(), m_fdsAtStart + 3);
        QVERIFY(samePipe(fd.fileDescriptor(), p[0]));
    }
    // The caller keeps its own descriptor open.
    QVERIFY(isOpen(p[1]));
    QCOMPARE(openFdCount(), m_fdsAtStart + 2);
    ::close(p[0]);
    ::close(p[1]);
}

void tst_RpcFileDescriptor::negativeDescriptors()
{
    QVERIFY(!RpcFileDescriptor(-1).isValid());
    QVERIFY(!RpcFileDescriptor::fromOwned(-1).isValid());
    // Duplicating a closed descriptor fails: the handle is invalid.
    int p[2];
    QCOMPARE(::pipe(p), 0);
    ::close(p[0]);
    ::close(p[1]);
    QVERIFY(!RpcFileDescriptor(p[0]).isValid());
}

void tst_RpcFileDescriptor::fromOwnedDoesNotDuplicate()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    {
        const RpcFileDescriptor fd = RpcFileDescriptor::fromOwned(p[0]);
        QCOMPARE(fd.fileDescriptor(), p[0]);
        QCOMPARE(openFdCount(), m_fdsAtStart + 2);
    }
    QVERIFY(isClosed(p[0]));
    QVERIFY(isOpen(p[1]));
    ::close(p[1]);
}

void tst_RpcFileDescriptor::closesOnceWhenLastCopyGoes()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    ::close(p[1]);
    auto *first = new RpcFileDescriptor(RpcFileDescriptor::fromOwned(p[0]));
    auto *second = new RpcFileDescriptor(*first);
    RpcFileDescriptor third;
    third = *second;
    delete first;
    QVERIFY(isOpen(p[0]));
    delete second;
    QVERIFY(isOpen(p[0]));
    QCOMPARE(third.fileDescriptor(), p[0]);

    // Reassigning the last handle closes the old descriptor.
    third = RpcFileDescriptor();
    QVERIFY(isClosed(p[0]));

    // Closed exactly once: give the number to a new descriptor; dropping the
    // (now invalid) handles again must not close it.
    const int opened = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    QVERIFY(opened >= 0);
    const int reused = opened == p[0] ? opened : ::fcntl(opened, F_DUPFD_CLOEXEC, p[0]);
    if (reused != opened)
        ::close(opened);
    QCOMPARE(reused, p[0]); // the lowest free number at or above p[0]
    third.reset();
    third = RpcFileDescriptor();
    QVERIFY(isOpen(reused));
    ::close(reused);
}

void tst_RpcFileDescriptor::copiesShare()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    const RpcFileDescriptor a = RpcFileDescriptor::fromOwned(p[0]);
    const RpcFileDescriptor b = a;
    RpcFileDescriptor c;
    c = b;
    QCOMPARE(a, b);
    QCOMPARE(b, c);
    QCOMPARE(c.fileDescriptor(), p[0]);
    QCOMPARE(openFdCount(), m_fdsAtStart + 2); // copies do not duplicate

    // Two handles for the same number made independently are not equal.
    const RpcFileDescriptor other(p[0]);
    QVERIFY(other != a);
    ::close(p[1]);
}

void tst_RpcFileDescriptor::moveAndSwap()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    RpcFileDescriptor a = RpcFileDescriptor::fromOwned(p[0]);
    RpcFileDescriptor b = RpcFileDescriptor::fromOwned(p[1]);
    a.swap(b);
    QCOMPARE(a.fileDescriptor(), p[1]);
    QCOMPARE(b.fileDescriptor(), p[0]);
    RpcFileDescriptor moved(std::move(a));
    QCOMPARE(moved.fileDescriptor(), p[1]);
    QVERIFY(isOpen(p[1]));
    b = std::move(moved);
    QCOMPARE(b.fileDescriptor(), p[1]);
    // p[0] went to `moved` by the swap-based move assignment and closes with it.
    moved = RpcFileDescriptor();
    QVERIFY(isClosed(p[0]));
    QVERIFY(isOpen(p[1]));
}

void tst_RpcFileDescriptor::releaseHandsOverOwnership()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    RpcFileDescriptor fd = RpcFileDescriptor::fromOwned(p[0]);
    RpcFileDescriptor copy = fd;
    const int released = fd.release();
    QCOMPARE(released, p[0]);
    QVERIFY(!fd.isValid());
    QCOMPARE(fd.fileDescriptor(), -1);
    // Every handle sharing it is invalid now.
    QVERIFY(!copy.isValid());
    QCOMPARE(copy.fileDescriptor(), -1);
    copy.reset();
    QVERIFY(isOpen(released)); // not closed by the handles
    QCOMPARE(::close(released), 0);
    ::close(p[1]);
}

void tst_RpcFileDescriptor::dupIsIndependent()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    int duplicate = -1;
    {
        const RpcFileDescriptor fd = RpcFileDescriptor::fromOwned(p[1]);
        duplicate = fd.dup();
        QVERIFY(duplicate >= 0);
        QVERIFY(duplicate != p[1]);
        QVERIFY(hasCloexec(duplicate));
        QVERIFY(fd.isValid());
    }
    QVERIFY(isClosed(p[1]));
    QVERIFY(isOpen(duplicate));
    QVERIFY(samePipe(duplicate, p[0]));
    ::close(duplicate);
    ::close(p[0]);
}

void tst_RpcFileDescriptor::resetDropsReference()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    RpcFileDescriptor fd = RpcFileDescriptor::fromOwned(p[0]);
    RpcFileDescriptor copy = fd;
    fd.reset();
    QVERIFY(!fd.isValid());
    QVERIFY(copy.isValid());
    QVERIFY(isOpen(p[0]));
    copy.reset();
    QVERIFY(isClosed(p[0]));
    ::close(p[1]);
}

void tst_RpcFileDescriptor::listOfDescriptors()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    {
        QList<RpcFileDescriptor> list{RpcFileDescriptor::fromOwned(p[0]),
                                      RpcFileDescriptor::fromOwned(p[1])};
        QList<RpcFileDescriptor> copy = list;
        list.clear();
        QVERIFY(isOpen(p[0]));
        QCOMPARE(copy.size(), 2);
    }
    QVERIFY(isClosed(p[0]));
    QVERIFY(isClosed(p[1]));
}

void tst_RpcFileDescriptor::debugOutput()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    const RpcFileDescriptor fd = RpcFileDescriptor::fromOwned(p[0]);
    QString text;
    QDebug(&text) << fd << RpcFileDescriptor();
    QVERIFY2(text.contains(QString::number(p[0])), qPrintable(text));
    ::close(p[1]);
}

QTEST_GUILESS_MAIN(tst_RpcFileDescriptor)
#include "tst_rpcfiledescriptor.moc"
