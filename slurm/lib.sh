# shellcheck shell=bash
# shellcheck disable=SC2034  # the paths are used by the scripts that source this file
# Shared by slurm/{start,stop,status}.sh: state-dir paths, pid-file checks and daemon stop.
# Sourced, never run; owns no policy (start.sh decides what to start, stop.sh what to stop).

STATE_DIR=${WSI_HPC_SLURM_DIR:-/tmp/wsi-hpc-slurm}
CLUSTER=wsihpc
NODE=$(hostname -s)
DB_PORT=${WSI_HPC_SLURM_DB_PORT:-33306}
ETC=$STATE_DIR/etc
RUN=$STATE_DIR/run
LOG=$STATE_DIR/log
SLURM_CONF_FILE=$ETC/slurm.conf
MUNGE_DIR=$STATE_DIR/munge
MUNGE_SOCKET=$MUNGE_DIR/munge.socket.2
MUNGE_KEY=$MUNGE_DIR/munge.key
DB_DIR=$STATE_DIR/mysql
DB_SOCKET=$DB_DIR/mysqld.sock
ENV_FILE=$STATE_DIR/env
MODE_FILE=$STATE_DIR/mode
export SLURM_CONF=$SLURM_CONF_FILE

say() { echo "slurm/${SCRIPT_NAME:-lib}: $*" >&2; }
die() { say "$*"; exit 1; }

# Pid of a live daemon from its pid file, checked against /proc/PID/comm so a reused pid is never
# taken for ours. $1 pid file, $2 regex for the command name (Debian's -wlm names included).
daemon_pid() {
  local pid
  [[ -s $1 ]] || return 1
  pid=$(tr -dc 0-9 <"$1")
  [[ -n $pid && -r /proc/$pid/comm ]] || return 1
  [[ $(</proc/"$pid"/comm) =~ ^($2)$ ]] && is_running "$pid" || return 1
  echo "$pid"
}

# True while PID runs; a zombie counts as gone (pid 1 here may reap orphans late or never).
is_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# SIGTERM, wait up to $3 s, then SIGKILL; removes the pid file. $1 pid file, $2 comm regex.
stop_daemon() {
  local pid i
  if pid=$(daemon_pid "$1" "$2"); then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < ${3:-20} * 10; i++)); do
      is_running "$pid" || break
      sleep 0.1
    done
    if is_running "$pid"; then
      say "$(basename "$1" .pid) ($pid) ignored SIGTERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    say "stopped $(basename "$1" .pid) ($pid)"
  fi
  rm -f "$1"
}

# pid files and command names of the five daemons, in start order.
PID_MUNGED=$RUN/munged.pid;      COMM_MUNGED='munged'
PID_MARIADB=$RUN/mariadbd.pid;   COMM_MARIADB='mariadbd|mysqld'
PID_SLURMDBD=$RUN/slurmdbd.pid;  COMM_SLURMDBD='slurmdbd'
PID_SLURMCTLD=$RUN/slurmctld.pid; COMM_SLURMCTLD='slurmctld|slurmctld-wlm'
PID_SLURMD=$RUN/slurmd.pid;      COMM_SLURMD='slurmd|slurmd-wlm'

munge_ok() { munge -S "$MUNGE_SOCKET" -n 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; }
mariadb_ok() { mariadb-admin --no-defaults --socket="$DB_SOCKET" -uroot ping >/dev/null 2>&1; }
ctld_ok() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
# Node state as sinfo prints it (idle, mix, alloc, down*, drain, ...), empty when unknown.
node_state() { sinfo -h -N -n "$NODE" -o %t 2>/dev/null | head -1; }
