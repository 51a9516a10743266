// The route to ONNX Runtime's CUDA libraries without editing tracked files: the project's .npmrc skips
// onnxruntime-node's download (offline machines), and `ONNXRUNTIME_NODE_INSTALL=cuda12` in the
// environment overrides it, because npm runs onnxruntime-node's install script (approved in
// package.json `allowScripts`, also under npm's strict-allow-scripts mode) and the script reads the
// variable first. No download happens here: the script's HTTPS goes through a local proxy (global-agent's
// GLOBAL_AGENT_HTTPS_PROXY) that records where it wanted to go and refuses. The scratch project holds a
// copy of onnxruntime-node's package.json and script/ only; its require()s resolve through NODE_PATH.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT, makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let proxyUrl: string;
const connects: string[] = [];
const server = createServer((_req, res) => res.writeHead(403).end());
server.on('connect', (req, socket) => {
  connects.push(String(req.url));
  socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
});

interface ProjectPackage {
  allowScripts?: Record<string, boolean>;
}

async function scratch(name: string, allowScripts: Record<string, boolean> | undefined): Promise<string> {
  const dir = join(tmp.dir, name);
  const ort = join(ROOT, 'node_modules/onnxruntime-node');
  const version = (JSON.parse(await readFile(join(ort, 'package.json'), 'utf8')) as { version: string }).version;
  await mkdir(join(dir, 'node_modules/onnxruntime-node'), { recursive: true });
  await cp(join(ort, 'package.json'), join(dir, 'node_modules/onnxruntime-node/package.json'));
  await cp(join(ort, 'script'), join(dir, 'node_modules/onnxruntime-node/script'), { recursive: true });
  await cp(join(ROOT, '.npmrc'), join(dir, '.npmrc'));
  const pkg = { name: `scratch-${name}`, version: '1.0.0', private: true, dependencies: { 'onnxruntime-node': version }, allowScripts };
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  return dir;
}

// npm run passes npm_config_* (and the project's .npmrc values) to the test process: none may leak in.
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^npm_/i.test(k) || /^ONNXRUNTIME_NODE_INSTALL/.test(k) || /PROXY/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NODE_PATH: join(ROOT, 'node_modules'), GLOBAL_AGENT_HTTPS_PROXY: proxyUrl, ...extra };
}

async function rebuild(dir: string, extra: Record<string, string> = {}) {
  connects.length = 0;
  const r = await execa('npm', ['rebuild', 'onnxruntime-node', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: cleanEnv(extra),
    extendEnv: false,
    reject: false,
  });
  return { ...r, connects: [...connects] };
}

beforeAll(async () => {
  tmp = await makeTempDir('cuda-route');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await tmp?.cleanup();
});

const projectAllowScripts = async () => (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as ProjectPackage).allowScripts;

test('package.json approves onnxruntime-node and koffi install scripts and reviews every dependency script', async () => {
  const allow = await projectAllowScripts();
  expect(allow?.['onnxruntime-node']).toBe(true);
  expect(allow?.koffi).toBe(true);
  const r = await execa('npm', ['install-scripts', 'ls'], { cwd: ROOT, env: cleanEnv({}), extendEnv: false, reject: false });
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toContain('No packages with unreviewed install scripts');
}, 60_000);

test('a plain install honours the tracked .npmrc and fetches nothing', async () => {
  const dir = await scratch('plain', await projectAllowScripts());
  const r = await rebuild(dir);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.connects).toEqual([]);
}, 60_000);

test.each([
  ['npm defaults', {}],
  ['strict-allow-scripts', { npm_config_strict_allow_scripts: 'true' }],
] as const)(
  'ONNXRUNTIME_NODE_INSTALL=cuda12 overrides .npmrc and fetches the CUDA provider package (%s)',
  async (_n, mode) => {
    const dir = await scratch(`cuda-${Object.keys(mode).length}`, await projectAllowScripts());
    const r = await rebuild(dir, { ONNXRUNTIME_NODE_INSTALL: 'cuda12', ...mode });
    expect(r.connects).toEqual(['api.nuget.org:443']);
    // The refused download fails the install loudly (no half-installed CUDA provider).
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("refused connecting to 'api.nuget.org:443'");
  },
  60_000,
);

test('under strict-allow-scripts, without the allowScripts approval npm would not run the script at all', async () => {
  const dir = await scratch('unapproved', {});
  const r = await rebuild(dir, { ONNXRUNTIME_NODE_INSTALL: 'cuda12', npm_config_strict_allow_scripts: 'true' });
  expect(r.connects).toEqual([]);
  expect(r.exitCode).not.toBe(0);
  expect(`${r.stdout}\n${r.stderr}`).toMatch(/onnxruntime-node@[\d.]+ \(postinstall/);
}, 60_000);
