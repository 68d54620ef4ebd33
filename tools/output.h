// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// What the tool writes: lines on stdout and stderr, messages in the human,
// JSON and raw formats, and the escaping that keeps text from the other
// side (bodies, error texts, error strings) from driving the terminal.

#ifndef FIZYRRPC_OUTPUT_H
#define FIZYRRPC_OUTPUT_H

#include <FizyrRpcQt/RpcMessage>

#include <QtCore/QByteArray>
#include <QtCore/QCommandLineParser>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QString>

#include <optional>

namespace Tool {

class CommandLine;

// True for the characters that must not reach a terminal as they are: C0
// controls (newline and tab included), DEL, C1 controls, the line and
// paragraph separators U+2028 and U+2029, and the bidirectional formatting
// characters (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069).
bool isUnsafeForTerminal(char16_t c);

// text with every character of isUnsafeForTerminal() escaped: \n, \r, \t,
// \xHH below U+0100 (ESC: \x1b), \uHHHH above. Other characters, the
// backslash included, stay as they are; the result is one line.
QString escapeControls(const QString &text);

// Writes bytes to stdout and flushes, so pipes see every line at once.
void writeOut(const QByteArray &bytes);
// Writes line (control characters escaped) and a newline to stdout.
void writeLine(const QString &line);
// Writes "fizyr-rpc COMMAND: text" to stderr as one line: control
// characters in text are escaped.
void printError(const QString &command, const QString &text);
// Writes "fizyr-rpc COMMAND: warning: text" to stderr, escaped the same way.
void printWarning(const QString &command, const QString &text);

// object as one compact line of JSON (no newline), with the characters of
// isUnsafeForTerminal() written as \uXXXX escapes inside its strings.
QByteArray jsonLine(const QJsonObject &object);

// A body as an interface file reads it (see interfaceoptions.h): the name
// of the service, update or stream, and the value as JSON, or why it does
// not decode. known is false when there is nothing to say (no interface,
// an id the interface does not have, an error response).
struct DecodedBody
{
    bool known = false;
    QString name; // empty for responses
    bool decoded = false;
    QString text; // the value as compact JSON text (serde's form)
    QJsonValue value; // the same as a JSON value
    QString error; // "invalid body for NAME: reason" when not decoded
};

// How messages are printed.
enum class Format {
    Human, // one line per message, bodies as quoted text or a hex preview
    Json, // one JSON object per line
    Raw, // call only: the response body bytes, nothing else
};

class Printer
{
public:
    Printer(Format format = Format::Human, int preview = 200);

    Format format() const { return m_format; }

    // Prints message; label goes in front of the human line, extra is
    // merged into the JSON object.
    void message(const Fizyr::RpcMessage &message, const QString &label = QString(),
                 const QJsonObject &extra = QJsonObject(), const QString &suffix = QString(),
                 const DecodedBody &decoded = DecodedBody()) const;
    // Prints an event that is not a message: humanLine in human format,
    // json in JSON format, nothing in raw format.
    void event(const QString &humanLine, const QJsonObject &json) const;

    // The human form of a message, without label.
    QString describe(const Fizyr::RpcMessage &message,
                     const DecodedBody &decoded = DecodedBody()) const;
    static QJsonObject toJson(const Fizyr::RpcMessage &message,
                              const DecodedBody &decoded = DecodedBody());

private:
    QString bodyPreview(const QByteArray &body) const;
    QString cut(const QString &text) const;

    Format m_format;
    int m_preview;
};

// Adds --json and --preview (and --raw) to a command line and reads them back.
void addOutputOptions(QCommandLineParser &parser, bool withRaw);
std::optional<Printer> printerFromOptions(CommandLine &commandLine, bool withRaw, int *exitCode);

} // namespace Tool

#endif // FIZYRRPC_OUTPUT_H
