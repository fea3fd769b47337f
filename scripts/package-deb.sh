#!/usr/bin/env bash
# Builds a Debian package of tokentop with dpkg-deb: the binary (Swift runtime linked in), man page,
# completions, themes and licenses, with Depends: read off the libraries the binary links.
# Usage: scripts/package-deb.sh [OUTDIR]   (default .build/deb; prints the .deb's path last)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/deb}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
scripts/build-release.sh "$stage/usr"
version=$("$stage/usr/bin/tokentop" --version | head -1 | cut -d' ' -f2)
arch=$(dpkg --print-architecture)

# Each shared library the binary needs, mapped to the package that ships it.
depends=$(ldd "$stage/usr/bin/tokentop" | awk '/=> \// { print $3 }' | while read -r lib; do
    real=$(readlink -f "$lib")
    dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || { echo "error: no package ships $lib" >&2; exit 1; }
done | cut -d: -f1 | sort -u | paste -sd, | sed 's/,/, /g')

mkdir -p "$stage/DEBIAN" "$stage/usr/share/doc/tokentop"
cat > "$stage/usr/share/doc/tokentop/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: tokentop

Files: usr/bin/tokentop (bundled price data)
Comment: Model prices derived from genai-prices (https://github.com/pydantic/genai-prices).
License: MIT
$(sed 's/^$/./; s/^/ /' Sources/Semantics/Pricing/LICENSE.genai-prices)
COPYRIGHT
cat > "$stage/DEBIAN/control" <<CONTROL
Package: tokentop
Version: $version
Architecture: $arch
Maintainer: tokentop <tokentop@localhost>
Depends: $depends
Section: utils
Priority: optional
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Description: live terminal dashboard for LLM applications
 tokentop runs an OpenTelemetry (OTLP) receiver and shows, live in the terminal,
 agent traces as they run, token burn rate, per-model cost and quality signals
 (truncation, retries, errors, latency, time to first token).
CONTROL
mkdir -p "$out"
deb="$out/tokentop_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
echo "Depends: $depends"
echo "$deb"
