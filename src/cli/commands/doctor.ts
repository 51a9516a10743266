// `wsi-hpc doctor [RUN]`: checks this node (Node, packages, libvips, OpenSlide, ONNX Runtime and CUDA, GPUs,
// SLURM, the run folder's file system and free space) and explains each problem; the checks live in src/doctor.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { DOCTOR_DEFAULTS } from '../../doctor/defaults.js';
import { OptionError } from '../../errors.js';
import { expectPositiveNumber } from '../../util/is.js';
import { printJson, reportError, type OutputFlags } from '../output.js';

interface DoctorArgs extends OutputFlags {
  run?: string;
  timeout: number;
}

export const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: 'doctor [run]',
  describe: 'Check this node for wsi-hpc and explain what is missing: Node, libvips, OpenSlide, ONNX Runtime/CUDA, GPUs, SLURM, disk',
  builder: (y) =>
    y
      .positional('run', { type: 'string', describe: 'Run folder whose file system and free space to check (default: the current folder)' })
      .option('timeout', {
        type: 'number',
        default: DOCTOR_DEFAULTS.timeoutS,
        describe: 'Seconds each check (and each command it runs, e.g. scontrol) may take',
      })
      .example('$0 doctor', 'Check this node; exit 1 when a check fails')
      .example('$0 doctor /scratch/me/run1', 'Also check the run folder: file system type and free space against its plan.json')
      .example('srun --gres=gpu:1 $0 doctor --json', 'Check CUDA on a GPU node, as JSON for scripts'),
  handler: async (argv) => {
    try {
      expectPositiveNumber('--timeout', argv.timeout);
      const runDir = argv.run === undefined ? undefined : resolve(argv.run);
      if (runDir !== undefined && statSync(runDir, { throwIfNoEntry: false })?.isDirectory() === false)
        throw new OptionError(
          `Expected RUN to be a folder, received the file \`${argv.run}\``,
          'Give the run folder (the one holding plan.json)',
        );
      const { runDoctor, renderDoctorReport } = await import('../../doctor/index.js');
      const report = await runDoctor({ runDir, timeoutS: argv.timeout, env: process.env });
      if (!report.ok) process.exitCode ??= 1;
      if (argv.json) printJson(report);
      else process.stdout.write(renderDoctorReport(report));
    } catch (err) {
      reportError(argv, err);
    }
  },
};
