/**
 * `cutpaste/node`: Node-only helpers (file system, image files). Re-exports the whole browser-safe core,
 * so Node users can import everything from here.
 */
export * from 'cutpaste';
