import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FormatError } from '../../src/errors';
import { fileSystemHandler } from '../../src/node/fileSystemHandler';
import { registerFileSystemRouter } from '../../src/node/fileSystemRouter';
import { expectNoLeak } from '../helpers/tensors';

// Fault injection: a write that stops half-way (disk full) or a rename that fails, on request.
const faults = vi.hoisted(() => ({ writeTo: null as string | null, renameFrom: null as string | null }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const diskFull = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      if (!faults.writeTo || !String(args[0]).endsWith(faults.writeTo)) return handle;
      return new Proxy(handle, {
        get(target, key) {
          if (key === 'write') {
            return async (buffer: Uint8Array, offset: number, length: number) => {
              await target.write(buffer, offset, Math.floor(length / 2));
              throw diskFull();
            };
          }
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'function' ? (value.bind(target) as unknown) : value;
        },
      });
    },
    rename: async (from: string, to: string) => {
      if (faults.renameFrom && String(from).includes(faults.renameFrom))
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      return actual.rename(from, to);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'cutpaste-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  faults.writeTo = null;
  faults.renameFrom = null;
});

/** Artifacts with float32, int32 and quantised uint8 weights and a metadata document. */
function artifacts(seed: number, split = false): tf.io.ModelArtifacts {
  const weightSpecs: tf.io.WeightsManifestEntry[] = [
    { name: 'dense/kernel', shape: [2, 3], dtype: 'float32' },
    { name: 'steps', shape: [], dtype: 'int32' },
    { name: 'q', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.01 } },
  ];
  const bytes = new Uint8Array(6 * 4 + 4 + 4).map((_, i) => (i * 13 + seed) % 256);
  const weightData = split ? [bytes.slice(0, 10).buffer, bytes.slice(10).buffer] : bytes.buffer;
  return {
    modelTopology: { class_name: 'Sequential', config: { name: `m${seed}` } },
    weightSpecs,
    weightData,
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: null,
    trainingConfig: { loss: 'meanSquaredError', optimizer_config: { class_name: 'SGD', config: {} } },
    userDefinedMetadata: { cutpaste: { formatVersion: 1, threshold: 12.5 + seed } },
  };
}

const bytesOf = (data: tf.io.WeightData | undefined): number[] => Array.from(new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
const siblings = (dir: string): string[] => readdirSync(join(dir, '..')).filter((n) => n.includes('.saving-') || n.includes('.replaced-'));

describe('fileSystemHandler', () => {
  it("writes tfjs-node's layout: model.json (same text, plus the savedBy marker) and weights.bin", async () => {
    const dir = join(root, 'layout');
    const input = artifacts(1);
    const result = await fileSystemHandler(dir).save(input);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(32);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    // The exact object tfjs-node's NodeFileSystem.save serialises, in its key order, then the marker tfjs ignores.
    const expected = JSON.stringify({
      modelTopology: input.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: input.weightSpecs }],
      format: input.format,
      generatedBy: input.generatedBy,
      convertedBy: input.convertedBy,
      trainingConfig: input.trainingConfig,
      userDefinedMetadata: input.userDefinedMetadata,
      savedBy: 'cutpaste',
    });
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe(expected);
    expect(Array.from(readFileSync(join(dir, 'weights.bin')))).toEqual(bytesOf(input.weightData));
  });

  it.each([
    ['one ArrayBuffer', false],
    ['an array of ArrayBuffers', true],
  ] as const)('round-trips artifacts whose weight data is %s, from the folder or its model.json', async (_, split) => {
    const dir = join(root, `round-${split}`);
    const input = artifacts(2, split);
    await fileSystemHandler(dir).save(input);
    for (const source of [dir, join(dir, 'model.json')]) {
      const loaded = await fileSystemHandler(source).load();
      const { weightData, ...rest } = loaded;
      const { weightData: original, ...expected } = input;
      expect(rest).toEqual(expected);
      expect(bytesOf(weightData)).toEqual(bytesOf(original));
    }
  });

  it('saves and loads a tfjs-layers model through file:// URLs with identical predictions', async () => {
    await expectNoLeak(async () => {
      const model = tfl.sequential({
        layers: [tfl.layers.dense({ units: 3, inputShape: [4], activation: 'tanh' }), tfl.layers.dense({ units: 2 })],
      });
      const dir = join(root, 'layers');
      expect(tf.io.getSaveHandlers(`file://${dir}`)).toHaveLength(1);
      expect(tf.io.getLoadHandlers(`file://${dir}`)).toHaveLength(1);
      await model.save(`file://${dir}`);
      const again = await tfl.loadLayersModel(`file://${dir}/model.json`);
      const x = tf.tensor2d([
        [0.1, -0.2, 0.3, 0.4],
        [1, 2, -3, 0.5],
      ]);
      const a = model.predict(x) as tf.Tensor;
      const b = again.predict(x) as tf.Tensor;
      expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
      tf.dispose([x, a, b]);
      model.dispose();
      again.dispose();
    });
  });

  it('replaces an existing model and leaves no temporary folders', async () => {
    const dir = join(root, 'replace');
    await fileSystemHandler(dir).save(artifacts(3));
    await fileSystemHandler(dir).save(artifacts(4));
    expect((await fileSystemHandler(dir).load()).userDefinedMetadata).toEqual({ cutpaste: { formatVersion: 1, threshold: 16.5 } });
    expect(siblings(dir)).toEqual([]);
  });

  it('keeps the previous model when a save fails half-way through writing the weights', async () => {
    const dir = join(root, 'atomic-write');
    await fileSystemHandler(dir).save(artifacts(5));
    faults.writeTo = 'weights.bin';
    await expect(fileSystemHandler(dir).save(artifacts(6))).rejects.toThrow(/ENOSPC/);
    faults.writeTo = null;
    const loaded = await fileSystemHandler(dir).load();
    expect(loaded.userDefinedMetadata).toEqual(artifacts(5).userDefinedMetadata);
    expect(bytesOf(loaded.weightData)).toEqual(bytesOf(artifacts(5).weightData));
    expect(siblings(dir)).toEqual([]);
    // A first save that fails leaves no model at all, never a partial one.
    faults.writeTo = 'model.json';
    await expect(fileSystemHandler(join(root, 'atomic-new')).save(artifacts(7))).rejects.toThrow(/ENOSPC/);
    expect(existsSync(join(root, 'atomic-new'))).toBe(false);
  });

  it('puts the previous model back when the final rename fails', async () => {
    const dir = join(root, 'atomic-rename');
    await fileSystemHandler(dir).save(artifacts(8));
    faults.renameFrom = '.atomic-rename.saving-';
    await expect(fileSystemHandler(dir).save(artifacts(9))).rejects.toThrow(/EIO/);
    faults.renameFrom = null;
    expect((await fileSystemHandler(dir).load()).userDefinedMetadata).toEqual(artifacts(8).userDefinedMetadata);
    expect(siblings(dir)).toEqual([]);
  });

  it('refuses to replace a folder holding other files, or a file', async () => {
    const dir = join(root, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(fileSystemHandler(dir).save(artifacts(1))).rejects.toThrow(
      /refusing to replace .*busy: it holds files that are not part of a saved model \(notes\.txt\)/,
    );
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    writeFileSync(join(root, 'plain-file'), 'x');
    await expect(fileSystemHandler(join(root, 'plain-file')).save(artifacts(1))).rejects.toThrow(/plain-file exists and is a file/);
  });

  describe('load errors', () => {
    const saved = async (name: string): Promise<string> => {
      const dir = join(root, name);
      await fileSystemHandler(dir).save(artifacts(1));
      return dir;
    };

    it('names the path when there is no model', async () => {
      await expect(fileSystemHandler(join(root, 'absent')).load()).rejects.toThrow(
        /^fileSystemHandler\.load: no model at .*absent: the path does not exist$/,
      );
      mkdirSync(join(root, 'empty-model'));
      await expect(fileSystemHandler(join(root, 'empty-model')).load()).rejects.toThrow(
        /no model at .*empty-model: .*empty-model\/model\.json does not exist/,
      );
    });

    it('throws FormatError for a truncated model.json, a malformed manifest and weights of the wrong size', async () => {
      const truncated = await saved('truncated-json');
      const text = readFileSync(join(truncated, 'model.json'), 'utf8');
      writeFileSync(join(truncated, 'model.json'), text.slice(0, text.length / 2));
      await expect(fileSystemHandler(truncated).load()).rejects.toThrow(FormatError);
      await expect(fileSystemHandler(truncated).load()).rejects.toThrow(/model\.json is not valid JSON .*the file is corrupt or truncated/);

      const manifest = await saved('bad-manifest');
      writeFileSync(join(manifest, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: 'weights.bin' }] }));
      await expect(fileSystemHandler(manifest).load()).rejects.toThrow(/has a malformed weightsManifest/);

      const short = await saved('short-weights');
      writeFileSync(join(short, 'weights.bin'), readFileSync(join(short, 'weights.bin')).subarray(0, 20));
      await expect(fileSystemHandler(short).load()).rejects.toThrow(
        /hold 20 bytes but its manifest's 3 tensors need 32; the files are truncated or belong to another model/,
      );

      const missing = await saved('no-weights');
      rmSync(join(missing, 'weights.bin'));
      await expect(fileSystemHandler(missing).load()).rejects.toThrow(
        /the weights file .*no-weights\/weights\.bin listed in .*model\.json does not exist/,
      );
    });
  });
});

describe('registerFileSystemRouter', () => {
  it('registers once, and steps aside when another file:// router (tfjs-node) answers', async () => {
    expect(registerFileSystemRouter()).toBe(false); // importing the module registered it
    const other: tf.io.IOHandler = { save: async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) };
    tf.io.registerSaveRouter((url) => (typeof url === 'string' && url.startsWith('file://') ? other : null)!);
    const handlers = tf.io.getSaveHandlers(`file://${join(root, 'x')}`);
    expect(handlers).toEqual([other]);
    // Load routing is separate and still ours.
    expect(tf.io.getLoadHandlers(`file://${join(root, 'x')}`)).toHaveLength(1);
  });
});
