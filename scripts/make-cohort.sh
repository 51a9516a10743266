#!/usr/bin/env bash
# Writes a synthetic slide cohort (generic .tif and Aperio .svs, tumour and normal slides, ASAP XML
# ground truth, geometry sidecars, cohort.json) with `wsi-hpc synth`.
# Usage: scripts/make-cohort.sh [OUT_DIR] [extra synth flags...]
#   e.g. scripts/make-cohort.sh demo-cohort --slides 4 --width 20000 --height 16000
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-cohort}"
shift || true
if [[ ! -f "$here/dist/cli/bin.js" ]]; then
  (cd "$here" && npx tsc -p tsconfig.json)
fi
exec node "$here/dist/cli/bin.js" synth "$out" "$@"
