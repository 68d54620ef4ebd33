// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCINTERFACEFILE_H
#define FIZYRRPCQT_RPCINTERFACEFILE_H

#include "rpcinterface.h"
#include "rpcinterfaceglobal.h"
#include "rpctypeschema.h"

#include <QtCore/qlist.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

namespace Fizyr {

class FIZYRRPCQTINTERFACE_EXPORT RpcInterfaceError
{
    Q_GADGET
    Q_PROPERTY(QString fileName READ fileName CONSTANT)
    Q_PROPERTY(int line READ line CONSTANT)
    Q_PROPERTY(int column READ column CONSTANT)
    Q_PROPERTY(QString message READ message CONSTANT)

public:
    RpcInterfaceError() = default;
    RpcInterfaceError(const QString &fileName, int line, int column, const QString &message);

    QString fileName() const { return m_fileName; }
    int line() const { return m_line; }
    int column() const { return m_column; }
    QString message() const { return m_message; }
    Q_INVOKABLE QString toString() const;

    friend bool operator==(const RpcInterfaceError &lhs, const RpcInterfaceError &rhs)
    {
        return lhs.m_fileName == rhs.m_fileName && lhs.m_line == rhs.m_line
                && lhs.m_column == rhs.m_column && lhs.m_message == rhs.m_message;
    }
    friend bool operator!=(const RpcInterfaceError &lhs, const RpcInterfaceError &rhs)
    {
        return !(lhs == rhs);
    }

private:
    QString m_fileName;
    int m_line = 0;
    int m_column = 0;
    QString m_message;
};

class FIZYRRPCQTINTERFACE_EXPORT RpcInterfaceFile
{
    Q_GADGET
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    Q_PROPERTY(QString fileName READ fileName CONSTANT)
    Q_PROPERTY(QString errorString READ errorString CONSTANT)
    Q_PROPERTY(QList<Fizyr::RpcInterface> interfaces READ interfaces CONSTANT)
    Q_PROPERTY(QList<Fizyr::RpcTypeSchema> types READ types CONSTANT)

public:
    RpcInterfaceFile();

    static RpcInterfaceFile parse(const QString &text, const QString &fileName = QString());
    static RpcInterfaceFile fromFile(const QString &path);

    bool isValid() const;
    QString fileName() const;
    QList<RpcInterfaceError> errors() const;
    QString errorString() const;

    QList<RpcInterface> interfaces() const;
    RpcInterface interfaceByName(const QString &name) const;
    QList<RpcTypeSchema> types() const;
    RpcTypeSchema type(const QString &name) const;
    RpcTypeSchema typeSchema(const QString &rustType, QString *errorString = nullptr) const;

private:
    explicit RpcInterfaceFile(const QSharedPointer<const RpcInterfaceModel::Model> &model);

    QSharedPointer<const RpcInterfaceModel::Model> m_model;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCINTERFACEFILE_H
