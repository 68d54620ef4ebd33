// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcfiledescriptor.h"

#include <QtCore/qdebug.h>

#ifdef Q_OS_UNIX
#    include <fcntl.h>
#    include <unistd.h>
#endif

namespace Fizyr {

class RpcFileDescriptorPrivate : public QSharedData
{
public:
    explicit RpcFileDescriptorPrivate(int descriptor) : fd(descriptor) { }
    ~RpcFileDescriptorPrivate() { closeFd(); }

    void closeFd()
    {
#ifdef Q_OS_UNIX
        if (fd >= 0)
            ::close(fd);
#endif
        fd = -1;
    }

    int fd;
};

} // namespace Fizyr

QT_DEFINE_QESDP_SPECIALIZATION_DTOR(Fizyr::RpcFileDescriptorPrivate)

namespace Fizyr {

static int duplicateFd(int fd)
{
#ifdef Q_OS_UNIX
    if (fd < 0)
        return -1;
    return ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
#else
    Q_UNUSED(fd);
    return -1;
#endif
}

/*!
    \class Fizyr::RpcFileDescriptor
    \inmodule FizyrRpcQt
    \brief An owning, implicitly shared handle to a Unix file descriptor.

    RpcFileDescriptor carries file descriptors in an RpcMessage over the
    seqpacket transport. It owns the descriptor it holds: the descriptor is
    closed exactly once, when the last copy of the handle is destroyed or
    reset(). Copies share one descriptor; they do not duplicate it.

    The constructor taking an \c int duplicates its argument (with
    \c F_DUPFD_CLOEXEC), so the caller keeps ownership of the descriptor it
    passed, as with QDBusUnixFileDescriptor. Use fromOwned() to hand over a
    descriptor without duplicating it.

    Descriptors received from a peer are owned by an RpcFileDescriptor from
    the moment they arrive and have the close-on-exec flag set.
*/

/*!
    \fn Fizyr::RpcFileDescriptor::RpcFileDescriptor(Fizyr::RpcFileDescriptor &&other)
    Move-constructs a handle from \a other, which becomes invalid.
*/
/*!
    \fn Fizyr::RpcFileDescriptor &Fizyr::RpcFileDescriptor::operator=(Fizyr::RpcFileDescriptor &&other)
    Move-assigns \a other to this handle.
*/
/*!
    \fn void Fizyr::RpcFileDescriptor::swap(Fizyr::RpcFileDescriptor &other)
    Swaps this handle with \a other.
*/
/*!
    \fn bool Fizyr::RpcFileDescriptor::operator==(const Fizyr::RpcFileDescriptor &lhs, const Fizyr::RpcFileDescriptor &rhs)
    Returns \c true if \a lhs and \a rhs share the same descriptor (or are both invalid).
*/
/*!
    \fn bool Fizyr::RpcFileDescriptor::operator!=(const Fizyr::RpcFileDescriptor &lhs, const Fizyr::RpcFileDescriptor &rhs)
    Returns \c true unless \a lhs and \a rhs share the same descriptor.
*/

/*!
    Constructs an invalid handle.
*/
RpcFileDescriptor::RpcFileDescriptor() noexcept = default;

/*!
    Constructs a handle owning a duplicate of \a fileDescriptor. The caller
    keeps ownership of \a fileDescriptor. If duplicating fails (or
    \a fileDescriptor is negative), the handle is invalid.
*/
RpcFileDescriptor::RpcFileDescriptor(int fileDescriptor)
{
    const int copy = duplicateFd(fileDescriptor);
    if (copy >= 0)
        d = new RpcFileDescriptorPrivate(copy);
}

/*!
    Constructs a handle that shares the descriptor of \a other.
*/
RpcFileDescriptor::RpcFileDescriptor(const RpcFileDescriptor &other) noexcept = default;

/*!
    Makes this handle share the descriptor of \a other. The descriptor held
    before is closed if this was its last handle.
*/
RpcFileDescriptor &RpcFileDescriptor::operator=(const RpcFileDescriptor &other) noexcept = default;

/*!
    Destroys the handle; closes the descriptor if this was its last handle.
*/
RpcFileDescriptor::~RpcFileDescriptor() = default;

/*!
    Returns a handle that takes ownership of \a fileDescriptor without
    duplicating it. The caller must not close \a fileDescriptor afterwards.
    A negative \a fileDescriptor gives an invalid handle.
*/
RpcFileDescriptor RpcFileDescriptor::fromOwned(int fileDescriptor)
{
    RpcFileDescriptor result;
    if (fileDescriptor >= 0)
        result.d = new RpcFileDescriptorPrivate(fileDescriptor);
    return result;
}

/*!
    \property Fizyr::RpcFileDescriptor::valid
    \c true if the handle holds a descriptor.
*/
/*!
    Returns \c true if the handle holds a descriptor.
*/
bool RpcFileDescriptor::isValid() const noexcept
{
    return d && d->fd >= 0;
}

/*!
    Returns the descriptor without giving up ownership, or -1 if invalid.
    The value stays valid only as long as a handle to it exists; do not close
    it. Use dup() for a descriptor of your own.
*/
int RpcFileDescriptor::fileDescriptor() const noexcept
{
    return d ? d->fd : -1;
}

/*!
    Gives up ownership: returns the descriptor and leaves every handle sharing
    it invalid. The caller must close the returned descriptor. As the handle
    is shared, call this only when no other copy is in use.

    \sa dup()
*/
int RpcFileDescriptor::release()
{
    if (!d)
        return -1;
    const int fd = d->fd;
    d->fd = -1;
    d.reset();
    return fd;
}

/*!
    Returns a new descriptor (close-on-exec) referring to the same open file,
    owned by the caller, or -1 on failure.
*/
int RpcFileDescriptor::dup() const
{
    return duplicateFd(fileDescriptor());
}

/*!
    Drops this handle's reference; the descriptor is closed if this was the
    last handle.
*/
void RpcFileDescriptor::reset()
{
    d.reset();
}

#ifndef QT_NO_DEBUG_STREAM
QDebug operator<<(QDebug debug, const RpcFileDescriptor &fd)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "RpcFileDescriptor(" << fd.fileDescriptor() << ')';
    return debug;
}
#endif

} // namespace Fizyr

#include "moc_rpcfiledescriptor.cpp"
