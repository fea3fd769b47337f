#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each one for SECONDS (default 60), seeded from the
# test fixtures. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Corpora grow in Fuzz/corpus/TARGET, crashing inputs land in Fuzz/crashes/ and logs in Fuzz/logs/.
# Exits non-zero if any target crashed, hung or ran out of memory. FUZZ_SEED fixes libFuzzer's random
# seed (0, the default, picks a new one each run), so a run can be repeated input for input.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
shift || true
all_targets=(otlp-traces otlp-scanner otlp-metrics otlp-logs otlp-json gzip normalize limits theme config prices)
[ $# -gt 0 ] && targets=("$@") || targets=("${all_targets[@]}")

build_flags=(-c debug -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library)
echo "== building fuzz targets"
# SwiftPM can plan the first build after a source file was added to the root package without that
# file; a second build picks it up, and a real compile error fails both.
(cd Fuzz && swift build "${build_flags[@]}") || (cd Fuzz && swift build "${build_flags[@]}")
fuzzer="$(cd Fuzz && swift build "${build_flags[@]}" --show-bin-path)/TokentopFuzz"

mkdir -p Fuzz/corpus Fuzz/crashes Fuzz/logs

# seed TARGET FILE [PREFIX_BYTE]: copies a fixture into the target's corpus, optionally behind one byte.
seed() {
    local dir="Fuzz/corpus/$1" name
    name="$(echo "$2" | tr '/' '_')"
    mkdir -p "$dir"
    if [ $# -gt 2 ]; then
        { printf "\\$(printf '%03o' "$3")"; cat "$2"; } > "$dir/seed-$name"
    else
        cp "$2" "$dir/seed-$name"
    fi
}

shopt -s nullglob
signal_index=0
for signal in traces metrics logs; do
    for f in Tests/Fixtures/*/*-"$signal".binpb; do
        seed "otlp-$signal" "$f"
        if [ "$signal" = traces ]; then seed otlp-scanner "$f"; fi
        seed normalize "$f" "$signal_index"
        seed limits "$f" "$signal_index"
    done
    for f in Tests/Fixtures/*/*-"$signal".json; do seed otlp-json "$f"; done
    signal_index=$((signal_index + 1))
done
line_dir="$(mktemp -d)"
trap 'rm -rf "$line_dir"' EXIT
head -n 20 Tests/Fixtures/filefeed/otlp.jsonl | split -l 1 - "$line_dir/filefeed-line-"
for f in "$line_dir"/*; do seed otlp-json "$f"; done
for f in Tests/Fixtures/*/*.gz; do seed gzip "$f"; done
for f in themes/*.theme; do seed theme "$f"; done
for f in Fuzz/seeds/config/*.toml; do seed config "$f"; done
for f in Fuzz/seeds/prices/*.toml; do seed prices "$f"; done

failed=()
for target in "${targets[@]}"; do
    echo "== fuzzing $target for ${seconds}s"
    log="Fuzz/logs/$target.log"
    # Swift's own crash reporter would hold up libFuzzer's; libFuzzer reports the crash itself.
    if SWIFT_BACKTRACE=enable=no TOKENTOP_FUZZ_TARGET="$target" "$fuzzer" "Fuzz/corpus/$target" \
        -max_total_time="$seconds" -seed="${FUZZ_SEED:-0}" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
        -artifact_prefix="$root/Fuzz/crashes/$target-" -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^stat::number_of_executed_units' "$log" || true
    else
        echo "!! $target failed; its log is $log:"
        tail -n 30 "$log"
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "FUZZING FAILED: ${failed[*]} (inputs in Fuzz/crashes/)"
    exit 1
fi
echo "== all fuzz targets ran clean"
