// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcPeer's connection settings in QML: TLS, keep-alive and heartbeat, and
// flow control.

#include "rpcqmlpeer.h"

#include "rpcqmlserver.h"

#include <QtQml/qqmlinfo.h>

namespace Fizyr {

/*!
    \qmlproperty string RpcPeer::tlsCaFile
    \qmlproperty string RpcPeer::tlsCertificateFile
    \qmlproperty string RpcPeer::tlsPrivateKeyFile
    \qmlproperty enumeration RpcPeer::peerVerifyMode

    TLS for \c{tls://} addresses. tlsCaFile holds the CA certificates (PEM)
    trusted instead of the system's: the client verifies the server with
    them; a server verifies client certificates with them (mutual TLS, with
    peerVerifyMode set to RpcPeer.VerifyPeer). tlsCertificateFile and
    tlsPrivateKeyFile are this side's certificate (chain after it) and its
    unencrypted key: required by a server, the client certificate for a
    client. peerVerifyMode is one of RpcPeer.AutoVerifyPeer (the default:
    clients verify the server, servers do not ask for client certificates),
    RpcPeer.VerifyPeer, RpcPeer.QueryPeer and RpcPeer.VerifyNone (no
    verification: tests only). Paths may be file: URLs. Changes apply to the
    next connection or listen(); TLS 1.2 is the minimum. See doc/security.md.
*/
void QmlRpcPeer::setTlsCaFile(const QString &path)
{
    if (m_tls.caFile == path)
        return;
    m_tls.caFile = path;
    applyTls();
}

void QmlRpcPeer::setTlsCertificateFile(const QString &path)
{
    if (m_tls.certificateFile == path)
        return;
    m_tls.certificateFile = path;
    applyTls();
}

void QmlRpcPeer::setTlsPrivateKeyFile(const QString &path)
{
    if (m_tls.privateKeyFile == path)
        return;
    m_tls.privateKeyFile = path;
    applyTls();
}

void QmlRpcPeer::setPeerVerifyMode(PeerVerifyMode mode)
{
    if (m_tls.peerVerifyMode == int(mode))
        return;
    m_tls.peerVerifyMode = int(mode);
    applyTls();
}

void QmlRpcPeer::applyTls()
{
    m_peer->setSslConfiguration(m_tls.configuration(this));
    Q_EMIT tlsChanged();
}

/*!
    \qmlproperty bool RpcPeer::keepAlive
    \qmlproperty int RpcPeer::keepAliveIdle
    \qmlproperty int RpcPeer::keepAliveInterval
    \qmlproperty int RpcPeer::keepAliveCount

    TCP keep-alive of \c{tcp://} and \c{tls://} connections, so that a
    server that vanished without closing the connection (a machine that
    lost power, a pulled cable) is detected: on (\c true) by default, with
    a first probe after keepAliveIdle seconds without traffic (60), then
    one every keepAliveInterval seconds (10), and the connection fails
    after keepAliveCount unanswered probes (6): at most 120 s after the
    last traffic with the defaults. See \l{Fizyr::RpcConfig}{RpcConfig}'s
    keep-alive settings; out-of-range values are clamped with a warning.
    Changes apply to the next connection. On a peer accepted by an
    RpcServer they read the server's configuration and cannot be changed.
*/
/*!
    \qmlproperty int RpcPeer::heartbeatServiceId
    \qmlproperty int RpcPeer::heartbeatInterval
    \qmlproperty int RpcPeer::heartbeatTimeout

    An application heartbeat, off by default (heartbeatInterval 0): while
    connected, a request for heartbeatServiceId is sent every
    heartbeatInterval milliseconds; when one gets no response within
    heartbeatTimeout milliseconds (10000), the connection is closed as dead:
    \c error becomes RpcError.HeartbeatTimeout, open requests fail with
    RpcError.ConnectionLost and disconnected follows, as for any other lost
    connection. Any response, even an error response, counts as alive. It
    also detects a server whose process hangs, which keep-alive cannot.
    Changes apply to the next connection. On a peer accepted by an
    RpcServer they read the server's configuration and cannot be changed.

    \qml
    RpcPeer {
        address: "tcp://127.0.0.1:12345"
        heartbeatServiceId: 99      // the server's ping service
        heartbeatInterval: 5000
        heartbeatTimeout: 2000
        active: true
        onErrorOccurred: if (error === RpcError.HeartbeatTimeout) console.log("server hangs")
    }
    \endqml
*/
bool QmlRpcPeer::changeLiveness(const std::function<void(RpcConfig &)> &change)
{
    if (m_server) {
        qmlWarning(this) << "the keep-alive and heartbeat settings of a peer accepted by a "
                            "server are those of the server";
        return false;
    }
    RpcConfig config = liveness();
    change(config);
    const bool changed = config != liveness();
    m_liveness = config;
    m_livenessSet = true;
    if (changed)
        Q_EMIT livenessChanged();
    return changed;
}

void QmlRpcPeer::applyLiveness()
{
    if (!m_livenessSet || m_server)
        return;
    // The transport's own defaults for everything else.
    RpcConfig config = RpcConfig::defaultsFor(RpcAddress::fromString(m_address).transport());
    config.setKeepAlive(m_liveness.keepAlive());
    config.setKeepAliveIdle(m_liveness.keepAliveIdle());
    config.setKeepAliveInterval(m_liveness.keepAliveInterval());
    config.setKeepAliveCount(m_liveness.keepAliveCount());
    config.setHeartbeatServiceId(m_liveness.heartbeatServiceId());
    config.setHeartbeatInterval(m_liveness.heartbeatInterval());
    config.setHeartbeatTimeout(m_liveness.heartbeatTimeout());
    m_peer->setConfig(config);
}

void QmlRpcPeer::setKeepAlive(bool enable)
{
    changeLiveness([enable](RpcConfig &c) {
        c.setKeepAlive(enable ? RpcConfig::KeepAliveAuto : RpcConfig::KeepAliveOff);
    });
}

void QmlRpcPeer::setKeepAliveIdle(int seconds)
{
    changeLiveness([seconds](RpcConfig &c) { c.setKeepAliveIdle(seconds); });
}

void QmlRpcPeer::setKeepAliveInterval(int seconds)
{
    changeLiveness([seconds](RpcConfig &c) { c.setKeepAliveInterval(seconds); });
}

void QmlRpcPeer::setKeepAliveCount(int count)
{
    changeLiveness([count](RpcConfig &c) { c.setKeepAliveCount(count); });
}

void QmlRpcPeer::setHeartbeatServiceId(int serviceId)
{
    changeLiveness([serviceId](RpcConfig &c) { c.setHeartbeatServiceId(serviceId); });
}

void QmlRpcPeer::setHeartbeatInterval(int msecs)
{
    changeLiveness([msecs](RpcConfig &c) { c.setHeartbeatInterval(msecs); });
}

void QmlRpcPeer::setHeartbeatTimeout(int msecs)
{
    changeLiveness([msecs](RpcConfig &c) { c.setHeartbeatTimeout(msecs); });
}

// ---------------------------------------------------------------------------
// Flow control

/*!
    \qmlproperty bool RpcPeer::readingPaused

    While \c true, the peer reads nothing from its connection: no
    requestReceived, streamReceived, response or update is delivered; the
    kernel's buffers fill up and the other side's flow control takes over.
    Setting it back to \c false delivers what waits, in order: nothing is
    lost or reordered. The pause holds across reconnections. Default
    \c false. See the C++ RpcPeer::readingPaused.
*/
/*!
    \qmlsignal RpcPeer::readingPausedChanged()
    Emitted when readingPaused changes.
*/
/*!
    \qmlsignal RpcPeer::writeBufferDrained()

    Emitted when the write buffer drained to the configured low-water mark
    after it had been above it, or after a send failed because the write
    buffer was full: a producer that stopped sending resumes here. See the
    C++ RpcPeer::writeBufferDrained().
*/

bool QmlRpcPeer::isReadingPaused() const
{
    return m_peer->isReadingPaused();
}

void QmlRpcPeer::setReadingPaused(bool paused)
{
    m_peer->setReadingPaused(paused);
}

void QmlRpcPeer::setUpFlowControl()
{
    connect(m_peer, &RpcPeer::readingPausedChanged, this, &QmlRpcPeer::readingPausedChanged);
    connect(m_peer, &RpcPeer::writeBufferDrained, this, &QmlRpcPeer::writeBufferDrained);
}

} // namespace Fizyr
