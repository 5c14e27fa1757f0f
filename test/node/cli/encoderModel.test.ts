/**
 * `--encoder-model DIR|URL`: a user's LayersModel (built and saved here, read by the CLI in a child
 * process) as the encoder of the detector `fit` creates, and given again to load the saved detector.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemHandler } from '../../../src/node/index';
import { runCli, writeCategory } from './cliHarness';

let work = '';
let encoder = '';
let flat = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutpaste-encoder-model-'));
  const category = await writeCategory(join(work, 'pill'), 'pill', { trainCount: 6, testCount: 3, imageSize: [48, 64], seed: 2 });
  flat = join(work, 'photos');
  cpSync(join(category, 'train', 'good'), flat, { recursive: true });
  const before = tf.memory().numTensors;
  const input = tfl.input({ shape: [48, 64, 3] });
  const c1 = tfl.layers
    .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'c1' })
    .apply(input) as tfl.SymbolicTensor;
  const c2 = tfl.layers
    .conv2d({ filters: 12, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'features' })
    .apply(c1) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: c2 });
  encoder = join(work, 'encoder');
  await model.save(fileSystemHandler(encoder));
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('--encoder-model', () => {
  it("fits a feature-density detector on the user's network, and score needs the network again", () => {
    const out = join(work, 'model');
    const fit = runCli([
      'fit',
      '--detector',
      'feature-density',
      '--encoder-model',
      `file://${encoder}`,
      '--image-size',
      '48x64',
      '--data',
      flat,
      '--out',
      out,
      '--quiet',
    ]);
    expect(fit.stderr).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.stdout).toMatch(/^ {2}features: 12 per location on a 12×16 grid, from pretrained/m);
    const score = runCli(['score', '--model', out, flat, '--encoder-model', encoder, '--json', '--quiet']);
    expect(score.stderr).toBe('');
    expect(score.code).toBe(0);
    expect((JSON.parse(score.stdout) as { images: unknown[] }).images).toHaveLength(6);
    const without = runCli(['score', '--model', out, flat, '--quiet']);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/made with a pretrained model.*; on the command line: --encoder-model DIR\|URL/);
  });

  it('trains CutPaste with it as the encoder, and refuses --encoder beside it or a missing folder', () => {
    const fit = runCli([
      'fit',
      '--encoder-model',
      encoder,
      '--data',
      flat,
      '--out',
      join(work, 'cp'),
      '--steps',
      '2',
      '--batch-size',
      '4',
      '--mode',
      'image',
      '--image-size',
      '48x64',
      '--quiet',
    ]);
    expect(fit.stderr).toBe('');
    expect(fit.code).toBe(0);
    const both = runCli(['fit', '--encoder-model', encoder, '--encoder', 'resnet18', '--data', flat, '--out', join(work, 'x')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/options --encoder and --encoder-model both name the encoder/);
    const missing = runCli(['fit', '--encoder-model', join(work, 'nothing'), '--data', flat, '--out', join(work, 'x')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--encoder-model .*nothing: .* does not exist/);
  });
});
