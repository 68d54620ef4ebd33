// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "commandline.h"
#include "output.h"
#include "tlsoptions.h"

#include <cmath>
#include <limits>

namespace Tool {

// Qt does not wrap the description: wrap each paragraph at 79 columns.
static QString wrapped(const QString &text)
{
    QStringList lines;
    for (const QString &paragraph : text.split(QLatin1Char('\n'))) {
        QString line;
        for (const QString &word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && line.size() + 1 + word.size() > 79) {
                lines.append(line);
                line.clear();
            }
            line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
        }
        lines.append(line);
    }
    return lines.join(QLatin1Char('\n'));
}

CommandLine::CommandLine(const QString &command, const QString &arguments,
                         const QString &description)
    : m_command(command), m_arguments(arguments),
      m_help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
             QStringLiteral("Show this help and exit."))
{
    m_parser.setApplicationDescription(wrapped(description));
    m_parser.addOption(m_help);
    addSecurityOptions(m_parser, command);
}

std::optional<int> CommandLine::parse(const QStringList &args, int minPositional, int maxPositional)
{
    QStringList full{QStringLiteral("fizyr-rpc ") + m_command};
    full += args;
    if (!m_parser.parse(full)) {
        QString text = m_parser.errorText();
        // "-5" looks like an option; say how to pass a negative number.
        for (const QString &arg : args) {
            bool number = false;
            if (arg.startsWith(QLatin1Char('-')))
                arg.mid(1).toLongLong(&number);
            if (number) {
                text += QStringLiteral(" (negative numbers go after \"--\": ... -- %1 ...)")
                                .arg(arg);
                break;
            }
        }
        return usageError(text);
    }
    if (m_parser.isSet(m_help)) {
        writeOut(helpText().toUtf8());
        return ExitSuccess;
    }
    const QStringList positional = m_parser.positionalArguments();
    if (positional.size() < minPositional)
        return usageError(QStringLiteral("missing arguments; usage: fizyr-rpc %1 [options] %2")
                                  .arg(m_command, m_arguments));
    if (maxPositional >= 0 && positional.size() > maxPositional)
        return usageError(
                QStringLiteral("unexpected argument \"%1\"").arg(positional.at(maxPositional)));
    return readSecurityOptions(*this);
}

int CommandLine::usageError(const QString &text) const
{
    printError(m_command, text + QStringLiteral(" (see fizyr-rpc %1 --help)").arg(m_command));
    return ExitFailure;
}

int CommandLine::failure(const QString &text) const
{
    printError(m_command, text);
    return ExitFailure;
}

void CommandLine::warning(const QString &text) const
{
    printWarning(m_command, text);
}

QString CommandLine::helpText() const
{
    // Qt's first line names argv[0]; name the subcommand instead.
    QString text = m_parser.helpText();
    const qsizetype newline = text.indexOf(QLatin1Char('\n'));
    const QString usage
            = QStringLiteral("Usage: fizyr-rpc %1 [options] %2").arg(m_command, m_arguments);
    if (newline < 0)
        return usage + QLatin1Char('\n');
    return usage + text.mid(newline);
}

std::optional<qint32> parseServiceId(const QString &text, QString *errorText)
{
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok, 10);
    if (!ok || value < std::numeric_limits<qint32>::min()
        || value > std::numeric_limits<qint32>::max()) {
        *errorText = QStringLiteral("invalid service id \"%1\": expected an integer from "
                                    "-2147483648 to 2147483647")
                             .arg(text);
        return std::nullopt;
    }
    return qint32(value);
}

void addTimeoutOption(QCommandLineParser &parser, const QString &description)
{
    parser.addOption(QCommandLineOption(QStringList{QStringLiteral("t"), QStringLiteral("timeout")},
                                        description, QStringLiteral("SECONDS"),
                                        QStringLiteral("30")));
}

std::optional<int> timeoutFromOptions(CommandLine &commandLine, int *exitCode)
{
    const QString text = commandLine.parser().value(QStringLiteral("timeout"));
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    // toDouble() accepts "nan" and "inf": only finite numbers in range.
    if (!ok || !std::isfinite(seconds) || seconds < 0 || seconds > maxTimeoutSeconds) {
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --timeout \"%1\": expected a number of seconds from 0 "
                               "(no limit) to %2")
                        .arg(text)
                        .arg(maxTimeoutSeconds));
        return std::nullopt;
    }
    if (seconds == 0)
        return -1;
    return qMax(1, int(std::ceil(seconds * 1000)));
}

int remainingMsecs(const QDeadlineTimer &deadline)
{
    if (deadline.isForever())
        return -1;
    return int(qMax<qint64>(1, deadline.remainingTime()));
}

} // namespace Tool
