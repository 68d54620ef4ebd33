// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The transport core, on every transport: the high-water mark and the
// write-buffer accounting mean the same everywhere, extreme configuration
// values are safe, replies sent before the other side's end of input are
// delivered, a graceful close is bounded in time, reading stops while the
// write buffer is full, and a torn frame closes a stream connection.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpcpeer_p.h"
#include "rpctestrawclient.h"
#include "rpctestsupport.h"
#include "transport/rpctransport_p.h"
#include "wire/rpcwire_p.h"

#include <QtCore/QPointer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <arpa/inet.h>
#include <climits>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>

#include <memory>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int Timeout = 20000;

RpcAddress::Transport transportOf(const QString &scheme)
{
    if (scheme == QLatin1String("tcp"))
        return RpcAddress::Tcp;
    if (scheme == QLatin1String("unix"))
        return RpcAddress::UnixStream;
    return RpcAddress::UnixSeqpacket;
}

// A device that takes the first write and fails every later one: a frame's
// header goes out, its body does not.
class FailingDevice : public QIODevice
{
public:
    bool isSequential() const override { return true; }
    QByteArray written;
    int writes = 0;

protected:
    qint64 readData(char *, qint64) override { return 0; }
    qint64 writeData(const char *data, qint64 size) override
    {
        if (++writes > 1)
            return -1;
        written.append(data, size);
        return size;
    }
};

} // namespace

class tst_TransportCore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void init();
    void cleanup();

    void highWaterMarkAppliesToTheFirstMessage();
    void writeBufferCountsWhatIsHeld();
    void extremeConfigValues();
    void repliesBeforeHalfCloseDelivered();
    void closeGivesUpOnNonReader();
    void readingStopsWhileWriteBufferFull();
    void tornFrameClosesConnection();

private:
    // A server on the row's transport whose peers run with config and
    // handler; returns its address.
    RpcAddress startServer(const RpcConfig &config,
                           const std::function<void(RpcPeer *)> &setup = {});

    QTemporaryDir m_dir;
    std::unique_ptr<RpcServer> m_server;
    QList<QPointer<RpcPeer>> m_serverPeers;
    int m_fdsAtStart = 0;
};

void tst_TransportCore::init()
{
    m_fdsAtStart = openFdCount();
}

void tst_TransportCore::cleanup()
{
    for (const QPointer<RpcPeer> &peer : std::as_const(m_serverPeers))
        delete peer;
    m_serverPeers.clear();
    m_server.reset();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), m_fdsAtStart, Timeout);
}

RpcAddress tst_TransportCore::startServer(const RpcConfig &config,
                                          const std::function<void(RpcPeer *)> &setup)
{
    QFETCH_GLOBAL(QString, scheme);
    m_server.reset(new RpcServer);
    m_server->setConfig(config);
    if (!m_server->listen(addressFor(scheme, m_dir, QStringLiteral("core"))))
        return RpcAddress();
    connect(m_server.get(), &RpcServer::newConnection, this, [this, setup] {
        while (RpcPeer *peer = m_server->nextPendingConnection()) {
            m_serverPeers.append(peer);
            if (setup)
                setup(peer);
        }
    });
    return m_server->serverAddress();
}

// One meaning of the high-water mark: a message that does not fit is
// refused even when nothing else is queued (seqpacket used to send it).
void tst_TransportCore::highWaterMarkAppliesToTheFirstMessage()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcConfig config = RpcConfig::defaultsFor(transportOf(scheme));
    config.setMaxBodyWriteSize(64 * 1024);
    config.setWriteBufferHighWaterMark(16 * 1024);
    const RpcAddress address = startServer(RpcConfig::defaultsFor(transportOf(scheme)));
    QVERIFY(address.isValid());
    RpcPeer client;
    client.setConfig(config);
    client.connectToServer(address);
    QVERIFY(client.waitForConnected(Timeout));
    QVERIFY(!client.sendStream(1, QByteArray(20000, 'x')));
    QCOMPARE(client.error(), RpcError::WriteBufferFull);
    QVERIFY(client.sendStream(1, QByteArray(1000, 'x')));
    QCOMPARE(client.state(), RpcPeer::ConnectedState);
}

// Empty messages queued against a peer that never reads: the write buffer
// counts what they really hold, so memory stays near the high-water mark
// (seqpacket used to count body bytes only: 16 MiB allowed 1.4 million
// empty messages and about 134 MB).
void tst_TransportCore::writeBufferCountsWhatIsHeld()
{
    QFETCH_GLOBAL(QString, scheme);
    constexpr qint64 HighWater = 16 * 1024 * 1024;
    RpcConfig config = RpcConfig::defaultsFor(transportOf(scheme));
    config.setWriteBufferHighWaterMark(HighWater);
    QPointer<RpcPeer> serverPeer;
    const RpcAddress address = startServer(config, [&](RpcPeer *peer) { serverPeer = peer; });
    QVERIFY(address.isValid());
    RawClient client; // never reads
    QVERIFY(client.open(address));
    QTRY_VERIFY_WITH_TIMEOUT(serverPeer, Timeout);

    const qint64 rssBefore = statusKiB("VmRSS");
    qint64 accepted = 0;
    while (serverPeer->sendStream(1))
        ++accepted;
    QCOMPARE(serverPeer->error(), RpcError::WriteBufferFull);
    const qint64 grownKiB = statusKiB("VmRSS") - rssBefore;
    RpcTransport *transport = RpcPeerPrivate::get(serverPeer)->transport;
    qInfo("%s: %lld empty messages accepted, %lld bytes queued (%lld accounted), "
          "resident memory +%lld KiB",
          qPrintable(scheme), accepted, transport->bytesToWrite(), transport->writeBufferUsage(),
          grownKiB);
    QVERIFY(transport->writeBufferUsage() <= HighWater);
    if (MemoryBoundsApply)
        QVERIFY2(grownKiB < 3 * HighWater / 1024, qPrintable(QString::number(grownKiB)));
    QCOMPARE(serverPeer->state(), RpcPeer::ConnectedState);
}

// Every size derived from the configuration is safe at the extremes (the
// seqpacket control buffer for INT_MAX descriptors used to overflow and
// abort with bad_alloc; a read limit near 4 GiB allocated that much).
void tst_TransportCore::extremeConfigValues()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcConfig config = RpcConfig::defaultsFor(transportOf(scheme));
    config.setMaxFileDescriptorsRead(INT_MAX);
    config.setMaxFileDescriptorsWrite(INT_MAX);
    config.setMaxBodyReadSize(UINT_MAX);
    config.setMaxBodyWriteSize(UINT_MAX);
    config.setWriteBufferHighWaterMark(LLONG_MAX);
    config.setWriteBufferLowWaterMark(LLONG_MAX);
    const qint64 rssBefore = statusKiB("VmRSS");
    const RpcAddress address = startServer(config, [](RpcPeer *peer) {
        connect(peer, &RpcPeer::requestReceived, peer,
                [](RpcRequest *request) { request->sendResponse(0, request->body()); });
    });
    QVERIFY(address.isValid());
    RpcPeer client;
    client.setConfig(config);
    client.connectToServer(address);
    QVERIFY(client.waitForConnected(Timeout));
    const QByteArray body(100 * 1024, 'b');
    RpcRequest *request = client.sendRequest(1, body);
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::NoError);
    QCOMPARE(request->response().body(), body);
    if (MemoryBoundsApply)
        QVERIFY(statusKiB("VmRSS") - rssBefore < 256 * 1024);

    // Negative and zero values are no less safe.
    RpcConfig low = RpcConfig::defaultsFor(transportOf(scheme));
    low.setMaxFileDescriptorsRead(INT_MIN);
    low.setMaxFileDescriptorsWrite(-1);
    low.setMaxBodyReadSize(0);
    low.setWriteBufferHighWaterMark(-5);
    low.setWriteBufferLowWaterMark(LLONG_MIN);
    RpcPeer other;
    other.setConfig(low);
    other.connectToServer(address);
    QVERIFY(other.waitForConnected(Timeout));
    RpcRequest *empty = other.sendRequest(1);
    QVERIFY(empty->waitForFinished(Timeout));
    QCOMPARE(empty->error(), RpcError::NoError);
}

// The client sends its requests and shuts down its sending half at once:
// every reply the server sent for them arrives before the connection ends
// (seqpacket used to drop them with the close).
void tst_TransportCore::repliesBeforeHalfCloseDelivered()
{
    QFETCH_GLOBAL(QString, scheme);
    constexpr int Requests = 20;
    const RpcAddress address
            = startServer(RpcConfig::defaultsFor(transportOf(scheme)), [](RpcPeer *peer) {
                  connect(peer, &RpcPeer::requestReceived, peer,
                          [](RpcRequest *request) { request->sendResponse(0, request->body()); });
              });
    QVERIFY(address.isValid());
    for (int run = 0; run < 5; ++run) {
        RawClient client;
        QVERIFY(client.open(address));
        for (int i = 0; i < Requests; ++i) {
            QVERIFY(client.write(client.encode(
                    RpcMessage(RpcMessage::Request, quint32(i), 1, QByteArray::number(i)))));
        }
        QCOMPARE(::shutdown(client.fd(), SHUT_WR), 0);
        bool closed = false;
        const QList<RpcMessage> replies = client.readUntilClosed(&closed);
        QVERIFY(closed);
        QCOMPARE(replies.size(), Requests);
        for (int i = 0; i < Requests; ++i) {
            QCOMPARE(replies.at(i).type(), RpcMessage::Response);
            QCOMPARE(replies.at(i).requestId(), quint32(i));
            QCOMPARE(replies.at(i).body(), QByteArray::number(i));
        }
    }
}

// A graceful close towards a client that never reads what it is sent: the
// server gives up writing after its close timeout and closes, reporting it.
// (The other side's end of input is not noticed while reading is stopped by
// flow control, and Qt's stream sockets close at once on it.)
void tst_TransportCore::closeGivesUpOnNonReader()
{
    QFETCH_GLOBAL(QString, scheme);
    QPointer<RpcPeer> serverPeer;
    const RpcAddress address = startServer(RpcConfig::defaultsFor(transportOf(scheme)),
                                           [&](RpcPeer *peer) { serverPeer = peer; });
    QVERIFY(address.isValid());
    RawClient client;
    QVERIFY(client.open(address));
    QTRY_VERIFY_WITH_TIMEOUT(serverPeer, Timeout);
    RpcPeerPrivate::get(serverPeer)->transport->setCloseTimeout(200);
    // Fill the socket and the server's write buffer.
    const QByteArray body(4000, 'f');
    while (serverPeer->sendStream(1, body)) { }
    QCOMPARE(serverPeer->error(), RpcError::WriteBufferFull);
    QSignalSpy errors(serverPeer.data(), &RpcPeer::errorOccurred);
    QSignalSpy disconnected(serverPeer.data(), &RpcPeer::disconnected);
    serverPeer->disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, Timeout);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::SocketTimeout);
}

// A server peer that cannot write its answers stops reading requests: the
// kernel then pushes back on the sender, so the server holds a bounded
// number of requests however many the client sends.
void tst_TransportCore::readingStopsWhileWriteBufferFull()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcConfig config = RpcConfig::defaultsFor(transportOf(scheme));
    config.setWriteBufferHighWaterMark(1024 * 1024);
    config.setWriteBufferLowWaterMark(256 * 1024);
    QPointer<RpcPeer> serverPeer;
    int received = 0;
    const RpcAddress address = startServer(config, [&](RpcPeer *peer) {
        serverPeer = peer;
        peer->setAutoDeleteRequests(true);
        connect(peer, &RpcPeer::requestReceived, peer, [&](RpcRequest *request) {
            ++received;
            if (!request->sendResponse(0, request->body()))
                request->deleteLater(); // answered with an error response later, or dropped
        });
    });
    QVERIFY(address.isValid());
    RawClient client; // sends, never reads
    QVERIFY(client.open(address));
    const qsizetype bodySize = config.maxBodyReadSize();
    int sent = 0;
    // Sends until the server stops taking data (the socket stays full for
    // 2 s while the event loop runs) or 20000 requests went out.
    for (; sent < 20000; ++sent) {
        if (!client.write(client.encode(RpcMessage(RpcMessage::Request, quint32(sent), 1,
                                                   QByteArray(bodySize, 'r'))),
                          2000))
            break;
    }
    QVERIFY(serverPeer);
    RpcTransport *transport = RpcPeerPrivate::get(serverPeer)->transport;
    qInfo("%s: client sent %d requests, server received %d, write buffer %lld bytes",
          qPrintable(scheme), sent, received, transport->writeBufferUsage());
    QVERIFY2(sent < 20000, "the server never stopped reading");
    QVERIFY(transport->isReadingFlowControlled());
    QVERIFY(transport->writeBufferUsage() <= config.writeBufferHighWaterMark());
    QCOMPARE(serverPeer->state(), RpcPeer::ConnectedState);
}

// Issue 11 bug 5: a frame whose second half cannot be written leaves a torn
// frame; the connection must close instead of going on.
void tst_TransportCore::tornFrameClosesConnection()
{
    // A user device runs the stream transport, whatever the row.
    FailingDevice device;
    QVERIFY(device.open(QIODevice::ReadWrite | QIODevice::Unbuffered));
    RpcPeer peer;
    QVERIFY(peer.setDevice(&device));
    QSignalSpy errors(&peer, &RpcPeer::errorOccurred);
    QSignalSpy disconnected(&peer, &RpcPeer::disconnected);
    QVERIFY(!peer.sendStream(1, "body that will not be written"));
    QCOMPARE(device.writes, 2);
    QVERIFY(disconnected.wait(Timeout) || disconnected.size() == 1);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::NetworkFailure);
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
    QVERIFY(!peer.sendStream(1, "more"));
}

QTEST_GUILESS_MAIN(tst_TransportCore)

#include "tst_transportcore.moc"
