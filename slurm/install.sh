#!/usr/bin/env bash
# Installs the Debian packages for the local single-node SLURM cluster (slurm/start.sh):
# slurmctld, slurmd, slurm-client, munge, slurmdbd, mariadb. Idempotent: installs only what is
# missing, starts no service (start.sh runs every daemon by hand, without systemd). Root only.
set -euo pipefail
packages=(slurmctld slurmd slurm-client munge slurmdbd mariadb-server mariadb-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "slurm/install: nothing to do (${packages[*]} present)" >&2
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "slurm/install: missing ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
# Keep the packages' init scripts from starting daemons during the install (the Docker idiom):
# a policy-rc.d that says 101 "action forbidden", removed again on exit unless one was there.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
echo "slurm/install: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
start=$SECONDS
# apt's chatter (debconf notes, progress) goes to a log that is shown only when something fails.
log=$(mktemp /tmp/wsi-hpc-slurm-install.XXXXXX.log)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "slurm/install: apt-get failed (log above, kept in $log)" >&2
  exit 1
fi
rm -f "$log"
echo "slurm/install: installed ${missing[*]} in $((SECONDS - start)) s" >&2
