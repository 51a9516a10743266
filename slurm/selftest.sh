#!/usr/bin/env bash
# Checks the running local cluster the way the orchestration tests use it: limits, an array with a
# throttle, a dependency on a failed job (cancelled, not pending), sacct, and scontrol show job.
# Usage: slurm/selftest.sh   (after slurm/start.sh [--no-accounting]; checks the current mode)
set -euo pipefail
SCRIPT_NAME=selftest
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
mode=$(cat "$MODE_FILE" 2>/dev/null || echo unknown)
work=$(mktemp -d "$STATE_DIR/selftest.XXXXXX")
cd "$work"
fails=0
check() { # $1 description, $2 actual, $3 expected regex
  if [[ $2 =~ $3 ]]; then echo "ok   $1: $2"; else echo "FAIL $1: got '$2', want /$3/"; fails=$((fails + 1)); fi
}
# Polls `scontrol show job` until the job (all tasks of an array) left the queue.
wait_gone() { for ((i = 0; i < 300; i++)); do [[ -z $(squeue -h -j "$1" -o %A 2>/dev/null) ]] && return; sleep 0.2; done; }
job_field() { scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }

check "MaxArraySize" "$(scontrol show config | awk '$1 == "MaxArraySize" { print $3 }')" '^8$'
check "MaxJobCount" "$(scontrol show config | awk '$1 == "MaxJobCount" { print $3 }')" '^10000$'
check "array 0-8 refused" "$(sbatch --parsable --array=0-8 --wrap true 2>&1 | head -1)" 'Invalid job array specification'

arr=$(sbatch --parsable --array=0-7%4 -o 'arr-%a.out' --wrap 'echo $SLURM_ARRAY_TASK_ID; sleep 1')
wait_gone "$arr"
check "array $arr outputs" "$(cat arr-*.out 2>/dev/null | sort -n | tr '\n' ' ')" '^0 1 2 3 4 5 6 7 $'
check "array $arr task 7 in scontrol" "$(job_field "${arr}_7" JobState)" '^COMPLETED$'
# cons_tres + CR_Core: two 1-CPU tasks share the two cores, so tasks 0 and 1 start together.
check "array tasks 0 and 1 start together" "$(job_field "${arr}_0" StartTime) $(job_field "${arr}_1" StartTime)" '^(\S+) \1$'

fail=$(sbatch --parsable -o fail.out --wrap 'exit 3')
dep=$(sbatch --parsable -o dep.out --dependency=afterok:"$fail" --wrap true)
wait_gone "$fail"
wait_gone "$dep"
check "failed job $fail" "$(job_field "$fail" JobState) $(job_field "$fail" ExitCode)" '^FAILED 3:0$'
check "afterok on failed job ($dep)" "$(job_field "$dep" JobState) $(job_field "$dep" Reason)" '^CANCELLED DependencyNeverSatisfied$'

if [[ $mode == accounting ]]; then
  for ((i = 0; i < 50; i++)); do
    out=$(sacct -X -P -n -j "$fail" --format=JobID,State,ExitCode 2>&1)
    [[ $out == *FAILED* ]] && break
    sleep 0.2
  done
  check "sacct failed job" "$out" "^$fail\\|FAILED\\|3:0$"
  check "sacct array" "$(sacct -X -P -n -j "$arr" --format=JobID,State | sort -V | tr '\n' ' ')" "^${arr}_0\\|COMPLETED .*${arr}_7\\|COMPLETED $"
else
  check "sacct without accounting" "$(sacct -X -P -n -j "$fail" 2>&1 | head -1)" 'accounting storage is disabled'
fi
rm -rf "$work"
echo "selftest ($mode mode): $fails failed"
((fails == 0))
