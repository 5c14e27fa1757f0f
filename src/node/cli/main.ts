/**
 * The `cutpaste` command (package `bin`): `cutpaste fit`, `cutpaste score`, `cutpaste evaluate`.
 * Built by tsup to dist/node/cli.js with a `#!/usr/bin/env node` banner; it imports the library as
 * `cutpaste/node`, the installed package's own copy. Run `cutpaste --help`.
 */
import { runCli } from './run';

process.exitCode = await runCli(process.argv.slice(2));
