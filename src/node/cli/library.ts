/**
 * The library as the CLI sees it: `cutpaste/node`, the package's own copy (never a bundled one), and
 * the detector registry of `cutpaste/advanced` (the same copy's: one set of registries).
 */
export type Library = typeof import('cutpaste/node') &
  Pick<typeof import('cutpaste/advanced'), 'createDetector' | 'detectorFor' | 'detectorKinds' | 'resizeBilinear'>;

let loading: Promise<Library> | undefined;

/**
 * Imports `cutpaste/node` on first use, so `--help`, `--version` and argument errors answer without
 * loading tfjs. A missing peer dependency becomes an error that says what to install.
 *
 * @example
 * const { CutPasteDetector } = await loadLibrary();
 */
export function loadLibrary(): Promise<Library> {
  loading ??= Promise.all([import('cutpaste/node'), import('cutpaste/advanced')])
    .then(([node, advanced]): Library => ({
      ...node,
      createDetector: advanced.createDetector,
      detectorFor: advanced.detectorFor,
      detectorKinds: advanced.detectorKinds,
      resizeBilinear: advanced.resizeBilinear,
    }))
    .catch((error: unknown) => {
      loading = undefined;
      const e = error as { code?: string; message?: string };
      const missing =
        e?.code === 'ERR_MODULE_NOT_FOUND' ? /Cannot find (?:package|module) '([^']+)'/.exec(String(e.message))?.[1] : undefined;
      if (missing) {
        throw new Error(
          `cutpaste needs the package ${missing}: run \`npm install ${missing.startsWith('@tensorflow/') ? '@tensorflow/tfjs-core @tensorflow/tfjs-layers' : missing}\``,
          { cause: error },
        );
      }
      throw error;
    });
  return loading;
}
