// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcstreamtransport_p.h"

#include "rpclogging_p.h"

#include <QtCore/qfile.h>
#include <QtCore/qiodevice.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qlocalsocket.h>
#include <QtNetwork/qsslsocket.h>
#include <QtNetwork/qtcpsocket.h>

#ifdef Q_OS_UNIX
#    include <netinet/in.h>
#    include <netinet/tcp.h>
#    include <sys/socket.h>
#    include <sys/uio.h>
#    include <sys/un.h>

#    include <cerrno>
#    include <cstddef>
#endif

#include <optional>

namespace Fizyr {

namespace {

// Through a proxy (Qt's proxy settings): the proxy's failures in the words
// of the same failures without one; nothing for any other error.
std::optional<RpcError> fromProxyError(QAbstractSocket::SocketError error)
{
    switch (error) {
    case QAbstractSocket::ProxyConnectionRefusedError:
        return RpcError::ConnectionRefused;
    case QAbstractSocket::ProxyNotFoundError:
        return RpcError::HostNotFound;
    case QAbstractSocket::ProxyConnectionTimeoutError:
        return RpcError::SocketTimeout;
    case QAbstractSocket::ProxyAuthenticationRequiredError:
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyProtocolError:
        return RpcError::NetworkFailure;
    default:
        return std::nullopt;
    }
}

RpcError fromSocketError(QAbstractSocket::SocketError error)
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
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return RpcError::TlsHandshakeFailed;
    default:
        return fromProxyError(error).value_or(RpcError::UnknownSocketError);
    }
}

RpcError fromLocalSocketError(QLocalSocket::LocalSocketError error)
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

// TCP keep-alive as config says (RpcConfig::keepAlive): outgoing is true
// for a connection this side made with connectToAddress(), false for an
// accepted or adopted socket, which KeepAliveAuto leaves as it is.
void applyKeepAlive(QTcpSocket *socket, const RpcConfig &config, bool outgoing)
{
    const RpcConfig::KeepAliveMode mode = config.keepAlive();
    if (!socket || (mode == RpcConfig::KeepAliveAuto && !outgoing))
        return;
    const bool on = mode != RpcConfig::KeepAliveOff;
    socket->setSocketOption(QAbstractSocket::KeepAliveOption, on ? 1 : 0);
#if defined(Q_OS_UNIX) && defined(TCP_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
    const int fd = int(socket->socketDescriptor());
    if (!on || fd < 0)
        return;
    const int options[][2] = {{TCP_KEEPIDLE, config.keepAliveIdle()},
                              {TCP_KEEPINTVL, config.keepAliveInterval()},
                              {TCP_KEEPCNT, config.keepAliveCount()}};
    for (const auto &[option, value] : options) {
        if (::setsockopt(fd, IPPROTO_TCP, option, &value, sizeof(value)) != 0) {
            const int error = errno;
            qCWarning(lcRpcTransport) << "cannot set TCP keep-alive option" << option << "to"
                                      << value << ":" << qt_error_string(error);
        }
    }
#endif
}

// What QAbstractSocket keeps in its read buffer while reading is paused: once
// full, it stops reading and the kernel pushes back on the sender.
constexpr qint64 PausedReadBufferSize = 64 * 1024;

// The most QAbstractSocket reads into its own buffer per wake-up while
// reading. Without a limit it reads everything the kernel holds into a fresh
// buffer of that size (on TCP often all of a large message), which is then
// copied out and freed again; with it, the body of a large frame is read
// straight into the message (see readDirect()).
constexpr qint64 ReadBufferSize = 64 * 1024;

// The rest of a body at least this large is read straight from the socket
// into the message, once the socket's buffer is empty.
constexpr qint64 DirectReadMinSize = 16 * 1024;

// Frames at least this large are written straight to the socket when nothing
// is queued before them (see RpcStreamTransport::send()).
constexpr qint64 DirectWriteMinFrameSize = 64 * 1024;

} // namespace

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
    m_ssl = qobject_cast<QSslSocket *>(device);
    m_decoder.reset();
    m_pendingDisconnect = false;

    connect(device, &QIODevice::readyRead, this, &RpcStreamTransport::processIncoming);
    if (m_ssl) {
        // Connected means encrypted: nothing is sent or read in clear text.
        connect(m_ssl, &QSslSocket::encrypted, this, &RpcStreamTransport::onDeviceConnected);
        // The TCP connection is up: the handshake gets a bounded time, so a
        // server that accepts and never answers cannot keep the attempt
        // open for ever.
        connect(m_ssl, &QAbstractSocket::connected, this, [this] {
            if (state() != Connecting || m_handshakeTimeout <= 0)
                return;
            if (!m_handshakeTimer) {
                m_handshakeTimer = new QTimer(this);
                m_handshakeTimer->setSingleShot(true);
                connect(m_handshakeTimer, &QTimer::timeout, this, [this] {
                    BusyScope busy(this);
                    if (state() != Connecting || !m_ssl)
                        return;
                    fatal(RpcError::TlsHandshakeFailed,
                          tr("cannot connect to %1: TLS handshake failed: no answer within %2 ms")
                                  .arg(m_address.toString())
                                  .arg(m_handshakeTimeout));
                });
            }
            m_handshakeTimer->start(m_handshakeTimeout);
        });
        connect(m_ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            BusyScope busy(this);
            Q_EMIT sslErrors(errors);
        });
    }
    if (m_tcp) {
        if (!m_ssl) {
            connect(m_tcp, &QAbstractSocket::connected, this,
                    &RpcStreamTransport::onDeviceConnected);
        }
        connect(m_tcp, &QAbstractSocket::disconnected, this,
                &RpcStreamTransport::onDeviceDisconnected);
        connect(m_tcp, &QAbstractSocket::errorOccurred, this,
                [this](QAbstractSocket::SocketError error) {
                    const std::optional<RpcError> proxyError = fromProxyError(error);
                    if (proxyError && state() == Connecting) {
                        // Say that it was the proxy, in Qt's words.
                        onConnectFailed(*proxyError,
                                        tr("cannot connect to %1 through the proxy: %2")
                                                .arg(m_address.toString(), m_tcp->errorString()));
                        return;
                    }
                    onSocketError(fromSocketError(error));
                });
        connect(m_tcp, &QAbstractSocket::bytesWritten, this, &RpcStreamTransport::onBytesWritten);
        connect(m_tcp, &QAbstractSocket::stateChanged, this,
                [this](QAbstractSocket::SocketState socketState) {
                    if (socketState == QAbstractSocket::ClosingState)
                        onSocketClosing();
                });
    } else if (m_local) {
        connect(m_local, &QLocalSocket::connected, this, &RpcStreamTransport::onDeviceConnected);
        connect(m_local, &QLocalSocket::disconnected, this,
                &RpcStreamTransport::onDeviceDisconnected);
        connect(m_local, &QLocalSocket::errorOccurred, this,
                [this](QLocalSocket::LocalSocketError error) {
                    onSocketError(fromLocalSocketError(error));
                });
        connect(m_local, &QLocalSocket::bytesWritten, this, &RpcStreamTransport::onBytesWritten);
        connect(m_local, &QLocalSocket::stateChanged, this,
                [this](QLocalSocket::LocalSocketState socketState) {
                    if (socketState == QLocalSocket::ClosingState)
                        onSocketClosing();
                });
    } else {
        connect(device, &QIODevice::readChannelFinished, this,
                &RpcStreamTransport::onDeviceDisconnected);
        connect(device, &QIODevice::aboutToClose, this, &RpcStreamTransport::onDeviceDisconnected);
    }
    applyReadBufferLimit();
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
    m_ssl = nullptr;
    if (m_owned) {
        // Deferred: this may run inside one of the device's own signals. If
        // this transport goes first, the device (its child) goes with it.
        device->deleteLater();
    }
    m_owned = false;
    stopCloseTimer();
    if (m_handshakeTimer)
        m_handshakeTimer->stop();
}

void RpcStreamTransport::setDevice(QIODevice *device, bool owned)
{
    detach();
    attach(device, owned);
    if (m_tcp)
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    applyKeepAlive(m_tcp, m_config, false);
    setState(Connected);
    // Data that is already buffered is delivered from the event loop.
    QMetaObject::invokeMethod(this, &RpcStreamTransport::processIncoming, Qt::QueuedConnection);
}

void RpcStreamTransport::connectToAddress(const RpcAddress &address)
{
    detach();
    setState(Connecting);
    m_address = address;
    if (address.transport() == RpcAddress::Tls) {
        auto *socket = new QSslSocket(this);
        socket->setSslConfiguration(withMinimumTls12(m_sslConfig));
        if (!m_ignoredSslErrors.isEmpty())
            socket->ignoreSslErrors(m_ignoredSslErrors);
        attach(socket, true);
        // From the TCP connection on, so that it covers the handshake too.
        connect(socket, &QAbstractSocket::connected, this,
                [this] { applyKeepAlive(m_tcp, m_config, true); });
        qCDebug(lcRpcTransport) << "connecting to" << address;
        socket->connectToHostEncrypted(address.host(), address.port());
    } else if (address.transport() == RpcAddress::Tcp) {
        auto *socket = new QTcpSocket(this);
        attach(socket, true);
        connect(socket, &QAbstractSocket::connected, this,
                [this] { applyKeepAlive(m_tcp, m_config, true); });
        qCDebug(lcRpcTransport) << "connecting to" << address;
        socket->connectToHost(address.host(), address.port());
    } else {
        auto *socket = new QLocalSocket(this);
        attach(socket, true);
        qCDebug(lcRpcTransport) << "connecting to" << address;
        if (address.path().startsWith(QLatin1Char('@'))) {
            // Linux abstract namespace: no file, the name after the '@'.
            socket->setSocketOptions(QLocalSocket::AbstractNamespaceOption);
            socket->connectToServer(address.path().mid(1));
        } else {
            socket->connectToServer(address.path());
        }
    }
}

void RpcStreamTransport::onDeviceConnected()
{
    BusyScope busy(this);
    if (state() != Connecting)
        return;
    if (m_handshakeTimer)
        m_handshakeTimer->stop();
    if (m_tcp)
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // QLocalSocket connects from inside connectToServer(): report it from the
    // event loop, like every other outcome.
    QMetaObject::invokeMethod(
            this,
            [this] {
                BusyScope queuedBusy(this);
                if (state() != Connecting)
                    return;
                setState(Connected);
                Q_EMIT connected();
                if (state() == Connected)
                    processIncoming(); // anything that arrived meanwhile
            },
            Qt::QueuedConnection);
}

void RpcStreamTransport::onDeviceDisconnected()
{
    BusyScope busy(this);
    if (state() == Unconnected)
        return;
    if (state() == Connecting && m_ssl) {
        // Closed during the handshake without an error of its own.
        onSocketError(RpcError::RemoteClosed);
        return;
    }
    if (!isReadingAllowed() && state() == Connected && m_device && m_device->bytesAvailable() > 0) {
        // Deliver what was received before the close once reading resumes.
        m_pendingDisconnect = true;
        return;
    }
    processIncoming();
    if (state() == Unconnected)
        return;
    detach();
    setState(Unconnected);
    Q_EMIT disconnected();
}

void RpcStreamTransport::onSocketError(RpcError error)
{
    BusyScope busy(this);
    if (error == RpcError::RemoteClosed && state() != Connecting) {
        // disconnected() follows and reports this.
        return;
    }
    if (state() == Unconnected)
        return;
    if (state() == Connecting && m_ssl
        && (error == RpcError::TlsHandshakeFailed || m_ssl->mode() != QSslSocket::UnencryptedMode
            || error == RpcError::RemoteClosed)) {
        // The TCP connection was up: the TLS handshake failed. Say why, in
        // the words of the TLS library.
        const QString why = error == RpcError::RemoteClosed
                ? tr("the server closed the connection during the TLS handshake (is it a TLS "
                     "server, and does it accept this client's certificate?)")
                : m_ssl->errorString();
        const RpcError reported
                = error == RpcError::SocketTimeout ? error : RpcError::TlsHandshakeFailed;
        const QString text = tr("cannot connect to %1: TLS handshake failed: %2")
                                     .arg(m_address.toString(), why);
        // At once: the socket's disconnected() follows right after this
        // signal and must not end the attempt without a word.
        fatal(reported, text);
        return;
    }
    if (state() == Connecting) {
        onConnectFailed(error, connectErrorText(m_address, error));
        return;
    }
    fatal(error, errorText(error));
}

void RpcStreamTransport::onConnectFailed(RpcError error, const QString &text)
{
    // QLocalSocket reports some failures from inside connectToServer():
    // deliver them from the event loop, like every other outcome.
    QMetaObject::invokeMethod(
            this,
            [this, error, text] {
                BusyScope queuedBusy(this);
                if (state() == Connecting)
                    fatal(error, text);
            },
            Qt::QueuedConnection);
}

void RpcStreamTransport::onBytesWritten()
{
    if (isReadingFlowControlled() || isWaitingForDrain()) {
        BusyScope busy(this);
        writeBufferChanged();
    }
}

void RpcStreamTransport::onSocketClosing()
{
    // Closing by our disconnectFromPeer(), or by the socket itself after the
    // other side's end of input: what is buffered is still being written,
    // for a bounded time.
    startCloseTimer();
}

void RpcStreamTransport::fatal(RpcError error, const QString &text)
{
    BusyScope busy(this);
    qCDebug(lcRpcTransport) << "closing connection:" << error << text;
    Q_EMIT errorOccurred(error, text, true);
    if (state() == Unconnected)
        return;
    abort();
}

void RpcStreamTransport::fatalLater(RpcError error, const QString &text)
{
    setState(Closing);
    QMetaObject::invokeMethod(
            this,
            [this, error, text] {
                if (state() != Unconnected)
                    fatal(error, text);
            },
            Qt::QueuedConnection);
}

void RpcStreamTransport::processIncoming()
{
    // Messages sent while handling incoming ones (responses, the next request)
    // are written with one flush when the batch is done.
    BusyScope busy(this);
    m_resumeQueued = false;
    const bool outermost = beginIncoming();
    readIncoming();
    endIncoming(outermost);
}

void RpcStreamTransport::readNested()
{
    if (state() == Connected && isReadingAllowed() && m_device && m_device->bytesAvailable() > 0)
        processIncoming();
}

void RpcStreamTransport::readIncoming()
{
    while (isReadingAllowed() && state() == Connected && m_device) {
        const qint64 available = m_device->bytesAvailable();
        const RpcWire::RpcFrameDecoder::Buffer buffer = m_decoder.writeBuffer();
        qint64 n = 0;
        if (available > 0)
            n = m_device->read(buffer.data, qMin<qint64>(buffer.size, available));
        else if (buffer.size >= DirectReadMinSize && m_decoder.isReceivingBody())
            n = readDirect(buffer.data, buffer.size);
        if (n <= 0)
            break;
        const RpcWire::RpcFrameDecoder::State decoded = m_decoder.commit(n);
        if (decoded == RpcWire::RpcFrameDecoder::MessageReady) {
            const RpcMessage message = m_decoder.takeMessage();
            deliverMessage(message);
        } else if (decoded == RpcWire::RpcFrameDecoder::Failed) {
            fatal(m_decoder.error(), m_decoder.errorString());
            return;
        }
    }
    if (m_pendingDisconnect && isReadingAllowed() && state() != Unconnected) {
        m_pendingDisconnect = false;
        onDeviceDisconnected();
    }
}

qint64 RpcStreamTransport::readDirect(char *data, qint64 size)
{
#ifdef Q_OS_UNIX
    // Only with the socket's own buffer empty, so the order of the bytes is
    // kept, and only while reading is allowed (the caller checks both).
    if (m_ssl || (!m_tcp && !m_local))
        return 0;
    const qintptr fd = m_tcp ? m_tcp->socketDescriptor() : m_local->socketDescriptor();
    if (fd < 0)
        return 0;
    ssize_t n;
    do {
        n = ::recv(int(fd), data, size_t(size), MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    // Nothing now (EAGAIN), the end of the stream or an error: the socket's
    // notifier is still armed and the socket finds out about it itself, as
    // always (a reset reads as the end of the stream there too).
    return n > 0 ? qint64(n) : 0;
#else
    Q_UNUSED(data);
    Q_UNUSED(size);
    return 0;
#endif
}

void RpcStreamTransport::disconnectFromPeer()
{
    BusyScope busy(this);
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
    BusyScope busy(this);
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
    const RpcError room = checkWriteBuffer(frameSize);
    if (room != RpcError::NoError)
        return room;

    char prefix[RpcWire::LengthPrefixSize + RpcWire::HeaderSize];
    RpcWire::encodeStreamPrefix(prefix, message, m_config.byteOrder());
    const qint64 direct = writeDirect(prefix, body, frameSize);
    if (direct == frameSize) {
        // All of it is out; the flow-control state is looked at as after
        // every send.
        writeBufferChanged();
        return RpcError::NoError;
    }
    if (direct > 0) {
        // The kernel took the start of the frame: the rest goes through the
        // socket's buffer, which was empty, so the order is kept.
        if (!writeRest(prefix, body, direct)) {
            qCWarning(lcRpcTransport)
                    << "write failed in the middle of a message:" << m_device->errorString();
            fatalLater(RpcError::NetworkFailure, tr("a message could only be written in part"));
            return RpcError::NetworkFailure;
        }
        outputQueued();
        writeBufferChanged();
        return RpcError::NoError;
    }
    const qint64 prefixWritten = m_device->write(prefix, sizeof(prefix));
    if (prefixWritten <= 0) {
        // Nothing of the frame was written: only this send fails.
        qCWarning(lcRpcTransport) << "write failed:" << m_device->errorString();
        return RpcError::NetworkFailure;
    }
    if (prefixWritten != qint64(sizeof(prefix))
        || (!body.isEmpty() && m_device->write(body) != body.size())) {
        // Part of a frame is out: the stream can never be parsed again.
        qCWarning(lcRpcTransport) << "write failed in the middle of a message:"
                                  << m_device->errorString();
        fatalLater(RpcError::NetworkFailure, tr("a message could only be written in part"));
        return RpcError::NetworkFailure;
    }
    // The socket would write its buffer only once the event loop polled it
    // writable: one extra poll round per message. Flush once instead, after
    // everything sent in this pass of the event loop was buffered, so several
    // messages still share one write() call.
    outputQueued();
    writeBufferChanged();
    return RpcError::NoError;
}

qint64 RpcStreamTransport::writeDirect(const char *prefix, const QByteArray &body, qint64 frameSize)
{
#ifdef Q_OS_UNIX
    // QLocalSocket copies every byte written into a fresh buffer of its
    // inner socket (unlike QTcpSocket, it cannot keep a reference to the
    // body): for a large body that is an allocation of its size per message,
    // freed again once written, whose pages fault in anew every time (glibc
    // gives memory that large back to the system). When the socket's buffer
    // is empty nothing is queued before this frame, so as much of it as the
    // kernel takes now goes straight from the body into the socket, and only
    // the rest is buffered. Small frames keep being buffered, so that several
    // share one write() per event-loop pass.
    if (frameSize < DirectWriteMinFrameSize || !m_local)
        return 0;
    if (m_device->bytesToWrite() > 0)
        return 0;
    const qintptr fd = m_local->socketDescriptor();
    if (fd < 0)
        return 0;
    iovec iov[2];
    iov[0].iov_base = const_cast<char *>(prefix);
    iov[0].iov_len = size_t(RpcWire::LengthPrefixSize + RpcWire::HeaderSize);
    iov[1].iov_base = const_cast<char *>(body.constData());
    iov[1].iov_len = size_t(body.size());
    msghdr msg = {};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    ssize_t written;
    do {
        written = ::sendmsg(int(fd), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (written < 0 && errno == EINTR);
    // On any error (full, closed, reset) nothing was written: the frame goes
    // through the socket's buffer as usual, and Qt reports the error.
    return written > 0 ? qint64(written) : 0;
#else
    Q_UNUSED(prefix);
    Q_UNUSED(body);
    Q_UNUSED(frameSize);
    return 0;
#endif
}

bool RpcStreamTransport::writeRest(const char *prefix, const QByteArray &body, qint64 written)
{
    constexpr qint64 prefixSize = RpcWire::LengthPrefixSize + RpcWire::HeaderSize;
    if (written < prefixSize) {
        const qint64 rest = prefixSize - written;
        if (m_device->write(prefix + written, rest) != rest)
            return false;
        written = prefixSize;
    }
    const qint64 offset = written - prefixSize;
    const qint64 rest = body.size() - offset;
    return rest <= 0 || m_device->write(body.constData() + offset, rest) == rest;
}

void RpcStreamTransport::flushOutput()
{
    if (m_tcp)
        m_tcp->flush();
    else if (m_local)
        m_local->flush();
}

void RpcStreamTransport::applyReadBufferLimit()
{
    // While paused, QAbstractSocket stops reading from the kernel once its
    // buffer is full, so the sender is pushed back instead of this process
    // buffering without bound. While reading, the limit only keeps Qt's
    // buffer small: processIncoming() empties it and reads large bodies
    // straight from the socket.
    const qint64 limit = isReadingAllowed() ? ReadBufferSize : PausedReadBufferSize;
    if (m_tcp)
        m_tcp->setReadBufferSize(limit);
    else if (m_local)
        m_local->setReadBufferSize(limit);
}

void RpcStreamTransport::readingAllowedChanged()
{
    applyReadBufferLimit();
    if (isReadingAllowed() && !m_resumeQueued && m_device) {
        m_resumeQueued = true;
        QMetaObject::invokeMethod(this, &RpcStreamTransport::processIncoming, Qt::QueuedConnection);
    }
}

qint64 RpcStreamTransport::bytesToWrite() const
{
    return m_device ? m_device->bytesToWrite() : 0;
}

RpcAddress RpcStreamTransport::peerAddress() const
{
    if (m_ssl)
        return RpcAddress::tls(m_ssl->peerAddress().toString(), m_ssl->peerPort());
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
        if (fd >= 0 && length > socklen_t(offsetof(sockaddr_un, sun_path) + 1)
            && addr.sun_path[0] == '\0') {
            // An abstract name: "@name".
            const QByteArray name(addr.sun_path + 1,
                                  qsizetype(length - offsetof(sockaddr_un, sun_path) - 1));
            return RpcAddress::unixStream(QLatin1Char('@') + QFile::decodeName(name));
        }
        return RpcAddress();
#else
        return RpcAddress::unixStream(m_local->fullServerName());
#endif
    }
    return RpcAddress();
}

void RpcStreamTransport::setSslConfiguration(const QSslConfiguration &configuration)
{
    m_sslConfig = configuration;
}

QSslConfiguration RpcStreamTransport::sslConfiguration() const
{
    if (m_ssl)
        return m_ssl->sslConfiguration();
    return m_sslConfig;
}

bool RpcStreamTransport::isEncrypted() const
{
    return m_ssl && m_ssl->isEncrypted();
}

void RpcStreamTransport::ignoreSslErrors()
{
    if (m_ssl)
        m_ssl->ignoreSslErrors();
}

void RpcStreamTransport::ignoreSslErrors(const QList<QSslError> &errors)
{
    m_ignoredSslErrors = errors;
    if (m_ssl)
        m_ssl->ignoreSslErrors(errors);
}

RpcPeerCredentials RpcStreamTransport::peerCredentials() const
{
    if (m_local)
        return RpcPeerCredentials::fromSocketDescriptor(m_local->socketDescriptor());
    return RpcPeerCredentials();
}

} // namespace Fizyr

#include "moc_rpcstreamtransport_p.cpp"
