/**
 * What `cutpaste fit` and `cutpaste evaluate` print about a fit: how well the pretext task was
 * learnt (a warning near chance) or, for feature-density, where its features came from, and which
 * density was fitted, and why. Pure text.
 */
import type { DetectorFitReport, FeatureDensityFitReport, FitReport } from 'cutpaste';

/** The pretext task's loss and accuracy, on the training batches and held out, with a warning near chance. */
export function pretextLines(report: FitReport): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [`  pretext: loss ${report.finalLoss.toFixed(3)}, accuracy ${pct(report.pretextAccuracy)} on the last training batches`];
  const held = report.heldOutPretext;
  if (!held) return lines;
  lines.push(
    `  pretext held out: accuracy ${pct(held.accuracy)}; balanced ${pct(held.visibleAccuracy)} on the originals and the ${pct(held.visibleFraction)} of copies that differ visibly`,
  );
  if (held.nearChance) {
    lines.push(
      "  warning: the pretext task stayed near chance; the features are close to an untrained network's (train longer: --steps, or check the images)",
    );
  }
  return lines;
}

/** Patch mode: which density was fitted, and why when `auto` chose it. */
export function densityLines(report: DetectorFitReport): string[] {
  if (report.density === 'image') return [];
  const choice = report.densityChoice;
  const pct = (x: number) => (x * 100).toFixed(1);
  const compared = choice?.candidates
    ? choice.candidates
        .map((c) => `${pct(c.auroc)} ${c.kind === 'shared' ? 'shared' : 'per location'}${c.l2Normalize ? '' : ' raw'}`)
        .join(', ')
    : choice && `${pct(choice.auroc.perLocation)} per location, ${pct(choice.auroc.shared)} shared`;
  const why = choice
    ? ` (auto: synthetic-defect AUROC ${compared}, on ${choice.probes} defects${choiceRule(choice, report.alignment)})`
    : report.alignment !== undefined
      ? ` (alignment ${report.alignment.toFixed(2)})`
      : '';
  const lines = poseLines((report as FitReport).objectPose);
  lines.push(`  density: ${report.density}${choice?.l2Normalize === false ? ' on raw (not L2-normalised) features' : ''}${why}`);
  const companion = (report as FitReport).companion;
  if (companion) {
    const { colour, other } = companion;
    const stats = (s: { mean: number; sd: number }) => `${s.mean.toFixed(1)} ± ${s.sd.toFixed(1)}`;
    const scorers = [
      ...(other ? [`an untrained feature density (resnet18-slim stages 2+3, density: ${companion.density})`] : []),
      ...(colour ? [`patch colour and gradient statistics (density: ${colour.density})`] : []),
    ];
    lines.push(
      `  fused with ${scorers.join(' and ')}` +
        `; maps divided by the spread of their out-of-fold scores: CutPaste ${stats(companion.own)}` +
        `${other ? `, companion ${stats(other)}` : ''}${colour ? `, colour ${stats(colour.stats)}` : ''}`,
    );
  }
  return lines;
}

/** `alignObjects`: whether the images were aligned to their objects' poses, and what the poses showed. */
export function poseLines(pose: FitReport['objectPose']): string[] {
  if (!pose) return [];
  const seen =
    `object in ${(pose.found * 100).toFixed(0)}% of the images, elongation ${pose.elongation.toFixed(2)}, ` +
    `angle spread ${pose.angleSpread.toFixed(2)}, centroid shift ${pose.shift.toFixed(2)}, size ${pose.size.toFixed(2)}`;
  return pose.aligned
    ? [
        `  aligned to the object's pose (${pose.decidedBy === 'option' ? 'alignObjects: true' : `auto: ${seen}`}); frame radius ${pose.radius?.toFixed(0)} px`,
      ]
    : [`  not aligned to an object's pose (auto: ${seen})`];
}

/** Feature-density (no pretext task): the encoder, the feature grid and its dimension. */
export function featureLines(report: FeatureDensityFitReport): string[] {
  return [
    `  features: ${report.features} per location on a ${report.grid[0]}×${report.grid[1]} grid, from ${report.encoder} (no training)`,
  ];
}

/** `workers: 'auto'` that used no gradient worker: why (`FitReport.workersNote`). */
export function workersLines(report: FitReport): string[] {
  return report.workersNote ? [`  note: ${report.workersNote}`] : [];
}

/** Why `auto` kept its density when validation could not tell the two apart: the alignment rule. */
export function choiceRule(choice: NonNullable<DetectorFitReport['densityChoice']>, alignment: number | undefined): string {
  if (choice.decidedBy !== 'alignment') return '';
  const se = choice.standardError === undefined ? '' : ` (± ${(choice.standardError * 100).toFixed(1)})`;
  return `; too close to call${se}, chosen by location alignment${alignment === undefined ? '' : ` ${alignment.toFixed(2)}`}`;
}
