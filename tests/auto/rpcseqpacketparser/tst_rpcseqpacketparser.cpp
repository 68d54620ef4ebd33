// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The seqpacket datagram parser on crafted recvmsg() results, and taking
// SCM_RIGHTS descriptors out of a hand-built control buffer.

#include "transport/rpcseqpackettransport_p.h"
#include "wire/rpcwire_p.h"

#include <QtTest/qtest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Fizyr;

namespace {

bool isClosed(int fd)
{
    errno = 0;
    return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1;
}

// count pipe ends, each owned by an RpcFileDescriptor; the raw numbers go to *raw.
QList<RpcFileDescriptor> makeFds(int count, QList<int> *raw)
{
    QList<RpcFileDescriptor> fds;
    for (int i = 0; i < count; i += 2) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0)
            qFatal("pipe2 failed");
        fds.append(RpcFileDescriptor::fromOwned(p[0]));
        raw->append(p[0]);
        if (i + 1 < count) {
            fds.append(RpcFileDescriptor::fromOwned(p[1]));
            raw->append(p[1]);
        } else {
            ::close(p[1]);
        }
    }
    return fds;
}

const QByteArray echoDatagram
        = QByteArray::fromHex("00000000 15000000 00000000") + QByteArrayLiteral("Hello World");

} // namespace

class tst_RpcSeqpacketParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void okWithFds();
    void okNativeOrder();
    void truncatedClosesFds();
    void controlTruncated();
    void tooManyFds();
    void exactlyMaxFds();
    void shortDatagram();
    void invalidType();
    void bodyOverLimit();
    void takeFileDescriptors();
    void takeFileDescriptorsIgnoresOtherMessages();
    void takeFileDescriptorsEmpty();
};

void tst_RpcSeqpacketParser::okWithFds()
{
    QList<int> raw;
    RpcSeqpacket::ReceivedDatagram datagram;
    datagram.data = echoDatagram.constData();
    datagram.size = echoDatagram.size();
    datagram.fileDescriptors = makeFds(3, &raw);
    RpcMessage message;
    {
        RpcSeqpacket::ParseResult result
                = RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 4096, 10);
        QCOMPARE(result.error, RpcError::NoError);
        QVERIFY(result.errorString.isEmpty());
        message = result.message;
    }
    datagram.fileDescriptors.clear();
    QCOMPARE(message.type(), RpcMessage::Request);
    QCOMPARE(message.requestId(), 21u);
    QCOMPARE(message.serviceId(), 0);
    QCOMPARE(message.body(), QByteArray("Hello World"));
    QCOMPARE(message.fileDescriptors().size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(message.fileDescriptors().at(i).fileDescriptor(), raw.at(i));
        QVERIFY(isOpen(raw.at(i))); // owned by the message now
    }
    message = RpcMessage();
    for (int fd : raw)
        QVERIFY(isClosed(fd));
}

void tst_RpcSeqpacketParser::okNativeOrder()
{
    const RpcMessage original(RpcMessage::ResponderUpdate, 0xfffffffeu, -9,
                              QByteArrayLiteral("native"));
    const QByteArray bytes = RpcWire::encodeDatagram(original, RpcConfig::NativeEndian);
    RpcSeqpacket::ReceivedDatagram datagram;
    datagram.data = bytes.constData();
    datagram.size = bytes.size();
    const RpcSeqpacket::ParseResult result
            = RpcSeqpacket::parse(datagram, RpcConfig::NativeEndian, 4096, 0);
    QCOMPARE(result.error, RpcError::NoError);
    QCOMPARE(result.message, original);
}

void tst_RpcSeqpacketParser::truncatedClosesFds()
{
    QList<int> raw;
    {
        RpcSeqpacket::ReceivedDatagram datagram;
        datagram.data = echoDatagram.constData();
        datagram.size = 5000; // the real size reported with MSG_TRUNC
        datagram.truncated = true;
        datagram.fileDescriptors = makeFds(2, &raw);
        {
            const RpcSeqpacket::ParseResult result
                    = RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 4096, 10);
            QCOMPARE(result.error, RpcError::MessageTooLarge);
            QVERIFY2(result.errorString.contains(QLatin1String("5000")),
                     qPrintable(result.errorString));
            QVERIFY(result.message.fileDescriptors().isEmpty());
        }
        for (int fd : raw)
            QVERIFY(isOpen(fd)); // the datagram still holds them
    }
    // Dropped together with the datagram: nothing leaks.
    for (int fd : raw)
        QVERIFY(isClosed(fd));
}

void tst_RpcSeqpacketParser::controlTruncated()
{
    QList<int> raw;
    {
        RpcSeqpacket::ReceivedDatagram datagram;
        datagram.data = echoDatagram.constData();
        datagram.size = echoDatagram.size();
        datagram.controlTruncated = true;
        datagram.fileDescriptors = makeFds(1, &raw);
        const RpcSeqpacket::ParseResult result
                = RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 4096, 1);
        QCOMPARE(result.error, RpcError::TruncatedControlData);
        QVERIFY(!result.errorString.isEmpty());
        QVERIFY(result.message.fileDescriptors().isEmpty());
    }
    QVERIFY(isClosed(raw.first()));
}

void tst_RpcSeqpacketParser::tooManyFds()
{
    QList<int> raw;
    {
        RpcSeqpacket::ReceivedDatagram datagram;
        datagram.data = echoDatagram.constData();
        datagram.size = echoDatagram.size();
        datagram.fileDescriptors = makeFds(3, &raw);
        const RpcSeqpacket::ParseResult result
                = RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 4096, 2);
        QCOMPARE(result.error, RpcError::TooManyFileDescriptors);
        QVERIFY2(result.errorString.contains(QLatin1String("3")), qPrintable(result.errorString));
        QVERIFY(result.message.fileDescriptors().isEmpty());
    }
    for (int fd : raw)
        QVERIFY(isClosed(fd));

    // Zero allowed: a single descriptor is already too many.
    QList<int> raw2;
    RpcSeqpacket::ReceivedDatagram one;
    one.data = echoDatagram.constData();
    one.size = echoDatagram.size();
    one.fileDescriptors = makeFds(1, &raw2);
    QCOMPARE(RpcSeqpacket::parse(one, RpcConfig::LittleEndian, 4096, 0).error,
             RpcError::TooManyFileDescriptors);
}

void tst_RpcSeqpacketParser::exactlyMaxFds()
{
    QList<int> raw;
    RpcSeqpacket::ReceivedDatagram datagram;
    datagram.data = echoDatagram.constData();
    datagram.size = echoDatagram.size();
    datagram.fileDescriptors = makeFds(4, &raw);
    const RpcSeqpacket::ParseResult result
            = RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 4096, 4);
    QCOMPARE(result.error, RpcError::NoError);
    QCOMPARE(result.message.fileDescriptors().size(), 4);
}

void tst_RpcSeqpacketParser::shortDatagram()
{
    for (qsizetype size : {qsizetype(0), qsizetype(1), qsizetype(11)}) {
        QList<int> raw;
        {
            RpcSeqpacket::ReceivedDatagram datagram;
            datagram.data = size ? echoDatagram.constData() : nullptr;
            datagram.size = size;
            datagram.fileDescriptors = makeFds(1, &raw);
            const RpcSeqpacket::ParseResult result
                    = RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 4096, 10);
            QCOMPARE(result.error, RpcError::FrameTooShort);
            QVERIFY(!result.errorString.isEmpty());
        }
        QVERIFY(isClosed(raw.first()));
    }
}

void tst_RpcSeqpacketParser::invalidType()
{
    for (const char *hex : {"05000000 01000000 00000000", "ffffffff 01000000 00000000"}) {
        const QByteArray bytes = QByteArray::fromHex(hex);
        RpcSeqpacket::ReceivedDatagram datagram;
        datagram.data = bytes.constData();
        datagram.size = bytes.size();
        const RpcSeqpacket::ParseResult result
                = RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 4096, 10);
        QCOMPARE(result.error, RpcError::InvalidMessageType);
        QVERIFY(!result.errorString.isEmpty());
    }
}

void tst_RpcSeqpacketParser::bodyOverLimit()
{
    // Not truncated by the kernel, but over the configured maximum.
    RpcSeqpacket::ReceivedDatagram datagram;
    datagram.data = echoDatagram.constData();
    datagram.size = echoDatagram.size();
    QCOMPARE(RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 10, 10).error,
             RpcError::MessageTooLarge);
    QCOMPARE(RpcSeqpacket::parse(datagram, RpcConfig::LittleEndian, 11, 10).error,
             RpcError::NoError);
}

void tst_RpcSeqpacketParser::takeFileDescriptors()
{
    int a[2];
    int b[2];
    QCOMPARE(::pipe(a), 0);
    QCOMPARE(::pipe(b), 0);
    const int sent[3] = {a[0], a[1], b[0]};

    // Two SCM_RIGHTS messages in one control buffer: 3 descriptors, then 1.
    alignas(cmsghdr) char control[CMSG_SPACE(3 * sizeof(int)) + CMSG_SPACE(sizeof(int))] = {};
    msghdr msg = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(3 * sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), sent, sizeof(sent));
    cmsg = CMSG_NXTHDR(&msg, cmsg);
    QVERIFY(cmsg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &b[1], sizeof(int));

    {
        const QList<RpcFileDescriptor> fds
                = RpcSeqpacket::takeFileDescriptors(control, qsizetype(sizeof(control)));
        QCOMPARE(fds.size(), 4);
        QCOMPARE(fds.at(0).fileDescriptor(), a[0]);
        QCOMPARE(fds.at(1).fileDescriptor(), a[1]);
        QCOMPARE(fds.at(2).fileDescriptor(), b[0]);
        QCOMPARE(fds.at(3).fileDescriptor(), b[1]);
        for (const RpcFileDescriptor &fd : fds)
            QVERIFY(isOpen(fd.fileDescriptor()));
    }
    // Ownership was taken: all four are closed with the list.
    QVERIFY(isClosed(a[0]));
    QVERIFY(isClosed(a[1]));
    QVERIFY(isClosed(b[0]));
    QVERIFY(isClosed(b[1]));
}

void tst_RpcSeqpacketParser::takeFileDescriptorsIgnoresOtherMessages()
{
    int p[2];
    QCOMPARE(::pipe(p), 0);
    ::close(p[1]);
    // A credentials message first, then SCM_RIGHTS.
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int))] = {};
    msghdr msg = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_CREDENTIALS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(ucred));
    const ucred cred = {::getpid(), ::getuid(), ::getgid()};
    std::memcpy(CMSG_DATA(cmsg), &cred, sizeof(cred));
    cmsg = CMSG_NXTHDR(&msg, cmsg);
    QVERIFY(cmsg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &p[0], sizeof(int));

    {
        const QList<RpcFileDescriptor> fds
                = RpcSeqpacket::takeFileDescriptors(control, qsizetype(sizeof(control)));
        QCOMPARE(fds.size(), 1);
        QCOMPARE(fds.first().fileDescriptor(), p[0]);
    }
    QVERIFY(isClosed(p[0]));
}

void tst_RpcSeqpacketParser::takeFileDescriptorsEmpty()
{
    QVERIFY(RpcSeqpacket::takeFileDescriptors(nullptr, 0).isEmpty());
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    QVERIFY(RpcSeqpacket::takeFileDescriptors(control, 0).isEmpty());
    // A zeroed header (cmsg_len 0) carries nothing.
    QVERIFY(RpcSeqpacket::takeFileDescriptors(control, qsizetype(sizeof(control))).isEmpty());
}

QTEST_GUILESS_MAIN(tst_RpcSeqpacketParser)
#include "tst_rpcseqpacketparser.moc"
