import * as tf from '@tensorflow/tfjs-core';

/**
 * Copies of `variables` under the same names. The copies share the variables' current data (no bytes
 * are copied) and are unaffected by later updates; the caller owns them.
 */
export function snapshotWeights(variables: Readonly<Record<string, tf.Tensor>>): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const [name, v] of Object.entries(variables)) out[name] = tf.clone(v);
  return out;
}

/**
 * Assigns `weights[name]` to every variable of `variables`, all or nothing: every name must be present
 * with exactly the variable's shape and a float32 dtype, else nothing is changed and an error names the
 * weight. Names of `weights` that `variables` lacks are ignored (a map may hold several models' weights).
 * The caller keeps ownership of `weights`.
 * @param owner who loads, for messages (e.g. `resnet18.setWeights`).
 */
export function assignWeights(owner: string, variables: Readonly<Record<string, tf.Variable>>, weights: tf.NamedTensorMap): void {
  if (weights === null || typeof weights !== 'object') {
    throw new TypeError(`${owner}: weights must be a map of names to tensors, got ${String(weights)}`);
  }
  for (const [name, v] of Object.entries(variables)) {
    const w = weights[name];
    if (w === undefined) {
      throw new RangeError(`${owner}: weight "${name}" is missing (expected shape [${v.shape.join(', ')}])`);
    }
    if (!(w instanceof tf.Tensor)) throw new TypeError(`${owner}: weight "${name}" is not a tensor`);
    if (w.isDisposed) throw new TypeError(`${owner}: weight "${name}" is disposed`);
    if (w.dtype !== 'float32') {
      throw new TypeError(`${owner}: weight "${name}" must be float32, got ${w.dtype}`);
    }
    if (!tf.util.arraysEqual(w.shape, v.shape)) {
      throw new RangeError(`${owner}: weight "${name}" has shape [${w.shape.join(', ')}], expected [${v.shape.join(', ')}]`);
    }
  }
  for (const [name, v] of Object.entries(variables)) v.assign(weights[name]!);
}

/**
 * Remembers which data a derived value was computed from: `isCurrent(sources)` is false as soon as any
 * source variable was assigned (`Variable.assign` gives it a new data id), disposed or replaced.
 */
export class DerivedCache<T extends tf.Tensor[]> {
  private value: T | null = null;
  private ids: object[] = [];

  get(sources: readonly tf.Variable[], compute: () => T): T {
    if (this.value === null || !this.matches(sources)) {
      this.clear();
      const computed = compute();
      for (const t of computed) tf.keep(t);
      this.value = computed;
      this.ids = sources.map((s) => s.dataId);
    }
    return this.value;
  }

  private matches(sources: readonly tf.Variable[]): boolean {
    return sources.length === this.ids.length && sources.every((s, i) => s.dataId === this.ids[i]);
  }

  clear(): void {
    if (this.value !== null) for (const t of this.value) t.dispose();
    this.value = null;
    this.ids = [];
  }
}

/** A new variable holding `initial`'s values; `initial` is disposed (the variable keeps the data). */
export function variableOf<R extends tf.Rank>(initial: tf.Tensor<R>, trainable: boolean): tf.Variable<R> {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}
