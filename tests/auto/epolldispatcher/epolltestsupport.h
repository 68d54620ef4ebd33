// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Helpers of tst_epolldispatcher: socket pairs, an echo server peer, and a
// loop run for a while.

#ifndef EPOLLTESTSUPPORT_H
#define EPOLLTESTSUPPORT_H

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>

#include <QtCore/QEventLoop>
#include <QtCore/QTimer>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace EpollTestSupport {

// A connected pair of Unix stream sockets, closed on destruction.
struct SocketPair
{
    int fds[2] = {-1, -1};
    bool open() { return ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0; }
    ~SocketPair()
    {
        for (int fd : fds) {
            if (fd >= 0)
                ::close(fd);
        }
    }
};

// Answers every request with one update (the body) and a response (the body
// reversed), and echoes every stream message.
inline void serveEcho(Fizyr::RpcPeer *peer)
{
    QObject::connect(peer, &Fizyr::RpcPeer::requestReceived, peer, [](Fizyr::RpcRequest *request) {
        QByteArray body = request->body();
        request->sendUpdate(2, body);
        std::reverse(body.begin(), body.end());
        request->sendResponse(3, body);
    });
    QObject::connect(peer, &Fizyr::RpcPeer::streamReceived, peer,
                     [peer](const Fizyr::RpcMessage &message) {
                         peer->sendStream(message.serviceId() + 1, message.body());
                     });
}

// Runs the event loop for msecs: many passes, for checks that something
// does not happen (again).
inline void runLoopFor(int msecs)
{
    QEventLoop loop;
    QTimer::singleShot(msecs, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace EpollTestSupport

#endif // EPOLLTESTSUPPORT_H
