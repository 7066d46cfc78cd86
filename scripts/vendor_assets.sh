#!/usr/bin/env bash
# Copy pinned front-end assets from node_modules/ (installed by `npm ci`) into
# src/shidian/static/vendor/, which is generated and not committed.
# Idempotent: a file is rewritten only when its content changed.
set -euo pipefail

cd "$(dirname "$0")/.."
SRC=node_modules
DEST=src/shidian/static/vendor

# source path in node_modules  ->  name under $DEST
ASSETS=(
  "htmx.org/dist/htmx.min.js:htmx.min.js"
  "echarts/dist/echarts.min.js:echarts.min.js"
  "@picocss/pico/css/pico.min.css:pico.min.css"
  "htmx.org/LICENSE:licenses/htmx.LICENSE.txt"
  "echarts/LICENSE:licenses/echarts.LICENSE.txt"
  "@picocss/pico/LICENSE.md:licenses/pico.LICENSE.txt"
)

if [[ ! -d "$SRC" ]]; then
  echo "vendor_assets: $SRC/ is missing; run 'npm ci' first" >&2
  exit 1
fi

mkdir -p "$DEST/licenses"
for entry in "${ASSETS[@]}"; do
  from="$SRC/${entry%%:*}"
  to="$DEST/${entry#*:}"
  if [[ ! -f "$from" ]]; then
    echo "vendor_assets: $from not found (package.json and the copy list disagree?)" >&2
    exit 1
  fi
  if ! cmp -s "$from" "$to"; then
    install -m 0644 "$from" "$to"
    echo "vendor_assets: $to"
  fi
done
