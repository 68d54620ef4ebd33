// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcInterfaceModel: the lexer of the interface-file language (tokens, comments, doc
// comments, string and integer literals).

#include "rpcinterfaceparser_impl_p.h"

namespace Fizyr {
namespace RpcInterfaceModel {
namespace ParserPrivate {

bool Lexer::run(QList<Token> *tokens, SyntaxError *error)
{
    for (;;) {
        skipSpace();
        Token t;
        t.pos = position();
        if (m_pos >= m_text.size()) {
            t.kind = Token::Eof;
            tokens->append(t);
            return true;
        }
        const QChar c = m_text.at(m_pos);
        if (c == QLatin1Char('/') && peek(1) == QLatin1Char('/')) {
            // "///" (not "////") is an outer doc comment; "//!" and others are comments.
            const bool doc = peek(2) == QLatin1Char('/') && peek(3) != QLatin1Char('/');
            const qsizetype start = m_pos + (doc ? 3 : 2);
            while (m_pos < m_text.size() && m_text.at(m_pos) != QLatin1Char('\n'))
                advance();
            if (doc) {
                t.kind = Token::Doc;
                t.text = docLine(m_text.mid(start, m_pos - start));
                tokens->append(t);
            }
            continue;
        }
        if (c == QLatin1Char('/') && peek(1) == QLatin1Char('*')) {
            const bool doc = peek(2) == QLatin1Char('*') && peek(3) != QLatin1Char('*')
                    && peek(3) != QLatin1Char('/');
            const qsizetype start = m_pos + 3;
            int depth = 0;
            qsizetype end = -1;
            while (m_pos < m_text.size()) {
                if (m_text.at(m_pos) == QLatin1Char('/') && peek(1) == QLatin1Char('*')) {
                    ++depth;
                    advance();
                    advance();
                } else if (m_text.at(m_pos) == QLatin1Char('*') && peek(1) == QLatin1Char('/')) {
                    --depth;
                    end = m_pos;
                    advance();
                    advance();
                    if (depth == 0)
                        break;
                } else {
                    advance();
                }
            }
            if (depth != 0) {
                *error = {t.pos, tr("unterminated block comment")};
                return false;
            }
            if (doc) {
                t.kind = Token::Doc;
                const QStringList lines = m_text.mid(start, end - start).split(QLatin1Char('\n'));
                QStringList cleaned;
                for (QString line : lines) {
                    line = line.trimmed();
                    if (line.startsWith(QLatin1Char('*')))
                        line = line.mid(1);
                    cleaned.append(docLine(line));
                }
                while (!cleaned.isEmpty() && cleaned.first().trimmed().isEmpty())
                    cleaned.removeFirst();
                while (!cleaned.isEmpty() && cleaned.last().trimmed().isEmpty())
                    cleaned.removeLast();
                t.text = cleaned.join(QLatin1Char('\n'));
                tokens->append(t);
            }
            continue;
        }
        if (c == QLatin1Char('r') && peek(1) == QLatin1Char('#') && isIdentStart(peek(2))) {
            advance();
            advance();
            t.kind = Token::Ident;
            t.raw = true;
            t.text = identifier();
            tokens->append(t);
            continue;
        }
        if (isIdentStart(c)) {
            t.kind = Token::Ident;
            t.text = identifier();
            tokens->append(t);
            continue;
        }
        if (c.isDigit()) {
            t.kind = Token::Int;
            while (m_pos < m_text.size()
                   && (m_text.at(m_pos).isDigit() || m_text.at(m_pos) == QLatin1Char('_'))) {
                if (m_text.at(m_pos) != QLatin1Char('_'))
                    t.text.append(m_text.at(m_pos));
                advance();
            }
            if (m_pos < m_text.size() && isIdentStart(m_text.at(m_pos))) {
                *error = {t.pos, tr("invalid integer literal (only decimal digits are allowed)")};
                return false;
            }
            tokens->append(t);
            continue;
        }
        if (c == QLatin1Char('"')) {
            t.kind = Token::Str;
            if (!string(&t.text, error))
                return false;
            tokens->append(t);
            continue;
        }
        if ((c == QLatin1Char(':') && peek(1) == QLatin1Char(':'))
            || (c == QLatin1Char('-') && peek(1) == QLatin1Char('>'))) {
            t.kind = Token::Punct;
            t.text = m_text.mid(m_pos, 2);
            advance();
            advance();
            tokens->append(t);
            continue;
        }
        static const QString singles = QStringLiteral("{}()[]<>,;:#!=-.*&'+?");
        if (singles.contains(c)) {
            t.kind = Token::Punct;
            t.text = c;
            advance();
            tokens->append(t);
            continue;
        }
        *error = {t.pos, tr("unexpected character %1").arg(quoted(c))};
        return false;
    }
}

QString Lexer::docLine(const QString &line)
{
    return line.startsWith(QLatin1Char(' ')) ? line.mid(1) : line;
}

QChar Lexer::peek(qsizetype offset) const
{
    return m_pos + offset < m_text.size() ? m_text.at(m_pos + offset) : QChar();
}

void Lexer::advance()
{
    if (m_text.at(m_pos) == QLatin1Char('\n')) {
        ++m_line;
        m_lineStart = m_pos + 1;
    }
    ++m_pos;
}

void Lexer::skipSpace()
{
    while (m_pos < m_text.size() && m_text.at(m_pos).isSpace())
        advance();
}

QString Lexer::identifier()
{
    const qsizetype start = m_pos;
    while (m_pos < m_text.size() && isIdentChar(m_text.at(m_pos)))
        advance();
    return m_text.mid(start, m_pos - start);
}

bool Lexer::string(QString *out, SyntaxError *error)
{
    const Position start = position();
    advance(); // opening quote
    while (m_pos < m_text.size()) {
        const QChar c = m_text.at(m_pos);
        if (c == QLatin1Char('"')) {
            advance();
            return true;
        }
        if (c == QLatin1Char('\\')) {
            const Position escPos = position();
            advance();
            if (m_pos >= m_text.size())
                break;
            const QChar e = m_text.at(m_pos);
            advance();
            switch (e.unicode()) {
            case 'n':
                out->append(QLatin1Char('\n'));
                break;
            case 't':
                out->append(QLatin1Char('\t'));
                break;
            case 'r':
                out->append(QLatin1Char('\r'));
                break;
            case '0':
                out->append(QChar(0));
                break;
            case '\\':
            case '"':
            case '\'':
                out->append(e);
                break;
            default:
                *error = {escPos, tr("unsupported escape sequence in string literal")};
                return false;
            }
            continue;
        }
        out->append(c);
        advance();
    }
    *error = {start, tr("unterminated string literal")};
    return false;
}

} // namespace ParserPrivate
} // namespace RpcInterfaceModel
} // namespace Fizyr
