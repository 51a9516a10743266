// NumPy .npy (format 1.0) for float32 2-D arrays: `numpy.load(f)` reads heatmaps directly. Pure.

export function encodeNpyFloat32(values: Float32Array, shape: [number, number]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = `${header.padEnd(total - 10 - 1, ' ')}\n`;
  const out = new Uint8Array(total + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const le = new Float32Array(values);
  out.set(new Uint8Array(le.buffer), total);
  return out;
}

/** Read back a 2-D float32 .npy written by encodeNpyFloat32 (format 1.0, little-endian, C order). */
export function decodeNpyFloat32(bytes: Uint8Array, file = 'heatmap.npy'): { values: Float32Array; shape: [number, number] } {
  const magic = String.fromCharCode(...bytes.subarray(1, 6));
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + headerLen));
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
  if (!header.includes("'descr': '<f4'") || !shape)
    throw new Error(`${file}: expected a 2-D little-endian float32 array, header ${header.trim()}`);
  const data = bytes.slice(10 + headerLen);
  return { values: new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4), shape: [Number(shape[1]), Number(shape[2])] };
}
