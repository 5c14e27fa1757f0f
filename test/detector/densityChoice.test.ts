import { describe, expect, it } from 'vitest';
import { CutPasteDetector } from '../../src/index';
import { createSyntheticCategory, type SyntheticKind } from '../../src/synthetic';
import { CHOICE_MARGIN, CHOICE_MIN_IMAGES } from '../../src/detector/densityChoice';
import { ALIGNMENT_THRESHOLD } from '../../src/detector/options';
import { expectNoLeak } from '../helpers/tensors';
import { TINY_PATCH_ENCODER } from '../helpers/tinyDetectors';

/**
 * An untrained small patch encoder (`patch32`'s layout at 1/8 of its widths) at 96 px: quick on every
 * backend. The images are scored as given (`alignObjects: false`; by default the bolts would be
 * turned to one pose first, test/detector/alignObjects.test.ts), so that the bolt's screws lie at
 * random positions and angles for the density.
 */
const DETECTOR = { imageSize: 96, encoder: TINY_PATCH_ENCODER, headWidths: [16], steps: 1, batchSize: 4, alignObjects: false } as const;

/**
 * `perLocation: 'auto'` judged on the object: the generator's proxies for a small object at random
 * positions and angles (`bolt`: one shared density) and an aligned component on a board (`board`: one
 * density per location). The choice compares both densities on held-out normal images and synthetic
 * defects, and decides when they differ by more than noise. (On a texture it keeps whichever of the two scores better: usually shared, but with weak
 * features one density per location can win, as it does for untrained features on tile in docs/results.md.)
 */
describe("perLocation 'auto' chooses by validation on synthetic defects", () => {
  // Here the bolt's two AUROCs are within noise (the screw covers few patches at 96 px) and its low
  // alignment decides. The board's per-location density scores higher on the synthetic defects (by
  // 1.6 to over 2 standard errors, depending on the one training step's draws), and its alignment
  // agrees: per location either way. `decideDensity`'s own tests pin where the margin falls.
  const cases: [SyntheticKind, 'shared' | 'per-location', 'validation' | 'alignment' | 'either'][] = [
    ['bolt', 'shared', 'alignment'],
    ['board', 'per-location', 'either'],
  ];
  for (const [kind, expected, decided] of cases) {
    it(`chooses ${expected} on ${kind}`, async () => {
      const category = createSyntheticCategory({ kind, seed: 3, trainCount: 30, testCount: 2, imageSize: 96 });
      const train = [...category.trainImages()];
      await expectNoLeak(async () => {
        const detector = await CutPasteDetector.create({ ...DETECTOR, seed: 1 });
        const report = await detector.fit(train, { workers: 0 });
        detector.dispose();
        expect(report.densityChoice?.kind).toBe(expected);
        expect(report.density).toBe(expected);
        expect(report.densityChoice!.probes).toBeGreaterThan(0);
        // Validation decides only on a difference of at least CHOICE_MARGIN standard errors; else the alignment rule.
        const { auroc, standardError, decidedBy } = report.densityChoice!;
        const clear = Math.abs(auroc.perLocation - auroc.shared) >= CHOICE_MARGIN * standardError!;
        expect(standardError).toBeGreaterThan(0);
        expect(decidedBy).toBe(clear ? 'validation' : 'alignment');
        expect(report.density).toBe(
          clear
            ? auroc.perLocation > auroc.shared
              ? 'per-location'
              : 'shared'
            : report.alignment! >= ALIGNMENT_THRESHOLD
              ? 'per-location'
              : 'shared',
        );
        if (decided === 'either')
          expect(auroc[expected === 'shared' ? 'shared' : 'perLocation']).toBeGreaterThan(
            auroc[expected === 'shared' ? 'perLocation' : 'shared'],
          );
        else expect(decidedBy).toBe(decided);
        // l2Normalize 'auto' (the default): raw rows compared too, and kept only when they beat the kind's normalised density.
        const { candidates, l2Normalize } = report.densityChoice!;
        expect(candidates?.map((c) => `${c.kind}/${c.l2Normalize}`).sort()).toEqual([
          'per-location/false',
          'per-location/true',
          'shared/false',
          'shared/true',
        ]);
        const aurocOf = (l2: boolean) => candidates!.find((c) => c.kind === report.density && c.l2Normalize === l2)!.auroc;
        if (l2Normalize === false) expect(aurocOf(false)).toBeGreaterThan(aurocOf(true));
        expect(detector.options.l2Normalize).toBe('auto');
      });
    });
  }

  it(`falls back to the alignment rule below ${CHOICE_MIN_IMAGES} images, and is not run when perLocation is set`, async () => {
    const category = createSyntheticCategory({ kind: 'board', seed: 3, trainCount: CHOICE_MIN_IMAGES - 1, testCount: 2, imageSize: 96 });
    const train = [...category.trainImages()];
    for (const perLocation of ['auto', false] as const) {
      const detector = await CutPasteDetector.create({ ...DETECTOR, perLocation });
      const report = await detector.fit(train, { workers: 0 });
      detector.dispose();
      expect(report.densityChoice).toBeUndefined();
      expect(report.density).toBe(perLocation === 'auto' ? 'per-location' : 'shared');
    }
  });
});
