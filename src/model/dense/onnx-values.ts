// Reads values out of decoded ONNX protos: node attributes and initializer tensors (raw or typed
// data, int64 as Long). Used by the dense converter's graph walk; writing stays in ../onnx-builder.ts.
import type onnxProto from 'onnx-proto';
import { DT } from '../onnx-builder.js';

type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;
/** protobufjs decodes int64 as Long (or number when small and built that way). */
type IntLike = number | { toNumber(): number } | null | undefined;

export function toInt(v: IntLike): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export function attrOf(node: Node, name: string): onnxProto.onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function intAttr(node: Node, name: string, fallback: number): number {
  const a = attrOf(node, name);
  return a ? toInt(a.i as IntLike) : fallback;
}

export function intsAttr(node: Node, name: string): number[] | null {
  const a = attrOf(node, name);
  return a ? (a.ints ?? []).map((v) => toInt(v as IntLike)) : null;
}

export function floatAttr(node: Node, name: string, fallback: number): number {
  const a = attrOf(node, name);
  return a && typeof a.f === 'number' ? a.f : fallback;
}

export function stringAttr(node: Node, name: string, fallback: string): string {
  const a = attrOf(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}

export function dimsOf(t: Tensor): number[] {
  return (t.dims ?? []).map((d) => toInt(d as IntLike));
}

/** Float32 values of an initializer; null when it is not float. */
export function readFloats(t: Tensor): Float32Array | null {
  if (t.dataType !== DT.FLOAT) return null;
  if (t.rawData && t.rawData.length > 0) return new Float32Array(Uint8Array.from(t.rawData).buffer);
  return Float32Array.from(t.floatData ?? []);
}

/** Integer values of an int64 or int32 initializer; null for other types. */
export function readInts(t: Tensor): number[] | null {
  if (t.dataType === DT.INT64) {
    if (t.rawData && t.rawData.length > 0) return Array.from(new BigInt64Array(Uint8Array.from(t.rawData).buffer), Number);
    return (t.int64Data ?? []).map((v) => toInt(v as IntLike));
  }
  if (t.dataType === DT.INT32) {
    if (t.rawData && t.rawData.length > 0) return Array.from(new Int32Array(Uint8Array.from(t.rawData).buffer));
    return [...(t.int32Data ?? [])];
  }
  return null;
}
