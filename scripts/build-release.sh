#!/usr/bin/env bash
# Builds what an installation holds into DIR (default .build/dist): the release binary with the Swift
# runtime linked in (it needs only the system's C libraries: ncurses, zlib, SQLite), its man page
# (argument-parser's generate-manual), shell completions for bash, zsh and fish, the theme files and
# the licenses. Usage: scripts/build-release.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-.build/dist}
rm -rf "$dist"
mkdir -p "$dist"/bin "$dist"/share/man/man1 "$dist"/share/bash-completion/completions \
    "$dist"/share/zsh/site-functions "$dist"/share/fish/vendor_completions.d "$dist"/share/tokentop/themes \
    "$dist"/share/doc/tokentop

echo "== building tokentop (release, Swift runtime linked statically)"
swift build -c release --static-swift-stdlib --product tokentop
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"
install -m 0755 "$bin/tokentop" "$dist/bin/tokentop"
# Debug information is most of its size (200 MB of 220).
strip "$dist/bin/tokentop"
if ldd "$dist/bin/tokentop" | grep -q libswift; then
    echo "error: the binary still links the Swift runtime dynamically:" >&2
    ldd "$dist/bin/tokentop" >&2
    exit 1
fi

echo "== man page"
swift build -c release --product generate-manual
"$(swift build -c release --show-bin-path)/generate-manual" "$dist/bin/tokentop" --output-directory "$dist/share/man/man1"
gzip -9n "$dist/share/man/man1/tokentop.1"

echo "== completions"
"$dist/bin/tokentop" --generate-completion-script bash > "$dist/share/bash-completion/completions/tokentop"
"$dist/bin/tokentop" --generate-completion-script zsh > "$dist/share/zsh/site-functions/_tokentop"
"$dist/bin/tokentop" --generate-completion-script fish > "$dist/share/fish/vendor_completions.d/tokentop.fish"

cp themes/*.theme "$dist/share/tokentop/themes/"
cp Sources/Semantics/Pricing/LICENSE.genai-prices "$dist/share/doc/tokentop/"
echo "== built into $dist: $("$dist/bin/tokentop" --version | head -1)"
