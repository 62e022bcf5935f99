#!/bin/sh
# t_time.sh - the event time parser (src/rt/evtime.c) against a second,
# independent implementation (tests/time_ref.py: Python's datetime and
# decimal), on random valid and near-valid times.
#
# time_ref.py writes the cases and, for each, the line tests/time_driver.c
# must print (`ok MS` or `bad bad time "TEXT"`); build/tests/time_driver
# (`make build/tests/time_driver`; `make check` builds it) prints what the
# parser makes of them.  One check per class of case (epoch, iso, mutant,
# junk): it fails with the number of mismatches and the first few.  At
# least TIME_MIN cases must have run.  TIME_SEED (default 1) and TIME_COUNT
# (default 20000) choose the cases.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T
DRIVER=$B/tests/time_driver
SEED=${TIME_SEED:-1}
COUNT=${TIME_COUNT:-20000}
TIME_MIN=20000

if ! command -v python3 >/dev/null 2>&1; then
    # Each of the checks below, skipped (tests/run.sh counts them).
    for c in reference driver lines count epoch iso mutant junk; do
        skip "$c" "python3 not found: the time parser is not checked against tests/time_ref.py"
    done
    finish
    exit
fi
if [ ! -x "$DRIVER" ]; then
    fail driver "no $DRIVER: run make $DRIVER"
    finish
    exit 1
fi

python3 tests/time_ref.py --seed "$SEED" --count "$COUNT" \
    --cases "$T/cases" --expect "$T/expect" 2>"$T/err"
expect_code reference 0 $?
"$DRIVER" <"$T/cases" >"$T/actual" 2>"$T/err"
expect_code driver 0 $?

# CLASS<TAB>EXPECTED and ACTUAL side by side (neither holds a tab: the
# quoting escapes them).  Per class: "CLASS CASES MISMATCHES", then the
# first mismatches as "! CLASS LINE: want EXPECTED, got ACTUAL".
paste "$T/expect" "$T/actual" | LC_ALL=C awk -F'\t' '
    { n[$1]++; total++ }
    NF != 3 || $2 != $3 {
        bad[$1]++
        if (bad[$1] <= 5) printf "! %s %d: want %s, got %s\n", $1, NR, $2, $3
    }
    END {
        for (c in n) printf "%s %d %d\n", c, n[c], bad[c] + 0
        printf "total %d\n", total
    }' >"$T/report"

ran=$(sed -n 's/^total //p' "$T/report")
if [ "$(wc -l <"$T/cases")" -eq "$ran" ] && [ "$(wc -l <"$T/actual")" -eq "$ran" ]; then
    pass lines
else
    fail lines "$(wc -l <"$T/cases") cases, $(wc -l <"$T/actual") results, $ran compared"
fi
if [ "${ran:-0}" -ge "$TIME_MIN" ]; then
    pass count
else
    fail count "${ran:-0} cases ran, want at least $TIME_MIN"
fi
for c in epoch iso mutant junk; do
    line=$(grep "^$c " "$T/report")
    if [ -z "$line" ]; then
        fail "$c" "no cases of this class"
        continue
    fi
    set -- $line
    if [ "$3" -eq 0 ]; then
        pass "$c"
    else
        fail "$c" "$3 of $2 cases differ (seed $SEED); first:"
        grep "^! $c " "$T/report"
    fi
done
echo "t_time: $ran cases (seed $SEED): $(grep -v '^[!t]' "$T/report" | sort | tr '\n' ';')"

finish
