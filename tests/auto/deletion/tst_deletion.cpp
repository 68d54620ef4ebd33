// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Deleting library objects from inside their own signals: a peer from each
// of its signals and those of its requests, on both sides of a connection
// (the client peer and the peer a server accepted), a server from
// newConnection(), a request from its own signals; with plain delete and
// with deleteLater(), on every transport. After each row the process must
// keep working: the other side sees the connection end, and a fresh round
// trip on a new connection succeeds. The build runs this suite under
// valgrind too, for use-after-free inside Qt's own code.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "wire/rpcwire_p.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QLocalServer>
#include <QtNetwork/QTcpServer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <algorithm>
#include <memory>

using namespace Fizyr;

namespace {

constexpr int Timeout = 20000;

// Runs the event loop until done() holds, woken by events rather than
// polling (QTRY_* and qWaitFor() sleep between checks, which adds up over
// the table, more so under valgrind). Deferred deletions run too.
template<typename Done>
bool waitFor(Done done, int timeout = Timeout)
{
    const QDeadlineTimer deadline(timeout);
    while (!done()) {
        if (deadline.hasExpired())
            return done();
        QTimer wake;
        wake.setSingleShot(true);
        wake.start(int(qMax<qint64>(1, deadline.remainingTime())));
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    return true;
}

#define WAIT_VERIFY(expr) QVERIFY2(waitFor([&] { return bool(expr); }), #expr)
#define WAIT_COMPARE(actual, expected) \
    do { \
        (void)waitFor([&] { return (actual) == (expected); }); \
        QCOMPARE(actual, expected); \
    } while (false)

// Acts on object at most once, the way the row says: "delete",
// "deleteLater", or for a peer "abort" or "disconnectFromServer".
class Killer
{
public:
    explicit Killer(const QString &mode) : m_mode(mode) { }

    void operator()(QObject *object)
    {
        if (m_fired)
            return;
        m_fired = true;
        if (m_mode == QLatin1String("delete"))
            delete object;
        else if (m_mode == QLatin1String("deleteLater"))
            object->deleteLater();
        else if (m_mode == QLatin1String("abort"))
            qobject_cast<RpcPeer *>(object)->abort();
        else
            qobject_cast<RpcPeer *>(object)->disconnectFromServer();
    }
    bool fired() const { return m_fired; }
    bool deletes() const { return m_mode.startsWith(QLatin1String("delete")); }

private:
    QString m_mode;
    bool m_fired = false;
};

// A server with one client connected, and the peer it accepted.
struct Connection
{
    std::unique_ptr<QTemporaryDir> dir;
    QPointer<RpcServer> server;
    QPointer<RpcPeer> client;
    QPointer<RpcPeer> accepted; // child of server

    bool listen(const QString &scheme)
    {
        dir.reset(new QTemporaryDir);
        server = new RpcServer;
        return dir->isValid()
                && server->listen(RpcTestSupport::addressFor(scheme, *dir, QStringLiteral("s")));
    }

    bool connectClient()
    {
        client = new RpcPeer;
        QSignalSpy connected(client.data(), &RpcPeer::connected);
        client->connectToServer(server->serverAddress());
        if (!connected.wait(Timeout) && connected.isEmpty())
            return false;
        if (!waitFor([this] { return server->hasPendingConnections(); }))
            return false;
        accepted = server->nextPendingConnection();
        return accepted && client->state() == RpcPeer::ConnectedState;
    }

    bool start(const QString &scheme) { return listen(scheme) && connectClient(); }

    ~Connection()
    {
        delete client.data();
        delete server.data();
    }
};

// A request from requester answered by responder, which echoes the body.
bool roundTrip(RpcPeer *requester, RpcPeer *responder)
{
    QObject context;
    QObject::connect(responder, &RpcPeer::requestReceived, &context, [](RpcRequest *request) {
        request->sendResponse(0, request->body());
        request->deleteLater();
    });
    std::unique_ptr<RpcRequest> request(requester->sendRequest(9, "ping"));
    return request->waitForFinished(Timeout) && request->error() == RpcError::NoError
            && request->response().body() == "ping";
}

// The process still works: a new connection carries requests both ways.
bool freshRoundTrip(const QString &scheme)
{
    Connection connection;
    return connection.start(scheme) && roundTrip(connection.client, connection.accepted)
            && roundTrip(connection.accepted, connection.client);
}

// Accepts one connection on a transport's address and writes raw bytes
// (stream) or datagrams (seqpacket) to it, bypassing the library.
class RawServer
{
public:
    bool listen(const QString &scheme, const QTemporaryDir &dir)
    {
        m_scheme = scheme;
        const QString address = RpcTestSupport::addressFor(scheme, dir, QStringLiteral("raw"));
        if (scheme == QLatin1String("tcp")) {
            m_tcpServer.reset(new QTcpServer);
            if (!m_tcpServer->listen(QHostAddress::LocalHost))
                return false;
            m_address = QStringLiteral("tcp://127.0.0.1:%1").arg(m_tcpServer->serverPort());
            return true;
        }
        const QString path = address.mid(address.indexOf(QLatin1Char(':')) + 1);
        m_address = address;
        if (scheme == QLatin1String("unix")) {
            m_localServer.reset(new QLocalServer);
            return m_localServer->listen(path);
        }
        m_listenFd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        const QByteArray encoded = QFile::encodeName(path);
        memcpy(addr.sun_path, encoded.constData(), size_t(encoded.size()));
        return ::bind(m_listenFd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0
                && ::listen(m_listenFd, 4) == 0;
    }

    QString address() const { return m_address; }

    // After the client connected.
    bool accept()
    {
        if (m_tcpServer) {
            if (!m_tcpServer->hasPendingConnections()
                && !m_tcpServer->waitForNewConnection(Timeout))
                return false;
            m_tcp.reset(m_tcpServer->nextPendingConnection());
            return bool(m_tcp);
        }
        if (m_localServer) {
            if (!m_localServer->hasPendingConnections()
                && !m_localServer->waitForNewConnection(Timeout))
                return false;
            m_local.reset(m_localServer->nextPendingConnection());
            return bool(m_local);
        }
        m_fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        return m_fd >= 0;
    }

    bool send(const RpcMessage &message, RpcConfig::ByteOrder order)
    {
        if (m_fd >= 0) {
            const QByteArray datagram = RpcWire::encodeDatagram(message, order);
            return ::send(m_fd, datagram.constData(), size_t(datagram.size()), MSG_NOSIGNAL)
                    == datagram.size();
        }
        return write(RpcWire::encodeStreamFrame(message, order));
    }

    bool write(const QByteArray &bytes)
    {
        QIODevice *device = m_tcp ? static_cast<QIODevice *>(m_tcp.get())
                                  : static_cast<QIODevice *>(m_local.get());
        if (!device || device->write(bytes) != bytes.size())
            return false;
        if (m_tcp)
            m_tcp->flush();
        else
            m_local->flush();
        return true;
    }

    ~RawServer()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (m_listenFd >= 0)
            ::close(m_listenFd);
    }

private:
    QString m_scheme;
    QString m_address;
    std::unique_ptr<QTcpServer> m_tcpServer;
    std::unique_ptr<QLocalServer> m_localServer;
    std::unique_ptr<QTcpSocket> m_tcp;
    std::unique_ptr<QLocalSocket> m_local;
    int m_listenFd = -1;
    int m_fd = -1;
};

// A frame whose length (8) is shorter than the header: fatal on a stream.
QByteArray badFrame(RpcConfig::ByteOrder order)
{
    QByteArray bytes(12, '\0');
    RpcWire::writeU32(bytes.data(), 8, order);
    return bytes;
}

const QStringList transports = {QStringLiteral("tcp"), QStringLiteral("unix"),
#ifdef FIZYRRPCQT_TEST_SEQPACKET
                                QStringLiteral("seqpacket")
#endif
};

} // namespace

class tst_Deletion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deletePeerInSignal_data();
    void deletePeerInSignal();
    void deletePeerInConnectSignal_data();
    void deletePeerInConnectSignal();
    void deletePeerOnRawInput_data();
    void deletePeerOnRawInput();
    void deleteServerInNewConnection_data();
    void deleteServerInNewConnection();
    void deleteServerInItsSignals_data();
    void deleteServerInItsSignals();
    void deleteRequestInSignal_data();
    void deleteRequestInSignal();
};

const QStringList deletions = {QStringLiteral("delete"), QStringLiteral("deleteLater")};

static void addRows(const QStringList &signalNames, const QStringList &sides,
                    const QStringList &modes = deletions)
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("side");
    QTest::addColumn<QString>("signalName");
    QTest::addColumn<QString>("mode");
    for (const QString &scheme : transports) {
        for (const QString &side : sides) {
            for (const QString &signalName : signalNames) {
                for (const QString &mode : modes) {
                    const QString name
                            = QStringLiteral("%1/%2/%3/%4").arg(scheme, side, signalName, mode);
                    QTest::newRow(qPrintable(name)) << scheme << side << signalName << mode;
                }
            }
        }
    }
}

// Signals of an established connection, for either side. "remoteAbort" means
// the other side aborts while the peer deletes itself in disconnected() or
// errorOccurred(), whichever comes first. Besides deleting the peer, the
// slot may also abort() it or call disconnectFromServer().
void tst_Deletion::deletePeerInSignal_data()
{
    addRows({QStringLiteral("requestReceived"), QStringLiteral("streamReceived"),
             QStringLiteral("outgoing.updateReceived"), QStringLiteral("outgoing.finished"),
             QStringLiteral("outgoing.errorOccurred"), QStringLiteral("incoming.updateReceived"),
             QStringLiteral("incoming.finished"), QStringLiteral("incoming.errorOccurred"),
             QStringLiteral("stateChanged.closing"), QStringLiteral("stateChanged.unconnected"),
             QStringLiteral("disconnected"), QStringLiteral("remoteAbort")},
            {QStringLiteral("client"), QStringLiteral("accepted")},
            deletions
                    + QStringList{QStringLiteral("abort"), QStringLiteral("disconnectFromServer")});
}

void tst_Deletion::deletePeerInSignal()
{
    QFETCH(QString, scheme);
    QFETCH(QString, side);
    QFETCH(QString, signalName);
    QFETCH(QString, mode);

    Connection connection;
    QVERIFY(connection.start(scheme));
    const bool client = side == QLatin1String("client");
    QPointer<RpcPeer> target = client ? connection.client : connection.accepted;
    QPointer<RpcPeer> other = client ? connection.accepted : connection.client;
    Killer kill(mode);
    RpcPeer *peer = target.data();
    const auto killPeer = [&kill, peer] {
        kill(peer);
    };

    // The other side answers requests (requests from the target get a
    // response or an error response by service id; service 3 stays open).
    QList<QPointer<RpcRequest>> otherIncoming;
    connect(other, &RpcPeer::requestReceived, this, [&otherIncoming](RpcRequest *request) {
        otherIncoming.append(request);
        if (request->serviceId() == 1)
            request->sendResponse(0, "ok");
        else if (request->serviceId() == 2)
            request->sendErrorResponse(QStringLiteral("no"));
    });
    QList<QPointer<RpcRequest>> targetIncoming;
    connect(target, &RpcPeer::requestReceived, this,
            [&targetIncoming](RpcRequest *request) { targetIncoming.append(request); });

    std::unique_ptr<RpcRequest> otherRequest;
    if (signalName == QLatin1String("requestReceived")) {
        connect(target, &RpcPeer::requestReceived, this, killPeer);
        otherRequest.reset(other->sendRequest(3));
    } else if (signalName == QLatin1String("streamReceived")) {
        connect(target, &RpcPeer::streamReceived, this, killPeer);
        QVERIFY(other->sendStream(1, "stream"));
    } else if (signalName.startsWith(QLatin1String("outgoing."))) {
        const QString which = signalName.mid(9);
        const int service = which == QLatin1String("finished") ? 1
                : which == QLatin1String("errorOccurred")      ? 2
                                                               : 3;
        RpcRequest *request = target->sendRequest(service);
        if (which == QLatin1String("updateReceived"))
            connect(request, &RpcRequest::updateReceived, this, killPeer);
        else if (which == QLatin1String("finished"))
            connect(request, &RpcRequest::finished, this, killPeer);
        else
            connect(request, &RpcRequest::errorOccurred, this, killPeer);
        if (which == QLatin1String("updateReceived")) {
            WAIT_COMPARE(otherIncoming.size(), 1);
            QVERIFY(otherIncoming.first()->sendUpdate(7, "update"));
        }
    } else if (signalName.startsWith(QLatin1String("incoming."))) {
        const QString which = signalName.mid(9);
        otherRequest.reset(other->sendRequest(3));
        WAIT_COMPARE(targetIncoming.size(), 1);
        RpcRequest *request = targetIncoming.first();
        if (which == QLatin1String("updateReceived")) {
            connect(request, &RpcRequest::updateReceived, this, killPeer);
            QVERIFY(otherRequest->sendUpdate(7, "update"));
        } else if (which == QLatin1String("finished")) {
            connect(request, &RpcRequest::finished, this, killPeer);
            // finished() is emitted inside sendResponse().
            QVERIFY(request->sendResponse(0, "done"));
        } else {
            // The connection is lost: the open request fails.
            connect(request, &RpcRequest::errorOccurred, this, killPeer);
            other->abort();
        }
    } else if (signalName == QLatin1String("stateChanged.closing")) {
        connect(target, &RpcPeer::stateChanged, this, [&](RpcPeer::State state) {
            if (state == RpcPeer::ClosingState)
                killPeer();
        });
        // stateChanged() is emitted inside disconnectFromServer().
        target->disconnectFromServer();
    } else if (signalName == QLatin1String("stateChanged.unconnected")) {
        connect(target, &RpcPeer::stateChanged, this, [&](RpcPeer::State state) {
            if (state == RpcPeer::UnconnectedState)
                killPeer();
        });
        other->disconnectFromServer();
    } else if (signalName == QLatin1String("disconnected")) {
        connect(target, &RpcPeer::disconnected, this, killPeer);
        other->disconnectFromServer();
    } else if (signalName == QLatin1String("remoteAbort")) {
        connect(target, &RpcPeer::disconnected, this, killPeer);
        connect(target, &RpcPeer::errorOccurred, this, killPeer);
        // Data in flight both ways when the other side goes.
        QVERIFY(target->sendStream(1, QByteArray(1000, 'x')));
        QVERIFY(other->sendStream(1, QByteArray(1000, 'y')));
        other->abort();
    } else {
        QFAIL("unknown signal");
    }

    if (kill.deletes())
        WAIT_VERIFY(target.isNull());
    else
        WAIT_VERIFY(kill.fired() && target->state() == RpcPeer::UnconnectedState);
    QVERIFY(kill.fired());
    // The other side sees the connection end, and its open request fails.
    if (other) {
        WAIT_COMPARE(other->state(), RpcPeer::UnconnectedState);
        if (otherRequest)
            WAIT_VERIFY(otherRequest->isFinished());
    }
    QVERIFY(freshRoundTrip(scheme));
}

// Signals of a client connecting: stateChanged() to ConnectingState (inside
// connectToServer()) and ConnectedState, connected(), and errorOccurred()
// and stateChanged() of a failed attempt.
void tst_Deletion::deletePeerInConnectSignal_data()
{
    addRows({QStringLiteral("stateChanged.connecting"), QStringLiteral("stateChanged.connected"),
             QStringLiteral("connected"), QStringLiteral("errorChanged.refused"),
             QStringLiteral("errorOccurred.refused"),
             QStringLiteral("stateChanged.unconnected.refused")},
            {QStringLiteral("client")});
}

void tst_Deletion::deletePeerInConnectSignal()
{
    QFETCH(QString, scheme);
    QFETCH(QString, signalName);
    QFETCH(QString, mode);

    Connection connection;
    QVERIFY(connection.listen(scheme));
    const bool refused = signalName.endsWith(QLatin1String(".refused"));
    RpcAddress address = connection.server->serverAddress();
    if (refused) {
        // Nobody listens there.
        address = RpcAddress::fromString(
                RpcTestSupport::addressFor(scheme, *connection.dir, QStringLiteral("none")));
        if (scheme == QLatin1String("tcp")) {
            QTcpServer closed;
            QVERIFY(closed.listen(QHostAddress::LocalHost));
            address = RpcAddress::tcp(QStringLiteral("127.0.0.1"), closed.serverPort());
        }
    }
    QPointer<RpcPeer> target = new RpcPeer;
    RpcPeer *peer = target.data();
    Killer kill(mode);
    const auto killPeer = [&kill, peer] {
        kill(peer);
    };
    QSignalSpy newConnections(connection.server.data(), &RpcServer::newConnection);

    if (signalName.startsWith(QLatin1String("stateChanged."))) {
        const RpcPeer::State wanted = signalName == QLatin1String("stateChanged.connecting")
                ? RpcPeer::ConnectingState
                : signalName == QLatin1String("stateChanged.connected") ? RpcPeer::ConnectedState
                                                                        : RpcPeer::UnconnectedState;
        connect(target, &RpcPeer::stateChanged, this, [&, wanted](RpcPeer::State state) {
            if (state == wanted)
                killPeer();
        });
    } else if (signalName == QLatin1String("connected")) {
        connect(target, &RpcPeer::connected, this, killPeer);
    } else if (signalName == QLatin1String("errorChanged.refused")) {
        connect(target, &RpcPeer::errorChanged, this, [&, peer] {
            if (peer->error() != RpcError::NoError)
                killPeer();
        });
    } else {
        connect(target, &RpcPeer::errorOccurred, this, killPeer);
    }
    target->connectToServer(address);

    WAIT_VERIFY(target.isNull());
    QVERIFY(kill.fired());
    // A connection that reached the server ends there.
    if (!refused && newConnections.size() > 0) {
        QPointer<RpcPeer> accepted = connection.server->nextPendingConnection();
        if (accepted)
            WAIT_COMPARE(accepted->state(), RpcPeer::UnconnectedState);
    }
    QVERIFY(freshRoundTrip(scheme));
}

// errorOccurred() (and errorChanged()) caused by the other side: an update
// for an unknown request id (not fatal) and, on stream transports, a frame
// shorter than its header (fatal). Client rows use a raw server, accepted
// rows a raw client.
void tst_Deletion::deletePeerOnRawInput_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("side");
    QTest::addColumn<QString>("signalName");
    QTest::addColumn<QString>("mode");
    for (const QString &scheme : transports) {
        for (const QString &side : {QStringLiteral("client"), QStringLiteral("accepted")}) {
            QStringList signalNames = {QStringLiteral("errorOccurred.unknownId"),
                                       QStringLiteral("errorChanged.unknownId")};
            if (scheme != QLatin1String("seqpacket")) {
                signalNames << QStringLiteral("errorOccurred.badFrame")
                            << QStringLiteral("stateChanged.closing.badFrame");
            }
            for (const QString &signalName : std::as_const(signalNames)) {
                for (const QString &mode : deletions) {
                    QTest::newRow(qPrintable(
                            QStringLiteral("%1/%2/%3/%4").arg(scheme, side, signalName, mode)))
                            << scheme << side << signalName << mode;
                }
            }
        }
    }
}

void tst_Deletion::deletePeerOnRawInput()
{
    QFETCH(QString, scheme);
    QFETCH(QString, side);
    QFETCH(QString, signalName);
    QFETCH(QString, mode);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RawServer rawServer;
    RpcTestSupport::RawConnection rawClient;
    Connection connection;
    QPointer<RpcPeer> target;
    if (side == QLatin1String("client")) {
        QVERIFY(rawServer.listen(scheme, dir));
        target = new RpcPeer;
        QSignalSpy connected(target.data(), &RpcPeer::connected);
        target->connectToServer(rawServer.address());
        QVERIFY(connected.wait(Timeout) || !connected.isEmpty());
        QVERIFY(rawServer.accept());
    } else {
        QVERIFY(connection.listen(scheme));
        QVERIFY(rawClient.open(connection.server->serverAddress().toString()));
        WAIT_VERIFY(connection.server->hasPendingConnections());
        target = connection.server->nextPendingConnection();
        QVERIFY(target);
    }
    RpcPeer *peer = target.data();
    const RpcConfig::ByteOrder order = peer->config().byteOrder();
    Killer kill(mode);
    const auto killPeer = [&kill, peer] {
        kill(peer);
    };
    if (signalName.startsWith(QLatin1String("errorOccurred.")))
        connect(target, &RpcPeer::errorOccurred, this, killPeer);
    else if (signalName.startsWith(QLatin1String("errorChanged.")))
        connect(target, &RpcPeer::errorChanged, this, killPeer);
    else
        connect(target, &RpcPeer::stateChanged, this, [&](RpcPeer::State state) {
            if (state == RpcPeer::ClosingState)
                killPeer();
        });

    const RpcMessage update(RpcMessage::RequesterUpdate, 42, 1, "who?");
    const RpcMessage stream(RpcMessage::Stream, 0, 1, "after");
    QByteArray bytes;
    if (signalName.endsWith(QLatin1String(".unknownId")))
        bytes = RpcWire::encodeStreamFrame(update, order)
                + RpcWire::encodeStreamFrame(stream, order);
    else
        bytes = badFrame(order) + RpcWire::encodeStreamFrame(stream, order);
    if (side == QLatin1String("client")) {
        if (scheme == QLatin1String("seqpacket"))
            QVERIFY(rawServer.send(update, order) && rawServer.send(stream, order));
        else
            QVERIFY(rawServer.write(bytes));
    } else if (scheme == QLatin1String("seqpacket")) {
        QVERIFY(rawClient.write(RpcWire::encodeDatagram(update, order)));
        QVERIFY(rawClient.write(RpcWire::encodeDatagram(stream, order)));
    } else {
        QVERIFY(rawClient.write(bytes));
    }

    WAIT_VERIFY(target.isNull());
    QVERIFY(kill.fired());
    if (side == QLatin1String("accepted"))
        WAIT_VERIFY(rawClient.isClosedByPeer());
    QVERIFY(freshRoundTrip(scheme));
}

// A server deleted (or closed) inside newConnection(), with several
// connections waiting in the accept loop.
// The server's other signals: errorChanged() (a failed listen(), and the
// reset by the next successful one), listeningChanged() on and off.
void tst_Deletion::deleteServerInItsSignals_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("signalName");
    for (const QString &scheme : transports) {
        for (const QString &signalName :
             {QStringLiteral("errorChanged.failure"), QStringLiteral("errorChanged.reset"),
              QStringLiteral("listeningChanged.on"), QStringLiteral("listeningChanged.off")}) {
            QTest::newRow(qPrintable(scheme + QLatin1Char('/') + signalName))
                    << scheme << signalName;
        }
    }
}

void tst_Deletion::deleteServerInItsSignals()
{
    QFETCH(QString, scheme);
    QFETCH(QString, signalName);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString good = RpcTestSupport::addressFor(scheme, dir, QStringLiteral("s"));
    const QString bad = scheme == QLatin1String("tcp")
            ? QStringLiteral("tcp://not-an-ip:1")
            : scheme + QLatin1Char(':') + dir.filePath(QStringLiteral("missing/s.sock"));
    auto *server = new RpcServer;
    QPointer<RpcServer> guard(server);
    const auto deleteIt = [server] {
        delete server;
    };
    if (signalName == QLatin1String("errorChanged.failure")) {
        connect(server, &RpcServer::errorChanged, this, deleteIt);
        QVERIFY(!server->listen(bad));
    } else if (signalName == QLatin1String("errorChanged.reset")) {
        QVERIFY(!server->listen(bad));
        connect(server, &RpcServer::errorChanged, this, deleteIt);
        QVERIFY(!server->listen(good));
    } else if (signalName == QLatin1String("listeningChanged.on")) {
        connect(server, &RpcServer::listeningChanged, this, deleteIt);
        server->listen(good);
    } else {
        QVERIFY(server->listen(good));
        connect(server, &RpcServer::listeningChanged, this, deleteIt);
        server->close();
    }
    QVERIFY(guard.isNull());

    // The address is free again, and the process still serves and calls.
    Connection connection;
    QVERIFY(connection.start(scheme));
    RpcRequest *request = connection.client->sendRequest(1, "ping");
    connect(connection.accepted, &RpcPeer::requestReceived, this,
            [](RpcRequest *incoming) { incoming->sendResponse(0, incoming->body()); });
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(RpcTestSupport::DefaultTimeout));
    QCOMPARE(request->error(), RpcError::NoError);
    RpcServer again;
    QVERIFY2(again.listen(good), qPrintable(again.errorString()));
}

void tst_Deletion::deleteServerInNewConnection_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("action");
    for (const QString &scheme : transports) {
        for (const QString &action : {QStringLiteral("delete"), QStringLiteral("deleteLater"),
                                      QStringLiteral("close"), QStringLiteral("closeAndDelete")}) {
            QTest::newRow(qPrintable(scheme + QLatin1Char('/') + action)) << scheme << action;
        }
    }
}

void tst_Deletion::deleteServerInNewConnection()
{
    QFETCH(QString, scheme);
    QFETCH(QString, action);

    Connection connection;
    QVERIFY(connection.listen(scheme));
    QPointer<RpcServer> server = connection.server;
    RpcServer *raw = server.data();
    int calls = 0;
    connect(raw, &RpcServer::newConnection, this, [&calls, raw, action] {
        if (++calls > 1)
            return;
        if (action == QLatin1String("delete")) {
            delete raw;
        } else if (action == QLatin1String("deleteLater")) {
            raw->deleteLater();
        } else if (action == QLatin1String("close")) {
            raw->close();
        } else {
            raw->close();
            delete raw;
        }
    });
    // Several clients at once, so that the accept loop has more to do after
    // the first newConnection().
    std::vector<std::unique_ptr<RpcPeer>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.emplace_back(new RpcPeer);
        clients.back()->connectToServer(raw->serverAddress());
    }
    WAIT_VERIFY(calls > 0);
    if (action == QLatin1String("close")) {
        QVERIFY(server);
        QVERIFY(!server->isListening());
    } else {
        WAIT_VERIFY(server.isNull());
    }
    // Every client ends up unconnected, except, after close(), those whose
    // connection the server accepted before: they stay connected to a
    // pending peer, which works.
    QList<QPointer<RpcPeer>> accepted;
    while (server && server->hasPendingConnections())
        accepted.append(server->nextPendingConnection());
    const auto count = [&clients](RpcPeer::State state) {
        return std::count_if(clients.cbegin(), clients.cend(),
                             [state](const auto &client) { return client->state() == state; });
    };
    WAIT_VERIFY(count(RpcPeer::ConnectingState) == 0
                && count(RpcPeer::ConnectedState) == accepted.size());
    if (action == QLatin1String("close")) {
        QVERIFY(!accepted.isEmpty());
        QObject context;
        for (const auto &client : clients) {
            connect(client.get(), &RpcPeer::requestReceived, &context, [](RpcRequest *request) {
                request->sendResponse(0, request->body());
                request->deleteLater();
            });
        }
        for (const QPointer<RpcPeer> &peer : std::as_const(accepted)) {
            std::unique_ptr<RpcRequest> request(peer->sendRequest(1, "ping"));
            QVERIFY(request->waitForFinished(Timeout));
            QCOMPARE(request->error(), RpcError::NoError);
            QCOMPARE(request->response().body(), QByteArray("ping"));
        }
    } else {
        QVERIFY(accepted.isEmpty());
    }
    QVERIFY(freshRoundTrip(scheme));
}

// A request deleted inside its own signals, on both ends of the connection;
// the peer survives.
void tst_Deletion::deleteRequestInSignal_data()
{
    addRows({QStringLiteral("outgoing.updateReceived"), QStringLiteral("outgoing.finished"),
             QStringLiteral("outgoing.errorOccurred"), QStringLiteral("outgoing.errorChanged"),
             QStringLiteral("outgoing.timeout"), QStringLiteral("incoming.updateReceived"),
             QStringLiteral("incoming.finished"), QStringLiteral("incoming.errorOccurred")},
            {QStringLiteral("client")});
}

void tst_Deletion::deleteRequestInSignal()
{
    QFETCH(QString, scheme);
    QFETCH(QString, signalName);
    QFETCH(QString, mode);

    Connection connection;
    QVERIFY(connection.start(scheme));
    RpcPeer *requester = connection.client;
    RpcPeer *responder = connection.accepted;
    Killer kill(mode);
    QList<QPointer<RpcRequest>> received;
    connect(responder, &RpcPeer::requestReceived, this, [&received](RpcRequest *request) {
        received.append(request);
        if (request->serviceId() == 1)
            request->sendResponse(0, "ok");
        else if (request->serviceId() == 2)
            request->sendErrorResponse(QStringLiteral("no"));
    });

    QPointer<RpcRequest> target;
    std::unique_ptr<RpcRequest> otherRequest;
    bool connectionLost = false;
    if (signalName.startsWith(QLatin1String("outgoing."))) {
        const QString which = signalName.mid(9);
        const int service = which == QLatin1String("finished") ? 1
                : (which == QLatin1String("errorOccurred")
                   || which == QLatin1String("errorChanged"))
                ? 2
                : 3;
        target = requester->sendRequest(service);
        RpcRequest *request = target.data();
        const auto killRequest = [&kill, request] {
            kill(request);
        };
        if (which == QLatin1String("updateReceived"))
            connect(request, &RpcRequest::updateReceived, this, killRequest);
        else if (which == QLatin1String("finished"))
            connect(request, &RpcRequest::finished, this, killRequest);
        else if (which == QLatin1String("errorOccurred"))
            connect(request, &RpcRequest::errorOccurred, this, killRequest);
        else if (which == QLatin1String("errorChanged"))
            connect(request, &RpcRequest::errorChanged, this, killRequest);
        else {
            connect(request, &RpcRequest::finished, this, killRequest);
            request->setTimeout(1);
        }
        if (which == QLatin1String("updateReceived")) {
            WAIT_COMPARE(received.size(), 1);
            QVERIFY(received.first()->sendUpdate(7, "update"));
        }
    } else {
        const QString which = signalName.mid(9);
        // The accepted side's request: the client sends it, service 3 stays open.
        otherRequest.reset(requester->sendRequest(3));
        WAIT_COMPARE(received.size(), 1);
        target = received.first();
        RpcRequest *request = target.data();
        const auto killRequest = [&kill, request] {
            kill(request);
        };
        if (which == QLatin1String("updateReceived")) {
            connect(request, &RpcRequest::updateReceived, this, killRequest);
            QVERIFY(otherRequest->sendUpdate(7, "update"));
        } else if (which == QLatin1String("finished")) {
            connect(request, &RpcRequest::finished, this, killRequest);
            QVERIFY(request->sendResponse(0, "done"));
        } else {
            connect(request, &RpcRequest::errorOccurred, this, killRequest);
            connectionLost = true;
            requester->abort();
        }
    }

    WAIT_VERIFY(target.isNull());
    QVERIFY(kill.fired());
    if (otherRequest && !connectionLost) {
        // The other side gets an answer: the response, or the error
        // response for a request deleted unanswered.
        QVERIFY(otherRequest->waitForFinished(Timeout));
        if (signalName == QLatin1String("incoming.updateReceived"))
            QCOMPARE(otherRequest->error(), RpcError::RemoteError);
    }
    if (!connectionLost) {
        // The peers keep working.
        QVERIFY(roundTrip(requester, responder));
        QVERIFY(roundTrip(responder, requester));
    }
    QVERIFY(freshRoundTrip(scheme));
}

QTEST_GUILESS_MAIN(tst_Deletion)
#include "tst_deletion.moc"
