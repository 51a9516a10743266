#!/usr/bin/env bash
# Stops the local SLURM cluster that slurm/start.sh started: cancels its jobs, then stops slurmd,
# slurmctld, slurmdbd, mariadbd and munged by their pid files (nothing else), removing the pid files.
# Usage: slurm/stop.sh [--purge]   (--purge also deletes the state dir: configs, database, key, logs)
set -euo pipefail
SCRIPT_NAME=stop
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

purge=0
for arg in "$@"; do
  case $arg in
    --purge) purge=1 ;;
    -h | --help) sed -n '2,4s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "slurm/stop: unknown option \`$arg\`; valid: --purge" >&2; exit 2 ;;
  esac
done
if [[ ! -d $STATE_DIR ]]; then
  say "nothing to stop ($STATE_DIR does not exist)"
  exit 0
fi

# Cancel what is queued or running so no slurmstepd outlives the cluster.
if daemon_pid "$PID_SLURMCTLD" "$COMM_SLURMCTLD" >/dev/null && ctld_ok; then
  mapfile -t jobs < <(squeue -h -o %A 2>/dev/null)
  if ((${#jobs[@]})); then
    scancel "${jobs[@]}" 2>/dev/null || true
    say "cancelled ${#jobs[@]} job(s)"
    for ((i = 0; i < 50; i++)); do
      [[ -z $(squeue -h -t running,completing -o %A 2>/dev/null) ]] && break
      sleep 0.2
    done
  fi
fi
stop_daemon "$PID_SLURMD" "$COMM_SLURMD" 20
stop_daemon "$PID_SLURMCTLD" "$COMM_SLURMCTLD" 30
stop_daemon "$PID_SLURMDBD" "$COMM_SLURMDBD" 20
stop_daemon "$PID_MARIADB" "$COMM_MARIADB" 60
stop_daemon "$PID_MUNGED" "$COMM_MUNGED" 10
rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock" "$MODE_FILE"
if ((purge)); then
  rm -rf "$STATE_DIR"
  say "removed $STATE_DIR"
fi
say "stopped"
