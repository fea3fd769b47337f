#!/usr/bin/env bash
# One ingest run: a headless tokentop (its default --max-spans, so it evicts once full) and 12 s of
# `tokentop load`; prints spans/s and the spans evicted. Usage: bench/ingest-once.sh BINARY [grpc|http-protobuf]
set -euo pipefail
binary=$1 protocol=${2:-http-protobuf}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
XDG_STATE_HOME=$work "$binary" --headless --json --grpc-port 14617 --http-port 14618 --no-history \
    > "$work/summary.json" 2> "$work/status.txt" &
server=$!
sleep 1
port=$([ "$protocol" = grpc ] && echo 14617 || echo 14618)
"$binary" load --protocol "$protocol" --target "127.0.0.1:$port" --duration 12 --json > "$work/load.json"
kill -INT $server
wait $server
python3 - "$work" <<'PY'
import json, sys
load = json.load(open(sys.argv[1] + "/load.json"))
summary = json.load(open(sys.argv[1] + "/summary.json"))
print(round(load["spans_per_second"]), "spans/s,", summary["ingest"]["evicted_spans"], "evicted")
PY
