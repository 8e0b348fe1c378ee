#!/bin/bash
# harden.sh - the screen under hostile conditions, in tmux: a lesson full of
# escape sequences must not change the title, colours or cursor; a storm of
# 200 resizes during autoplay must leave a correct screen; SIGINT, SIGTERM
# and SIGHUP must give the terminal back.
set -u
NAME=harden.sh PANE=h
. "$(dirname "$0")/tmux.bash"
START=$SECONDS

info() { $T display-message -p -t h "$1"; }

# Starts backstep with arguments "$@" from a shell in a fresh 100×30 pane
# whose title is set first (the terminal's title stack gives the title of
# that moment back on exit).  Sets PID to backstep's pid: a shell writes
# its own pid and then becomes backstep with exec.
start() {
    $T kill-server 2>/dev/null
    local tries=0
    # The old server may still be going away: try again for up to 2 s.
    until $T -f /dev/null new-session -d -s h -x 100 -y 30 \
        "env LANG=C.UTF-8 TERM=xterm-256color BIN=$BIN bash --norc --noprofile" 2>/dev/null; do
        tries=$((tries + 1))
        [ "$tries" -lt 20 ] || fail "cannot start tmux"
        sleep 0.1
    done
    $T set-option -g window-size manual >/dev/null
    $T send-keys -t h "PS1='ready\$ '; printf '\\033]2;harden-title\\033\\\\'; clear" Enter
    wait_for 'ready$'
    rm -f "$OUT/pid"
    $T send-keys -t h "bash -c 'echo \$\$ >$OUT/pid && exec \"\$@\"' - \$BIN $*; echo \"backstep exited \$?\"" Enter
    wait_for "epoch 1  sample 1/"
    PID=$(cat "$OUT/pid" 2>/dev/null)
    [ -n "$PID" ] || fail "no pid for backstep"
}

# Waits (up to 5 s) for backstep to exit with status $1, then checks the
# shell has the terminal back: main screen, cursor visible, title kept.
wait_exit() {
    wait_for "backstep exited $1"
    kill -0 "$PID" 2>/dev/null && fail "backstep is still running ($2)"
    $T send-keys -t h "echo restored-ok" Enter
    wait_for "restored-ok"
    [ "$(info '#{alternate_on}')" = 0 ] || fail "still on the alternate screen after $2"
    [ "$(info '#{cursor_flag}')" = 1 ] || fail "the cursor is hidden after $2"
    [ "$(info '#{pane_title}')" = harden-title ] || fail "the title is '$(info '#{pane_title}')' after $2"
}

# ---- 1. escape sequences in a lesson ----
start tests/lessons/escapes.yaml
[ "$(info '#{alternate_on}')" = 1 ] || fail "backstep is not on the alternate screen"
key='^[[2J^[[31mRED^[[0m <U+009B>1;1H ^[[?25l end'
note1='OSC title ^[]0;pwned^G then ^[]2;pwned2^[\ then CSI ^[[2J^[[H^[[31mred^[[0m.'
# At 100 columns the title is cut with "…"; at 250 it shows whole.
wait_for "Escapes ^[]0;pwned^G ^[[2J"
$T capture-pane -p -t h | head -1 | grep -qF "…" || fail "the long title is not cut with …"
$T resize-window -t h -x 250 -y 30
wait_for "Escapes ^[]0;pwned^G $key"
$T capture-pane -p -e -t h | grep -qF -- "Escapes ^[]0;pwned^G $key" \
    || fail "the title's visible escapes are split by a colour change"
$T resize-window -t h -x 100 -y 30
# The lesson's expression comes first, with its caption.
wait_for 'Caption ^[]0;pwned4^G ^[[32mgreen'
wait_for 'expression  W_jk * δ_k^[[2J'
$T capture-pane -p -e -t h | grep -qF -- 'Caption ^[]0;pwned4^G ^[[32mgreen' \
    || fail "the caption's visible escapes are split by a colour change"
$T capture-pane -p -e -t h | grep -q $'\e\\[[0-9;]*32mgreen' && fail "the caption turned green"
press_until "Step forward.1.sum" Tab 5
# The description shows on the first step until the user moves.
wait_for 'Clear ^[[2J^[[H, colour ^[[41;37m, C1 CSI <U+009B>31m, BEL ^G, tab ^I'
$T send-keys -t h Right
wait_for "step 2/"
$T send-keys -t h Left
wait_for "$note1"
# With attributes: no colour change inside the visible forms, so none of
# the lesson's SGR sequences took effect.
$T capture-pane -p -e -t h | grep -qF -- "$note1" \
    || fail "the note's visible escapes are split by a colour change"
$T capture-pane -p -e -t h | grep -qE $'\e\\[([0-9;]*;)?41[;m]' && fail "a red background appeared"
# Every note: the loss note (C1 CSI and OSC) and the update note.
$T send-keys -t h G
wait_for "Step update"
wait_for 'bell ^G^G^G.'
wait_for 'Line one^[[1A^[[2K^Mover-written?'
press_until 'C1 CSI <U+009B>2J and C1 OSC <U+009D>0;pwned3<U+009C>' Left 17
wait_for 'C1 CSI <U+009B>2J and C1 OSC <U+009D>0;pwned3<U+009C>, cursor hide ^[[?25l, alt screen'
wait_for '^[[?1049l.'
[ "$(info '#{pane_title}')" = harden-title ] || fail "the lesson changed the title to '$(info '#{pane_title}')'"
[ "$(info '#{alternate_on}')" = 1 ] || fail "the lesson left the alternate screen"
wait_for " q quit"
$T send-keys -t h q
wait_exit 0 "q"
echo "harden.sh: escapes ok"

# ---- 2. resize storm during autoplay ----
start
# Step away and back so the lesson's description gives way to the note.
$T send-keys -t h Right
wait_for "step 2/"
$T send-keys -t h Left
wait_for "step 1/"
settle start
grep -q "step 1/" "$OUT/start" || fail "no first step"
$T send-keys -t h a + + + +
RANDOM=6
small_seen=0
for i in $(seq 1 200); do
    if [ "$i" = 100 ]; then
        $T resize-window -t h -x 60 -y 20
        wait_for "backstep needs at least 80×24 (this terminal is 60×20)"
        small_seen=$((small_seen + 1))
    fi
    if [ "$i" = 150 ]; then
        $T resize-window -t h -x 20 -y 6
        wait_for "backstep needs at"
        wait_for "(this terminal is 20"
        small_seen=$((small_seen + 1))
    fi
    x=$((20 + RANDOM % 231))
    y=$((6 + RANDOM % 75))
    $T resize-window -t h -x "$x" -y "$y" || fail "resize $i to ${x}×$y"
    # A pause every 20 resizes, as a hand dragging a window makes: the
    # storm's pace, not a wait for anything.
    [ $((i % 20)) = 0 ] && sleep 0.05
    [ $((SECONDS - START)) -gt 120 ] && fail "the storm took more than two minutes"
done
$T resize-window -t h -x 250 -y 80
$T resize-window -t h -x 20 -y 6
$T resize-window -t h -x 100 -y 30
kill -0 "$PID" 2>/dev/null || fail "backstep is not running after the storm"
wait_for " q quit"
# Stop autoplay, back to the start: the screen must be the first one again.
$T send-keys -t h a
wait_for "columns convention"     # the header's "▶ 0.1s  columns" while it plays
$T send-keys -t h r
wait_for "step 1/"
settle after
$T capture-pane -p -t h | grep -q "needs at least" && fail "the too-small message stayed"
head -1 "$OUT/after" | grep -q "epoch 1  sample 1/" || fail "the header is wrong after the storm"
tail -1 "$OUT/after" | grep -qF "→ next  ← prev" || fail "the key bar is wrong after the storm"
cmp -s "$OUT/start" "$OUT/after" || { diff "$OUT/start" "$OUT/after"; fail "the first step looks different after the storm"; }
[ "$small_seen" = 2 ] || fail "the too-small message was not checked"
$T send-keys -t h q
wait_exit 0 "q after the storm"
echo "harden.sh: resize storm ok (200 resizes between 20×6 and 250×80)"

# ---- 3. signals ----
for sig in INT TERM HUP; do
    start
    [ "$(info '#{alternate_on}')" = 1 ] || fail "not on the alternate screen before SIG$sig"
    [ "$(info '#{cursor_flag}')" = 0 ] || fail "cursor visible on the screen before SIG$sig"
    kill -s "$sig" "$PID" || fail "cannot send SIG$sig to $PID"
    wait_exit $((128 + $(kill -l "$sig"))) "SIG$sig"
done
echo "harden.sh: signals ok (INT, TERM, HUP) in $((SECONDS - START)) s"
