#!/bin/sh
# tests/t_install.sh - `make install`, and the documentation that ships.
#
# An installed expc must find its stdlib next to itself
# (PREFIX/share/expc/stdlib, see load_find_stdlib in src/load.c) with no
# environment variable, from any folder, both for PREFIX= and for a staged
# DESTDIR= install; the man page is installed and renders without a groff
# warning; and docs/diagnostics.md is what tools/gen_diagnostics_md.sh makes
# from the code table today.
. "$(dirname "$0")/lib.sh"

unset EXP_PATH MAKEFLAGS MFLAGS

# The example every installed binary checks: it imports the stdlib.
EX=$ROOT/examples/grand_hotel.exp
[ -f "$EX" ] || EX=$ROOT/tests/golden/graph/hotel.exp

# installed_ok NAME BIN MANDIR: the binary works from an unrelated folder.
installed_ok() {
    name=$1 bin=$2 mandir=$3
    if [ -x "$bin" ]; then pass "$name: binary installed"; else fail "$name: binary installed" "$bin"; fi
    elsewhere=$TMPDIR_T/elsewhere
    mkdir -p "$elsewhere"
    cp "$EX" "$elsewhere/script.exp"
    (cd "$elsewhere" && env -u EXP_PATH "$bin" check script.exp) >"$TMPDIR_T/out" 2>&1
    expect_code "$name: check of a script importing the stdlib" 0 $?
    # The installed stdlib is the one found (not the build tree's).
    printf 'import "nonexistent_module";\n' >"$elsewhere/missing.exp"
    (cd "$elsewhere" && env -u EXP_PATH "$bin" check missing.exp) >"$TMPDIR_T/out" 2>&1
    if grep -q 'E0205' "$TMPDIR_T/out" && grep -q 'share/expc/stdlib' "$TMPDIR_T/out"; then
        pass "$name: searches PREFIX/share/expc/stdlib"; else
        fail "$name: searches PREFIX/share/expc/stdlib" "$(cat "$TMPDIR_T/out")"; fi
    if [ -f "$mandir/man1/expc.1" ]; then pass "$name: man page installed"; else
        fail "$name: man page installed" "no $mandir/man1/expc.1"; fi
    if command -v man >/dev/null 2>&1; then
        MANPATH=$mandir man -w expc >"$TMPDIR_T/out" 2>&1
        if grep -q "$mandir/man1/expc.1" "$TMPDIR_T/out"; then pass "$name: man finds it"; else
            fail "$name: man finds it" "$(cat "$TMPDIR_T/out")"; fi
    else
        fail "$name: man finds it" "man not found: apt-get install man-db groff-base"
    fi
}

# ---- make install PREFIX=... ------------------------------------------------
# `-o build/expc`: install the binary under test as it is; `make check` has
# built it (with whatever SAN= or LLVM= it was given), so the test must not
# rebuild it.
P=$TMPDIR_T/prefix
make -C "$ROOT" --no-print-directory -o build/expc -o build/expc-llvm.so install PREFIX="$P" >"$TMPDIR_T/log" 2>&1
rc=$?
expect_code "make install PREFIX" 0 $rc
[ "$rc" -eq 0 ] || cat "$TMPDIR_T/log"
for f in emotions.exp industries.exp; do
    if cmp -s "$ROOT/stdlib/$f" "$P/share/expc/stdlib/$f"; then pass "PREFIX: stdlib $f"; else
        fail "PREFIX: stdlib $f" "not installed"; fi
done
installed_ok PREFIX "$P/bin/expc" "$P/share/man"

# With LLVM built in, the installed expc finds its LLVM plugin in
# PREFIX/lib/expc and the JIT gives the interpreter's result.
if ! has_llvm; then
    not_built llvm "expc has no LLVM: the installed plugin is not tried"
elif [ ! -f "$B/expc-llvm.so" ]; then
    fail "PREFIX: plugin" "expc has LLVM but there is no $B/expc-llvm.so"
else
    (cd "$TMPDIR_T" && "$P/bin/expc" run "$ROOT/examples/clinic.exp" "$ROOT/examples/clinic.csv" \
        --engine=jit >"$TMPDIR_T/jit.out" 2>/dev/null)
    expect_code "PREFIX: jit run" 0 $?
    "$EXPC" run examples/clinic.exp examples/clinic.csv --engine=interp >"$TMPDIR_T/interp.out" 2>/dev/null
    expect_same "PREFIX: jit = interp" "$TMPDIR_T/interp.out" "$TMPDIR_T/jit.out"
fi

# Without its stdlib an installed expc says so (E0205), it does not fall
# back on some other copy.
cp -R "$P" "$TMPDIR_T/nostd"
rm -rf "$TMPDIR_T/nostd/share/expc/stdlib"
(cd "$TMPDIR_T/elsewhere" && env -u EXP_PATH "$TMPDIR_T/nostd/bin/expc" check script.exp) \
    >"$TMPDIR_T/out" 2>&1
expect_code "no stdlib: errors" 1 $?
if grep -q 'E0205' "$TMPDIR_T/out"; then pass "no stdlib: import not found"; else
    fail "no stdlib: import not found" "$(cat "$TMPDIR_T/out")"; fi

# ---- make install DESTDIR=... (a staged install, as packagers do) ------------
D=$TMPDIR_T/stage
make -C "$ROOT" --no-print-directory -o build/expc -o build/expc-llvm.so install DESTDIR="$D" PREFIX=/opt/expc >"$TMPDIR_T/log" 2>&1
expect_code "make install DESTDIR" 0 $?
installed_ok DESTDIR "$D/opt/expc/bin/expc" "$D/opt/expc/share/man"

# ---- the man page --------------------------------------------------------------
if command -v man >/dev/null 2>&1; then
    man --warnings -l "$ROOT/docs/expc.1" >"$TMPDIR_T/man.txt" 2>"$TMPDIR_T/man.err"
    rc=$?
    if [ "$rc" -eq 0 ] && [ ! -s "$TMPDIR_T/man.err" ]; then pass "man page: no warnings"; else
        fail "man page: no warnings" "exit $rc: $(head -5 "$TMPDIR_T/man.err")"; fi
    if grep -q 'EXIT STATUS' "$TMPDIR_T/man.txt"; then pass "man page: renders"; else
        fail "man page: renders" "no EXIT STATUS section"; fi
else
    fail "man page: no warnings" "man not found: apt-get install man-db groff-base"
fi
# Every command and exit code of docs/language.md §9 is on the page.
for w in check build run fmt graph explain 65 66 70 74 EXP_PATH; do
    grep -q "$w" "$ROOT/docs/expc.1" || { fail "man page: mentions $w" "missing"; continue; }
    pass "man page: mentions $w"
done

# ---- docs/diagnostics.md is generated, and current -------------------------------
sh "$ROOT/tools/gen_diagnostics_md.sh" "$EXPC" >"$TMPDIR_T/diagnostics.md" 2>"$TMPDIR_T/err"
expect_code "diagnostics.md: generator runs" 0 $?
if cmp -s "$ROOT/docs/diagnostics.md" "$TMPDIR_T/diagnostics.md"; then
    pass "diagnostics.md: up to date"; else
    fail "diagnostics.md: up to date" \
        "stale: sh tools/gen_diagnostics_md.sh build/expc > docs/diagnostics.md"
    diff -u "$ROOT/docs/diagnostics.md" "$TMPDIR_T/diagnostics.md" | head -20
fi
# One section per code of the table.
n_codes=$("$EXPC" explain --list | wc -l)
n_sections=$(grep -c '^## [EW][0-9][0-9][0-9][0-9]: ' "$ROOT/docs/diagnostics.md")
if [ "$n_codes" -gt 0 ] && [ "$n_codes" -eq "$n_sections" ]; then pass "diagnostics.md: every code"; else
    fail "diagnostics.md: every code" "$n_sections sections for $n_codes codes"; fi

finish
