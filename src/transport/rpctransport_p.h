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

    // The factory functions below are the only code outside src/transport/
    // that may create transports; nothing else knows the concrete classes.

    // Creates an unconnected transport for connectToAddress(), or returns
    // nullptr with error set when the transport is not available.
    static RpcTransport *create(RpcAddress::Transport transport, QObject *parent, RpcError *error);
    // A connected transport over device, an open QIODevice (length-prefixed
    // frames). If owned, the transport deletes the device when done.
    static RpcTransport *createForDevice(QIODevice *device, bool owned, const RpcConfig &config,
                                         QObject *parent);
    // A connected transport over fd, a connected Unix seqpacket socket,
    // which it then owns. Returns nullptr with error and errorString set if
    // fd is not one or the transport is not built; fd is left open then.
    static RpcTransport *createForSeqpacketDescriptor(int fd, const RpcConfig &config,
                                                      QObject *parent, RpcError *error,
                                                      QString *errorString);
    // Stops transport (abort(), no signals to anybody any more) and deletes
    // it: at once, or with deleteLater() while it is inside one of its own
    // callbacks (isBusy()), so that deleting the owner from a slot connected
    // to one of the transport's signals is safe.
    static void dispose(RpcTransport *transport);

    // True while a signal of this transport (or of its socket) is being
    // delivered further up the stack.
    bool isBusy() const { return m_busy > 0; }

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

    // Counts the transport's own callbacks on the stack (see isBusy()):
    // every entry point called by a socket, a notifier or a queued call
    // holds one.
    class BusyScope
    {
    public:
        explicit BusyScope(RpcTransport *transport) : m_transport(transport)
        {
            ++m_transport->m_busy;
        }
        ~BusyScope() { --m_transport->m_busy; }
        Q_DISABLE_COPY_MOVE(BusyScope)

    private:
        RpcTransport *m_transport;
    };

    RpcConfig m_config;

private:
    State m_state = Unconnected;
    int m_busy = 0;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCTRANSPORT_P_H
