import { describe, expect, it } from 'vitest';
import type { FitReport } from '../../../src/index';
import { densityLines, featureLines, poseLines, pretextLines, workersLines } from '../../../src/node/cli/fitSummary';

const report = (extra: Partial<FitReport>): FitReport => ({
  steps: 1000,
  finalLoss: 0.5,
  pretextAccuracy: 0.8,
  seconds: 300,
  trainSeconds: 250,
  imagesPerSecond: 400,
  workers: 1,
  images: 200,
  density: 'shared',
  ...extra,
});

describe('fit summary', () => {
  it('prints the held-out pretext accuracy and warns only near chance', () => {
    const learnt = report({
      heldOutPretext: { accuracy: 0.9, visibleAccuracy: 0.95, visibleFraction: 0.6, samples: 768, nearChance: false },
    });
    expect(pretextLines(learnt).join('\n')).toContain(
      'pretext held out: accuracy 90.0%; balanced 95.0% on the originals and the 60.0% of copies that differ visibly',
    );
    expect(pretextLines(learnt).join('\n')).not.toContain('warning');
    const chance = report({
      heldOutPretext: { accuracy: 0.35, visibleAccuracy: 0.4, visibleFraction: 0.3, samples: 768, nearChance: true },
    });
    expect(pretextLines(chance).at(-1)).toMatch(/^ {2}warning: the pretext task stayed near chance/);
    expect(pretextLines(report({}))).toHaveLength(1);
  });

  it('says which density auto chose and why, or the alignment without a choice', () => {
    const chosen = report({
      density: 'per-location',
      densityChoice: { kind: 'per-location', auroc: { shared: 0.7606, perLocation: 0.9542 }, probes: 48 },
    });
    expect(densityLines(chosen)).toEqual([
      '  density: per-location (auto: synthetic-defect AUROC 95.4 per location, 76.1 shared, on 48 defects)',
    ]);
    const close = report({
      density: 'per-location',
      alignment: 0.903,
      densityChoice: {
        kind: 'per-location',
        auroc: { shared: 0.8056, perLocation: 0.7798 },
        probes: 96,
        standardError: 0.021,
        decidedBy: 'alignment',
      },
    });
    expect(densityLines(close)).toEqual([
      '  density: per-location (auto: synthetic-defect AUROC 78.0 per location, 80.6 shared, on 96 defects; too close to call (± 2.1), chosen by location alignment 0.90)',
    ]);
    expect(densityLines(report({ alignment: 0.0166 }))).toEqual(['  density: shared (alignment 0.02)']);
    // Raw features compared too (l2Normalize 'auto') and kept, and a companion fused.
    const raw = report({
      density: 'shared',
      alignment: 0.01,
      densityChoice: {
        kind: 'shared',
        l2Normalize: false,
        auroc: { shared: 0.7, perLocation: 0.6 },
        candidates: [
          { kind: 'shared', l2Normalize: true, auroc: 0.7 },
          { kind: 'per-location', l2Normalize: true, auroc: 0.6 },
          { kind: 'shared', l2Normalize: false, auroc: 0.81 },
          { kind: 'per-location', l2Normalize: false, auroc: 0.62 },
        ],
        probes: 96,
        standardError: 0.03,
        decidedBy: 'validation',
      },
      companion: { density: 'per-location', own: { mean: 40.25, sd: 8.5 }, other: { mean: 150, sd: 20.04 } },
    });
    expect(densityLines(raw)).toEqual([
      '  density: shared on raw (not L2-normalised) features (auto: synthetic-defect AUROC 70.0 shared, 60.0 per location, 81.0 shared raw, 62.0 per location raw, on 96 defects)',
      '  fused with an untrained feature density (resnet18-slim stages 2+3, density: per-location); maps divided by the spread of their out-of-fold scores: CutPaste 40.3 ± 8.5, companion 150.0 ± 20.0',
    ]);
    // With the colour scorer too.
    const colour = report({
      density: 'per-location',
      companion: {
        density: 'shared',
        own: { mean: 40.25, sd: 8.5 },
        other: { mean: 150, sd: 20.04 },
        colour: { density: 'per-location', stats: { mean: 3.26, sd: 0.55 } },
      },
    });
    expect(densityLines(colour)[1]).toBe(
      '  fused with an untrained feature density (resnet18-slim stages 2+3, density: shared) and patch colour and gradient statistics (density: per-location); maps divided by the spread of their out-of-fold scores: CutPaste 40.3 ± 8.5, companion 150.0 ± 20.0, colour 3.3 ± 0.6',
    );
    // The colour scorer alone (fusion 'colour'): no feature density.
    const colourOnly = report({
      density: 'per-location',
      companion: { own: { mean: 40.25, sd: 8.5 }, colour: { density: 'shared', stats: { mean: 3.26, sd: 0.55 } } },
    });
    expect(densityLines(colourOnly)[1]).toBe(
      '  fused with patch colour and gradient statistics (density: shared); maps divided by the spread of their out-of-fold scores: CutPaste 40.3 ± 8.5, colour 3.3 ± 0.6',
    );
    expect(densityLines(report({ density: 'image' }))).toEqual([]);
  });

  it('says whether the images were aligned to an object, and what the poses showed, before the density', () => {
    const seen = { found: 1, elongation: 0.93, angleSpread: 0.91, shift: 0.189, size: 0.23 };
    const aligned = report({ objectPose: { aligned: true, decidedBy: 'poses', ...seen, radius: 67.2 } });
    expect(densityLines(aligned)[0]).toBe(
      "  aligned to the object's pose (auto: object in 100% of the images, elongation 0.93, angle spread 0.91, centroid shift 0.19, size 0.23); frame radius 67 px",
    );
    expect(densityLines(aligned)[1]).toMatch(/^ {2}density: shared/);
    expect(poseLines({ aligned: true, decidedBy: 'option', ...seen, radius: 128 })).toEqual([
      "  aligned to the object's pose (alignObjects: true); frame radius 128 px",
    ]);
    expect(poseLines({ aligned: false, decidedBy: 'poses', ...seen, found: 0.4 })[0]).toMatch(
      /^ {2}not aligned to an object's pose \(auto: object in 40% of the images/,
    );
    expect(poseLines(undefined)).toEqual([]);
  });

  it("prints why 'auto' workers used none, and nothing when no note was made", () => {
    expect(
      workersLines(report({ workers: 0, workersNote: "workers 'auto' used none: runs of fewer than 20 steps train on one thread" })),
    ).toEqual(["  note: workers 'auto' used none: runs of fewer than 20 steps train on one thread"]);
    expect(workersLines(report({}))).toEqual([]);
  });

  it('prints the feature grid of a feature-density fit instead of pretext lines', () => {
    expect(featureLines({ seconds: 1, images: 6, density: 'shared', encoder: 'resnet18-slim', features: 100, grid: [32, 32] })).toEqual([
      '  features: 100 per location on a 32×32 grid, from resnet18-slim (no training)',
    ]);
  });
});
