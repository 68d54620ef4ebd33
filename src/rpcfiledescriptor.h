// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCFILEDESCRIPTOR_H
#define FIZYRRPCQT_RPCFILEDESCRIPTOR_H

#include "rpcglobal.h"

#include <QtCore/qlist.h>
#include <QtCore/qmetatype.h>
#include <QtCore/qshareddata.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace Fizyr {
class RpcFileDescriptorPrivate;
} // namespace Fizyr

QT_DECLARE_QESDP_SPECIALIZATION_DTOR_WITH_EXPORT(Fizyr::RpcFileDescriptorPrivate, FIZYRRPCQT_EXPORT)

namespace Fizyr {

class FIZYRRPCQT_EXPORT RpcFileDescriptor
{
    Q_GADGET
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    Q_PROPERTY(int fileDescriptor READ fileDescriptor CONSTANT)

public:
    RpcFileDescriptor() noexcept;
    explicit RpcFileDescriptor(int fileDescriptor);
    RpcFileDescriptor(const RpcFileDescriptor &other) noexcept;
    RpcFileDescriptor(RpcFileDescriptor &&other) noexcept = default;
    RpcFileDescriptor &operator=(const RpcFileDescriptor &other) noexcept;
    RpcFileDescriptor &operator=(RpcFileDescriptor &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~RpcFileDescriptor();

    void swap(RpcFileDescriptor &other) noexcept { d.swap(other.d); }

    static RpcFileDescriptor fromOwned(int fileDescriptor);

    bool isValid() const noexcept;
    int fileDescriptor() const noexcept;
    int release();
    int dup() const;
    void reset();

    friend bool operator==(const RpcFileDescriptor &lhs, const RpcFileDescriptor &rhs) noexcept
    {
        return lhs.d == rhs.d;
    }
    friend bool operator!=(const RpcFileDescriptor &lhs, const RpcFileDescriptor &rhs) noexcept
    {
        return !(lhs == rhs);
    }

private:
    QExplicitlySharedDataPointer<RpcFileDescriptorPrivate> d;
};

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQT_EXPORT QDebug operator<<(QDebug debug, const RpcFileDescriptor &fd);
#endif

} // namespace Fizyr

Q_DECLARE_SHARED(Fizyr::RpcFileDescriptor)

#endif // FIZYRRPCQT_RPCFILEDESCRIPTOR_H
