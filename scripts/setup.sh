#!/usr/bin/env bash
# Installs what building, testing and running the project needs (Debian 12).
# Idempotent and quick when everything is there already.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools
    qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtquick
    qml6-module-qtquick-controls qml6-module-qtquick-templates qml6-module-qtquick-layouts
    qml6-module-qtquick-window qml6-module-qttest qml6-module-qtqml-models
    # The file dialog of examples/qml-console (its Qt Quick implementation lists
    # folders with Qt.labs.folderlistmodel).
    qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel
    qml-qt6 xvfb xauth
    libgl-dev
    clang libclang-rt-14-dev clang-format
    binutils qt6-documentation-tools valgrind
    openssl python3 util-linux jq
    tshark
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo_cmd=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
