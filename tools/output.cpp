// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "output.h"
#include "commandline.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QStringDecoder>

#include <cstdio>

using namespace Fizyr;

namespace Tool {

bool isUnsafeForTerminal(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) // C0, DEL, C1
            || c == 0x2028 || c == 0x2029 // line and paragraph separators
            || c == 0x061c || c == 0x200e || c == 0x200f // bidi marks
            || (c >= 0x202a && c <= 0x202e) // bidi embeddings and overrides
            || (c >= 0x2066 && c <= 0x2069); // bidi isolates
}

static void appendEscaped(QString *result, char16_t c)
{
    switch (c) {
    case u'\n':
        *result += QLatin1String("\\n");
        return;
    case u'\r':
        *result += QLatin1String("\\r");
        return;
    case u'\t':
        *result += QLatin1String("\\t");
        return;
    default:
        break;
    }
    if (c < 0x100)
        *result += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
    else
        *result += QStringLiteral("\\u%1").arg(uint(c), 4, 16, QLatin1Char('0'));
}

QString escapeControls(const QString &text)
{
    QString result;
    result.reserve(text.size());
    for (const QChar c : text) {
        if (isUnsafeForTerminal(c.unicode()))
            appendEscaped(&result, c.unicode());
        else
            result += c;
    }
    return result;
}

void writeOut(const QByteArray &bytes)
{
    if (!bytes.isEmpty())
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeLine(const QString &line)
{
    writeOut(escapeControls(line).toUtf8() + '\n');
}

static void writeErrorLine(const QString &line)
{
    const QByteArray bytes = escapeControls(line).toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

static QString prefix(const QString &command)
{
    return command.isEmpty() ? QStringLiteral("fizyr-rpc: ")
                             : QStringLiteral("fizyr-rpc ") + command + QStringLiteral(": ");
}

void printError(const QString &command, const QString &text)
{
    writeErrorLine(prefix(command) + text);
}

void printWarning(const QString &command, const QString &text)
{
    writeErrorLine(prefix(command) + QStringLiteral("warning: ") + text);
}

QByteArray jsonLine(const QJsonObject &object)
{
    // QJsonDocument escapes C0 controls but writes DEL, C1 controls, U+2028,
    // U+2029 and the bidi characters as they are. Outside strings compact
    // JSON has only ASCII punctuation, digits and letters, so every such
    // character is inside a string, where \uXXXX means the same.
    const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    const QString text = QString::fromUtf8(json);
    bool clean = true;
    for (const QChar c : text)
        clean = clean && !isUnsafeForTerminal(c.unicode());
    if (clean)
        return json;
    QString result;
    result.reserve(text.size() + 16);
    for (const QChar c : text) {
        if (isUnsafeForTerminal(c.unicode()))
            result += QStringLiteral("\\u%1").arg(uint(c.unicode()), 4, 16, QLatin1Char('0'));
        else
            result += c;
    }
    return result.toUtf8();
}

// ---------------------------------------------------------------------------

Printer::Printer(Format format, int preview) : m_format(format), m_preview(preview) { }

// Text bodies with C0 or C1 controls (other than tab, CR and LF) are shown
// in hex: they are more likely binary than text.
static bool isPrintable(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\n' && u != u'\r' && u != u'\t') || (u >= 0x7f && u <= 0x9f))
            return false;
    }
    return true;
}

static std::optional<QString> decodeUtf8(const QByteArray &body)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(body);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

// text in double quotes, with C escapes for the quote, the backslash and
// every character of isUnsafeForTerminal().
static QString quoted(const QString &text)
{
    QString result;
    result.reserve(text.size() + 2);
    result += QLatin1Char('"');
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'"')
            result += QLatin1String("\\\"");
        else if (u == u'\\')
            result += QLatin1String("\\\\");
        else if (isUnsafeForTerminal(u))
            appendEscaped(&result, u);
        else
            result += c;
    }
    result += QLatin1Char('"');
    return result;
}

QString Printer::bodyPreview(const QByteArray &body) const
{
    const std::optional<QString> text = decodeUtf8(body);
    if (text && isPrintable(*text)) {
        qsizetype length = text->size();
        if (m_preview > 0 && length > m_preview) {
            length = m_preview;
            if (text->at(length - 1).isHighSurrogate())
                --length;
            return quoted(text->left(length)) + QStringLiteral("...");
        }
        return quoted(*text);
    }
    // Hex in groups of four bytes, at most a quarter as many bytes as
    // characters of text.
    qsizetype bytes = body.size();
    const bool truncated = m_preview > 0 && bytes > m_preview / 4;
    if (truncated)
        bytes = qMax(1, m_preview / 4);
    QString hex = QStringLiteral("hex ");
    for (qsizetype i = 0; i < bytes; i += 4) {
        if (i > 0)
            hex += QLatin1Char(' ');
        hex += QString::fromLatin1(body.mid(i, qMin<qsizetype>(4, bytes - i)).toHex());
    }
    if (truncated)
        hex += QStringLiteral("...");
    return hex;
}

QString Printer::cut(const QString &text) const
{
    if (m_preview <= 0 || text.size() <= m_preview)
        return text;
    qsizetype length = m_preview;
    if (text.at(length - 1).isHighSurrogate())
        --length;
    return text.left(length) + QStringLiteral("...");
}

QString Printer::describe(const RpcMessage &message, const DecodedBody &decoded) const
{
    QString line = RpcMessage::typeName(message.type());
    if (message.type() != RpcMessage::Stream)
        line += QStringLiteral(" #") + QString::number(message.requestId());
    const QByteArray body = message.body();
    line += QStringLiteral(" service ") + QString::number(message.serviceId());
    if (decoded.known && !decoded.name.isEmpty())
        line += QLatin1Char(' ') + decoded.name;
    line += QStringLiteral(", ") + QString::number(body.size())
            + (body.size() == 1 ? QStringLiteral(" byte") : QStringLiteral(" bytes"));
    const qsizetype fds = message.fileDescriptors().size();
    if (fds > 0)
        line += QStringLiteral(", ") + QString::number(fds)
                + (fds == 1 ? QStringLiteral(" fd") : QStringLiteral(" fds"));
    if (decoded.known && decoded.decoded)
        return line + QStringLiteral(": ") + cut(decoded.text);
    if (!body.isEmpty())
        line += QStringLiteral(": ") + bodyPreview(body);
    if (decoded.known)
        line += QStringLiteral(" (") + decoded.error + QLatin1Char(')');
    return line;
}

QJsonObject Printer::toJson(const RpcMessage &message, const DecodedBody &decoded)
{
    QJsonObject object;
    object.insert(QStringLiteral("type"), RpcMessage::typeName(message.type()));
    if (message.type() != RpcMessage::Stream)
        object.insert(QStringLiteral("request_id"), qint64(message.requestId()));
    object.insert(QStringLiteral("service_id"), message.serviceId());
    const QByteArray body = message.body();
    object.insert(QStringLiteral("size"), qint64(body.size()));
    object.insert(QStringLiteral("fds"), qint64(message.fileDescriptors().size()));
    if (const std::optional<QString> text = decodeUtf8(body))
        object.insert(QStringLiteral("body"), *text);
    object.insert(QStringLiteral("body_base64"), QString::fromLatin1(body.toBase64()));
    if (message.isError() && !decoded.decoded) // decoded: the service's own negative id
        object.insert(QStringLiteral("error"), message.errorText());
    if (decoded.known) {
        if (!decoded.name.isEmpty())
            object.insert(QStringLiteral("name"), decoded.name);
        if (decoded.decoded)
            object.insert(QStringLiteral("value"), decoded.value);
        else
            object.insert(QStringLiteral("invalid_body"), decoded.error);
    }
    return object;
}

void Printer::message(const RpcMessage &message, const QString &label, const QJsonObject &extra,
                      const QString &suffix, const DecodedBody &decoded) const
{
    switch (m_format) {
    case Format::Human:
        writeLine((label.isEmpty() ? QString() : label + QLatin1Char(' '))
                  + describe(message, decoded) + suffix);
        break;
    case Format::Json: {
        QJsonObject object = toJson(message, decoded);
        for (auto it = extra.begin(); it != extra.end(); ++it)
            object.insert(it.key(), it.value());
        writeOut(jsonLine(object) + '\n');
        break;
    }
    case Format::Raw:
        break;
    }
}

void Printer::event(const QString &humanLine, const QJsonObject &json) const
{
    switch (m_format) {
    case Format::Human:
        writeLine(humanLine);
        break;
    case Format::Json:
        writeOut(jsonLine(json) + '\n');
        break;
    case Format::Raw:
        break;
    }
}

void addOutputOptions(QCommandLineParser &parser, bool withRaw)
{
    parser.addOption(QCommandLineOption(
            QStringLiteral("json"),
            QStringLiteral("Print one JSON object per line (per message or event).")));
    if (withRaw) {
        parser.addOption(QCommandLineOption(
                QStringLiteral("raw"),
                QStringLiteral("Write only the response body bytes to stdout.")));
    }
    parser.addOption(QCommandLineOption(
            QStringLiteral("preview"),
            QStringLiteral("Human output: show at most N characters of a text body, or N/4 "
                           "bytes of a binary one in hex; 0 shows whole bodies. Default: 200."),
            QStringLiteral("N"), QStringLiteral("200")));
}

std::optional<Printer> printerFromOptions(CommandLine &commandLine, bool withRaw, int *exitCode)
{
    QCommandLineParser &parser = commandLine.parser();
    const bool json = parser.isSet(QStringLiteral("json"));
    const bool raw = withRaw && parser.isSet(QStringLiteral("raw"));
    if (json && raw) {
        *exitCode = commandLine.usageError(QStringLiteral("--json and --raw exclude each other"));
        return std::nullopt;
    }
    bool ok = false;
    const int preview = parser.value(QStringLiteral("preview")).toInt(&ok);
    if (!ok || preview < 0) {
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --preview \"%1\": expected a number of characters")
                        .arg(parser.value(QStringLiteral("preview"))));
        return std::nullopt;
    }
    return Printer(json ? Format::Json : raw ? Format::Raw : Format::Human, preview);
}

} // namespace Tool
