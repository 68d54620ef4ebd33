// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCCODEC_P_H
#define FIZYRRPCQT_RPCCODEC_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the fizyr-rpc-qt API. It exists purely as an
// implementation detail. This header file may change from version to
// version without notice, or even be removed.
//
// We mean it.
//

#include "rpcinterfacemodel_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

namespace Fizyr {
namespace RpcCodec {

using RpcInterfaceModel::TypeNode;

// The path of the value being encoded or decoded, for error messages:
// `items[2].point.x`, `names["key"]`. Pushing and popping allocate nothing
// once the list has grown to the nesting depth (names are implicitly shared
// QStrings); the text is only built for an error.
class Path
{
public:
    void pushField(const QString &name) { m_segments.append({name, 0, Field}); }
    void pushIndex(qsizetype index) { m_segments.append({QString(), index, Index}); }
    void pushKey(const QString &key) { m_segments.append({key, 0, Key}); }
    void pop() { m_segments.removeLast(); }
    QString toString() const
    {
        QString s;
        for (const Segment &segment : m_segments) {
            switch (segment.kind) {
            case Field:
                if (!s.isEmpty())
                    s += QLatin1Char('.');
                s += segment.name;
                break;
            case Index:
                s += QLatin1Char('[') + QString::number(segment.index) + QLatin1Char(']');
                break;
            case Key:
                s += QLatin1String("[\"") + segment.name + QLatin1String("\"]");
                break;
            }
        }
        return s;
    }
    QString describe(const QString &message) const
    {
        const QString p = toString();
        return p.isEmpty() ? message : QLatin1Char('`') + p + QLatin1String("`: ") + message;
    }

private:
    enum Kind { Field, Index, Key };
    struct Segment
    {
        QString name;
        qsizetype index;
        Kind kind;
    };
    QList<Segment> m_segments;
};

// Receives the serde data model from the schema-driven encoder.
class Writer
{
public:
    virtual ~Writer() = default;
    virtual void null() = 0;
    virtual void boolean(bool value) = 0;
    virtual void i64(qint64 value) = 0;
    virtual void u64(quint64 value) = 0;
    virtual void f32(float value) = 0;
    virtual void f64(double value) = 0;
    virtual void string(const QByteArray &utf8) = 0;
    virtual void beginArray(qsizetype size) = 0;
    virtual void endArray() = 0;
    virtual void beginMap(qsizetype size) = 0;
    virtual void key(const QByteArray &utf8) = 0; // followed by the value
    virtual void endMap() = 0;
    virtual QByteArray result() = 0;
};

std::unique_ptr<Writer> makeJsonWriter();
std::unique_ptr<Writer> makeCborWriter();

bool decodeJson(const TypeNode *type, const QByteArray &body, QVariant *value, QString *error);
bool decodeCbor(const TypeNode *type, const QByteArray &body, QVariant *value, QString *error);

// The zero value of a type (RpcBodyCodec::defaultValue()).
QVariant defaultValueFor(const TypeNode *type);

// Floats as ryu (serde_json) prints them: shortest round-trip digits.
void appendShortestDouble(QByteArray *out, double value);
void appendShortestFloat(QByteArray *out, float value);

// Strict UTF-8 validation as Rust's str::from_utf8.
bool isValidUtf8(const char *data, qsizetype size);

// Rust's `value as f32` (round to nearest, overflow to infinity).
float doubleToFloat(double value);

// The decoded-value spelling of null (the value of (), None and unit structs).
inline QVariant nullValue()
{
    return QVariant::fromValue(nullptr);
}

} // namespace RpcCodec
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCCODEC_P_H
