#!/bin/bash
# presenter.sh - drives the real program ($BACKSTEP_BIN or ./backstep) in
# tmux at 80×24 the way a teacher's clicker does: PageDown and PageUp step,
# b and . blank the screen and the next key only brings it back, F5 goes
# to the start of the pass, Esc closes what is open and on the stepping
# screen only says that q quits; below 80×24 no key acts unseen; q leaves.
set -u
NAME=presenter.sh PANE=presenter
. "$(dirname "$0")/tmux.bash"

$T -f /dev/null new-session -d -s presenter -x 80 -y 24 \
    "env LANG=C.UTF-8 TERM=xterm-256color bash --norc --noprofile" || fail "cannot start tmux"
$T set-option -t presenter remain-on-exit on >/dev/null
keys "PS1='ready\$ '; clear" Enter
wait_for 'ready$'
keys "$BIN; echo \"backstep exited \$?\"" Enter
wait_for "step 1/16"

# PageDown and PageUp step like → and ←.
keys NPage
wait_for "step 2/16"
keys NPage
wait_for "step 3/16"
keys PPage
wait_for "step 2/16"

# b blanks the screen; the next key (even PageDown) only brings it back.
keys b
wait_gone "step 2/16"
[ -z "$(screen | tr -d ' \n')" ] || fail "the blanked screen is not blank"
keys NPage
wait_for "step 2/16"
keys .
wait_gone "step 2/16"
keys Escape
wait_for "step 2/16"

# F5 goes to the start of the pass.
keys NPage NPage NPage
wait_for "step 5/16"
keys F5
wait_for "step 1/16"

# Esc closes what is open, and on the stepping screen does nothing but say so.
keys '?'
wait_for "lines 1-"
keys Escape
wait_gone "lines 1-"
keys Escape
wait_for "q quits"
screen | grep -q "backstep exited" && fail "Esc quit backstep"
keys NPage
wait_for "step 2/16"
wait_gone "q quits"

# Too small: the screen says so and PageDown does not step unseen.
$T resize-window -t presenter -x 70 -y 20
wait_for "backstep needs at least 80×24 (this terminal is 70×20)"
keys NPage NPage Right Space
$T resize-window -t presenter -x 80 -y 24
wait_for "step 2/16"

# q asks only when there are unsaved edits: none here, so it leaves.
keys q
wait_for "backstep exited 0"
echo "presenter.sh: ok (PageDown, PageUp, b, ., F5, Esc, too small, q)"
