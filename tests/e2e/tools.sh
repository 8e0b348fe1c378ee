#!/bin/bash
# tools.sh - drives the learning tools of the real program in tmux at
# 100×30: a quiz question answered wrong then right, the shape checker on
# the question's formula, training 500 epochs with its plot and log axis,
# the gradient check, an edit of a weight saved to a copy of lesson 01 and
# read back by --print, and the lesson browser.
set -u
NAME=tools.sh PANE=tools
. "$(dirname "$0")/tmux.bash"

$T -f /dev/null new-session -d -s tools -x 100 -y 30 \
    "env LANG=C.UTF-8 TERM=xterm-256color bash --norc --noprofile" || fail "cannot start tmux"
$T set-option -t tools remain-on-exit on >/dev/null
keys "PS1='ready\$ '; clear" Enter
wait_for 'ready$'

cp lessons/01-question.yaml "$OUT/mine.yaml" || fail "cannot copy lesson 01"
keys "$BIN '$OUT/mine.yaml'; echo \"backstep exited \$?\"" Enter
wait_for "step 1/16"
wait_for "About this lesson"

# Quiz: the shape of z_j, first wrong (2x3), then right (3).
keys z
wait_for "shape of z_j?"
wait_for "Tab skips"
type_text "2x3"; keys Enter
wait_for "Not quite"
wait_for "quiz 0/0"
type_text "3"; keys Enter
wait_for "Right"
wait_for "quiz 0/1"                 # right at the second try: not scored
wait_for "z_1 = ?"
keys Tab                          # skip the value: counted as missed
wait_for "Skipped, counted as missed"
wait_for "quiz 0/2"
keys Escape                       # after the feedback Esc ends the quiz, backstep stays
wait_for "Quiz summary"           # first tries only: one kind asked twice, none right at first
wait_for "Score: 0 of 2 right at the first try: shapes of results 0 of 1, values 0 of 1."
keys Right                        # any key leaves the summary, and does nothing else
wait_gone "Quiz summary"
wait_gone "quiz 0/2"
wait_for "step 1/16"
wait_for "q quit"
keys z                            # quiz on again; Esc at its prompt ends it too
wait_for "shape of z_j?"          # (had Esc quit, z would have gone to the shell)
screen | grep -q "backstep exited" && fail "Esc in the quiz quit backstep"
keys Escape
wait_gone "quiz 0/0"

# The shape checker on the question's formula: W_ij * x fits only read as W_ijᵀ * x.
keys :
wait_for "Shape checker"
type_text "W_jk * g'(W_ij * x) * x * err"; keys Enter
wait_for "does not fit: (2×3)·(2×1): 3 ≠ 2"
wait_for "read as W_ijᵀ * x"
keys Escape
wait_gone "Shape checker"

# The gradient check of the lesson as written: every row good, by the
# engine's verdict, and the selected row says why.
keys v
wait_for "Gradient check · 12 parameters"
wait_for "loss evaluations"
[ "$(screen | grep -v ', good:' | grep -c 'W_[a-z]*\[[0-9]\]\[[0-9]\].*good')" = 12 ] || fail "not every gradient is good"
screen | grep -E "W_.*(WRONG|non-finite)" && fail "a gradient is not good"
wait_for "W_ij[1][1], good: they differ by"
keys Escape
wait_gone "Gradient check"

# Training: 500 epochs, the plot, the log axis, back to the steps.
keys t
wait_for "train how many epochs? 1000"
keys C-u; type_text "500"; keys Enter
wait_for "Training · 500 epochs"
wait_for "epoch 500"
screen | grep -qE "⡇|⢸|⣀" || fail "no braille dots in the plot"
wait_for "linear scale"
keys L
wait_for "log scale"
keys Escape
wait_for "epoch 501"
wait_gone "Training ·"

# Edit W_jk[1][1] on update.2 (from the lesson's start), save, read back.
keys r
wait_for "epoch 1  sample 1/1"
keys G Left
wait_for "Step update.2"
keys e
wait_for "W_jk[1][1] = 0.7000, new value: 0.7"
type_text "x"; keys Enter           # the offered value is selected: x replaces it
wait_for 'W_jk[1][1]: "x" is not a finite number'
wait_for "new value: x"           # the prompt stays to try again
keys C-u; keys Enter
wait_for "W_jk[1][1]: type a number"
type_text "0.25"; keys Enter
wait_for "[modified]"
wait_for "step 1/16"
keys u                            # undo: the lesson's own value, no edits left
wait_for "undone: W_jk[1][1] = 0.25 (was 0.7)"
wait_gone "[modified]"
keys U                            # redo
wait_for "redone: W_jk[1][1] = 0.25 (was 0.7)"
wait_for "[modified]"
keys w
wait_for "save as: $OUT/mine.yaml"
keys Enter
wait_for "saved $OUT/mine.yaml"
wait_gone "[modified]"

# The browser lists every bundled lesson.
keys o
wait_for "Open a lesson"
for f in lessons/[0-9]*.yaml; do
    title=$(sed -n 's/^title: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$f" | head -1)
    [ -n "$title" ] || fail "no title in $f"
    wait_for "$title"
done
keys Escape
wait_gone "Open a lesson"
keys q
wait_for "backstep exited 0"

# The saved lesson loads back with the edited weight.
"$BIN" --print "$OUT/mine.yaml" > "$OUT/print.txt" 2>&1 || { cat "$OUT/print.txt"; fail "--print on the saved lesson"; }
grep -A3 "^  W_jk  3×2" "$OUT/print.txt" | head -4 | grep -q "0.2500 -0.2000" \
    || { grep -A3 "W_jk  3×2" "$OUT/print.txt" | head -8; fail "the saved W_jk[1][1] is not 0.25"; }
echo "tools.sh: ok (quiz, shape checker, training plot, gradient check, edit and save, browser)"
