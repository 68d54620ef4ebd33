// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCJSONREADER_H
#define FIZYRRPCQT_RPCJSONREADER_H

#include "rpcinterfaceglobal.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qstring.h>

#include <memory>

namespace Fizyr {

class RpcJsonReaderPrivate;

class FIZYRRPCQTINTERFACE_EXPORT RpcJsonReader
{
public:
    enum FieldFlag {
        Required = 0,
        HasDefault = 1,
        Optional = 2,
    };

    struct Field
    {
        const char *wireName;
        int flags;
    };

    enum VariantKind {
        UnitVariant,
        NewtypeVariant,
        TupleVariant,
        StructVariant,
    };

    struct Variant
    {
        const char *wireName;
        const char *name;
        VariantKind kind;
    };

    explicit RpcJsonReader(const QByteArray &body);
    ~RpcJsonReader();

    bool read(bool *value);
    bool read(qint8 *value);
    bool read(qint16 *value);
    bool read(qint32 *value);
    bool read(qint64 *value);
    bool read(quint8 *value);
    bool read(quint16 *value);
    bool read(quint32 *value);
    bool read(quint64 *value);
    bool read(float *value);
    bool read(double *value);
    bool read(QString *value);
    bool read(QByteArray *bytes);
    bool readUnit();
    bool readUnitStruct();
    bool readIfNull(bool *isNull);

    bool beginSequence();
    bool nextElement();
    bool endSequence();

    bool beginMap();
    bool nextKey(QString *key);
    bool endMap();

    bool beginStruct(const Field *fields, int count);
    int nextField();
    bool endStruct();

    int beginEnum(const Variant *variants, int count);
    bool endEnum();

    bool beginTuple(int count);
    bool nextTupleElement();
    bool endTuple();

    bool atEnd();
    bool hasError() const;
    QString errorString() const;

private:
    Q_DISABLE_COPY_MOVE(RpcJsonReader)

    std::unique_ptr<RpcJsonReaderPrivate> d;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCJSONREADER_H
