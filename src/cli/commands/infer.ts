// `wsi-hpc infer RUN --model M.onnx [--task N]`: thin handler over runInfer.
import type { CommandModule } from 'yargs';
import { OptionError } from '../../errors.js';
import { INFER_DEFAULTS, INFER_METHODS, type InferMethodRequest } from '../../stages/infer/defaults.js';
import { log, printJson, reportError, shouldShowProgress, warn, type OutputFlags } from '../output.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';

interface InferArgs extends OutputFlags {
  run: string;
  model: string;
  card?: string;
  task?: number;
  device: 'auto' | 'cpu' | 'cuda';
  threads?: number;
  'batch-size': number;
  'features-dtype': 'float16' | 'float32';
  method: InferMethodRequest;
  sessions?: number;
  shards?: string;
}

// `--shards 3,7`: plan shard indexes, or a usage error naming the option.
function parseShards(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim());
  if (!parts.every((p) => /^\d+$/.test(p)))
    throw new OptionError(`Expected \`--shards\` to be comma-separated shard indexes (e.g. 0,3,4), received \`${text}\``);
  return parts.map(Number);
}

export const inferCommand: CommandModule<object, InferArgs> = {
  command: 'infer <run>',
  describe: 'Stream packed shards through an ONNX model (CUDA when usable, else CPU) and write per-patch probabilities',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder with plan.json and packed shards' })
      .option('model', { alias: 'm', type: 'string', demandOption: true, describe: 'ONNX model; its card is the .json beside it' })
      .option('card', { type: 'string', describe: 'Model card, if not beside the model' })
      .option('task', { type: 'number', describe: 'Array task (default: $SLURM_ARRAY_TASK_ID + $WSI_HPC_TASK_OFFSET, else every shard)' })
      .option('device', {
        choices: ['auto', 'cpu', 'cuda'] as const,
        default: INFER_DEFAULTS.device,
        describe: 'auto: CUDA when a GPU is visible and usable',
      })
      .option('threads', { type: 'number', describe: 'Intra-op threads (default: $SLURM_CPUS_PER_TASK, else all cores)' })
      .option('batch-size', { type: 'number', default: INFER_DEFAULTS.batchSize, describe: 'Patches per model call' })
      .option('features-dtype', {
        choices: ['float16', 'float32'] as const,
        default: INFER_DEFAULTS.featuresDtype,
        describe: 'How a features model (card output.kind features) stores /features',
      })
      .option('method', {
        choices: INFER_METHODS,
        default: INFER_DEFAULTS.method,
        describe:
          'Window shards: sliding (patch model on each kept position), dense (head as 1x1 conv, shift-and-stitch), auto (dense when the card allows it and the stride fits the network)',
      })
      .option('sessions', {
        type: 'number',
        describe: 'ONNX Runtime sessions at once, one process each (default: one per visible GPU, else 1; on CPU they share --threads)',
      })
      .option('shards', { type: 'string', describe: "Only these shard indexes of the task (what each session's process runs)" })
      .example('$0 infer run1 --model models/demo-tumour.onnx', 'Every shard on this machine')
      .example('CUDA_VISIBLE_DEVICES=0,1 $0 infer run1 --model net.onnx --task 3', 'Task 3 on two GPUs: one session per GPU')
      .example('$0 infer run16 --model googlenet.onnx --method dense', 'A stride-16 window plan, dense')
      .example('$0 infer run1 --model net.onnx --task 7 --threads 8', 'What array task 7 runs'),
  handler: async (argv) => {
    try {
      const { runInfer } = await import('../../stages/infer/index.js');
      const progress = shouldShowProgress(argv) ? createProgress('inferring') : null;
      const result = await runInfer({
        run: argv.run,
        model: argv.model,
        card: argv.card,
        task: argv.task,
        device: argv.device,
        threads: argv.threads,
        batchSize: argv['batch-size'],
        featuresDtype: argv['features-dtype'],
        method: argv.method,
        sessions: argv.sessions,
        shards: parseShards(argv.shards),
        onWarning: (m) => warn(m),
        onPatches: (d, t) => progress?.update(d, t),
      });
      progress?.stop();
      log(argv, `device: ${result.reason}`);
      log(argv, `method: ${result.method} (${result.methodReason})`);
      if (argv.json) printJson(result);
      else if (!argv.quiet) {
        process.stdout.write(
          formatTable(
            ['shard', 'status', 'patches', 'seconds', 'patches/s'],
            result.shards.map((s) => [
              s.shard,
              s.status === 'failed' ? `FAILED ${s.error?.code}: ${s.error?.message}` : s.status,
              String(s.patches),
              s.seconds.toFixed(1),
              s.patchesPerSecond ? s.patchesPerSecond.toFixed(1) : '-',
            ]),
          ),
        );
      }
      if (result.failed > 0) {
        log(
          argv,
          `${result.failed} shard(s) failed (see markers/infer/); rerun the same command to retry them, completed shards are skipped.`,
        );
        process.exitCode ??= 1;
      }
    } catch (err) {
      reportError(argv, err);
    }
  },
};
