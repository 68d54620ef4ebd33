// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCREPLAYSERVER_P_H
#define FIZYRRPCQT_RPCREPLAYSERVER_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcmessage.h"
#include "rpcreplayserver.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

namespace Fizyr {

class RpcPeer;
class RpcRequest;
class RpcServer;

// A message the server sent: a responder update or the response of a
// transaction, or one the server started (a stream message, a request, a
// requester update of such a request).
struct RecordedReply
{
    RpcMessage::Type type = RpcMessage::Response;
    qint32 serviceId = 0;
    QByteArray body;
    double delay = 0; // seconds after the request (or the connection's start)
    int fds = 0; // descriptors that came with it (sent again on seqpacket)
    int parent = -1; // a requester update: the index of its request in the list
};

struct Transaction
{
    int line = 0; // of the request in the file, from 1
    qint32 serviceId = 0;
    QByteArray body;
    QList<RecordedReply> replies; // responder updates, then the response
    // What the server started on the connection after this request and
    // before the next one: stream messages, requests and their updates.
    QList<RecordedReply> followUps;
    double startedAt = 0; // the request's "elapsed"
    bool used = false;
};
class RpcReplayServerPrivate
{
public:
    QList<Transaction> transactions;
    // Per recorded connection, in the order of the file: what the server
    // started before the client's first request.
    QList<QList<RecordedReply>> greetings;
    int acceptedConnections = 0;
    RpcReplayServer::MatchMode matchMode = RpcReplayServer::MatchByServiceAndBody;
    RpcReplayServer::Timing timing = RpcReplayServer::RecordedTiming;
    QString errorString;
    RpcServer *server = nullptr;

    bool load(const QString &path);
    Transaction *find(RpcRequest *request, QString *expected);
    void sendServerMessages(RpcPeer *peer, const QList<RecordedReply> &messages, QObject *context);
};

// "service ID with body "TEXT"", the body shortened and escaped so that it
// is safe to print.
QString describeRequest(qint32 serviceId, const QByteArray &body);

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCREPLAYSERVER_P_H
