/**
 * `import(name)` of a package the type checker need not know: the tfjs backends and tfjs-node are
 * optional peers, so a literal `import('@tensorflow/tfjs-node')` would fail to type-check (and tie the
 * bundle to it) where they are not installed. The architecture test reads these calls' names.
 */
export const importPackage = (name: string): Promise<unknown> => import(name);
