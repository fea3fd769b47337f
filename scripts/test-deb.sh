#!/usr/bin/env bash
# Builds the .deb, installs it with dpkg and runs the installed tokentop as a user would on a machine
# without Swift: no toolchain on PATH, no LD_LIBRARY_PATH. Checks --version, a report of a fixture,
# the man page and completions, and the screen in tmux; then removes the package.
# Needs root (dpkg -i) and tmux. Usage: scripts/test-deb.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }

deb=$(scripts/package-deb.sh .build/deb | tee /dev/stderr | tail -1)
echo "== installing $deb"
dpkg -i "$deb"
trap 'dpkg -r tokentop >/dev/null 2>&1 || true' EXIT

home=$(mktemp -d)
# What a fresh machine's user has: no Swift, no library path.
run() { env -i HOME="$home" PATH=/usr/bin:/bin TERM=xterm-256color LANG=C.UTF-8 "$@"; }
run sh -c 'command -v swift' && fail "swift is on the test PATH"
[ "$(command -v tokentop)" = /usr/bin/tokentop ] || fail "tokentop is not /usr/bin/tokentop"
ldd /usr/bin/tokentop | grep -E 'libswift|libFoundation|libicu' && fail "the installed binary links the Swift runtime"

echo "== --version"
run tokentop --version | tee "$home/version"
grep -q '^tokentop [0-9]' "$home/version" || fail "--version"
grep -q 'prices: genai-prices' "$home/version" || fail "--version names no price data"

echo "== report"
run tokentop report --no-history Tests/Fixtures/seed-agent/*.binpb | tee "$home/report"
grep -q 'gpt-4o' "$home/report" || fail "report shows no model"

echo "== man page and completions"
man -w tokentop >/dev/null 2>&1 || [ -f /usr/share/man/man1/tokentop.1.gz ] || fail "no man page"
[ -s /usr/share/bash-completion/completions/tokentop ] || fail "no bash completion"
[ -s /usr/share/zsh/site-functions/_tokentop ] || fail "no zsh completion"
[ -s /usr/share/fish/vendor_completions.d/tokentop.fish ] || fail "no fish completion"

echo "== the screen in tmux"
socket="tokentop-deb-$$"
env -i HOME="$home" PATH=/usr/bin:/bin TERM=xterm-256color LANG=C.UTF-8 \
    tmux -L "$socket" new-session -d -s deb -x 120 -y 30 "tokentop --grpc-port 0 --http-port 0; echo EXITED-\$?; sleep 5"
screen=""
for _ in $(seq 1 50); do
    sleep 0.1
    screen=$(tmux -L "$socket" capture-pane -p -t deb)
    grep -q 'OTLP/gRPC' <<<"$screen" && break
done
echo "$screen" | head -12
tmux -L "$socket" send-keys -t deb q
sleep 1
after=$(tmux -L "$socket" capture-pane -p -t deb)
tmux -L "$socket" kill-server 2>/dev/null || true
grep -q 'OTLP/gRPC' <<<"$screen" || fail "the screen never showed its endpoints"
grep -q 'EXITED-0' <<<"$after" || fail "q did not quit cleanly: $after"

dpkg -r tokentop
[ ! -e /usr/bin/tokentop ] || fail "dpkg -r left /usr/bin/tokentop"
trap - EXIT
echo "test-deb: the installed package works without Swift"
