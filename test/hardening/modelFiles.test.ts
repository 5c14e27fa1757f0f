/**
 * Model files as an attacker writes them: a `model.json` may only name files inside its own folder, and
 * a save may only delete what it can prove it wrote. Every attack is a crafted folder under a temporary
 * directory (removed afterwards); every load refusal is a `FormatError` naming the manifest path, raised
 * before the file is read (pipes and devices are never waited on), and every save refusal leaves the
 * folder exactly as it was. The same path rule holds for `http(s)://` loads (a local server on 127.0.0.1).
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveWeightUrl } from '../../src/detector/weightUrl';
import { CutPasteDetector, fileSystemHandler, FormatError } from '../../src/node/index';
import { objectImages } from '../helpers/textures';
import { TINY_DETECTORS, TINY_SIZE } from '../helpers/tinyDetectors';
import { expectRefusal } from './refusal';

const [H, W] = TINY_SIZE;
const SPECS: tf.io.WeightsManifestEntry[] = [{ name: 'w', shape: [8], dtype: 'float32' }]; // 32 bytes

const root = mkdtempSync(join(tmpdir(), 'cutpaste-modelfiles-'));
const secret = join(root, 'secret.bin'); // a 32-byte file outside every model folder: exactly what the manifest asks for
let detector: CutPasteDetector;
let saved: string; // a detector saved by the library

beforeAll(async () => {
  writeFileSync(secret, Buffer.alloc(32, 7));
  detector = await CutPasteDetector.create({ ...TINY_DETECTORS.image, steps: 1, seed: 1 });
  const { images } = objectImages(4, H, W, 2);
  await detector.fit(images);
  images.dispose();
  saved = join(root, 'saved');
  await detector.save(`file://${saved}`);
});
afterAll(() => {
  detector?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** A model folder `name` whose model.json lists `paths` (default: weights.bin, 32 bytes) and `specs`. */
function craft(name: string, paths: string[] = ['weights.bin'], specs = SPECS): string {
  const dir = join(root, 'load', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths, weights: specs }], format: 'x' }));
  if (paths.includes('weights.bin')) writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(32, 1));
  return dir;
}

const outside = (path: string): RegExp =>
  new RegExp(
    `^fileSystemHandler\\.load: the weights path ${JSON.stringify(path).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} listed in .*/model\\.json leads outside the model folder .*; weight files must lie inside it$`,
  );
const notAFile = (path: string, kind: string): RegExp =>
  new RegExp(`^fileSystemHandler\\.load: the weights path "${path}" listed in .*/model\\.json is ${kind}, not a weights file: .*${path}$`);

const listedTwice = (path: string, what: string): RegExp =>
  new RegExp(
    `^fileSystemHandler\\.load: the weights path "${path}" listed in .*/model\\.json names ${what}; each weight file may be listed once$`,
  );

type Attack = [what: string, folder: () => string, message: RegExp];

describe('fileSystemHandler.load reads nothing outside the model folder, and nothing that is not a sized regular file', () => {
  const attacks: Attack[] = [
    ["a weight path '../../etc/passwd'", () => craft('passwd', ['../../etc/passwd']), outside('../../etc/passwd')],
    ['a weight path to a right-sized file next to the folder', () => craft('sibling', ['../../secret.bin']), outside('../../secret.bin')],
    ['an absolute weight path', () => craft('absolute', [secret]), outside(secret)],
    ['a path through a subfolder and back out', () => craft('back-out', ['sub/../../../secret.bin']), outside('sub/../../../secret.bin')],
    ['/dev/zero as a weight path', () => craft('dev-zero', ['/dev/zero']), outside('/dev/zero')],
    [
      'weights.bin as a symlink to a right-sized file outside',
      () => {
        const dir = craft('symlink', ['w.bin']);
        symlinkSync(secret, join(dir, 'w.bin'));
        return dir;
      },
      outside('w.bin'),
    ],
    [
      'a symlink to /dev/zero',
      () => {
        const dir = craft('symlink-zero', ['z.bin']);
        symlinkSync('/dev/zero', join(dir, 'z.bin'));
        return dir;
      },
      outside('z.bin'),
    ],
    [
      'an extra weight entry pointing outside, sizes matching',
      () => craft('extra', ['weights.bin', '../../secret.bin'], [...SPECS, { name: 'stolen', shape: [8], dtype: 'float32' }]),
      outside('../../secret.bin'),
    ],
    [
      'a folder as a weight path',
      () => {
        const dir = craft('folder', ['shard']);
        mkdirSync(join(dir, 'shard'));
        return dir;
      },
      notAFile('shard', 'a folder'),
    ],
    [
      'a weights file of 3 GiB (sparse) where 32 bytes are due',
      () => {
        const dir = craft('huge');
        truncateSync(join(dir, 'weights.bin'), 3 * 2 ** 30);
        return dir;
      },
      /^fileSystemHandler\.load: the weights of .*huge\/model\.json hold 3221225472 bytes but its manifest's 1 tensors need 32; the files are truncated or belong to another model$/,
    ],
    [
      'a weights file of the wrong size',
      () => {
        const dir = craft('short');
        writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(20));
        return dir;
      },
      /^fileSystemHandler\.load: the weights of .*short\/model\.json hold 20 bytes but its manifest's 1 tensors need 32; /,
    ],
    [
      'a model.json of 65 MiB',
      () => {
        const dir = craft('big-json');
        truncateSync(join(dir, 'model.json'), 65 * 2 ** 20);
        return dir;
      },
      /^fileSystemHandler\.load: .*big-json\/model\.json has 68157440 bytes; a model\.json may have at most 67108864 \(64 MiB\)$/,
    ],
    [
      'a manifest of 1025 weight files',
      () =>
        craft(
          'many',
          Array.from({ length: 1025 }, (_, i) => `w${i}.bin`),
        ),
      /^fileSystemHandler\.load: .*many\/model\.json lists 1025 weight files and 1 weights; at most 1024 files and 65536 weights are read$/,
    ],
    [
      'the same weights file listed twice, sizes matching (each listing would be read again)',
      () => craft('twice', ['weights.bin', 'weights.bin'], [...SPECS, { name: 'again', shape: [8], dtype: 'float32' }]),
      listedTwice('weights.bin', 'a file listed before it'),
    ],
    [
      'a link to weights.bin listed next to it',
      () => {
        const dir = craft('alias', ['weights.bin', 'alias.bin'], [...SPECS, { name: 'again', shape: [8], dtype: 'float32' }]);
        symlinkSync(join(dir, 'weights.bin'), join(dir, 'alias.bin'));
        return dir;
      },
      listedTwice('alias.bin', 'a file listed before it'),
    ],
    [
      'the model.json itself as a weight path, sizes matching',
      () => {
        let bytes = 0; // a bool weight (1 byte each) exactly as long as the model.json that describes it
        for (let length = -1; length !== bytes;) {
          length = bytes;
          bytes = Buffer.byteLength(
            readFileSync(join(craft('self', ['model.json'], [{ name: 'j', shape: [length], dtype: 'bool' }]), 'model.json')),
          );
        }
        return join(root, 'load', 'self');
      },
      listedTwice('model.json', 'the model.json itself'),
    ],
    [
      'a string weight, whose size cannot be known before reading',
      () => craft('string', ['weights.bin'], [{ name: 's', shape: [1], dtype: 'string' }]),
      /^fileSystemHandler\.load: .*string\/model\.json: weight 's' has dtype "string"; only fixed-size dtypes \(float32, .*\) can be checked before reading$/,
    ],
  ];
  for (const [what, folder, message] of attacks) {
    it(`refuses ${what} with a FormatError`, { timeout: 10_000 }, async () => {
      // a read of /dev/zero would hang
      const error = await expectRefusal(() => fileSystemHandler(folder()).load(), FormatError, message);
      if (message.source.includes('leads outside')) expect(error.message).not.toMatch(/bytes|root:/); // neither size nor contents
    });
  }

  it('refuses a weight path that is a named pipe without waiting on it', { timeout: 5000 }, async () => {
    const dir = craft('fifo', ['pipe.bin']);
    execFileSync('mkfifo', [join(dir, 'pipe.bin')]);
    await expectRefusal(() => fileSystemHandler(dir).load(), FormatError, notAFile('pipe.bin', 'a named pipe'));
  });

  it('refuses a model.json that is a named pipe without waiting on it', { timeout: 5000 }, async () => {
    const pipe = join(root, 'load', 'model-pipe.json');
    execFileSync('mkfifo', [pipe]);
    await expectRefusal(
      () => fileSystemHandler(pipe).load(),
      FormatError,
      /^fileSystemHandler\.load: .*model-pipe\.json is a named pipe, not a model\.json file$/,
    );
  });

  it('does not repeat the start of a model.json that is not JSON (a link to a secret file)', async () => {
    const dir = join(root, 'load', 'linked-json');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, 'token.txt'), 'TOPSECRET-42 do not print');
    symlinkSync(join(root, 'token.txt'), join(dir, 'model.json'));
    const error = await expectRefusal(
      () => fileSystemHandler(dir).load(),
      FormatError,
      /^fileSystemHandler\.load: .*linked-json\/model\.json is not valid JSON \(an unexpected character\); the file is corrupt or truncated$/,
    );
    expect(error.message).not.toMatch(/TOPSECRET|print/);
    writeFileSync(join(dir, 'broken.json'), '{"modelTopology": {}, "secret": "hunter2" x');
    await expectRefusal(
      () => fileSystemHandler(join(dir, 'broken.json')).load(),
      FormatError,
      /broken\.json is not valid JSON \(at character \d+\); /,
    );
  });

  it('still loads weight files in a subfolder, and a detector through a file:// URL', async () => {
    const dir = craft(
      'nested',
      ['shards/a.bin', 'shards/b.bin'],
      [
        { name: 'a', shape: [2], dtype: 'float32' },
        { name: 'b', shape: [6], dtype: 'float32' },
      ],
    );
    mkdirSync(join(dir, 'shards'));
    writeFileSync(join(dir, 'shards', 'a.bin'), Buffer.alloc(8, 2));
    writeFileSync(join(dir, 'shards', 'b.bin'), Buffer.alloc(24, 3));
    const loaded = await fileSystemHandler(dir).load();
    expect(Array.from(new Uint8Array(tf.io.CompositeArrayBuffer.join(loaded.weightData)))).toEqual([
      ...Array<number>(8).fill(2),
      ...Array<number>(24).fill(3),
    ]);
    const again = await CutPasteDetector.load(`file://${saved}`);
    again.dispose();
  });
});

/** Every file below `dir` with its contents (folders end in /), to prove a refused save changed nothing. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    out[path.slice(dir.length)] = entry.isDirectory() ? '/' : readFileSync(path, 'utf8');
  }
  return out;
}

const ourModelJson = (): string => readFileSync(join(saved, 'model.json'), 'utf8');

describe('save deletes nothing it cannot prove it wrote', () => {
  const targets: [what: string, make: (dir: string) => void, message: RegExp][] = [
    [
      'photos/ and thesis.docx listed in a foreign model.json',
      (dir) => {
        mkdirSync(join(dir, 'photos'));
        writeFileSync(join(dir, 'photos', 'cat.jpg'), 'cat');
        writeFileSync(join(dir, 'thesis.docx'), 'four years of work');
        writeFileSync(
          join(dir, 'model.json'),
          JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['photos', 'thesis.docx'], weights: [] }] }),
        );
      },
      /it holds files that are not part of a saved model \(photos, thesis\.docx\); save into an empty or new folder$/,
    ],
    [
      'the same with a forged savedBy marker',
      (dir) => {
        mkdirSync(join(dir, 'photos'));
        writeFileSync(join(dir, 'thesis.docx'), 'four years of work');
        writeFileSync(
          join(dir, 'model.json'),
          JSON.stringify({ savedBy: 'cutpaste', weightsManifest: [{ paths: ['photos', 'thesis.docx'], weights: [] }] }),
        );
      },
      /it holds files that are not part of a saved model \(photos, thesis\.docx\); /,
    ],
    [
      "a model.json without the marker (someone else's model)",
      (dir) => {
        writeFileSync(join(dir, 'model.json'), ourModelJson().replace('"savedBy":"cutpaste"', '"savedBy":"tfjs-node"'));
        writeFileSync(join(dir, 'weights.bin'), 'their weights');
      },
      /it holds a model this library did not write \(no readable model\.json with "savedBy": "cutpaste"\); save into an empty or new folder$/,
    ],
    [
      'our model next to a dotfile',
      (dir) => {
        writeFileSync(join(dir, 'model.json'), ourModelJson());
        writeFileSync(join(dir, '.notes'), 'mine');
      },
      /it holds files that are not part of a saved model \(\.notes\); /,
    ],
    [
      'our model.json with weights.bin a folder',
      (dir) => {
        writeFileSync(join(dir, 'model.json'), ourModelJson());
        mkdirSync(join(dir, 'weights.bin'));
        writeFileSync(join(dir, 'weights.bin', 'inside.txt'), 'mine');
      },
      /it holds files that are not part of a saved model \(weights\.bin\); /,
    ],
  ];
  for (const [what, make, message] of targets) {
    it(`refuses a folder holding ${what}, leaving it as it was`, async () => {
      const dir = join(root, 'save', what.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      make(dir);
      const before = tree(dir);
      const error = await expectRefusal(
        () => detector.save(`file://${dir}`),
        Error,
        new RegExp(`^fileSystemHandler\\.save: refusing to replace .*${message.source}`),
      );
      expect(error.message).toContain(dir);
      expect(tree(dir)).toEqual(before);
      expect(readdirSync(join(dir, '..')).filter((n) => n.includes('.saving-') || n.includes('.replaced-'))).toEqual([]);
    });
  }

  it('refuses a path that is a symbolic link to a folder', async () => {
    const link = join(root, 'save', 'link');
    mkdirSync(join(root, 'save'), { recursive: true });
    symlinkSync(saved, link);
    await expectRefusal(
      () => detector.save(`file://${link}`),
      Error,
      /^fileSystemHandler\.save: .*link exists and is a symbolic link; the path must be a folder or not exist$/,
    );
    expect(readdirSync(saved).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('saves into an empty folder the user made (keeping it), saves again over its own model, and loads it', async () => {
    const dir = join(root, 'save', 'mine');
    mkdirSync(dir, { recursive: true });
    const inode = statSync(dir).ino;
    await detector.save(`file://${dir}`);
    expect(statSync(dir).ino).toBe(inode); // written into, not replaced
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect((JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { savedBy?: string }).savedBy).toBe('cutpaste');
    await detector.save(`file://${dir}`);
    expect(readdirSync(join(root, 'save')).filter((n) => n.startsWith('.'))).toEqual([]);
    const again = await CutPasteDetector.load(`file://${dir}`);
    const { images } = objectImages(2, H, W, 3);
    const [a, b] = [await detector.score(images), await again.score(images)];
    expect(Array.from(b)).toEqual(Array.from(a));
    images.dispose();
    again.dispose();
  });
});

describe('http(s):// loads fetch no weight path that leaves the model URL', () => {
  const base = 'https://models.example/cat/bottle/model.json';
  it.each([
    ['weights.bin', 'https://models.example/cat/bottle/weights.bin'],
    ['group1-shard1of2.bin', 'https://models.example/cat/bottle/group1-shard1of2.bin'],
    ['shards/w%201.bin', 'https://models.example/cat/bottle/shards/w%201.bin'],
  ])('resolves %j inside the model folder', (path, url) => {
    expect(resolveWeightUrl(base, path)).toBe(url);
  });

  it('keeps the query of the model URL, as tfjs does', () => {
    expect(resolveWeightUrl('http://127.0.0.1:8080/m/model.json?token=abc', 'weights.bin')).toBe(
      'http://127.0.0.1:8080/m/weights.bin?token=abc',
    );
  });

  it.each([
    '../secret.bin',
    'a/../../secret.bin',
    '..',
    './weights.bin',
    'https://evil.example/w.bin',
    'HTTP://evil.example/w.bin',
    '//evil.example/w.bin',
    '/etc/passwd',
    '%2e%2e/secret.bin',
    '%2E%2E%2Fsecret.bin',
    '..%2fsecret.bin',
    '%252e%252e/secret.bin',
    '%2fetc%2fpasswd',
    'a\\..\\..\\secret.bin',
    'a%5c..%5csecret.bin',
    'a//b.bin',
    'w.bin?x=../y',
    'w.bin#frag',
    '%zz',
    '',
    'javascript:alert(1)',
    // Unicode look-alikes a folding server reads as dots, slashes and backslashes (NFKC)
    '\uff0e\uff0e/secret.bin',
    '\uff0e\uff0e\uff0fsecret.bin',
    '\u2024\u2024/secret.bin',
    '\u2025/secret.bin',
    '%EF%BC%8E%EF%BC%8E/secret.bin',
    'a\uff3c..\uff3csecret.bin',
  ])('refuses %j with a FormatError', (path) => {
    expect(() => resolveWeightUrl(base, path)).toThrow(FormatError);
    expect(() => resolveWeightUrl(base, path)).toThrow(
      /^CutPasteDetector\.load: the weights path .* listed in https:\/\/models\.example\/cat\/bottle\/model\.json leaves the model's folder; /,
    );
  });

  describe('through CutPasteDetector.load on a local server', () => {
    let server: Server;
    let origin: string;
    const requested: string[] = [];
    const files: Record<string, Buffer> = {};
    // 65 MiB of white space before `{}`: valid JSON, over the model.json bound; 50 MiB more weights than described.
    const STREAMED: Record<string, { mib: number; fill: number; tail: string }> = {
      '/huge/model.json': { mib: 65, fill: 0x20, tail: '{}' },
      '/fat/weights.bin': { mib: 50, fill: 0, tail: 'weights' },
    };

    beforeAll(async () => {
      files['/good/model.json'] = readFileSync(join(saved, 'model.json'));
      files['/good/weights.bin'] = readFileSync(join(saved, 'weights.bin'));
      const manifest = JSON.parse(readFileSync(join(saved, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      manifest.weightsManifest[0]!.paths = ['../secret/weights.bin'];
      files['/evil/model.json'] = Buffer.from(JSON.stringify(manifest));
      files['/secret/weights.bin'] = files['/good/weights.bin'];
      files['/fat/model.json'] = files['/good/model.json'];
      server = createServer((request, response) => {
        requested.push(request.url ?? '');
        response.on('error', () => undefined); // the client may hang up on an over-long body
        const streamed = STREAMED[request.url ?? ''];
        if (streamed) {
          // chunked, no Content-Length: only counting tells the length
          response.writeHead(200);
          for (let i = 0; i < streamed.mib && !response.destroyed; i++) response.write(Buffer.alloc(2 ** 20, streamed.fill));
          response.end(streamed.tail === 'weights' ? files['/good/weights.bin'] : streamed.tail);
          return;
        }
        const body = files[request.url ?? ''];
        response.writeHead(body ? 200 : 404).end(body);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((done) => server.close(done));
    });

    it('refuses a manifest path that leaves the folder, before fetching it', async () => {
      await expectRefusal(
        () => CutPasteDetector.load(`${origin}/evil/model.json`),
        FormatError,
        /^CutPasteDetector\.load: the weights path "\.\.\/secret\/weights\.bin" listed in http:\/\/127\.0\.0\.1:\d+\/evil\/model\.json leaves the model's folder; /,
      );
      expect(requested).toContain('/evil/model.json');
      expect(requested.filter((u) => u.startsWith('/secret'))).toEqual([]);
    });

    it('reads at most 64 MiB of a model.json, however it is served', async () => {
      await expectRefusal(
        () => CutPasteDetector.load(`${origin}/huge/model.json`),
        FormatError,
        /^CutPasteDetector\.load: http:\/\/127\.0\.0\.1:\d+\/huge\/model\.json serves more than 67108864 bytes \(64 MiB\); a model\.json may have at most that$/,
      );
    });

    it('reads no more weight bytes than the manifest describes', async () => {
      await expectRefusal(
        () => CutPasteDetector.load(`${origin}/fat/model.json`),
        FormatError,
        /^CutPasteDetector\.load: the weight files of http:\/\/127\.0\.0\.1:\d+\/fat\/model\.json \(.*\/fat\/weights\.bin among them\) serve more bytes than its manifest describes$/,
      );
    });

    it('loads a saved detector served over http', async () => {
      const again = await CutPasteDetector.load(`${origin}/good/model.json`);
      expect(again.isFitted).toBe(true);
      again.dispose();
      expect(existsSync(saved)).toBe(true);
    });
  });
});
