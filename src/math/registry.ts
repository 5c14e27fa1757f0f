import { describeValue } from './validate';

/**
 * A table of entries by kind, in registration order: what the density, encoder and detector registries
 * share. `register(kind, entry)` checks both (a kind is a non-empty string of at most 64 characters;
 * `isEntry` says what an entry is), replaces or, with `undefined`, removes, and returns the entry it
 * replaced. Pure.
 *
 * @example
 * const densities = new Registry('registerDensity', '{ level, fit, fromJSON }', isDensityEntry, [['image', imageDensity]]);
 */
export class Registry<T> {
  readonly #entries: Map<string, T>;

  /**
   * @param fn the public register function's name (starts every message)
   * @param shape what an entry is, as messages show it (`{ level: 'image' | 'patch', fit, fromJSON }`)
   */
  constructor(
    private readonly fn: string,
    private readonly shape: string,
    private readonly isEntry: (entry: unknown) => boolean,
    builtIns: readonly (readonly [string, T])[],
  ) {
    this.#entries = new Map(builtIns);
  }

  /**
   * Registers `entry` under `kind`, or unregisters `kind` with `undefined`.
   * @returns the entry registered under `kind` before, if any
   * @throws TypeError naming the argument that is not a kind or an entry
   */
  register(kind: string, entry: T | undefined): T | undefined {
    if (typeof kind !== 'string' || kind.length === 0 || kind.length > 64) {
      throw new TypeError(`${this.fn}: kind must be a non-empty string of at most 64 characters, got ${describeValue(kind)}`);
    }
    if (entry !== undefined && (typeof entry !== 'object' || entry === null || !this.isEntry(entry))) {
      throw new TypeError(`${this.fn}: entry must be ${this.shape} or undefined, got ${describeValue(entry)}`);
    }
    const previous = this.#entries.get(kind);
    if (entry === undefined) this.#entries.delete(kind);
    else this.#entries.set(kind, entry);
    return previous;
  }

  /** The entry registered under `kind`, or `undefined`. */
  get(kind: string): T | undefined {
    return this.#entries.get(kind);
  }

  /** The registered kinds and entries, in registration order. */
  entries(): [string, T][] {
    return [...this.#entries];
  }
}
