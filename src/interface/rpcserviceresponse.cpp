// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The parts of RpcService that need the core library (RpcMessage): kept out of
// rpcinterface.cpp, which fizyr-rpc-gen compiles without the core.

#include "rpcinterface.h"

#include "rpcmessage.h"

namespace Fizyr {

/*!
    Returns \c true if \a response, the response to a request for this
    service, is an error response.

    Service ids may be negative, and a response carries the service's own id,
    so a negative service id alone does not make an error here (unlike
    RpcMessage::isError(), which only looks at the sign): \a response is an
    error response when its service id is -1 (the Rust reference's
    \c{service_id::ERROR}, body the UTF-8 error text), or negative and
    different from this service's id. Everything else is a response body to
    decode. This is the rule of the Rust reference's generated clients; every
    typed layer of this library (generated C++ and QML clients, the runtime
    QML type \c RpcInterfaceClient, \c{fizyr-rpc call --interface}) uses it.

    A response with this service's negative id finishes its RpcRequest with
    RpcError::RemoteError in the core (RpcMessage::isError() is \c true), so
    check the response with this function rather than RpcRequest::error().

    Returns \c false for a message that is not a response.

    \sa RpcMessage::isError()
*/
bool RpcService::isErrorResponse(const RpcMessage &response) const
{
    return isErrorResponse(response, id());
}

/*!
    \overload
    Returns \c true if \a response, the response to a request for the service
    with id \a serviceId, is an error response: a response whose service id is
    -1, or negative and different from \a serviceId. Generated code uses this
    overload; it needs no RpcService.
*/
bool RpcService::isErrorResponse(const RpcMessage &response, qint32 serviceId)
{
    if (response.type() != RpcMessage::Response)
        return false;
    const qint32 id = response.serviceId();
    return id == -1 || (id < 0 && id != serviceId);
}

} // namespace Fizyr
