#!/usr/bin/env bash
# Starts (or re-checks) the local single-node SLURM 22.05 cluster without systemd: munged on its
# own socket, mariadbd + slurmdbd (accounting mode), slurmctld and slurmd, all under the state dir
# ($WSI_HPC_SLURM_DIR, default /tmp/wsi-hpc-slurm). Idempotent; prints the env to export on stdout.
# Usage: slurm/start.sh [--no-accounting]      (packages: slurm/install.sh; stop: slurm/stop.sh)
set -euo pipefail
SCRIPT_NAME=start
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/conf.sh"

mode=accounting
for arg in "$@"; do
  case $arg in
    --no-accounting) mode=no-accounting ;;
    -h | --help) sed -n '2,5s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "slurm/start: unknown option \`$arg\`; valid: --no-accounting" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || die "run as root (SlurmUser=root; munged and slurmd need it)"
for bin in munged slurmctld slurmd scontrol sinfo srun; do
  command -v "$bin" >/dev/null || die "\`$bin\` not found; run: bash slurm/install.sh"
done
if [[ $mode == accounting ]]; then
  for bin in slurmdbd mariadbd mariadb-install-db sacctmgr; do
    command -v "$bin" >/dev/null || die "\`$bin\` not found; run: bash slurm/install.sh"
  done
fi
t0=$SECONDS

mkdir -p "$STATE_DIR"
chmod 755 "$STATE_DIR"
mkdir -p "$ETC" "$RUN" "$LOG" "$STATE_DIR/spool/ctld" "$STATE_DIR/spool/d" "$MUNGE_DIR"
chmod 755 "$ETC" "$RUN" "$LOG" "$MUNGE_DIR"
# One start.sh at a time (the lock is released when this shell exits).
exec 9>"$STATE_DIR/lock"
flock -w 300 9 || die "another slurm/start.sh holds $STATE_DIR/lock"

# Runs a daemon in its own session (setsid -f: forked, never waited for), detached from our stdio
# (CI pipes must not stay open) and from the lock on fd 9 (a holder would block later starts).
spawn() { setsid -f "$@" </dev/null >>"$LOG/$(basename "$1").out" 2>&1 9>&-; }
wait_for() { # $1 seconds, $2.. command; polls every 0.2 s
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 5; i++)); do "$@" && return 0; sleep 0.2; done
  return 1
}

start_munge() {
  if [[ ! -s $MUNGE_KEY ]]; then
    mungekey --create --keyfile="$MUNGE_KEY"
    say "created munge key $MUNGE_KEY"
  fi
  chmod 600 "$MUNGE_KEY"
  if daemon_pid "$PID_MUNGED" "$COMM_MUNGED" >/dev/null && munge_ok; then return; fi
  stop_daemon "$PID_MUNGED" "$COMM_MUNGED" 5
  rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
  spawn munged --socket="$MUNGE_SOCKET" --key-file="$MUNGE_KEY" --pid-file="$PID_MUNGED" \
    --log-file="$LOG/munged.log" --seed-file="$MUNGE_DIR/munged.seed"
  wait_for 10 munge_ok || die "munged did not answer on $MUNGE_SOCKET; see $LOG/munged.log"
  say "started munged (socket $MUNGE_SOCKET)"
}

start_mariadb() {
  if daemon_pid "$PID_MARIADB" "$COMM_MARIADB" >/dev/null && mariadb_ok; then return; fi
  stop_daemon "$PID_MARIADB" "$COMM_MARIADB" 30
  mkdir -p "$DB_DIR"
  if [[ ! -d $DB_DIR/data/mysql ]]; then
    rm -rf "$DB_DIR/data"
    mariadb-install-db --no-defaults --user=root --datadir="$DB_DIR/data" \
      --auth-root-authentication-method=socket >"$LOG/mariadb-install-db.log" 2>&1 ||
      die "mariadb-install-db failed; see $LOG/mariadb-install-db.log"
    say "initialised the MariaDB data dir $DB_DIR/data"
  fi
  spawn mariadbd --no-defaults --user=root --datadir="$DB_DIR/data" --socket="$DB_SOCKET" \
    --pid-file="$PID_MARIADB" --port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
    --log-error="$LOG/mariadb.log" --skip-log-bin --innodb-buffer-pool-size=1G \
    --innodb-log-file-size=64M --innodb-lock-wait-timeout=900
  wait_for 60 mariadb_ok || die "mariadbd did not answer on $DB_SOCKET; see $LOG/mariadb.log"
  say "started mariadbd (socket $DB_SOCKET, 127.0.0.1:$DB_PORT)"
}

# The slurm database user and slurmdbd.conf; the password is made once and kept (mode 600).
setup_db() {
  local pass_file=$DB_DIR/slurm.pass pass
  [[ -s $pass_file ]] || (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$pass_file")
  pass=$(<"$pass_file")
  mariadb --no-defaults --socket="$DB_SOCKET" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$pass';
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
SQL
  local new=$ETC/slurmdbd.conf.new
  (umask 077 && render_slurmdbd_conf "$pass" >"$new")
  if ! cmp -s "$new" "$ETC/slurmdbd.conf"; then
    mv "$new" "$ETC/slurmdbd.conf"
    stop_daemon "$PID_SLURMDBD" "$COMM_SLURMDBD" 20
  else
    rm -f "$new"
  fi
}

slurmdbd_ok() { sacctmgr -n -P show cluster format=cluster >/dev/null 2>&1; }

start_slurmdbd() {
  if daemon_pid "$PID_SLURMDBD" "$COMM_SLURMDBD" >/dev/null && slurmdbd_ok; then return; fi
  stop_daemon "$PID_SLURMDBD" "$COMM_SLURMDBD" 20
  spawn slurmdbd
  wait_for 90 slurmdbd_ok || die "slurmdbd did not answer on 127.0.0.1:6819; see $LOG/slurmdbd.log"
  say "started slurmdbd"
}

# The cluster, an account and root as its user; root's default association comes with the cluster.
register_cluster() {
  if ! sacctmgr -n -P show cluster format=cluster | grep -qx "$CLUSTER"; then
    sacctmgr -i add cluster "$CLUSTER" >/dev/null
    say "registered cluster $CLUSTER in slurmdbd"
  fi
  if ! sacctmgr -n -P show account wsihpc format=account | grep -qx wsihpc; then
    sacctmgr -i add account wsihpc Cluster="$CLUSTER" Description=wsi-hpc Organization=wsi-hpc >/dev/null
    sacctmgr -i add user root Account=wsihpc Cluster="$CLUSTER" >/dev/null
    say "added account wsihpc with user root"
  fi
}

start_slurm() {
  local new=$ETC/slurm.conf.new state
  render_slurm_conf "$mode" >"$new"
  local changed=0
  cmp -s "$new" "$SLURM_CONF_FILE" || changed=1
  mv "$new" "$SLURM_CONF_FILE"
  chmod 644 "$SLURM_CONF_FILE"
  if ((changed)) || ! daemon_pid "$PID_SLURMCTLD" "$COMM_SLURMCTLD" >/dev/null || ! ctld_ok ||
    ! daemon_pid "$PID_SLURMD" "$COMM_SLURMD" >/dev/null; then
    stop_daemon "$PID_SLURMD" "$COMM_SLURMD" 20
    stop_daemon "$PID_SLURMCTLD" "$COMM_SLURMCTLD" 30
    echo "$mode" >"$MODE_FILE"
    spawn slurmctld
    wait_for 30 ctld_ok || die "slurmctld did not answer \`scontrol ping\`; see $LOG/slurmctld.log"
    spawn slurmd
    say "started slurmctld and slurmd (node $NODE, $mode mode)"
  fi
  node_usable() { [[ $(node_state) =~ ^(idle|mix|alloc|comp)$ ]]; }
  if ! wait_for 30 node_usable; then
    state=$(node_state)
    if [[ $state == down* || $state == drain* ]]; then
      say "node $NODE is $state; resuming it"
      scontrol update NodeName="$NODE" State=RESUME || true
    fi
    wait_for 30 node_usable ||
      die "node $NODE is '$(node_state)', not idle; see $LOG/slurmd.log and \`scontrol show node $NODE\`"
  fi
}

write_env() {
  cat >"$ENV_FILE.new" <<ENV
export WSI_HPC_SLURM_DIR=$STATE_DIR
export SLURM_CONF=$SLURM_CONF_FILE
ENV
  mv "$ENV_FILE.new" "$ENV_FILE"
}

start_munge
if [[ $mode == accounting ]]; then
  # sacctmgr and slurmdbd read the accounting settings from slurm.conf: write it first.
  render_slurm_conf accounting >"$SLURM_CONF_FILE.acct"
  start_mariadb
  setup_db
  SLURM_CONF=$SLURM_CONF_FILE.acct start_slurmdbd
  SLURM_CONF=$SLURM_CONF_FILE.acct register_cluster
  rm -f "$SLURM_CONF_FILE.acct"
fi
start_slurm
write_env
# Smoke test: one real step through slurmctld, slurmd and slurmstepd.
timeout 60 srun -N1 -n1 -t 1 --quiet true ||
  die "\`srun -N1 true\` failed; see $LOG/slurmctld.log and $LOG/slurmd.log"
say "cluster $CLUSTER up in $((SECONDS - t0)) s ($mode mode; node $NODE $(node_state)); env in $ENV_FILE"
cat "$ENV_FILE"
