// Which file system a folder lives on, pure: statfs(2)'s magic number named as coreutils' `stat -f -c %T`
// does, the mount entry with the longest matching prefix in /proc/mounts, and what kind of storage that is.

/** statfs f_type magic numbers, named as `stat -f -c %T` names them. */
const MAGIC_NAMES: ReadonlyMap<number, string> = new Map([
  [0xef53, 'ext2/ext3'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
  [0x01021994, 'tmpfs'],
  [0x794c7630, 'overlayfs'],
  [0x6969, 'nfs'],
  [0x0bd00bd0, 'lustre'],
  [0x47504653, 'gpfs'],
  [0x19830326, 'fhgfs'],
  [0x00c36400, 'ceph'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x65735546, 'fuseblk'],
  [0x2fc12fc1, 'zfs'],
  [0x73717368, 'squashfs'],
  [0x5346544e, 'ntfs'],
  [0x4d44, 'msdos'],
]);

/** `stat -f -c %T`'s name for a statfs type, or its hex number when unknown. */
export function nameFsMagic(type: number): string {
  return MAGIC_NAMES.get(type) ?? `UNKNOWN (0x${type.toString(16)})`;
}

export interface MountEntry {
  device: string;
  mountPoint: string;
  /** /proc/mounts' type, e.g. ext4, nfs4, lustre, fuse.sshfs. */
  type: string;
}

// /proc/mounts escapes space, tab, newline and backslash in paths as octal (\040).
const decodeOctal = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

export function parseMounts(text: string): MountEntry[] {
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 3)
    .map(([device, mountPoint, type]) => ({ device: decodeOctal(device), mountPoint: decodeOctal(mountPoint), type }));
}

/** The mount holding `path` (absolute, symlinks resolved): the longest mount point prefix, the last one mounted on ties. */
export function mountOf(path: string, mounts: MountEntry[]): MountEntry | null {
  let best: MountEntry | null = null;
  for (const m of mounts) {
    const isUnder = m.mountPoint === '/' || path === m.mountPoint || path.startsWith(`${m.mountPoint}/`);
    if (isUnder && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

export type StorageKind = 'local' | 'memory' | 'nfs' | 'parallel' | 'smb' | 'fuse' | 'unknown';

/** What kind of storage a mount type or magic name is. */
export function storageKind(type: string): StorageKind {
  const t = type.toLowerCase();
  if (/^nfs/.test(t)) return 'nfs';
  if (/^(lustre|gpfs|beegfs|fhgfs|ceph|cephfs|panfs|wekafs|orangefs|pvfs2)$/.test(t)) return 'parallel';
  if (/^(cifs|smb|smb2|smb3)$/.test(t)) return 'smb';
  if (/^(tmpfs|ramfs)$/.test(t)) return 'memory';
  if (t.startsWith('fuse')) return 'fuse';
  if (/^(ext[234]|ext2\/ext3|xfs|btrfs|zfs|overlay|overlayfs|f2fs|jfs|reiserfs)$/.test(t)) return 'local';
  return 'unknown';
}
