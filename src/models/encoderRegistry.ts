import { Registry } from '../math/registry';
import { resnet } from './resnet';
import type { ResNetConfig } from './resnetConfig';
import type { Encoder } from './types';

/** What an encoder's `toConfig()` returns when it can be rebuilt from data: its kind and architecture. */
export interface EncoderConfig {
  /** The kind it is registered under (`registerEncoder`), e.g. `'resnet'`. */
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** How an encoder kind is rebuilt from its config; registered with `registerEncoder(kind, entry)`. */
export interface EncoderEntry {
  /**
   * A new encoder of the architecture `config` (an encoder's `toConfig()`, structured-cloned); its
   * weights are set afterwards (`setWeights`). Throws naming the field when `config` is invalid.
   */
  build(config: EncoderConfig): Encoder;
}

/**
 * The encoder kinds that can be rebuilt from their config (in a gradient worker, or from a save).
 * A pretrained encoder (`kind: 'pretrained'`) is not one: its model is the user's, not data.
 * One kind per line, so that adding one is one line.
 */
// prettier-ignore
const registry = new Registry<EncoderEntry>('registerEncoder', '{ build(config) }', (e) => typeof (e as Partial<EncoderEntry>).build === 'function', [
  ['resnet', { build: (config) => resnet(config as unknown as ResNetConfig) }],
]);

/**
 * Registers `entry` under `kind` (or, with `undefined`, unregisters `kind`), so gradient workers
 * (`TrainOptions.workers`) rebuild encoders whose `toConfig().kind` is `kind`. A worker on another
 * thread has its own registry: register the kind there too (in the worker's entry module).
 *
 * @returns the entry registered under `kind` before, if any
 * @throws TypeError when `kind` is not a non-empty string of at most 64 characters or `entry` has no `build`
 * @example
 * registerEncoder('mlp', { build: (config) => mlpEncoder(config as MlpConfig) });
 */
export function registerEncoder(kind: string, entry: EncoderEntry | undefined): EncoderEntry | undefined {
  return registry.register(kind, entry);
}

/**
 * The entry registered under `kind`, or `undefined`.
 * @example
 * const copy = encoderFor('resnet')!.build(encoder.toConfig() as EncoderConfig);
 */
export function encoderFor(kind: string): EncoderEntry | undefined {
  return registry.get(kind);
}

/**
 * The registered encoder kinds, in registration order.
 * @example
 * encoderKinds(); // ['resnet']
 */
export function encoderKinds(): string[] {
  return registry.entries().map(([kind]) => kind);
}
