// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCMESSAGE_H
#define FIZYRRPCQT_RPCMESSAGE_H

#include "rpcfiledescriptor.h"
#include "rpcglobal.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qmetatype.h>
#include <QtCore/qshareddata.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace Fizyr {
class RpcMessagePrivate;
} // namespace Fizyr

QT_DECLARE_QSDP_SPECIALIZATION_DTOR_WITH_EXPORT(Fizyr::RpcMessagePrivate, FIZYRRPCQT_EXPORT)

namespace Fizyr {

class FIZYRRPCQT_EXPORT RpcMessage
{
    Q_GADGET
    Q_PROPERTY(Type type READ type CONSTANT)
    Q_PROPERTY(quint32 requestId READ requestId CONSTANT)
    Q_PROPERTY(qint32 serviceId READ serviceId CONSTANT)
    Q_PROPERTY(QByteArray body READ body CONSTANT)
    Q_PROPERTY(bool isError READ isError CONSTANT)
    Q_PROPERTY(QString errorText READ errorText CONSTANT)

public:
    enum Type : quint32 {
        Request = 0,
        Response = 1,
        RequesterUpdate = 2,
        ResponderUpdate = 3,
        Stream = 4,
    };
    Q_ENUM(Type)

    RpcMessage();
    RpcMessage(Type type, quint32 requestId, qint32 serviceId, const QByteArray &body = {},
               const QList<RpcFileDescriptor> &fileDescriptors = {});
    RpcMessage(const RpcMessage &other);
    RpcMessage(RpcMessage &&other) noexcept = default;
    RpcMessage &operator=(const RpcMessage &other);
    RpcMessage &operator=(RpcMessage &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~RpcMessage();

    void swap(RpcMessage &other) noexcept { d.swap(other.d); }

    static RpcMessage errorResponse(quint32 requestId, const QString &text);
    static QString typeName(Type type);

    Type type() const;
    void setType(Type type);
    quint32 requestId() const;
    void setRequestId(quint32 requestId);
    qint32 serviceId() const;
    void setServiceId(qint32 serviceId);
    QByteArray body() const;
    void setBody(const QByteArray &body);
    QList<RpcFileDescriptor> fileDescriptors() const;
    void setFileDescriptors(const QList<RpcFileDescriptor> &fileDescriptors);

    bool isError() const;
    QString errorText() const;

    friend bool operator==(const RpcMessage &lhs, const RpcMessage &rhs) { return lhs.equals(rhs); }
    friend bool operator!=(const RpcMessage &lhs, const RpcMessage &rhs)
    {
        return !lhs.equals(rhs);
    }

private:
    bool equals(const RpcMessage &other) const;

    QSharedDataPointer<RpcMessagePrivate> d;
};

FIZYRRPCQT_EXPORT size_t qHash(const RpcMessage &message, size_t seed = 0) noexcept;

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQT_EXPORT QDebug operator<<(QDebug debug, const RpcMessage &message);
#endif

} // namespace Fizyr

Q_DECLARE_SHARED(Fizyr::RpcMessage)

#endif // FIZYRRPCQT_RPCMESSAGE_H
