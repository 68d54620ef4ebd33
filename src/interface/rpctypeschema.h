// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCTYPESCHEMA_H
#define FIZYRRPCQT_RPCTYPESCHEMA_H

#include "rpcinterfaceglobal.h"

#include <QtCore/qlist.h>
#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qstring.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace Fizyr {

class RpcField;
class RpcVariant;

class FIZYRRPCQTINTERFACE_EXPORT RpcTypeSchema
{
    Q_GADGET
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    Q_PROPERTY(Kind kind READ kind CONSTANT)
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QString rustName READ rustName CONSTANT)
    Q_PROPERTY(QString doc READ doc CONSTANT)
    Q_PROPERTY(bool bytes READ isBytes CONSTANT)
    Q_PROPERTY(bool hashMap READ isHashMap CONSTANT)
    Q_PROPERTY(bool unitStruct READ isUnitStruct CONSTANT)

public:
    enum Kind {
        Invalid,
        Unit,
        Bool,
        I8,
        I16,
        I32,
        I64,
        U8,
        U16,
        U32,
        U64,
        F32,
        F64,
        String,
        Vec,
        Option,
        Map,
        Struct,
        Enum,
    };
    Q_ENUM(Kind)

    RpcTypeSchema();

    bool isValid() const { return m_node != nullptr; }
    Kind kind() const;
    QString name() const;
    QString rustName() const;
    QString doc() const;
    bool isBytes() const;
    bool isHashMap() const;
    bool isUnitStruct() const;
    bool hasDefault() const;
    bool isInteger() const;
    bool isFloat() const;

    RpcTypeSchema elementType() const;
    QList<RpcField> fields() const;
    RpcField field(const QString &wireName) const;
    QList<RpcVariant> variants() const;
    RpcVariant variant(const QString &wireName) const;

    friend bool operator==(const RpcTypeSchema &lhs, const RpcTypeSchema &rhs)
    {
        return lhs.equals(rhs);
    }
    friend bool operator!=(const RpcTypeSchema &lhs, const RpcTypeSchema &rhs)
    {
        return !lhs.equals(rhs);
    }

private:
    friend class RpcField;
    friend class RpcVariant;
    friend class RpcInterfaceFile;
    friend class RpcService;
    friend class RpcUpdate;
    friend class RpcStream;
    friend class RpcBodyCodec;
    RpcTypeSchema(const QSharedPointer<const RpcInterfaceModel::Model> &model,
                  const RpcInterfaceModel::TypeNode *node);
    bool equals(const RpcTypeSchema &other) const;

    QSharedPointer<const RpcInterfaceModel::Model> m_model;
    const RpcInterfaceModel::TypeNode *m_node = nullptr;
};

class FIZYRRPCQTINTERFACE_EXPORT RpcField
{
    Q_GADGET
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QString wireName READ wireName CONSTANT)
    Q_PROPERTY(QString cppName READ cppName CONSTANT)
    Q_PROPERTY(QString doc READ doc CONSTANT)
    Q_PROPERTY(Fizyr::RpcTypeSchema type READ type CONSTANT)
    Q_PROPERTY(bool hasDefault READ hasDefault CONSTANT)
    Q_PROPERTY(bool optional READ isOptional CONSTANT)

public:
    RpcField();

    bool isValid() const { return m_field != nullptr; }
    QString name() const;
    QString wireName() const;
    QString cppName() const;
    QString doc() const;
    RpcTypeSchema type() const;
    bool hasDefault() const;
    bool isOptional() const;

private:
    friend class RpcTypeSchema;
    friend class RpcVariant;
    RpcField(const QSharedPointer<const RpcInterfaceModel::Model> &model,
             const RpcInterfaceModel::FieldDef *field);

    QSharedPointer<const RpcInterfaceModel::Model> m_model;
    const RpcInterfaceModel::FieldDef *m_field = nullptr;
};

class FIZYRRPCQTINTERFACE_EXPORT RpcVariant
{
    Q_GADGET
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QString wireName READ wireName CONSTANT)
    Q_PROPERTY(QString doc READ doc CONSTANT)
    Q_PROPERTY(Kind kind READ kind CONSTANT)

public:
    enum Kind {
        Unit,
        Newtype,
        Tuple,
        Struct,
    };
    Q_ENUM(Kind)

    RpcVariant();

    bool isValid() const { return m_variant != nullptr; }
    QString name() const;
    QString wireName() const;
    QString doc() const;
    Kind kind() const;
    QList<RpcTypeSchema> types() const;
    QList<RpcField> fields() const;

private:
    friend class RpcTypeSchema;
    RpcVariant(const QSharedPointer<const RpcInterfaceModel::Model> &model,
               const RpcInterfaceModel::VariantDef *variant);

    QSharedPointer<const RpcInterfaceModel::Model> m_model;
    const RpcInterfaceModel::VariantDef *m_variant = nullptr;
};

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQTINTERFACE_EXPORT QDebug operator<<(QDebug debug, const RpcTypeSchema &type);
#endif

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCTYPESCHEMA_H
