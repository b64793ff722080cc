import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Inflate } from 'fflate';

/**
 * Reads a zip without holding it: the central directory from the end of the file, then each entry's
 * data a chunk at a time, inflated through fflate's streaming Inflate, so the memory used is a few
 * chunks whatever the size of the pack. Every way a zip can be wrong is a ZipFormatError naming it.
 */

/** Where the zip's bytes are: a file (read by position) or bytes already in memory. */
export interface ZipSource {
  readonly size: number;
  /** Reads up to `buffer.length` bytes at `position`; returns how many were read. */
  read(buffer: Uint8Array, position: number): number;
  close(): void;
}

export function fileSource(path: string): ZipSource {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    return {
      size,
      read: (buffer, position) => readSync(fd, buffer, 0, buffer.length, position),
      close: () => closeSync(fd),
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

export function bytesSource(bytes: Uint8Array): ZipSource {
  return {
    size: bytes.length,
    read: (buffer, position) => {
      const part = bytes.subarray(position, Math.min(bytes.length, position + buffer.length));
      buffer.set(part);
      return part.length;
    },
    close: () => undefined,
  };
}

/** A zip that cannot be read, and why. */
export class ZipFormatError extends Error {}

export interface ZipEntryInfo {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const CHUNK = 64 * 1024;

function readExactly(source: ZipSource, position: number, length: number, what: string): Uint8Array {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = source.read(buffer.subarray(done), position + done);
    if (n <= 0) throw new ZipFormatError(`truncated zip: ${what} runs past the end of the file`);
    done += n;
  }
  return buffer;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The entries the central directory lists, in its order. */
export function readCentralDirectory(source: ZipSource): ZipEntryInfo[] {
  if (source.size < 22) throw new ZipFormatError(source.size === 0 ? 'not a zip: the file is empty' : 'not a zip: too short');
  // The end record is the last 22 bytes unless the zip has a comment: read those first, and the longest
  // a comment can be (64 KiB) only when the record is not there.
  let tailStart = source.size - 22;
  let tail = readExactly(source, tailStart, 22, 'the end of the file');
  let tailView = view(tail);
  let at = tailView.getUint32(0, true) === EOCD && tailView.getUint16(20, true) === 0 ? 0 : -1;
  if (at < 0) {
    const tailLength = Math.min(source.size, 22 + 0xffff);
    tailStart = source.size - tailLength;
    tail = readExactly(source, tailStart, tailLength, 'the end of the file');
    tailView = view(tail);
    for (let i = tail.length - 22; i >= 0; i -= 1)
      if (tailView.getUint32(i, true) === EOCD && i + 22 + tailView.getUint16(i + 20, true) <= tail.length) {
        at = i;
        break;
      }
  }
  if (at < 0) {
    const head = readExactly(source, 0, 4, 'the first header');
    throw new ZipFormatError(
      view(head).getUint32(0, true) === LOCAL
        ? 'truncated zip: it starts as a zip but has no central directory at its end (the file was cut short)'
        : 'not a zip (no zip header at its start, no central directory at its end)',
    );
  }
  const count = tailView.getUint16(at + 10, true);
  const cdSize = tailView.getUint32(at + 12, true);
  const cdOffset = tailView.getUint32(at + 16, true);
  if (
    count === 0xffff ||
    cdSize === 0xffffffff ||
    cdOffset === 0xffffffff ||
    (at >= 20 && tailView.getUint32(at - 20, true) === ZIP64_LOCATOR)
  )
    throw new ZipFormatError('a zip64 archive (over 4 GB or 65,535 files): not an evidence pack');
  const eocdPosition = tailStart + at;
  if (cdOffset + cdSize > eocdPosition)
    throw new ZipFormatError('truncated or damaged zip: the central directory does not fit before its end record');
  const cd = readExactly(source, cdOffset, cdSize, 'the central directory');
  const cdView = view(cd);
  const decoder = new TextDecoder();
  const entries: ZipEntryInfo[] = [];
  let p = 0;
  for (let i = 0; i < count; i += 1) {
    if (p + 46 > cd.length || cdView.getUint32(p, true) !== CENTRAL)
      throw new ZipFormatError(`damaged zip: entry ${i + 1} of the central directory is not where it should be`);
    const nameLength = cdView.getUint16(p + 28, true);
    const extraLength = cdView.getUint16(p + 30, true);
    const commentLength = cdView.getUint16(p + 32, true);
    if (p + 46 + nameLength > cd.length) throw new ZipFormatError(`damaged zip: entry ${i + 1}'s name runs past the central directory`);
    const entry: ZipEntryInfo = {
      name: decoder.decode(cd.subarray(p + 46, p + 46 + nameLength)),
      method: cdView.getUint16(p + 10, true),
      crc: cdView.getUint32(p + 16, true),
      compressedSize: cdView.getUint32(p + 20, true),
      size: cdView.getUint32(p + 24, true),
      localOffset: cdView.getUint32(p + 42, true),
    };
    if ((cdView.getUint16(p + 8, true) & 1) !== 0) throw new ZipFormatError(`${entry.name} is encrypted`);
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32(crc: number, bytes: Uint8Array): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i += 1) c = (CRC_TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Streams one entry's uncompressed bytes to `onData`, a chunk at a time, and checks them against the
 * central directory (size and CRC-32). Throws a ZipFormatError naming what is wrong.
 */
export function streamEntry(source: ZipSource, entry: ZipEntryInfo, onData: (chunk: Uint8Array) => void): void {
  const local = readExactly(source, entry.localOffset, 30, `${entry.name}'s header`);
  const localView = view(local);
  if (localView.getUint32(0, true) !== LOCAL)
    throw new ZipFormatError(`damaged zip: ${entry.name}'s header is not where the directory says`);
  const dataStart = entry.localOffset + 30 + localView.getUint16(26, true) + localView.getUint16(28, true);
  if (dataStart + entry.compressedSize > source.size)
    throw new ZipFormatError(`truncated zip: ${entry.name}'s data runs past the end of the file`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipFormatError(`${entry.name}: compression method ${entry.method} is not supported`);
  let size = 0;
  let crc = 0;
  const out = (chunk: Uint8Array) => {
    size += chunk.length;
    if (size > entry.size) throw new ZipFormatError(`${entry.name} inflates to more than the ${entry.size} bytes the directory says`);
    crc = crc32(crc, chunk);
    onData(chunk);
  };
  let ended = false;
  const inflate =
    entry.method === 8
      ? new Inflate((chunk, final) => {
          if (chunk.length > 0) out(chunk);
          if (final) ended = true;
        })
      : undefined;
  const buffer = new Uint8Array(Math.min(CHUNK, Math.max(1, entry.compressedSize)));
  let done = 0;
  try {
    if (entry.compressedSize === 0 && inflate) inflate.push(new Uint8Array(0), true);
    while (done < entry.compressedSize) {
      const want = Math.min(buffer.length, entry.compressedSize - done);
      const chunk = readExactly(source, dataStart + done, want, `${entry.name}'s data`);
      done += want;
      if (inflate) inflate.push(chunk, done === entry.compressedSize);
      else out(chunk);
    }
  } catch (error) {
    if (error instanceof ZipFormatError) throw error;
    throw new ZipFormatError(`${entry.name} does not inflate (${error instanceof Error ? error.message : String(error)})`);
  }
  if (inflate && !ended) throw new ZipFormatError(`${entry.name}'s compressed data ends early`);
  if (size !== entry.size) throw new ZipFormatError(`${entry.name} inflates to ${size} bytes, the zip's directory says ${entry.size}`);
  if (crc !== entry.crc) throw new ZipFormatError(`${entry.name}: CRC-32 differs from the zip's directory (its bytes were damaged)`);
}

/** One entry whole, for the small ones (manifest.json); refused above `limit` bytes. */
export function readEntry(source: ZipSource, entry: ZipEntryInfo, limit: number): Uint8Array {
  if (entry.size > limit) throw new ZipFormatError(`${entry.name} is ${entry.size} bytes, more than the ${limit} it may be`);
  const bytes = new Uint8Array(entry.size);
  let at = 0;
  streamEntry(source, entry, (chunk) => {
    bytes.set(chunk, at);
    at += chunk.length;
  });
  return bytes;
}

/** Splits a stream of UTF-8 bytes into lines (without their "\n"); the last line may lack one. */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private rest = '';
  private lineNo = 0;

  constructor(private readonly onLine: (text: string, lineNo: number) => void) {}

  push(chunk: Uint8Array): void {
    const text = this.rest + this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.lineNo += 1;
      this.onLine(text.slice(start, end), this.lineNo);
      start = end + 1;
    }
    this.rest = text.slice(start);
  }

  end(): void {
    const text = this.rest + this.decoder.decode();
    this.rest = '';
    if (text !== '') {
      this.lineNo += 1;
      this.onLine(text, this.lineNo);
    }
  }
}
