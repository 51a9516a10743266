// What a run folder's file system means for wsi-hpc (shards, markers, lock files) and what to do about it.
// Pure: the kind comes from fs-type.ts, the status and text are decided here.
import { LOCK_STALE_MS } from '../run/unit-lock.js';
import type { StorageKind } from './fs-type.js';
import type { CheckStatus } from './types.js';

export interface FsAdvice {
  status: CheckStatus;
  /** Appended to the finding: where the data lives. */
  note: string;
  detail?: string;
  fix?: string;
}

const LOCKS =
  'wsi-hpc locks a unit with a lock file (markers/<stage>/.<unit>.lock, created with O_EXCL, not fcntl/flock) whose mtime is a heartbeat';

export function fsAdvice(kind: StorageKind, type: string, runDir: string): FsAdvice {
  const shards = `${runDir}/shards`;
  switch (kind) {
    case 'parallel':
      return {
        status: 'ok',
        note: 'parallel file system, shared by the nodes',
        detail:
          `Shards are large sequential HDF5 files (--shard-size, default 1GiB): good for ${type}. Keep the run folder on scratch, not home. ` +
          (/lustre/i.test(type)
            ? `Stripe the shards folder before pack so parallel tasks spread over OSTs: \`mkdir -p ${shards} && lfs setstripe -c 4 -S 4M ${shards}\` (new files inherit it).`
            : /beegfs|fhgfs/i.test(type)
              ? `Stripe the shards folder over several targets: \`beegfs-ctl --setpattern --numtargets=4 --chunksize=4m ${shards}\`.`
              : 'Shards at least as large as the file system block size (often 4-16 MiB) avoid small-write penalties.'),
      };
    case 'nfs':
      return {
        status: 'warn',
        note: 'network file system, shared by the nodes',
        detail:
          `Every task reads and writes shards through one NFS server, which becomes the bottleneck with many tasks. ${LOCKS}: ` +
          `it needs NFSv3 or newer (atomic exclusive create) and node clocks within minutes of each other (a lock is stale after ${LOCK_STALE_MS / 60000} min). ` +
          'Markers written on one node may show on another only after the attribute cache expires (a few seconds).',
        fix:
          'Prefer the cluster scratch (Lustre/GPFS/BeeGFS) for the run folder; on NFS keep --shard-size large (1GiB) and limit concurrent tasks ' +
          '(submit --throttle N), and ask the admins to keep node clocks in sync (chrony/NTP).',
      };
    case 'smb':
      return {
        status: 'warn',
        note: 'SMB/CIFS share',
        detail: `${LOCKS}; SMB mounts differ in exclusive-create, rename and mtime semantics, so locks and atomic renames may misbehave.`,
        fix: 'Use a local disk or the cluster scratch for the run folder.',
      };
    case 'memory':
      return {
        status: 'warn',
        note: 'in memory, local to this node',
        detail: 'The run folder uses RAM, is lost at reboot, and SLURM tasks on other nodes cannot see it.',
        fix: 'Fine for a quick `run --executor local`; for real runs use a disk or the cluster scratch.',
      };
    case 'fuse':
      return {
        status: 'warn',
        note: 'FUSE file system',
        detail: `${LOCKS}; FUSE file systems (sshfs, s3fs, ...) often lack exclusive create or keep stale mtimes.`,
        fix: 'Use a local disk or the cluster scratch for the run folder.',
      };
    case 'local':
      return {
        status: 'ok',
        note: 'local to this node',
        detail:
          'Fine for `run --executor local`; SLURM tasks on other nodes see the run folder only if it is shared (NFS or a parallel file system).',
      };
    default:
      return {
        status: 'ok',
        note: 'file system type not recognised',
        detail: 'SLURM tasks on other nodes must see the run folder; check that it is shared.',
      };
  }
}
