#!/usr/bin/env bash
# Make the test certificates with openssl, fresh each run, into DIR (default $RUN_DIR/certs):
#   ca.pem ca.key              the test CA (the brokers' fronts and the client certificates chain to it)
#   other-ca.pem               a CA nobody used: trusting only it must fail
#   server.pem server.key      CN=localhost, SAN DNS:localhost, IP:127.0.0.1, serverAuth
#   wronghost.pem .key         SAN DNS:wrong.example.com only (hostname check must fail)
#   expired-server.pem .key    expired in 2020
#   client.pem client.key      CN=kfast-client, clientAuth
#   client-enc.key             the same key encrypted with the password "key-secret" (ssl.key.password)
#   client.p12                 certificate and key as PKCS#12, password "store-secret" (ssl.keystore.*)
#   client-expired.pem .key    a client certificate that expired in 2020
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIR=${1:-$RUN_DIR/certs}
rm -rf "$DIR"
mkdir -p "$DIR/ca-db"
cd "$DIR"
quiet() { "$@" >/dev/null 2>&1 || { echo "make-certs: failed: $*" >&2; "$@"; exit 1; }; }

key() { quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

key ca.key
quiet openssl req -x509 -new -key ca.key -sha256 -days 30 -subj "/CN=kafka-fast test CA" -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
key other-ca.key
quiet openssl req -x509 -new -key other-ca.key -sha256 -days 30 -subj "/CN=some other CA" -out other-ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# `openssl ca` signs with explicit dates (the expired certificates); it needs a small database.
: >ca-db/index.txt
echo 1000 >ca-db/serial
cat >ca.cnf <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $DIR/ca-db/index.txt
serial = $DIR/ca-db/serial
new_certs_dir = $DIR/ca-db
certificate = $DIR/ca.pem
private_key = $DIR/ca.key
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
[ server ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
[ wronghost ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example.com
[ client ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
EOF

# sign NAME CN SECTION [START END]: NAME.key and NAME.pem signed by the test CA.
sign() {
    local name=$1 cn=$2 section=$3 start=${4:-} end=${5:-}
    key "$name.key"
    quiet openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$name.csr"
    local dates=(-days 30)
    [ -n "$start" ] && dates=(-startdate "$start" -enddate "$end")
    quiet openssl ca -batch -config ca.cnf -extensions "$section" "${dates[@]}" -in "$name.csr" -out "$name.pem" -notext
    rm -f "$name.csr"
}

sign server localhost server
sign wronghost wrong.example.com wronghost
sign expired-server localhost server 20200101000000Z 20200201000000Z
sign client kfast-client client
sign client-expired kfast-client client 20200101000000Z 20200201000000Z

quiet openssl pkcs8 -topk8 -in client.key -out client-enc.key -v2 aes-256-cbc -passout pass:key-secret
quiet openssl pkcs12 -export -in client.pem -inkey client.key -out client.p12 -passout pass:store-secret
chmod 600 ./*.key client.p12
