/**
 * The `cutpaste` CLI against crafted folders (issue 14, items 3–7 and 16), as a table, in child
 * processes (test/node/cli/cliHarness.ts) under a temporary folder: heatmaps aimed at the inputs or at
 * other people's files, result and model folders that must not be touched, names built to inject
 * Markdown, HTML or spreadsheet formulas, linked and special files in image folders, and an option
 * the network rejects. Each row fails on the code before the fix. The escaping functions are tested
 * directly too.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImageFolder } from '../../../src/node/loadImageFolder';
import { HEATMAP_MARK, isMarkedHeatmap, markHeatmapPng } from '../../../src/node/heatmapMark';
import { readFolder } from '../../../src/node/readFolder';
import { writeHeatmapFile } from '../../../src/node/cli/heatmapTargets';
import { relativeUrl } from '../../../src/node/report/html';
import { csvCell, markdownCell } from '../../../src/node/cli/resultsTable';
import { runCli, writeCategory } from './cliHarness';

let work = '';
// Tiny and fast: 48×64 images, 1 training step of 4 patches.
const TINY = ['--steps', '1', '--batch-size', '4', '--image-size', '48x64', '--stride', '8'];
const path = (...parts: string[]): string => join(work, ...parts);
const INJECTION = '=HYPERLINK("http:x")|<img src=x onerror=alert(1)>`*[a]';

/** Every file below `dir` (relative, sorted) with its bytes, to prove a folder was left alone. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      out[join(entry.parentPath, entry.name).slice(dir.length)] = readFileSync(join(entry.parentPath, entry.name)).toString('base64');
  }
  return out;
}

/** Fields of one RFC 4180 CSV line. */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) =>
    m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutpaste-cli-attacks-'));
  const pill = await writeCategory(path('mvtec', 'pill'), 'pill', { trainCount: 4, testCount: 4, imageSize: [48, 64], seed: 5 });
  const fit = runCli(['fit', '--data', pill, '--out', path('model'), ...TINY, '--quiet']);
  expect(fit.code, fit.stderr).toBe(0);
  const good = join(pill, 'test', 'good');
  const [first, second] = readdirSync(good);
  // Two images whose names differ only by extension, and a third of the same name in another folder.
  mkdirSync(path('photos', 'a'), { recursive: true });
  mkdirSync(path('photos', 'b'));
  cpSync(join(good, first!), path('photos', 'a', 'x.png'));
  await sharp(join(good, second!))
    .jpeg()
    .toFile(path('photos', 'a', 'x.jpg'));
  cpSync(join(good, first!), path('photos', 'b', 'x.png'));
  // A folder with a linked image, a broken link, a FIFO and a note.
  mkdirSync(path('linked'));
  cpSync(join(good, first!), path('linked', 'plain.png'));
  symlinkSync(join(good, second!), path('linked', 'link.png'));
  symlinkSync(path('nowhere.png'), path('linked', 'broken.png'));
  execFileSync('mkfifo', [path('linked', 'pipe.png')]);
  writeFileSync(path('linked', 'notes.txt'), 'mine');
  // An MVTec root whose second category fails (a truncated training image), and one with a hostile name.
  cpSync(pill, path('two', 'a-good'), { recursive: true });
  cpSync(pill, path('two', 'b-broken'), { recursive: true });
  writeFileSync(path('two', 'b-broken', 'train', 'good', '000.png'), readFileSync(join(pill, 'train', 'good', '000.png')).subarray(0, 60));
  cpSync(pill, path('hostile', INJECTION), { recursive: true });
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('cutpaste score --heatmaps never writes over its inputs or over files it did not write', () => {
  const refused: [what: string, heatmaps: () => string, inputs: string[], message: RegExp][] = [
    [
      'the input folder itself',
      () => path('photos', 'a'),
      ['photos/a'],
      /^cutpaste score: --heatmaps .*: is the input folder .*photos\/a; heatmaps there could replace the images being scored/,
    ],
    [
      'a folder inside an input folder',
      () => path('photos', 'a', 'maps'),
      ['photos/a'],
      /^cutpaste score: --heatmaps .*: is inside the input folder .*photos\/a; /,
    ],
    [
      'a link to an input folder',
      () => {
        if (!existsSync(path('alias'))) symlinkSync(path('photos', 'a'), path('alias'));
        return path('alias');
      },
      ['photos/a'],
      /^cutpaste score: --heatmaps .*alias: is the input folder .*photos\/a; /,
    ],
    [
      'the folder of an image file given',
      () => path('photos', 'b'),
      ['photos/b/x.png'],
      /^cutpaste score: --heatmaps .*: is the input folder .*photos\/b; /,
    ],
    [
      'the folder above two input folders (it would mirror them into themselves)',
      () => path('photos'),
      ['photos/a', 'photos/b'],
      /^cutpaste score: --heatmaps .*: the heatmap .*photos\/a\/x\.jpg\.png would lie in the input folder .*photos\/a; /,
    ],
  ];
  for (const [what, heatmaps, inputs, message] of refused) {
    it(`refuses ${what} with exit code 2, before reading the model, and leaves the inputs as they were`, () => {
      const before = snapshot(path('photos'));
      const result = runCli(['score', '--model', path('model'), ...inputs.map((i) => path(i)), '--heatmaps', heatmaps(), '--quiet']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(snapshot(path('photos'))).toEqual(before);
    });
  }

  it('names heatmaps after the whole file name, so x.jpg and x.png, and x.png of two folders, get one each', () => {
    const result = runCli([
      'score',
      '--model',
      path('model'),
      path('photos', 'a'),
      path('photos', 'b'),
      '--heatmaps',
      path('maps'),
      '--json',
      '--quiet',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { images: { file: string; heatmap: string }[] };
    expect(doc.images.map((i) => i.heatmap.split('maps/')[1])).toEqual(['a/x.jpg.png', 'a/x.png.png', 'b/x.png.png']);
    expect(snapshot(path('maps'))).toHaveProperty(['/a/x.jpg.png']);
    expect(Object.keys(snapshot(path('maps'))).sort()).toEqual(['/a/x.jpg.png', '/a/x.png.png', '/b/x.png.png']);
  });

  it('replaces its own earlier heatmaps on a second run', () => {
    const result = runCli([
      'score',
      '--model',
      path('model'),
      path('photos', 'a'),
      path('photos', 'b'),
      '--heatmaps',
      path('maps'),
      '--quiet',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  const foreign: [what: string, plant: (target: string) => void][] = [
    ['a photo of the user', (target) => cpSync(path('photos', 'a', 'x.png'), target)],
    ['a text file', (target) => writeFileSync(target, 'notes')],
    ['a link to another file', (target) => symlinkSync(path('photos', 'b', 'x.png'), target)],
  ];
  for (const [what, plant] of foreign) {
    it(`refuses with exit code 2 when ${what} already has a heatmap's name, and leaves it as it was`, () => {
      const dir = mkdtempSync(path('foreign-'));
      mkdirSync(join(dir, 'a'));
      plant(join(dir, 'a', 'x.png.png'));
      const before = snapshot(dir);
      const photos = snapshot(path('photos'));
      const result = runCli(['score', '--model', path('model'), path('photos', 'a'), path('photos', 'b'), '--heatmaps', dir, '--quiet']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^cutpaste score: --heatmaps .*: .*a\/x\.png\.png exists and is not a heatmap written by cutpaste; it is never replaced/,
      );
      expect(snapshot(dir)).toEqual(before);
      expect(snapshot(path('photos'))).toEqual(photos);
    });
  }
});

describe('heatmap files are written through a temporary name nobody can guess', () => {
  it('does not follow a link planted at the name a previous version used (.<name>.<pid>.tmp)', async () => {
    mkdirSync(path('planted'));
    writeFileSync(path('thesis.docx'), 'four years of work');
    symlinkSync(path('thesis.docx'), path('planted', `.x.png.png.${process.pid}.tmp`));
    await writeHeatmapFile(path('planted', 'x.png.png'), (temp) => writeFile(temp, 'heatmap'));
    expect(readFileSync(path('thesis.docx'), 'utf8')).toBe('four years of work');
    expect(lstatSync(path('planted', 'x.png.png')).isFile()).toBe(true);
    expect(readFileSync(path('planted', 'x.png.png'), 'utf8')).toBe('heatmap');
  });
});

describe('cutpaste score lists folders by the rule of fit and says what it skipped', () => {
  it('scores a linked image and names the broken link, the FIFO and the note it skipped', () => {
    const result = runCli(['score', '--model', path('model'), path('linked'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as { images: { file: string }[] };
    expect(doc.images.map((i) => i.file.split('/').pop())).toEqual(['link.png', 'plain.png']);
    expect(result.stderr).toMatch(
      /skipped 3 entries .*\n {2}.*linked\/broken\.png \(a broken symbolic link\)\n {2}.*linked\/pipe\.png \(a FIFO\)\n {2}.*linked\/notes\.txt \(not an image file name: .*\)\n/,
    );
  });

  it('lists the same linked image for fit (the library loaders) and refuses a FIFO named like an image there', async () => {
    const entries = await readFolder(path('linked'), 'test', 'folder');
    expect(entries.images).toEqual(['link.png', 'plain.png']);
    expect(entries.skipped).toEqual([
      { name: 'broken.png', reason: 'a broken symbolic link' },
      { name: 'pipe.png', reason: 'a FIFO' },
    ]);
    expect(entries.others).toEqual(['notes.txt']);
    mkdirSync(path('own', 'good'), { recursive: true });
    cpSync(path('linked', 'plain.png'), path('own', 'good', 'plain.png'));
    symlinkSync(path('linked', 'plain.png'), path('own', 'good', 'link.png'));
    const own = await loadImageFolder(path('own'));
    expect(own.train.map((s) => s.path.split('/').pop())).toEqual(['link.png', 'plain.png']);
    symlinkSync(path('linked', 'pipe.png'), path('own', 'good', 'pipe.png'));
    await expect(loadImageFolder(path('own'))).rejects.toThrow(
      /^loadImageFolder: .*own\/good\/pipe\.png is a symbolic link to a FIFO, not an image file$/,
    );
  });
});

describe('cutpaste evaluate --out is all or nothing', () => {
  it('refuses a folder that holds files without --force, with exit code 2 and nothing written', () => {
    mkdirSync(path('busy-results'));
    writeFileSync(path('busy-results', 'results.md'), 'my notes');
    const result = runCli(['evaluate', '--data', path('mvtec'), '--out', path('busy-results'), ...TINY, '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^cutpaste evaluate: --out .*busy-results: the folder holds files \(results\.md\); choose a new or empty folder, or pass --force/,
    );
    expect(snapshot(path('busy-results'))).toEqual({ '/results.md': Buffer.from('my notes').toString('base64') });
  });

  it('writes nothing at all when the second category fails', () => {
    mkdirSync(path('empty-results'));
    for (const out of [path('new-results'), path('empty-results')]) {
      const result = runCli(['evaluate', '--data', path('two'), '--out', out, ...TINY, '--quiet']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/b-broken.*000\.png/);
    }
    expect(existsSync(path('new-results'))).toBe(false);
    expect(readdirSync(path('empty-results'))).toEqual([]);
    expect(readdirSync(work).filter((e) => e.includes('results.writing'))).toEqual([]);
  });

  it('escapes a hostile category name in results.md and neutralises it in results.csv', () => {
    const result = runCli(['evaluate', '--data', path('hostile'), '--out', path('hostile-results'), ...TINY, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const md = readFileSync(path('hostile-results', 'results.md'), 'utf8');
    expect(md).not.toContain('<img');
    for (const line of md.trimEnd().split('\n')) expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(9); // 7 cells, no extra column
    expect(md).toContain('=HYPERLINK("http:x")\\|&lt;img src=x onerror=alert(1)&gt;\\`\\*\\[a\\]');
    const row = readFileSync(path('hostile-results', 'results.csv'), 'utf8').split('\n')[1]!;
    expect(csvFields(row)[0]).toBe(`'${INJECTION}`);
    expect(csvFields(row)).toHaveLength(15);
  });
});

describe('cutpaste fit --out is checked by the library rule before training', () => {
  const rows: [what: string, plant: (dir: string) => void, message: RegExp][] = [
    ['only a dotfile', (dir) => writeFileSync(join(dir, '.DS_Store'), 'x'), /\(\.DS_Store\)/],
    [
      'a foreign model.json and a foreign .bin',
      (dir) => {
        writeFileSync(
          join(dir, 'model.json'),
          JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }),
        );
        writeFileSync(join(dir, 'thesis.bin'), 'mine');
      },
      /\(thesis\.bin\)/,
    ],
    ['a model.json this library did not write', (dir) => writeFileSync(join(dir, 'model.json'), '{"modelTopology":{}}'), /did not write/],
  ];
  for (const [what, plant, message] of rows) {
    it(`refuses a folder holding ${what}, even with --force, before any training`, () => {
      const dir = mkdtempSync(path('out-'));
      plant(dir);
      const before = snapshot(dir);
      const result = runCli(['fit', '--data', path('mvtec', 'pill'), '--out', dir, '--force', ...TINY]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^cutpaste fit: --out .*: refusing to replace /);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/fitting on|train /);
      expect(snapshot(dir)).toEqual(before);
    });
  }
});

describe('an option the network rejects is a usage error (exit code 2), before any work', () => {
  for (const command of ['fit', 'evaluate'] as const) {
    it(`${command} --patch-size 12`, () => {
      const args =
        command === 'fit'
          ? ['fit', '--data', path('mvtec', 'pill'), '--out', path('never')]
          : ['evaluate', '--data', path('mvtec'), '--out', path('never')];
      const result = runCli([...args, ...TINY, '--patch-size', '12']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(`^cutpaste ${command}: option --patch-size must be .*, got 12 \\(run 'cutpaste ${command} --help' for usage\\)\\n$`),
      );
      expect(existsSync(path('never'))).toBe(false);
    });
  }
});

describe('escaping for results.md, results.csv and the HTML report', () => {
  it('escapes Markdown table cells: pipes, HTML, backticks, emphasis, links and line breaks', () => {
    expect(markdownCell('bottle')).toBe('bottle');
    expect(markdownCell('metal_nut')).toBe('metal_nut');
    expect(markdownCell('a|b')).toBe('a\\|b');
    expect(markdownCell('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(markdownCell('`x` *y* [z](http://e) \\')).toBe('\\`x\\` \\*y\\* \\[z\\](http://e) \\\\');
    expect(markdownCell('a\nb\r\nc\rd')).toBe('a b c d');
    expect(markdownCell('&lt;')).toBe('&amp;lt;');
  });

  it('quotes CSV fields per RFC 4180 and neutralises formulas', () => {
    expect(csvCell('bottle')).toBe('bottle');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    for (const lead of ['=', '+', '-', '@', '\t']) expect(csvCell(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(csvCell('\r1')).toBe(`"'\r1"`);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    // after leading white space, and in full-width forms, which spreadsheets also read as formulas
    for (const lead of [' =', '  +', '\u00a0-', '\u3000@', '\uff1d', '\uff0b', '\uff0d', '\uff20', ' \uff1d'])
      expect(csvCell(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(csvCell('\n=1+1')).toBe(`"'\n=1+1"`);
    expect(csvCell('a = b')).toBe('a = b');
    expect(csvCell(-0.5)).toBe('-0.5'); // numbers are numbers
    expect(csvCell(null)).toBe('');
  });

  it('percent-encodes each part of a heatmap path in the report', () => {
    expect(relativeUrl('heatmaps/crack/000.png.png')).toBe('heatmaps/crack/000.png.png');
    expect(relativeUrl('maps/a#b?c.png')).toBe('maps/a%23b%3Fc.png');
    expect(relativeUrl('javascript:alert(1).png')).toBe('javascript%3Aalert(1).png');
    expect(relativeUrl('maps\\win\\x.png')).toBe('maps/win/x.png');
  });

  it('marks heatmap PNGs with a text chunk that sharp reads and that nothing else carries', async () => {
    const plain = await sharp(Buffer.alloc(2 * 3 * 3, 200), { raw: { width: 2, height: 3, channels: 3 } })
      .png()
      .toBuffer();
    const marked = markHeatmapPng(plain);
    const meta = await sharp(marked).metadata();
    expect(meta.comments).toEqual([{ keyword: HEATMAP_MARK.keyword, text: HEATMAP_MARK.text }]);
    expect([meta.width, meta.height]).toEqual([2, 3]);
    writeFileSync(path('marked.png'), marked);
    writeFileSync(path('plain.png'), plain);
    expect(await isMarkedHeatmap(path('marked.png'))).toBe(true);
    expect(await isMarkedHeatmap(path('plain.png'))).toBe(false);
    expect(await isMarkedHeatmap(path('linked', 'pipe.png'))).toBe(false); // a FIFO: answered at once, not waited on
    symlinkSync(path('marked.png'), path('marked-link.png'));
    expect(await isMarkedHeatmap(path('marked-link.png'))).toBe(false); // links are not followed
    expect(() => markHeatmapPng(Buffer.from('not a png'))).toThrow(RangeError);
  });
});
