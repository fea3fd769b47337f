#!/usr/bin/env bash
# Builds tokentop and installs it under PREFIX (default /usr/local): the binary, its man page, shell
# completions and themes. The binary needs no Swift toolchain to run.
# Usage: scripts/install.sh [PREFIX]      e.g. scripts/install.sh ~/.local
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
dist=.build/dist
scripts/build-release.sh "$dist"
echo "== installing into $prefix"
mkdir -p "$prefix"
cp -R "$dist"/. "$prefix"/
echo "installed $prefix/bin/tokentop; try: tokentop --demo   (man tokentop for the manual)"
