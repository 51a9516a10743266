#!/usr/bin/env bash
# The demo, end to end on built-in synthetic data, offline, in a few minutes on 2 cores:
#   synthetic cohort (generic TIFF + Aperio SVS, tumour and normal slides, pen marks) + a corrupt
#   slide -> demo tumour classifier trained on a separate synthetic cohort -> plan -> pack ->
#   infer -> merge -> evaluate against the ground truth.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="node dist/cli/bin.js"
out=${WSI_HPC_DEMO_OUT:-demo-run}  # the test suite runs the demo into a temporary folder
data=$out/slides
run=$out/run
mkdir -p "$out"
if [[ ! -f $data/cohort.json ]]; then
  $bin synth "$data" --slides 6 --width 24000 --height 18000 --seed 7
fi
# A corrupt slide: plan reports it and plans the rest.
head -c 200000 "$(ls "$data"/*.svs | head -n 1)" > "$data/corrupt-truncated.svs"
# The demo model is trained (not downloaded) on its own synthetic cohort; reused when present.
node scripts/build-models.mjs "$out/models" --only demo >/dev/null
set +e
$bin plan "$data" --out "$run" --mpp 0.5 --patch-size 224 --patches-per-shard 1500 --shards-per-task 1
status=$?
set -e
[[ $status -le 1 ]] || exit "$status"
$bin pack "$run"
$bin infer "$run" --model "$out/models/demo-tumour.onnx"
$bin merge "$run"
# --partial: the corrupt slide failed planning on purpose; without it evaluate refuses (exit 1) to
# score a cohort with a missing slide.
$bin evaluate "$run" --annotations "$data/annotations" --partial
$bin report "$run"
echo
echo "demo: everything is in $run: plan.json, qc/ (tissue + grid), shards/ (HDF5), predictions/,"
echo "      heatmaps/ (.npy + overlay .png), regions/ (GeoJSON for QuPath), scores.csv, report.html."
echo "      The truncated slide was reported and skipped (plan exit 1), as it should be."
