// HDF5 attribute writers with the types numpy reads back as int64, float64 and str (h5wasm's
// create_attribute with explicit dtypes), and the int64 [N, 2] coords array CLAM and TRIDENT store.

export type H5Object = { create_attribute(name: string, data: unknown, shape?: number[] | null, dtype?: string | null): void };

export function setInt(o: H5Object, name: string, v: number): void {
  o.create_attribute(name, BigInt(v), null, '<q');
}
export function setIntPair(o: H5Object, name: string, v: [number, number]): void {
  o.create_attribute(name, new BigInt64Array([BigInt(v[0]), BigInt(v[1])]), [2], '<q');
}
export function setFloatPair(o: H5Object, name: string, v: [number, number]): void {
  o.create_attribute(name, new Float64Array(v), [2], '<d');
}
export function setFloat(o: H5Object, name: string, v: number): void {
  o.create_attribute(name, v, null, '<d');
}

/** int32 x,y pairs (grid file order) as the int64 [N, 2] array CLAM and TRIDENT store. */
export function coordsInt64(coords: Int32Array): BigInt64Array {
  return BigInt64Array.from(coords, (v) => BigInt(v));
}
