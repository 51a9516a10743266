// Graceful stop on SIGUSR2 (sent by SLURM before a time limit or preemption, see templates/):
// the runner finishes the shard it is on, writes its marker, and takes no further shard.
let requested = false;
let installed = false;

export function watchStopSignal(): void {
  if (installed) return;
  installed = true;
  process.on('SIGUSR2', () => {
    requested = true;
    process.stderr.write('wsi-hpc: SIGUSR2 received: finishing the current shard, then stopping\n');
  });
}

export function isStopRequested(): boolean {
  return requested;
}
