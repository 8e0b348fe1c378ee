#!/bin/bash
# bench.sh DIR - runs backstep's benchmarks from the optimised build in DIR
# (make bench builds it) and prints one table: figure, network, measured,
# target, met/missed.  Also writes the table to DIR/RESULTS.md.
#
# Training is compared in the same run with a plain hand-written C loop of
# the same maths (bench_plain.c, built with the same -O2), on the same
# weights: both must end on the same mean loss to all 17 digits.  The runs
# alternate, backstep then the loop, and each figure is the best of them,
# so that other work on a shared machine weighs on both alike; CPU time of
# the measured process, never wall time, and instructions counted by
# callgrind beside it, which load does not move at all.  PyTorch (float64,
# one thread) joins the batch comparison when /usr/bin/python3 has it.
# Start-up is the time from exec to the first full frame on a
# pseudo-terminal (wall and CPU time).
set -u
B=${1:-build/bench}
LANG=C.UTF-8
export LC_ALL=C.UTF-8
NETS=(2-3-2 8-16-16-4 64-64-64-10)
RUNS=7    # alternating runs of each trainer
fail=0

die() { echo "bench: $*" >&2; exit 1; }
# field KEY LINE: the value after KEY in a "key value key value" line.
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' <<<"$2"; }
# verdict VALUE OP LIMIT: "met" or "missed" (OP is <, <= or >=).
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<") ? (v < t) : (op == "<=") ? (v <= t) : (v >= t); print ok ? "met" : "missed" }'; }
# calc EXPR: awk arithmetic, printed as given by the format in EXPR's caller.
calc() { awk "BEGIN { printf $1 }"; }
# instructions PROG ARGS...: callgrind's count of instructions.
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : *//p'
}

for p in backstep bench_core bench_plain bench_render bench_pty bench_run; do
    [ -x "$B/$p" ] || die "$B/$p is missing; run make bench"
done

# Lesson files: the bundled default (2-3-2, one sample), generated networks
# (Glorot weights from a fixed seed that the lesson gives, 32 samples; 1000
# in batch mode), and the largest network a lesson may have (eight 64×64
# layers, 1000 samples) for --print.
declare -A LES
LES[2-3-2]=lessons/01-question.yaml
for n in 8-16-16-4 64-64-64-10; do
    LES[$n]=$B/net-$n.yaml
    "$B/bench_core" lesson "$n" "${LES[$n]}" || die "cannot write ${LES[$n]}"
done
LES[batch]=$B/net-64-64-64-10-batch.yaml
"$B/bench_core" lesson 64-64-64-10 "${LES[batch]}" batch 1000 || die "cannot write ${LES[batch]}"
LARGEST=$B/net-largest.yaml
"$B/bench_core" lesson 64-64-64-64-64-64-64-64-64 "$LARGEST" online 1000 || die "cannot write $LARGEST"

rows=()
# row FIGURE NET MEASURED TARGET RESULT: one line of the table (also shown
# as it comes, so a long run shows progress on stderr).
row() {
    rows+=("$(printf '| %-46s | %-18s | %16s | %-10s | %-6s |' "$1" "$2" "$3" "$4" "$5")")
    echo "${rows[-1]}" >&2
}

# compare NAME LESSON EPOCHS SAMPLES COUNTED TARGET: backstep's trainer
# against the plain loop, RUNS alternating runs of EPOCHS epochs each, and
# callgrind over COUNTED epochs and twice as many; TARGET is the largest
# ratio that meets the goal ("<=1.3"), or "<1" for faster.
compare() {
    local name=$1 les=$2 E=$3 S=$4 e=$5 target=$6 bb=1e99 pb=1e99 bl pl
    for ((k = 0; k < RUNS; k++)); do
        local b p
        b=$("$B/bench_core" train "$les" "$E") || die "training $name failed"
        p=$("$B/bench_plain" "$les" "$E") || die "the plain loop failed on $name"
        bl=$(field loss "$b") pl=$(field loss "$p")
        [ "$bl" = "$pl" ] || die "$name: backstep ends on loss $bl, the plain loop on $pl"
        bb=$(calc "\"%s\", $(field ns_per_sample "$b") < $bb ? $(field ns_per_sample "$b") : $bb")
        pb=$(calc "\"%s\", $(field ns_per_sample "$p") < $pb ? $(field ns_per_sample "$p") : $pb")
    done
    # instructions per sample: the difference of e and 2e epochs, so that
    # loading the lesson cancels out
    local bi pi
    bi=$(( ($(instructions "$B/bench_core" train "$les" $((2 * e))) - $(instructions "$B/bench_core" train "$les" $e)) / (e * S) ))
    pi=$(( ($(instructions "$B/bench_plain" "$les" $((2 * e))) - $(instructions "$B/bench_plain" "$les" $e)) / (e * S) ))
    local ratio op limit
    ratio=$(calc "\"%.2f\", $bb / $pb")
    case $target in \<=*) op="<=" limit=${target#<=} ;; *) op="<" limit=${target#<} ;; esac
    row "training, CPU ns per sample: backstep" "$name" "$(calc "\"%.1f ns\", $bb")" "" ""
    row "  plain C loop -O2, same loss to 17 digits" "$name" "$(calc "\"%.1f ns\", $pb")" "" ""
    row "  backstep / plain loop" "$name" "${ratio}x" "$target" "$(verdict "$ratio" "$op" "$limit")"
    row "  instructions per sample, backstep / loop" "$name" "$bi / $pi" "" ""
    LAST_NS=$bb LAST_LOSS=$bl
}

for n in "${NETS[@]}"; do
    case $n in
    2-3-2) compare "$n" "${LES[$n]}" 3000000 1 2000 "<=1.3" ;;
    8-16-16-4) compare "$n" "${LES[$n]}" 8000 32 32 "<1" ;;
    *) compare "$n" "${LES[$n]}" 600 32 10 "<1" ;;
    esac
    if [ "$n" = 2-3-2 ]; then
        # the same through the program: --train N on the default lesson
        N=5000000
        TIMEFORMAT=%3U
        ut=$( { time "$B/backstep" --train $N >/dev/null; } 2>&1 ) || die "--train failed"
        ups=$(calc "\"%.0f\", $N / $ut")
        row "  via backstep --train $N, updates/s" "$n" "$(calc "\"%.2f M\", $ups / 1e6")" ">= 10 M" "$(verdict "$ups" ">=" 1e7)"
    fi
done

# Batch mode: 1000 samples through each layer as one block per epoch.
n=64-64-64-10
compare "$n, batch" "${LES[batch]}" 25 1000 1 "<1"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    "$B/bench_core" dump "${LES[batch]}" >"$B/net-batch.json" || die "cannot dump ${LES[batch]}"
    t=$(/usr/bin/python3 tests/bench/bench_torch.py "$B/net-batch.json" 25 $RUNS) || die "PyTorch failed"
    tl=$(field loss "$t")
    close=$(calc "\"%d\", ($tl - $LAST_LOSS)^2 <= (1e-9 * $LAST_LOSS)^2")
    [ "$close" = 1 ] || die "PyTorch ends on loss $tl, backstep on $LAST_LOSS"
    tn=$(field ns_per_sample "$t")
    row "  PyTorch $(field torch "$t"), float64, 1 thread" "$n, batch" "$(calc "\"%.1f ns\", $tn")" "" ""
    r=$(calc "\"%.2f\", $LAST_NS / $tn")
    row "  backstep / PyTorch" "$n, batch" "${r}x" "<=1.5" "$(verdict "$r" "<=" 1.5)"
else
    row "  PyTorch (not installed: not compared)" "$n, batch" "-" "" ""
fi

# --print of the largest lesson: every format streams, so memory stays flat
# however many samples; two of the 1000 are walked (JSON: about 1.5 GB).
for f in json text; do
    r=$("$B/bench_run" "$B/backstep" --print --format $f --samples 2 "$LARGEST") || die "--print --format $f failed"
    kib=$(field peak_kib "$r")
    row "--print --format $f, 2 samples: peak RSS" "8x 64x64" "$(calc "\"%.1f MiB\", $kib / 1024")" "< 64 MiB" "$(verdict "$kib" "<" 65536)"
    row "  output, CPU time" "8x 64x64" "$(calc "\"%.0f MB, %.1f s\", $(field bytes "$r") / 1e6, $(field cpu_s "$r")")" "" ""
done

declare -A START_CPU START_WALL
for n in "${NETS[@]}"; do
    # memory: 100,000 steps forward, peak RSS
    h=$("$B/bench_core" history "${LES[$n]}" 100000) || die "history $n failed"
    kib=$(field peak_kib "$h")
    row "memory, 100k steps of history" "$n" "$(calc "\"%.1f MiB\", $kib / 1024")" "< 16 MiB" "$(verdict "$kib" "<" 16384)"

    # one rendered step: CPU time and instructions
    r=$("$B/bench_render" "${LES[$n]}" 80 24 1) || die "render $n failed"
    pass=$(field steps_per_pass "$r")
    # steps per measurement: whole passes where a step is cheap; callgrind
    # runs K and 2K steps
    case $n in 2-3-2) K=$((pass * 2)) T=$((pass * 20)) ;; 8-16-16-4) K=4 T=$pass ;; *) K=1 T=8 ;; esac
    for size in "80 24" "200 60"; do
        set -- $size
        r=$("$B/bench_render" "${LES[$n]}" $1 $2 $T) || die "render $n failed"
        us=$(calc "\"%.1f\", $(field ns_per_step "$r") / 1e3")
        tgt="" ok=""
        [ "$1" = 200 ] && tgt="< 50 us" && ok=$(verdict "$us" "<" 50)
        row "render, CPU us per step, ${1}x${2}" "$n" "$us us" "$tgt" "$ok"
        [ "$n" = 64-64-64-10 ] && [ "$1" = 80 ] && continue
        ir=()
        for k in $K $((K * 2)); do
            c=$(instructions "$B/bench_render" "${LES[$n]}" $1 $2 $k)
            [ -n "$c" ] || die "callgrind gave no count"
            ir+=("$c")
        done
        ips=$(( (ir[1] - ir[0]) / K ))
        tgt="" ok=""
        [ "$1" = 200 ] && tgt="< 200,000" && ok=$(verdict "$ips" "<" 200000)
        row "render, instructions per step, ${1}x${2}" "$n" "$(printf "%'d" $ips)" "$tgt" "$ok"
    done

    # bytes per key, start-up, peak RSS of the screen session; quiet time
    # after each key: longer than the slowest step of that net
    case $n in 2-3-2) runs=21 quiet=30 ;; 8-16-16-4) runs=11 quiet=40 ;; *) runs=21 quiet=200 ;; esac
    p=$("$B/bench_pty" "$B/backstep" "${LES[$n]}" $runs "$pass" $quiet) || die "pty $n failed"
    bpk=$(field bytes_per_key "$p")
    row "bytes written per key (100x30)" "$n" "$bpk B" "< 1536 B" "$(verdict "$bpk" "<" 1536)"
    row "  largest key" "$n" "$(field max_key_bytes "$p") B" "" ""
    START_WALL[$n]=$(field start_ms "$p") START_CPU[$n]=$(field start_cpu_ms "$p")
    row "start-up to full frame, median of $runs" "$n" "${START_WALL[$n]} ms" "< 10 ms" "$(verdict "${START_WALL[$n]}" "<" 10)"
    row "  CPU time of exec, first frame and quit" "$n" "${START_CPU[$n]} ms" "" ""
    kib=$(field peak_kib "$p")
    row "memory, screen session peak RSS" "$n" "$(calc "\"%.1f MiB\", $kib / 1024")" "< 16 MiB" "$(verdict "$kib" "<" 16384)"
done
r=$(calc "\"%.2f\", ${START_CPU[64-64-64-10]} / ${START_CPU[2-3-2]}")
row "start-up, 64-64-64-10 / 2-3-2, CPU time" "" "${r}x" "<=1.5" "$(verdict "$r" "<=" 1.5)"
row "  the same, wall time" "" "$(calc "\"%.2fx\", ${START_WALL[64-64-64-10]} / ${START_WALL[2-3-2]}")" "" ""

machine=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
    echo "Machine: ${machine:-unknown}, $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "Build: -O2 -g, the engine's wide loops vectorised ($(${CC:-cc} --version | head -1)); ncurses $(ncursesw6-config --version 2>/dev/null || echo '?')"
    echo
    printf '| %-46s | %-18s | %16s | %-10s | %-6s |\n' figure network measured target result
    printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" "$(printf -- '-%.0s' {1..20})" "$(printf -- '-%.0s' {1..17}):" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..8})"
    printf '%s\n' "${rows[@]}"
} | tee "$B/RESULTS.md"
grep -q '| missed |' "$B/RESULTS.md" && fail=1
echo
[ $fail = 0 ] && echo "bench: every target met" || echo "bench: some targets missed (see the table)"
exit 0
