#!/usr/bin/env bash
# Creates the certificates of the TLS tests in directory $1 with the openssl
# command: a CA (ca.pem), a second CA the server does not know (other-ca.pem),
# a server certificate for localhost and 127.0.0.1 (server.pem/.key), a client
# certificate (client.pem/.key), an expired server certificate
# (expired.pem/.key) and one for another host (wronghost.pem/.key), all
# issued by ca.pem except other-client.pem/.key (issued by other-ca.pem).
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

ca() { # name cn
    openssl req -x509 "${ec[@]}" -keyout "$1.key" -out "$1.pem" -days 30 -subj "/CN=$2" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        2>/dev/null
}
ca ca "fizyr-rpc-qt test CA"
ca other-ca "fizyr-rpc-qt other CA"

# A CA database for `openssl ca`, which can set dates in the past.
cat > ca.cnf <<CNF
[ca]
default_ca = test_ca
[test_ca]
dir = .
database = index.txt
new_certs_dir = .
serial = serial.txt
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
CNF
: > index.txt
echo 1000 > serial.txt

leaf() { # name cn issuer extensions [startdate enddate]
    local name=$1 cn=$2 issuer=$3 ext=$4
    openssl req -new "${ec[@]}" -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn" 2>/dev/null
    printf '%b\n' "$ext" > "$name.ext"
    local dates=(-days 30)
    if [ $# -ge 6 ]; then dates=(-startdate "$5" -enddate "$6"); fi
    openssl ca -batch -notext -config ca.cnf -cert "$issuer.pem" -keyfile "$issuer.key" \
        -in "$name.csr" -out "$name.pem" -extfile "$name.ext" "${dates[@]}" 2>/dev/null
    rm -f "$name.csr" "$name.ext"
}
server_ext='basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1'
client_ext='basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth'
leaf server localhost ca "$server_ext"
leaf client test-client ca "$client_ext"
leaf other-client other-client other-ca "$client_ext"
leaf expired localhost ca "$server_ext" 20200101000000Z 20200201000000Z
leaf wronghost wrong.example ca \
    'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:wrong.example'
rm -f ./*.pem.old index.txt* serial.txt* ./[0-9][0-9][0-9][0-9].pem ca.cnf
