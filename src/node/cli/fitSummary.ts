/**
 * What `cutpaste fit` and `cutpaste evaluate` print about a fit: how well the pretext task was
 * learnt (a warning near chance) and which density was fitted, and why. Pure text.
 */
import type { FitReport } from 'cutpaste';

/** The pretext task's loss and accuracy, on the training batches and held out, with a warning near chance. */
export function pretextLines(report: FitReport): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [`  pretext: loss ${report.finalLoss.toFixed(3)}, accuracy ${pct(report.pretextAccuracy)} on the last training batches`];
  const held = report.heldOutPretext;
  if (!held) return lines;
  lines.push(`  pretext held out: accuracy ${pct(held.accuracy)}; balanced ${pct(held.visibleAccuracy)} on the originals and the ${pct(held.visibleFraction)} of copies that differ visibly`);
  if (held.nearChance) {
    lines.push('  warning: the pretext task stayed near chance; the features are close to an untrained network\'s (train longer: --steps, or check the images)');
  }
  return lines;
}

/** Patch mode: which density was fitted, and why when `auto` chose it. */
export function densityLines(report: FitReport): string[] {
  if (report.density === 'image') return [];
  const choice = report.densityChoice;
  const why = choice
    ? ` (auto: synthetic-defect AUROC ${(choice.auroc.perLocation * 100).toFixed(1)} per location, ${(choice.auroc.shared * 100).toFixed(1)} shared, on ${choice.probes} defects)`
    : report.alignment !== undefined ? ` (alignment ${report.alignment.toFixed(2)})` : '';
  return [`  density: ${report.density}${why}`];
}
