#!/usr/bin/env bash
# The demo: a synthetic cohort (generic TIFF and Aperio SVS, tumour and normal slides, pen marks),
# plus a corrupt file, planned end to end into demo-run/. Runs offline in about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="node dist/cli/bin.js"
data=demo-run/slides
if [[ ! -f $data/cohort.json ]]; then
  $bin synth "$data" --slides 6 --width 24000 --height 18000 --seed 7
fi
# A corrupt slide: the plan reports it and plans the rest.
head -c 200000 "$(ls "$data"/*.svs | head -n 1)" > "$data/corrupt-truncated.svs"
set +e
$bin plan "$data" --out demo-run/run --mpp 0.5 --patch-size 224
status=$?
set -e
echo
echo "demo: plan at demo-run/run/plan.json, QC pictures in demo-run/run/qc/ (exit $status: 1 means some slide failed, as the corrupt one should)"
[[ $status -le 1 ]]
