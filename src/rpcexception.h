// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCEXCEPTION_H
#define FIZYRRPCQT_RPCEXCEPTION_H

#include "rpcglobal.h"
#include "rpcmessage.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qexception.h>
#include <QtCore/qstring.h>

namespace Fizyr {

class FIZYRRPCQT_EXPORT RpcException : public QException
{
public:
    RpcException(RpcError error, const QString &errorString, const RpcMessage &response = {});
    RpcException(const RpcException &other);
    RpcException &operator=(const RpcException &other);
    ~RpcException() override;

    RpcError error() const;
    QString errorString() const;
    RpcMessage response() const;

    const char *what() const noexcept override;
    void raise() const override;
    RpcException *clone() const override;

private:
    RpcError m_error;
    QString m_errorString;
    RpcMessage m_response;
    QByteArray m_what;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCEXCEPTION_H
