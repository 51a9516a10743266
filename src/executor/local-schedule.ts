// The local executor's scheduler: tasks with CPU counts and dependencies run on a budget of cores, first
// ready first started; a task whose dependency did not finish is skipped (SLURM's kill_invalid_depend),
// and after a cancel nothing new starts.
export type NodeState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';

export interface ScheduleNode<T> {
  key: string;
  cpus: number;
  deps: string[];
  item: T;
}

export interface NodeEnd {
  state: 'done' | 'failed' | 'cancelled';
}

export interface ScheduleHooks<T> {
  /** Runs one node; resolves when it ended. */
  run(node: ScheduleNode<T>): Promise<NodeEnd>;
  onSkipped?(node: ScheduleNode<T>, dependency: string): void;
  isCancelled(): boolean;
}

/** Runs every node whose dependencies finished, at most `cores` CPUs at once; returns each node's final state. */
export async function runSchedule<T>(nodes: ScheduleNode<T>[], cores: number, hooks: ScheduleHooks<T>): Promise<Map<string, NodeState>> {
  const state = new Map<string, NodeState>(nodes.map((n) => [n.key, 'waiting']));
  const dependants = new Map<string, ScheduleNode<T>[]>();
  for (const n of nodes) for (const d of n.deps) dependants.set(d, [...(dependants.get(d) ?? []), n]);
  const queue = nodes.filter((n) => n.deps.length === 0);
  const running = new Map<string, Promise<string>>();
  let free = cores;

  const settle = (key: string) => {
    for (const n of dependants.get(key) ?? []) {
      if (state.get(n.key) !== 'waiting') continue;
      const bad = n.deps.find((d) => ['failed', 'skipped', 'cancelled'].includes(state.get(d) as NodeState));
      if (bad) {
        state.set(n.key, hooks.isCancelled() ? 'cancelled' : 'skipped');
        if (!hooks.isCancelled()) hooks.onSkipped?.(n, bad);
        settle(n.key);
      } else if (n.deps.every((d) => state.get(d) === 'done')) queue.push(n);
    }
  };

  for (;;) {
    while (queue.length && !hooks.isCancelled()) {
      const next = queue[0];
      // A task never needs more than the machine: its CPU count was capped to the cores.
      const need = Math.min(next.cpus, cores);
      if (need > free) break;
      queue.shift();
      free -= need;
      state.set(next.key, 'running');
      running.set(
        next.key,
        hooks.run(next).then(
          (end) => {
            state.set(next.key, end.state);
            free += need;
            return next.key;
          },
          () => {
            state.set(next.key, 'failed');
            free += need;
            return next.key;
          },
        ),
      );
    }
    if (running.size === 0) break;
    const key = await Promise.race(running.values());
    running.delete(key);
    settle(key);
  }
  // Cancelled before they started.
  for (const [key, s] of state) if (s === 'waiting') state.set(key, 'cancelled');
  return state;
}
