#!/bin/bash
# screen.sh - drives the real program ($BACKSTEP_BIN or ./backstep) in tmux at 100×30: a whole pass
# forward and back, the convention switch, a resize to 60×20 and back, help
# and quit; then checks the terminal was given back to the shell.
set -u
NAME=screen.sh PANE=e2e
. "$(dirname "$0")/tmux.bash"

$T -f /dev/null new-session -d -s e2e -x 100 -y 30 "env LANG=C.UTF-8 TERM=xterm-256color bash --norc --noprofile" \
    || fail "cannot start tmux"
$T set-option -t e2e remain-on-exit on >/dev/null
$T send-keys -t e2e "PS1='ready\$ '; clear" Enter
wait_for 'ready$'
$T send-keys -t e2e "$BIN; echo \"backstep exited \$?\"" Enter
wait_for "step 1/"

# The lesson's description shows until the first move; → ← puts the step's
# own narration there, so the screens forward and back can be compared.
wait_for "About this lesson"
$T send-keys -t e2e Right
wait_for "step 2/"
$T send-keys -t e2e Left
wait_for "── Why"

total=$($T capture-pane -p -t e2e | sed -n 's/.*step 1\/\([0-9]*\).*/\1/p' | head -1)
[ -n "$total" ] || fail "no step count in the header"

# Forward through the whole pass, saving every screen.
for i in $(seq 1 "$total"); do
    wait_for "step $i/$total"
    settle "fwd.$i"
    grep -q "shapes  " "$OUT/fwd.$i" || fail "step $i shows no shape equation"
    [ "$i" -lt "$total" ] && $T send-keys -t e2e Right
done
grep -q "Step update" "$OUT/fwd.$total" || fail "the last step is not an update"
grep -q "Step backward.2.gradient" "$OUT"/fwd.* || fail "no backward.2.gradient step"
grep -q "G_jk  3×2" "$OUT"/fwd.* || fail "G_jk is not shown as 3×2"
grep -q "G_ij  2×3" "$OUT"/fwd.* || fail "G_ij is not shown as 2×3"

# Back again: every screen identical to the one on the way forward.
for i in $(seq $((total - 1)) -1 1); do
    $T send-keys -t e2e Left
    wait_for "step $i/$total"
    settle "back.$i"
    cmp -s "$OUT/fwd.$i" "$OUT/back.$i" || { diff "$OUT/fwd.$i" "$OUT/back.$i"; fail "step $i differs on the way back"; }
done

# Home and End as tmux sends them under TERM=xterm-256color (\033[1~ and
# \033[4~, which that description does not name) go to the first and last
# step, and an unknown escape sequence is dropped: none of them quits.
$T send-keys -t e2e End
wait_for "step $total/$total"
$T send-keys -t e2e Home
wait_for "step 1/$total"
$T send-keys -t e2e -H 1b 5b 34 7e
wait_for "step $total/$total"
$T send-keys -t e2e -H 1b 5b 31 7e
wait_for "step 1/$total"
$T send-keys -t e2e -H 1b 5b 39 39 7e
$T send-keys -t e2e Right
wait_for "step 2/$total"
$T capture-pane -p -t e2e | grep -q "backstep exited" && fail "a key sequence quit backstep"
$T send-keys -t e2e Home
wait_for "step 1/$total"

# The convention switch turns the gradient's shape around.
$T send-keys -t e2e Tab
wait_for "BACKWARD"
press_until "Step backward.2.gradient " Right "$total"
wait_for "G_jk  3×2"
$T send-keys -t e2e c
wait_for "rows convention"
wait_for "G_jk  2×3"
$T send-keys -t e2e c
wait_for "columns convention"
wait_for "G_jk  3×2"

# Resize below the minimum and back.
$T resize-window -t e2e -x 60 -y 20
wait_for "backstep needs at least 80×24 (this terminal is 60×20)"
$T resize-window -t e2e -x 100 -y 30
wait_for "G_jk  3×2"
$T capture-pane -p -t e2e | grep -q "needs at least" && fail "the too-small message stayed"

# Help lists the keys; q closes it, q again quits.
$T send-keys -t e2e '?'
wait_for "Shift-Tab"
wait_for "lines 1-"
# Every key is in the table; the last ones are a page or two down.
for _ in 1 2 3 4; do $T send-keys -t e2e NPage; done
wait_for "closes whatever is open"
$T send-keys -t e2e PPage
wait_for "views & tools"
$T send-keys -t e2e q
wait_gone "Shift-Tab"
$T send-keys -t e2e q
wait_for "backstep exited 0"

# The terminal is the shell's again: the alternate screen is gone, the
# prompt answers and the cursor is visible.
$T capture-pane -p -t e2e | grep -q "Step backward" && fail "the screen was not restored"
$T send-keys -t e2e "echo restored-ok" Enter
wait_for "restored-ok"
[ "$($T display-message -p -t e2e '#{alternate_on}')" = "0" ] || fail "still on the alternate screen"
[ "$($T display-message -p -t e2e '#{cursor_flag}')" = "1" ] || fail "the cursor is still hidden"
echo "screen.sh: ok ($total steps forward and back, convention, resize, help, quit)"
