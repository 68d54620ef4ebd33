// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The Unix seqpacket transport: file-descriptor passing, datagram limits,
// truncated control data, the send queue and peer credentials.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpcpeer_p.h"
#include "transport/rpcseqpackettransport_p.h"
#include "wire/rpcwire_p.h"

#include <QtCore/QDir>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QLocalSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

using namespace Fizyr;

namespace {

constexpr int Timeout = 20000;

int openFdCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

// A memfd holding content, owned by the returned handle.
RpcFileDescriptor memfdWith(const QByteArray &content)
{
    const int fd = ::memfd_create("fizyr-rpc-test", MFD_CLOEXEC);
    if (fd < 0)
        return RpcFileDescriptor();
    if (::write(fd, content.constData(), size_t(content.size())) != content.size()) {
        ::close(fd);
        return RpcFileDescriptor();
    }
    return RpcFileDescriptor::fromOwned(fd);
}

// Reads the whole content of the file behind fd, from the start.
QByteArray contentOf(const RpcFileDescriptor &fd)
{
    QByteArray content(4096, Qt::Uninitialized);
    const ssize_t n = ::pread(fd.fileDescriptor(), content.data(), size_t(content.size()), 0);
    return n < 0 ? QByteArray() : content.left(n);
}

bool readable(int fd)
{
    pollfd pfd{fd, POLLIN, 0};
    return ::poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

// Sends one raw datagram with the given descriptors attached.
bool sendRaw(int socket, const QByteArray &datagram, const QList<int> &fds)
{
    iovec iov{const_cast<char *>(datagram.constData()), size_t(datagram.size())};
    msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    QByteArray control;
    if (!fds.isEmpty()) {
        control.fill('\0', qsizetype(CMSG_SPACE(sizeof(int) * size_t(fds.size()))));
        msg.msg_control = control.data();
        msg.msg_controllen = size_t(control.size());
        cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * size_t(fds.size()));
        memcpy(CMSG_DATA(cmsg), fds.constData(), sizeof(int) * size_t(fds.size()));
    }
    return ::sendmsg(socket, &msg, MSG_NOSIGNAL) == datagram.size();
}

} // namespace

class tst_Seqpacket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void fdsInEveryMessageType();
    void fdsThroughServer();
    void manyMessagesWithFdsLeakNothing();
    void tooManyFdsOnSend();
    void bodyTooLargeOnSend();
    void oversizedDatagramWhileQueued();
    void oversizedDatagramDropped();
    void truncatedControlDataDropped();
    void tooManyFdsReceivedDropped();
    void zeroLengthReadIsClose();
    void emptyDatagramBeforeHalfClose();
    void sendQueueKeepsOrder();
    void highWaterMark();
    void peerVanishesMidRequest();
    void byteOrders_data();
    void byteOrders();
    void setSocketDescriptorRejectsOtherSockets();
    void credentialsSocketpair();
    void credentialsUnixStream();
    void credentialsOtherProcess();
    void noCredentialsOverTcp();

private:
    void makePair(const RpcConfig &a = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket),
                  const RpcConfig &b = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket));
    // Replaces side b with a raw socket the test drives itself.
    int makeRawPair(const RpcConfig &a = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket));

    std::unique_ptr<RpcPeer> m_a;
    std::unique_ptr<RpcPeer> m_b;
    int m_raw = -1;
    int m_fdsAtStart = 0;
};

void tst_Seqpacket::init()
{
    m_fdsAtStart = openFdCount();
}

void tst_Seqpacket::cleanup()
{
    m_a.reset();
    m_b.reset();
    if (m_raw >= 0)
        ::close(m_raw);
    m_raw = -1;
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCOMPARE(openFdCount(), m_fdsAtStart); // nothing leaked by any test
}

void tst_Seqpacket::makePair(const RpcConfig &a, const RpcConfig &b)
{
    int fds[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
    m_a.reset(new RpcPeer);
    m_b.reset(new RpcPeer);
    m_a->setConfig(a);
    m_b->setConfig(b);
    QVERIFY(m_a->setSocketDescriptor(fds[0]));
    QVERIFY(m_b->setSocketDescriptor(fds[1]));
    QCOMPARE(m_a->state(), RpcPeer::ConnectedState);
}

int tst_Seqpacket::makeRawPair(const RpcConfig &a)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
        return -1;
    m_a.reset(new RpcPeer);
    m_a->setConfig(a);
    if (!m_a->setSocketDescriptor(fds[0]))
        return -1;
    m_raw = fds[1];
    return m_raw;
}

void tst_Seqpacket::fdsInEveryMessageType()
{
    makePair();
    QPointer<RpcRequest> incoming;
    QList<RpcMessage> atB;
    connect(m_b.get(), &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        incoming = request;
        connect(request, &RpcRequest::updateReceived, this,
                [&](const RpcMessage &m) { atB.append(m); });
    });
    connect(m_b.get(), &RpcPeer::streamReceived, this, [&](const RpcMessage &m) { atB.append(m); });

    RpcRequest *request = m_a->sendRequest(1, "request",
                                           {memfdWith("request fd 1"), memfdWith("request fd 2")});
    QTRY_VERIFY_WITH_TIMEOUT(incoming, Timeout);
    QCOMPARE(incoming->requestMessage().fileDescriptors().size(), 2);
    QCOMPARE(contentOf(incoming->requestMessage().fileDescriptors().at(0)),
             QByteArray("request fd 1"));
    QCOMPARE(contentOf(incoming->requestMessage().fileDescriptors().at(1)),
             QByteArray("request fd 2"));

    QSignalSpy updatesAtA(request, &RpcRequest::updateReceived);
    QVERIFY(incoming->sendUpdate(2, "responder update", {memfdWith("responder update fd")}));
    QTRY_COMPARE_WITH_TIMEOUT(updatesAtA.size(), 1, Timeout);
    const RpcMessage responderUpdate = updatesAtA.at(0).at(0).value<RpcMessage>();
    QCOMPARE(contentOf(responderUpdate.fileDescriptors().value(0)),
             QByteArray("responder update fd"));

    QVERIFY(request->sendUpdate(3, "requester update", {memfdWith("requester update fd")}));
    QTRY_COMPARE_WITH_TIMEOUT(atB.size(), 1, Timeout);
    QCOMPARE(atB.at(0).type(), RpcMessage::RequesterUpdate);
    QCOMPARE(contentOf(atB.at(0).fileDescriptors().value(0)), QByteArray("requester update fd"));

    QVERIFY(m_a->sendStream(4, "stream", {memfdWith("stream fd")}));
    QTRY_COMPARE_WITH_TIMEOUT(atB.size(), 2, Timeout);
    QCOMPARE(atB.at(1).type(), RpcMessage::Stream);
    QCOMPARE(contentOf(atB.at(1).fileDescriptors().value(0)), QByteArray("stream fd"));

    QVERIFY(incoming->sendResponse(0, "response", {memfdWith("response fd")}));
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->response().body(), QByteArray("response"));
    QCOMPARE(contentOf(request->response().fileDescriptors().value(0)), QByteArray("response fd"));
    // Received descriptors are close-on-exec.
    QVERIFY(::fcntl(request->response().fileDescriptors().value(0).fileDescriptor(), F_GETFD)
            & FD_CLOEXEC);
}

void tst_Seqpacket::fdsThroughServer()
{
    QTemporaryDir dir;
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("seqpacket:") + dir.filePath(QStringLiteral("fd.sock"))));
    connect(&server, &RpcServer::newConnection, this, [&server] {
        RpcPeer *peer = server.nextPendingConnection();
        connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
            // Answer with the content of the received file, and the same file back.
            const RpcFileDescriptor fd = request->requestMessage().fileDescriptors().value(0);
            request->sendResponse(0, contentOf(fd), {fd});
            request->deleteLater();
        });
    });
    RpcPeer client;
    client.connectToServer(server.serverAddress().toString());
    QVERIFY(client.waitForConnected(Timeout));
    RpcRequest *request = client.sendRequest(1, {}, {memfdWith("through the server")});
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->response().body(), QByteArray("through the server"));
    QCOMPARE(contentOf(request->response().fileDescriptors().value(0)),
             QByteArray("through the server"));
}

void tst_Seqpacket::manyMessagesWithFdsLeakNothing()
{
    makePair();
    constexpr int Count = 10000;
    int received = 0;
    connect(m_b.get(), &RpcPeer::streamReceived, this, [&](const RpcMessage &message) {
        if (message.fileDescriptors().size() == 1 && message.fileDescriptors().at(0).isValid())
            ++received;
    });
    int pipeFds[2];
    QCOMPARE(::pipe2(pipeFds, O_CLOEXEC), 0);
    const int before = openFdCount();
    int sent = 0;
    while (sent < Count) {
        // The handle duplicates the pipe's end; the message owns the duplicate.
        if (m_a->sendStream(1, QByteArray::number(sent), {RpcFileDescriptor(pipeFds[0])}))
            ++sent;
        else
            QCoreApplication::processEvents(); // let the receiver drain
        if (sent % 256 == 0)
            QCoreApplication::processEvents();
    }
    QTRY_COMPARE_WITH_TIMEOUT(received, Count, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), before, Timeout);
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
}

void tst_Seqpacket::tooManyFdsOnSend()
{
    makePair();
    QSignalSpy streams(m_b.get(), &RpcPeer::streamReceived);
    QList<RpcFileDescriptor> fds;
    for (int i = 0; i < 11; ++i)
        fds.append(memfdWith("x"));
    QVERIFY(!m_a->sendStream(1, "eleven", fds));
    QCOMPARE(m_a->error(), RpcError::TooManyFileDescriptors);
    RpcRequest *request = m_a->sendRequest(1, "eleven", fds);
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::TooManyFileDescriptors);
    // Ten is fine, and the connection is still usable.
    fds.removeLast();
    QVERIFY(m_a->sendStream(1, "ten", fds));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
    QCOMPARE(streams.at(0).at(0).value<RpcMessage>().body(), QByteArray("ten"));
    QCOMPARE(streams.at(0).at(0).value<RpcMessage>().fileDescriptors().size(), 10);
}

void tst_Seqpacket::bodyTooLargeOnSend()
{
    makePair();
    QVERIFY(!m_a->sendStream(1, QByteArray(4097, 'x')));
    QCOMPARE(m_a->error(), RpcError::PayloadTooLarge);
    QVERIFY(m_a->sendStream(1, QByteArray(4096, 'x')));
    QCOMPARE(m_a->state(), RpcPeer::ConnectedState);
}

// Issue 11 bug 1: a datagram over the socket's limit (SO_SNDBUF - 32) sent
// while another message is queued fails that send with PayloadTooLarge; it
// used to be queued and kill the connection ("Message too long").
void tst_Seqpacket::oversizedDatagramWhileQueued()
{
    RpcConfig config = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    config.setMaxBodyWriteSize(4 * 1024 * 1024);
    config.setWriteBufferHighWaterMark(4 * 1024 * 1024);
    makePair(config);
    auto *transport
            = qobject_cast<RpcSeqpacketTransport *>(RpcPeerPrivate::get(m_a.get())->transport);
    QVERIFY(transport);
    const QByteArray big(1024 * 1024, 'x');
    QVERIFY(RpcWire::HeaderSize + big.size() > transport->maxDatagramSize());
    QSignalSpy errors(m_a.get(), &RpcPeer::errorOccurred);
    QSignalSpy streams(m_b.get(), &RpcPeer::streamReceived);
    QVERIFY(m_a->sendStream(1, "a"));
    QVERIFY(!m_a->sendStream(2, big));
    QCOMPARE(m_a->error(), RpcError::PayloadTooLarge);
    QVERIFY(m_a->sendStream(3, "b"));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 2, Timeout);
    QCOMPARE(streams.at(0).at(0).value<RpcMessage>().body(), QByteArray("a"));
    QCOMPARE(streams.at(1).at(0).value<RpcMessage>().body(), QByteArray("b"));
    QCOMPARE(errors.size(), 0);
    QCOMPARE(m_a->state(), RpcPeer::ConnectedState);
}

void tst_Seqpacket::oversizedDatagramDropped()
{
    const int raw = makeRawPair();
    QVERIFY(raw >= 0);
    QSignalSpy errors(m_a.get(), &RpcPeer::errorOccurred);
    QSignalSpy streams(m_a.get(), &RpcPeer::streamReceived);
    const RpcConfig::ByteOrder order = m_a->config().byteOrder();
    int pipeFds[2];
    QCOMPARE(::pipe2(pipeFds, O_CLOEXEC), 0);
    const int before = openFdCount();
    QVERIFY(sendRaw(raw,
                    RpcWire::encodeDatagram(
                            RpcMessage(RpcMessage::Stream, 0, 1, QByteArray(5000, 'x')), order),
                    {pipeFds[0]}));
    QVERIFY(sendRaw(
            raw, RpcWire::encodeDatagram(RpcMessage(RpcMessage::Stream, 0, 2, "next"), order), {}));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::MessageTooLarge);
    QCOMPARE(streams.at(0).at(0).value<RpcMessage>().body(), QByteArray("next"));
    QCOMPARE(m_a->state(), RpcPeer::ConnectedState);
    QCOMPARE(openFdCount(), before); // the descriptor riding on the dropped datagram was closed
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
}

void tst_Seqpacket::truncatedControlDataDropped()
{
    RpcConfig config = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    config.setMaxFileDescriptorsRead(2);
    const int raw = makeRawPair(config);
    QVERIFY(raw >= 0);
    QSignalSpy errors(m_a.get(), &RpcPeer::errorOccurred);
    QSignalSpy streams(m_a.get(), &RpcPeer::streamReceived);
    int pipeFds[2];
    QCOMPARE(::pipe2(pipeFds, O_CLOEXEC), 0);
    const int before = openFdCount();
    const QList<int> twenty(20, pipeFds[0]);
    const RpcConfig::ByteOrder order = config.byteOrder();
    QVERIFY(sendRaw(raw,
                    RpcWire::encodeDatagram(RpcMessage(RpcMessage::Stream, 0, 1, "many"), order),
                    twenty));
    QVERIFY(sendRaw(
            raw, RpcWire::encodeDatagram(RpcMessage(RpcMessage::Stream, 0, 2, "next"), order), {}));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::TruncatedControlData);
    QCOMPARE(streams.at(0).at(0).value<RpcMessage>().body(), QByteArray("next"));
    QCOMPARE(openFdCount(), before); // whatever arrived was closed
    QCOMPARE(m_a->state(), RpcPeer::ConnectedState);
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
}

void tst_Seqpacket::tooManyFdsReceivedDropped()
{
    // The control buffer has room for one more descriptor than allowed, so
    // max + 1 arrives whole and is refused explicitly.
    RpcConfig config = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    config.setMaxFileDescriptorsRead(2);
    const int raw = makeRawPair(config);
    QSignalSpy errors(m_a.get(), &RpcPeer::errorOccurred);
    int pipeFds[2];
    QCOMPARE(::pipe2(pipeFds, O_CLOEXEC), 0);
    const int before = openFdCount();
    QVERIFY(sendRaw(raw,
                    RpcWire::encodeDatagram(RpcMessage(RpcMessage::Stream, 0, 1, "three"),
                                            config.byteOrder()),
                    {pipeFds[0], pipeFds[0], pipeFds[0]}));
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QVERIFY(errors.at(0).at(0).value<RpcError>() == RpcError::TooManyFileDescriptors
            || errors.at(0).at(0).value<RpcError>() == RpcError::TruncatedControlData);
    QCOMPARE(openFdCount(), before);
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
}

void tst_Seqpacket::zeroLengthReadIsClose()
{
    const int raw = makeRawPair();
    QSignalSpy disconnected(m_a.get(), &RpcPeer::disconnected);
    RpcRequest *request = m_a->sendRequest(1);
    QSignalSpy finished(request, &RpcRequest::finished);
    ::shutdown(raw, SHUT_RDWR);
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, Timeout);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(request->error(), RpcError::ConnectionLost);
}

// An empty datagram, then a message with descriptors, then the end of
// input, all read by one recvmmsg(): the empty entry is a dropped datagram,
// not the end; the message after it arrives with its descriptors, and none
// leaks. (The first empty entry used to end the batch: the message was lost
// and its descriptors never closed.)
void tst_Seqpacket::emptyDatagramBeforeHalfClose()
{
    const int raw = makeRawPair();
    QVERIFY(raw >= 0);
    QSignalSpy errors(m_a.get(), &RpcPeer::errorOccurred);
    QSignalSpy disconnected(m_a.get(), &RpcPeer::disconnected);
    std::unique_ptr<QSignalSpy> streams(new QSignalSpy(m_a.get(), &RpcPeer::streamReceived));
    int pipeFds[2];
    QCOMPARE(::pipe2(pipeFds, O_CLOEXEC), 0);
    const RpcConfig::ByteOrder order = m_a->config().byteOrder();
    QVERIFY(sendRaw(raw, QByteArray(), {}));
    QVERIFY(sendRaw(raw,
                    RpcWire::encodeDatagram(RpcMessage(RpcMessage::Stream, 0, 1, "hello"), order),
                    {pipeFds[0], pipeFds[1]}));
    QCOMPARE(::shutdown(raw, SHUT_WR), 0);
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, Timeout);
    QCOMPARE(streams->size(), 1);
    {
        const RpcMessage message = streams->at(0).at(0).value<RpcMessage>();
        QCOMPARE(message.body(), QByteArray("hello"));
        QCOMPARE(message.fileDescriptors().size(), 2);
    }
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::FrameTooShort);
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
    streams.reset(); // the last holder of the received descriptors
    ::close(m_raw);
    m_raw = -1;
    QCOMPARE(openFdCount(), m_fdsAtStart); // the peer's socket went with the end of input
}

void tst_Seqpacket::sendQueueKeepsOrder()
{
    makePair();
    // b stops reading; a's socket buffer fills and its queue takes over.
    RpcPeerPrivate::get(m_b.get())->transport->setReadingPaused(true);
    int sent = 0;
    while (m_a->bytesToWrite() == 0 && sent < 100000) {
        QVERIFY(m_a->sendStream(1, QByteArray::number(sent)));
        ++sent;
    }
    QVERIFY2(m_a->bytesToWrite() > 0, "the socket never pushed back");
    for (int i = 0; i < 100; ++i, ++sent)
        QVERIFY(m_a->sendStream(1, QByteArray::number(sent)));
    QList<int> received;
    connect(m_b.get(), &RpcPeer::streamReceived, this,
            [&](const RpcMessage &message) { received.append(message.body().toInt()); });
    RpcPeerPrivate::get(m_b.get())->transport->setReadingPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), sent, Timeout);
    for (int i = 0; i < sent; ++i)
        QCOMPARE(received.at(i), i);
    QTRY_COMPARE_WITH_TIMEOUT(m_a->bytesToWrite(), 0, Timeout);
}

void tst_Seqpacket::highWaterMark()
{
    RpcConfig config = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    config.setWriteBufferHighWaterMark(16 * 1024);
    makePair(config);
    RpcPeerPrivate::get(m_b.get())->transport->setReadingPaused(true);
    int accepted = 0;
    bool refused = false;
    for (int i = 0; i < 100000 && !refused; ++i) {
        if (m_a->sendStream(1, QByteArray(1000, char('a' + i % 26))))
            ++accepted;
        else
            refused = true;
    }
    QVERIFY(refused);
    QCOMPARE(m_a->error(), RpcError::WriteBufferFull);
    QVERIFY(m_a->bytesToWrite() <= 16 * 1024);
    int received = 0;
    bool intact = true;
    connect(m_b.get(), &RpcPeer::streamReceived, this, [&](const RpcMessage &message) {
        intact = intact && message.body() == QByteArray(1000, char('a' + received % 26));
        ++received;
    });
    RpcPeerPrivate::get(m_b.get())->transport->setReadingPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(received, accepted, Timeout);
    QVERIFY(intact);
}

void tst_Seqpacket::peerVanishesMidRequest()
{
    makePair();
    QList<QPointer<RpcRequest>> atB;
    connect(m_b.get(), &RpcPeer::requestReceived, this, [&](RpcRequest *r) { atB.append(r); });
    RpcRequest *first = m_a->sendRequest(1, {}, {memfdWith("in flight")});
    RpcRequest *second = m_a->sendRequest(2);
    QTRY_COMPARE_WITH_TIMEOUT(atB.size(), 2, Timeout);
    QSignalSpy firstFinished(first, &RpcRequest::finished);
    QSignalSpy secondFinished(second, &RpcRequest::finished);
    QSignalSpy disconnected(m_a.get(), &RpcPeer::disconnected);
    m_b.reset(); // the other side vanishes; its open requests go with it
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, Timeout);
    QCOMPARE(firstFinished.size(), 1);
    QCOMPARE(secondFinished.size(), 1);
    QCOMPARE(first->error(), RpcError::ConnectionLost);
    QCOMPARE(second->error(), RpcError::ConnectionLost);
}

void tst_Seqpacket::byteOrders_data()
{
    QTest::addColumn<int>("order");
    QTest::newRow("little") << int(RpcConfig::LittleEndian);
    QTest::newRow("big") << int(RpcConfig::BigEndian);
    QTest::newRow("native") << int(RpcConfig::NativeEndian);
}

void tst_Seqpacket::byteOrders()
{
    QFETCH(int, order);
    RpcConfig config = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    config.setByteOrder(RpcConfig::ByteOrder(order));
    const int raw = makeRawPair(config);
    QSignalSpy streams(m_a.get(), &RpcPeer::streamReceived);
    QVERIFY(sendRaw(
            raw,
            RpcWire::encodeDatagram(RpcMessage(RpcMessage::Stream, 0, 0x01020304, "ordered"),
                                    RpcConfig::ByteOrder(order)),
            {}));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
    QCOMPARE(streams.at(0).at(0).value<RpcMessage>().serviceId(), 0x01020304);
    // And what the peer sends decodes with the same order.
    QVERIFY(m_a->sendStream(-2, "back"));
    QByteArray buffer(100, Qt::Uninitialized);
    QTRY_VERIFY_WITH_TIMEOUT(readable(raw), Timeout);
    const ssize_t n = ::recv(raw, buffer.data(), size_t(buffer.size()), MSG_DONTWAIT);
    QVERIFY(n > 0);
    const RpcWire::DatagramResult parsed
            = RpcWire::parseDatagram(buffer.constData(), n, RpcConfig::ByteOrder(order), 100);
    QCOMPARE(parsed.error, RpcError::NoError);
    QCOMPARE(parsed.message.serviceId(), -2);
}

void tst_Seqpacket::setSocketDescriptorRejectsOtherSockets()
{
    int fds[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    RpcPeer peer;
    QVERIFY(!peer.setSocketDescriptor(fds[0]));
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
    ::close(fds[0]);
    ::close(fds[1]);
    QVERIFY(!peer.setSocketDescriptor(-1));
}

void tst_Seqpacket::credentialsSocketpair()
{
    makePair();
    const RpcPeerCredentials credentials = m_a->peerCredentials();
    QVERIFY(credentials.isValid());
    QCOMPARE(credentials.processId(), qint64(::getpid()));
    QCOMPARE(credentials.userId(), qint64(::getuid()));
    QCOMPARE(credentials.groupId(), qint64(::getgid()));
}

void tst_Seqpacket::credentialsUnixStream()
{
    QTemporaryDir dir;
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("unix:") + dir.filePath(QStringLiteral("c.sock"))));
    RpcPeer client;
    client.connectToServer(server.serverAddress().toString());
    QVERIFY(client.waitForConnected(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> accepted(server.nextPendingConnection());
    QCOMPARE(accepted->peerCredentials().processId(), qint64(::getpid()));
    QCOMPARE(accepted->peerCredentials().userId(), qint64(::getuid()));
    QCOMPARE(client.peerCredentials().processId(), qint64(::getpid()));
}

void tst_Seqpacket::credentialsOtherProcess()
{
    QTemporaryDir dir;
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("seqpacket:") + dir.filePath(QStringLiteral("p.sock"))));
    RpcPeerCredentials seen;
    QByteArray claimedPid;
    connect(&server, &RpcServer::newConnection, this, [&] {
        RpcPeer *peer = server.nextPendingConnection();
        seen = peer->peerCredentials();
        connect(peer, &RpcPeer::requestReceived, peer, [&claimedPid](RpcRequest *request) {
            claimedPid = request->body();
            request->sendResponse(0);
        });
    });
    QProcess helper;
    helper.start(QStringLiteral(CREDENTIALS_HELPER), {server.serverAddress().toString()});
    QVERIFY(helper.waitForStarted(Timeout));
    const qint64 helperPid = helper.processId();
    QTRY_VERIFY_WITH_TIMEOUT(helper.state() == QProcess::NotRunning, Timeout);
    QCOMPARE(helper.exitCode(), 0);
    QVERIFY(seen.isValid());
    QCOMPARE(seen.processId(), helperPid);
    QCOMPARE(QByteArray::number(seen.processId()), claimedPid);
    QVERIFY(seen.processId() != ::getpid());
    QCOMPARE(seen.userId(), qint64(::getuid()));
    QCOMPARE(seen.groupId(), qint64(::getgid()));
}

void tst_Seqpacket::noCredentialsOverTcp()
{
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    RpcPeer client;
    client.connectToServer(server.serverAddress().toString());
    QVERIFY(client.waitForConnected(Timeout));
    QVERIFY(!client.peerCredentials().isValid());
    QVERIFY(!RpcPeer().peerCredentials().isValid());
}

QTEST_GUILESS_MAIN(tst_Seqpacket)
#include "tst_seqpacket.moc"
