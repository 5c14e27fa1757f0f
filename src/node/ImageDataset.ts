import { cpus } from 'node:os';
import { DatasetError } from './DatasetError';
import { type LoadedImage, convertChannels, resolveBatchSize } from './imageOptions';
import { decodeImageFile, decodeMaskFile, resizeMask } from './readImage';

/** One image file of a dataset. Paths are absolute. */
export interface ImageSample {
  readonly path: string;
  readonly split: 'train' | 'test';
  /** The folder it came from: `'good'` for normal images, else the defect type. */
  readonly defectType: string;
  /** 0 = normal (`good`), 1 = defective. */
  readonly label: 0 | 1;
  /** Its ground-truth mask file, or null (normal images, datasets without masks). */
  readonly maskPath: string | null;
}

/**
 * Loaded images of consecutive samples. Shaped like the detector's `TestSet`, so a batch can be
 * passed to `evaluate` as it is.
 */
export interface ImageBatch {
  readonly images: LoadedImage[];
  /** 0 = normal, 1 = defective, per image. */
  readonly labels: number[];
  /**
   * Per image, a 0/255 mask `[height, width]` at the image's size: all zero for normal images of a
   * dataset with masks; null everywhere in a dataset without masks (`hasMasks: false`).
   */
  readonly masks: (Uint8Array | null)[];
  readonly samples: readonly ImageSample[];
}

/** Options of {@link ImageDataset.testBatches} and {@link ImageDataset.trainBatches}. */
export interface BatchOptions {
  /** Images per batch. Default: the loader's `batchSize` (32). */
  batchSize?: number;
}

/**
 * A dataset on disk: every sample is listed up front, pixels are read only when asked for.
 * `loadTrain()` returns every training image; `testBatches()` streams the test set in batches (the
 * next batch is decoded while the current one is used), so large test sets never sit in memory at once.
 */
export interface ImageDataset {
  /** The dataset folder (absolute). */
  readonly dir: string;
  /** The folder's name (e.g. `bottle`). */
  readonly name: string;
  /** Whether defect images come with ground-truth masks (pixel-level metrics are possible). */
  readonly hasMasks: boolean;
  /** Defect types present in the test set, in folder order (never `good`). */
  readonly defectTypes: readonly string[];
  /** Normal training images, in file-name order. */
  readonly train: readonly ImageSample[];
  /** Test images: `good` first, then each defect type, in file-name order. */
  readonly test: readonly ImageSample[];
  /** Output size `[height, width]`, or null when images keep their own size. */
  readonly imageSize: readonly [number, number] | null;
  /** Reads every training image. */
  loadTrain(): Promise<LoadedImage[]>;
  /** Reads the whole test set as one batch (prefer `testBatches` for large sets). */
  loadTest(): Promise<ImageBatch>;
  /** Streams the test set in batches. */
  testBatches(options?: BatchOptions): AsyncIterable<ImageBatch>;
  /** Streams the training set in batches. */
  trainBatches(options?: BatchOptions): AsyncIterable<ImageBatch>;
  /** Reads one sample's image and mask (mask as in {@link ImageBatch.masks}). */
  loadSample(sample: ImageSample): Promise<{ image: LoadedImage; mask: Uint8Array | null }>;
}

/** What a loader found on disk, plus the read options. */
export interface DatasetSpec {
  fn: string;
  dir: string;
  name: string;
  hasMasks: boolean;
  defectTypes: string[];
  train: ImageSample[];
  test: ImageSample[];
  size: [number, number] | null;
  channels: 1 | 3 | null;
  batchSize: number;
  /** Largest accepted file in pixels (a resolved `maxPixels`). */
  maxPixels: number;
}

/** Files decoded at once (sharp decodes on libuv's thread pool). */
const CONCURRENCY = Math.max(2, Math.min(8, cpus().length * 2));

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Builds the lazy dataset object over listed samples. */
export function createImageDataset(spec: DatasetSpec): ImageDataset {
  const { fn, size, channels, hasMasks, maxPixels } = spec;
  const freeze = (s: ImageSample): ImageSample => Object.freeze({ ...s });
  const train = Object.freeze(spec.train.map(freeze));
  const test = Object.freeze(spec.test.map(freeze));

  const loadSample = async (sample: ImageSample): Promise<{ image: LoadedImage; mask: Uint8Array | null }> => {
    const [decoded, rawMask] = await Promise.all([
      decodeImageFile(sample.path, size, fn, maxPixels),
      sample.maskPath ? decodeMaskFile(sample.maskPath, fn, maxPixels) : Promise.resolve(null),
    ]);
    const image = convertChannels(decoded.image, channels);
    if (!hasMasks) return { image, mask: null };
    if (!rawMask) return { image, mask: new Uint8Array(image.width * image.height) };
    if (rawMask.height !== decoded.nativeHeight || rawMask.width !== decoded.nativeWidth) {
      throw new DatasetError(
        `${fn}: mask ${sample.maskPath} is ${rawMask.width}×${rawMask.height} (width × height) but its image ${sample.path} is ${decoded.nativeWidth}×${decoded.nativeHeight}`,
        sample.maskPath!,
      );
    }
    return { image, mask: resizeMask(rawMask.data, rawMask.height, rawMask.width, [image.height, image.width]) };
  };

  const loadBatch = async (samples: readonly ImageSample[]): Promise<ImageBatch> => {
    const loaded = await mapLimit(samples, CONCURRENCY, loadSample);
    return {
      images: loaded.map((l) => l.image),
      labels: samples.map((s) => s.label),
      masks: loaded.map((l) => l.mask),
      samples,
    };
  };

  async function* batches(samples: readonly ImageSample[], batchSize: number): AsyncGenerator<ImageBatch> {
    const start = (from: number): Promise<ImageBatch> | null => {
      if (from >= samples.length) return null;
      const promise = loadBatch(samples.slice(from, from + batchSize));
      promise.catch(() => undefined); // a prefetch the caller never reaches must not be an unhandled rejection
      return promise;
    };
    let next = start(0);
    for (let from = 0; next; from += batchSize) {
      const current = next;
      next = start(from + batchSize); // decode the next batch while the caller uses this one
      yield await current;
    }
  }
  const batchSizeOf = (options: BatchOptions | undefined, method: string): number =>
    resolveBatchSize(options?.batchSize, `${spec.name}.${method}`, 'options.batchSize', spec.batchSize);

  return Object.freeze({
    dir: spec.dir,
    name: spec.name,
    hasMasks,
    defectTypes: Object.freeze([...spec.defectTypes]),
    train,
    test,
    imageSize: size ? Object.freeze<[number, number]>([size[0], size[1]]) : null,
    loadTrain: () =>
      mapLimit(train, CONCURRENCY, async (s) => convertChannels((await decodeImageFile(s.path, size, fn, maxPixels)).image, channels)),
    loadTest: () => loadBatch(test),
    testBatches: (options?: BatchOptions) => batches(test, batchSizeOf(options, 'testBatches')),
    trainBatches: (options?: BatchOptions) => batches(train, batchSizeOf(options, 'trainBatches')),
    loadSample,
  });
}
