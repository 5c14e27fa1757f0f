import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

// Never block on a named pipe: opened without waiting, then checked on the handle. 0 where unknown (Windows).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
/** Add to `flags` to refuse a symbolic link as the last part of the path (0 where unknown). */
export const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** What a non-regular file is, for messages: `a folder`, `a named pipe`, `a device`, `a socket`. */
export function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Options of {@link readRegularFile}. */
export interface RegularFileOptions {
  /** Extra `open` flags, e.g. {@link NO_FOLLOW}. Default 0. */
  flags?: number;
  /** The size a caller's earlier `stat` saw: a file of another size now has changed. Default: any. */
  size?: number;
  /** The largest file read, in bytes; a larger one is refused unread. Default: no limit. */
  maxBytes?: number;
}

/**
 * Reads the whole of the regular file at `path`, opened without blocking and checked on the open
 * handle (so a pipe or device, also one swapped in since an earlier check, is refused at once, never
 * waited on), reading no more bytes than the handle's size (a growing file is cut there).
 *
 * @param fail builds the error from why the file is refused: `does not exist`, `cannot be read (EACCES)`,
 *   `is a named pipe, not a regular file`, `has 3000000000 bytes, more than 1000 are read`,
 *   `changed while it was being read`
 */
export async function readRegularFile(
  path: string,
  options: RegularFileOptions,
  fail: (why: string, cause?: unknown) => Error,
): Promise<Buffer> {
  const handle = await open(path, READ_FLAGS | (options.flags ?? 0)).catch((error: NodeJS.ErrnoException) => {
    throw fail(error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code ?? error.message})`, error);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw fail(`is ${kindOf(info)}, not a regular file`);
    if (options.size !== undefined && info.size !== options.size) throw fail('changed while it was being read');
    if (options.maxBytes !== undefined && info.size > options.maxBytes)
      throw fail(`has ${info.size} bytes, more than ${options.maxBytes} are read`);
    const data = Buffer.alloc(info.size);
    let offset = 0;
    while (offset < info.size) {
      const { bytesRead } = await handle.read(data, offset, info.size - offset, offset);
      if (bytesRead === 0) throw fail('changed while it was being read');
      offset += bytesRead;
    }
    return data;
  } finally {
    await handle.close();
  }
}
