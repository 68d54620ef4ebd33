// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCINTERFACE_H
#define FIZYRRPCQT_RPCINTERFACE_H

#include "rpcinterfaceglobal.h"
#include "rpctypeschema.h"

#include <QtCore/qlist.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qstring.h>

namespace Fizyr {

class RpcMessage;

class FIZYRRPCQTINTERFACE_EXPORT RpcUpdate
{
    Q_GADGET
    Q_PROPERTY(qint32 id READ id CONSTANT)
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QString cppName READ cppName CONSTANT)
    Q_PROPERTY(QString doc READ doc CONSTANT)
    Q_PROPERTY(bool hidden READ isHidden CONSTANT)
    Q_PROPERTY(Fizyr::RpcTypeSchema bodyType READ bodyType CONSTANT)

public:
    RpcUpdate();

    bool isValid() const { return m_def != nullptr; }
    qint32 id() const;
    QString name() const;
    QString cppName() const;
    QString doc() const;
    bool isHidden() const;
    RpcTypeSchema bodyType() const;

private:
    friend class RpcService;
    RpcUpdate(const QSharedPointer<const RpcInterfaceModel::Model> &model,
              const RpcInterfaceModel::UpdateDef *def);

    QSharedPointer<const RpcInterfaceModel::Model> m_model;
    const RpcInterfaceModel::UpdateDef *m_def = nullptr;
};

class FIZYRRPCQTINTERFACE_EXPORT RpcStream
{
    Q_GADGET
    Q_PROPERTY(qint32 id READ id CONSTANT)
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QString cppName READ cppName CONSTANT)
    Q_PROPERTY(QString doc READ doc CONSTANT)
    Q_PROPERTY(bool hidden READ isHidden CONSTANT)
    Q_PROPERTY(Fizyr::RpcTypeSchema bodyType READ bodyType CONSTANT)

public:
    RpcStream();

    bool isValid() const { return m_def != nullptr; }
    qint32 id() const;
    QString name() const;
    QString cppName() const;
    QString doc() const;
    bool isHidden() const;
    RpcTypeSchema bodyType() const;

private:
    friend class RpcInterface;
    RpcStream(const QSharedPointer<const RpcInterfaceModel::Model> &model,
              const RpcInterfaceModel::UpdateDef *def);

    QSharedPointer<const RpcInterfaceModel::Model> m_model;
    const RpcInterfaceModel::UpdateDef *m_def = nullptr;
};

class FIZYRRPCQTINTERFACE_EXPORT RpcService
{
    Q_GADGET
    Q_PROPERTY(qint32 id READ id CONSTANT)
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QString cppName READ cppName CONSTANT)
    Q_PROPERTY(QString doc READ doc CONSTANT)
    Q_PROPERTY(bool hidden READ isHidden CONSTANT)
    Q_PROPERTY(Fizyr::RpcTypeSchema requestType READ requestType CONSTANT)
    Q_PROPERTY(Fizyr::RpcTypeSchema responseType READ responseType CONSTANT)
    Q_PROPERTY(QList<Fizyr::RpcUpdate> requestUpdates READ requestUpdates CONSTANT)
    Q_PROPERTY(QList<Fizyr::RpcUpdate> responseUpdates READ responseUpdates CONSTANT)

public:
    RpcService();

    bool isValid() const { return m_def != nullptr; }
    qint32 id() const;
    QString name() const;
    QString cppName() const;
    QString doc() const;
    bool isHidden() const;
    RpcTypeSchema requestType() const;
    RpcTypeSchema responseType() const;
    QList<RpcUpdate> requestUpdates() const;
    QList<RpcUpdate> responseUpdates() const;
    RpcUpdate requestUpdate(const QString &name) const;
    RpcUpdate requestUpdateById(qint32 id) const;
    RpcUpdate responseUpdate(const QString &name) const;
    RpcUpdate responseUpdateById(qint32 id) const;

    bool isErrorResponse(const RpcMessage &response) const;
    static bool isErrorResponse(const RpcMessage &response, qint32 serviceId);

private:
    friend class RpcInterface;
    RpcService(const QSharedPointer<const RpcInterfaceModel::Model> &model,
               const RpcInterfaceModel::ServiceDef *def);

    QSharedPointer<const RpcInterfaceModel::Model> m_model;
    const RpcInterfaceModel::ServiceDef *m_def = nullptr;
};

class FIZYRRPCQTINTERFACE_EXPORT RpcInterface
{
    Q_GADGET
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QString doc READ doc CONSTANT)
    Q_PROPERTY(QString fileName READ fileName CONSTANT)
    Q_PROPERTY(QList<Fizyr::RpcService> services READ services CONSTANT)
    Q_PROPERTY(QList<Fizyr::RpcStream> streams READ streams CONSTANT)

public:
    RpcInterface();

    bool isValid() const { return m_def != nullptr; }
    QString name() const;
    QString doc() const;
    QString fileName() const;
    QList<RpcService> services() const;
    QList<RpcStream> streams() const;
    RpcService service(const QString &name) const;
    RpcService serviceById(qint32 id) const;
    RpcStream stream(const QString &name) const;
    RpcStream streamById(qint32 id) const;

private:
    friend class RpcInterfaceFile;
    RpcInterface(const QSharedPointer<const RpcInterfaceModel::Model> &model,
                 const RpcInterfaceModel::InterfaceDef *def);

    QSharedPointer<const RpcInterfaceModel::Model> m_model;
    const RpcInterfaceModel::InterfaceDef *m_def = nullptr;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCINTERFACE_H
