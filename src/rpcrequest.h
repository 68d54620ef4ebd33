// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCREQUEST_H
#define FIZYRRPCQT_RPCREQUEST_H

#include "rpcexception.h"
#include "rpcglobal.h"
#include "rpcmessage.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qexception.h>
#include <QtCore/qfuture.h>
#include <QtCore/qobject.h>

#include <chrono>
#include <memory>

namespace Fizyr {

class RpcPeer;
class RpcPeerPrivate;
class RpcRequest;
class RpcRequestPrivate;

class FIZYRRPCQT_EXPORT RpcRequestObserver
{
public:
    virtual void requestFinished(RpcRequest *request) = 0;
    virtual void requestDestroyed(RpcRequest *request) = 0;

protected:
    RpcRequestObserver() = default;
    ~RpcRequestObserver() = default;
    Q_DISABLE_COPY_MOVE(RpcRequestObserver)
};

class FIZYRRPCQT_EXPORT RpcRequest : public QObject
{
    Q_OBJECT
    Q_PROPERTY(quint32 requestId READ requestId CONSTANT)
    Q_PROPERTY(qint32 serviceId READ serviceId CONSTANT)
    Q_PROPERTY(Direction direction READ direction CONSTANT)
    Q_PROPERTY(Fizyr::RpcMessage requestMessage READ requestMessage CONSTANT)
    Q_PROPERTY(QByteArray body READ body CONSTANT)
    Q_PROPERTY(bool open READ isOpen NOTIFY finished)
    Q_PROPERTY(bool hasResponse READ hasResponse NOTIFY finished)
    Q_PROPERTY(Fizyr::RpcMessage response READ response NOTIFY finished)
    Q_PROPERTY(Fizyr::RpcError error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(int timeout READ timeout WRITE setTimeout NOTIFY timeoutChanged)

public:
    enum Direction {
        Outgoing,
        Incoming,
    };
    Q_ENUM(Direction)

    ~RpcRequest() override;

    RpcPeer *peer() const;
    Direction direction() const;
    quint32 requestId() const;
    qint32 serviceId() const;
    RpcMessage requestMessage() const;
    QByteArray body() const;

    bool isOpen() const;
    Q_INVOKABLE bool isFinished() const;
    bool hasResponse() const;
    RpcMessage response() const;
    RpcError error() const;
    QString errorString() const;

    int timeout() const;
    void setTimeout(int msecs);

    QFuture<RpcMessage> future() const;

    bool sendUpdate(qint32 serviceId, const QByteArray &body = {},
                    const QList<RpcFileDescriptor> &fileDescriptors = {});
    bool sendResponse(qint32 serviceId, const QByteArray &body = {},
                      const QList<RpcFileDescriptor> &fileDescriptors = {});
    bool sendErrorResponse(const QString &text);

    bool waitForFinished(int msecs = 30000);

    void setObserver(RpcRequestObserver *observer);
    RpcRequestObserver *observer() const;

public Q_SLOTS:
    void abort();

Q_SIGNALS:
    void updateReceived(const Fizyr::RpcMessage &update);
    void errorOccurred(Fizyr::RpcError error);
    void errorChanged();
    void finished();
    void timeoutChanged(int msecs);

public:
    // Deadlines
    void setTimeout(std::chrono::milliseconds timeout);
    void setDeadline(QDeadlineTimer deadline);
    bool waitForFinished(QDeadlineTimer deadline);

private:
    explicit RpcRequest(RpcPeer *peer, Direction direction, const RpcMessage &request);

    friend class RpcPeer;
    friend class RpcPeerPrivate;
    Q_DISABLE_COPY_MOVE(RpcRequest)
    Q_DECLARE_PRIVATE(RpcRequest)
    std::unique_ptr<RpcRequestPrivate> d_ptr;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCREQUEST_H
