// The pure parts of doctor: CUDA and GPU classification for situations this machine cannot produce
// (a visible GPU, a present provider library), sinfo and /proc/mounts parsing, storage advice, Node versions.
import { describe, expect, test } from 'vitest';
import {
  checkNode,
  classifyCuda,
  classifyGpus,
  fsAdvice,
  mountOf,
  parseMounts,
  parseSinfoPartitions,
  storageKind,
} from '../../src/doctor/index.js';
import { CUDA_PROVIDER_LIBRARY } from '../../src/runner/cuda-libraries.js';
import { CUDA_FIX_HINT, detectGpu } from '../../src/runner/device.js';

const noDevice = () => false;
const twoGpus = detectGpu({ CUDA_VISIBLE_DEVICES: '0,1' }, noDevice);
const noGpu = detectGpu({}, noDevice);
const missing = { dir: '/opt/ort/bin/napi-v6/linux/x64', isPresent: false };
const present = { ...missing, isPresent: true };

describe('classifyCuda', () => {
  test('GPUs visible (CUDA_VISIBLE_DEVICES=0,1) but the provider library absent: warn, naming the library, with the fix', () => {
    const c = classifyCuda({ provider: missing, gpu: twoGpus });
    expect(c.status).toBe('warn');
    expect(c.finding).toContain(`${CUDA_PROVIDER_LIBRARY} is missing from ${missing.dir}`);
    expect(c.finding).toContain('CUDA_VISIBLE_DEVICES=0,1');
    expect(c.detail).toMatch(/GPU is allocated but cannot be used/);
    expect(c.fix).toBe(CUDA_FIX_HINT);
  });

  test('no GPU and no provider library: absent, still naming the library and the fix', () => {
    const c = classifyCuda({ provider: missing, gpu: noGpu });
    expect(c.status).toBe('absent');
    expect(c.finding).toMatch(/no GPU visible/);
    expect(c.finding).toContain(CUDA_PROVIDER_LIBRARY);
    expect(c.fix).toBe(CUDA_FIX_HINT);
  });

  test('provider library present but no GPU visible: absent, CUDA not tried, advice to check inside a GPU job', () => {
    const c = classifyCuda({ provider: present, gpu: noGpu });
    expect(c.status).toBe('absent');
    expect(c.finding).toMatch(/is installed, but no GPU visible/);
    expect(c.fix).toMatch(/srun --gres=gpu:1 wsi-hpc doctor/);
  });

  test('provider library present and a GPU visible, but the session fails: warn quoting the error', () => {
    const c = classifyCuda({ provider: present, gpu: twoGpus, sessionError: 'libcudnn.so.9: cannot open shared object file' });
    expect(c.status).toBe('warn');
    expect(c.finding).toContain('libcudnn.so.9: cannot open shared object file');
    expect(c.fix).toBe(CUDA_FIX_HINT);
  });

  test('a CUDA session opened: ok', () => {
    expect(classifyCuda({ provider: present, gpu: twoGpus, sessionError: null }).status).toBe('ok');
  });
});

describe('classifyGpus', () => {
  test('CUDA_VISIBLE_DEVICES=0,1 with nvidia-smi output: ok, listing the evidence', () => {
    const c = classifyGpus({ gpu: twoGpus, nvidiaSmi: ['GPU 0: A100 (UUID: x)', 'GPU 1: A100 (UUID: y)'] });
    expect(c.status).toBe('ok');
    expect(c.finding).toBe('GPU visible: CUDA_VISIBLE_DEVICES=0,1; nvidia-smi lists 2');
  });

  test('CUDA_VISIBLE_DEVICES=NoDevFiles (a SLURM job without GPUs): no GPU visible, saying why', () => {
    const c = classifyGpus({ gpu: detectGpu({ CUDA_VISIBLE_DEVICES: 'NoDevFiles' }, noDevice), nvidiaSmi: null });
    expect(c.status).toBe('absent');
    expect(c.finding).toBe('no GPU visible (CUDA_VISIBLE_DEVICES=NoDevFiles hides all GPUs)');
  });
});

test('parseSinfoPartitions reads the default mark, state, limits and gres', () => {
  expect(parseSinfoPartitions('debug* up infinite 1 (null)\ngpu down 2-00:00:00 4 gpu:a100:4\n')).toEqual([
    { name: 'debug', isDefault: true, availability: 'up', timeLimit: 'infinite', nodes: 1, gres: null },
    { name: 'gpu', isDefault: false, availability: 'down', timeLimit: '2-00:00:00', nodes: 4, gres: 'gpu:a100:4' },
  ]);
});

describe('mounts', () => {
  const mounts = parseMounts(
    ['/dev/vda / ext4 rw 0 0', 'srv:/home /home nfs4 rw 0 0', '10.0.0.1@o2ib:/scratch /home/me/my\\040scratch lustre rw 0 0', ''].join(
      '\n',
    ),
  );

  test.each([
    ['/work/run', '/', 'ext4'],
    ['/home/me/run', '/home', 'nfs4'],
    ['/home/me/my scratch/run', '/home/me/my scratch', 'lustre'],
    ['/homework', '/', 'ext4'],
  ])('%s lives on the mount at %s (%s): the longest prefix, whole path segments only', (path, mountPoint, type) => {
    expect(mountOf(path, mounts)).toMatchObject({ mountPoint, type });
  });

  test.each([
    ['nfs4', 'nfs'],
    ['lustre', 'parallel'],
    ['gpfs', 'parallel'],
    ['beegfs', 'parallel'],
    ['fhgfs', 'parallel'],
    ['tmpfs', 'memory'],
    ['ext2/ext3', 'local'],
    ['fuse.sshfs', 'fuse'],
    ['cifs', 'smb'],
    ['weirdfs', 'unknown'],
  ])('%s is %s storage', (type, kind) => {
    expect(storageKind(type)).toBe(kind);
  });
});

describe('fsAdvice', () => {
  test('Lustre: ok, with the lfs setstripe command for the shards folder', () => {
    const a = fsAdvice('parallel', 'lustre', '/scratch/run1');
    expect(a.status).toBe('ok');
    expect(a.detail).toContain('lfs setstripe -c 4 -S 4M /scratch/run1/shards');
  });

  test('NFS: warn, explaining the lock files and what they need', () => {
    const a = fsAdvice('nfs', 'nfs4', '/home/me/run1');
    expect(a.status).toBe('warn');
    expect(a.detail).toContain('markers/<stage>/.<unit>.lock');
    expect(a.detail).toMatch(/NFSv3 or newer/);
    expect(a.fix).toMatch(/--throttle/);
  });
});

describe('checkNode', () => {
  test.each([
    ['v20.19.0', '>=20.19', 'ok'],
    ['v22.1.0', '>=20.19', 'ok'],
    ['v20.18.3', '>=20.19', 'fail'],
    ['v18.20.4', '>=20.19', 'fail'],
  ])('Node %s against %s: %s', (version, engines, status) => {
    const c = checkNode(version, engines);
    expect(c.status).toBe(status);
    if (status === 'fail') expect(c.fix).toMatch(/Install Node 20\.19\.0 or newer/);
  });
});
