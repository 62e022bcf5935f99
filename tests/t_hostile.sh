#!/bin/sh
# t_hostile.sh - hostile inputs: what a careless or malicious user can hand
# expc, and the exact message and exit code it must answer with (docs/language.md §9:
# 0 ok, 1 script errors, 2 usage, 65 invalid event data, 66 unreadable
# input, 74 unwritable output; nothing half-written), in time and memory
# linear in the input (docs/limits.md).
#
# Big inputs are generated in the suite's temp folder, never committed.
# Time limits are generous (a loaded machine, and 4x under ASan+UBSan, which
# is detected from the binary); memory is measured with /usr/bin/time when
# it is there and the build is not sanitized.  The whole suite takes about
# 20 s normally.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T
EX=examples/grand_hotel.exp
EXCSV=examples/grand_hotel.csv

SAN=0
nm "$EXPC" 2>/dev/null | grep -q __asan_init && SAN=1
SLOW=1
[ "$SAN" = 1 ] && SLOW=4
LLVM=0
"$EXPC" --version | grep -q '(LLVM' && LLVM=1
ENGINES=interp
[ "$LLVM" = 1 ] && ENGINES="interp jit"
[ "$LLVM" = 1 ] || not_built llvm "expc has no LLVM: the JIT gets no hostile input"
TIME=
[ "$SAN" = 0 ] && [ -x /usr/bin/time ] && TIME=/usr/bin/time

# ---- helpers ---------------------------------------------------------------

# run LIMIT_S CMD...: runs CMD with stdout in $T/out and stderr in $T/err
# (stdin from /dev/null), killed after KILLX (default 10) times the limit;
# sets RC, MS (elapsed milliseconds) and KB (peak RSS, 0 when unknown).
KILLX=10
run() {
    lim=$(($1 * SLOW))
    shift
    t0=$(date +%s%N)
    if [ -n "$TIME" ]; then
        timeout -k 5 $((lim * KILLX)) $TIME -o "$T/time" -f '%M' "$@" >"$T/out" 2>"$T/err" </dev/null
        RC=$?
        KB=$(tail -1 "$T/time" 2>/dev/null)
        case $KB in '' | *[!0-9]*) KB=0 ;; esac
    else
        timeout -k 5 $((lim * KILLX)) "$@" >"$T/out" 2>"$T/err" </dev/null
        RC=$?
        KB=0
    fi
    MS=$((($(date +%s%N) - t0) / 1000000))
    LIMIT_MS=$((lim * 1000))
}

# in_time NAME: the last run finished within its limit.
in_time() {
    if [ "$MS" -le "$LIMIT_MS" ]; then pass "$1"; else
        fail "$1" "took ${MS} ms, limit ${LIMIT_MS} ms"; fi
}

# mem_below NAME KB: the last run's peak RSS stayed below KB.  Not
# measured (no /usr/bin/time, or no reading) is a skip, never a pass; under
# ASan (SAN=1) the RSS means nothing and the case does not apply.
mem_below() {
    if [ "$SAN" = 1 ]; then not_built rss "$1: peak RSS under AddressSanitizer"
    elif [ -z "$TIME" ]; then skip "$1" "/usr/bin/time not found: peak RSS not measured"
    elif [ "$KB" -eq 0 ]; then fail "$1" "no peak RSS reading from $TIME"
    elif [ "$KB" -lt "$2" ]; then pass "$1"
    else fail "$1" "peak RSS ${KB} KB, limit $2 KB"; fi
}

# same_text NAME FILE TEXT: FILE holds exactly TEXT (plus its newline).
same_text() {
    printf '%s\n' "$3" >"$T/want"
    if cmp -s "$T/want" "$2"; then pass "$1"; else
        fail "$1" "$2 differs from the expected text"
        diff "$T/want" "$2" | head -10 | cut -c1-200
    fi
}

# first_line NAME FILE TEXT: the first line of FILE is exactly TEXT.
first_line() {
    l=$(head -n 1 "$2" | cut -c1-1000)
    if [ "$l" = "$3" ]; then pass "$1"; else
        fail "$1" "first line: $l"; fi
}

# empty NAME FILE
empty() {
    if [ ! -s "$2" ]; then pass "$1"; else
        fail "$1" "$2 is not empty: $(head -c 300 "$2")"; fi
}

# count NAME FILE PATTERN N: N lines of FILE match the grep pattern.
count() {
    n=$(grep -c -e "$3" "$2")
    if [ "$n" = "$4" ]; then pass "$1"; else fail "$1" "$n lines match '$3', want $4"; fi
}

# nothing_in NAME DIR: DIR holds no file at all (hidden temporaries too).
nothing_in() {
    left=$(ls -A "$2")
    if [ -z "$left" ]; then pass "$1"; else fail "$1" "left behind in $2: $left"; fi
}

# json_lines NAME FILE: every line of FILE is one JSON object (jansson's
# rules are not checked here, only python's; no python3 is a skip).
json_lines() {
    if ! command -v python3 >/dev/null; then skip "$1" "python3 not found"; return; fi
    if python3 -c '
import json, sys
for l in open(sys.argv[1], "rb"):
    assert isinstance(json.loads(l), dict)
' "$2" 2>/dev/null; then pass "$1"; else fail "$1" "not JSON lines: $(head -c 300 "$2")"; fi
}

# A valid script and log to score.
cat >"$T/ok.exp" <<'EOS'
import "emotions";
experience e {
    path SAY -> STAY -> SPEND;
    note SAY { stage "s"; system "y"; service "v"; threshold 1; }
    note STAY { stage "s"; system "y"; service "v"; threshold 1; }
    note SPEND { stage "s"; system "y"; service "v"; threshold 1; }
    event a : SAY +1;
    event b : STAY +1;
    event c : SPEND +1;
}
EOS

# ---- empty file: valid, declares nothing ------------------------------------

: >"$T/empty.exp"
run 5 "$EXPC" check "$T/empty.exp"
expect_code empty-check 0 $RC
empty empty-check-quiet "$T/err"
run 5 "$EXPC" fmt "$T/empty.exp"
expect_code empty-fmt 0 $RC
empty empty-fmt-output "$T/out"
run 5 "$EXPC" run "$T/empty.exp" --engine=interp
expect_code empty-run 2 $RC
same_text empty-run-msg "$T/err" "expc: $T/empty.exp declares no experience"
empty empty-run-no-output "$T/out"
mkdir "$T/emptyb"
run 5 "$EXPC" build "$T/empty.exp" --emit=c -o "$T/emptyb/out.c"
expect_code empty-build 2 $RC
same_text empty-build-msg "$T/err" "expc: $T/empty.exp declares no experience"
nothing_in empty-build-nothing "$T/emptyb"

# ---- NUL bytes and invalid UTF-8 in a script --------------------------------

head -c 100000 /dev/zero >"$T/nul.exp"
run 5 "$EXPC" check "$T/nul.exp"
expect_code nul-check 1 $RC
first_line nul-msg "$T/err" "$T/nul.exp:1:1: error[E0101]: unexpected NUL byte"
count nul-max-errors "$T/err" 'error\[E0101\]' 20
in_time nul-time
run 5 "$EXPC" check --max-errors 3 --diagnostics=json "$T/nul.exp"
expect_code nul-json 1 $RC
count nul-json-3 "$T/err" '"code":"E0101"' 3
json_lines nul-json-lines "$T/err"

printf '\377\376 emotion joy evokes SAY;\n' >"$T/bad.exp"
run 5 "$EXPC" check "$T/bad.exp"
expect_code utf8-check 1 $RC
first_line utf8-msg "$T/err" "$T/bad.exp:1:1: error[E0101]: invalid UTF-8 byte 0xFF"
count utf8-two "$T/err" 'error\[E0101\]' 2
run 5 "$EXPC" check --diagnostics=json "$T/bad.exp"
expect_code utf8-json 1 $RC
json_lines utf8-json-lines "$T/err"
# A message that quotes the source (`found string ...`): the JSON must stay
# JSON, never `out of memory` (exit 70), when the quoted text is not UTF-8
# or is cut after 37 bytes inside a character.
printf 'experience x { path "\377"; }\n' >"$T/badq.exp"
run 5 "$EXPC" check --diagnostics=json "$T/badq.exp"
expect_code utf8-json-quoted 1 $RC
json_lines utf8-json-quoted-lines "$T/err"
printf 'experience "a\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251" {}\n' >"$T/cut.exp"
run 5 "$EXPC" check --diagnostics=json "$T/cut.exp"
expect_code utf8-json-cut 1 $RC
json_lines utf8-json-cut-lines "$T/err"
# A file name that is not UTF-8, in JSON diagnostics.
printf 'emotion @ evokes SAY;\n' >"$T/n$(printf '\377')me.exp"
run 5 "$EXPC" check --diagnostics=json "$T/n$(printf '\377')me.exp"
expect_code utf8-json-path 1 $RC
json_lines utf8-json-path-lines "$T/err"

# A NUL byte inside a comment or a string: `fmt` must not cut the file
# short (it either rejects the file or keeps every byte).
printf '// a\000b\nemotion joy evokes SAY;\n' >"$T/nulc.exp"
cp "$T/nulc.exp" "$T/nulc0.exp"
run 5 "$EXPC" fmt -w "$T/nulc.exp"
if [ "$RC" = 0 ]; then
    grep -q 'emotion joy evokes SAY;' "$T/nulc.exp" && pass fmt-nul-keeps ||
        fail fmt-nul-keeps "fmt -w cut the file at a NUL byte: $(od -c "$T/nulc.exp" | head -3)"
else
    expect_code fmt-nul-rejects 1 $RC
    cmp -s "$T/nulc.exp" "$T/nulc0.exp" && pass fmt-nul-untouched || fail fmt-nul-untouched "changed"
fi

# ---- inputs that cannot be read: 66 ----------------------------------------

mkdir "$T/dir.exp"
for c in check fmt graph run; do
    run 5 "$EXPC" $c "$T/dir.exp"
    expect_code "dir-$c" 66 $RC
    same_text "dir-$c-msg" "$T/err" "expc: $T/dir.exp: Is a directory"
done
run 5 "$EXPC" build "$T/dir.exp" --emit=c -o "$T/x.c"
expect_code dir-build 66 $RC
for c in check fmt graph run; do
    run 5 "$EXPC" $c "$T/missing.exp"
    expect_code "missing-$c" 66 $RC
    same_text "missing-$c-msg" "$T/err" "expc: $T/missing.exp: No such file or directory"
done
run 5 "$EXPC" run "$T/ok.exp" "$T/missing.csv" --engine=interp
expect_code missing-events 66 $RC
same_text missing-events-msg "$T/err" "expc: $T/missing.csv: No such file or directory"
mkdir "$T/dir.csv"
run 5 "$EXPC" run "$T/ok.exp" "$T/dir.csv" --engine=interp
expect_code dir-events 66 $RC
same_text dir-events-msg "$T/err" "expc: $T/dir.csv: Is a directory"
empty dir-events-no-output "$T/out"
# Standard input closed.
"$EXPC" run "$T/ok.exp" --engine=interp >"$T/out" 2>"$T/err" <&-
expect_code stdin-closed 66 $?
same_text stdin-closed-msg "$T/err" "expc: <stdin>: Bad file descriptor"

# ---- a 100 MB single line ------------------------------------------------------

# A comment line: valid, linear time, memory a small multiple of the size.
{ printf '// '; head -c 100000000 /dev/zero | tr '\0' 'a'; printf '\nemotion joy evokes SAY;\n'; } >"$T/line.exp"
run 20 "$EXPC" check "$T/line.exp"
expect_code line-100mb 0 $RC
empty line-100mb-quiet "$T/err"
in_time line-100mb-time
mem_below line-100mb-mem 600000
run 20 "$EXPC" fmt "$T/line.exp"
expect_code line-100mb-fmt 0 $RC
cmp -s "$T/out" "$T/line.exp" && pass line-100mb-fmt-same ||
    fail line-100mb-fmt-same "$(wc -c <"$T/out") bytes"
in_time line-100mb-fmt-time
rm -f "$T/line.exp" "$T/out"
# An error on a long line: a 10 MB identifier (one E0104, one E0110).
{ head -c 10000000 /dev/zero | tr '\0' 'x'; echo; } >"$T/id10m.exp"
run 10 "$EXPC" check "$T/id10m.exp"
expect_code ident-10mb 1 $RC
first_line ident-10mb-msg "$T/err" "$T/id10m.exp:1:1: error[E0104]: identifier is 10000000 bytes long; the limit is 255"
in_time ident-10mb-time
rm -f "$T/id10m.exp" "$T/err"

# A script over the loader's limit (INT_MAX bytes; a sparse file, so it
# costs no disk): refused as too large at once, not read into memory first
# (the 1 GB address-space limit would turn that into `out of memory`, 70).
# Not under ASan, which needs terabytes of address space.
if [ "$SAN" = 0 ] && truncate -s 2148000000 "$T/huge.exp" 2>/dev/null; then
    (ulimit -v 1000000; exec "$EXPC" check "$T/huge.exp") >"$T/out" 2>"$T/err"
    expect_code file-too-large 66 $?
    same_text file-too-large-msg "$T/err" "expc: $T/huge.exp: File too large"
    rm -f "$T/huge.exp"
fi

# ---- deep nesting, long lists, many errors ------------------------------------

python3 -c "print('{' * 100000)" >"$T/nest.exp" 2>/dev/null ||
    awk 'BEGIN { for (i = 0; i < 100000; i++) printf "{"; print "" }' >"$T/nest.exp"
run 5 "$EXPC" check "$T/nest.exp"
expect_code nest-100k 1 $RC
first_line nest-100k-msg "$T/err" "$T/nest.exp:1:1: error[E0110]: expected one of end of file, \`import\`, \`emotion\`, \`industry\` or \`experience\`, found \`{\`"
count nest-100k-one "$T/err" 'error\[' 1
in_time nest-100k-time
awk 'BEGIN { printf "experience e {"; for (i = 0; i < 100000; i++) printf "note SAY {"; print "" }' >"$T/nest2.exp"
run 5 "$EXPC" check --max-errors 0 "$T/nest2.exp"
expect_code nest-notes-100k 1 $RC
in_time nest-notes-100k-time
awk 'BEGIN { printf "experience e { path SAY"; for (i = 0; i < 100000; i++) printf " -> STAY"; print "; }" }' >"$T/path.exp"
run 5 "$EXPC" check "$T/path.exp"
expect_code path-100k 1 $RC
count path-100k-one-e0302 "$T/err" 'error\[E0302\]' 1
in_time path-100k-time
awk 'BEGIN { printf "emotion e0"; for (i = 1; i < 100000; i++) printf ", e%d", i; print " evokes SAY;" }' >"$T/list.exp"
run 5 "$EXPC" check "$T/list.exp"
expect_code list-100k 0 $RC
in_time list-100k-time

# 100,000 lexical errors (`$`, which starts no token): stop at --max-errors, at once.
awk 'BEGIN { for (i = 0; i < 100000; i++) print "$" }' >"$T/errs.exp"
run 5 "$EXPC" check "$T/errs.exp"
expect_code errors-100k 1 $RC
count errors-100k-20 "$T/err" 'error\[E0101\]' 20
count errors-100k-stopped "$T/err" '^expc: too many errors; stopped after 20 (--max-errors)$' 1
in_time errors-100k-time
run 5 "$EXPC" check --max-errors 7 "$T/errs.exp"
count errors-100k-7 "$T/err" 'error\[E0101\]' 7
run 20 "$EXPC" check --max-errors 0 "$T/errs.exp"
expect_code errors-100k-all 1 $RC
count errors-100k-all-n "$T/err" 'error\[E0101\]' 100000
in_time errors-100k-all-time
# 100,000 semantic errors (unknown emotions, each with a suggestion search).
awk 'BEGIN {
    print "emotion comfort, relaxation evokes STAY;"
    print "experience e { path SAY -> STAY -> SPEND;"
    for (i = 0; i < 100000; i++) printf "event ev%d : STAY comfrot%d +1;\n", i, i
    print "}" }' >"$T/sema.exp"
run 10 "$EXPC" check "$T/sema.exp"
expect_code sema-100k 1 $RC
count sema-100k-20 "$T/err" 'error\[' 20
count sema-100k-stopped "$T/err" '^expc: too many errors; stopped after 20 (--max-errors)$' 1
in_time sema-100k-time
run 30 "$EXPC" check --max-errors 0 "$T/sema.exp"
expect_code sema-100k-all 1 $RC
count sema-100k-all-n "$T/err" 'error\[E0202\]' 100000
in_time sema-100k-all-time

# 20,000 events in one experience: every engine and backend stays linear
# (event lookup code must not be a chain of 20,000 compares for LLVM to
# chew on).
awk 'BEGIN {
    print "experience e { path SAY -> STAY -> SPEND;"
    print "  note SAY { stage \"a\"; system \"b\"; service \"c\"; }"
    print "  note STAY { stage \"a\"; system \"b\"; service \"c\"; }"
    print "  note SPEND { stage \"a\"; system \"b\"; service \"c\"; }"
    split("SAY STAY SPEND", b, " ")
    for (i = 0; i < 20000; i++) printf "  event event_number_%d : %s +%d;\n", i, b[i % 3 + 1], 1 + i % 7
    print "}" }' >"$T/events.exp"
printf 'k,event_number_0\nk,event_number_19999\nk,event_number_1\nk,event_number_12345\nk,nope\n' >"$T/events.csv"
KILLX=3
run 10 "$EXPC" check "$T/events.exp"
expect_code events-20k-check 0 $RC
in_time events-20k-check-time
for eng in $ENGINES; do
    run 10 "$EXPC" run "$T/events.exp" "$T/events.csv" --engine=$eng
    expect_code "events-20k-run-$eng" 0 $RC
    same_text "events-20k-run-$eng-out" "$T/out" "customer,score,stage,events,early
k,6,SAY,4,2"
    in_time "events-20k-run-$eng-time"
done
run 10 "$EXPC" build "$T/events.exp" --emit=c -o "$T/events.c"
expect_code events-20k-build-c 0 $RC
in_time events-20k-build-c-time
if [ "$LLVM" = 1 ]; then
    run 10 "$EXPC" build "$T/events.exp" --emit=obj -o "$T/events.o"
    expect_code events-20k-build-obj 0 $RC
    in_time events-20k-build-obj-time
fi
KILLX=10
rm -f "$T/events.exp" "$T/events.c" "$T/events.o"

# ---- an import cycle of 1,000 files ----------------------------------------------

mkdir "$T/cyc"
i=0
while [ $i -lt 1000 ]; do
    printf 'import "c%d";\nemotion e%d evokes SAY;\n' $(((i + 1) % 1000)) $i >"$T/cyc/c$i.exp"
    i=$((i + 1))
done
cat >>"$T/cyc/c0.exp" <<'EOS'
emotion s evokes STAY;
emotion p evokes SPEND;
experience e { path SAY -> STAY -> SPEND;
    note SAY { evoke e999, e500; } note STAY { evoke s; } note SPEND { evoke p; }
    event a : SAY e999 +10; event b : STAY +10; event c : SPEND +10; }
EOS
run 10 "$EXPC" check "$T/cyc/c0.exp"
expect_code import-cycle-1000 0 $RC
count import-cycle-1000-quiet "$T/err" 'error' 0
in_time import-cycle-1000-time
printf 'emotion e7 evokes SAY;\n' >>"$T/cyc/c999.exp"
run 10 "$EXPC" check "$T/cyc/c0.exp"
expect_code import-cycle-dup 1 $RC
count import-cycle-dup-one "$T/err" 'error\[E0201\]' 1
sed -i '$d' "$T/cyc/c999.exp"
printf 'k,a\nk,b\nk,c\n' >"$T/cyc.csv"
run 10 "$EXPC" run "$T/cyc/c0.exp" "$T/cyc.csv" --engine=interp
expect_code import-cycle-run 0 $RC
same_text import-cycle-run-out "$T/out" "customer,score,stage,events,early
k,30,ENGAGED,3,0"

# ---- identifiers and integers at and over their limits -------------------------

x255=$(head -c 255 /dev/zero | tr '\0' 'x')
printf 'emotion %s evokes SAY;\n' "$x255" >"$T/id255.exp"
run 5 "$EXPC" check "$T/id255.exp"
expect_code ident-255 0 $RC
printf 'emotion %sx evokes SAY;\n' "$x255" >"$T/id256.exp"
run 5 "$EXPC" check "$T/id256.exp"
expect_code ident-256 1 $RC
first_line ident-256-msg "$T/err" "$T/id256.exp:1:9: error[E0104]: identifier is 256 bytes long; the limit is 255"
printf 'emotion %s evokes SAY;\n' "$(head -c 10000 /dev/zero | tr '\0' 'y')" >"$T/id10k.exp"
run 5 "$EXPC" check "$T/id10k.exp"
expect_code ident-10k 1 $RC
first_line ident-10k-msg "$T/err" "$T/id10k.exp:1:9: error[E0104]: identifier is 10000 bytes long; the limit is 255"
count ident-10k-one "$T/err" 'error\[' 1
sed 's/+1;/+1000000;/; s/threshold 1;/threshold 1000000;/' "$T/ok.exp" >"$T/int.exp"
printf 'experience f { path SAY -> STAY -> SPEND; penalty early 1000000;\n  note SAY {} note STAY {} note SPEND {}\n  event a : SAY +1000000; event b : STAY +1000000; event c : SPEND -1000000; event d : SPEND 1000000; }\n' >>"$T/int.exp"
run 5 "$EXPC" check "$T/int.exp"
expect_code int-max 0 $RC
printf 'experience f { penalty early 1000001; }\n' >"$T/int2.exp"
run 5 "$EXPC" check "$T/int2.exp"
expect_code int-over 1 $RC
first_line int-over-msg "$T/err" "$T/int2.exp:1:30: error[E0104]: integer \`1000001\` is out of range; the magnitude is at most 1000000"
printf 'experience f { penalty early -%s; }\n' "$(head -c 10000 /dev/zero | tr '\0' '9')" >"$T/int3.exp"
run 5 "$EXPC" check "$T/int3.exp"
expect_code int-10k-digits 1 $RC
first_line int-10k-digits-msg "$T/err" "$T/int3.exp:1:30: error[E0104]: integer \`-$(head -c 39 /dev/zero | tr '\0' '9')\` is out of range; the magnitude is at most 1000000"

# ---- outputs that cannot be written: 74, nothing half-written ---------------------

for eng in $ENGINES; do
    "$EXPC" run "$EX" "$EXCSV" --engine=$eng >/dev/full 2>"$T/err"
    expect_code "full-run-$eng" 74 $?
    same_text "full-run-$eng-msg" "$T/err" "expc: cannot write output: No space left on device"
    "$EXPC" run "$EX" "$EXCSV" --engine=$eng --format=json >/dev/full 2>"$T/err"
    expect_code "full-run-json-$eng" 74 $?
done
"$EXPC" run "$EX" "$EXCSV" --engine=interp >&- 2>"$T/err"
expect_code closed-stdout-run 74 $?
same_text closed-stdout-run-msg "$T/err" "expc: cannot write output: Bad file descriptor"
"$EXPC" fmt "$EX" >/dev/full 2>"$T/err"
expect_code full-fmt 74 $?
"$EXPC" graph "$EX" >/dev/full 2>"$T/err"
expect_code full-graph 74 $?
"$EXPC" explain E0303 >/dev/full 2>"$T/err"
expect_code full-explain 74 $?
"$EXPC" --help >/dev/full 2>"$T/err"
expect_code full-help 74 $?
"$EXPC" --version >/dev/full 2>"$T/err"
expect_code full-version 74 $?

# `build -o` a character device (a /dev/full of our own, so that a wrong
# answer cannot break the real one): written to, not replaced - 74, and the
# device is still there.
if mknod "$T/full" c 1 7 2>/dev/null; then
    "$EXPC" build "$EX" --emit=c -o "$T/full" 2>"$T/err"
    expect_code build-o-device 74 $?
    [ -c "$T/full" ] && pass build-o-device-kept || fail build-o-device-kept "the device was replaced by a regular file"
    rm -f "$T/full" "$T/full.h"
elif [ ! -w /dev ]; then
    "$EXPC" build "$EX" --emit=c -o /dev/full 2>"$T/err"
    expect_code build-o-devfull 74 $?
    [ -c /dev/full ] && pass build-o-devfull-kept || fail build-o-devfull-kept "/dev/full replaced"
fi

# A folder we may not write to.  (root may write anywhere: then a path
# through a regular file stands in for it.)
mkdir "$T/ro"
if [ "$(id -u)" != 0 ]; then
    chmod 555 "$T/ro"
    run 10 "$EXPC" build "$EX" --emit=c -o "$T/ro/out.c"
    expect_code readonly-build 74 $RC
    same_text readonly-build-msg "$T/err" "expc: $T/ro/out.c: cannot write: Permission denied"
    nothing_in readonly-build-nothing "$T/ro"
    chmod 755 "$T/ro"
fi
: >"$T/file"
run 10 "$EXPC" build "$EX" --emit=c -o "$T/file/out.c"
expect_code notdir-build 74 $RC
grep -q "^expc: $T/file/out\.[ch]: cannot write: Not a directory$" "$T/err" && pass notdir-build-msg ||
    fail notdir-build-msg "$(cat "$T/err")"

# A write that fails half-way (the file size limit stands in for a full
# disk): 74, and neither output nor temporary is left.
mkdir "$T/lim"
lim_build() {
    (trap '' XFSZ; ulimit -f 1; exec "$EXPC" "$@") >"$T/out" 2>"$T/err" </dev/null
}
lim_build build "$EX" --emit=c --main -o "$T/lim/out.c"
expect_code limit-build-c 74 $?
grep -q "^expc: $T/lim/out\.[ch]: cannot write: File too large$" "$T/err" && pass limit-build-c-msg ||
    fail limit-build-c-msg "$(cat "$T/err")"
nothing_in limit-build-c-nothing "$T/lim"
if [ "$LLVM" = 1 ]; then
    for k in obj llvm-ir llvm-bc; do
        lim_build build "$EX" --emit=$k -o "$T/lim/out.$k"
        expect_code "limit-build-$k" 74 $?
        nothing_in "limit-build-$k-nothing" "$T/lim"
    done
fi
lim_build graph "$EX" -o "$T/lim/g.dot"
expect_code limit-graph 74 $?
nothing_in limit-graph-nothing "$T/lim"
# fmt -w of a file that must grow: the original stays as it was.
{ printf 'emotion joy evokes SAY;'; i=0; while [ $i -lt 300 ]; do printf ' emotion j%d evokes SAY;' $i; i=$((i + 1)); done; echo; } >"$T/lim/f.exp"
cp "$T/lim/f.exp" "$T/f0.exp"
lim_build fmt -w "$T/lim/f.exp"
expect_code limit-fmt-w 74 $?
cmp -s "$T/lim/f.exp" "$T/f0.exp" && pass limit-fmt-w-intact || fail limit-fmt-w-intact "the original changed"
[ "$(ls -A "$T/lim")" = f.exp ] && pass limit-fmt-w-nothing || fail limit-fmt-w-nothing "$(ls -A "$T/lim")"

# ---- hostile event logs ------------------------------------------------------------

# A 10 MB customer id: scored and printed whole, quickly.
{ printf 'k,a\n'; head -c 10000000 /dev/zero | tr '\0' 'x'; printf ',b\nk,b\n'; } >"$T/bigid.csv"
for eng in $ENGINES; do
    run 10 "$EXPC" run "$T/ok.exp" "$T/bigid.csv" --engine=$eng
    expect_code "big-id-$eng" 0 $RC
    [ "$(wc -c <"$T/out")" = 10000059 ] && pass "big-id-$eng-size" || fail "big-id-$eng-size" "$(wc -c <"$T/out") bytes"
    head -n 2 "$T/out" >"$T/head"
    same_text "big-id-$eng-first" "$T/head" "customer,score,stage,events,early
k,2,SPEND,2,0"
    [ "$(tail -c 15 "$T/out")" = "xxxx,0,SAY,1,1" ] && pass "big-id-$eng-row" ||
        fail "big-id-$eng-row" "$(tail -c 40 "$T/out")"
    in_time "big-id-$eng-time"
    mem_below "big-id-$eng-mem" 300000
done
run 10 "$EXPC" run "$T/ok.exp" "$T/bigid.csv" --engine=interp --format=json
expect_code big-id-json 0 $RC
in_time big-id-json-time
# A 10 MB event name nobody declared: skipped, named in 200 bytes.
{ printf 'k,'; head -c 10000000 /dev/zero | tr '\0' 'y'; printf '\nk,a\n'; } >"$T/bigev.csv"
run 10 "$EXPC" run "$T/ok.exp" "$T/bigev.csv" --engine=interp
expect_code big-event 0 $RC
same_text big-event-msg "$T/err" "expc: skipped 1 event not declared by the experience: \"$(head -c 200 /dev/zero | tr '\0' 'y')\"... at $T/bigev.csv:1"
run 10 "$EXPC" run "$T/ok.exp" "$T/bigev.csv" --engine=interp --strict
expect_code big-event-strict 65 $RC
same_text big-event-strict-msg "$T/err" "expc: $T/bigev.csv:1: event \"$(head -c 200 /dev/zero | tr '\0' 'y')\"... is not declared by the experience"
rm -f "$T/bigid.csv" "$T/bigev.csv" "$T/out"

# A log cut off inside a quoted field.
printf 'k,a\nj,"b\n' >"$T/cut.csv"
for eng in $ENGINES; do
    run 5 "$EXPC" run "$T/ok.exp" "$T/cut.csv" --engine=$eng
    expect_code "cut-quote-$eng" 65 $RC
    same_text "cut-quote-$eng-msg" "$T/err" "expc: $T/cut.csv:2: invalid event data: unterminated quote"
    empty "cut-quote-$eng-no-output" "$T/out"
done
printf 'k,a\nj,"b' >"$T/cut2.csv"
run 5 "$EXPC" run "$T/ok.exp" "$T/cut2.csv" --engine=interp
expect_code cut-quote-eof 65 $RC
same_text cut-quote-eof-msg "$T/err" "expc: $T/cut2.csv:2: invalid event data: unterminated quote"
run 5 "$EXPC" run "$T/ok.exp" "$T/cut2.csv" --engine=interp --skip-invalid
expect_code cut-quote-skip 0 $RC
same_text cut-quote-skip-out "$T/out" "customer,score,stage,events,early
k,1,STAY,1,0"
same_text cut-quote-skip-msg "$T/err" "expc: skipped 1 invalid line: $T/cut2.csv:2: unterminated quote"
# The same on standard input.
"$EXPC" run "$T/ok.exp" --engine=interp <"$T/cut2.csv" >"$T/out" 2>"$T/err"
expect_code cut-quote-stdin 65 $?
same_text cut-quote-stdin-msg "$T/err" "expc: <stdin>:2: invalid event data: unterminated quote"
# NDJSON cut off in the middle of a line.
printf '{"customer":"k","event":"a"}\n{"customer":"j","ev' >"$T/cut.ndjson"
run 5 "$EXPC" run "$T/ok.exp" "$T/cut.ndjson" --engine=interp
expect_code cut-ndjson 65 $RC
same_text cut-ndjson-msg "$T/err" "expc: $T/cut.ndjson:2: invalid event data: not valid JSON"
# Bytes that are not UTF-8, and NUL bytes (valid UTF-8: data like any other).
printf 'k,a\n\377,b\n' >"$T/utf8.csv"
run 5 "$EXPC" run "$T/ok.exp" "$T/utf8.csv" --engine=interp
expect_code events-utf8 65 $RC
same_text events-utf8-msg "$T/err" "expc: $T/utf8.csv:2: invalid event data: invalid UTF-8"
printf 'k\000j,a\n' >"$T/nul.csv"
run 5 "$EXPC" run "$T/ok.exp" "$T/nul.csv" --engine=interp --format=json
expect_code events-nul 0 $RC
same_text events-nul-out "$T/out" '{"customer":"k\u0000j","score":1,"stage":"STAY","events":1,"early":0,"points":{"SAY":1,"STAY":0,"SPEND":0}}'
# 200,000 customers, one line each: linear.
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "customer%d,a\n", i }' >"$T/many.csv"
run 10 "$EXPC" run "$T/ok.exp" "$T/many.csv" --engine=interp
expect_code many-customers 0 $RC
[ "$(wc -l <"$T/out")" = 200001 ] && pass many-customers-rows || fail many-customers-rows "$(wc -l <"$T/out")"
in_time many-customers-time

finish
