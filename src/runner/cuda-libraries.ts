// Which CUDA provider library ONNX Runtime needs and whether it is where onnxruntime-node loads it from:
// its message ("Failed to load shared library") names neither, so `--device cuda` failures add both.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const CUDA_PROVIDER_LIBRARY = 'libonnxruntime_providers_cuda.so';

/** Where onnxruntime-node loads the CUDA provider from and whether it is there; null off linux or when the package cannot be found. */
export function findCudaProvider(platform = process.platform, arch = process.arch): { dir: string; isPresent: boolean } | null {
  if (platform !== 'linux') return null;
  try {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const dir = join(root, 'bin', 'napi-v6', platform, arch);
    return { dir, isPresent: existsSync(join(dir, CUDA_PROVIDER_LIBRARY)) };
  } catch {
    return null;
  }
}

/** "libonnxruntime_providers_cuda.so is missing from DIR" (or "is in DIR"), or null off linux or when the package cannot be found. */
export function describeCudaProvider(platform = process.platform, arch = process.arch): string | null {
  const found = findCudaProvider(platform, arch);
  if (!found) return null;
  return found.isPresent
    ? `${CUDA_PROVIDER_LIBRARY} is in ${found.dir} (so CUDA 12 or cuDNN 9 themselves are what is missing)`
    : `${CUDA_PROVIDER_LIBRARY} is missing from ${found.dir}`;
}
