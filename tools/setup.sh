#!/bin/sh
# tools/setup.sh - set up a fresh Debian 12 machine for expc, build it and
# score an example.  Installs only the packages that are missing (apt-get,
# as root or through sudo), then `make`, then `expc run` on the hotel example.
set -eu
cd "$(dirname "$0")/.."

PKGS="make gcc flex bison pkg-config libcmocka-dev libjansson-dev llvm-14-dev clang-14
      graphviz postgresql-15 postgresql-server-dev-15 man-db groff-base valgrind python3
      python3-jsonschema libxml2-utils curl
      libmicrohttpd-dev liblmdb-dev lmdb-utils wrk neovim tmux libgraphviz-dev chromium
      nodejs"
# npm installs the DuckDB peer of `make bench` (bench/package.json): Debian's
# package, unless an npm is already there - a Node.js from elsewhere brings
# its own, and Debian's npm would conflict with it.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    echo "setup: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

make -j"$(nproc)"
echo "setup: scoring examples/grand_hotel.csv with examples/grand_hotel.exp"
build/expc run examples/grand_hotel.exp examples/grand_hotel.csv
