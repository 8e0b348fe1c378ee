#!/bin/bash
# fidelity.sh - every bundled lesson on the real program ($BACKSTEP_BIN or
# ./backstep) at 80×24, every step of its first pass (the question in both
# conventions, the others in their own): nothing cut ("…") in the header's
# step title or in the step pane; the narration (or the lesson's
# description) whole, or its rule saying which lines show (and J showing
# nothing more when it says none); the network keeping its look through
# the pass.  Then the question's formula, shape by shape, in five keys.
# FIDELITY_LESSONS="lessons/08-softmax.yaml" walks only the lessons named.
set -u
NAME=fidelity.sh PANE=fid
. "$(dirname "$0")/tmux.bash"

# Starts backstep on lesson $1 in convention $2 at 80×24.
started=0
start() {
    local cmd="env LANG=C.UTF-8 TERM=xterm-256color $BIN --convention $2 $1; echo 'backstep exited'; sleep 600"
    if [ $started = 0 ]; then
        $T -f /dev/null new-session -d -s fid -x 80 -y 24 "$cmd" || fail "cannot start tmux"
        started=1
    else
        $T respawn-pane -k -t fid "$cmd" || fail "cannot restart the pane"
    fi
    wait_for "step 1/"
}

# Reads a saved screen (file $1) in one pass and prints what it finds: a
# line "title" when the step title is cut, "pane" when the step pane is,
# "full" when the narration fills its last row without saying which lines
# show, then "net ROW" and the network's rows with every value blanked.
read_screen() {
    awk '
        NR == 1 { next }
        /^── / && !first { first = NR }
        !first && /…/ { print "title" }
        /^── Step / { step = NR; next }
        step && !after && /^── / { after = NR }
        step && !after && /…/ { print "pane" }
        /^── (Why|About this lesson) / { why = NR; marked = /, J\/K/ }
        NR == 23 { last = $0 }
        /^── Network/ { net = NR; next }
        net && !step { rows[++n] = $0 }
        END {
            if (why && !marked && last ~ /[^ ]/) print "full"
            print "net " (net ? net : "none")
            for (i = 1; i <= n; i++) {
                r = rows[i]
                gsub(/[0-9.-]/, " ", r)
                gsub(/·/, " ", r)
                gsub(/◀/, "─", r)
                gsub(/▶/, "─", r)
                sub(/ +$/, "", r)
                print r
            }
        }'
}

# Waits until the pane shows text $1 and stops changing; the screen in $cur.
steady() {
    local prev=""
    for _ in $(seq 1 200); do
        cur=$(screen 2>/dev/null)
        [[ $cur == *"$1"* && $cur == "$prev" ]] && return 0
        prev=$cur
        sleep 0.02
    done
    fail "waited for '$1'"
}

# Checks the screen in $cur, step $1 of the pass ($2 names it in
# messages); the network's look on the first step is kept in $net_first.
check_screen() {
    local found where=$2 nl=$'\n'
    found=$(read_screen <<<"$cur")
    [[ $nl$found$nl == *"${nl}title$nl"* ]] && fail "$where: the step title is cut"
    [[ $nl$found$nl == *"${nl}pane$nl"* ]] && fail "$where: the step pane is cut"
    if [[ $nl$found$nl == *"${nl}full$nl"* ]]; then
        # Full to its last row and no mark: J must show nothing more.
        keys J
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            [ "$(screen)" != "$cur" ] && fail "$where: the narration goes on without a mark"
            sleep 0.03
        done
    fi
    local mask=${found#*net }
    if [ "$1" = 1 ]; then
        net_first=$mask
    elif [ "$mask" != "$net_first" ]; then
        diff <(printf '%s\n' "$mask") <(printf '%s\n' "$net_first")
        fail "$where: the network changed its look"
    fi
}

screens=0
for lesson in ${FIDELITY_LESSONS:-lessons/*.yaml}; do
    # Both conventions for the question; the others in their own.
    convs="columns rows"
    case $lesson in */01-question.yaml) ;; *) convs=$(sed -n 's/^convention: *\([a-z]*\).*/\1/p' "$lesson"); convs=${convs:-columns} ;; esac
    for conv in $convs; do
        start "$lesson" "$conv"
        # A lesson that opens with its tour of shapes: Tab goes to the pass.
        if screen | grep -q ' SHAPES '; then
            keys Tab
            wait_gone ' SHAPES '
        fi
        total=$(screen | sed -n 's/.* step 1\/\([0-9]*\) .*/\1/p' | head -1)
        [ -n "$total" ] || fail "$lesson: no step count in the header"
        for i in $(seq 1 "$total"); do
            steady " step $i/$total "
            check_screen "$i" "$lesson $conv step $i/$total"
            screens=$((screens + 1))
            [ "$i" -lt "$total" ] && keys Right
        done
    done
done

# The question's formula, shape by shape, from the start: Tab Tab ← ← s.
for conv in columns rows; do
    start lessons/01-question.yaml "$conv"
    for k in Tab Tab Left Left; do
        before=$(screen)
        keys "$k"
        changed_from "$before" || fail "key $k did nothing"
    done
    wait_for " step 13/16 "
    keys s
    wait_for "Your formula, shape by shape"
    wait_for "→ 2×1 as read"
    if [ "$conv" = columns ]; then wait_for "→ 2×3, the shape of W_ij"; else wait_for "→ 3×2, the shape of W_ij"; fi
    keys Escape
    wait_for "chain rule:"
done

echo "fidelity.sh: ok ($screens screens at 80×24 whole, the network steady in every pass; the question's formula in 5 keys, both conventions)"
