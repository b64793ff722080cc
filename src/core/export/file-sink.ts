import { closeSync, openSync, rmSync, writeSync } from 'node:fs';

/** What an export writes its bytes to, a chunk at a time. */
export interface ExportSink {
  write(data: string | Uint8Array): void;
  /** Flushes and closes; `failed` removes what was written. */
  close(failed?: boolean): void;
}

const FLUSH_AT = 64 * 1024;

/** A file written through a small buffer: opened on the first write, so a failed export before any row leaves no file. */
export function fileSink(path: string): ExportSink {
  let fd: number | undefined;
  let pending: Uint8Array[] = [];
  let size = 0;
  const encoder = new TextEncoder();
  const flush = () => {
    if (size === 0 && fd !== undefined) return;
    fd ??= openSync(path, 'w');
    for (const chunk of pending) writeSync(fd, chunk);
    pending = [];
    size = 0;
  };
  return {
    write(data) {
      const bytes = typeof data === 'string' ? encoder.encode(data) : data;
      pending.push(bytes);
      size += bytes.length;
      if (size >= FLUSH_AT) flush();
    },
    close(failed = false) {
      if (!failed) flush();
      if (fd !== undefined) closeSync(fd);
      if (failed && fd !== undefined) rmSync(path, { force: true });
    },
  };
}
