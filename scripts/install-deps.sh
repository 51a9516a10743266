#!/usr/bin/env bash
# Installs the system packages wsi-hpc's tests, demo and benchmarks use (Debian/Ubuntu, as root):
# OpenSlide's C library (libopenslide0: the OpenSlide backend loads it through koffi), libjpeg-turbo's
# TurboJPEG (libturbojpeg0: pack's decode workers load it through koffi), OpenSlide and
# h5py/h5dump as independent oracles, libvips' CLI to write reference slides.
# Idempotent: installs only what is missing. Node packages come from `npm ci`.
set -euo pipefail
packages=(libopenslide0 libturbojpeg0 openslide-tools python3-openslide libvips-tools hdf5-tools python3-h5py chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
bash "$(dirname "$0")/../slurm/install.sh"  # SLURM, munge, slurmdbd, MariaDB for the cluster tests
echo "install-deps: system packages present (${packages[*]})" >&2
