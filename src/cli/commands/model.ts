// `wsi-hpc model inspect M.onnx`: what the card and the graph say, and where they disagree.
import type { CommandModule } from 'yargs';
import { printJson, reportError, type OutputFlags } from '../output.js';
import { withRequiredValues } from '../options.js';
import type { DenseSupport } from '../../model/index.js';

// One line on dense inference: converts or why not, total stride, replaced head, what the card allows.
function denseLine(d: DenseSupport | null): string {
  if (d === null) return 'dense: unknown (no model card: conversion needs its input, output and patch size)';
  const card = d.allowedByCard
    ? 'the card allows dense (dense.allowed)'
    : 'the card does not allow dense for --method auto (dense.allowed)';
  if (!d.converts) return `dense: does not convert: ${d.reason}; ${card}`;
  return `dense: converts, total stride ${d.totalStride} px, replaced head ${d.replacedHead}; ${card}`;
}

interface InspectArgs extends OutputFlags {
  model: string;
  card?: string;
}

const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <model>',
  describe: 'Show the model card and the ONNX graph side by side, and where they disagree',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'ONNX model file' })
      .option('card', { type: 'string', describe: 'Model card, if not beside the model' })
      .example('$0 model inspect models/googlenet.onnx', ''),
  handler: async (argv) => {
    try {
      const { inspectModel, readModelBytes, readModelCard } = await import('../../model/index.js');
      const bytes = await readModelBytes(argv.model);
      const card = await readModelCard(argv.model, argv.card).catch((err) => {
        // A card named with --card must be read, as `infer` requires; a missing card beside the model is only noted.
        if (argv.card !== undefined) throw err;
        process.stderr.write(`warning: ${(err as Error).message}\n`);
        return null;
      });
      const r = inspectModel(bytes, card, argv.model);
      // Disagreements exit 1 with or without --json: scripts read the JSON and the exit code alike.
      if (r.disagreements.length) process.exitCode ??= 1;
      if (argv.json) return printJson(r);
      const t = (x: { name: string; dtype: string; shape: Array<number | string> }) => `${x.name}: ${x.dtype}[${x.shape.join(', ')}]`;
      const lines = [
        `model: ${argv.model}  (${r.producer || 'unknown producer'}, opset ${r.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')})`,
        `graph inputs:  ${r.inputs.map(t).join('; ')}`,
        `graph outputs: ${r.outputs.map(t).join('; ')}`,
        `nodes: ${r.nodes}  parameters: ${(r.parameters / 1e6).toFixed(2)}M  ops: ${Object.entries(r.ops)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k}×${v}`)
          .join(' ')}`,
        r.card
          ? `card: ${r.card.name}: input ${r.card.input.name} (${r.card.input.layout}), ${r.card.patchSizePx}px at ${r.card.mpp ?? '?'} µm/px, ` +
            `mean ${r.card.normalization.mean.join('/')}, std ${r.card.normalization.std.join('/')}, output ${r.card.output.name} (${r.card.output.kind}), ` +
            (r.card.output.kind === 'features'
              ? `features D = ${r.card.output.dim}, pooling ${r.card.output.pooling ?? 'none'}`
              : `positive = ${r.card.output.labels[r.card.output.positiveIndex]} [${r.card.output.positiveIndex}]`)
          : 'card: none',
        denseLine(r.dense),
        r.disagreements.length ? `DISAGREEMENTS:\n${r.disagreements.map((d) => `  - ${d}`).join('\n')}` : 'card and graph agree',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } catch (err) {
      reportError(argv, err);
    }
  },
};

export const modelCommand: CommandModule<object, object> = {
  command: 'model <command>',
  describe: 'Model utilities (inspect)',
  builder: (y) => y.command(withRequiredValues(inspectCommand) as unknown as CommandModule<object, object>).demandCommand(1),
  handler: () => undefined,
};
