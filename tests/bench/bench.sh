#!/bin/bash
# bench.sh DIR - runs backstep's benchmarks from the optimised build in DIR
# (make bench builds it) and prints one table: figure, network, measured,
# target, met/missed.  Also writes the table to DIR/RESULTS.md.
# CPU figures are CPU time of the measured process, so other work on the
# machine does not count; start-up is wall-clock time and does.
set -u
B=${1:-build/bench}
LANG=C.UTF-8
export LC_ALL=C.UTF-8
NETS=(2-3-2 8-16-16-4 64-64-64-10)
fail=0

die() { echo "bench: $*" >&2; exit 1; }
# field KEY LINE: the value after KEY in a "key value key value" line.
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' <<<"$2"; }
# verdict VALUE OP LIMIT: "met" or "missed" (OP is < or >=).
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<") ? (v < t) : (v >= t); print ok ? "met" : "missed" }'; }

for p in backstep bench_core bench_render bench_pty; do
    [ -x "$B/$p" ] || die "$B/$p is missing; run make bench"
done

# Lesson files for the screen benchmarks: the bundled default and two
# generated networks (Glorot weights from a fixed seed, 32 samples).
declare -A LES
LES[2-3-2]=lessons/01-question.yaml
for n in 8-16-16-4 64-64-64-10; do
    LES[$n]=$B/net-$n.yaml
    "$B/bench_core" lesson "$n" "${LES[$n]}" || die "cannot write ${LES[$n]}"
done

rows=()
# row FIGURE NET MEASURED TARGET RESULT: one line of the table (also shown
# as it comes, so a long run shows progress on stderr).
row() {
    rows+=("$(printf '| %-34s | %-11s | %14s | %-12s | %-6s |' "$1" "$2" "$3" "$4" "$5")")
    echo "${rows[-1]}" >&2
}

for n in "${NETS[@]}"; do
    # (1) training throughput, CPU time, one core
    t=$("$B/bench_core" train "$n" 1) || die "training $n failed"
    ups=$(field updates_per_s "$t")
    if [ "$n" = 2-3-2 ]; then
        row "training, sample-updates/s" "$n" "$(awk -v v="$ups" 'BEGIN{printf "%.2f M", v/1e6}')" ">= 10 M" "$(verdict "$ups" ">=" 1e7)"
        # cross-check with the binary: --train N on the default lesson
        N=5000000
        TIMEFORMAT=%3U
        ut=$( { time "$B/backstep" --train $N >/dev/null; } 2>&1 ) || die "--train failed"
        row "  same via backstep --train $N" "$n" "$(awk -v n=$N -v u="$ut" 'BEGIN{printf "%.2f M", n/u/1e6}')" ">= 10 M" "$(verdict "$(awk -v n=$N -v u="$ut" 'BEGIN{print n/u}')" ">=" 1e7)"
    else
        row "training, sample-updates/s" "$n" "$(awk -v v="$ups" 'BEGIN{printf "%.0f k", v/1e3}')" "" ""
    fi
    row "  ns per weight update ($(field weights "$t") w)" "$n" "$(field ns_per_weight "$t")" "linear" ""

    # (5b) history: 100,000 steps forward, peak RSS
    h=$("$B/bench_core" history "$n" 100000) || die "history $n failed"
    kib=$(field peak_kib "$h")
    row "memory, 100k steps of history" "$n" "$(awk -v k="$kib" 'BEGIN{printf "%.1f MiB", k/1024}')" "< 16 MiB" "$(verdict "$kib" "<" 16384)"

    # (2) one rendered step: CPU time and instructions
    r=$("$B/bench_render" "${LES[$n]}" 80 24 1) || die "render $n failed"
    pass=$(field steps_per_pass "$r")
    # steps per measurement: whole passes where a step is cheap; callgrind
    # runs K and 2K steps (for the largest net K = 1 and 200x60 only, as
    # one step there costs hundreds of millions of instructions)
    case $n in 2-3-2) K=$((pass * 2)) T=$((pass * 20)) ;; 8-16-16-4) K=4 T=$pass ;; *) K=1 T=4 ;; esac
    for size in "80 24" "200 60"; do
        set -- $size
        r=$("$B/bench_render" "${LES[$n]}" $1 $2 $T) || die "render $n failed"
        us=$(awk -v v="$(field ns_per_step "$r")" 'BEGIN{printf "%.1f", v/1e3}')
        tgt="" ok=""
        [ "$1" = 200 ] && tgt="< 50 us" && ok=$(verdict "$us" "<" 50)
        row "render, CPU us per step, ${1}x${2}" "$n" "$us us" "$tgt" "$ok"
        [ "$n" = 64-64-64-10 ] && [ "$1" = 80 ] && continue
        ir=()
        for k in $K $((K * 2)); do
            c=$(valgrind --tool=callgrind --callgrind-out-file="$B/callgrind.out" \
                "$B/bench_render" "${LES[$n]}" $1 $2 $k 2>&1 >/dev/null | sed -n 's/.*Collected : *//p')
            [ -n "$c" ] || die "callgrind gave no count"
            ir+=("$c")
        done
        ips=$(( (ir[1] - ir[0]) / K ))
        tgt="" ok=""
        [ "$1" = 200 ] && tgt="< 200,000" && ok=$(verdict "$ips" "<" 200000)
        row "render, instructions per step, ${1}x${2}" "$n" "$(printf "%'d" "$ips")" "$tgt" "$ok"
    done

    # (3) bytes per key, (4) start-up, (5a) peak RSS of the screen session
    # quiet time after each key: longer than the slowest step of that net
    case $n in 2-3-2) runs=20 quiet=30 ;; 8-16-16-4) runs=5 quiet=40 ;; *) runs=3 quiet=200 ;; esac
    p=$("$B/bench_pty" "$B/backstep" "${LES[$n]}" $runs "$pass" $quiet) || die "pty $n failed"
    bpk=$(field bytes_per_key "$p")
    row "bytes written per key (100x30)" "$n" "$bpk B" "< 1536 B" "$(verdict "$bpk" "<" 1536)"
    row "  largest key" "$n" "$(field max_key_bytes "$p") B" "" ""
    sm=$(field start_ms "$p")
    row "start-up to full frame, median $runs" "$n" "$sm ms" "< 10 ms" "$(verdict "$sm" "<" 10)"
    kib=$(field peak_kib "$p")
    row "memory, screen session peak RSS" "$n" "$(awk -v k="$kib" 'BEGIN{printf "%.1f MiB", k/1024}')" "< 16 MiB" "$(verdict "$kib" "<" 16384)"
done

machine=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
    echo "Machine: ${machine:-unknown}, $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "Build: gcc -O2 -g ($(${CC:-cc} --version | head -1)); ncurses $(ncursesw6-config --version 2>/dev/null || echo '?')"
    echo
    printf '| %-34s | %-11s | %14s | %-12s | %-6s |\n' figure network measured target result
    printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..13})" "$(printf -- '-%.0s' {1..15}):" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..8})"
    printf '%s\n' "${rows[@]}"
} | tee "$B/RESULTS.md"
grep -q '| missed |' "$B/RESULTS.md" && fail=1
echo
[ $fail = 0 ] && echo "bench: every target met" || echo "bench: some targets missed (see the table)"
exit 0
