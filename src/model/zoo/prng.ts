// Seeded random numbers for model weights and patch sampling (mulberry32 + Box–Muller), so that a
// seed fully determines a model's bytes. No Math.random in src/model/zoo.

/** Uniform [0, 1) generator for a 32-bit integer seed; the same seed gives the same sequence. */
export function createUniformRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal generator (Box–Muller over createUniformRng, both values of each pair used). */
export function createNormalRng(seed: number): () => number {
  const uniform = createUniformRng(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}
