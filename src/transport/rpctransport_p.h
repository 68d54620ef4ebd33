// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCTRANSPORT_P_H
#define FIZYRRPCQT_RPCTRANSPORT_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcaddress.h"
#include "rpcconfig.h"
#include "rpcglobal.h"
#include "rpcmessage.h"
#include "rpcpeercredentials.h"

#include <QtCore/qobject.h>

namespace Fizyr {

// Moves whole messages over one connection. Implementations: the stream
// transport (length-prefixed frames over a QIODevice) and the seqpacket
// transport (one datagram per message, fds as SCM_RIGHTS).
//
// Signals are emitted from the event loop only, never from inside a call
// made by the owner, except disconnected() from abort()/disconnectFromPeer()
// when the close completes at once.
class FIZYRRPCQT_AUTOTEST_EXPORT RpcTransport : public QObject
{
    Q_OBJECT

public:
    enum State {
        Unconnected,
        Connecting,
        Connected,
        Closing,
    };

    explicit RpcTransport(QObject *parent = nullptr) : QObject(parent) { }

    // Creates the transport for address, or returns nullptr with error set
    // when the transport is not available.
    static RpcTransport *create(RpcAddress::Transport transport, QObject *parent, RpcError *error);

    State state() const { return m_state; }
    RpcConfig config() const { return m_config; }
    virtual void setConfig(const RpcConfig &config) { m_config = config; }

    virtual void connectToAddress(const RpcAddress &address) = 0;
    // Graceful: pending output is flushed, then the connection closes.
    virtual void disconnectFromPeer() = 0;
    // Immediate: pending output is dropped.
    virtual void abort() = 0;

    // Queues message for sending. Returns NoError, or the reason nothing was
    // queued (PayloadTooLarge, TooManyFileDescriptors, WriteBufferFull,
    // FileDescriptorsNotSupported, NotConnected).
    virtual RpcError send(const RpcMessage &message) = 0;

    // Stops or resumes delivering received messages; data keeps arriving in
    // the socket buffers meanwhile.
    virtual void setReadingPaused(bool paused) = 0;

    virtual qint64 bytesToWrite() const = 0;
    virtual RpcAddress peerAddress() const = 0;
    virtual RpcPeerCredentials peerCredentials() const { return RpcPeerCredentials(); }

    // Checks a message against the configured write limits.
    RpcError checkOutgoing(const RpcMessage &message, bool fdsSupported) const;

Q_SIGNALS:
    void connected();
    void messageReceived(const Fizyr::RpcMessage &message);
    // Everything that one wake-up of the event loop brought in has been
    // delivered with messageReceived() (emitted once per outermost batch).
    void incomingBatchFinished();
    // fatal: the connection is closing because of it (disconnected() follows).
    void errorOccurred(Fizyr::RpcError error, const QString &errorString, bool fatal);
    void disconnected();

protected:
    void setState(State state) { m_state = state; }

    RpcConfig m_config;

private:
    State m_state = Unconnected;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCTRANSPORT_P_H
