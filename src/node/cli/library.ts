/** The library as the CLI sees it: `cutpaste/node`, the package's own copy (never a bundled one). */
export type Library = typeof import('cutpaste/node');

let loading: Promise<Library> | undefined;

/**
 * Imports `cutpaste/node` on first use, so `--help`, `--version` and argument errors answer without
 * loading tfjs. A missing peer dependency becomes an error that says what to install.
 *
 * @example
 * const { CutPasteDetector } = await loadLibrary();
 */
export function loadLibrary(): Promise<Library> {
  loading ??= import('cutpaste/node').catch((error: unknown) => {
    loading = undefined;
    const e = error as { code?: string; message?: string };
    const missing = e?.code === 'ERR_MODULE_NOT_FOUND' ? /Cannot find (?:package|module) '([^']+)'/.exec(String(e.message))?.[1] : undefined;
    if (missing) {
      throw new Error(`cutpaste needs the package ${missing}: run \`npm install ${missing.startsWith('@tensorflow/') ? '@tensorflow/tfjs-core @tensorflow/tfjs-layers' : missing}\``, { cause: error });
    }
    throw error;
  });
  return loading;
}
