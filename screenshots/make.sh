#!/bin/bash
# make.sh - photographs the real ./backstep: each shot runs it in a private
# tmux server at a given size, steps to a state by watching the screen,
# captures the pane with its colours (capture-pane -e) and as plain text
# (NAME.txt), turns the colours into HTML with aha and takes a PNG of that
# with headless Chromium in DejaVu Sans Mono, sized to the text.
#
#   screenshots/make.sh            every shot
#   screenshots/make.sh 06 help    only the shots whose names contain 06 or help
#
# A shot whose state cannot be reached (a key the screen does not have yet,
# a step that never appears) fails loudly; the others are still taken and
# the script exits 1 at the end, naming the failed ones.
set -u
cd "$(dirname "$0")/.."
DIR=screenshots

# --- tools --------------------------------------------------------------
need_debs=()
command -v tmux >/dev/null || need_debs+=(tmux)
command -v aha >/dev/null || need_debs+=(aha)
[ -x /usr/bin/chromium ] || need_debs+=(chromium)
fc-list 2>/dev/null | grep -q 'DejaVuSansMono\.ttf' || need_debs+=(fonts-dejavu-core)
if [ ${#need_debs[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "make.sh: installing ${need_debs[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                "${need_debs[@]}" >/dev/null || { echo "make.sh: apt-get failed"; exit 1; }
    else
        echo "make.sh: missing ${need_debs[*]}; as root run: apt-get install ${need_debs[*]}"
        exit 1
    fi
fi

# --- page geometry ------------------------------------------------------
# DejaVu Sans Mono advances 1233/2048 em per cell; lines are LINE em apart.
FONT_PX=16
LINE=1.15
PAD=12

WORK=$(mktemp -d)
SOCK="backstep-shots-$$"
T="tmux -L $SOCK"
# tmux leaves its socket file behind after kill-server.
SOCK_PATH="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
cleanup() { $T kill-server 2>/dev/null; rm -f "$SOCK_PATH"; rm -rf "$WORK"; }
trap cleanup EXIT

# A copy of the build, so a rebuild during the shots changes nothing.
[ -x ./backstep ] || { echo "make.sh: ./backstep is not built (make backstep)"; exit 1; }
cp ./backstep "$WORK/backstep" || exit 1
# No status line: the pane is the whole window from the first frame.
echo "set -g status off" > "$WORK/tmux.conf"

FAILED=()
SHOT=""

# Stops the current shot: says why, shows the screen, and remembers it.
shot_fail() {
    echo "make.sh: $SHOT: FAILED: $*" >&2
    echo "--- screen ---" >&2
    $T capture-pane -p -t shot 2>/dev/null | sed 's/^/| /' >&2
    FAILED+=("$SHOT")
    return 1
}

screen_text() { $T capture-pane -p -t shot 2>/dev/null; }

# Waits (up to 5 s) until the screen matches the extended regex $1.
wait_re() {
    for _ in $(seq 1 200); do
        screen_text | grep -qE -- "$1" && return 0
        sleep 0.025
    done
    shot_fail "the screen never showed /$1/"
}

# Waits until the screen is no longer exactly $1 (the screen before a key).
wait_change() {
    for _ in $(seq 1 200); do
        [ "$(screen_text)" != "$1" ] && return 0
        sleep 0.025
    done
    shot_fail "key '$2' changed nothing on the screen (is it there yet?)"
}

# Waits until two polls in a row see the same screen.
settle() {
    local prev="" cur
    for _ in $(seq 1 200); do
        cur=$(screen_text)
        [ -n "$prev" ] && [ "$cur" = "$prev" ] && return 0
        prev=$cur
        sleep 0.04
    done
    shot_fail "the screen never settled"
}

# Sends one key (tmux key name) and waits for the screen to react.
key() {
    local before
    before=$(screen_text)
    $T send-keys -t shot "$@" || { shot_fail "tmux send-keys $*"; return 1; }
    wait_change "$before" "$*"
}

# Types literal text (no reaction awaited: a prompt may echo it slowly).
type_text() { $T send-keys -t shot -l -- "$1"; }

# Presses → until the step header names step id $1 exactly.
goto_step() {
    local re="Step ${1//./\\.}( |$)" n
    for n in $(seq 1 80); do
        screen_text | grep -qE -- "$re" && return 0
        key Right || return 1
        screen_text | grep -qE -- "step 1/" && [ "$n" -gt 1 ] && break
    done
    screen_text | grep -qE -- "$re" && return 0
    shot_fail "pressed → through the pass and never reached step $1"
}

# Starts backstep at COLS×ROWS with extra environment and arguments.
start() {
    local cols=$1 rows=$2 envs=$3
    shift 3
    $T kill-server 2>/dev/null
    $T -f "$WORK/tmux.conf" new-session -d -s shot -x "$cols" -y "$rows" \
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color COLORFGBG='15;0' $envs $WORK/backstep $* ; echo '[backstep exited]'; sleep 60" ||
        { shot_fail "cannot start tmux"; return 1; }
    wait_re "step [0-9]+/[0-9]+"
}

# aha ignores SGR 2 (dim), which backstep uses for secondary text: follow
# the attributes through the capture and draw dim text in the default
# colour as grey, the way terminals do.
fix_dim() {
    perl -pe '
        BEGIN { $dim = 0; $fg = 0; $grey = 0; }
        s{\e\[([0-9;]*)m}{
            my @p = length($1) ? split(/;/, $1, -1) : (0);
            for (my $i = 0; $i < @p; $i++) {
                my $v = $p[$i] eq "" ? 0 : $p[$i];
                if ($v == 0) { $dim = 0; $fg = 0; }
                elsif ($v == 2) { $dim = 1; }
                elsif ($v == 22) { $dim = 0; }
                elsif (($v >= 30 && $v <= 37) || ($v >= 90 && $v <= 97)) { $fg = 1; }
                elsif ($v == 39) { $fg = 0; }
                elsif ($v == 38 || $v == 48) {
                    $fg = 1 if $v == 38;
                    $i += ($p[$i + 1] // 0) == 5 ? 2 : 4;
                }
            }
            my $out = "\e[$1m";
            if ($dim && !$fg) { $out .= "\e[38;5;245m"; $grey = 1; }
            elsif ($grey && !$fg) { $out .= "\e[39m"; $grey = 0; }
            else { $grey = 0; }
            $out;
        }ge;'
}

# aha names the eight colours the way a web page would (pure blue is
# hard to read on black): give them the values of a usual dark terminal.
fix_palette() {
    sed -e 's/color:#3333FF;/color:#6b8cff;/g' \
        -e 's/color:blue;/color:#6b8cff;/g' \
        -e 's/color:red;/color:#ff6060;/g' \
        -e 's/color:lime;/color:#5fd75f;/g' \
        -e 's/color:yellow;/color:#ffd75f;/g' \
        -e 's/color:fuchsia;/color:#ff70ff;/g' \
        -e 's/color:aqua;/color:#5fd7ff;/g' \
        -e 's/color:dimgray;background-color:/color:#101010;background-color:/g' \
        -e 's/color:black;background-color:white;/color:#101010;background-color:#d0d0d0;/g'
}

# Wraps each braille cell in a box one cell wide: DejaVu Sans Mono has no
# braille, and the fallback font's wider glyphs would push the rest of the
# line out of its columns.
fix_cells() {
    perl -CSD -pe 's/([\x{2800}-\x{28FF}])/<span class="cell">$1<\/span>/g'
}

# The page a shot is photographed on: "usual" (the default), a dark
# terminal of the usual kind with the eight colours made easier to read;
# "xterm-dark" and "xterm-light", xterm's own palette on black (grey90
# text) and on white (black text), the palette the themes' contrast is
# measured against.  The 256 colours are aha's, which are xterm's.
PAGE=usual

# Captures the screen as $DIR/NAME.txt and $DIR/NAME.png.
photo() {
    local name=$1 cols rows w h bg fg
    local -a aha_args=(--black)
    local palette=fix_palette dim=fix_dim
    case $PAGE in
        xterm-dark) bg='#000000' fg='#e5e5e5' palette=cat ;;
        xterm-light) bg='#ffffff' fg='#000000' palette=cat aha_args=() dim=cat ;;
        *) bg='#101010' fg='#d0d0d0' ;;
    esac
    settle || return 1
    cols=$($T display-message -p -t shot '#{pane_width}')
    rows=$($T display-message -p -t shot '#{pane_height}')
    $T capture-pane -p -t shot > "$WORK/$name.txt"
    $T capture-pane -e -p -t shot > "$WORK/$name.ans"
    $dim < "$WORK/$name.ans" | aha "${aha_args[@]}" --title "backstep: $name" | $palette | fix_cells |
        sed "s|</head>|<style>\
html, body { margin: 0; padding: 0; background: $bg; }\
body { color: $fg !important; background-color: $bg !important; }\
pre { font-family: 'DejaVu Sans Mono', monospace; font-size: ${FONT_PX}px;\
 line-height: ${LINE}; margin: 0; padding: ${PAD}px; white-space: pre;\
 font-variant-ligatures: none; }\
.cell { display: inline-block; width: 1ch; overflow: hidden; vertical-align: top; }\
</style></head>|" > "$WORK/$name.html"
    # Width: cells × advance, rounded up, plus padding on both sides and a
    # little slack so the last column is never clipped.
    w=$(awk -v c="$cols" -v px=$FONT_PX -v p=$PAD 'BEGIN { printf "%d", c*px*1233/2048 + 2*p + 4 + 0.999 }')
    h=$(awk -v r="$rows" -v px=$FONT_PX -v l=$LINE -v p=$PAD 'BEGIN { printf "%d", r*px*l + 2*p + 2 + 0.999 }')
    local profile
    profile=$(mktemp -d)
    timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$profile" --hide-scrollbars \
        --force-device-scale-factor=1 --window-size="$w,$h" \
        --screenshot="$WORK/$name.png" "file://$WORK/$name.html" \
        >"$WORK/$name.chromium.log" 2>&1
    rm -rf "$profile"
    [ -s "$WORK/$name.png" ] || { cat "$WORK/$name.chromium.log" >&2; shot_fail "chromium made no PNG"; return 1; }
    mv "$WORK/$name.png" "$DIR/$name.png"
    mv "$WORK/$name.txt" "$DIR/$name.txt"
    echo "make.sh: $name ${cols}×${rows} → $DIR/$name.png (${w}×${h})"
}

# --- the shots ----------------------------------------------------------
# Each function reaches one state; run_shot takes the photo when it did.

shot_01_forward_sum()   { start 100 32 "" && goto_step forward.1.sum; }
shot_02_delta_gprime()  { start 100 32 "" && goto_step backward.2.activation; }
shot_03_gradient_beat1() { start 100 32 "" && goto_step backward.2.gradient.copy; }
shot_04_gradient_beat2() { start 100 32 "" && goto_step backward.2.gradient; }
shot_05_send_down()     { start 100 32 "" && goto_step backward.2.send; }
shot_06_update()        { start 100 32 "" && goto_step update.2; }
shot_07_rows_convention() {
    start 100 32 "" && goto_step backward.2.gradient && key c && wait_re "rows convention"
}
# The quiz on the first step: a wrong shape for z_j, so the hint shows.
shot_08_quiz() {
    start 100 32 "" && key z && wait_re "[Ss]hape" &&
        type_text "2x3" && $T send-keys -t shot Enter && wait_re "[Hh]int|[Tt]ry again|rows|columns"
}
# The shape checker on the question's own formula.
shot_09_shape_checker() {
    start 100 32 "" && key : &&
        type_text "W_jk * g'(W_ij * x) * x * err" && wait_re "W_jk \* g'" &&
        key Enter && wait_re "2×1|does not fit|cannot|mismatch|don.t fit"
}
# Training XOR with the loss plot (the default 1000 epochs), log scale.
shot_10_training_plot() {
    start 100 32 "" lessons/06-xor.yaml && key t && key Enter && wait_re "[Ll]oss" &&
        wait_re "[Ee]poch" && key L && wait_re "log scale"
}
# The gradient check: analytic against central differences.
shot_11_gradcheck() {
    start 100 32 "" && key v && wait_re "[Rr]elative|rel\\. ?err|[Nn]umeric|finite"
}
shot_12_80x24()         { start 80 24 "" && goto_step backward.2.gradient; }
shot_13_monochrome()    { start 100 32 "NO_COLOR=1" && goto_step backward.2.gradient; }
shot_14_ascii()         { start 100 32 "" --ascii && goto_step backward.2.gradient && wait_re "Step backward"; }
shot_15_help()          { start 100 32 "" && goto_step backward.2.activation && key '?' && wait_re "Shift-Tab"; }
shot_16_wide_200x60()   { start 200 60 "" && goto_step backward.2.gradient; }
# Whole at 80×24: the deeper lesson's step 16, the question's last update,
# and the question's formula read shape by shape beside the outer product.
shot_17_deeper_80x24()  { start 80 24 "" lessons/07-deeper.yaml && goto_step backward.2.send; }
shot_18_update_80x24()  { start 80 24 "" && goto_step update.1; }
shot_19_formula_80x24() {
    start 80 24 "" && key Tab && key Tab && key Left && key Left && wait_re "step 13/16" &&
        key s && wait_re "Your formula, shape by shape"
}

# The gradient step in each colour theme, on the background it is made for.
shot_20_theme_dark()  { PAGE=xterm-dark; start 100 32 "" --theme dark && goto_step backward.2.gradient; }
shot_21_theme_light() { PAGE=xterm-light; start 100 32 "" --theme light && goto_step backward.2.gradient; }

SHOTS="01-forward-sum 02-delta-gprime 03-gradient-beat1 04-gradient-beat2 05-send-down
06-update 07-rows-convention 08-quiz 09-shape-checker 10-training-plot 11-gradcheck
12-80x24 13-monochrome 14-ascii 15-help 16-wide-200x60 17-deeper-80x24 18-update-80x24
19-formula-80x24 20-theme-dark 21-theme-light"

mkdir -p "$DIR"
for SHOT in $SHOTS; do
    if [ $# -gt 0 ]; then
        hit=0
        for want in "$@"; do [[ $SHOT == *"$want"* ]] && hit=1; done
        [ $hit = 1 ] || continue
    fi
    fn="shot_${SHOT//-/_}"
    PAGE=usual
    if "$fn"; then
        photo "$SHOT" || true
    else
        # shot_fail has already reported it; make sure it is counted once.
        [[ " ${FAILED[*]} " == *" $SHOT "* ]] || FAILED+=("$SHOT")
    fi
    $T kill-server 2>/dev/null
done

if [ ${#FAILED[@]} -gt 0 ]; then
    echo "make.sh: FAILED shots: ${FAILED[*]}" >&2
    exit 1
fi
echo "make.sh: all shots in $DIR/"
