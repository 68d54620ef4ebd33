// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCSEQPACKETTRANSPORT_P_H
#define FIZYRRPCQT_RPCSEQPACKETTRANSPORT_P_H

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

#include <deque>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace Fizyr {

namespace RpcSeqpacket {

// What recvmsg() returned, as the parser sees it: the datagram (possibly
// truncated), its real length, the flags and the received descriptors
// (already owned).
struct ReceivedDatagram
{
    const char *data = nullptr;
    qsizetype size = 0;
    bool truncated = false; // MSG_TRUNC
    bool controlTruncated = false; // MSG_CTRUNC
    QList<RpcFileDescriptor> fileDescriptors;
};

struct ParseResult
{
    RpcError error = RpcError::NoError;
    QString errorString;
    RpcMessage message;
};

// Turns one received datagram into a message, or an error (the datagram is
// then dropped; its descriptors close with the result).
FIZYRRPCQT_AUTOTEST_EXPORT ParseResult parse(const ReceivedDatagram &datagram,
                                             RpcConfig::ByteOrder order, quint32 maxBody,
                                             int maxFds);

// Takes ownership of every SCM_RIGHTS descriptor in the control buffer.
FIZYRRPCQT_AUTOTEST_EXPORT QList<RpcFileDescriptor> takeFileDescriptors(const void *control,
                                                                        qsizetype controlSize);

} // namespace RpcSeqpacket

// One message per SOCK_SEQPACKET datagram; fds as SCM_RIGHTS; driven by
// QSocketNotifier.
class FIZYRRPCQT_AUTOTEST_EXPORT RpcSeqpacketTransport : public RpcTransport
{
    Q_OBJECT

public:
    explicit RpcSeqpacketTransport(QObject *parent = nullptr);
    ~RpcSeqpacketTransport() override;

    // Takes ownership of a connected seqpacket socket.
    bool setSocketDescriptor(int fd);
    int socketDescriptor() const { return m_fd; }

    void connectToAddress(const RpcAddress &address) override;
    void disconnectFromPeer() override;
    void abort() override;
    RpcError send(const RpcMessage &message) override;
    qint64 bytesToWrite() const override { return m_queuedBytes; }
    qint64 writeBufferUsage() const override { return m_queuedCost; }
    RpcAddress peerAddress() const override { return m_peerAddress; }
    RpcPeerCredentials peerCredentials() const override;

    // The largest datagram this socket can send (SO_SNDBUF - 32 on Linux),
    // and the largest body the read buffers take; both known once connected.
    qint64 maxDatagramSize() const { return m_maxDatagram; }
    qint64 readSlotSize() const { return m_readSlot; }
    // The largest datagram any unprivileged sender can send on this system
    // (twice net.core.wmem_max, less 32).
    static qint64 systemMaxDatagramSize();

protected:
    void flushOutput() override;
    void readNested() override;
    void readingAllowedChanged() override;

private:
    // A queued datagram: its header, encoded, and the message's body, shared
    // with the message (sent from both with one iovec each, not copied).
    struct Outgoing
    {
        char header[RpcWire::HeaderSize];
        QByteArray body;
        QList<RpcFileDescriptor> fds;
        qint64 cost = 0;

        qint64 size() const { return RpcWire::HeaderSize + body.size(); }
    };

    void setupNotifiers();
    void closeSocket();
    void onReadable();
    void readDatagrams();
    // Delivers messages received before reading was paused; false if it
    // stopped (paused again, closed) before the backlog was empty.
    bool deliverBacklog();
    void onWritable();
    // Sends the queue with sendmmsg(), as much as the socket takes.
    void flushQueue();
    void popFront();
    void tryConnect(int attempt);
    bool peerHungUp() const;
    void onPeerClosed();
    void onConnectFinished();
    void fail(RpcError error, const QString &text);
    void finishClose();

    int m_fd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    std::deque<Outgoing> m_queue;
    qint64 m_queuedBytes = 0;
    qint64 m_queuedCost = 0;
    qint64 m_maxDatagram = 0;
    // Parsed datagrams of one recvmmsg() not delivered because reading was
    // paused meanwhile.
    std::deque<RpcSeqpacket::ParseResult> m_backlog;
    bool m_resumeQueued = false;
    RpcAddress m_peerAddress;
    // The room one datagram (and its control data) takes in the thread's
    // receive area, a batch of which one recvmmsg() fills.
    qsizetype m_readSlot = 0;
    qsizetype m_controlSlot = 0;
    quint32 m_readMaxBody = 0;
    int m_readMaxFds = 0;
};

// Listens on a seqpacket socket path; hands out accepted descriptors.
class FIZYRRPCQT_AUTOTEST_EXPORT RpcSeqpacketListener : public QObject
{
    Q_OBJECT

public:
    explicit RpcSeqpacketListener(QObject *parent = nullptr);
    ~RpcSeqpacketListener() override;

    bool listen(const QString &path, RpcError *error, QString *errorString);
    // Takes fd, a seqpacket socket that is bound and listening; close()
    // removes socketFile unless it is empty (abstract names).
    void listenOnDescriptor(int fd, const QString &socketFile);
    void close();
    bool isListening() const { return m_fd >= 0; }

Q_SIGNALS:
    // The receiver owns fd.
    void newConnection(int fd);
    void acceptError(Fizyr::RpcError error, const QString &errorString);

private:
    void onReadable();

    int m_fd = -1;
    QString m_path;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCSEQPACKETTRANSPORT_P_H
