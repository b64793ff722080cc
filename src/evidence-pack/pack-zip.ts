import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { Zip, ZipDeflate } from 'fflate';
import type { PackFile } from './pack-manifest.ts';

/** Characters of text gathered before they are deflated. */
const PIECE = 64 * 1024;

/** One file being written into the zip: its bytes are hashed and counted as they go in. */
export interface ZipEntryWriter {
  push(data: string | Uint8Array): void;
  end(): PackFile;
}

/**
 * Writes a zip straight to a file, one entry at a time (fflate, synchronous): what is pushed is
 * deflated and written to disk at once, so a large audit log never sits in memory.
 */
export class PackZipWriter {
  private readonly fd: number;
  private readonly zip: Zip;
  private failure: Error | undefined;
  private closed = false;

  constructor(
    path: string,
    private readonly mtime: Date,
  ) {
    this.fd = openSync(path, 'w');
    this.zip = new Zip((error, chunk) => {
      if (error) this.failure = error;
      else writeSync(this.fd, chunk);
    });
  }

  entry(name: string): ZipEntryWriter {
    const file = new ZipDeflate(name, { level: 6 });
    file.mtime = this.mtime;
    this.zip.add(file);
    const hash = createHash('sha256');
    let size = 0;
    const encoder = new TextEncoder();
    // Text is gathered into pieces of about 64 KiB before it is deflated: one line at a time (an audit log
    // of 100k events) made a typed array, a deflate call and a write per line.
    let pending = '';
    const write = (bytes: Uint8Array) => {
      hash.update(bytes);
      size += bytes.length;
      file.push(bytes);
      this.check();
    };
    const flush = () => {
      if (pending.length === 0) return;
      const text = pending;
      pending = '';
      write(encoder.encode(text));
    };
    return {
      push: (data) => {
        if (typeof data === 'string') {
          pending += data;
          if (pending.length >= PIECE) flush();
        } else {
          flush();
          write(data);
        }
      },
      end: () => {
        flush();
        file.push(new Uint8Array(0), true);
        this.check();
        return { name, sha256: hash.digest('hex'), size };
      },
    };
  }

  /** Writes a whole file at once. */
  add(name: string, data: string | Uint8Array): PackFile {
    const entry = this.entry(name);
    entry.push(data);
    return entry.end();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.zip.end();
      this.check();
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes the file after a failure, without finishing the zip. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
