// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcJsonReader: JSON bodies read value by value as serde_json reads them,
// for the code that fizyr-rpc-gen generates: the class, its scalars and
// its state. The containers are in rpcjsonreader_containers.cpp.

#include "rpcjsonreader_p.h"

namespace Fizyr {

thread_local std::unique_ptr<RpcJsonReaderPrivate> RpcJsonReaderPrivate::s_spare;

/*!
    \class Fizyr::RpcJsonReader
    \inmodule FizyrRpcQt
    \brief Reads a JSON body exactly as serde_json does, value by value.

    The streaming counterpart of RpcBodyCodec::decode() for JSON: the code
    that fizyr-rpc-gen generates reads keys straight into the members of its
    value types (\c readJson()), without building a QVariant first. It
    accepts and rejects exactly what serde_json 1.0 with serde_derive's
    \c Deserialize accepts and rejects, and its error messages are those of
    RpcBodyCodec::decode(): the path of the value (\c {`objects[3].pose.x`}),
    serde's message and the position (line and column).

    Every function returns \c false on an error; the first error is kept
    (errorString()) and the reader stops there. The functions that iterate
    (nextElement(), nextKey(), nextTupleElement()) also return \c false at
    the end of their container: hasError() tells the two apart.

    A struct is read with beginStruct(), then nextField() until it returns
    -1, reading the value of each field it names, then endStruct(); serde's
    rules (both the object and the array form, unknown fields skipped,
    duplicates rejected, missing fields defaulted or rejected) are applied by
    the reader. An enum is read with beginEnum() (which reads a unit
    variant's data itself), the variant's data, then endEnum().

    The reader keeps a copy of the body (implicitly shared). It is not
    thread-safe; use one per thread.

    \sa RpcJsonWriter, RpcBodyCodec
*/

/*!
    \enum Fizyr::RpcJsonReader::FieldFlag
    How a struct field may be missing from the body.
    \value Required     The field must be present.
    \value HasDefault   \c{#[serde(default)]}: a missing field keeps its default.
    \value Optional     An \c Option field: missing in the object form means \c None.
*/

/*!
    \class Fizyr::RpcJsonReader::Field
    \inmodule FizyrRpcQt
    \brief A struct field, as beginStruct() takes it.

    An aggregate meant for static arrays in generated code.
*/

/*!
    \variable Fizyr::RpcJsonReader::Field::wireName
    The field's name in the body, in UTF-8 (nul-terminated).
*/

/*!
    \variable Fizyr::RpcJsonReader::Field::flags
    The field's \l FieldFlag values.
*/

/*!
    \enum Fizyr::RpcJsonReader::VariantKind
    The shape of an enum variant.
    \value UnitVariant      No data.
    \value NewtypeVariant   One value.
    \value TupleVariant     Several values (read with beginTuple()).
    \value StructVariant    Named fields (read with beginStruct()).
*/

/*!
    \class Fizyr::RpcJsonReader::Variant
    \inmodule FizyrRpcQt
    \brief An enum variant, as beginEnum() takes it.

    An aggregate meant for static arrays in generated code.
*/

/*!
    \variable Fizyr::RpcJsonReader::Variant::wireName
    The variant's name in the body, in UTF-8 (nul-terminated).
*/

/*!
    \variable Fizyr::RpcJsonReader::Variant::name
    The variant's name as declared, for error messages.
*/

/*!
    \variable Fizyr::RpcJsonReader::Variant::kind
    The variant's shape.
*/

/*! Creates a reader of \a body. */
RpcJsonReader::RpcJsonReader(const QByteArray &body) : d(RpcJsonReaderPrivate::acquire(body)) { }

/*! Destroys the reader. */
RpcJsonReader::~RpcJsonReader()
{
    RpcJsonReaderPrivate::release(std::move(d));
}

/*! Reads a \c bool into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(bool *value)
{
    const int c = d->peek();
    if (c == 't') {
        ++d->m_p;
        if (!d->ident("rue"))
            return false;
        *value = true;
        return true;
    }
    if (c == 'f') {
        ++d->m_p;
        if (!d->ident("alse"))
            return false;
        *value = false;
        return true;
    }
    return d->invalidType("a boolean");
}

/*! \overload Reads an \c i8 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(qint8 *value)
{
    return d->readSigned(RpcTypeSchema::I8, value);
}

/*! \overload Reads an \c i16 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(qint16 *value)
{
    return d->readSigned(RpcTypeSchema::I16, value);
}

/*! \overload Reads an \c i32 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(qint32 *value)
{
    return d->readSigned(RpcTypeSchema::I32, value);
}

/*! \overload Reads an \c i64 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(qint64 *value)
{
    return d->readSigned(RpcTypeSchema::I64, value);
}

/*! \overload Reads a \c u8 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(quint8 *value)
{
    return d->readUnsigned(RpcTypeSchema::U8, value);
}

/*! \overload Reads a \c u16 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(quint16 *value)
{
    return d->readUnsigned(RpcTypeSchema::U16, value);
}

/*! \overload Reads a \c u32 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(quint32 *value)
{
    return d->readUnsigned(RpcTypeSchema::U32, value);
}

/*! \overload Reads a \c u64 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(quint64 *value)
{
    return d->readUnsigned(RpcTypeSchema::U64, value);
}

/*!
    \overload
    Reads an \c f32 into \a value (a number rounded as Rust's \c{as f32}).
    Returns \c false on an error.
*/
bool RpcJsonReader::read(float *value)
{
    double v;
    if (!d->readDouble(RpcTypeSchema::F32, &v))
        return false;
    *value = RpcCodec::doubleToFloat(v);
    return true;
}

/*! \overload Reads an \c f64 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(double *value)
{
    return d->readDouble(RpcTypeSchema::F64, value);
}

/*! \overload Reads a \c String into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(QString *value)
{
    if (d->peek() != '"')
        return d->invalidType("a string");
    return d->parseString(value);
}

/*!
    \overload
    Reads a \c{Vec<u8>} (an array of numbers) into \a bytes. Returns \c false
    on an error.
*/
bool RpcJsonReader::read(QByteArray *bytes)
{
    if (!beginSequence())
        return false;
    bytes->clear();
    while (nextElement()) {
        quint8 byte = 0;
        if (!read(&byte))
            return false;
        bytes->append(char(byte));
    }
    return !hasError() && endSequence();
}

/*! Reads a \c () (\c null). Returns \c false on an error. */
bool RpcJsonReader::readUnit()
{
    return d->readNullAs("unit");
}

/*! Reads the value of a unit struct (\c null). Returns \c false on an error. */
bool RpcJsonReader::readUnitStruct()
{
    return d->readNullAs("unit struct");
}

/*!
    Reads a \c null if the next value is one (an \c Option that is \c None)
    and sets \a isNull accordingly; otherwise reads nothing. Returns \c false
    on an error.
*/
bool RpcJsonReader::readIfNull(bool *isNull)
{
    if (d->peek() != 'n') {
        *isNull = false;
        return true;
    }
    ++d->m_p;
    *isNull = true;
    return d->ident("ull");
}

/*!
    Checks that nothing but white space follows the value read. Returns \c
    false (with the error "trailing characters") otherwise.
*/
bool RpcJsonReader::atEnd()
{
    return d->end();
}

/*! Returns \c true if reading failed (see errorString()). */
bool RpcJsonReader::hasError() const
{
    return !d->m_error.isEmpty();
}

/*!
    Returns the first error: the path of the value, serde's message and the
    position, as RpcBodyCodec::decode() reports it; or an empty string.
*/
QString RpcJsonReader::errorString() const
{
    return d->m_error;
}

} // namespace Fizyr
