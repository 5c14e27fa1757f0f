import { describe, expect, it } from 'vitest';
import type { PatchGridGeometry } from '../../src/math/spreadScores';
import { maskUnshown, scoresFromGrid, type ScoringState } from '../../src/detector/scoring';

/** A 4 × 4 grid of 16 px patches on a 64 px image, patches that do not overlap (each pixel takes its patch's score). */
const GRID: PatchGridGeometry = { rows: 4, cols: 4, patchHeight: 16, patchWidth: 16, strideY: 16, strideX: 16, height: 64, width: 64 };
const STATE = { featurizer: { grid: GRID, dimension: 1 }, settings: { scoreSigma: 4 } } as unknown as ScoringState;

/** A mask of the 64 px image showing every pixel but those of the top-left patch. */
function cornerHidden(): Uint8Array {
  const shown = new Uint8Array(64 * 64).fill(1);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) shown[y * 64 + x] = 0;
  return shown;
}

/**
 * Aligned images (`alignObjects`) are judged on what they show (`shownMasks`): pixels whose patches
 * reach the level the frame was filled with beyond the image's border neither set the image's score
 * nor stand out in its map.
 */
describe('maps judged on what an aligned image shows', () => {
  it('maskUnshown lowers unshown pixels to the least shown value, in place; no mask or nothing shown leaves the map', () => {
    const map = Float32Array.from({ length: 64 * 64 }, (_, i) => 1 + (i % 64) + Math.floor(i / 64));
    const hidden = cornerHidden();
    const low = Math.min(...map.filter((_, i) => hidden[i] === 1));
    const copy = Float32Array.from(map);
    expect(maskUnshown(map, hidden)).toBe(map);
    map.forEach((v, i) => expect(v).toBe(hidden[i] ? copy[i] : low));
    expect(Array.from(maskUnshown(Float32Array.from(copy), undefined))).toEqual(Array.from(copy));
    expect(Array.from(maskUnshown(Float32Array.from(copy), new Uint8Array(64 * 64)))).toEqual(Array.from(copy));
  });

  it("an image's score is its map's maximum over shown pixels: a high patch where nothing is shown does not set it", () => {
    const grid = new Float32Array(2 * 16).fill(1);
    grid[0] = 50; // image 0: top-left patch, hidden below
    grid[5] = 7; // image 0: a shown patch
    grid[16] = 50; // image 1: the same top-left patch, shown
    const hidden = cornerHidden();
    const all = new Uint8Array(64 * 64).fill(1);
    const [plain, masked] = [scoresFromGrid(STATE, grid, 2), scoresFromGrid(STATE, grid, 2, [hidden, all])];
    [50, 50].forEach((v, i) => expect(plain[i]).toBeCloseTo(v, 3));
    [7, 50].forEach((v, i) => expect(masked[i]).toBeCloseTo(v, 3));
  });
});
