import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { Zip, ZipDeflate } from 'fflate';
import type { PackFile } from './pack-manifest.ts';

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
    return {
      push: (data) => {
        const bytes = typeof data === 'string' ? encoder.encode(data) : data;
        hash.update(bytes);
        size += bytes.length;
        file.push(bytes);
        this.check();
      },
      end: () => {
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
