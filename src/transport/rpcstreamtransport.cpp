// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcstreamtransport_p.h"

#include "rpclogging_p.h"

#include <QtCore/qfile.h>
#include <QtCore/qiodevice.h>
#include <QtNetwork/qlocalsocket.h>
#include <QtNetwork/qtcpsocket.h>

#ifdef Q_OS_UNIX
#    include <sys/socket.h>
#    include <sys/un.h>

#    include <cstddef>
#endif

namespace Fizyr {

static RpcError fromSocketError(QAbstractSocket::SocketError error)
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        return RpcError::ConnectionRefused;
    case QAbstractSocket::RemoteHostClosedError:
        return RpcError::RemoteClosed;
    case QAbstractSocket::HostNotFoundError:
        return RpcError::HostNotFound;
    case QAbstractSocket::SocketAccessError:
        return RpcError::SocketAccess;
    case QAbstractSocket::SocketResourceError:
        return RpcError::SocketResource;
    case QAbstractSocket::SocketTimeoutError:
        return RpcError::SocketTimeout;
    case QAbstractSocket::AddressInUseError:
        return RpcError::AddressInUse;
    case QAbstractSocket::NetworkError:
        return RpcError::NetworkFailure;
    default:
        return RpcError::UnknownSocketError;
    }
}

static RpcError fromLocalSocketError(QLocalSocket::LocalSocketError error)
{
    switch (error) {
    case QLocalSocket::ConnectionRefusedError:
        return RpcError::ConnectionRefused;
    case QLocalSocket::PeerClosedError:
        return RpcError::RemoteClosed;
    case QLocalSocket::ServerNotFoundError:
        return RpcError::HostNotFound;
    case QLocalSocket::SocketAccessError:
        return RpcError::SocketAccess;
    case QLocalSocket::SocketResourceError:
        return RpcError::SocketResource;
    case QLocalSocket::SocketTimeoutError:
        return RpcError::SocketTimeout;
    case QLocalSocket::ConnectionError:
        return RpcError::NetworkFailure;
    default:
        return RpcError::UnknownSocketError;
    }
}

RpcStreamTransport::RpcStreamTransport(QObject *parent) : RpcTransport(parent)
{
    m_decoder.setByteOrder(m_config.byteOrder());
    m_decoder.setMaxBodySize(m_config.maxBodyReadSize());
}

RpcStreamTransport::~RpcStreamTransport()
{
    detach();
}

void RpcStreamTransport::setConfig(const RpcConfig &config)
{
    RpcTransport::setConfig(config);
    m_decoder.setByteOrder(config.byteOrder());
    m_decoder.setMaxBodySize(config.maxBodyReadSize());
}

void RpcStreamTransport::attach(QIODevice *device, bool owned)
{
    m_device = device;
    m_owned = owned;
    m_tcp = qobject_cast<QTcpSocket *>(device);
    m_local = qobject_cast<QLocalSocket *>(device);
    m_decoder.reset();
    m_pendingDisconnect = false;

    connect(device, &QIODevice::readyRead, this, &RpcStreamTransport::processIncoming);
    if (m_tcp) {
        connect(m_tcp, &QAbstractSocket::connected, this, &RpcStreamTransport::onDeviceConnected);
        connect(m_tcp, &QAbstractSocket::disconnected, this,
                &RpcStreamTransport::onDeviceDisconnected);
        connect(m_tcp, &QAbstractSocket::errorOccurred, this,
                [this](QAbstractSocket::SocketError error) {
                    onSocketError(fromSocketError(error), m_tcp->errorString());
                });
    } else if (m_local) {
        connect(m_local, &QLocalSocket::connected, this, &RpcStreamTransport::onDeviceConnected);
        connect(m_local, &QLocalSocket::disconnected, this,
                &RpcStreamTransport::onDeviceDisconnected);
        connect(m_local, &QLocalSocket::errorOccurred, this,
                [this](QLocalSocket::LocalSocketError error) {
                    const QString text = error == QLocalSocket::ServerNotFoundError
                            ? QStringLiteral("no socket at %1").arg(m_local->serverName())
                            : m_local->errorString();
                    onSocketError(fromLocalSocketError(error), text);
                });
    } else {
        connect(device, &QIODevice::readChannelFinished, this,
                &RpcStreamTransport::onDeviceDisconnected);
        connect(device, &QIODevice::aboutToClose, this, &RpcStreamTransport::onDeviceDisconnected);
    }
}

void RpcStreamTransport::detach()
{
    if (!m_device)
        return;
    QIODevice *device = m_device;
    disconnect(device, nullptr, this, nullptr);
    m_device = nullptr;
    m_tcp = nullptr;
    m_local = nullptr;
    if (m_owned) {
        // Deferred: this may run inside one of the device's own signals.
        device->deleteLater();
    }
    m_owned = false;
}

void RpcStreamTransport::setDevice(QIODevice *device, bool owned)
{
    detach();
    attach(device, owned);
    if (m_tcp)
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    setState(Connected);
    // Data that is already buffered is delivered from the event loop.
    QMetaObject::invokeMethod(this, &RpcStreamTransport::processIncoming, Qt::QueuedConnection);
}

void RpcStreamTransport::connectToAddress(const RpcAddress &address)
{
    detach();
    setState(Connecting);
    if (address.transport() == RpcAddress::Tcp) {
        auto *socket = new QTcpSocket(this);
        attach(socket, true);
        qCDebug(lcRpcTransport) << "connecting to" << address;
        socket->connectToHost(address.host(), address.port());
    } else {
        auto *socket = new QLocalSocket(this);
        attach(socket, true);
        qCDebug(lcRpcTransport) << "connecting to" << address;
        socket->connectToServer(address.path());
    }
}

void RpcStreamTransport::onDeviceConnected()
{
    if (state() != Connecting)
        return;
    if (m_tcp)
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // QLocalSocket connects from inside connectToServer(): report it from the
    // event loop, like every other outcome.
    QMetaObject::invokeMethod(
            this,
            [this] {
                if (state() != Connecting)
                    return;
                setState(Connected);
                QPointer<RpcStreamTransport> guard(this);
                Q_EMIT connected();
                if (guard)
                    processIncoming(); // anything that arrived meanwhile
            },
            Qt::QueuedConnection);
}

void RpcStreamTransport::onDeviceDisconnected()
{
    if (state() == Unconnected)
        return;
    if (m_paused && state() == Connected && m_device && m_device->bytesAvailable() > 0) {
        // Deliver what was received before the close once reading resumes.
        m_pendingDisconnect = true;
        return;
    }
    QPointer<RpcStreamTransport> guard(this);
    processIncoming();
    if (!guard || state() == Unconnected)
        return;
    detach();
    setState(Unconnected);
    Q_EMIT disconnected();
}

void RpcStreamTransport::onSocketError(RpcError error, const QString &text)
{
    if (error == RpcError::RemoteClosed && state() != Connecting) {
        // disconnected() follows and reports this.
        return;
    }
    if (state() == Unconnected)
        return;
    if (state() == Connecting) {
        // QLocalSocket reports some failures from inside connectToServer():
        // deliver them from the event loop, like every other outcome.
        QMetaObject::invokeMethod(
                this,
                [this, error, text] {
                    if (state() == Connecting)
                        fatal(error, text);
                },
                Qt::QueuedConnection);
        return;
    }
    fatal(error, text);
}

void RpcStreamTransport::fatal(RpcError error, const QString &text)
{
    qCDebug(lcRpcTransport) << "closing connection:" << error << text;
    QPointer<RpcStreamTransport> guard(this);
    Q_EMIT errorOccurred(error, text, true);
    if (!guard || state() == Unconnected)
        return;
    abort();
}

void RpcStreamTransport::processIncoming()
{
    // Messages sent while handling incoming ones (responses, the next request)
    // are written with one flush when the batch is done.
    QPointer<RpcStreamTransport> guard(this);
    const bool outermost = !m_inIncoming;
    m_inIncoming = true;
    readIncoming();
    if (!guard || !outermost)
        return;
    m_inIncoming = false;
    if (m_needFlush)
        flushWrites();
    if (guard)
        Q_EMIT incomingBatchFinished();
}

void RpcStreamTransport::readIncoming()
{
    QPointer<RpcStreamTransport> guard(this);
    while (!m_paused && state() == Connected && m_device) {
        const qint64 available = m_device->bytesAvailable();
        if (available <= 0)
            break;
        const RpcWire::RpcFrameDecoder::Buffer buffer = m_decoder.writeBuffer();
        const qint64 n = m_device->read(buffer.data, qMin<qint64>(buffer.size, available));
        if (n <= 0)
            break;
        const RpcWire::RpcFrameDecoder::State decoded = m_decoder.commit(n);
        if (decoded == RpcWire::RpcFrameDecoder::MessageReady) {
            const RpcMessage message = m_decoder.takeMessage();
            Q_EMIT messageReceived(message);
            if (!guard)
                return;
        } else if (decoded == RpcWire::RpcFrameDecoder::Failed) {
            fatal(m_decoder.error(), m_decoder.errorString());
            return;
        }
    }
    if (m_pendingDisconnect && !m_paused && guard) {
        m_pendingDisconnect = false;
        onDeviceDisconnected();
    }
}

void RpcStreamTransport::disconnectFromPeer()
{
    if (state() == Unconnected || state() == Closing)
        return;
    if (state() == Connecting) {
        abort();
        return;
    }
    setState(Closing);
    if (m_tcp) {
        m_tcp->disconnectFromHost();
    } else if (m_local) {
        m_local->disconnectFromServer();
    } else {
        abort();
    }
}

void RpcStreamTransport::abort()
{
    if (state() == Unconnected)
        return;
    QIODevice *device = m_device;
    QTcpSocket *tcp = m_tcp;
    QLocalSocket *local = m_local;
    if (device)
        disconnect(device, nullptr, this, nullptr);
    if (tcp)
        tcp->abort();
    else if (local)
        local->abort();
    else if (device)
        device->close();
    detach();
    setState(Unconnected);
    Q_EMIT disconnected();
}

RpcError RpcStreamTransport::send(const RpcMessage &message)
{
    if (state() != Connected || !m_device)
        return RpcError::NotConnected;
    const RpcError check = checkOutgoing(message, false);
    if (check != RpcError::NoError)
        return check;
    const QByteArray body = message.body();
    const qint64 frameSize = RpcWire::LengthPrefixSize + RpcWire::HeaderSize + body.size();
    const qint64 highWater = m_config.writeBufferHighWaterMark();
    if (highWater > 0 && m_device->bytesToWrite() + frameSize > highWater)
        return RpcError::WriteBufferFull;

    char prefix[RpcWire::LengthPrefixSize + RpcWire::HeaderSize];
    RpcWire::encodeStreamPrefix(prefix, message, m_config.byteOrder());
    if (m_device->write(prefix, sizeof(prefix)) != qint64(sizeof(prefix))
        || (!body.isEmpty() && m_device->write(body) != body.size())) {
        qCWarning(lcRpcTransport) << "write failed:" << m_device->errorString();
        return RpcError::NetworkFailure;
    }
    // The socket would write its buffer only once the event loop polled it
    // writable: one extra poll round per message. Flush once instead, after
    // everything sent in this pass of the event loop was buffered, so several
    // messages still share one write() call: at the end of processIncoming()
    // when sent from a message handler, else from a queued call.
    if (m_inIncoming) {
        m_needFlush = true;
    } else if (!m_flushQueued) {
        m_flushQueued = true;
        QMetaObject::invokeMethod(this, &RpcStreamTransport::flushWrites, Qt::QueuedConnection);
    }
    return RpcError::NoError;
}

void RpcStreamTransport::flushWrites()
{
    m_flushQueued = false;
    m_needFlush = false;
    if (m_tcp)
        m_tcp->flush();
    else if (m_local)
        m_local->flush();
}

void RpcStreamTransport::setReadingPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused)
        QMetaObject::invokeMethod(this, &RpcStreamTransport::processIncoming, Qt::QueuedConnection);
}

qint64 RpcStreamTransport::bytesToWrite() const
{
    return m_device ? m_device->bytesToWrite() : 0;
}

RpcAddress RpcStreamTransport::peerAddress() const
{
    if (m_tcp)
        return RpcAddress::tcp(m_tcp->peerAddress().toString(), m_tcp->peerPort());
    if (m_local) {
#ifdef Q_OS_UNIX
        // The path the other end is bound to: the server's for a socket we
        // connected, none for one a server accepted (clients are unbound).
        sockaddr_un addr = {};
        socklen_t length = sizeof(addr);
        const qintptr fd = m_local->socketDescriptor();
        if (fd >= 0 && ::getpeername(int(fd), reinterpret_cast<sockaddr *>(&addr), &length) == 0
            && length > socklen_t(offsetof(sockaddr_un, sun_path)) && addr.sun_path[0] != '\0')
            return RpcAddress::unixStream(QFile::decodeName(addr.sun_path));
        return RpcAddress();
#else
        return RpcAddress::unixStream(m_local->fullServerName());
#endif
    }
    return RpcAddress();
}

RpcPeerCredentials RpcStreamTransport::peerCredentials() const
{
    if (m_local)
        return RpcPeerCredentials::fromSocketDescriptor(m_local->socketDescriptor());
    return RpcPeerCredentials();
}

} // namespace Fizyr

#include "moc_rpcstreamtransport_p.cpp"
