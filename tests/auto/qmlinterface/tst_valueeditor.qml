// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtTest
import Fizyr.Rpc

// The forms of examples/qml-console (ValueEditor.qml), built from
// RpcInterfaceClient.typeSchema() for every kind of type: filled and read
// back, lists grown and shrunk, options switched on, enum variants chosen,
// numbers checked against their type.
TestCase {
    id: testCase
    name: "ConsoleForms"
    when: windowShown

    RpcInterfaceClient {
        id: forms
        source: Qt.resolvedUrl("data/forms.rpc")
    }

    readonly property var shape: ({
        name: "s",
        points: [{ x: 1, y: -2 }, { x: 3, y: 4 }],
        tags: { a: 1, b: 255 },
        limit: null,
        kind: { Circle: { radius: 1.5 } },
        flags: [0, 16, 255],
        on: true,
        scale: 0.5,
        marker: null,
        pair: { Pair: [7, "x"] },
        level: "High"
    })

    function editor(type) {
        const component = Qt.createComponent(consoleSourceDir + "/ValueEditor.qml")
        compare(component.status, Component.Ready, component.errorString())
        const item = createTemporaryObject(component, testCase,
                                           { schema: forms.typeSchema(type), client: forms, width: 600 })
        verify(item)
        return item
    }

    function test_roundTrip() {
        compare(forms.status, RpcInterfaceClient.Ready, forms.errorString)
        const form = editor("Shape")
        form.setValue(shape)
        compare(form.value(), shape)
        // The form starts from zero values.
        const empty = editor("Shape")
        compare(empty.value(), { name: "", points: [], tags: {}, limit: null, kind: { Circle: { radius: 0 } },
                                 flags: [], on: false, scale: 0, marker: null, pair: { Pair: [0, ""] },
                                 level: "Low" })
    }

    function test_lists() {
        const form = editor("Shape")
        form.setValue(shape)
        const add = findChild(form, "field:points:add")
        verify(add)
        add.clicked()
        compare(form.value().points, [{ x: 1, y: -2 }, { x: 3, y: 4 }, { x: 0, y: 0 }])
        findChild(form, "field:points[0]:remove").clicked()
        compare(form.value().points, [{ x: 3, y: 4 }, { x: 0, y: 0 }])
        findChild(form, "field:tags:add").clicked()
        compare(form.value().tags, { a: 1, b: 255, "": 0 })
    }

    function test_optionsAndEnums() {
        const form = editor("Shape")
        const limit = findChild(form, "field:limit:set")
        verify(limit)
        limit.checked = true
        tryVerify(() => findChild(form, "field:limit") !== null)
        findChild(form, "field:limit").text = "-9000"
        compare(form.value().limit, -9000)
        limit.checked = false
        compare(form.value().limit, null)

        const kind = findChild(form, "field:kind")
        compare(kind.count, 3)
        kind.currentIndex = 1
        tryVerify(() => findChild(form, "field:kind.Square") !== null)
        findChild(form, "field:kind.Square").text = "12"
        compare(form.value().kind, { Square: 12 })
        kind.currentIndex = 2
        compare(form.value().kind, "Line")

        const pair = findChild(form, "field:pair")
        pair.currentIndex = 1
        compare(form.value().pair, "Empty")
        pair.currentIndex = 0
        tryVerify(() => findChild(form, "field:pair.Pair.1") !== null)
        findChild(form, "field:pair.Pair.1").text = "y"
        compare(form.value().pair, { Pair: [0, "y"] })

        findChild(form, "field:on").checked = true
        compare(form.value().on, true)
    }

    function test_numbersAreChecked() {
        const form = editor("Shape")
        form.setValue(shape)
        const x = findChild(form, "field:points[0].x")
        verify(x)
        x.text = "2147483648" // i32 + 1
        let thrown = null
        try {
            form.value()
        } catch (e) {
            thrown = e
        }
        verify(thrown !== null)
        verify(thrown.message.indexOf("`points[0].x`") >= 0, thrown.message)
        x.text = "-2147483648"
        compare(form.value().points[0].x, -2147483648)
        const flag = findChild(form, "field:flags[0]")
        flag.text = "256" // u8
        verify(!flag.acceptable)
        flag.text = "1.5"
        verify(!flag.acceptable)
        flag.text = "255"
        verify(flag.acceptable)
        findChild(form, "field:scale").text = "2.5e3"
        compare(form.value().scale, 2500)
    }
}
