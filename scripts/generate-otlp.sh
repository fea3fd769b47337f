#!/usr/bin/env bash
# Regenerates Sources/OTLPWire from opentelemetry-proto.
#
# The .proto sources are taken from the `opentelemetry-proto` PyPI wheel, whose *_pb2 modules embed
# serialized FileDescriptorProtos; those are collected into a FileDescriptorSet that protoc reads with
# --descriptor_set_in. The protoc plugins are built from pinned tags of swift-protobuf and
# grpc-swift-protobuf in a temporary directory.
#
# Requires: protoc, python3 (with venv), git, swift.
# Optional: PROTOC_GEN_SWIFT / PROTOC_GEN_GRPC_SWIFT_2 point at already built plugins (skips building).
set -euo pipefail

OTEL_PROTO_WHEEL_VERSION=1.45.2 # generated from opentelemetry-proto v1.10.0
SWIFT_PROTOBUF_TAG=1.39.0
GRPC_SWIFT_PROTOBUF_TAG=2.4.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/Sources/OTLPWire"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/generate-otlp.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "==> descriptors from opentelemetry-proto==$OTEL_PROTO_WHEEL_VERSION"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check protobuf
"$WORK/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
    --dest "$WORK/wheel" "opentelemetry-proto==$OTEL_PROTO_WHEEL_VERSION"
mkdir -p "$WORK/site"
"$WORK/venv/bin/python" -m zipfile -e "$WORK"/wheel/opentelemetry_proto-*.whl "$WORK/site"

PYTHONPATH="$WORK/site" "$WORK/venv/bin/python" - "$WORK/otlp.pb" > "$WORK/files.txt" <<'PY'
import importlib, sys
from google.protobuf import descriptor_pb2

SERVICES = [
    "opentelemetry.proto.collector.trace.v1.trace_service_pb2",
    "opentelemetry.proto.collector.metrics.v1.metrics_service_pb2",
    "opentelemetry.proto.collector.logs.v1.logs_service_pb2",
]

descriptor_set = descriptor_pb2.FileDescriptorSet()
seen = set()

def add(file_descriptor):
    if file_descriptor.name in seen:
        return
    seen.add(file_descriptor.name)
    for dependency in file_descriptor.dependencies:
        add(dependency)
    file_descriptor.CopyToProto(descriptor_set.file.add())

for module in SERVICES:
    add(importlib.import_module(module).DESCRIPTOR)

with open(sys.argv[1], "wb") as out:
    out.write(descriptor_set.SerializeToString())
for proto in descriptor_set.file:
    print(proto.name)
PY

build_plugin() { # url tag product -> path of the built executable on stdout
    local url=$1 tag=$2 product=$3
    local dir="$WORK/$product"
    git -c advice.detachedHead=false clone --quiet --branch "$tag" "$url" "$dir" >&2
    (cd "$dir" && swift build -c release --product "$product" >&2)
    echo "$dir/.build/release/$product"
}

PROTOC_GEN_SWIFT="${PROTOC_GEN_SWIFT:-}"
PROTOC_GEN_GRPC_SWIFT_2="${PROTOC_GEN_GRPC_SWIFT_2:-}"
if [[ -z "$PROTOC_GEN_SWIFT" ]]; then
    echo "==> building protoc-gen-swift ($SWIFT_PROTOBUF_TAG)"
    PROTOC_GEN_SWIFT="$(build_plugin https://github.com/apple/swift-protobuf "$SWIFT_PROTOBUF_TAG" protoc-gen-swift)"
fi
if [[ -z "$PROTOC_GEN_GRPC_SWIFT_2" ]]; then
    echo "==> building protoc-gen-grpc-swift-2 ($GRPC_SWIFT_PROTOBUF_TAG)"
    PROTOC_GEN_GRPC_SWIFT_2="$(build_plugin https://github.com/grpc/grpc-swift-protobuf "$GRPC_SWIFT_PROTOBUF_TAG" protoc-gen-grpc-swift-2)"
fi

echo "==> protoc"
mkdir -p "$WORK/out"
mapfile -t PROTO_FILES < "$WORK/files.txt"
protoc \
    --descriptor_set_in="$WORK/otlp.pb" \
    --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
    --plugin=protoc-gen-grpc-swift-2="$PROTOC_GEN_GRPC_SWIFT_2" \
    --swift_out="$WORK/out" \
    --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
    --grpc-swift-2_out="$WORK/out" \
    --grpc-swift-2_opt=Visibility=Public,FileNaming=PathToUnderscores,Server=true,Client=true \
    "${PROTO_FILES[@]}"

# protoc-gen-grpc-swift-2 writes a placeholder for every file without services; keep only real ones.
grep -l 'This file contained no services.' "$WORK"/out/*.grpc.swift | xargs rm -f

mkdir -p "$OUT"
find "$OUT" -maxdepth 1 -name '*.swift' -delete
cp "$WORK"/out/*.swift "$OUT/"
echo "==> wrote $(ls "$OUT"/*.swift | wc -l) files to ${OUT#"$ROOT"/}"
