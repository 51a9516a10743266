// NumPy .npy (format 1.0) for float32 2-D arrays: `numpy.load(f)` reads heatmaps directly. Pure.

export function encodeNpyFloat32(values: Float32Array, shape: [number, number]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const le = new Float32Array(values);
  out.set(new Uint8Array(le.buffer), total);
  return out;
}
