// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The helpers at the start of every generated source, in an anonymous
// namespace there: conversions between the generated types and RpcBodyCodec's
// QVariant values, the QVariant properties of Option and `()` members, debug
// output, the JSON member-by-member codec templates over RpcJsonWriter /
// RpcJsonReader, and encodeBody() / decodeBody(), which pick the JSON codec or
// RpcBodyCodec (CBOR) by format. Users step through this code: keep it plain.

#include "generator_p.h"

const char FizyrRpcGen::generatedHelperCode[] = R"CPP(namespace {

// ---- conversions between the generated types and RpcBodyCodec's QVariant values

template <typename T>
QVariant valueToVariant(const T &value);
template <typename T>
QVariant valueToVariant(const QList<T> &list);
template <typename T>
QVariant valueToVariant(const std::optional<T> &value);
template <typename T>
QVariant valueToVariant(const QMap<QString, T> &map);

template <typename T>
void valueFromVariant(const QVariant &variant, T *value);
template <typename T>
void valueFromVariant(const QVariant &variant, QList<T> *list);
template <typename T>
void valueFromVariant(const QVariant &variant, std::optional<T> *value);
template <typename T>
void valueFromVariant(const QVariant &variant, QMap<QString, T> *map);

template <typename T>
QVariant valueToVariant(const T &value)
{
    if constexpr (std::is_same_v<T, QVariant>)
        return value;
    else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, QString> || std::is_same_v<T, QByteArray>)
        return QVariant::fromValue(value);
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
        return QVariant::fromValue(qint64(value));
    else if constexpr (std::is_integral_v<T>)
        return QVariant::fromValue(quint64(value));
    else if constexpr (std::is_floating_point_v<T>)
        return QVariant::fromValue(double(value));
    else
        return value.toVariant();
}

template <typename T>
QVariant valueToVariant(const QList<T> &list)
{
    QVariantList result;
    result.reserve(list.size());
    for (const T &element : list)
        result.append(valueToVariant(element));
    return result;
}

template <typename T>
QVariant valueToVariant(const std::optional<T> &value)
{
    return value ? valueToVariant(*value) : QVariant();
}

template <typename T>
QVariant valueToVariant(const QMap<QString, T> &map)
{
    QVariantMap result;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        result.insert(it.key(), valueToVariant(it.value()));
    return result;
}

template <typename T>
void valueFromVariant(const QVariant &variant, T *value)
{
    if constexpr (std::is_same_v<T, QVariant>)
        *value = variant;
    else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, QString> || std::is_same_v<T, QByteArray>)
        *value = variant.value<T>();
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
        *value = T(variant.value<qint64>());
    else if constexpr (std::is_integral_v<T>)
        *value = T(variant.value<quint64>());
    else if constexpr (std::is_floating_point_v<T>)
        *value = T(variant.toDouble());
    else if (variant.metaType() == QMetaType::fromType<T>())
        *value = variant.value<T>();
    else
        *value = T::fromVariant(variant);
}

template <typename T>
void valueFromVariant(const QVariant &variant, QList<T> *list)
{
    const QVariantList elements = variant.toList();
    list->clear();
    list->reserve(elements.size());
    for (const QVariant &element : elements) {
        T value{};
        valueFromVariant(element, &value);
        list->append(value);
    }
}

template <typename T>
void valueFromVariant(const QVariant &variant, std::optional<T> *value)
{
    if (variant.isNull()) {
        value->reset();
        return;
    }
    T inner{};
    valueFromVariant(variant, &inner);
    *value = inner;
}

template <typename T>
void valueFromVariant(const QVariant &variant, QMap<QString, T> *map)
{
    const QVariantMap elements = variant.toMap();
    map->clear();
    for (auto it = elements.cbegin(); it != elements.cend(); ++it) {
        T value{};
        valueFromVariant(it.value(), &value);
        map->insert(it.key(), value);
    }
}

// ---- QVariant properties of Option and `()` members: null or the value itself

inline QVariant toProperty(const QVariant &value)
{
    return value;
}

inline void fromProperty(const QVariant &variant, QVariant *value)
{
    *value = variant;
}

template <typename T>
QVariant toProperty(const std::optional<T> &value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}

template <typename T>
void fromProperty(const QVariant &variant, std::optional<T> *value)
{
    if (variant.isNull())
        value->reset();
    else if (variant.metaType() == QMetaType::fromType<T>())
        *value = variant.value<T>();
    else
        valueFromVariant(variant, value); // the codec's form (QVariantMap, QString, ...)
}

// ---- debug output of members

template <typename T>
void debugValue(QDebug &debug, const T &value);
template <typename T>
void debugValue(QDebug &debug, const std::optional<T> &value);
template <typename T>
void debugValue(QDebug &debug, const QList<T> &list);
template <typename T>
void debugValue(QDebug &debug, const QMap<QString, T> &map);

template <typename T>
void debugValue(QDebug &debug, const T &value)
{
    debug << value;
}

template <typename T>
void debugValue(QDebug &debug, const QList<T> &list)
{
    debug << "QList(";
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i > 0)
            debug << ", ";
        debugValue(debug, list.at(i));
    }
    debug << ')';
}

template <typename T>
void debugValue(QDebug &debug, const QMap<QString, T> &map)
{
    debug << "QMap(";
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (it != map.cbegin())
            debug << ", ";
        debug << '(' << it.key() << ", ";
        debugValue(debug, it.value());
        debug << ')';
    }
    debug << ')';
}

template <typename T>
void debugValue(QDebug &debug, const std::optional<T> &value)
{
    if (value)
        debugValue(debug, *value);
    else
        debug << "None";
}

// ---- JSON member by member: the generated types' writeJson() / readJson()

template <typename T>
void writeJsonValue(Fizyr::RpcJsonWriter &writer, const T &value);
template <typename T>
void writeJsonValue(Fizyr::RpcJsonWriter &writer, const QList<T> &list);
template <typename T>
void writeJsonValue(Fizyr::RpcJsonWriter &writer, const std::optional<T> &value);
template <typename T>
void writeJsonValue(Fizyr::RpcJsonWriter &writer, const QMap<QString, T> &map);

template <typename T>
bool readJsonValue(Fizyr::RpcJsonReader &reader, T *value);
template <typename T>
bool readJsonValue(Fizyr::RpcJsonReader &reader, QList<T> *list);
template <typename T>
bool readJsonValue(Fizyr::RpcJsonReader &reader, std::optional<T> *value);
template <typename T>
bool readJsonValue(Fizyr::RpcJsonReader &reader, QMap<QString, T> *map);

template <typename T>
void writeJsonValue(Fizyr::RpcJsonWriter &writer, const T &value)
{
    if constexpr (std::is_same_v<T, QVariant>) { // ()
        writer.writeNull();
    } else if constexpr (std::is_same_v<T, bool>) {
        writer.writeBool(value);
    } else if constexpr (std::is_same_v<T, QString>) {
        writer.writeString(value);
    } else if constexpr (std::is_same_v<T, QByteArray>) { // Vec<u8>: an array of numbers
        writer.beginArray();
        for (const char byte : value)
            writer.writeUnsigned(quint8(byte));
        writer.endArray();
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
        writer.writeInteger(value);
    } else if constexpr (std::is_integral_v<T>) {
        writer.writeUnsigned(value);
    } else if constexpr (std::is_same_v<T, float>) {
        writer.writeFloat(value);
    } else if constexpr (std::is_same_v<T, double>) {
        writer.writeDouble(value);
    } else {
        value.writeJson(writer);
    }
}

template <typename T>
void writeJsonValue(Fizyr::RpcJsonWriter &writer, const QList<T> &list)
{
    writer.beginArray();
    for (const T &element : list)
        writeJsonValue(writer, element);
    writer.endArray();
}

template <typename T>
void writeJsonValue(Fizyr::RpcJsonWriter &writer, const std::optional<T> &value)
{
    if (value)
        writeJsonValue(writer, *value);
    else
        writer.writeNull();
}

template <typename T>
void writeJsonValue(Fizyr::RpcJsonWriter &writer, const QMap<QString, T> &map)
{
    // A BTreeMap is ordered by the UTF-8 bytes of its keys, a QMap by UTF-16
    // units: the two differ only for keys with characters from U+D800 up.
    bool utf16Order = true;
    for (auto it = map.cbegin(); it != map.cend() && utf16Order; ++it) {
        for (const QChar c : it.key()) {
            if (c.unicode() >= 0xd800) {
                utf16Order = false;
                break;
            }
        }
    }
    QList<typename QMap<QString, T>::const_iterator> entries;
    entries.reserve(map.size());
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        entries.append(it);
    if (!utf16Order) {
        std::sort(entries.begin(), entries.end(), [](const auto &lhs, const auto &rhs) {
            const QList<uint> l = lhs.key().toUcs4();
            const QList<uint> r = rhs.key().toUcs4();
            return std::lexicographical_compare(l.cbegin(), l.cend(), r.cbegin(), r.cend());
        });
    }
    writer.beginObject();
    for (const auto &it : std::as_const(entries)) {
        writer.writeKey(QStringView(it.key()));
        writeJsonValue(writer, it.value());
    }
    writer.endObject();
}

template <typename T>
bool readJsonValue(Fizyr::RpcJsonReader &reader, T *value)
{
    if constexpr (std::is_same_v<T, QVariant>) { // ()
        if (!reader.readUnit())
            return false;
        *value = QVariant::fromValue(nullptr);
        return true;
    } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, QString>
                         || std::is_same_v<T, QByteArray>) {
        return reader.read(value);
    } else {
        return value->readJson(reader);
    }
}

template <typename T>
bool readJsonValue(Fizyr::RpcJsonReader &reader, QList<T> *list)
{
    if (!reader.beginSequence())
        return false;
    list->clear();
    while (reader.nextElement()) {
        list->append(T{});
        if (!readJsonValue(reader, &list->last()))
            return false;
    }
    return !reader.hasError() && reader.endSequence();
}

template <typename T>
bool readJsonValue(Fizyr::RpcJsonReader &reader, std::optional<T> *value)
{
    bool isNull = false;
    if (!reader.readIfNull(&isNull))
        return false;
    if (isNull) {
        value->reset();
        return true;
    }
    value->emplace();
    return readJsonValue(reader, &**value);
}

template <typename T>
bool readJsonValue(Fizyr::RpcJsonReader &reader, QMap<QString, T> *map)
{
    if (!reader.beginMap())
        return false;
    map->clear();
    QString key;
    while (reader.nextKey(&key)) {
        T value{};
        if (!readJsonValue(reader, &value))
            return false;
        map->insert(key, std::move(value));
    }
    return !reader.hasError() && reader.endMap();
}

// ---- bodies: JSON member by member, CBOR through RpcBodyCodec (schema() gives
// the type, only then). `()` is sent as JSON `null` (CBOR f6); an empty body is
// accepted for it.

template <typename Schema, typename T>
bool encodeBody(Schema schema, const T &value, Fizyr::RpcBodyCodec::Format format,
                QByteArray *body, QString *errorString)
{
    if (format == Fizyr::RpcBodyCodec::Json) {
        Fizyr::RpcJsonWriter writer;
        writeJsonValue(writer, value);
        if (writer.hasError()) {
            if (errorString)
                *errorString = writer.errorString();
            return false;
        }
        *body = writer.takeData();
        return true;
    }
    return Fizyr::RpcBodyCodec::encode(schema(), valueToVariant(value), format, body, errorString);
}

template <typename Schema, typename T>
bool decodeBody(Schema schema, const QByteArray &body, Fizyr::RpcBodyCodec::Format format,
                T *value, QString *errorString)
{
    if constexpr (std::is_same_v<T, QVariant>) {
        if (body.isEmpty()) {
            *value = QVariant::fromValue(nullptr);
            return true;
        }
    }
    if (format == Fizyr::RpcBodyCodec::Json) {
        Fizyr::RpcJsonReader reader(body);
        if (readJsonValue(reader, value) && reader.atEnd())
            return true;
        if (errorString)
            *errorString = reader.errorString();
        return false;
    }
    QVariant variant;
    if (!Fizyr::RpcBodyCodec::decode(schema(), body, format, &variant, errorString))
        return false;
    valueFromVariant(variant, value);
    return true;
}

} // namespace

)CPP";
