/**
 * `cutpaste/synthetic`: the procedural generator of MVTec-like categories (textures, a pill, proxies
 * for a screw, a transistor on a board and a grayscale surface), with pixel-exact defect masks. Pure
 * typed arrays, browser-safe; kept out of `cutpaste` so the detector's bundle does not carry it.
 * `cutpaste/node`'s `generateSyntheticCategory` writes a category to disk in MVTec AD's layout.
 */
export * from './data/index';
