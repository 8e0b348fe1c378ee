# tmux.bash - what the end-to-end scripts share: a private tmux server, and
# waiting for the screen by polling, never by fixed sleeps.  Sourced by
# tests/e2e/*.sh after they set NAME (the script's name) and PANE (the
# tmux session they drive); it provides T, OUT (a temporary folder removed
# on exit) and the functions below.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
command -v tmux >/dev/null || { echo "$NAME: tmux is not installed (make deps)"; exit 1; }

# The program under test: ./backstep unless BACKSTEP_BIN names another
# build of it (make coverage does).
BIN=${BACKSTEP_BIN:-./backstep}
[ -x "$BIN" ] || { echo "$NAME: $BIN is not built"; exit 1; }

# Whatever the caller's locale: tmux, the panes and grep in UTF-8.
unset LANGUAGE
export LANG=C.UTF-8 LC_ALL=C.UTF-8

T="tmux -L backstep-$PANE-$$"
OUT=$(mktemp -d)
cleanup() { $T kill-server 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT

# Stops the test with a message and the screen as it was.
fail() { echo "$NAME: FAIL: $*"; echo "--- screen ---"; $T capture-pane -p -t "$PANE" 2>/dev/null; exit 1; }

# The pane's text now.
screen() { $T capture-pane -p -t "$PANE"; }

# Waits (up to 5 s) until the pane shows text $1.
wait_for() {
    for _ in $(seq 1 100); do
        screen 2>/dev/null | grep -qF -- "$1" && return 0
        sleep 0.05
    done
    fail "waited for '$1'"
}

# Waits (up to 5 s) until the pane no longer shows text $1.
wait_gone() {
    for _ in $(seq 1 100); do
        screen 2>/dev/null | grep -qF -- "$1" || return 0
        sleep 0.05
    done
    fail "'$1' stayed on the screen"
}

# Waits until the pane stops changing, then saves it to $OUT/$1.
settle() {
    local prev="" cur
    for _ in $(seq 1 100); do
        cur=$(screen)
        [ -n "$prev" ] && [ "$cur" = "$prev" ] && break
        prev=$cur
        sleep 0.03
    done
    printf '%s\n' "$cur" > "$OUT/$1"
}

# Waits (up to 1 s) until the pane differs from text $1; says whether it did.
changed_from() {
    for _ in $(seq 1 50); do
        [ "$(screen 2>/dev/null)" != "$1" ] && return 0
        sleep 0.02
    done
    return 1
}

# Presses key $2 until the pane shows text $1, at most $3 times (default
# 40), each time waiting for the key's effect on the screen; then waits for
# $1 as wait_for does.
press_until() {
    local before
    for _ in $(seq 1 "${3:-40}"); do
        before=$(screen 2>/dev/null)
        grep -qF -- "$1" <<<"$before" && return 0
        $T send-keys -t "$PANE" "$2"
        changed_from "$before"
    done
    wait_for "$1"
}

# Keys to the pane, and literal text.
keys() { $T send-keys -t "$PANE" "$@"; }
type_text() { $T send-keys -t "$PANE" -l -- "$1"; }
