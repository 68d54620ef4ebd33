// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A form for one value of an interface type, built from its description
// (RpcInterfaceClient.typeSchema()): text fields for strings, validated
// fields for numbers, a check box for bool, a check box and the element's
// form for Option, rows with add and remove for Vec and maps, one row per
// field for structs, a combo box and the variant's data for enums. Nested
// types get nested forms (loaded from this file when they are shown, so a
// type that contains itself is fine).
//
// value() gives the JavaScript value to send, or throws an Error naming the
// field whose text is not a valid number; setValue() fills the form.
// Each input's objectName is "field:" + its path ("name", "style",
// "style.Custom", "points[0].x"), so tests can find it.
ColumnLayout {
    id: editor

    // The type's description; a recursive stub is expanded through client.
    property var schema: ({ kind: "unit" })
    property var client: null
    property string path: ""
    // Set before the form is built: fills it.
    property var initialValue: undefined

    readonly property var type: schema && schema.recursive && client ? client.typeSchema(schema.type)
                                                                     : schema
    readonly property string kind: type ? type.kind : "unit"
    readonly property string fieldName: "field:" + path

    spacing: 4

    function value() {
        return body.item ? body.item.value() : null
    }

    function setValue(v) {
        if (body.item)
            body.item.setValue(v)
    }

    function childPath(suffix) {
        return path.length === 0 ? suffix : path + "." + suffix
    }

    // Loads an editor of this file for a nested type into loader.
    function loadEditor(loader, schema, path, initial) {
        loader.setSource(Qt.resolvedUrl("ValueEditor.qml"),
                         { schema: schema, client: editor.client, path: path, initialValue: initial })
    }

    Loader {
        id: body
        Layout.fillWidth: true
        sourceComponent: {
            switch (editor.kind) {
            case "unit": return unitEditor
            case "bool": return boolEditor
            case "string": return stringEditor
            case "option": return optionEditor
            case "vec": return listEditor
            case "map": return listEditor
            case "struct": return structEditor
            case "tuple": return structEditor
            case "enum": return enumEditor
            case "invalid": return invalidEditor
            default: return numberEditor
            }
        }
        onLoaded: if (editor.initialValue !== undefined) item.setValue(editor.initialValue)
    }

    Component {
        id: unitEditor
        Label {
            text: editor.type && editor.type.unitStruct ? editor.type.name : "()"
            color: "gray"
            function value() { return null }
            function setValue(v) { }
        }
    }

    Component {
        id: invalidEditor
        Label {
            text: editor.type.error || qsTr("unknown type")
            color: "firebrick"
            function value() { throw new Error(editor.path + ": " + text) }
            function setValue(v) { }
        }
    }

    Component {
        id: boolEditor
        CheckBox {
            objectName: editor.fieldName
            text: checked ? "true" : "false"
            function value() { return checked }
            function setValue(v) { checked = !!v }
        }
    }

    Component {
        id: stringEditor
        TextField {
            objectName: editor.fieldName
            placeholderText: "String"
            selectByMouse: true
            function value() { return text }
            function setValue(v) { text = v === null || v === undefined ? "" : String(v) }
        }
    }

    Component {
        id: numberEditor
        TextField {
            id: number
            objectName: editor.fieldName
            readonly property bool integer: !!editor.type.integer
            readonly property bool acceptable: {
                if (!/\S/.test(text))
                    return false
                const n = Number(text)
                if (isNaN(n))
                    return false
                if (integer && !Number.isInteger(n))
                    return false
                return n >= editor.type.min && n <= editor.type.max
            }
            text: "0"
            placeholderText: editor.type.type
            selectByMouse: true
            color: acceptable ? palette.text : "firebrick"
            validator: RegularExpressionValidator {
                regularExpression: number.integer ? /-?[0-9]*/ : /[-+]?[0-9]*\.?[0-9]*([eE][-+]?[0-9]*)?/
            }
            ToolTip.visible: hovered
            ToolTip.text: editor.type.type + (integer ? qsTr(", %1 to %2").arg(editor.type.min).arg(editor.type.max) : "")
            function value() {
                if (!acceptable)
                    throw new Error("`" + editor.path + "`: \"" + text + "\" is not a valid " + editor.type.type)
                return Number(text)
            }
            function setValue(v) { text = v === null || v === undefined ? "0" : String(v) }
        }
    }

    Component {
        id: optionEditor
        ColumnLayout {
            spacing: 2
            CheckBox {
                id: present
                objectName: editor.fieldName + ":set"
                text: checked ? qsTr("Some") : qsTr("None")
                onCheckedChanged: if (checked && !inner.item) editor.loadEditor(inner, editor.type.element, editor.path)
            }
            Loader {
                id: inner
                visible: present.checked
                Layout.fillWidth: true
                Layout.leftMargin: 16
            }
            function value() { return present.checked && inner.item ? inner.item.value() : null }
            function setValue(v) {
                present.checked = v !== null && v !== undefined
                if (present.checked)
                    editor.loadEditor(inner, editor.type.element, editor.path, v)
            }
        }
    }

    // Vec<T> and maps: one row per element, with a key field for maps.
    Component {
        id: listEditor
        ColumnLayout {
            id: list
            spacing: 2
            readonly property bool isMap: editor.kind === "map"
            // Rows hold a key into initials, the values a row starts with
            // (a ListModel cannot hold any JavaScript value).
            property int nextKey: 0
            property var initials: ({})
            function addRow(key, value) {
                initials[nextKey] = { key: key, value: value }
                rows.append({ uid: nextKey++ })
            }
            ListModel { id: rows }
            Repeater {
                id: repeater
                model: rows
                RowLayout {
                    id: row
                    required property int index
                    required property int uid
                    readonly property var initial: list.initials[uid]
                    property alias key: keyField.text
                    property alias editorItem: element.item
                    Layout.fillWidth: true
                    Label { text: "[" + row.index + "]"; color: "gray"; visible: !list.isMap }
                    TextField {
                        id: keyField
                        objectName: editor.fieldName + "{" + row.index + "}:key"
                        visible: list.isMap
                        placeholderText: qsTr("key")
                        Layout.preferredWidth: 100
                        text: row.initial.key
                    }
                    Loader {
                        id: element
                        Layout.fillWidth: true
                        Component.onCompleted: editor.loadEditor(element, editor.type.element,
                                                                 editor.path + (list.isMap ? "{" + row.index + "}" : "[" + row.index + "]"),
                                                                 row.initial.value)
                    }
                    Button {
                        objectName: editor.fieldName + "[" + row.index + "]:remove"
                        text: "−"
                        flat: true
                        onClicked: rows.remove(row.index)
                    }
                }
            }
            Button {
                objectName: editor.fieldName + ":add"
                text: list.isMap ? qsTr("+ entry") : qsTr("+ element")
                flat: true
                onClicked: list.addRow("", undefined)
            }
            function value() {
                let result = list.isMap ? {} : []
                for (let i = 0; i < repeater.count; ++i) {
                    const row = repeater.itemAt(i)
                    const v = row.editorItem ? row.editorItem.value() : null
                    if (list.isMap)
                        result[row.key] = v
                    else
                        result.push(v)
                }
                return result
            }
            function setValue(v) {
                rows.clear()
                if (list.isMap) {
                    for (const key in v)
                        list.addRow(key, v[key])
                } else if (v) {
                    for (let i = 0; i < v.length; ++i)
                        list.addRow("", v[i])
                }
            }
        }
    }

    // Structs (one row per field) and tuple variants (one row per element).
    Component {
        id: structEditor
        GridLayout {
            id: grid
            columns: 2
            columnSpacing: 8
            rowSpacing: 4
            readonly property bool tuple: editor.kind === "tuple"
            readonly property var parts: tuple ? editor.type.types.map((t, i) => ({ name: String(i), type: t, doc: "" }))
                                               : (editor.type.fields || [])
            Repeater {
                id: labels
                model: grid.parts
                Label {
                    required property var modelData
                    required property int index
                    Layout.row: index
                    Layout.column: 0
                    Layout.alignment: Qt.AlignTop
                    Layout.topMargin: 6
                    text: modelData.name
                    font.bold: true
                    ToolTip.visible: modelData.doc.length > 0 && hover.hovered
                    ToolTip.text: modelData.doc
                    HoverHandler { id: hover }
                }
            }
            Repeater {
                id: fields
                model: grid.parts
                Loader {
                    id: field
                    required property var modelData
                    required property int index
                    Layout.row: index
                    Layout.column: 1
                    Layout.fillWidth: true
                    Component.onCompleted: editor.loadEditor(field, modelData.type, editor.childPath(modelData.name))
                }
            }
            Label {
                visible: grid.parts.length === 0
                text: editor.type.unitStruct ? editor.type.name : "{}"
                color: "gray"
            }
            function value() {
                if (!grid.tuple && editor.type.unitStruct)
                    return null
                let result = grid.tuple ? [] : {}
                for (let i = 0; i < fields.count; ++i) {
                    const item = fields.itemAt(i).item
                    const v = item ? item.value() : null
                    if (grid.tuple)
                        result.push(v)
                    else
                        result[grid.parts[i].wireName] = v
                }
                return result
            }
            function setValue(v) {
                for (let i = 0; i < fields.count; ++i) {
                    const item = fields.itemAt(i).item
                    const part = grid.parts[i]
                    const key = grid.tuple ? i : part.wireName
                    if (item && v && v[key] !== undefined)
                        item.setValue(v[key])
                }
            }
        }
    }

    Component {
        id: enumEditor
        ColumnLayout {
            id: choice
            spacing: 2
            readonly property var variants: editor.type.variants || []
            readonly property var variant: variants[combo.currentIndex]
            ComboBox {
                id: combo
                objectName: editor.fieldName
                model: choice.variants.map(v => v.name)
                Layout.minimumWidth: 140
                ToolTip.visible: hovered && choice.variant && choice.variant.doc.length > 0
                ToolTip.text: choice.variant ? choice.variant.doc : ""
                onCurrentIndexChanged: choice.loadData(undefined)
            }
            Loader {
                id: data
                Layout.fillWidth: true
                Layout.leftMargin: 16
            }
            // The variant's data: a newtype's one value, a tuple's values, a
            // struct variant's fields.
            function loadData(initial) {
                const v = choice.variants[combo.currentIndex]
                if (!v || v.kind === "unit") {
                    data.source = ""
                    return
                }
                let schema = v.types[0]
                if (v.kind === "tuple")
                    schema = { kind: "tuple", type: v.name, name: v.name, types: v.types }
                else if (v.kind === "struct")
                    schema = { kind: "struct", type: v.name, name: v.name, fields: v.fields }
                editor.loadEditor(data, schema, editor.childPath(v.wireName), initial)
            }
            Component.onCompleted: loadData(undefined)
            function value() {
                const v = choice.variants[combo.currentIndex]
                if (!v)
                    throw new Error("`" + editor.path + "`: the enum has no variants")
                if (v.kind === "unit")
                    return v.wireName
                let result = {}
                result[v.wireName] = data.item ? data.item.value() : null
                return result
            }
            function setValue(value) {
                let name = value
                let inner = undefined
                if (value !== null && typeof value === "object") {
                    name = Object.keys(value)[0]
                    inner = value[name]
                }
                const index = choice.variants.findIndex(v => v.wireName === name)
                if (index < 0)
                    return
                if (combo.currentIndex !== index)
                    combo.currentIndex = index
                loadData(inner)
            }
        }
    }
}
