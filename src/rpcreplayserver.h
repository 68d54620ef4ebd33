// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#pragma once

#include "rpcaddress.h"
#include "rpcglobal.h"

#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

namespace Fizyr {

class RpcPeer;
class RpcRequest;
class RpcServer;
class RpcReplayServerPrivate;

class FIZYRRPCQT_EXPORT RpcReplayServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(MatchMode matchMode READ matchMode WRITE setMatchMode NOTIFY matchModeChanged)
    Q_PROPERTY(Timing timing READ timing WRITE setTiming NOTIFY timingChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
public:
    enum MatchMode {
        MatchByServiceAndBody,
        MatchByOrder,
    };
    Q_ENUM(MatchMode)

    enum Timing {
        RecordedTiming,
        Immediate,
    };
    Q_ENUM(Timing)

    explicit RpcReplayServer(QObject *parent = nullptr);
    ~RpcReplayServer() override;

    bool load(const QString &jsonlFile);
    int transactionCount() const;
    int unusedTransactionCount() const;
    bool allTransactionsUsed() const;
    void resetUsage();

    MatchMode matchMode() const;
    void setMatchMode(MatchMode mode);
    Timing timing() const;
    void setTiming(Timing timing);

    bool listen(const QString &address);
    bool listen(const RpcAddress &address);
    void close();
    RpcAddress serverAddress() const;
    RpcServer *server() const;

    void handleRequest(Fizyr::RpcRequest *request);
    void handleConnection(Fizyr::RpcPeer *peer);

    QString errorString() const;

Q_SIGNALS:
    void requestMatched(Fizyr::RpcRequest *request, int line);
    void requestUnmatched(Fizyr::RpcRequest *request, const QString &errorText);
    void matchModeChanged();
    void timingChanged();
    void errorChanged();

private:
    Q_DISABLE_COPY_MOVE(RpcReplayServer)
    Q_DECLARE_PRIVATE(RpcReplayServer)
    std::unique_ptr<RpcReplayServerPrivate> d_ptr;
};

} // namespace Fizyr
