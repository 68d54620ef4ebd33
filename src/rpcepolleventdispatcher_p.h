// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCEPOLLEVENTDISPATCHER_P_H
#define FIZYRRPCQT_RPCEPOLLEVENTDISPATCHER_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcepolleventdispatcher.h"

#include <QtCore/qatomic.h>
#include <QtCore/qhash.h>
#include <QtCore/qset.h>

#include <cstdint>
#include <deque>
#include <map>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace Fizyr {

// The notifiers of one descriptor: at most one per type (Read, Write,
// Exception, the values of QSocketNotifier::Type), the epoll events asked for,
// and which of them have an activation pending in this dispatcher's queue.
struct RpcEpollFd
{
    QSocketNotifier *notifiers[3] = {nullptr, nullptr, nullptr};
    std::uint32_t events = 0; // registered with epoll_ctl
    std::uint8_t pending = 0; // bit (1 << type): queued and still wanted
    bool dirty = false; // in changedFds: epoll to be updated before the next wait
};

// One timer. Ordered by deadline in RpcEpollEventDispatcherPrivate::timersByDeadline;
// position is its place there.
struct RpcEpollTimer
{
    int id = 0;
    qint64 interval = 0; // ms
    Qt::TimerType type = Qt::CoarseTimer;
    QObject *object = nullptr;
    qint64 deadline = 0; // ns, CLOCK_MONOTONIC
    // While its QTimerEvent is being delivered: the activating loop's
    // variable, cleared when the timer goes away during the delivery; also
    // keeps a nested loop from delivering the same timer again meanwhile.
    RpcEpollTimer **activeRef = nullptr;
    std::multimap<qint64, RpcEpollTimer *>::iterator position;
};

class RpcEpollEventDispatcherPrivate
{
public:
    explicit RpcEpollEventDispatcherPrivate(RpcEpollEventDispatcher *q);
    ~RpcEpollEventDispatcherPrivate();

    static qint64 now();

    void updateEpoll(int fd, RpcEpollFd &entry);
    void markChanged(int fd, RpcEpollFd &entry);
    void applyChanges();
    void markPending(int fd, RpcEpollFd &entry, std::uint32_t revents);
    int activateSocketNotifiers();
    bool consumeWakeUp();

    void insertTimer(RpcEpollTimer *timer);
    void removeTimer(RpcEpollTimer *timer);
    // ms to wait until the first timer is due: -1 without timers, 0 when due.
    int timerWait(qint64 currentTime) const;
    int activateTimers();

    RpcEpollEventDispatcher *q_ptr;
    int epollFd = -1;
    int wakeFd = -1;
    QAtomicInt wakeUps; // 1 while the eventfd has been written and not yet read
    QAtomicInt interrupted;

    QHash<int, RpcEpollFd> fds;
    // Descriptors whose notifiers changed but still have one: epoll learns
    // it right before the next epoll_wait(), so that a notifier enabled and
    // disabled again within a pass (a socket's write notifier, around a write
    // that went out at once) costs no system call.
    QList<int> changedFds;
    // Activations to deliver: (descriptor, notifier type); one whose bit is
    // cleared from RpcEpollFd::pending meanwhile is skipped.
    std::deque<std::pair<int, int>> pendingNotifiers;
    // Descriptors epoll refuses (regular files): always ready, as poll() says.
    QSet<int> alwaysReady;

    QHash<int, RpcEpollTimer *> timers;
    std::multimap<qint64, RpcEpollTimer *> timersByDeadline;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCEPOLLEVENTDISPATCHER_P_H
