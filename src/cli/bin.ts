#!/usr/bin/env node
// The `wsi-hpc` executable: hands argv to the yargs program in index.ts.
import { runCli } from './index.js';

await runCli(process.argv.slice(2));
