/**
 * The browser-test harness: builds a page with vite, serves it from localhost and drives Debian's
 * Chromium headless through playwright-core.
 *
 * - `buildBundle(name)`: a vite build of `test/browser/page` (the test page: the library, tfjs-core,
 *   tfjs-layers and the cpu, wasm, webgl and webgpu backends) or `examples/browser` (the example app,
 *   with its own `vite.config.ts`) into `node_modules/.cache/cutpaste-browser/<name>`. `cutpaste`
 *   resolves to `src/index.ts`: the pages test the current sources. The wasm binaries are assets of
 *   the bundles (`?url` imports).
 * - `serve(dir)`: a small static server on 127.0.0.1 (a free port) that serves every file twice:
 *   under `/isolated/` with cross-origin isolation headers (COOP `same-origin`, COEP `require-corp`:
 *   SharedArrayBuffer, hence tfjs's threaded wasm build) and under `/plain/` without them. It records
 *   each path requested.
 * - `launchChromium()`: `/usr/bin/chromium` (override with `CHROMIUM_PATH`) headless with WebGPU and
 *   WebGL on SwiftShader (the flags in `CHROMIUM_ARGS`), a fresh profile directory per launch.
 *
 * Nothing here downloads a browser.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { PageApi } from './page/api';

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Where the bundles are built. */
export const BUILD_ROOT = join(ROOT, 'node_modules', '.cache', 'cutpaste-browser');

/** The bundles the harness can build: the test page and the example app. */
export const BUNDLES = {
  page: join(ROOT, 'test', 'browser', 'page'),
  example: join(ROOT, 'examples', 'browser'),
} as const;

export type BundleName = keyof typeof BUNDLES;

/** Chromium's path: `CHROMIUM_PATH` or Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium with WebGPU (Dawn on SwiftShader's Vulkan) and WebGL2 (ANGLE on SwiftShader) on a
 * machine without a GPU; no background network traffic.
 */
export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]);

/** Whether Chromium is installed where the harness looks for it. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Builds `name` with vite (quietly) into `BUILD_ROOT/<name>`, with the bundle's own
 * `vite.config.ts` when it has one.
 * @returns the output folder.
 */
export async function buildBundle(name: BundleName): Promise<string> {
  const { build } = await import('vite');
  const outDir = join(BUILD_ROOT, name);
  const root = BUNDLES[name];
  const configFile = join(root, 'vite.config.ts');
  await build({
    root,
    logLevel: 'error',
    configFile: existsSync(configFile) ? configFile : false,
    base: './',
    resolve: {
      alias: [
        { find: /^cutpaste$/, replacement: join(ROOT, 'src', 'index.ts') },
        { find: /^cutpaste\/advanced$/, replacement: join(ROOT, 'src', 'advanced.ts') },
        { find: /^cutpaste\/synthetic$/, replacement: join(ROOT, 'src', 'synthetic.ts') },
      ],
    },
    // The test page stays readable (stack traces); the example is built as a user would build it.
    build: { outDir, emptyOutDir: true, reportCompressedSize: false, ...(name === 'page' ? { minify: false } : {}) },
  });
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A running static server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Paths requested so far (without the `/isolated` or `/plain` prefix), in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `dir` on 127.0.0.1 under `/isolated/` (with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`) and under `/plain/` (without).
 */
export async function serve(dir: string): Promise<StaticServer> {
  const requests: string[] = [];
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/(isolated|plain)(\/.*)$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404).end('use /isolated/ or /plain/');
      return;
    }
    const [, mode, rest] = match as unknown as [string, string, string];
    const path = rest.endsWith('/') ? `${rest}index.html` : rest;
    requests.push(path);
    const file = normalize(join(root, decodeURIComponent(path)));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    };
    if (mode === 'isolated') {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A launched browser: one persistent context with a fresh profile directory. */
export interface LaunchedBrowser {
  context: BrowserContext;
  /** Messages the pages printed (`console.*`) and uncaught page errors, prefixed with their type. */
  logs: string[];
  /** Opens `url` in a new page and waits for `window.cutpasteReady` when `waitForReady` is set. */
  open(url: string, waitForReady?: boolean): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Chromium headless with {@link CHROMIUM_ARGS} and a fresh `--user-data-dir`. */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'cutpaste-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1280, height: 900 },
  });
  const logs: string[] = [];
  const open = async (url: string, waitForReady = true) => {
    const page = await context.newPage();
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(url);
    if (waitForReady)
      await page.waitForFunction(() => (window as { cutpasteReady?: boolean }).cutpasteReady === true, null, { timeout: 60_000 });
    return page;
  };
  return {
    context,
    logs,
    open,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Whether this process runs the `browser` project (test/browser/vitest.config.ts sets
 * CUTPASTE_BROWSER_TESTS): the root config's cpu and wasm projects glob `test/**` too, and the
 * browser tests must not run there.
 */
export const IN_BROWSER_PROJECT = process.env.CUTPASTE_BROWSER_TESTS === '1';

/** Whether to run the Chromium tests: in the browser project, with Chromium installed. */
export const CHROMIUM_TESTS = IN_BROWSER_PROJECT && hasChromium();

/** The folder a bundle was built into by `globalSetup.ts`. */
export function bundleDir(name: BundleName): string {
  const dir = join(BUILD_ROOT, name);
  if (!existsSync(join(dir, 'index.html')))
    throw new Error(`${name} is not built: run the browser tests through test/browser/vitest.config.ts`);
  return dir;
}

/** Calls `window.cutpasteTest[method](...args)` in the test page. */
export async function callPage<K extends keyof PageApi>(
  page: Page,
  method: K,
  ...args: Parameters<PageApi[K]>
): Promise<Awaited<ReturnType<PageApi[K]>>> {
  return page.evaluate(
    ([m, a]) => {
      const api = (window as unknown as { cutpasteTest: Record<string, (...x: unknown[]) => unknown> }).cutpasteTest;
      return api[m as string]!(...(a as unknown[]));
    },
    [method, args] as const,
  ) as Promise<Awaited<ReturnType<PageApi[K]>>>;
}
