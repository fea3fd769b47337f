#!/usr/bin/env bash
# capture.sh [OUT_DIR] - capture the Tests/Fixtures/langfuse-sdk fixture from the real
# Langfuse Python SDK (OTLP/HTTP protobuf to {LANGFUSE_HOST}/api/public/otel/v1/traces).
#
# How to run:
#   scripts/langfuse-capture/capture.sh                 # OUT = Tests/Fixtures/langfuse-sdk
#   scripts/langfuse-capture/capture.sh /tmp/lf-out     # somewhere else
# Env:
#   CLIENTS   the shared fixture tooling (default ../shared/fixtures/clients beside the checkout; read-only,
#             run_scenario.py / fake_llm.py / capture_otlp.py / check_fixtures.py are used as-is)
#   LF_WORK   where the venv lives (default ${TMPDIR:-/tmp}/langfuse-capture); created from
#             requirements.txt (needs PyPI) if $LF_WORK/venv/bin/python does not exist.
#
# run_scenario.py runs `os.path.join(CLIENTS, --script)` with cwd = PYTHONPATH = CLIENTS;
# an absolute --script path is therefore used as-is and can still import net_guard /
# otel_setup from CLIENTS, so nothing is copied into the shared directory.
# Everything runs on 127.0.0.1 (fake LLM + OTLP capture server on free ports).
# OUT_DIR is emptied first; afterwards it holds NNNN-traces.binpb.gz (the SDK gzips by
# default; bytes as sent), index.jsonl (with "path"), fake_llm_requests.jsonl and
# expected.json (check_fixtures.py --write). NOTES.md (hand-written) is kept across runs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLIENTS=${CLIENTS:-$ROOT/../shared/fixtures/clients}
LF_WORK=${LF_WORK:-${TMPDIR:-/tmp}/langfuse-capture}
OUT=${1:-$ROOT/Tests/Fixtures/langfuse-sdk}
PY="$LF_WORK/venv/bin/python"

if [ ! -x "$PY" ]; then
  mkdir -p "$LF_WORK"
  python3 -m venv "$LF_WORK/venv"
  "$LF_WORK/venv/bin/pip" install -q -r "$HERE/requirements.txt"
fi

# run_scenario.py empties OUT; keep the hand-written notes
NOTES_BAK=""
if [ -f "$OUT/NOTES.md" ]; then
  NOTES_BAK=$(mktemp)
  cp "$OUT/NOTES.md" "$NOTES_BAK"
fi

python3 "$CLIENTS/run_scenario.py" --out "$OUT" --python "$PY" \
    --script "$HERE/scenario_langfuse.py"

if [ -n "$NOTES_BAK" ]; then
  cp "$NOTES_BAK" "$OUT/NOTES.md"
  rm -f "$NOTES_BAK"
fi

# expected.json, computed the same way as for the shared corpus (see clients/regenerate.sh)
(cd "$CLIENTS" && "$PY" check_fixtures.py --write "$OUT")
ls -l "$OUT"
