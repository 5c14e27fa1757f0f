import type { Rng } from '../math/random';
import { gaussian } from './noise';

/** A polyline `[x0, y0, x1, y1, …]` in pixels with one stroke width per vertex. */
export interface Stroke {
  readonly points: number[];
  readonly widths: number[];
}

/**
 * A smooth random curve: starts at (x, y) with `heading` (radians), advances `step` pixels per vertex
 * for `length` pixels, turning by a random walk of `wiggle` radians per step (with momentum, so the
 * curve bends gently instead of jittering).
 *
 * @example
 * const pts = randomCurve(createRng(1), 10, 10, 0.3, 80, 2, 0.08); // [x0, y0, x1, y1, …]
 */
export function randomCurve(rng: Rng, x: number, y: number, heading: number, length: number, step: number, wiggle: number): number[] {
  const points = [x, y];
  let turn = 0;
  const steps = Math.max(1, Math.round(length / step));
  for (let i = 0; i < steps; i++) {
    turn = 0.7 * turn + wiggle * gaussian(rng);
    heading += turn;
    x += step * Math.cos(heading);
    y += step * Math.sin(heading);
    points.push(x, y);
  }
  return points;
}

/**
 * A branching crack: a jagged main path of `length` pixels from (x, y) whose width tapers from
 * `width` to ~0.3 px, with side branches (each a thinner, shorter crack) spawned with probability
 * `branching` per vertex, up to `depth` levels.
 */
export function crackStrokes(
  rng: Rng,
  x: number,
  y: number,
  heading: number,
  length: number,
  width: number,
  branching: number,
  depth = 2,
): Stroke[] {
  const out: Stroke[] = [];
  const step = 2.5;
  const steps = Math.max(2, Math.round(length / step));
  const points = [x, y];
  const widths = [width];
  for (let i = 1; i <= steps; i++) {
    // Cracks are jagged: a small persistent drift plus sharp kinks.
    heading += 0.25 * gaussian(rng);
    x += step * Math.cos(heading);
    y += step * Math.sin(heading);
    points.push(x, y);
    const w = Math.max(0.35, width * (1 - (0.75 * i) / steps));
    widths.push(w);
    if (depth > 0 && rng() < branching) {
      const side = rng() < 0.5 ? -1 : 1;
      const branchLength = length * (0.15 + 0.35 * rng()) * (1 - i / steps);
      if (branchLength > 4) {
        out.push(...crackStrokes(rng, x, y, heading + side * (0.5 + 0.7 * rng()), branchLength, w * 0.7, branching * 0.6, depth - 1));
      }
    }
  }
  out.unshift({ points, widths });
  return out;
}

/** Axis-aligned bounds of a point list, as [xMin, yMin, xMax, yMax]. */
export function bounds(points: readonly number[]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]!);
    x1 = Math.max(x1, points[i]!);
    y0 = Math.min(y0, points[i + 1]!);
    y1 = Math.max(y1, points[i + 1]!);
  }
  return [x0, y0, x1, y1];
}
