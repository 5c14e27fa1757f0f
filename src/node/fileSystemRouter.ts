import * as tf from '@tensorflow/tfjs-core';
import { fileSystemHandler } from './fileSystemHandler';

/** The URL scheme routed to {@link fileSystemHandler}, as in tfjs-node. */
export const FILE_SCHEME = 'file://';

/**
 * Per tfjs-core instance (keyed by its `registerSaveRouter`) and shared by every copy of this module in
 * the process (ESM and CJS builds), so the routers register once per registry.
 */
interface RouterState {
  registered: boolean;
  probing: boolean;
}
const STATE_KEY = Symbol.for('cutpaste.fileSystemRouter');
const states = ((globalThis as Record<symbol, unknown>)[STATE_KEY] ??= new WeakMap<object, RouterState>()) as WeakMap<object, RouterState>;
if (!states.has(tf.io.registerSaveRouter)) states.set(tf.io.registerSaveRouter, { registered: false, probing: false });
const state = states.get(tf.io.registerSaveRouter)!;

/**
 * Routes a `file://path` URL (path after the scheme, relative or absolute, as in tfjs-node) to
 * {@link fileSystemHandler} — unless another `file://` router (tfjs-node's) also answers, in which case
 * this one steps aside so tfjs never sees two handlers for one URL, whichever was registered first.
 */
function route(url: string | string[], others: (url: string) => tf.io.IOHandler[]): tf.io.IOHandler | null {
  if (state.probing || typeof url !== 'string' || !url.startsWith(FILE_SCHEME)) return null;
  state.probing = true;
  let taken: boolean;
  try {
    taken = others(url).length > 0;
  } finally {
    state.probing = false;
  }
  return taken ? null : fileSystemHandler(url.slice(FILE_SCHEME.length));
}

/**
 * Registers `file://` save and load routers with tfjs-core, so `model.save('file://models/a')`,
 * `tf.io.getSaveHandlers('file://…')` / `getLoadHandlers` and the detector's `save`/`load` accept
 * `file://` URLs in Node without tfjs-node. Importing `cutpaste/node` calls it; calling it again does
 * nothing. When tfjs-node is also loaded its router wins and this one returns no handler.
 *
 * @returns true when this call registered the routers, false when they already were
 * @example
 * registerFileSystemRouter();
 * await detector.save('file://models/bottle');
 */
export function registerFileSystemRouter(): boolean {
  if (state.registered) return false;
  state.registered = true;
  tf.io.registerSaveRouter((url) => route(url, (u) => tf.io.getSaveHandlers(u))!);
  tf.io.registerLoadRouter((url, loadOptions) => route(url, (u) => tf.io.getLoadHandlers(u, loadOptions))!);
  return true;
}

registerFileSystemRouter();
