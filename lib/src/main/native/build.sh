#!/usr/bin/env bash
# Builds the decoding kernels (scribe3d_kernels.c) into OUT_DIR/native/<os>-<arch>/ for the jar.
# Without a C compiler it builds nothing and says so: the library then decodes through DJL alone
# (CpuKernels.available() is false), slower but the same model.
set -euo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/scribe3d_kernels.c"
OUT_DIR="$1"
JAVA_HOME="${2:-${JAVA_HOME:-}}"
CC="${CC:-cc}"
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "note: no C compiler ($CC): native decoding kernels not built; decoding runs on DJL alone" >&2
  exit 0
fi
case "$(uname -m)" in x86_64|amd64) ARCH=x86_64 ;; aarch64|arm64) ARCH=aarch64 ;; *) ARCH="$(uname -m)" ;; esac
OS="$(uname -s | tr '[:upper:]' '[:lower:]')"
DEST="$OUT_DIR/native/$OS-$ARCH"
mkdir -p "$DEST"
INC=("-I$JAVA_HOME/include" "-I$JAVA_HOME/include/$OS")
"$CC" -O3 -std=c11 -fPIC -shared -Wall -Wextra -Wno-unused-parameter "${INC[@]}" \
  -o "$DEST/libscribe3d_kernels.so.tmp" "$SRC" -lm
mv -f "$DEST/libscribe3d_kernels.so.tmp" "$DEST/libscribe3d_kernels.so"
