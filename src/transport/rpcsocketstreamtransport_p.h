// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCSOCKETSTREAMTRANSPORT_P_H
#define FIZYRRPCQT_RPCSOCKETSTREAMTRANSPORT_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpctransport_p.h"
#include "wire/rpcwire_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtNetwork/qhostaddress.h>

QT_BEGIN_NAMESPACE
class QHostInfo;
class QSocketNotifier;
class QTimer;
QT_END_NAMESPACE

namespace Fizyr {

// Length-prefixed frames (exactly as RpcStreamTransport sends them) over a
// connected SOCK_STREAM descriptor, Unix or TCP, that this transport owns
// and drives itself with QSocketNotifier: no QIODevice, no socket object, no
// ring buffers. Reads go into a buffer shared by the thread and are parsed
// into messages at once (the rest of a large body is read straight into the
// message); writes send the queued frames with one sendmsg() per flush,
// header and body from where they lie. Built where the seqpacket transport
// is (Linux), for unix: and tcp:// connections both ways: accepted ones
// (RpcServer), adopted descriptors, and the ones this side makes, which it
// connects itself (rpcsocketstreamtransport_connect_unix.cpp): an IP
// literal directly, a name resolved with QHostInfo, every address in turn
// with a non-blocking connect(), as QTcpSocket does, on the descriptor that
// then carries the connection. Elsewhere those use RpcStreamTransport, and
// so do TLS and user devices (RpcPeer::setDevice()).
class FIZYRRPCQT_AUTOTEST_EXPORT RpcSocketStreamTransport : public RpcTransport
{
    Q_OBJECT

public:
    explicit RpcSocketStreamTransport(QObject *parent = nullptr);
    ~RpcSocketStreamTransport() override;

    // Takes ownership of fd, a connected stream socket (Unix or TCP);
    // returns false, leaving fd open, if it is not one. outgoing: this side
    // made the connection (the keep-alive setting Auto turns keep-alive on
    // for those only, as RpcConfig::keepAlive() says).
    bool setSocketDescriptor(int fd, bool outgoing = false);
    int socketDescriptor() const { return m_fd; }
    // Connects to address, a tcp:// one, as if its host had resolved to
    // addresses (in this order): what connectToAddress() does once the
    // lookup is done. For tests (several addresses, the first failing).
    void connectToResolved(const RpcAddress &address, const QList<QHostAddress> &addresses);
    // How long a tcp:// connect() to one address may take before the next
    // address is tried (or the attempt fails with SocketTimeout):
    // QAbstractSocket's QT_CONNECT_TIMEOUT, which bounded these attempts
    // when QTcpSocket made them. Settable for tests.
    static constexpr int DefaultConnectTimeoutMsecs = 30000;
    void setConnectTimeout(int msecs) { m_connectTimeoutMsecs = msecs; }
    // Whether Qt's proxy settings give a tcp:// connection to address
    // anything but a direct one: such a connection is for the QTcpSocket
    // transport, which speaks to the proxy.
    static bool proxyApplies(const RpcAddress &address);

    void setConfig(const RpcConfig &config) override;
    void connectToAddress(const RpcAddress &address) override;
    void disconnectFromPeer() override;
    void abort() override;
    RpcError send(const RpcMessage &message) override;
    qint64 bytesToWrite() const override { return m_queuedBytes; }
    // As for every stream: the bytes of the frames, no record per message.
    qint64 writeBufferUsage() const override { return m_queuedBytes; }
    RpcAddress peerAddress() const override { return m_peerAddress; }
    RpcPeerCredentials peerCredentials() const override;

protected:
    void flushOutput() override;
    void readNested() override;
    void readingAllowedChanged() override;

private:
    static constexpr qsizetype PrefixSize = RpcWire::LengthPrefixSize + RpcWire::HeaderSize;

    // A queued frame: its length prefix and header, encoded, and the
    // message's body, shared with the message (not copied).
    struct Outgoing
    {
        char prefix[PrefixSize];
        QByteArray body;

        qint64 size() const { return PrefixSize + body.size(); }
    };

    void setupSocket(bool outgoing);
    void closeSocket();
    void onReadable();
    void readStream();
    // Delivers the parsed messages not delivered yet (reading was paused
    // meanwhile), then acts on an end of input or a framing error found
    // after them; false if it stopped before the backlog was empty or the
    // connection closed.
    bool deliverBacklog();
    // Parses size bytes of received data into the backlog; false on a
    // framing error (then remembered for deliverBacklog()).
    bool parseReceived(const char *data, qsizetype size);
    void onWritable();
    // Sends the queue with sendmsg(), as much as the socket takes.
    void flushQueue();
    void tryConnectUnix(int attempt);
    // tcp:// connections this side makes
    // (rpcsocketstreamtransport_connect_unix.cpp): resolves the host (an IP
    // literal is used as it is), then tries the addresses in order.
    void connectTcp();
    void onHostLookedUp(const QHostInfo &info);
    // Starts the attempts on addresses at once; an outcome is reported from
    // the event loop, never from inside connectToAddress().
    void startTcpAttempts(const QList<QHostAddress> &addresses);
    // Starts a connect() to the next address, or reports the error of the
    // last failed attempt when none is left; from the event loop.
    void tryNextTcpAddress();
    // Starts connect() on the addresses left, in order, until one is under
    // way (m_connectNotifier set) or connected at once; false if none is
    // left (m_tcpConnectError says why). Emits nothing.
    bool startTcpAttempt();
    void onTcpConnectWritable();
    void onTcpConnectTimeout();
    // Stops a lookup or connect() in progress (not the descriptor).
    void stopTcpConnecting();
    void onConnectFinished();
    void onPeerClosed();
    void fail(RpcError error, const QString &text);
    void finishClose();
    // A read or write error: the other side reset the connection (closed
    // without an error, as the socket classes report it), or a failure.
    void readOrWriteFailed(int error, const char *what);

    int m_fd = -1;
    bool m_unix = false;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QList<Outgoing> m_queue;
    // Bytes of the first queued frame already written.
    qsizetype m_headWritten = 0;
    qint64 m_queuedBytes = 0;
    // Received messages not delivered yet, from m_backlogNext on.
    QList<RpcMessage> m_backlog;
    qsizetype m_backlogNext = 0;
    // The end of input or a framing error, found after the backlog.
    bool m_endOfInput = false;
    bool m_framingFailed = false;
    bool m_resumeQueued = false;
    RpcAddress m_peerAddress;
    RpcAddress m_connectAddress;
    // tcp:// connecting: the lookup running (-1: none), the addresses not
    // tried yet, the pending connect()'s notifier and timer, the error of
    // the last failed attempt.
    int m_lookupId = -1;
    QList<QHostAddress> m_tcpAddresses;
    QSocketNotifier *m_connectNotifier = nullptr;
    QTimer *m_connectTimer = nullptr;
    RpcError m_tcpConnectError = RpcError::HostNotFound;
    // Changes with every connectToAddress() and close: a queued step of an
    // earlier attempt finds it changed and does nothing.
    quint32 m_connectGeneration = 0;
    int m_connectTimeoutMsecs = DefaultConnectTimeoutMsecs;
    RpcWire::RpcFrameDecoder m_decoder;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCSOCKETSTREAMTRANSPORT_P_H
