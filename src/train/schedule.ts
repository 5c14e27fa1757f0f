/**
 * Learning-rate schedules: functions from a 0-based step to a learning rate.
 */

/** A learning rate for each 0-based step. */
export type Schedule = (step: number) => number;

/**
 * One cosine cycle from `learningRate` down to `minLearningRate` over `steps` (the paper's schedule,
 * torch's `CosineAnnealingLR` with `T_max = steps`), after an optional linear warm-up.
 *
 * @param options.learningRate Peak learning rate (default in the trainer: 0.03).
 * @param options.steps Length of the cycle, in steps (≥ 1).
 * @param options.warmupSteps Steps of linear warm-up from 0 to `learningRate` (default 0).
 * @param options.minLearningRate Floor reached at the last step (default 0).
 * @example
 * const lr = cosineSchedule({ learningRate: 0.03, steps: 1000 });
 * lr(0); // 0.03
 * lr(500); // 0.015
 */
export function cosineSchedule(options: { learningRate: number; steps: number; warmupSteps?: number; minLearningRate?: number }): Schedule {
  const { learningRate, steps } = options;
  const warmup = options.warmupSteps ?? 0;
  const floor = options.minLearningRate ?? 0;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new RangeError(`cosineSchedule: learningRate must be a finite number > 0, got ${learningRate}`);
  }
  if (!(Number.isInteger(steps) && steps >= 1)) {
    throw new RangeError(`cosineSchedule: steps must be an integer ≥ 1, got ${steps}`);
  }
  if (!(Number.isInteger(warmup) && warmup >= 0 && warmup < steps)) {
    throw new RangeError(`cosineSchedule: warmupSteps must be an integer in [0, steps), got ${warmup}`);
  }
  if (!(Number.isFinite(floor) && floor >= 0 && floor <= learningRate)) {
    throw new RangeError(`cosineSchedule: minLearningRate must be in [0, learningRate], got ${floor}`);
  }
  return (step: number) => {
    if (step < warmup) return (learningRate * (step + 1)) / (warmup + 1);
    const t = Math.min(1, (step - warmup) / Math.max(1, steps - warmup));
    return floor + (learningRate - floor) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
}
