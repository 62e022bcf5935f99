#!/bin/sh
# t_emit_c.sh - the C backend end to end (`expc build --emit=c`, docs/language.md §8).
#
#  - goldens: the C each example compiles to, byte for byte
#    (tests/golden/emit_c/NAME.c and NAME.h; `make bless`
#    rewrites them - review the diff before committing);
#  - every example's output compiles under -std=c11 -Wall -Wextra -pedantic
#    -Werror with gcc and clang-14, with and without --main, and the --main
#    program scores the example's events exactly like `expc run`;
#  - the ABI driver (tests/abi/driver.c) against tests/abi/abi.exp, also
#    under -fsanitize=undefined (the step must not overflow, only wrap);
#  - -o handling, default names, --prefix, determinism, atomic outputs;
#  - the differential test: random scripts and logs (tests/gen_script.py),
#    the compiled --main program against `expc run --engine=interp`.
#    DIFF_SEED (default 1) and DIFF_SCRIPTS (default 24) choose the cases.
. "$(dirname "$0")/lib.sh"
# The stderr $2 of program $1 as expc would have written it: the program's
# messages start with its own name, its `Try` hint names it as called.
norm_prog() {
    sed -e "s|^Try \`$1 --help\`\.\$|Try \`expc --help\`.|" \
        -e "s|^$(basename "$1"): |expc: |" "$2"
}
cd "$ROOT"
T=$TMPDIR_T
G=tests/golden/emit_c

COMPILERS=
for c in gcc clang-14; do
    if command -v "$c" >/dev/null 2>&1; then COMPILERS="$COMPILERS $c"; else
        skip "compile-$c" "$c not found: the generated C is not compiled with it"; fi
done
[ -n "$COMPILERS" ] || COMPILERS=${CC:-cc}
CC1=$(echo $COMPILERS | cut -d' ' -f1)

# compiles NAME CC ARGS...: one case, the compiler's messages on failure.
compiles() {
    _case=$1
    shift
    if "$@" >"$T/cc.err" 2>&1; then pass "$_case"; else fail "$_case" "$(head -20 "$T/cc.err")"; fi
}

# ---- goldens and compiling the examples --------------------------------------
mkdir -p "$T/g"
n_ex=0
for f in examples/*.exp; do
    n_ex=$((n_ex + 1))
    n=$(basename "$f" .exp)
    "$EXPC" build "$f" --emit=c -o "$T/g/$n.c" 2>"$T/err"
    expect_code "build-$n" 0 $?
    for ext in c h; do
        golden "golden-$n.$ext" "$G/$n.$ext" "$T/g/$n.$ext"
    done
    "$EXPC" build "$f" --emit=c --main -o "$T/g/${n}_main.c" 2>/dev/null
    expect_code "build-main-$n" 0 $?
    for cc in $COMPILERS; do
        compiles "compile-$cc-$n" "$cc" $STRICT -c -o "$T/g/$n.o" "$T/g/$n.c"
        compiles "compile-$cc-O3-$n" "$cc" $STRICT -O3 -c -o "$T/g/$n.o" "$T/g/$n.c"
        compiles "compile-$cc-main-$n" "$cc" $STRICT -O2 -o "$T/g/${n}_$cc" "$T/g/${n}_main.c"
    done
    # The example's own events, through the program and through `expc run`.
    [ -f "examples/$n.csv" ] || continue
    prog=$T/g/${n}_$CC1
    for fl in --format=csv --format=json --strict --skip-invalid; do
        "$prog" $fl "examples/$n.csv" >"$T/p.out" 2>"$T/p.err"
        prc=$?
        "$EXPC" run "$f" --engine=interp $fl "examples/$n.csv" >"$T/i.out" 2>"$T/i.err"
        expect_code "main-exit-$n$fl" "$?" "$prc"
        expect_same "main-stdout-$n$fl" "$T/i.out" "$T/p.out"
        norm_prog "$prog" "$T/p.err" >"$T/p.norm"
        expect_same "main-stderr-$n$fl" "$T/i.err" "$T/p.norm"
    done
done
# A golden without its example is stale.
for g in "$G"/*.c; do
    [ -f "$g" ] || continue
    n=$(basename "$g" .c)
    [ -f "examples/$n.exp" ] && pass "golden-has-example" ||
        fail "golden-stale-$n" "$g has no examples/$n.exp; remove it"
done

# ---- the ABI drivers -----------------------------------------------------------
# tests/abi/driver.c against abi.exp (prefix abi), and ABI 2 with time rules:
# driver_time.c against abi_time.exp (prefix abt).  Undefined behaviour
# (signed overflow above all) is a bug even when the result looks right:
# each driver also runs under UBSan.
mkdir -p "$T/abi"
HAVE_UBSAN=0
if gcc -fsanitize=undefined -x c -o "$T/abi/ub" - <<EOF >/dev/null 2>&1
int main(void) { return 0; }
EOF
then HAVE_UBSAN=1; fi
for d in "driver abi abi" "driver_time abt abi_time"; do
    # shellcheck disable=SC2086 # three words: the driver, the prefix, the script
    set -- $d
    "$EXPC" build "tests/abi/$3.exp" --emit=c --prefix "$2" -o "$T/abi/$2.c" 2>/dev/null
    expect_code "$1-build" 0 $?
    for cc in $COMPILERS; do
        for opt in -O0 -O2; do
            compiles "$1-compile-$cc$opt" "$cc" $STRICT $opt -I"$T/abi" -o "$T/abi/$1" \
                "tests/abi/$1.c" "$T/abi/$2.c"
            "$T/abi/$1" >"$T/abi/out" 2>&1
            expect_code "$1-run-$cc$opt" 0 $?
            grep -q ', 0 failed$' "$T/abi/out" || fail "$1-checks-$cc$opt" "$(cat "$T/abi/out")"
        done
    done
    [ "$HAVE_UBSAN" = 1 ] || continue
    compiles "$1-ubsan" gcc $STRICT -O1 -fsanitize=undefined -fno-sanitize-recover=all \
        -I"$T/abi" -o "$T/abi/$1_ub" "tests/abi/$1.c" "$T/abi/$2.c"
    "$T/abi/$1_ub" >"$T/abi/out" 2>&1
    expect_code "$1-ubsan-run" 0 $?
done

# ---- -o, default names, determinism, atomic outputs -----------------------------
mkdir -p "$T/cwd"
(cd "$T/cwd" && "$EXPC" build "$ROOT/examples/grand_hotel.exp" --emit=c 2>/dev/null)
expect_code default-name 0 $?
[ -f "$T/cwd/grand_hotel.c" ] && [ -f "$T/cwd/grand_hotel.h" ] &&
    [ "$(ls -A "$T/cwd" | wc -l)" -eq 2 ] && pass default-files ||
    fail default-files "$(ls -A "$T/cwd")"
grep -q '^#include "grand_hotel.h"$' "$T/cwd/grand_hotel.c" && pass default-include ||
    fail default-include "no #include \"grand_hotel.h\""
# The same bytes from another folder and a relative path: no folder leaks in.
(cd examples && "$EXPC" build grand_hotel.exp --emit=c -o "$T/cwd/again.c" 2>/dev/null)
sed 's/again\.\([ch]\)/grand_hotel.\1/g' "$T/cwd/again.c" >"$T/cwd/again.norm"
expect_same same-bytes-elsewhere "$T/cwd/grand_hotel.c" "$T/cwd/again.norm"
"$EXPC" build examples/grand_hotel.exp --emit=c -o "$T/cwd/again.c" 2>/dev/null
sed 's/again\.\([ch]\)/grand_hotel.\1/g' "$T/cwd/again.c" | cmp -s - "$T/cwd/again.norm" &&
    pass same-bytes-twice || fail same-bytes-twice "differs"
# -O changes nothing in C: the C compiler optimises.
"$EXPC" build examples/grand_hotel.exp --emit=c -O0 -o "$T/cwd/again.c" 2>/dev/null
sed 's/again\.\([ch]\)/grand_hotel.\1/g' "$T/cwd/again.c" | cmp -s - "$T/cwd/again.norm" &&
    pass same-bytes-O0 || fail same-bytes-O0 "differs"
grep -q "$ROOT" "$T/cwd/grand_hotel.c" "$T/cwd/grand_hotel.h" &&
    fail no-abs-path "the checkout's path is in the output" || pass no-abs-path

# -o without .c: the header is OUT.h, and the source still includes it.
mkdir -p "$T/o"
"$EXPC" build examples/clinic.exp --emit=c -o "$T/o/machine" 2>/dev/null
expect_code o-no-ext 0 $?
[ -f "$T/o/machine" ] && [ -f "$T/o/machine.h" ] && pass o-no-ext-files ||
    fail o-no-ext-files "$(ls -A "$T/o")"
compiles o-no-ext-compile "$CC1" $STRICT -c -x c -o "$T/o/m.o" "$T/o/machine"
"$EXPC" build examples/clinic.exp --emit=c -o "$T/o/clinic.c" 2>/dev/null
[ "$(ls -A "$T/o" | wc -l)" -eq 5 ] && pass no-temporaries || fail no-temporaries "$(ls -A "$T/o")"

# Unwritable outputs: 74, and nothing at all is left behind.
mkdir -p "$T/w"
"$EXPC" build examples/clinic.exp --emit=c -o "$T/w/missing/x.c" 2>"$T/err"
expect_code o-missing-dir 74 $?
grep -q "^expc: $T/w/missing/x" "$T/err" && pass o-missing-dir-msg ||
    fail o-missing-dir-msg "$(cat "$T/err")"
mkdir "$T/w/adir"
"$EXPC" build examples/clinic.exp --emit=c -o "$T/w/adir" 2>/dev/null
expect_code o-is-dir 74 $?
[ "$(ls -A "$T/w" | wc -l)" -eq 1 ] && [ -z "$(ls -A "$T/w/adir")" ] &&
    pass o-nothing-left || fail o-nothing-left "$(ls -RA "$T/w")"
# A script with errors leaves earlier outputs as they were.
echo old >"$T/w/keep.c"
printf 'experience broken { path SAY -> STAY; }\n' >"$T/w/broken.exp"
"$EXPC" build "$T/w/broken.exp" --emit=c -o "$T/w/keep.c" 2>/dev/null
expect_code broken-script 1 $?
[ "$(cat "$T/w/keep.c")" = old ] && [ ! -e "$T/w/keep.h" ] && pass broken-untouched ||
    fail broken-untouched "keep.c changed or keep.h made"

# ---- --prefix -------------------------------------------------------------------
mkdir -p "$T/p"
"$EXPC" build examples/grand_hotel.exp --emit=c --prefix Hotel_X -o "$T/p/h.c" 2>/dev/null
expect_code prefix 0 $?
grep -q '^#define HOTEL_X_NOTES 3$' "$T/p/h.h" && grep -q '^} Hotel_X_state;$' "$T/p/h.h" &&
    grep -q '^extern const int32_t Hotel_X_event_count;$' "$T/p/h.h" && pass prefix-names ||
    fail prefix-names "names in h.h"
grep -q 'exp_grand_hotel' "$T/p/h.h" "$T/p/h.c" && fail prefix-only "default prefix left" ||
    pass prefix-only
cat >"$T/p/user.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include "h.h"
int main(void)
{
    static const char *const evs[] = { "fast_checkin", "greeted", "nope", "review_left" };
    Hotel_X_state s;
    Hotel_X_init(&s);
    for (int i = 0; i < 4; i++) {
        int32_t id = Hotel_X_event_id(evs[i], strlen(evs[i]));
        if (id >= 0)
            Hotel_X_step(&s, id, 0);
    }
    printf("%s %lld %d\n", Hotel_X_stage_name(s.stage), (long long)s.score,
           (int)Hotel_X_event_count);
    return 0;
}
EOF
compiles prefix-user "$CC1" $STRICT -I"$T/p" -o "$T/p/user" "$T/p/user.c" "$T/p/h.c"
[ "$("$T/p/user")" = "SPEND 22 6" ] && pass prefix-user-run || fail prefix-user-run "$("$T/p/user")"
# With --main the runtime shares the file: prefixes that would redefine its
# names (rt_state, run_state) are refused.
"$EXPC" build examples/grand_hotel.exp --emit=c --main --prefix rt -o "$T/p/r.c" 2>/dev/null
expect_code prefix-rt-main 2 $?
"$EXPC" build examples/grand_hotel.exp --emit=c --main --prefix run -o "$T/p/r.c" 2>"$T/err"
expect_code prefix-run-main 2 $?
grep -q "run_state" "$T/err" && pass prefix-run-msg || fail prefix-run-msg "$(cat "$T/err")"
"$EXPC" build examples/grand_hotel.exp --emit=c --prefix 'a b' -o "$T/p/r.c" 2>/dev/null
expect_code prefix-space 2 $?
[ ! -e "$T/p/r.c" ] && pass prefix-nothing-written || fail prefix-nothing-written "r.c made"

# ---- the standalone program's own command line -----------------------------------
prog=$T/g/grand_hotel_$CC1
"$prog" --help >/dev/null 2>&1; expect_code main-help 0 $?
"$prog" --bogus >/dev/null 2>&1; expect_code main-bad-flag 2 $?
"$prog" "$T/none.csv" >/dev/null 2>"$T/p.err"; expect_code main-missing 66 $?
grep -q "^grand_hotel_$CC1: $T/none.csv: " "$T/p.err" && pass main-own-name ||
    fail main-own-name "$(cat "$T/p.err")"
"$prog" --bogus 2>&1 | head -1 | grep -q "^grand_hotel_$CC1: unknown option" &&
    pass main-own-name-usage || fail main-own-name-usage "usage error prefix"
printf 'a,greeted\n' | "$prog" >"$T/p.out" 2>&1
printf 'a,greeted\n' | "$EXPC" run examples/grand_hotel.exp >"$T/i.out" 2>&1
expect_same main-stdin "$T/i.out" "$T/p.out"

# ---- the program and `expc run` read one option table (wt-cli) -------------------
# src/rt/opts.c: the same options, values and messages in both; only the
# program's name differs: its messages start with `grand_hotel_CC: ` (the
# basename of argv[0]) where expc's start with `expc: `, and the `Try ...
# --help` hint names the program as it was called.
prog=$T/g/grand_hotel_$CC1
ev=examples/grand_hotel.csv
for fl in "--summary" "--format json" "--strict --skip-invalid" "--format=json --summary --"; do
    "$prog" $fl "$ev" >"$T/p.out" 2>"$T/p.err"
    prc=$?
    "$EXPC" run examples/grand_hotel.exp --engine=interp $fl "$ev" >"$T/i.out" 2>"$T/i.err"
    expect_code "opts-exit-$fl" "$?" "$prc"
    expect_same "opts-stdout-$fl" "$T/i.out" "$T/p.out"
    norm_prog "$prog" "$T/p.err" >"$T/p.norm"
    expect_same "opts-stderr-$fl" "$T/i.err" "$T/p.norm"
done
for fl in --bogus --format --format=yaml --format= --strict=yes --summary=1; do
    "$prog" "$ev" $fl >/dev/null 2>"$T/p.err"
    prc=$?
    "$EXPC" run examples/grand_hotel.exp "$ev" $fl >/dev/null 2>"$T/i.err"
    expect_code "opts-usage-exit$fl" "$?" "$prc"
    norm_prog "$prog" "$T/p.err" >"$T/p.norm"
    expect_same "opts-usage-msg$fl" "$T/i.err" "$T/p.norm"
done
# --input is shared: the program carries the runtime's own JSON reader.
"$prog" --input=csv "$ev" >"$T/p.out" 2>"$T/p.err"
prc=$?
"$EXPC" run --engine=interp examples/grand_hotel.exp --input=csv "$ev" >"$T/i.out" 2>/dev/null
expect_code opts-input 0 "$prc"
expect_same opts-input-out "$T/i.out" "$T/p.out"
"$prog" --help >"$T/p.out"
for o in --format=csv\|json --input=csv\|ndjson --strict --skip-invalid --summary \
    --customer=COL --event=COL --time=COL --memory=SIZE --threads=N; do
    grep -q -- "^  $o " "$T/p.out" && pass "opts-help$o" || fail "opts-help$o" "$(cat "$T/p.out")"
done
head -1 "$T/p.out" | grep -q "^usage: $prog \[--format=csv|json\] \[--input=csv|ndjson\] \[--strict\] \[--skip-invalid\] \[--summary\] \[--customer=COL\] \[--event=COL\] \[--time=COL\] \[--memory=SIZE\] \[--threads=N\] \[FILE|-\]$" &&
    pass opts-help-usage || fail opts-help-usage "$(head -1 "$T/p.out")"

# ---- every placeholder filled in -------------------------------------------
# tmpl_put aborts on an @NAME@ it cannot fill; no output of the C and PG
# backends keeps one either (an @, an identifier, an @).
mkdir -p "$T/ph"
"$EXPC" build examples/grand_hotel.exp --emit=c -o "$T/ph/gh.c" 2>/dev/null &&
    "$EXPC" build examples/grand_hotel.exp --emit=c --main -o "$T/ph/ghm.c" 2>/dev/null &&
    "$EXPC" build examples/grand_hotel.exp --emit=pg -o "$T/ph/pg" 2>/dev/null &&
    pass placeholders-build || fail placeholders-build "a backend failed"
n_ph=$(find "$T/ph" -type f | wc -l)
at_least placeholders-files 4 "$n_ph"
left=$(find "$T/ph" -type f -exec grep -HnE '@[A-Za-z_][A-Za-z0-9_]*@' {} + | head -5)
[ -z "$left" ] && pass placeholders-none || fail placeholders-none "$left"

# ---- the CSV scanner without SSE2 ------------------------------------------
# The runtime's scanner (src/rt/csv.c) uses SSE2 where the compiler has it
# and 8-byte words elsewhere: the program built both ways reads a generated
# log (quoted ids, doubled quotes), with CRLF lines, UTF-8 good and bad, a
# quoted LF and a last line without its LF appended, exactly as `expc run`.
mkdir -p "$T/sse"
if "$CC1" -std=c11 -O2 -o "$T/sse/gen" bench/gen_events.c 2>"$T/err" &&
    "$T/sse/gen" 20000 2000 7 >"$T/sse/log.csv" 2>>"$T/err"; then
    printf 'G1,greeted,t\r\nG2\xc3\xa9,spa_booked,t\r\n"G 3\nx",greeted,t\nG4\xff,greeted,t\n"G5""q",complaint\nG6,greeted' \
        >>"$T/sse/log.csv"
    "$EXPC" build examples/grand_hotel.exp --emit=c --main -o "$T/sse/m.c" 2>/dev/null
    compiles sse2-compile "$CC1" $STRICT -O2 -o "$T/sse/m" "$T/sse/m.c"
    compiles nosse2-compile "$CC1" $STRICT -O2 -U__SSE2__ -o "$T/sse/m_portable" "$T/sse/m.c"
    "$EXPC" run examples/grand_hotel.exp --engine=interp --skip-invalid "$T/sse/log.csv" \
        >"$T/sse/i.out" 2>/dev/null
    for v in m m_portable; do
        "$T/sse/$v" --skip-invalid "$T/sse/log.csv" >"$T/sse/$v.out" 2>/dev/null
        expect_same "scanner-$v" "$T/sse/i.out" "$T/sse/$v.out"
    done
    at_least scanner-rows 2000 "$(wc -l <"$T/sse/i.out")"
else
    fail scanner-gen "$(head -5 "$T/err")"
fi

# ---- differential: compiled --main programs against the interpreter ---------------
at_least examples 4 "$n_ex"
if command -v python3 >/dev/null 2>&1; then
    python3 tests/gen_script.py diff --expc "$EXPC" --engines c \
        --seed "${DIFF_SEED:-1}" --scripts "${DIFF_SCRIPTS:-24}" --logs 3 \
        --work "$T/diff" >"$T/diff.out" 2>&1
    count_diff difftest "$T/diff.out" $?
    at_least difftest-cases 24 "$DIFF_CASES"
else
    skip difftest "python3 not found: differential test not run"
fi

finish
