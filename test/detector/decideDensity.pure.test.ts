import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { CHOICE_MARGIN, decideDensity, type ScoredCandidate } from '../../src/detector/densityChoice';
import { rocAuc } from '../../src/math/rocAuc';

/** 60 normal images then 60 defective ones. */
const labels = [...new Array<number>(60).fill(0), ...new Array<number>(60).fill(1)];

/** Scores whose defective half sits `shift` normal spreads above the normal half (seeded noise). */
function scored(kind: 'shared' | 'per-location', l2Normalize: boolean, shift: number, seed: number): ScoredCandidate {
  const rng = createRng(seed);
  const scores = labels.map((label) => rng() + rng() + rng() + label * shift);
  return { kind, l2Normalize, scores, auroc: rocAuc(scores, labels) };
}

describe('decideDensity', () => {
  it('keeps the kind that validation separates clearly, whatever the alignment says', () => {
    const choice = decideDensity([scored('shared', true, 0, 1), scored('per-location', true, 1.5, 2)], labels, 0, createRng(0));
    expect(choice.kind).toBe('per-location');
    expect(choice.decidedBy).toBe('validation');
    expect(choice.auroc.perLocation - choice.auroc.shared).toBeGreaterThanOrEqual(CHOICE_MARGIN * choice.standardError!);
    expect(choice.l2Normalize).toBe(true);
    expect(choice.candidates).toBeUndefined();
  });

  it('lets the alignment rule decide when the two kinds are within noise', () => {
    const close = [scored('shared', true, 0.5, 3), scored('per-location', true, 0.5, 4)];
    expect(decideDensity(close, labels, 0.05, createRng(0))).toMatchObject({ kind: 'shared', decidedBy: 'alignment' });
    expect(decideDensity(close, labels, 0.5, createRng(0))).toMatchObject({ kind: 'per-location', decidedBy: 'alignment' });
  });

  it('with both normalisations, takes raw rows only for a clear win, for the kind already decided', () => {
    const base = [scored('shared', true, 0, 5), scored('per-location', true, 0.9, 6)];
    const rawWins = decideDensity([...base, scored('shared', false, 3, 7), scored('per-location', false, 3, 8)], labels, 0, createRng(0));
    expect(rawWins).toMatchObject({ kind: 'per-location', l2Normalize: false, decidedBy: 'validation' });
    // The kind's AUROCs are the L2-normalised pair that decided it; every candidate is listed.
    expect(rawWins.auroc).toEqual({ shared: base[0]!.auroc, perLocation: base[1]!.auroc });
    expect(rawWins.candidates?.map((c) => `${c.kind}/${c.l2Normalize}`)).toEqual([
      'shared/true',
      'per-location/true',
      'shared/false',
      'per-location/false',
    ]);
    // A raw density as good as the normalised one, or better only on the other kind, changes nothing.
    const tie = decideDensity([...base, scored('shared', false, 0, 9), scored('per-location', false, 0.9, 10)], labels, 0, createRng(0));
    expect(tie).toMatchObject({ kind: 'per-location', l2Normalize: true });
    const otherKind = decideDensity(
      [...base, scored('shared', false, 3, 11), scored('per-location', false, 0.9, 12)],
      labels,
      0,
      createRng(0),
    );
    expect(otherKind).toMatchObject({ kind: 'per-location', l2Normalize: true });
  });

  it('decides the kind on raw rows when those are the only ones (l2Normalize: false)', () => {
    const choice = decideDensity([scored('shared', false, 2, 13), scored('per-location', false, 0, 14)], labels, 0.9, createRng(0));
    expect(choice).toMatchObject({ kind: 'shared', l2Normalize: false, decidedBy: 'validation' });
  });
});
