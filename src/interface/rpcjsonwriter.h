// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCJSONWRITER_H
#define FIZYRRPCQT_RPCJSONWRITER_H

#include "rpcinterfaceglobal.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringview.h>

namespace Fizyr {

class FIZYRRPCQTINTERFACE_EXPORT RpcJsonWriter
{
public:
    RpcJsonWriter();
    ~RpcJsonWriter();

    void writeNull();
    void writeBool(bool value);
    void writeInteger(qint64 value);
    void writeUnsigned(quint64 value);
    void writeFloat(float value);
    void writeDouble(double value);
    void writeString(QStringView value);

    void beginArray();
    void endArray();
    void beginObject();
    void writeKey(QByteArrayView utf8);
    void writeKey(QStringView key);
    void endObject();

    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    QByteArray data() const { return m_out; }
    QByteArray takeData();

private:
    Q_DISABLE_COPY_MOVE(RpcJsonWriter)

    void separate()
    {
        if (m_comma)
            m_out.append(',');
    }
    // Room for max more bytes at the end; shrinkTo() then cuts at the end written.
    char *grow(qsizetype max)
    {
        const qsizetype size = m_out.size();
        m_out.resize(size + max);
        return m_out.data() + size;
    }
    void shrinkTo(const char *end) { m_out.resize(end - m_out.constData()); }
    void appendString(QStringView value);

    QByteArray m_out;
    QString m_error;
    bool m_comma = false;
    void *m_reserved = nullptr; // for a d-pointer in a later version
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCJSONWRITER_H
