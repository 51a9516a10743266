// The model card shared by every zoo model: ImageNet normalization, 224 px patches at 0.5 µm/px,
// NCHW float32 input `input`, 2-class `logits` with tumour at index 1. Models add their own fields.
import { type ClassifierCard, MODEL_CARD_VERSION, type ModelCard } from '../types.js';

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];
export const TUMOUR_LABELS = ['normal', 'tumour'];

/** A card for zoo model `name`; `labels` default to [normal, tumour], positive index 1 when 2 classes. */
export function zooCard(name: string, description: string, extra: Partial<ModelCard> = {}, classes = 2): ClassifierCard {
  const labels = classes === 2 ? [...TUMOUR_LABELS] : Array.from({ length: classes }, (_, i) => `class-${i}`);
  return {
    schemaVersion: MODEL_CARD_VERSION,
    name,
    description,
    input: { name: 'input', layout: 'NCHW', dtype: 'float32' },
    patchSizePx: 224,
    mpp: 0.5,
    normalization: { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] },
    output: { name: 'logits', kind: 'logits', positiveIndex: 1, labels },
    isFullyConvolutional: false,
    ...extra,
  } as ClassifierCard;
}
