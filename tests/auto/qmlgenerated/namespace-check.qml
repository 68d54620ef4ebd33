import QtQml
import Kitchen

// The QML module of an interface generated into a C++ namespace (NAMESPACE
// Strict): the types register and check bodies by schema.
QtObject {
    property KitchenClient client: KitchenClient { }
    property KitchenServer server: KitchenServer { }
    Component.onCompleted: client.plain("five").then(() => Qt.exit(1), error => {
        console.log("rejected:", error.message)
        Qt.exit(error.message.indexOf("invalid body for plain") === 0 && Shape.Nothing === 0 ? 0 : 1)
    })
}
