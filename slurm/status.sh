#!/usr/bin/env bash
# One-line health check of the local cluster of slurm/start.sh; exit 0 when jobs can run (munge
# answers, slurmctld answers `scontrol ping`, the node is idle/mix/alloc), 1 otherwise.
# Usage: slurm/status.sh
set -uo pipefail
SCRIPT_NAME=status
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
mode=$(cat "$MODE_FILE" 2>/dev/null || echo stopped)
problems=()
munge_ok || problems+=("munged not answering on $MUNGE_SOCKET")
daemon_pid "$PID_SLURMCTLD" "$COMM_SLURMCTLD" >/dev/null && ctld_ok || problems+=("slurmctld down")
daemon_pid "$PID_SLURMD" "$COMM_SLURMD" >/dev/null || problems+=("slurmd down")
if [[ $mode == accounting ]]; then
  daemon_pid "$PID_SLURMDBD" "$COMM_SLURMDBD" >/dev/null || problems+=("slurmdbd down")
  daemon_pid "$PID_MARIADB" "$COMM_MARIADB" >/dev/null || problems+=("mariadbd down")
fi
state=$(node_state)
[[ $state =~ ^(idle|mix|alloc|comp)$ ]] || problems+=("node $NODE is '${state:-unknown}'")
if ((${#problems[@]})); then
  joined=$(printf '%s; ' "${problems[@]}")
  echo "slurm: DOWN ($mode mode; ${joined%; }); logs in $LOG; start: bash slurm/start.sh"
  exit 1
fi
echo "slurm: up ($mode mode; node $NODE $state; SLURM_CONF=$SLURM_CONF_FILE)"
