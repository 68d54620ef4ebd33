// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcinterface.h"

#include "rpcinterfacemodel_p.h"

namespace Fizyr {

using namespace RpcInterfaceModel;

/*!
    \class Fizyr::RpcUpdate
    \inmodule FizyrRpcQt
    \brief A request update or response update of a service: an id, a name
    and a body type.

    An immutable handle into the model of an RpcInterfaceFile. On the wire an
    update message carries id() as its service id.
*/

/*! Constructs an invalid update. */
RpcUpdate::RpcUpdate() = default;

RpcUpdate::RpcUpdate(const QSharedPointer<const Model> &model, const UpdateDef *def)
    : m_model(model), m_def(def)
{ }

/*!
    \fn bool Fizyr::RpcUpdate::isValid() const
    Returns \c true unless this update is default-constructed.
*/

/*! Returns the update id (the service id of the update messages). */
qint32 RpcUpdate::id() const
{
    return m_def ? m_def->id : 0;
}

/*! Returns the name as written in the interface file (the wire name). */
QString RpcUpdate::name() const
{
    return m_def ? m_def->name : QString();
}

/*! Returns the lowerCamelCase C++ name (see RpcField::cppName()). */
QString RpcUpdate::cppName() const
{
    return m_def ? m_def->cppName : QString();
}

/*! Returns the doc comment. */
QString RpcUpdate::doc() const
{
    return m_def ? m_def->doc : QString();
}

/*!
    \property Fizyr::RpcUpdate::hidden
    \brief Whether the update is marked \c{#[hidden]}; read with isHidden().
*/

/*! Returns \c true if the update is marked \c{#[hidden]}. */
bool RpcUpdate::isHidden() const
{
    return m_def && m_def->hidden;
}

/*! Returns the body type. */
RpcTypeSchema RpcUpdate::bodyType() const
{
    return m_def ? RpcTypeSchema(m_model, m_def->type) : RpcTypeSchema();
}

/*!
    \class Fizyr::RpcStream
    \inmodule FizyrRpcQt
    \brief A stream message kind of an interface: an id, a name and a body type.

    An immutable handle into the model of an RpcInterfaceFile. On the wire a
    stream message carries id() as its service id.
*/

/*! Constructs an invalid stream. */
RpcStream::RpcStream() = default;

RpcStream::RpcStream(const QSharedPointer<const Model> &model, const UpdateDef *def)
    : m_model(model), m_def(def)
{ }

/*!
    \fn bool Fizyr::RpcStream::isValid() const
    Returns \c true unless this stream is default-constructed.
*/

/*! Returns the stream id (the service id of the stream messages). */
qint32 RpcStream::id() const
{
    return m_def ? m_def->id : 0;
}

/*! Returns the name as written in the interface file. */
QString RpcStream::name() const
{
    return m_def ? m_def->name : QString();
}

/*! Returns the lowerCamelCase C++ name. */
QString RpcStream::cppName() const
{
    return m_def ? m_def->cppName : QString();
}

/*! Returns the doc comment. */
QString RpcStream::doc() const
{
    return m_def ? m_def->doc : QString();
}

/*!
    \property Fizyr::RpcStream::hidden
    \brief Whether the stream is marked \c{#[hidden]}; read with isHidden().
*/

/*! Returns \c true if the stream is marked \c{#[hidden]}. */
bool RpcStream::isHidden() const
{
    return m_def && m_def->hidden;
}

/*! Returns the body type. */
RpcTypeSchema RpcStream::bodyType() const
{
    return m_def ? RpcTypeSchema(m_model, m_def->type) : RpcTypeSchema();
}

/*!
    \class Fizyr::RpcService
    \inmodule FizyrRpcQt
    \brief A service of an interface: an id, a name, request and response
    types, and the updates each side may send while the request is open.

    An immutable handle into the model of an RpcInterfaceFile. A request
    carries id() as its service id; a successful response carries the same
    id; an error response carries -1 and a UTF-8 text.
*/

/*! Constructs an invalid service. */
RpcService::RpcService() = default;

RpcService::RpcService(const QSharedPointer<const Model> &model, const ServiceDef *def)
    : m_model(model), m_def(def)
{ }

/*!
    \fn bool Fizyr::RpcService::isValid() const
    Returns \c true unless this service is default-constructed.
*/

/*! Returns the service id. */
qint32 RpcService::id() const
{
    return m_def ? m_def->id : 0;
}

/*! Returns the name as written in the interface file. */
QString RpcService::name() const
{
    return m_def ? m_def->name : QString();
}

/*! Returns the lowerCamelCase C++ name. */
QString RpcService::cppName() const
{
    return m_def ? m_def->cppName : QString();
}

/*! Returns the doc comment. */
QString RpcService::doc() const
{
    return m_def ? m_def->doc : QString();
}

/*!
    \property Fizyr::RpcService::hidden
    \brief Whether the service is marked \c{#[hidden]}; read with isHidden().
*/

/*! Returns \c true if the service is marked \c{#[hidden]}. */
bool RpcService::isHidden() const
{
    return m_def && m_def->hidden;
}

/*! Returns the body type of the request. */
RpcTypeSchema RpcService::requestType() const
{
    return m_def ? RpcTypeSchema(m_model, m_def->requestType) : RpcTypeSchema();
}

/*! Returns the body type of a successful response. */
RpcTypeSchema RpcService::responseType() const
{
    return m_def ? RpcTypeSchema(m_model, m_def->responseType) : RpcTypeSchema();
}

/*! Returns the updates the requester may send (\c request_update), in file order. */
QList<RpcUpdate> RpcService::requestUpdates() const
{
    QList<RpcUpdate> result;
    if (m_def) {
        for (const UpdateDef &u : m_def->requestUpdates)
            result.append(RpcUpdate(m_model, &u));
    }
    return result;
}

/*! Returns the updates the responder may send (\c response_update), in file order. */
QList<RpcUpdate> RpcService::responseUpdates() const
{
    QList<RpcUpdate> result;
    if (m_def) {
        for (const UpdateDef &u : m_def->responseUpdates)
            result.append(RpcUpdate(m_model, &u));
    }
    return result;
}

static const UpdateDef *findUpdate(const QList<UpdateDef> &list, const QString *name, qint32 id)
{
    for (const UpdateDef &u : list) {
        if (name ? u.name == *name : u.id == id)
            return &u;
    }
    return nullptr;
}

/*! Returns the request update called \a name, or an invalid update. */
RpcUpdate RpcService::requestUpdate(const QString &name) const
{
    const UpdateDef *u = m_def ? findUpdate(m_def->requestUpdates, &name, 0) : nullptr;
    return u ? RpcUpdate(m_model, u) : RpcUpdate();
}

/*! Returns the request update with id \a id, or an invalid update. */
RpcUpdate RpcService::requestUpdateById(qint32 id) const
{
    const UpdateDef *u = m_def ? findUpdate(m_def->requestUpdates, nullptr, id) : nullptr;
    return u ? RpcUpdate(m_model, u) : RpcUpdate();
}

/*! Returns the response update called \a name, or an invalid update. */
RpcUpdate RpcService::responseUpdate(const QString &name) const
{
    const UpdateDef *u = m_def ? findUpdate(m_def->responseUpdates, &name, 0) : nullptr;
    return u ? RpcUpdate(m_model, u) : RpcUpdate();
}

/*! Returns the response update with id \a id, or an invalid update. */
RpcUpdate RpcService::responseUpdateById(qint32 id) const
{
    const UpdateDef *u = m_def ? findUpdate(m_def->responseUpdates, nullptr, id) : nullptr;
    return u ? RpcUpdate(m_model, u) : RpcUpdate();
}

/*!
    \class Fizyr::RpcInterface
    \inmodule FizyrRpcQt
    \brief One interface of an interface file: its services and streams.

    An immutable, implicitly shared handle into the model of an
    RpcInterfaceFile; it keeps that model alive. Get one from
    RpcInterfaceFile::interfaces() or RpcInterfaceFile::interfaceByName().
*/

/*! Constructs an invalid interface. */
RpcInterface::RpcInterface() = default;

RpcInterface::RpcInterface(const QSharedPointer<const Model> &model, const InterfaceDef *def)
    : m_model(model), m_def(def)
{ }

/*!
    \fn bool Fizyr::RpcInterface::isValid() const
    Returns \c true unless this interface is default-constructed.
*/

/*! Returns the interface name. */
QString RpcInterface::name() const
{
    return m_def ? m_def->name : QString();
}

/*! Returns the doc comment of the interface. */
QString RpcInterface::doc() const
{
    return m_def ? m_def->doc : QString();
}

/*! Returns the name of the file that defines the interface. */
QString RpcInterface::fileName() const
{
    return m_def ? m_def->pos.fileName : QString();
}

/*! Returns the services in file order, hidden ones included. */
QList<RpcService> RpcInterface::services() const
{
    QList<RpcService> result;
    if (m_def) {
        for (const ServiceDef &s : m_def->services)
            result.append(RpcService(m_model, &s));
    }
    return result;
}

/*! Returns the streams in file order, hidden ones included. */
QList<RpcStream> RpcInterface::streams() const
{
    QList<RpcStream> result;
    if (m_def) {
        for (const UpdateDef &s : m_def->streams)
            result.append(RpcStream(m_model, &s));
    }
    return result;
}

/*! Returns the service called \a name, or an invalid service. */
RpcService RpcInterface::service(const QString &name) const
{
    if (m_def) {
        for (const ServiceDef &s : m_def->services) {
            if (s.name == name)
                return RpcService(m_model, &s);
        }
    }
    return RpcService();
}

/*! Returns the service with id \a id, or an invalid service. */
RpcService RpcInterface::serviceById(qint32 id) const
{
    if (m_def) {
        for (const ServiceDef &s : m_def->services) {
            if (s.id == id)
                return RpcService(m_model, &s);
        }
    }
    return RpcService();
}

/*! Returns the stream called \a name, or an invalid stream. */
RpcStream RpcInterface::stream(const QString &name) const
{
    const UpdateDef *s = m_def ? findUpdate(m_def->streams, &name, 0) : nullptr;
    return s ? RpcStream(m_model, s) : RpcStream();
}

/*! Returns the stream with id \a id, or an invalid stream. */
RpcStream RpcInterface::streamById(qint32 id) const
{
    const UpdateDef *s = m_def ? findUpdate(m_def->streams, nullptr, id) : nullptr;
    return s ? RpcStream(m_model, s) : RpcStream();
}

} // namespace Fizyr
