// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcepolleventdispatcher_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qcoreevent.h>
#include <QtCore/qlist.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qthread.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Fizyr {

namespace {

// Ready descriptors taken per epoll_wait(); more wait for the next pass
// (level-triggered, so none is lost).
constexpr int MaxEvents = 256;
constexpr qint64 NsPerMs = 1000000;

// The epoll events that activate a notifier of each QSocketNotifier::Type,
// as Qt's poll()-based dispatcher does: errors and hang-ups activate all.
constexpr std::uint32_t ActivatingEvents[3] = {
        EPOLLIN | EPOLLHUP | EPOLLERR,
        EPOLLOUT | EPOLLHUP | EPOLLERR,
        EPOLLPRI | EPOLLHUP | EPOLLERR,
};
constexpr std::uint32_t RequestedEvents[3] = {EPOLLIN, EPOLLOUT, EPOLLPRI};

const char *typeName(int type)
{
    static const char *const names[] = {"Read", "Write", "Exception"};
    return names[type];
}

bool isOwnThread(const QObject *dispatcher, const QObject *object, const char *what)
{
    if (object->thread() == dispatcher->thread()
        && dispatcher->thread() == QThread::currentThread())
        return true;
    qWarning("RpcEpollEventDispatcher: %s can only be used with the dispatcher of its own "
             "thread, in that thread",
             what);
    return false;
}

} // namespace

RpcEpollEventDispatcherPrivate::RpcEpollEventDispatcherPrivate(RpcEpollEventDispatcher *q)
    : q_ptr(q)
{
    epollFd = epoll_create1(EPOLL_CLOEXEC);
    if (epollFd < 0)
        qFatal("RpcEpollEventDispatcher: epoll_create1() failed: %s", strerror(errno));
    wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wakeFd < 0)
        qFatal("RpcEpollEventDispatcher: eventfd() failed: %s", strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = wakeFd;
    if (epoll_ctl(epollFd, EPOLL_CTL_ADD, wakeFd, &event) < 0)
        qFatal("RpcEpollEventDispatcher: epoll_ctl() failed: %s", strerror(errno));
}

RpcEpollEventDispatcherPrivate::~RpcEpollEventDispatcherPrivate()
{
    for (RpcEpollTimer *timer : std::as_const(timers)) {
        if (timer->activeRef)
            *timer->activeRef = nullptr;
        delete timer;
    }
    ::close(wakeFd);
    ::close(epollFd);
}

qint64 RpcEpollEventDispatcherPrivate::now()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Brings epoll's interest in fd in line with entry's notifiers.
void RpcEpollEventDispatcherPrivate::updateEpoll(int fd, RpcEpollFd &entry)
{
    std::uint32_t wanted = 0;
    for (int type = 0; type < 3; ++type) {
        if (entry.notifiers[type])
            wanted |= RequestedEvents[type];
    }
    if (wanted == entry.events)
        return;
    epoll_event event{};
    event.events = wanted;
    event.data.fd = fd;
    if (wanted == 0) {
        // Fails harmlessly when fd was closed first (epoll forgot it then).
        epoll_ctl(epollFd, EPOLL_CTL_DEL, fd, &event);
        alwaysReady.remove(fd);
    } else if (alwaysReady.contains(fd)) {
        // Not pollable: stays "ready" for whatever it asks for.
    } else {
        int op = entry.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        int result = epoll_ctl(epollFd, op, fd, &event);
        if (result < 0 && op == EPOLL_CTL_ADD && errno == EEXIST)
            result = epoll_ctl(epollFd, EPOLL_CTL_MOD, fd, &event);
        else if (result < 0 && op == EPOLL_CTL_MOD && errno == ENOENT)
            result = epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &event);
        if (result < 0 && errno == EPERM) {
            // A regular file or directory: poll() calls these always ready.
            alwaysReady.insert(fd);
        } else if (result < 0) {
            qWarning("RpcEpollEventDispatcher: epoll_ctl() failed for descriptor %d: %s", fd,
                     strerror(errno));
        }
    }
    entry.events = wanted;
}

void RpcEpollEventDispatcherPrivate::markChanged(int fd, RpcEpollFd &entry)
{
    if (!entry.dirty) {
        entry.dirty = true;
        changedFds.append(fd);
    }
}

void RpcEpollEventDispatcherPrivate::applyChanges()
{
    for (int fd : std::as_const(changedFds)) {
        auto it = fds.find(fd);
        if (it != fds.end() && it->dirty) {
            it->dirty = false;
            updateEpoll(fd, *it);
        }
    }
    changedFds.clear();
}

void RpcEpollEventDispatcherPrivate::markPending(int fd, RpcEpollFd &entry, std::uint32_t revents)
{
    for (int type = 0; type < 3; ++type) {
        const std::uint8_t bit = std::uint8_t(1u << type);
        if (entry.notifiers[type] && (revents & ActivatingEvents[type]) && !(entry.pending & bit)) {
            entry.pending |= bit;
            pendingNotifiers.emplace_back(fd, type);
        }
    }
}

// Delivers the queued activations. A nested event loop started by one of them
// delivers the rest; a notifier disabled, deleted or replaced meanwhile has its
// pending bit cleared and is skipped.
int RpcEpollEventDispatcherPrivate::activateSocketNotifiers()
{
    int activated = 0;
    QEvent event(QEvent::SockAct);
    while (!pendingNotifiers.empty()) {
        const auto [fd, type] = pendingNotifiers.front();
        pendingNotifiers.pop_front();
        auto it = fds.find(fd);
        if (it == fds.end())
            continue;
        const std::uint8_t bit = std::uint8_t(1u << type);
        if (!(it->pending & bit))
            continue;
        it->pending &= std::uint8_t(~bit);
        QSocketNotifier *notifier = it->notifiers[type];
        if (!notifier)
            continue;
        QCoreApplication::sendEvent(notifier, &event);
        ++activated;
    }
    return activated;
}

bool RpcEpollEventDispatcherPrivate::consumeWakeUp()
{
    eventfd_t value = 0;
    eventfd_read(wakeFd, &value);
    // Posted after this are announced by a new write; posted before were seen
    // by this pass's or the next pass's QCoreApplication::sendPostedEvents().
    wakeUps.storeRelease(0);
    return true;
}

void RpcEpollEventDispatcherPrivate::insertTimer(RpcEpollTimer *timer)
{
    // Equal deadlines keep their order: a multimap inserts after equal keys.
    timer->position = timersByDeadline.emplace(timer->deadline, timer);
}

void RpcEpollEventDispatcherPrivate::removeTimer(RpcEpollTimer *timer)
{
    timersByDeadline.erase(timer->position);
}

int RpcEpollEventDispatcherPrivate::timerWait(qint64 currentTime) const
{
    // The first timer that is not delivering its event right now (a nested
    // loop inside its slot must not spin on it).
    for (const auto &[deadline, timer] : timersByDeadline) {
        if (timer->activeRef)
            continue;
        if (deadline <= currentTime)
            return 0;
        const qint64 ms = (deadline - currentTime + NsPerMs - 1) / NsPerMs;
        return ms > INT_MAX ? INT_MAX : int(ms);
    }
    return -1;
}

// As Qt's QTimerInfoList::activateTimers(): every timer due when the pass
// started, once; a timer whose event is still being delivered (its slot runs
// a nested loop) is rescheduled without a second delivery.
int RpcEpollEventDispatcherPrivate::activateTimers()
{
    if (timersByDeadline.empty())
        return 0;
    const qint64 currentTime = now();
    int maxCount = 0;
    for (auto it = timersByDeadline.cbegin();
         it != timersByDeadline.cend() && it->first <= currentTime; ++it)
        ++maxCount;

    int activated = 0;
    const RpcEpollTimer *first = nullptr;
    while (maxCount-- > 0 && !timersByDeadline.empty()) {
        RpcEpollTimer *timer = timersByDeadline.begin()->second;
        if (currentTime < timer->deadline)
            break;
        if (!first)
            first = timer;
        else if (first == timer)
            break; // the same timer again (0 ms): next pass

        removeTimer(timer);
        const qint64 interval = timer->interval * NsPerMs;
        timer->deadline += interval;
        if (timer->deadline < currentTime)
            timer->deadline = currentTime + interval;
        insertTimer(timer);
        if (timer->interval > 0)
            ++activated;

        if (!timer->activeRef) {
            timer->activeRef = &timer;
            QTimerEvent event(timer->id);
            QCoreApplication::sendEvent(timer->object, &event);
            // Cleared through activeRef if the timer went away meanwhile.
            if (timer)
                timer->activeRef = nullptr;
        }
    }
    return activated;
}

/*!
    \class Fizyr::RpcEpollEventDispatcher
    \inmodule FizyrRpcQt
    \brief An event dispatcher based on Linux epoll, for threads that serve
    many connections.

    Qt's own event dispatchers (the GLib one and the Unix one used with
    \c{QT_NO_GLIB=1}) hand every enabled QSocketNotifier to \c poll() on
    every pass of the event loop, so each pass costs time in proportion to the
    number of connections, idle or not. This dispatcher keeps the notifiers in
    an epoll set: a pass costs time in proportion to the descriptors that are
    ready, so a server with thousands of idle peers serves the active ones as
    fast as with a few.

    It is opt-in, and available on Linux only (the header
    \c{<FizyrRpcQt/RpcEpollEventDispatcher>} exists when the library is built
    with \c{FIZYRRPCQT_EPOLL}, the default on Linux). Install it before the
    application object is created:

    \code
    QCoreApplication::setEventDispatcher(new Fizyr::RpcEpollEventDispatcher);
    QCoreApplication app(argc, argv);
    \endcode

    or for a thread, before the thread is started:

    \code
    thread->setEventDispatcher(new Fizyr::RpcEpollEventDispatcher);
    thread->start();
    \endcode

    Ownership: once installed, Qt owns the dispatcher and deletes it when the
    application or the thread ends; do not delete it yourself.

    Threads: a dispatcher serves one thread, the one it is installed in. Its
    functions are called by Qt from that thread only, except wakeUp() and
    interrupt(), which are thread-safe (they write to an eventfd).

    What it does as Qt's dispatchers do: posted events are delivered with
    QCoreApplication::sendPostedEvents() at the start of every pass (deferred
    deletes as Qt delivers them); socket notifiers (Read, Write and Exception
    on the same descriptor) are level-triggered, an error or hang-up activates
    all of a descriptor's notifiers, and a notifier disabled or deleted while
    another one's activation runs is not activated afterwards; a timer is
    delivered once per pass when due and is not delivered again while its own
    slot runs a nested event loop; QEventLoop::ExcludeSocketNotifiers and
    QEventLoop::WaitForMoreEvents are honoured; aboutToBlock() and awake() are
    emitted.

    Limits: precise, coarse and very coarse timers are all handled as precise
    timers, to the millisecond (the wait is rounded up to the next
    millisecond). A descriptor that epoll refuses (a regular file) is treated
    as always ready, as \c poll() does. Close a descriptor only after its
    notifiers are disabled or deleted (Qt asks the same). There is no GLib
    main context: code that needs one (GLib-based libraries) does not run
    under this dispatcher.
*/

/*!
    Creates the dispatcher, with its epoll set and its eventfd, and parent
    \a parent (normally none: Qt takes ownership when it is installed).
*/
RpcEpollEventDispatcher::RpcEpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent),
      d_ptr(std::make_unique<RpcEpollEventDispatcherPrivate>(this))
{ }

/*!
    Destroys the dispatcher, its timers and its descriptors. Qt does this when
    the application or thread that owns it ends.
*/
RpcEpollEventDispatcher::~RpcEpollEventDispatcher() = default;

/*!
    Runs one pass of the event loop with \a flags: delivers posted events,
    waits (with QEventLoop::WaitForMoreEvents, until a descriptor is ready, a
    timer is due, or wakeUp() or interrupt() is called), activates the ready
    socket notifiers (unless QEventLoop::ExcludeSocketNotifiers) and the due
    timers. Returns \c true when it delivered something. Called by Qt in the
    dispatcher's thread.
*/
bool RpcEpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    Q_D(RpcEpollEventDispatcher);
    d->interrupted.storeRelaxed(0);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !d->interrupted.loadRelaxed()
            && !d->wakeUps.loadAcquire();
    if (canWait)
        Q_EMIT aboutToBlock();
    if (d->interrupted.loadRelaxed())
        return false;

    int timeout = 0;
    if (canWait && (!includeNotifiers || d->alwaysReady.isEmpty()))
        timeout = includeTimers ? d->timerWait(RpcEpollEventDispatcherPrivate::now()) : -1;

    int delivered = 0;
    if (includeNotifiers) {
        d->applyChanges();
        epoll_event events[MaxEvents];
        const int ready = epoll_wait(d->epollFd, events, MaxEvents, timeout);
        if (ready < 0 && errno != EINTR)
            qWarning("RpcEpollEventDispatcher: epoll_wait() failed: %s", strerror(errno));
        for (int i = 0; i < ready; ++i) {
            const int fd = events[i].data.fd;
            if (fd == d->wakeFd) {
                delivered += d->consumeWakeUp();
                continue;
            }
            auto it = d->fds.find(fd);
            if (it != d->fds.end())
                d->markPending(fd, *it, events[i].events);
        }
        for (int fd : std::as_const(d->alwaysReady)) {
            auto it = d->fds.find(fd);
            if (it != d->fds.end())
                d->markPending(fd, *it, it->events);
        }
        delivered += d->activateSocketNotifiers();
    } else {
        pollfd wake{d->wakeFd, POLLIN, 0};
        if (::poll(&wake, 1, timeout) > 0)
            delivered += d->consumeWakeUp();
    }

    if (includeTimers)
        delivered += d->activateTimers();
    return delivered > 0;
}

/*!
    Adds \a notifier to the epoll set. Several notifiers of different types
    may watch one descriptor; a second one of the same type is refused with a
    warning. Called by Qt (QSocketNotifier::setEnabled()) in the dispatcher's
    thread.
*/
void RpcEpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    Q_D(RpcEpollEventDispatcher);
    Q_ASSERT(notifier);
    if (!isOwnThread(this, notifier, "a socket notifier"))
        return;
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    if (fd < 0 || type < 0 || type > 2)
        return;
    RpcEpollFd &entry = d->fds[fd];
    if (entry.notifiers[type] && entry.notifiers[type] != notifier) {
        qWarning("RpcEpollEventDispatcher: multiple socket notifiers for descriptor %d and type %s",
                 fd, typeName(type));
    }
    entry.notifiers[type] = notifier;
    // A new descriptor goes into the epoll set at once, a change later.
    if (entry.events == 0)
        d->updateEpoll(fd, entry);
    else
        d->markChanged(fd, entry);
}

/*!
    Removes \a notifier from the epoll set; a pending activation of it is
    dropped. Called by Qt (when the notifier is disabled or deleted) in the
    dispatcher's thread.
*/
void RpcEpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    Q_D(RpcEpollEventDispatcher);
    Q_ASSERT(notifier);
    if (!isOwnThread(this, notifier, "a socket notifier"))
        return;
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    auto it = d->fds.find(fd);
    if (type < 0 || type > 2 || it == d->fds.end() || it->notifiers[type] != notifier)
        return;
    it->notifiers[type] = nullptr;
    it->pending &= std::uint8_t(~(1u << type));
    if (it->notifiers[0] || it->notifiers[1] || it->notifiers[2]) {
        d->markChanged(fd, *it);
        return;
    }
    // The last one: out of the epoll set at once, before the descriptor is
    // closed and its number reused.
    d->updateEpoll(fd, *it);
    d->fds.erase(it);
}

/*!
    Starts timer \a timerId for \a object, due every \a interval milliseconds.
    \a timerType is accepted but every timer is handled as Qt::PreciseTimer.
    Called by Qt (QObject::startTimer(), QTimer) in the dispatcher's thread.
*/
void RpcEpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                            QObject *object)
{
    Q_D(RpcEpollEventDispatcher);
    if (timerId < 1 || interval < 0 || !object) {
        qWarning("RpcEpollEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    if (!isOwnThread(this, object, "a timer's object"))
        return;
    auto *timer = new RpcEpollTimer;
    timer->id = timerId;
    timer->interval = interval;
    timer->type = timerType;
    timer->object = object;
    timer->deadline = RpcEpollEventDispatcherPrivate::now() + interval * NsPerMs;
    if (RpcEpollTimer *old = d->timers.value(timerId)) {
        d->removeTimer(old);
        if (old->activeRef)
            *old->activeRef = nullptr;
        delete old;
    }
    d->timers.insert(timerId, timer);
    d->insertTimer(timer);
}

/*!
    Stops timer \a timerId; returns \c false if there is no such timer. Safe
    inside the timer's own slot. Called by Qt in the dispatcher's thread.
*/
bool RpcEpollEventDispatcher::unregisterTimer(int timerId)
{
    Q_D(RpcEpollEventDispatcher);
    RpcEpollTimer *timer = d->timers.take(timerId);
    if (!timer)
        return false;
    d->removeTimer(timer);
    if (timer->activeRef)
        *timer->activeRef = nullptr;
    delete timer;
    return true;
}

/*!
    Stops every timer of \a object; returns \c false if it had none. Called by
    Qt in the dispatcher's thread.
*/
bool RpcEpollEventDispatcher::unregisterTimers(QObject *object)
{
    Q_D(RpcEpollEventDispatcher);
    QList<int> ids;
    for (const RpcEpollTimer *timer : std::as_const(d->timers)) {
        if (timer->object == object)
            ids.append(timer->id);
    }
    for (int id : std::as_const(ids))
        unregisterTimer(id);
    return !ids.isEmpty();
}

/*!
    Returns the timers of \a object (Qt moves them with it to another thread).
*/
QList<QAbstractEventDispatcher::TimerInfo>
RpcEpollEventDispatcher::registeredTimers(QObject *object) const
{
    Q_D(const RpcEpollEventDispatcher);
    QList<TimerInfo> list;
    for (const RpcEpollTimer *timer : std::as_const(d->timers)) {
        if (timer->object == object)
            list.append(TimerInfo(timer->id, int(timer->interval), timer->type));
    }
    return list;
}

/*!
    Returns the milliseconds left until timer \a timerId is due (0 when due),
    or -1 if there is no such timer.
*/
int RpcEpollEventDispatcher::remainingTime(int timerId)
{
    Q_D(RpcEpollEventDispatcher);
    const RpcEpollTimer *timer = d->timers.value(timerId);
    if (!timer)
        return -1;
    const qint64 left = timer->deadline - RpcEpollEventDispatcherPrivate::now();
    return left <= 0 ? 0 : int((left + NsPerMs / 2) / NsPerMs);
}

/*!
    Wakes the dispatcher up if it waits, or makes its next wait return at
    once. Thread-safe: Qt calls it when an event is posted to the thread.
*/
void RpcEpollEventDispatcher::wakeUp()
{
    Q_D(RpcEpollEventDispatcher);
    if (d->wakeUps.testAndSetAcquire(0, 1))
        eventfd_write(d->wakeFd, 1);
}

/*!
    Makes the current or next processEvents() return without waiting.
    Thread-safe (QEventLoop::exit() calls it).
*/
void RpcEpollEventDispatcher::interrupt()
{
    Q_D(RpcEpollEventDispatcher);
    d->interrupted.storeRelaxed(1);
    wakeUp();
}

} // namespace Fizyr
