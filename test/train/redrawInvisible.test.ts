import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { createPixelBatch } from '../../src/advanced';
import { resolveTrainOptions } from '../../src/train/options';
import { visibleCopiesOf } from '../../src/train/pretextProbe';
import { nextBatch } from '../../src/train/pretextBatch';

/** 64 × 64 grey images, flat but for a random-noise square in the top-left 24 × 24 corner. */
function mostlyFlat(batch: number) {
  const b = createPixelBatch({ batch, height: 64, width: 64, channels: 1 });
  const rng = createRng(3);
  for (let i = 0; i < batch; i++)
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) b.data[(i * 64 + y) * 64 + x] = y < 24 && x < 24 ? rng() : 0.5;
  return b;
}

/** Over a few batches: the fraction of augmented copies that differ visibly from their original, and the batches. */
function visibleFraction(redrawInvisible: boolean) {
  const o = resolveTrainOptions({ level: 'patch', patchSize: 16, colorJitter: 0, variant: '3way', batchSize: 32, redrawInvisible });
  const rng = createRng(9);
  const dataset = mostlyFlat(32);
  let copies = 0;
  let visible = 0;
  const batches = [];
  for (let step = 0; step < 4; step++) {
    const batch = nextBatch(
      dataset,
      Array.from({ length: 32 }, (_, i) => i),
      o,
      rng,
    );
    batches.push(batch);
    const seen = visibleCopiesOf(batch.images, batch.labels, batch.sources!);
    batch.labels.forEach((label, j) => {
      if (label === 0) return;
      copies++;
      visible += seen[j]!;
    });
  }
  return { fraction: visible / copies, batches };
}

describe('trainer option redrawInvisible (patch level)', () => {
  it('off: most crops of a flat image give copies that do not differ from their original', () => {
    expect(visibleFraction(false).fraction).toBeLessThan(0.4);
  });

  it('on: crops and augmentations are drawn again until the copies differ visibly', () => {
    const { fraction, batches } = visibleFraction(true);
    expect(fraction).toBeGreaterThan(0.7);
    // The batch keeps its layout: originals, then one copy per class of each original, labels unchanged.
    for (const b of batches) {
      expect(b.images.batch).toBe(96);
      expect(Array.from(b.labels)).toEqual(Array.from({ length: 96 }, (_, i) => Math.floor(i / 32)));
    }
  });

  it('is deterministic for a seed', () => {
    const a = visibleFraction(true).batches[0]!.images.data;
    const b = visibleFraction(true).batches[0]!.images.data;
    expect(b).toEqual(a);
  });
});
