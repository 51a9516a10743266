// A progress bar on stderr, used only when stderr is a terminal (see shouldShowProgress).
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

export function createProgress(title: string): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${title} [{bar}] {value}/{total} {percentage}% eta {eta_formatted} {label}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(total, 0, { label });
        started = true;
      }
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
