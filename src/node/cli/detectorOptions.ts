import type { CutPasteOptions } from 'cutpaste/node';
import type { DetectorArgs } from './args';

/**
 * The detector options a command line asked for (only those given: the preset fills the rest).
 *
 * @example
 * toDetectorOptions({ preset: 'fast', steps: 300, imageSize: [128, 128] });
 * // { preset: 'fast', steps: 300, imageSize: [128, 128] }
 */
export function toDetectorOptions(args: DetectorArgs): CutPasteOptions {
  const o: CutPasteOptions = {};
  if (args.preset !== undefined) o.preset = args.preset;
  if (args.mode !== undefined) o.mode = args.mode;
  if (args.steps !== undefined) o.steps = args.steps;
  if (args.seed !== undefined) o.seed = args.seed;
  if (args.imageSize !== undefined) o.imageSize = args.imageSize;
  if (args.batchSize !== undefined) o.batchSize = args.batchSize;
  if (args.patchSize !== undefined) o.patchSize = args.patchSize;
  if (args.stride !== undefined) o.stride = args.stride;
  if (args.perLocation !== undefined) o.perLocation = args.perLocation;
  return o;
}

/**
 * The fit options a command line asked for besides the detector's (`--workers`).
 *
 * @example
 * toFitOptions({ workers: 0 }); // { workers: 0 }
 */
export function toFitOptions(args: DetectorArgs): { workers?: number | 'auto' } {
  return args.workers !== undefined ? { workers: args.workers } : {};
}
