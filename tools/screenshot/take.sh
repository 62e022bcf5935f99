#!/bin/sh
# take.sh - docs/editors-nvim.png: Neovim with `expc lsp` attached, showing a
# diagnostic and a hover, taken headless: Neovim runs in a detached tmux
# session (tools/screenshot/init.lua), `tmux capture-pane -e` reads the
# screen with its colours, ansi_html.py turns it into HTML and headless
# Chromium renders that to PNG.  Debian packages only (neovim, tmux,
# chromium, fonts-dejavu-core).
#
# usage: sh tools/screenshot/take.sh [OUT.png]   (after make)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/docs/editors-nvim.png}
EXPC=${EXPC:-$ROOT/build/expc}
T=$(mktemp -d)
S=expc-shot-$$
trap 'tmux kill-session -t "$S" 2>/dev/null || :; rm -rf "$T"' EXIT INT TERM

# The hotel of the examples with one misspelt emotion.
sed 's/evoke comfort, relaxation;/evoke comfrt, relaxation;/' "$ROOT/examples/grand_hotel.exp" \
    >"$T/grand_hotel.exp"
cd "$T"
tmux new-session -d -s "$S" -x 104 -y 34 \
    "env HOME=$T XDG_STATE_HOME=$T/state XDG_CACHE_HOME=$T/cache TERM=tmux-256color \
     EXPC_ROOT=$ROOT EXPC=$EXPC nvim -i NONE -u $ROOT/tools/screenshot/init.lua +20 grand_hotel.exp"
sleep 4
tmux capture-pane -t "$S" -e -p >"$T/screen.ansi"
python3 "$ROOT/tools/screenshot/ansi_html.py" <"$T/screen.ansi" >"$T/screen.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,650 \
    --screenshot="$T/shot.png" "file://$T/screen.html" >/dev/null 2>&1
cp "$T/shot.png" "$OUT"
echo "wrote $OUT"
