import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The PNG text chunk (`tEXt`, keyword `Software`) that marks a heatmap written by `writeHeatmap`, so
 * `cutpaste score --heatmaps` can tell its own earlier output (which it may replace) from anybody
 * else's files (which it never writes over). Viewers show it as the PNG's "Software" comment.
 */
export const HEATMAP_MARK = Object.freeze({ keyword: 'Software', text: 'cutpaste heatmap' });

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const IHDR_END = SIGNATURE.length + 4 + 4 + 13 + 4; // length, type, data, CRC
const MARK_DATA = Buffer.from(`${HEATMAP_MARK.keyword}\0${HEATMAP_MARK.text}`, 'latin1');

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, as PNG chunks use) of `bytes`. */
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * `png` with the heatmap mark inserted right after its `IHDR` chunk.
 *
 * @throws RangeError when `png` is not a PNG starting with `IHDR`
 */
export function markHeatmapPng(png: Uint8Array): Buffer {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < IHDR_END || !bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new RangeError('markHeatmapPng: png must be a PNG file starting with its IHDR chunk');
  }
  const chunk = Buffer.alloc(12 + MARK_DATA.length);
  chunk.writeUInt32BE(MARK_DATA.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  MARK_DATA.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + MARK_DATA.length)), 8 + MARK_DATA.length);
  return Buffer.concat([bytes.subarray(0, IHDR_END), chunk, bytes.subarray(IHDR_END)]);
}

/**
 * Whether `path` is a regular file (not a link, a FIFO or a device) holding a PNG that carries the
 * heatmap mark, read from its first bytes only. Anything else — another image, a file that cannot be
 * read — is not.
 */
export async function isMarkedHeatmap(path: string): Promise<boolean> {
  const head = Buffer.alloc(IHDR_END + 12 + MARK_DATA.length);
  // Never follow a link, never wait on a FIFO: open without blocking, then check what was opened.
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  const handle = await open(path, flags).catch(() => null);
  if (handle === null) return false;
  try {
    if (!(await handle.stat()).isFile()) return false;
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead < head.length || !head.subarray(0, 8).equals(SIGNATURE)) return false;
    const chunk = head.subarray(IHDR_END);
    return (
      chunk.readUInt32BE(0) === MARK_DATA.length &&
      chunk.toString('latin1', 4, 8) === 'tEXt' &&
      chunk.subarray(8, 8 + MARK_DATA.length).equals(MARK_DATA) &&
      chunk.readUInt32BE(8 + MARK_DATA.length) === crc32(chunk.subarray(4, 8 + MARK_DATA.length))
    );
  } finally {
    await handle.close();
  }
}
