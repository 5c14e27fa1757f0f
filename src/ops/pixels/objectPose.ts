import { checkSize, show } from '../validate';
import { checkPixelBatch, outputArray, type PixelBatch } from './pixelBatch';

/**
 * Where one image's object lies: the centroid and principal axis of the pixels that stand out from a
 * smooth background. Coordinates are continuous pixel coordinates (pixel (y, x) covers [x, x + 1) ×
 * [y, y + 1)); `angle` is the axis' direction in radians (x to the right, y down), pointing from the
 * object's heavier end to its longer tail, so that a rotation by it is a full turn, not a half one.
 */
export interface ObjectPose {
  /** Centroid, x (pixels from the left edge). */
  readonly cx: number;
  /** Centroid, y (pixels from the top edge). */
  readonly cy: number;
  /** Direction of the principal axis, radians in (−π, π]. */
  readonly angle: number;
  /** (λ₁ − λ₂) / (λ₁ + λ₂) of the object's second moments: 0 for a disc, → 1 for a line. */
  readonly elongation: number;
  /** Share of the image's pixels counted as object (0 when nothing stands out: the identity pose). */
  readonly coverage: number;
  /** Distance from the centroid within which 99 % of the object's pixels lie (pixels; 0 for the identity pose). */
  readonly radius: number;
  /** The background's mean level per channel (what `warpToPoses` fills uncovered pixels with). */
  readonly background: readonly number[];
}

/** Fewest object pixels, as a share of the image, for a pose other than the identity. */
const MIN_COVERAGE = 0.002;
/** Every STRIDE-th pixel (in both directions) fits the background. */
const STRIDE = 2;
/** A pixel is object when its residual exceeds the median residual by this many robust deviations. */
const OUTLIER_DEVIATIONS = 6;

/**
 * The pose of the object in each image of a batch (`ObjectPose`): a quadratic surface per channel is
 * fitted to the image by least squares, refitted on the pixels it explains best (the background), and
 * the pixels whose residual stands out (more than `OUTLIER_DEVIATIONS` robust deviations above the
 * median) are the object. Their centroid, second moments (the axis) and third moment along the axis
 * (its sign) give the pose. An image where nothing stands out gets the identity pose (the image
 * centre, angle 0, coverage 0). Meaningful for one object on a plain or finely textured background;
 * on a texture the pose is arbitrary (callers judge that by the alignment it brings).
 *
 * @param images [batch, height, width, channels], any channel count. Not modified.
 * @returns one pose per image.
 * @example
 * const poses = objectPoses(batch);
 * const upright = warpToPoses(batch, poses); // every object centred, its axis to the right
 */
export function objectPoses(images: PixelBatch): ObjectPose[] {
  const { batch, height, width, channels } = checkPixelBatch('objectPoses', images, 'images', false);
  const size = height * width * channels;
  const poses: ObjectPose[] = [];
  for (let b = 0; b < batch; b++) poses.push(poseOf(images.data.subarray(b * size, (b + 1) * size), height, width, channels));
  return poses;
}

/**
 * Each image turned and shifted so that its object's pose becomes the canonical one: the centroid at
 * the image centre, the axis pointing right. Bilinear; pixels that come from beyond the border get
 * the pose's background level (mirroring would copy the object into the background).
 *
 * @param images [batch, height, width, channels]. Not modified.
 * @param poses one pose per image (`objectPoses`).
 * @param out optional array to write into (same length as `images.data`, not overlapping it).
 * @returns the warped batch, same shape.
 * @example
 * const upright = warpToPoses(batch, objectPoses(batch));
 */
export function warpToPoses(images: PixelBatch, poses: readonly ObjectPose[], out?: Float32Array, radius?: number): PixelBatch {
  const op = 'warpToPoses';
  const { batch, height, width, channels } = checkPixelBatch(op, images, 'images', false);
  checkPoses(op, poses, batch, channels);
  const data = outputArray(op, out, images.data.length, images.data, false);
  const size = height * width * channels;
  for (let b = 0; b < batch; b++) {
    const p = poses[b]!;
    const frame = poseFrame(p, height, width, radius, p.background);
    warp(images.data.subarray(b * size, (b + 1) * size), data.subarray(b * size, (b + 1) * size), height, width, channels, frame);
  }
  return { data, batch, height, width, channels };
}

/**
 * The transform of `warpToPoses` for one pose: output point (x', y') comes from the source point
 * centroid + R(angle) · scale · ((x', y') − centre); `fill` beyond the source's border.
 */
function poseFrame(p: ObjectPose, height: number, width: number, radius: number | undefined, fill: readonly number[]): Rigid {
  return {
    from: [width / 2, height / 2],
    to: [p.cx, p.cy],
    angle: p.angle,
    scale: radius ? (2 * radius) / Math.min(height, width) : 1,
    fill,
  };
}

/**
 * The inverse of `warpToPoses` for one-channel maps: each map, computed on a warped image, brought
 * back onto the original image's pixels (bilinear). Pixels the canonical frame did not show get the
 * map's minimum: nothing was seen there.
 *
 * @param maps [batch, height, width, 1] maps in the canonical frame. Not modified.
 * @param poses the poses the images were warped with.
 * @returns the maps in each original image's frame, same shape.
 * @example
 * const original = mapsFromPoses(canonicalMaps, poses);
 */
export function mapsFromPoses(maps: PixelBatch, poses: readonly ObjectPose[], radius?: number): PixelBatch {
  const op = 'mapsFromPoses';
  const { batch, height, width, channels } = checkPixelBatch(op, maps, 'maps', false);
  if (channels !== 1) throw new RangeError(`${op}: maps must have 1 channel, got ${channels}`);
  checkPoses(op, poses, batch, 1);
  const data = new Float32Array(maps.data.length);
  const size = height * width;
  for (let b = 0; b < batch; b++) {
    const p = poses[b]!;
    const map = maps.data.subarray(b * size, (b + 1) * size);
    let low = Infinity;
    for (let i = 0; i < size; i++) low = Math.min(low, map[i]!);
    // Original point q comes from the canonical point centre + R(−angle) · (q − centroid) / scale.
    warp(map, data.subarray(b * size, (b + 1) * size), height, width, 1, {
      from: [p.cx, p.cy],
      to: [width / 2, height / 2],
      angle: -p.angle,
      scale: radius ? Math.min(height, width) / (2 * radius) : 1,
      fill: [low],
    });
  }
  return { data, batch, height, width, channels: 1 };
}

/**
 * Which pixels of each image warped by `warpToPoses` (the same poses and radius) the original image
 * shows: 1 where the warped pixel, and every pixel within `margin` of it (a square of side
 * 2 · margin + 1), came from within the original image; 0 where any came from beyond its border (the
 * background level `warpToPoses` filled in). A map computed on the warped image is not evidence there.
 *
 * @param margin pixels, an integer ≥ 0.
 * @returns one `height × width` mask per pose.
 * @example
 * const shown = shownByPoses(poses, 256, 256, radius, 16);
 */
export function shownByPoses(poses: readonly ObjectPose[], height: number, width: number, radius?: number, margin = 0): Uint8Array[] {
  const op = 'shownByPoses';
  checkPoses(op, poses, poses.length, 1);
  checkSize(op, '[height, width]', [height, width]);
  if (!(radius === undefined || (typeof radius === 'number' && Number.isFinite(radius) && radius > 0)))
    throw new RangeError(`${op}: radius must be a finite number > 0 or undefined, got ${show(radius)}`);
  if (!(Number.isInteger(margin) && margin >= 0)) throw new RangeError(`${op}: margin must be an integer ≥ 0, got ${show(margin)}`);
  // A constant image warped with fill 0: 0 exactly where the warp read beyond the border.
  const ones = new Float32Array(height * width).fill(1);
  const warped = new Float32Array(height * width);
  const sums = new Float64Array((height + 1) * (width + 1));
  return poses.map((p) => {
    warp(ones, warped, height, width, 1, poseFrame(p, height, width, radius, [0]));
    return shownAfterMargin(warped, sums, height, width, margin);
  });
}

/**
 * 1 where no pixel within `margin` (square window, clipped at the border) is 0 in `warped`, from an
 * integral image of the unshown pixels (`sums`: scratch of `(height + 1) × (width + 1)`, its first row
 * and column 0).
 */
function shownAfterMargin(warped: Float32Array, sums: Float64Array, height: number, width: number, margin: number): Uint8Array {
  const W1 = width + 1;
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += warped[y * width + x]! > 0 ? 0 : 1;
      sums[(y + 1) * W1 + x + 1] = sums[y * W1 + x + 1]! + row;
    }
  }
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - margin);
    const y1 = Math.min(height, y + margin + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - margin);
      const x1 = Math.min(width, x + margin + 1);
      const unshown = sums[y1 * W1 + x1]! - sums[y0 * W1 + x1]! - sums[y1 * W1 + x0]! + sums[y0 * W1 + x0]!;
      out[y * width + x] = unshown === 0 ? 1 : 0;
    }
  }
  return out;
}

function checkPoses(op: string, poses: readonly ObjectPose[], batch: number, channels: number): void {
  if (!Array.isArray(poses) || poses.length !== batch) {
    throw new RangeError(`${op}: poses must be an array of ${batch} poses (one per image), got ${show(poses)}`);
  }
  (poses as readonly unknown[]).forEach((value, i) => {
    const p = value as Partial<Record<keyof ObjectPose, unknown>> | null;
    if (![p?.cx, p?.cy, p?.angle].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new TypeError(`${op}: poses[${i}] must have finite cx, cy and angle, got ${show(p)}`);
    }
    const levels = p?.background;
    if (op === 'warpToPoses' && !(Array.isArray(levels) && levels.length === channels && levels.every(Number.isFinite))) {
      throw new TypeError(`${op}: poses[${i}].background must hold ${channels} finite levels (one per channel), got ${show(levels)}`);
    }
  });
}

interface Rigid {
  /** Output point the rotation turns about. */
  from: [number, number];
  /** Where `from` lands in the source. */
  to: [number, number];
  angle: number;
  /** Source pixels per output pixel. */
  scale: number;
  /** Level per channel for points beyond the border by more than half a pixel; absent: the nearest edge's. */
  fill?: readonly number[];
}

/** dst(q) = src(to + R(angle) · (q − from)), bilinear at pixel centres (see `Rigid.fill` beyond the border). */
function warp(src: Float32Array, dst: Float32Array, H: number, W: number, C: number, t: Rigid): void {
  const cos = t.scale * Math.cos(t.angle);
  const sin = t.scale * Math.sin(t.angle);
  for (let y = 0; y < H; y++) {
    const dy = y + 0.5 - t.from[1];
    for (let x = 0; x < W; x++) {
      const dx = x + 0.5 - t.from[0];
      const sx = t.to[0] + cos * dx - sin * dy - 0.5;
      const sy = t.to[1] + sin * dx + cos * dy - 0.5;
      const o = (y * W + x) * C;
      if (t.fill && (sx < -0.5 || sy < -0.5 || sx > W - 0.5 || sy > H - 0.5)) {
        for (let c = 0; c < C; c++) dst[o + c] = t.fill[c]!;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const xa = clamp(x0, W);
      const xb = clamp(x0 + 1, W);
      const ya = clamp(y0, H);
      const yb = clamp(y0 + 1, H);
      for (let c = 0; c < C; c++) {
        const top = src[(ya * W + xa) * C + c]! * (1 - fx) + src[(ya * W + xb) * C + c]! * fx;
        const bottom = src[(yb * W + xa) * C + c]! * (1 - fx) + src[(yb * W + xb) * C + c]! * fx;
        dst[o + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

function poseOf(image: Float32Array, H: number, W: number, C: number): ObjectPose {
  const { residual, background } = backgroundResidual(image, H, W, C);
  const sorted = Float32Array.from(residual).sort();
  const median = sorted[sorted.length >> 1]!;
  const deviations = Float32Array.from(sorted, (r) => Math.abs(r - median)).sort();
  const spread = 1.4826 * deviations[deviations.length >> 1]! + 1e-6;
  const threshold = median + OUTLIER_DEVIATIONS * spread;
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < H * W; i++) {
    if (residual[i]! <= threshold) continue;
    n++;
    sx += (i % W) + 0.5;
    sy += Math.floor(i / W) + 0.5;
  }
  if (n < MIN_COVERAGE * H * W) return { cx: W / 2, cy: H / 2, angle: 0, elongation: 0, coverage: 0, radius: 0, background };
  const cx = sx / n;
  const cy = sy / n;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < H * W; i++) {
    if (residual[i]! <= threshold) continue;
    const dx = (i % W) + 0.5 - cx;
    const dy = Math.floor(i / W) + 0.5 - cy;
    xx += dx * dx;
    yy += dy * dy;
    xy += dx * dy;
  }
  let angle = 0.5 * Math.atan2(2 * xy, xx - yy);
  const root = Math.sqrt((xx - yy) ** 2 + 4 * xy * xy);
  const elongation = xx + yy > 0 ? root / (xx + yy) : 0;
  // The sign: the axis points to the side with the longer tail (positive third moment).
  let skew = 0;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const distances = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < H * W; i++) {
    if (residual[i]! <= threshold) continue;
    const dx = (i % W) + 0.5 - cx;
    const dy = Math.floor(i / W) + 0.5 - cy;
    const u = dx * cos + dy * sin;
    skew += u * u * u;
    distances[k++] = Math.hypot(dx, dy);
  }
  distances.sort();
  const radius = distances[Math.min(n - 1, Math.floor(0.99 * n))]!;
  if (skew < 0) angle = angle > 0 ? angle - Math.PI : angle + Math.PI;
  return { cx, cy, angle, elongation, coverage: n / (H * W), radius, background };
}

/**
 * Per pixel, the Euclidean norm over channels of the image minus a smooth background: a quadratic
 * surface per channel, fitted by least squares on every STRIDE-th pixel, then refitted on the sampled
 * pixels whose residual is at most twice the median (the background, when the object is smaller than
 * half the image). Also the surfaces' mean level per channel.
 */
function backgroundResidual(image: Float32Array, H: number, W: number, C: number): { residual: Float32Array; background: number[] } {
  const samples: number[] = [];
  for (let y = 0; y < H; y += STRIDE) for (let x = 0; x < W; x += STRIDE) samples.push(y * W + x);
  let keep = samples;
  let surfaces: Float64Array[] = [];
  for (let round = 0; round < 2; round++) {
    surfaces = Array.from({ length: C }, (_, c) => fitQuadratic(image, keep, H, W, C, c));
    if (round === 0) {
      const r = samples.map((i) => residualAt(image, surfaces, i, H, W, C));
      const limit = 2 * Float64Array.from(r).sort()[r.length >> 1]!;
      keep = samples.filter((_, k) => r[k]! <= limit);
    }
  }
  const residual = new Float32Array(H * W);
  for (let i = 0; i < H * W; i++) residual[i] = residualAt(image, surfaces, i, H, W, C);
  // Mean over [−1, 1]² of 1, u, v, u², uv, v²: 1, 0, 0, 1/3, 0, 1/3.
  const background = surfaces.map((s) => s[0]! + (s[3]! + s[5]!) / 3);
  return { residual, background };
}

/** The six terms 1, u, v, u², uv, v² at pixel i, with u, v in [−1, 1]. */
function terms(i: number, H: number, W: number): [number, number, number, number, number, number] {
  const u = (2 * ((i % W) + 0.5)) / W - 1;
  const v = (2 * (Math.floor(i / W) + 0.5)) / H - 1;
  return [1, u, v, u * u, u * v, v * v];
}

function residualAt(image: Float32Array, surfaces: Float64Array[], i: number, H: number, W: number, C: number): number {
  const t = terms(i, H, W);
  let sum = 0;
  for (let c = 0; c < C; c++) {
    const s = surfaces[c]!;
    let fit = 0;
    for (let k = 0; k < 6; k++) fit += s[k]! * t[k]!;
    sum += (image[i * C + c]! - fit) ** 2;
  }
  return Math.sqrt(sum);
}

/** Least-squares coefficients of the six `terms` for channel c over the pixels `at` (normal equations, ridge 1e-9). */
function fitQuadratic(image: Float32Array, at: readonly number[], H: number, W: number, C: number, c: number): Float64Array {
  const a = new Float64Array(36);
  const rhs = new Float64Array(6);
  for (const i of at) {
    const t = terms(i, H, W);
    const value = image[i * C + c]!;
    for (let j = 0; j < 6; j++) {
      rhs[j]! += t[j]! * value;
      for (let k = 0; k < 6; k++) a[j * 6 + k]! += t[j]! * t[k]!;
    }
  }
  for (let j = 0; j < 6; j++) a[j * 7]! += 1e-9 * at.length;
  // Gaussian elimination with partial pivoting on the 6 × 6 system.
  for (let col = 0; col < 6; col++) {
    let pivot = col;
    for (let r = col + 1; r < 6; r++) if (Math.abs(a[r * 6 + col]!) > Math.abs(a[pivot * 6 + col]!)) pivot = r;
    if (pivot !== col) {
      for (let k = 0; k < 6; k++) [a[col * 6 + k], a[pivot * 6 + k]] = [a[pivot * 6 + k]!, a[col * 6 + k]!];
      [rhs[col], rhs[pivot]] = [rhs[pivot]!, rhs[col]!];
    }
    for (let r = col + 1; r < 6; r++) {
      const f = a[r * 6 + col]! / a[col * 6 + col]!;
      for (let k = col; k < 6; k++) a[r * 6 + k]! -= f * a[col * 6 + k]!;
      rhs[r]! -= f * rhs[col]!;
    }
  }
  const coef = new Float64Array(6);
  for (let j = 5; j >= 0; j--) {
    let s = rhs[j]!;
    for (let k = j + 1; k < 6; k++) s -= a[j * 6 + k]! * coef[k]!;
    coef[j] = s / a[j * 6 + j]!;
  }
  return coef;
}
