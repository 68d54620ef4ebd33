// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCEPOLLEVENTDISPATCHER_H
#define FIZYRRPCQT_RPCEPOLLEVENTDISPATCHER_H

#include "rpcglobal.h"

#include <QtCore/qabstracteventdispatcher.h>

#include <memory>

namespace Fizyr {

class RpcEpollEventDispatcherPrivate;

class FIZYRRPCQT_EXPORT RpcEpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit RpcEpollEventDispatcher(QObject *parent = nullptr);
    ~RpcEpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    Q_DISABLE_COPY_MOVE(RpcEpollEventDispatcher)
    Q_DECLARE_PRIVATE(RpcEpollEventDispatcher)
    std::unique_ptr<RpcEpollEventDispatcherPrivate> d_ptr;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCEPOLLEVENTDISPATCHER_H
