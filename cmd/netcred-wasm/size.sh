#!/usr/bin/env bash
# Prints the size of the browser verifier: stripped and gzipped (the figure
# .ci/run guards), then the code of each package in a build with names.
# Usage: cmd/netcred-wasm/size.sh [packages to list, default 40]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$out/stripped.wasm" ./cmd/netcred-wasm
GOOS=js GOARCH=wasm go build -trimpath -o "$out/named.wasm" ./cmd/netcred-wasm
echo "netcred.wasm: $(wc -c <"$out/stripped.wasm") bytes, $(gzip -9 -c "$out/stripped.wasm" | wc -c) gzipped (-s -w)"
go run ./internal/wasmsize -n "${1:-40}" -deps ./cmd/netcred-wasm "$out/named.wasm"
