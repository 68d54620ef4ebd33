// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcInterfaceModel: serde's rename_all rules and the C++ names of Rust names (keywords).

#include "rpcinterfaceparser_p.h"

#include <QtCore/qset.h>

namespace Fizyr {
namespace RpcInterfaceModel {

bool isValidRenameRule(const QString &rule)
{
    static const QStringList rules = {
            QStringLiteral("lowercase"),  QStringLiteral("UPPERCASE"),
            QStringLiteral("PascalCase"), QStringLiteral("camelCase"),
            QStringLiteral("snake_case"), QStringLiteral("SCREAMING_SNAKE_CASE"),
            QStringLiteral("kebab-case"), QStringLiteral("SCREAMING-KEBAB-CASE"),
    };
    return rules.contains(rule);
}

static QString asciiLower(const QString &s)
{
    QString r = s;
    for (QChar &c : r) {
        if (c.unicode() < 128)
            c = c.toLower();
    }
    return r;
}

static QString asciiUpper(const QString &s)
{
    QString r = s;
    for (QChar &c : r) {
        if (c.unicode() < 128)
            c = c.toUpper();
    }
    return r;
}

// serde_derive's RenameRule::apply_to_field (fields are snake_case in Rust).
QString applyRenameRuleToField(const QString &rule, const QString &field)
{
    if (rule.isEmpty() || rule == QLatin1String("lowercase") || rule == QLatin1String("snake_case"))
        return field;
    if (rule == QLatin1String("UPPERCASE") || rule == QLatin1String("SCREAMING_SNAKE_CASE"))
        return asciiUpper(field);
    if (rule == QLatin1String("PascalCase") || rule == QLatin1String("camelCase")) {
        QString pascal;
        bool capitalize = true;
        for (const QChar c : field) {
            if (c == QLatin1Char('_')) {
                capitalize = true;
            } else if (capitalize) {
                pascal.append(c.unicode() < 128 ? c.toUpper() : c);
                capitalize = false;
            } else {
                pascal.append(c);
            }
        }
        if (rule == QLatin1String("camelCase") && !pascal.isEmpty())
            pascal = asciiLower(pascal.left(1)) + pascal.mid(1);
        return pascal;
    }
    if (rule == QLatin1String("kebab-case"))
        return QString(field).replace(QLatin1Char('_'), QLatin1Char('-'));
    if (rule == QLatin1String("SCREAMING-KEBAB-CASE"))
        return asciiUpper(field).replace(QLatin1Char('_'), QLatin1Char('-'));
    return field;
}

// serde_derive's RenameRule::apply_to_variant (variants are PascalCase in Rust).
QString applyRenameRuleToVariant(const QString &rule, const QString &variant)
{
    if (rule.isEmpty() || rule == QLatin1String("PascalCase"))
        return variant;
    if (rule == QLatin1String("lowercase"))
        return asciiLower(variant);
    if (rule == QLatin1String("UPPERCASE"))
        return asciiUpper(variant);
    if (rule == QLatin1String("camelCase"))
        return variant.isEmpty() ? variant : asciiLower(variant.left(1)) + variant.mid(1);
    QString snake;
    for (qsizetype i = 0; i < variant.size(); ++i) {
        const QChar c = variant.at(i);
        if (i > 0 && c.isUpper())
            snake.append(QLatin1Char('_'));
        snake.append(c.unicode() < 128 ? c.toLower() : c);
    }
    if (rule == QLatin1String("snake_case"))
        return snake;
    if (rule == QLatin1String("SCREAMING_SNAKE_CASE"))
        return asciiUpper(snake);
    if (rule == QLatin1String("kebab-case"))
        return snake.replace(QLatin1Char('_'), QLatin1Char('-'));
    if (rule == QLatin1String("SCREAMING-KEBAB-CASE"))
        return asciiUpper(snake).replace(QLatin1Char('_'), QLatin1Char('-'));
    return variant;
}

bool isCppKeyword(const QString &word)
{
    static const QSet<QString> keywords = [] {
        QSet<QString> set;
        const char *const list[] = {
                "alignas",
                "alignof",
                "and",
                "and_eq",
                "asm",
                "auto",
                "bitand",
                "bitor",
                "bool",
                "break",
                "case",
                "catch",
                "char",
                "char8_t",
                "char16_t",
                "char32_t",
                "class",
                "compl",
                "concept",
                "const",
                "consteval",
                "constexpr",
                "constinit",
                "const_cast",
                "continue",
                "co_await",
                "co_return",
                "co_yield",
                "decltype",
                "default",
                "delete",
                "do",
                "double",
                "dynamic_cast",
                "else",
                "enum",
                "explicit",
                "export",
                "extern",
                "false",
                "float",
                "for",
                "friend",
                "goto",
                "if",
                "inline",
                "int",
                "long",
                "mutable",
                "namespace",
                "new",
                "noexcept",
                "not",
                "not_eq",
                "nullptr",
                "operator",
                "or",
                "or_eq",
                "private",
                "protected",
                "public",
                "register",
                "reinterpret_cast",
                "requires",
                "return",
                "short",
                "signed",
                "sizeof",
                "static",
                "static_assert",
                "static_cast",
                "struct",
                "switch",
                "template",
                "this",
                "thread_local",
                "throw",
                "true",
                "try",
                "typedef",
                "typeid",
                "typename",
                "union",
                "unsigned",
                "using",
                "virtual",
                "void",
                "volatile",
                "wchar_t",
                "while",
                "xor",
                "xor_eq",
                // Qt's keywords (without QT_NO_KEYWORDS)
                "signals",
                "slots",
                "emit",
                "foreach",
                "forever",
        };
        for (const char *w : list)
            set.insert(QLatin1String(w));
        return set;
    }();
    return keywords.contains(word);
}

QString cppIdentifier(const QString &rustName)
{
    QString result;
    bool upperNext = false;
    for (const QChar c : rustName) {
        if (c == QLatin1Char('_')) {
            upperNext = !result.isEmpty();
            continue;
        }
        if (upperNext) {
            result.append(c.toUpper());
            upperNext = false;
        } else {
            result.append(c);
        }
    }
    if (result.isEmpty())
        return QStringLiteral("unnamed_");
    result[0] = result.at(0).toLower();
    if (isCppKeyword(result))
        result.append(QLatin1Char('_'));
    return result;
}

} // namespace RpcInterfaceModel
} // namespace Fizyr
