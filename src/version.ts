/** The package version (kept in step with package.json by test/package). */
export const VERSION = '0.1.0';
