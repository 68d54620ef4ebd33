// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCBODYCODEC_H
#define FIZYRRPCQT_RPCBODYCODEC_H

#include "rpcinterfaceglobal.h"
#include "rpctypeschema.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

namespace Fizyr {

class FIZYRRPCQTINTERFACE_EXPORT RpcBodyCodec
{
    Q_GADGET

public:
    enum Format {
        Json,
        Cbor,
    };
    Q_ENUM(Format)

    static bool encode(const RpcTypeSchema &type, const QVariant &value, Format format,
                       QByteArray *body, QString *errorString = nullptr);
    static bool decode(const RpcTypeSchema &type, const QByteArray &body, Format format,
                       QVariant *value, QString *errorString = nullptr);

    static QVariant defaultValue(const RpcTypeSchema &type);
    static QString formatName(Format format);
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCBODYCODEC_H
