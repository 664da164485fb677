#!/bin/bash
# Makes the certificates download_test needs, in the directory given as $1:
#   ca.pem / ca.key          a test CA
#   server.pem / server.key  signed by it, for IP 127.0.0.1 and DNS localhost
#   other.pem / other.key    signed by it, for DNS elsewhere.test only (a name mismatch)
#   wrong-ca.pem             an unrelated CA that signed nothing here
# EC keys keep this well under a second. Nothing leaves the directory.
set -euo pipefail
dir=$1
cd "$dir"

ca() {  # name subject
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -keyout "$1.key" -out "$1.pem" \
    -subj "/CN=$2" -days 2 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    2>/dev/null
}

leaf() {  # name subject subjectAltName
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -keyout "$1.key" -out "$1.csr" \
    -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 2 \
    -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

ca ca "Rally Test CA"
ca wrong-ca "Rally Unrelated CA"
leaf server localhost "IP:127.0.0.1,DNS:localhost"
leaf other elsewhere.test "DNS:elsewhere.test"
