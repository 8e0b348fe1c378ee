#!/bin/bash
# install.sh - make install and make uninstall, for real, into temporary
# folders: after a build for the default PREFIX (as make run leaves it),
# make install PREFIX=$tmp/usr rebuilds for that prefix, installs there, and
# the installed binary finds its lessons by name; the same is staged with
# DESTDIR=$tmp/stage PREFIX=/usr; each time uninstall removes exactly the
# installed files and nothing else.  Also checks the man page renders
# without warnings on UTF-8, Latin-1 and ASCII devices and through man in a
# C and a UTF-8 locale, whatever the caller's locale is.
#
# The tree (Makefile, src, lessons) is copied first, so the installed binary
# has its own lesson folder compiled in and ./backstep is not touched.
set -u -o pipefail
cd "$(dirname "$0")/../.."
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES LANGUAGE
export LANG=C.UTF-8 LC_ALL=C.UTF-8
ROOT=$PWD

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "install.sh: FAIL: $*"; exit 1; }

# --- the man page -------------------------------------------------------
command -v groff >/dev/null || fail "groff is not installed (make deps)"
command -v man >/dev/null || fail "man is not installed (make deps)"
for dev in utf8 latin1 ascii; do
    warn=$(groff -ww -man -T$dev src/backstep.1 2>&1 >/dev/null)
    [ -z "$warn" ] || fail "groff -ww -T$dev warns about src/backstep.1:"$'\n'"$warn"
done
for loc in C.UTF-8 C; do
    page=$(LC_ALL=$loc MANWIDTH=80 MAN_KEEP_FORMATTING=0 man -l src/backstep.1 2>"$TMP/man.err" | sed 's/.\x08//g') ||
        fail "man -l src/backstep.1 failed in the $loc locale: $(cat "$TMP/man.err")"
    [ -s "$TMP/man.err" ] && fail "man -l src/backstep.1 complains in the $loc locale: $(cat "$TMP/man.err")"
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS KEYS FILES ENVIRONMENT "EXIT STATUS" EXAMPLES; do
        grep -q "^$section\$" <<<"$page" || fail "the man page has no $section section ($loc)"
    done
done
# In ASCII, the symbols read as backstep --ascii writes them.
grep -qF "W is inputsxoutputs, the forward sum is WT*a" <<<"$(tr -s ' \n' ' ' <<<"$page")" ||
    fail "the man page in the C locale does not spell W transposed as WT*a"

# --- a build for the default PREFIX, as make run leaves it --------------
mkdir -p "$TMP/src" "$TMP/home" "$TMP/cwd"
cp -R Makefile src lessons "$TMP/src/" || fail "cannot copy the tree"
PREFIX_DIR="$TMP/usr"
mk() { make -s --no-print-directory -C "$TMP/src" -j2 CFLAGS=-O0 WERROR= "$@"; }
mk backstep >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; fail "the copy does not build"; }

# What install must put in a prefix, relative to it.
expected() {
    echo bin/backstep
    echo share/man/man1/backstep.1
    for f in "$ROOT"/lessons/*.yaml; do echo "share/backstep/lessons/${f##*/}"; done
}
expected | sort > "$TMP/expected"
n_lessons=$(ls lessons/*.yaml | wc -l)
[ "$n_lessons" -ge 11 ] || fail "only $n_lessons bundled lessons"

# Files (and symlinks) under a folder, relative to it, sorted.
files_under() { (cd "$1" 2>/dev/null && find . \( -type f -o -type l \) | sed 's|^\./||' | sort); }

# Files that were there before and must survive uninstall.
mkdir -p "$PREFIX_DIR/bin" "$PREFIX_DIR/share/man/man1"
echo other > "$PREFIX_DIR/bin/other-tool"
echo other > "$PREFIX_DIR/share/man/man1/other-tool.1"

# --- install into PREFIX: rebuilt for it ---------------------------------
mk PREFIX="$PREFIX_DIR" install >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; fail "make install PREFIX=$PREFIX_DIR"; }
files_under "$PREFIX_DIR" | grep -v other-tool > "$TMP/installed"
diff "$TMP/expected" "$TMP/installed" >"$TMP/diff" || { cat "$TMP/diff"; fail "install did not put exactly the binary, the man page and the lessons"; }
[ -x "$PREFIX_DIR/bin/backstep" ] || fail "the installed binary is not executable"
[ "$(stat -c %a "$PREFIX_DIR/share/man/man1/backstep.1")" = 644 ] || fail "the man page is not mode 644"

# The installed binary, run from an empty folder with an empty home, finds
# the installed lessons and nothing else.
run_installed() {
    (cd "$TMP/cwd" && env -u XDG_DATA_HOME HOME="$TMP/home" LANG=C.UTF-8 "$PREFIX_DIR/bin/backstep" "$@")
}
run_installed --list >"$TMP/list" 2>"$TMP/list.err" || fail "backstep --list exited $?: $(cat "$TMP/list.err")"
[ "$(wc -l <"$TMP/list")" -eq "$n_lessons" ] || { cat "$TMP/list"; fail "--list shows $(wc -l <"$TMP/list") lessons, not $n_lessons"; }
grep -q '^xor  *XOR with a 2-2-1 network$' "$TMP/list" || { cat "$TMP/list"; fail "--list does not show xor with its title"; }
grep -q '(does not load)' "$TMP/list" && fail "an installed lesson does not load"
run_installed --print xor >"$TMP/xor" 2>"$TMP/xor.err" || fail "backstep --print xor exited $?: $(cat "$TMP/xor.err")"
[ -s "$TMP/xor.err" ] && fail "backstep --print xor wrote to stderr: $(cat "$TMP/xor.err")"
grep -q 'XOR with a 2-2-1 network' "$TMP/xor" || fail "--print xor did not print the xor lesson"
# The same walkthrough as the uninstalled program gives for the same file.
(cd "$TMP/cwd" && env -u XDG_DATA_HOME HOME="$TMP/home" LANG=C.UTF-8 "$TMP/src/backstep" --print "$ROOT/lessons/06-xor.yaml") >"$TMP/xor.ref" ||
    fail "the copy cannot print lessons/06-xor.yaml"
cmp -s "$TMP/xor" "$TMP/xor.ref" || fail "--print xor from the install differs from --print lessons/06-xor.yaml"
run_installed --print no-such-lesson >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown lesson name does not exit 2"

# --- uninstall from PREFIX -----------------------------------------------
mk PREFIX="$PREFIX_DIR" uninstall >"$TMP/uninstall.log" 2>&1 || { cat "$TMP/uninstall.log"; fail "make uninstall PREFIX=$PREFIX_DIR"; }
left=$(files_under "$PREFIX_DIR")
[ "$left" = "$(printf 'bin/other-tool\nshare/man/man1/other-tool.1')" ] ||
    fail "after uninstall these files are left or gone:"$'\n'"$left"
[ -e "$PREFIX_DIR/share/backstep" ] && fail "uninstall left $PREFIX_DIR/share/backstep"

# --- staged with DESTDIR -------------------------------------------------
STAGE="$TMP/stage"
mk DESTDIR="$STAGE" PREFIX=/usr install >"$TMP/stage.log" 2>&1 || { cat "$TMP/stage.log"; fail "make install DESTDIR=$STAGE PREFIX=/usr"; }
files_under "$STAGE/usr" > "$TMP/staged"
diff "$TMP/expected" "$TMP/staged" >"$TMP/diff" || { cat "$TMP/diff"; fail "DESTDIR install did not stage exactly the binary, the man page and the lessons under /usr"; }
[ "$(files_under "$STAGE" | grep -vc '^usr/')" -eq 0 ] || fail "DESTDIR install wrote outside $STAGE/usr"
# The staged binary reads the staged lessons by name through XDG_DATA_HOME.
(cd "$TMP/cwd" && HOME="$TMP/home" XDG_DATA_HOME="$STAGE/usr/share" LANG=C.UTF-8 "$STAGE/usr/bin/backstep" --print xor) >"$TMP/xor.staged" 2>&1 ||
    fail "the staged binary cannot print xor: $(cat "$TMP/xor.staged")"
cmp -s "$TMP/xor.staged" "$TMP/xor.ref" || fail "the staged binary prints xor differently"
mk DESTDIR="$STAGE" PREFIX=/usr uninstall >"$TMP/unstage.log" 2>&1 || { cat "$TMP/unstage.log"; fail "make uninstall DESTDIR=$STAGE PREFIX=/usr"; }
left=$(files_under "$STAGE")
[ -z "$left" ] || fail "after a DESTDIR uninstall these files are left:"$'\n'"$left"

echo "install.sh: ok (man page; $n_lessons lessons installed, found by name, uninstalled; DESTDIR staging)"
