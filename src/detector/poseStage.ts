import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../errors';
import { capText } from '../math/validate';
import type { PatchGridGeometry } from '../math/spreadScores';
import { mapsFromPoses, objectPoses, shownByPoses, warpToPoses, type ObjectPose } from '../ops/pixels/objectPose';
import type { PixelBatch } from '../ops/pixels/pixelBatch';

/**
 * What `alignObjects` fitted: every image, before anything else sees it, is turned and shifted so that
 * its object lies in the canonical pose (`warpToPoses`: centroid at the centre, principal axis to the
 * right) and framed so that the disc of `radius` px about the centroid fills the image's shorter side.
 */
export interface PoseStage {
  /** The framed disc's radius, in model pixels of the image before framing. */
  readonly radius: number;
}

/** How `alignObjects` decided, from the training images' poses (`objectPoses`); in `FitReport.objectPose`. */
export interface PoseReport {
  /** Whether the images are aligned to their objects' poses. */
  aligned: boolean;
  /** `'option'`: `alignObjects` was `true`; `'poses'`: `'auto'` read the poses (`POSE_RULE`). */
  decidedBy: 'option' | 'poses';
  /** Share of the training images in which an object stood out from the background. */
  found: number;
  /** Median elongation of the objects found (0 disc … 1 line). */
  elongation: number;
  /** How far the objects' axes spread: 1 − the mean resultant length of their angles (0: all alike … 1: uniform). */
  angleSpread: number;
  /** How far their centroids spread: the centroids' standard deviation over the shorter side. */
  shift: number;
  /** Median object radius over the shorter side. */
  size: number;
  /** Aligned: the framed disc's radius in model pixels (`PoseStage.radius`). */
  radius?: number;
}

/**
 * `alignObjects: 'auto'` aligns when the training images hold one well-defined object (found in at
 * least `found` of them, elongated enough for its axis to be defined, its radius at most `size` of
 * the shorter side) that lies at varying angles or positions (angle spread or centroid shift at least
 * the given ones). Textures fail the first tests, aligned objects the last.
 */
export const POSE_RULE = Object.freeze({ found: 0.9, elongation: 0.5, size: 0.35, angleSpread: 0.1, shift: 0.05 });

/** Images read back at a time to find their poses. */
const POSE_CHUNK = 16;

/** The framed disc is this much larger than the largest object radius among the training images. */
const FRAME_MARGIN = 1.1;

/** The least margin of `shownMasks`, as a share of the image's shorter side (32 px at 256 px: the default patch). */
const SHOWN_MARGIN = 1 / 8;

/**
 * Decides whether to align the training images to their objects' poses and, if so, fits the frame and
 * aligns them (with the poses found for the decision: each image's pose is found once).
 *
 * @param images normal images at model resolution `[count, height, width, channels]`; not disposed.
 * @param setting the `alignObjects` option: `true`, `false` or `'auto'` (`POSE_RULE`).
 * @returns the stage, the aligned images and their poses (all absent when not aligning; the caller
 *   disposes the images), and the report (absent when `setting` is false).
 */
export async function fitPoseStage(
  images: tf.Tensor4D,
  setting: boolean | 'auto',
): Promise<{ stage?: PoseStage; report?: PoseReport; images?: tf.Tensor4D; poses?: ObjectPose[] }> {
  if (setting === false) return {};
  const [count, height, width, channels] = images.shape;
  const side = Math.min(height, width);
  const poses = (await mapChunks(images, (pixels) => objectPoses(pixels))).flat();
  const found = poses.filter((p) => p.coverage > 0);
  const median = (values: number[]) => (values.length ? [...values].sort((a, b) => a - b)[values.length >> 1]! : 0);
  const sd = (values: number[]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  };
  const resultant = found.length
    ? Math.hypot(
        found.reduce((a, p) => a + Math.cos(p.angle), 0),
        found.reduce((a, p) => a + Math.sin(p.angle), 0),
      ) / found.length
    : 1;
  const stats = {
    found: found.length / poses.length,
    elongation: median(found.map((p) => p.elongation)),
    angleSpread: 1 - resultant,
    shift: found.length ? Math.hypot(sd(found.map((p) => p.cx)), sd(found.map((p) => p.cy))) / side : 0,
    size: median(found.map((p) => p.radius)) / side,
  };
  const aligned =
    setting === true ||
    (stats.found >= POSE_RULE.found &&
      stats.elongation >= POSE_RULE.elongation &&
      stats.size <= POSE_RULE.size &&
      (stats.angleSpread >= POSE_RULE.angleSpread || stats.shift >= POSE_RULE.shift));
  const decidedBy = setting === true ? 'option' : 'poses';
  if (!aligned) return { report: { aligned, decidedBy, ...stats } };
  const largest = found.reduce((a, p) => Math.max(a, p.radius), 0);
  const radius = largest > 0 ? Math.min(side / 2, FRAME_MARGIN * largest) : side / 2;
  // The images read back a chunk at a time again, each warped with the pose found above.
  const size = height * width * channels;
  const data = new Float32Array(count * size);
  await mapChunks(images, (pixels, start) =>
    warpToPoses(pixels, poses.slice(start, start + pixels.batch), data.subarray(start * size, (start + pixels.batch) * size), radius),
  );
  return {
    stage: { radius },
    report: { aligned, decidedBy, ...stats, radius },
    images: tf.tensor4d(data, images.shape),
    poses,
  };
}

/**
 * What each aligned image shows (`shownByPoses`) at model resolution, with a margin of the grid's
 * patch and at least `SHOWN_MARGIN` of the shorter side (feature maps whose cells are smaller than
 * their receptive fields): 1 where every patch that covers the pixel lies within the image as given,
 * 0 where one reaches the level the frame was filled with beyond the image's border. A map is no evidence
 * there: a flat fill beside the table's texture is unlike every training image's texture at that
 * place, and near the border (a bolt close to the image's edge) it gave normal images their highest
 * scores (docs/results.md). Scores and out-of-fold scores take the maximum over shown pixels only.
 */
export function shownMasks(poses: readonly ObjectPose[], stage: PoseStage, grid: PatchGridGeometry): Uint8Array[] {
  const margin = Math.ceil(Math.max(grid.patchHeight, grid.patchWidth, SHOWN_MARGIN * Math.min(grid.height, grid.width)));
  return shownByPoses(poses, grid.height, grid.width, stage.radius, margin);
}

/** `fn` on the pixels of `POSE_CHUNK` images at a time (never a copy of the whole batch); its results in order. */
async function mapChunks<T>(images: tf.Tensor4D, fn: (pixels: PixelBatch, start: number) => T): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < images.shape[0]; start += POSE_CHUNK) {
    const chunk = tf.slice(images, [start, 0, 0, 0], [Math.min(POSE_CHUNK, images.shape[0] - start), -1, -1, -1]);
    try {
      out.push(fn(await pixelsOf(chunk), start));
    } finally {
      chunk.dispose();
    }
  }
  return out;
}

/**
 * `images` in the stage's frame (scoring): each turned and shifted to its object's canonical pose and framed.
 *
 * @param images `[count, height, width, channels]` at model resolution; not disposed.
 * @returns the aligned images (the caller disposes them) and each image's pose (for `mapsToImages`).
 */
export async function alignImages(images: tf.Tensor4D, stage: PoseStage): Promise<{ images: tf.Tensor4D; poses: ObjectPose[] }> {
  const pixels = await pixelsOf(images);
  const poses = objectPoses(pixels);
  const warped = warpToPoses(pixels, poses, undefined, stage.radius);
  return { images: tf.tensor4d(warped.data, images.shape), poses };
}

/** Score maps computed on aligned images (`height × width` each), brought back onto the original images' pixels. */
export function mapsToImages(
  maps: readonly Float32Array[],
  height: number,
  width: number,
  poses: readonly ObjectPose[],
  stage: PoseStage,
): Float32Array[] {
  return maps.map((data, i) => mapsFromPoses({ data, batch: 1, height, width, channels: 1 }, [poses[i]!], stage.radius).data);
}

async function pixelsOf(images: tf.Tensor4D): Promise<PixelBatch> {
  const [batch, height, width, channels] = images.shape;
  return { data: (await images.data()) as Float32Array, batch, height, width, channels };
}

/**
 * A saved pose frame (a document's `pose` section), checked against the detector's options: present
 * only when `alignObjects` allows it (not `false`), required when it is `true`, its radius in
 * (0, half the shorter image side].
 *
 * @returns the stage, or `undefined` when the save did not align
 * @throws FormatError naming `where`
 */
export function readPoseFrame(
  pose: unknown,
  alignObjects: boolean | 'auto',
  imageSize: readonly [number, number],
  where: string,
): PoseStage | undefined {
  if (pose === undefined) {
    if (alignObjects === true) throw new FormatError(`${where}: options.alignObjects is true but the document holds no pose frame`);
    return undefined;
  }
  if (alignObjects === false) throw new FormatError(`${where}: the document holds a pose frame but options.alignObjects is false`);
  const half = Math.min(...imageSize) / 2;
  const radius: unknown = typeof pose === 'object' && pose !== null ? (pose as Record<string, unknown>).radius : undefined;
  if (!(typeof radius === 'number' && radius > 0 && radius <= half)) {
    throw new FormatError(
      `${where}: pose must be { radius: a number in (0, ${half}] }, got ${capText(JSON.stringify(pose) ?? typeof pose)}`,
    );
  }
  return { radius };
}
