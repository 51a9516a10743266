// Every CLI command, listed explicitly.
import type { CommandModule } from 'yargs';
import { planCommand } from './plan.js';
import { packCommand } from './pack.js';
import { inferCommand } from './infer.js';
import { mergeCommand } from './merge.js';
import { modelCommand } from './model.js';
import { evaluateCommand } from './evaluate.js';
import { resubmitCommand, submitCommand } from './submit.js';
import { statusCommand } from './status.js';
import { cancelCommand } from './cancel.js';
import { submitWaveCommand } from './wave.js';
import { planAssembleCommand, planTaskCommand } from './plan-task.js';
import { runCommand } from './run.js';
import { studyCommand } from './study.js';
import { synthCommand } from './synth.js';
import { reportCommand } from './report.js';
import { doctorCommand } from './doctor.js';

/** Opaque to the list: src/cli/index.ts registers each with yargs, which checks the module itself. */
export const commands: readonly Pick<CommandModule, 'command'>[] = [
  planCommand,
  packCommand,
  inferCommand,
  mergeCommand,
  runCommand,
  submitCommand,
  statusCommand,
  resubmitCommand,
  cancelCommand,
  submitWaveCommand,
  planTaskCommand,
  planAssembleCommand,
  evaluateCommand,
  studyCommand,
  modelCommand,
  synthCommand,
  reportCommand,
  doctorCommand,
];
