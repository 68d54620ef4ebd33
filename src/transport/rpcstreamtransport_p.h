// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCSTREAMTRANSPORT_P_H
#define FIZYRRPCQT_RPCSTREAMTRANSPORT_P_H

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

#include <QtCore/qiodevice.h>
#include <QtCore/qpointer.h>

QT_BEGIN_NAMESPACE
class QIODevice;
class QTcpSocket;
class QLocalSocket;
class QSslSocket;
QT_END_NAMESPACE

namespace Fizyr {

// Length-prefixed frames over any connected QIODevice: QTcpSocket,
// QLocalSocket, QSslSocket or a user device.
class FIZYRRPCQT_AUTOTEST_EXPORT RpcStreamTransport : public RpcTransport
{
    Q_OBJECT

public:
    explicit RpcStreamTransport(QObject *parent = nullptr);
    ~RpcStreamTransport() override;

    // Takes an already connected (open) device. If owned, the transport
    // deletes it when done; otherwise the caller keeps ownership.
    void setDevice(QIODevice *device, bool owned);
    QIODevice *device() const { return m_device; }

    void setConfig(const RpcConfig &config) override;
    void connectToAddress(const RpcAddress &address) override;
    void disconnectFromPeer() override;
    void abort() override;
    RpcError send(const RpcMessage &message) override;
    qint64 bytesToWrite() const override;
    qint64 writeBufferUsage() const override { return bytesToWrite(); }
    RpcAddress peerAddress() const override;
    RpcPeerCredentials peerCredentials() const override;
    void setSslConfiguration(const QSslConfiguration &configuration) override;
    void setHandshakeTimeout(int msecs) override { m_handshakeTimeout = msecs; }
    QSslConfiguration sslConfiguration() const override;
    bool isEncrypted() const override;
    void ignoreSslErrors() override;
    void ignoreSslErrors(const QList<QSslError> &errors) override;

protected:
    void flushOutput() override;
    void readNested() override;
    void readingAllowedChanged() override;

private:
    void attach(QIODevice *device, bool owned);
    void detach();
    void processIncoming();
    void readIncoming();
    void onDeviceConnected();
    void onDeviceDisconnected();
    void onSocketError(RpcError error);
    // Ends a connection attempt with error and text, from the event loop.
    void onConnectFailed(RpcError error, const QString &text);
    void onBytesWritten();
    void onSocketClosing();
    void fatal(RpcError error, const QString &text);
    // Closes the connection from the event loop (fatal error); sending
    // stops at once.
    void fatalLater(RpcError error, const QString &text);
    void applyReadBufferLimit();
    // Writes the frame (prefix, then body) straight to the socket when it
    // is large and nothing is buffered before it; returns how many bytes the
    // kernel took (0: none, the caller buffers the whole frame).
    qint64 writeDirect(const char *prefix, const QByteArray &body, qint64 frameSize);
    // Reads up to size bytes straight from the socket (TCP or Unix stream,
    // not TLS), without waiting; returns how many (0: none now).
    qint64 readDirect(char *data, qint64 size);
    // Buffers the part of the frame after its first written bytes.
    bool writeRest(const char *prefix, const QByteArray &body, qint64 written);

    QPointer<QIODevice> m_device;
    QTcpSocket *m_tcp = nullptr;
    QLocalSocket *m_local = nullptr;
    QSslSocket *m_ssl = nullptr;
    QSslConfiguration m_sslConfig;
    QList<QSslError> m_ignoredSslErrors;
    int m_handshakeTimeout = 10000;
    QTimer *m_handshakeTimer = nullptr;
    RpcAddress m_address;
    bool m_owned = false;
    bool m_pendingDisconnect = false;
    bool m_resumeQueued = false;
    RpcWire::RpcFrameDecoder m_decoder;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCSTREAMTRANSPORT_P_H
