// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The interface-file parser: every accepted rule and every error with its
// exact position.

#include <FizyrRpcQt/rpcinterfacefile.h>

#include <QtCore/qdir.h>
#include <QtTest/qtest.h>

using namespace Fizyr;

namespace {

QString dataPath(const QString &name)
{
    return QStringLiteral(TEST_DATA_DIR) + QLatin1Char('/') + name;
}

QString typeLine(const RpcTypeSchema &type)
{
    QStringList parts;
    if (type.kind() == RpcTypeSchema::Struct) {
        if (type.isUnitStruct())
            return QStringLiteral("struct %1;").arg(type.name());
        for (const RpcField &f : type.fields())
            parts.append(QStringLiteral("%1(%2,%3%4): %5")
                                 .arg(f.name(), f.wireName(), f.cppName(),
                                      f.hasDefault() ? QStringLiteral(",default") : QString(),
                                      f.type().rustName()));
        return QStringLiteral("struct %1 {%2}").arg(type.name(), parts.join(QStringLiteral(", ")));
    }
    for (const RpcVariant &v : type.variants()) {
        QString s = v.name() + QLatin1Char('(') + v.wireName() + QLatin1Char(')');
        if (v.kind() == RpcVariant::Newtype || v.kind() == RpcVariant::Tuple) {
            QStringList types;
            for (const RpcTypeSchema &t : v.types())
                types.append(t.rustName());
            s += QLatin1Char('[') + types.join(QStringLiteral(", ")) + QLatin1Char(']');
        } else if (v.kind() == RpcVariant::Struct) {
            QStringList fields;
            for (const RpcField &f : v.fields())
                fields.append(f.name() + QLatin1Char('(') + f.wireName() + QStringLiteral("): ")
                              + f.type().rustName());
            s += QLatin1Char('{') + fields.join(QStringLiteral(", ")) + QLatin1Char('}');
        }
        parts.append(s);
    }
    return QStringLiteral("enum %1 {%2}").arg(type.name(), parts.join(QStringLiteral(", ")));
}

// A compact, deterministic dump of a parsed file.
QStringList dump(const RpcInterfaceFile &file)
{
    QStringList out;
    for (const RpcInterface &iface : file.interfaces()) {
        out.append(QStringLiteral("interface %1").arg(iface.name()));
        for (const RpcService &s : iface.services()) {
            out.append(QStringLiteral("service %1 %2(%3): %4 -> %5%6")
                               .arg(s.id())
                               .arg(s.name(), s.cppName(), s.requestType().rustName(),
                                    s.responseType().rustName(),
                                    s.isHidden() ? QStringLiteral(" hidden") : QString()));
            for (const RpcUpdate &u : s.requestUpdates())
                out.append(QStringLiteral("request_update %1 %2(%3): %4%5")
                                   .arg(u.id())
                                   .arg(u.name(), u.cppName(), u.bodyType().rustName(),
                                        u.isHidden() ? QStringLiteral(" hidden") : QString()));
            for (const RpcUpdate &u : s.responseUpdates())
                out.append(QStringLiteral("response_update %1 %2(%3): %4%5")
                                   .arg(u.id())
                                   .arg(u.name(), u.cppName(), u.bodyType().rustName(),
                                        u.isHidden() ? QStringLiteral(" hidden") : QString()));
        }
        for (const RpcStream &st : iface.streams())
            out.append(QStringLiteral("stream %1 %2(%3): %4%5")
                               .arg(st.id())
                               .arg(st.name(), st.cppName(), st.bodyType().rustName(),
                                    st.isHidden() ? QStringLiteral(" hidden") : QString()));
    }
    for (const RpcTypeSchema &t : file.types())
        out.append(typeLine(t));
    return out;
}

} // namespace

class tst_InterfaceParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void greeter();
    void accepted_data();
    void accepted();
    void errors_data();
    void errors();
    void validationReportsEveryError();
    void imports();
    void importErrors();
    void fromFileMissing();
    void renameRules_data();
    void renameRules();
    void typeSchema();
    void modelOutlivesFile();
};

void tst_InterfaceParser::greeter()
{
    // The greeter of the typed-interfaces issue, verbatim.
    const RpcInterfaceFile file
            = RpcInterfaceFile::fromFile(dataPath(QStringLiteral("greeter.rpc")));
    QVERIFY2(file.isValid(), qPrintable(file.errorString()));
    QCOMPARE(file.errors().size(), 0);
    QCOMPARE(dump(file),
             QStringList({
                     QStringLiteral("interface Greeter"),
                     QStringLiteral("service 1 greet(greet): GreetRequest -> GreetResponse"),
                     QStringLiteral("request_update 1 cancel(cancel): ()"),
                     QStringLiteral("response_update 1 progress(progress): Progress"),
                     QStringLiteral("service 99 ping(ping): () -> () hidden"),
                     QStringLiteral("stream 1 log(log): LogLine"),
                     QStringLiteral("struct GreetRequest {name(name,name): String, "
                                    "times(times,times): u32, style(style,style): Option<Style>}"),
                     QStringLiteral(
                             "struct GreetResponse {greetings(greetings,greetings): Vec<String>}"),
                     QStringLiteral(
                             "struct Progress {done(done,done): u32, total(total,total): u32}"),
                     QStringLiteral(
                             "struct LogLine {level(level,level): Level, text(text,text): String}"),
                     QStringLiteral("enum Style {Plain(Plain), Shouting(Shouting), "
                                    "Custom(Custom)[String]}"),
                     QStringLiteral("enum Level {Debug(Debug), Info(Info), Warning(Warning)}"),
             }));
    const RpcInterface greeter = file.interfaceByName(QStringLiteral("Greeter"));
    QVERIFY(greeter.isValid());
    QCOMPARE(greeter.doc(), QStringLiteral("Greets people, with progress."));
    QCOMPARE(greeter.fileName(), dataPath(QStringLiteral("greeter.rpc")));
    const RpcService greet = greeter.serviceById(1);
    QCOMPARE(greet.name(), QStringLiteral("greet"));
    QCOMPARE(greet.doc(),
             QStringLiteral("Greets `name` `times` times; one progress update per greeting."));
    QCOMPARE(greet.responseUpdate(QStringLiteral("progress")).doc(),
             QStringLiteral("Sent after each greeting."));
    QCOMPARE(greet.requestUpdateById(1).name(), QStringLiteral("cancel"));
    QCOMPARE(greet.requestUpdateById(1).bodyType().kind(), RpcTypeSchema::Unit);
    QVERIFY(!greet.requestUpdateById(2).isValid());
    QVERIFY(greeter.service(QStringLiteral("ping")).isHidden());
    QCOMPARE(greeter.stream(QStringLiteral("log")).doc(),
             QStringLiteral("A log line from the client."));
    QCOMPARE(greeter.streamById(1).bodyType().name(), QStringLiteral("LogLine"));
    const RpcTypeSchema request = greet.requestType();
    QCOMPARE(request.kind(), RpcTypeSchema::Struct);
    QCOMPARE(request.field(QStringLiteral("style")).type().elementType().kind(),
             RpcTypeSchema::Enum);
    QVERIFY(request.field(QStringLiteral("style")).isOptional());
    QVERIFY(!request.field(QStringLiteral("times")).isOptional());
    QCOMPARE(request.field(QStringLiteral("style"))
                     .type()
                     .elementType()
                     .variant(QStringLiteral("Custom"))
                     .kind(),
             RpcVariant::Newtype);
    QCOMPARE(request, file.type(QStringLiteral("GreetRequest")));
    QVERIFY(request != file.type(QStringLiteral("GreetResponse")));
}

void tst_InterfaceParser::accepted_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QStringList>("expected"); // lines that must appear in the dump

    QTest::newRow("macro-wrapper-use-comments")
            << QStringLiteral(R"(
use fizyr_rpc::interface;
use serde::{Deserialize, Serialize};
// a line comment
/* a block /* nested */ comment */
fizyr_rpc::interface! {
    /// Docs.
    pub interface Camera {
        service 1 ping: () -> (),
    }
}
interface! {
    interface Other {
        stream 2 s: u8,
    }
};
)")
            << QStringList{QStringLiteral("interface Camera"),
                           QStringLiteral("service 1 ping(ping): () -> ()"),
                           QStringLiteral("interface Other"), QStringLiteral("stream 2 s(s): u8")};
    QTest::newRow("several-interfaces-negative-ids-no-trailing-comma")
            << QStringLiteral("interface A { service -5 x: i8 -> i16, stream -2147483648 y: u64 }\n"
                              "interface B { service 2147483647 z: f32 -> f64 {} }")
            << QStringList{QStringLiteral("service -5 x(x): i8 -> i16"),
                           QStringLiteral("stream -2147483648 y(y): u64"),
                           QStringLiteral("service 2147483647 z(z): f32 -> f64")};
    QTest::newRow("updates-hidden-trailing-commas")
            << QStringLiteral("interface A {\n"
                              "  service 1 do_it: () -> () {\n"
                              "    #[hidden] request_update 3 more_data: Vec<u8>,\n"
                              "    response_update 3 some_progress: BTreeMap<String, Option<i64>>\n"
                              "  },\n"
                              "  #[hidden] #[doc = \" Also doc.\"] stream 1 log_line: String,\n"
                              "}")
            << QStringList{QStringLiteral("service 1 do_it(doIt): () -> ()"),
                           QStringLiteral("request_update 3 more_data(moreData): Vec<u8> hidden"),
                           QStringLiteral("response_update 3 some_progress(someProgress): "
                                          "BTreeMap<String, Option<i64>>"),
                           QStringLiteral("stream 1 log_line(logLine): String hidden")};
    QTest::newRow("all-types") << QStringLiteral(
            "struct All { a: (), b: bool, c: i8, d: i16, e: i32, f: i64, g: u8,\n"
            "  h: u16, i: u32, j: u64, k: f32, l: f64, m: String, n: Vec<u8>,\n"
            "  o: Vec<Vec<String>>, p: Option<All2>, q: std::collections::HashMap<String, u8>,\n"
            "  r: std::string::String, s: ::std::vec::Vec<bool>, t: Option<Box2>, }\n"
            "struct All2;\nstruct Box2 {}")
                               << QStringList{QStringLiteral(
                                                      "struct All {a(a,a): (), b(b,b): bool, "
                                                      "c(c,c): i8, d(d,d): i16, e(e,e): i32, "
                                                      "f(f,f): i64, g(g,g): u8, h(h,h): u16, "
                                                      "i(i,i): u32, j(j,j): u64, k(k,k): f32, "
                                                      "l(l,l): f64, m(m,m): String, n(n,n): "
                                                      "Vec<u8>, o(o,o): Vec<Vec<String>>, "
                                                      "p(p,p): Option<All2>, q(q,q): "
                                                      "HashMap<String, u8>, r(r,r): String, "
                                                      "s(s,s): Vec<bool>, t(t,t): Option<Box2>}"),
                                              QStringLiteral("struct All2;"),
                                              QStringLiteral("struct Box2 {}")};
    QTest::newRow("enum-variant-kinds")
            << QStringLiteral(
                       "enum E { A, B(u8), C(u8, String), D { x: i32 }, E(), F {}, G(u8,), H(()) }")
            << QStringList{
                       QStringLiteral("enum E {A(A), B(B)[u8], C(C)[u8, String], D(D){x(x): i32}, "
                                      "E(E)[], F(F){}, G(G)[u8], H(H)[()]}")};
    QTest::newRow("attributes-pub-derive-raw")
            << QStringLiteral("/// A point.\n"
                              "#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]\n"
                              "#[allow(dead_code)]\n"
                              "#[serde(rename_all = \"camelCase\", default)]\n"
                              "pub(crate) struct Point {\n"
                              "    /// X.\n"
                              "    pub x_pos: i32,\n"
                              "    #[serde(rename = \"Y\")] pub(super) y_pos: i32,\n"
                              "    r#type: u8,\n"
                              "    class: u8,\n"
                              "    new_: u8,\n"
                              "}")
            << QStringList{QStringLiteral(
                       "struct Point {x_pos(xPos,xPos,default): i32, "
                       "y_pos(Y,yPos,default): i32, type(type,type,default): u8, "
                       "class(class,class_,default): u8, new_(new,new_,default): u8}")};
    QTest::newRow("enum-renames")
            << QStringLiteral("#[serde(rename_all = \"snake_case\")]\n"
                              "enum Mode { FastMode, #[serde(rename = \"slow\")] SlowMode,\n"
                              "  #[serde(rename_all = \"kebab-case\")] Custom { max_speed: u8, "
                              "#[serde(default)] min_speed: u8 } }")
            << QStringList{QStringLiteral(
                       "enum Mode {FastMode(fast_mode), SlowMode(slow), "
                       "Custom(custom){max_speed(max-speed): u8, min_speed(min-speed): u8}}")};
    QTest::newRow("recursion-through-vec-and-map")
            << QStringLiteral(
                       "struct Tree { children: Vec<Tree>, named: BTreeMap<String, Tree>, "
                       "up: Option<Vec<Tree>> }\n"
                       "enum Expr { Leaf(i64), Sum(Vec<Expr>), Named(HashMap<String, Expr>) }")
            << QStringList{QStringLiteral("struct Tree {children(children,children): Vec<Tree>, "
                                          "named(named,named): BTreeMap<String, Tree>, "
                                          "up(up,up): Option<Vec<Tree>>}")};
    QTest::newRow("keyword-service-names")
            << QStringLiteral(
                       "interface A { service 1 delete: () -> (), service 2 r#new: () -> (), "
                       "stream 3 namespace: () }")
            << QStringList{QStringLiteral("service 1 delete(delete_): () -> ()"),
                           QStringLiteral("service 2 new(new_): () -> ()"),
                           QStringLiteral("stream 3 namespace(namespace_): ()")};
    QTest::newRow("doc-block-comment")
            << QStringLiteral("/** Block\n * docs. */\nstruct S;\n//! inner doc ignored\n")
            << QStringList{QStringLiteral("struct S;")};
    QTest::newRow("empty-file") << QString() << QStringList();
}

void tst_InterfaceParser::accepted()
{
    QFETCH(QString, source);
    QFETCH(QStringList, expected);
    const RpcInterfaceFile file = RpcInterfaceFile::parse(source, QStringLiteral("test.rpc"));
    QVERIFY2(file.isValid(), qPrintable(file.errorString()));
    const QStringList lines = dump(file);
    for (const QString &line : expected)
        QVERIFY2(lines.contains(line),
                 qPrintable(line + QLatin1String("\n  not in:\n") + lines.join(QLatin1Char('\n'))));
}

void tst_InterfaceParser::errors_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("error"); // the first error, as file:line:column: message

    // Syntax
    QTest::newRow("unexpected-char") << "struct A { a: u8 } $"
                                     << "e.rpc:1:20: unexpected character `$`";
    QTest::newRow("unterminated-comment") << "struct A;\n  /* never closed"
                                          << "e.rpc:2:3: unterminated block comment";
    QTest::newRow("unterminated-string") << "import \"x.rpc;"
                                         << "e.rpc:1:8: unterminated string literal";
    QTest::newRow("bad-item")
            << "fn main() {}"
            << "e.rpc:1:1: expected an item (`interface`, `struct`, `enum`, `use` "
               "or `import`), found `fn`";
    QTest::newRow("unknown-macro") << "serde_json::json! { }"
                                   << "e.rpc:1:1: unknown macro `serde_json::json!` (only "
                                      "`fizyr_rpc::interface!` is accepted)";
    QTest::newRow("missing-id") << "interface A {\n    service greet: () -> (),\n}"
                                << "e.rpc:2:13: expected an id (an integer), found `greet`";
    QTest::newRow("missing-arrow") << "interface A { service 1 greet: () () }"
                                   << "e.rpc:1:35: expected `->`, found `(`";
    QTest::newRow("missing-comma")
            << "interface A {\n  service 1 a: () -> ()\n  service 2 b: () -> (),\n}"
            << "e.rpc:3:3: expected `,` or `{` after the service, found `service`";
    QTest::newRow("bad-item-in-interface")
            << "interface A { method 1 a: () -> (), }"
            << "e.rpc:1:15: expected `service` or `stream`, found `method`";
    QTest::newRow("bad-update-kind")
            << "interface A { service 1 a: () -> () { update 1 u: (), } }"
            << "e.rpc:1:39: expected `request_update` or `response_update`, "
               "found `update`";
    QTest::newRow("stream-missing-comma")
            << "interface A { stream 1 a: u8 stream 2 b: u8 }"
            << "e.rpc:1:30: expected `,` after the stream, found `stream`";
    QTest::newRow("id-too-big") << "interface A { service 2147483648 a: () -> (), }"
                                << "e.rpc:1:23: id 2147483648 is out of range for i32";
    QTest::newRow("id-too-small") << "interface A { stream -2147483649 a: (), }"
                                  << "e.rpc:1:22: id -2147483649 is out of range for i32";
    QTest::newRow("id-huge") << "interface A { stream 99999999999999999999999 a: (), }"
                             << "e.rpc:1:22: id 99999999999999999999999 is out of range for i32";
    QTest::newRow("id-hex")
            << "interface A { stream 0x10 a: (), }"
            << "e.rpc:1:22: invalid integer literal (only decimal digits are allowed)";
    QTest::newRow("tuple-struct")
            << "struct Id(u32);"
            << "e.rpc:1:10: tuple structs are not supported; use named fields";
    QTest::newRow("generic-struct") << "struct W<T> { t: T }"
                                    << "e.rpc:1:9: generic types are not supported";
    QTest::newRow("tuple-type") << "struct A { t: (u8, u8) }"
                                << "e.rpc:1:15: tuple types are not supported (only `()`)";
    QTest::newRow("reference-type")
            << "struct A { t: &str }"
            << "e.rpc:1:15: references are not supported; use owned types such "
               "as String";
    QTest::newRow("array-type") << "struct A { t: [u8; 4] }"
                                << "e.rpc:1:15: arrays and slices are not supported; use Vec<T>";
    QTest::newRow("map-key") << "struct A { t: BTreeMap<u32, u8> }"
                             << "e.rpc:1:24: map keys must be String";
    QTest::newRow("vec-no-args") << "struct A { t: Vec }"
                                 << "e.rpc:1:19: `Vec` needs one type argument";
    QTest::newRow("vec-unclosed") << "struct A { t: Vec<u8, u8> }"
                                  << "e.rpc:1:23: expected `>` to close `Vec`, found `u8`";
    QTest::newRow("primitive-args") << "struct A { t: u8<u8> }"
                                    << "e.rpc:1:17: `u8` takes no type arguments";
    QTest::newRow("unknown-generic") << "struct A { t: Box<u8> }"
                                     << "e.rpc:1:18: unknown generic type `Box`";
    QTest::newRow("discriminant") << "enum E { A = 1 }"
                                  << "e.rpc:1:12: explicit discriminants are not supported";
    QTest::newRow("eof") << "interface A {"
                         << "e.rpc:1:14: expected `service` or `stream`, found end of file";
    QTest::newRow("dangling-attribute") << "struct A;\n#[derive(Debug)]"
                                        << "e.rpc:2:17: expected an item after the attributes";

    // Attributes
    QTest::newRow("unknown-attribute") << "#[repr(u8)] enum E { A }"
                                       << "e.rpc:1:3: unknown attribute `repr`";
    QTest::newRow("serde-unsupported")
            << "#[serde(deny_unknown_fields)] struct A;"
            << "e.rpc:1:9: unsupported serde attribute `deny_unknown_fields`: "
               "only rename, rename_all and default are supported";
    QTest::newRow("serde-tag")
            << "#[serde(tag = \"type\")] enum E { A }"
            << "e.rpc:1:9: unsupported serde attribute `tag`: only rename, rename_all "
               "and default are supported";
    QTest::newRow("serde-skip-field")
            << "struct A {\n  #[serde(skip)]\n  a: u8 }"
            << "e.rpc:2:11: unsupported serde attribute `skip`: only rename, "
               "rename_all and default are supported";
    QTest::newRow("serde-rename-split")
            << "struct A { #[serde(rename(serialize = \"b\"))] a: u8 }"
            << "e.rpc:1:20: unsupported serde attribute `rename`: only rename, "
               "rename_all and default are supported, without arguments in "
               "parentheses";
    QTest::newRow("serde-default-path")
            << "struct A { #[serde(default = \"make\")] a: u8 }"
            << "e.rpc:1:20: `default = \"...\"` is not supported; use `default`";
    QTest::newRow("serde-rename-no-value")
            << "struct A { #[serde(rename)] a: u8 }"
            << "e.rpc:1:20: serde attribute `rename` needs a string value";
    QTest::newRow("bad-rename-rule")
            << "#[serde(rename_all = \"Title Case\")] struct A;"
            << "e.rpc:1:22: unknown rename_all rule `Title Case` (expected "
               "lowercase, UPPERCASE, PascalCase, camelCase, snake_case, "
               "SCREAMING_SNAKE_CASE, kebab-case or SCREAMING-KEBAB-CASE)";
    QTest::newRow("rename-all-on-field")
            << "struct A { #[serde(rename_all = \"camelCase\")] a: u8 }"
            << "e.rpc:1:20: `rename_all` is only allowed on structs, enums "
               "and struct variants";
    QTest::newRow("default-on-enum")
            << "#[serde(default)] enum E { A }"
            << "e.rpc:1:9: `default` is only allowed on structs and fields";
    QTest::newRow("hidden-on-struct")
            << "#[hidden] struct A;"
            << "e.rpc:1:3: `#[hidden]` is only allowed on services, updates and "
               "streams";
    QTest::newRow("serde-on-service")
            << "interface A { #[serde(rename = \"b\")] service 1 a: () -> (), }"
            << "e.rpc:1:23: serde attributes are not allowed here";
    QTest::newRow("inner-attribute") << "#![allow(unused)]"
                                     << "e.rpc:1:1: inner attributes (#![...]) are "
                                        "not supported";
    QTest::newRow("import-in-macro")
            << "fizyr_rpc::interface! { import \"a.rpc\"; }"
            << "e.rpc:1:25: `import` is not allowed inside a macro invocation";

    // Validation
    QTest::newRow("unknown-type") << "struct A {\n  b: Vec<Bee>,\n}"
                                  << "e.rpc:2:10: unknown type `Bee`";
    QTest::newRow("unknown-type-in-service") << "interface I { service 1 a: Req -> (), }"
                                             << "e.rpc:1:28: unknown type `Req`";
    QTest::newRow("duplicate-service-id")
            << "interface I {\n  service 1 a: () -> (),\n  service 1 b: () -> (),\n}"
            << "e.rpc:3:11: duplicate service id 1 (already used by `a` at e.rpc:2:13)";
    QTest::newRow("duplicate-stream-id")
            << "interface I { stream 7 a: (), stream 7 b: (), }"
            << "e.rpc:1:38: duplicate stream id 7 (already used by `a` at e.rpc:1:24)";
    QTest::newRow("duplicate-update-id")
            << "interface I { service 1 a: () -> () {\n"
               "  request_update 2 x: (), request_update 2 y: (),\n"
               "  response_update 2 z: (), } }"
            << "e.rpc:2:42: duplicate request update id 2 (already used by `x` "
               "at e.rpc:2:20)";
    QTest::newRow("same-id-different-kinds-ok-but-name-clash")
            << "interface I { service 1 log: () -> (), stream 1 log: (), }"
            << "e.rpc:1:49: `log` is defined twice in interface `I` (first at e.rpc:1:25)";
    QTest::newRow("cpp-name-clash")
            << "interface I { service 1 get_value: () -> (), service 2 getValue: () -> (), }"
            << "e.rpc:1:56: `get_value` and `getValue` in interface `I` get the same "
               "C++ name `getValue`";
    QTest::newRow("cpp-keyword-clash")
            << "interface I { service 1 delete: () -> (), service 2 delete_: () -> (), }"
            << "e.rpc:1:53: `delete` and `delete_` in interface `I` get the same "
               "C++ name `delete_`";
    QTest::newRow("update-name-clash")
            << "interface I { service 1 a: () -> () { request_update 1 x: (), "
               "response_update 1 x: () } }"
            << "e.rpc:1:81: `x` is defined twice in the updates of service `a` "
               "(first at e.rpc:1:56)";
    QTest::newRow("field-clash")
            << "struct A { a_b: u8, aB: u8 }"
            << "e.rpc:1:21: fields `a_b` and `aB` of `A` get the same C++ name `aB`";
    QTest::newRow("duplicate-field")
            << "struct A { a: u8, a: u8 }"
            << "e.rpc:1:19: field `a` is defined twice in `A` (first at e.rpc:1:12)";
    QTest::newRow("wire-name-clash")
            << "struct A { a: u8, #[serde(rename = \"a\")] b: u8 }"
            << "e.rpc:1:42: fields `a` and `b` of `A` have the same wire name `a`";
    QTest::newRow("duplicate-variant")
            << "enum E { A, B, A }"
            << "e.rpc:1:16: variant `A` is defined twice in `E` (first at e.rpc:1:10)";
    QTest::newRow("variant-wire-clash")
            << "#[serde(rename_all = \"lowercase\")] enum E { Ab, AB }"
            << "e.rpc:1:49: variants `Ab` and `AB` of `E` have the same wire name `ab`";
    QTest::newRow("duplicate-type") << "struct A;\nenum A { X }"
                                    << "e.rpc:2:6: type `A` is defined twice (first at e.rpc:1:8)";
    QTest::newRow("duplicate-interface")
            << "interface I {}\ninterface I {}"
            << "e.rpc:2:11: interface `I` is defined twice (first at e.rpc:1:11)";
    QTest::newRow("generated-class-clash")
            << "interface Greeter {}\nstruct GreeterClient;"
            << "e.rpc:2:8: type `GreeterClient` clashes with the generated "
               "class `GreeterClient` of interface `Greeter`";
    QTest::newRow("type-keyword") << "struct r#class;"
                                  << "e.rpc:1:8: type name `class` is a C++ keyword";
    QTest::newRow("self-containing")
            << "struct Node {\n  value: u8,\n  next: Option<Node>,\n}"
            << "e.rpc:1:8: type `Node` contains itself (through field `next`) other "
               "than through Vec or a map, so its values would be infinite";
    QTest::newRow("self-containing-enum")
            << "enum List { Nil, Cons(u8, List) }"
            << "e.rpc:1:6: type `List` contains itself (through variant `Cons`) "
               "other than through Vec or a map, so its values would be infinite";
}

void tst_InterfaceParser::errors()
{
    QFETCH(QString, source);
    QFETCH(QString, error);
    const RpcInterfaceFile file = RpcInterfaceFile::parse(source, QStringLiteral("e.rpc"));
    QVERIFY(!file.isValid());
    QVERIFY(!file.errors().isEmpty());
    QCOMPARE(file.errors().first().toString(), error);
    // No partial output.
    QVERIFY(file.interfaces().isEmpty());
    QVERIFY(file.types().isEmpty());
    QVERIFY(!file.type(QStringLiteral("A")).isValid());
}

void tst_InterfaceParser::validationReportsEveryError()
{
    const RpcInterfaceFile file = RpcInterfaceFile::parse(
            QStringLiteral("struct A { a: Missing, b: AlsoMissing }\n"
                           "interface I { service 1 x: () -> (), service 1 y: () -> (), }\n"
                           "struct Loop1 { l: Loop2 }\nstruct Loop2 { l: Option<Loop1> }\n"),
            QStringLiteral("many.rpc"));
    QStringList lines;
    for (const RpcInterfaceError &e : file.errors())
        lines.append(e.toString());
    QCOMPARE(lines,
             QStringList({
                     QStringLiteral("many.rpc:1:15: unknown type `Missing`"),
                     QStringLiteral("many.rpc:1:27: unknown type `AlsoMissing`"),
                     QStringLiteral("many.rpc:2:46: duplicate service id 1 (already used by `x` at "
                                    "many.rpc:2:25)"),
                     QStringLiteral("many.rpc:3:8: type `Loop1` contains itself (through field "
                                    "`l`) other than "
                                    "through Vec or a map, so its values would be infinite"),
                     QStringLiteral("many.rpc:4:8: type `Loop2` contains itself (through field "
                                    "`l`) other than "
                                    "through Vec or a map, so its values would be infinite"),
             }));
    QCOMPARE(file.errorString(), lines.join(QLatin1Char('\n')));
    const RpcInterfaceError first = file.errors().first();
    QCOMPARE(first.fileName(), QStringLiteral("many.rpc"));
    QCOMPARE(first.line(), 1);
    QCOMPARE(first.column(), 15);
    QCOMPARE(first.message(), QStringLiteral("unknown type `Missing`"));
}

void tst_InterfaceParser::imports()
{
    const RpcInterfaceFile file = RpcInterfaceFile::fromFile(dataPath(QStringLiteral("main.rpc")));
    QVERIFY2(file.isValid(), qPrintable(file.errorString()));
    const RpcService capture
            = file.interfaceByName(QStringLiteral("Camera")).service(QStringLiteral("capture"));
    QVERIFY(capture.isValid());
    QCOMPARE(capture.responseType().field(QStringLiteral("data")).type().isBytes(), true);
    QCOMPARE(capture.requestType().field(QStringLiteral("exposure")).type().variants().size(), 2);
    QCOMPARE(file.types().size(), 3);
    QCOMPARE(file.interfaces().size(), 1); // main.rpc's import cycle is read once
}

void tst_InterfaceParser::importErrors()
{
    RpcInterfaceFile file
            = RpcInterfaceFile::fromFile(dataPath(QStringLiteral("broken-import.rpc")));
    QVERIFY(!file.isValid());
    QCOMPARE(file.errors().size(), 1);
    QVERIFY2(file.errors().first().toString().startsWith(
                     dataPath(QStringLiteral("broken-import.rpc"))
                     + QStringLiteral(":1:8: cannot open imported file `does-not-exist.rpc`")),
             qPrintable(file.errorString()));

    // An error in an imported file is reported at its own position.
    file = RpcInterfaceFile::fromFile(dataPath(QStringLiteral("bad-imported.rpc")));
    QVERIFY(!file.isValid());
    QCOMPARE(file.errors().size(), 1);
    QCOMPARE(file.errors().first().toString(),
             QDir::cleanPath(dataPath(QStringLiteral("shared/bad.rpc")))
                     + QStringLiteral(":2:17: unknown type `Missing`"));
}

void tst_InterfaceParser::fromFileMissing()
{
    const RpcInterfaceFile file = RpcInterfaceFile::fromFile(QStringLiteral("/nonexistent/x.rpc"));
    QVERIFY(!file.isValid());
    QCOMPARE(file.fileName(), QStringLiteral("/nonexistent/x.rpc"));
    QVERIFY2(file.errorString().startsWith(
                     QLatin1String("/nonexistent/x.rpc:1:1: cannot open file")),
             qPrintable(file.errorString()));
    QVERIFY(!RpcInterfaceFile().isValid());
    QVERIFY(RpcInterfaceFile().errors().isEmpty());
}

void tst_InterfaceParser::renameRules_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("variant");
    // serde's RenameRule on the field `max_speed_kmh` and the variant `MaxSpeedKmh`.
    QTest::newRow("lowercase") << "lowercase"
                               << "max_speed_kmh"
                               << "maxspeedkmh";
    QTest::newRow("UPPERCASE") << "UPPERCASE"
                               << "MAX_SPEED_KMH"
                               << "MAXSPEEDKMH";
    QTest::newRow("PascalCase") << "PascalCase"
                                << "MaxSpeedKmh"
                                << "MaxSpeedKmh";
    QTest::newRow("camelCase") << "camelCase"
                               << "maxSpeedKmh"
                               << "maxSpeedKmh";
    QTest::newRow("snake_case") << "snake_case"
                                << "max_speed_kmh"
                                << "max_speed_kmh";
    QTest::newRow("SCREAMING_SNAKE_CASE") << "SCREAMING_SNAKE_CASE"
                                          << "MAX_SPEED_KMH"
                                          << "MAX_SPEED_KMH";
    QTest::newRow("kebab-case") << "kebab-case"
                                << "max-speed-kmh"
                                << "max-speed-kmh";
    QTest::newRow("SCREAMING-KEBAB-CASE") << "SCREAMING-KEBAB-CASE"
                                          << "MAX-SPEED-KMH"
                                          << "MAX-SPEED-KMH";
}

void tst_InterfaceParser::renameRules()
{
    QFETCH(QString, rule);
    QFETCH(QString, field);
    QFETCH(QString, variant);
    const RpcInterfaceFile file = RpcInterfaceFile::parse(
            QStringLiteral("#[serde(rename_all = \"%1\")] struct S { max_speed_kmh: u8 }\n"
                           "#[serde(rename_all = \"%1\")] enum E { MaxSpeedKmh }")
                    .arg(rule));
    QVERIFY2(file.isValid(), qPrintable(file.errorString()));
    QCOMPARE(file.type(QStringLiteral("S")).fields().first().wireName(), field);
    QCOMPARE(file.type(QStringLiteral("S")).fields().first().cppName(),
             QStringLiteral("maxSpeedKmh"));
    QCOMPARE(file.type(QStringLiteral("E")).variants().first().wireName(), variant);
}

void tst_InterfaceParser::typeSchema()
{
    const RpcInterfaceFile file = RpcInterfaceFile::parse(
            QStringLiteral("struct Point { x: i32, y: i32 }"), QStringLiteral("t.rpc"));
    QString error;
    RpcTypeSchema t = file.typeSchema(QStringLiteral("Vec<Option<Point>>"), &error);
    QVERIFY2(t.isValid(), qPrintable(error));
    QCOMPARE(t.kind(), RpcTypeSchema::Vec);
    QCOMPARE(t.rustName(), QStringLiteral("Vec<Option<Point>>"));
    QCOMPARE(t.elementType().elementType(), file.type(QStringLiteral("Point")));
    t = file.typeSchema(QStringLiteral("Vec<Pt>"), &error);
    QVERIFY(!t.isValid());
    QCOMPARE(error, QStringLiteral("unknown type `Pt`"));
    t = file.typeSchema(QStringLiteral("Vec<u8"), &error);
    QVERIFY(!t.isValid());
    QCOMPARE(error, QStringLiteral("column 7: expected `>` to close `Vec`, found end of file"));
    t = file.typeSchema(QStringLiteral("u8 u8"), &error);
    QVERIFY(!t.isValid());
    QVERIFY(RpcInterfaceFile().typeSchema(QStringLiteral("HashMap<String, ()>")).isHashMap());
}

void tst_InterfaceParser::modelOutlivesFile()
{
    RpcService service;
    RpcTypeSchema field;
    {
        const RpcInterfaceFile file = RpcInterfaceFile::parse(
                QStringLiteral("interface I { service 1 s: A -> (), }\nstruct A { list: Vec<A> }"));
        service = file.interfaces().first().services().first();
        field = file.type(QStringLiteral("A")).fields().first().type();
    }
    QCOMPARE(service.requestType().name(), QStringLiteral("A"));
    QCOMPARE(field.elementType().fields().first().type().rustName(), QStringLiteral("Vec<A>"));
}

QTEST_GUILESS_MAIN(tst_InterfaceParser)
#include "tst_interfaceparser.moc"
