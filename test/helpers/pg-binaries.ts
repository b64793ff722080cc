import { accessSync, constants, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Where initdb and pg_ctl live; pg_ctl finds `postgres` beside itself. */
export interface PgBinaries {
  dir: string;
  initdb: string;
  pgCtl: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function inDir(dir: string): PgBinaries | undefined {
  const initdb = join(dir, 'initdb');
  const pgCtl = join(dir, 'pg_ctl');
  if (!executable(initdb) || !executable(pgCtl)) return undefined;
  // Debian links them into PATH from /usr/lib/postgresql/N/bin: report the real directory.
  const real = dirname(realpathSync(pgCtl));
  return { dir: real, initdb: realpathSync(initdb), pgCtl: realpathSync(pgCtl) };
}

/** Debian keeps each major version in /usr/lib/postgresql/N/bin, outside PATH: the newest one. */
function debianNewest(): PgBinaries | undefined {
  let versions: string[];
  try {
    versions = readdirSync('/usr/lib/postgresql');
  } catch {
    return undefined;
  }
  for (const version of versions.filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a))) {
    const found = inDir(join('/usr/lib/postgresql', version, 'bin'));
    if (found) return found;
  }
  return undefined;
}

/** initdb and pg_ctl from PATH, else Debian's newest; undefined when this machine has no PostgreSQL server. */
export function pgBinaries(path: string = process.env.PATH ?? ''): PgBinaries | undefined {
  for (const dir of path.split(delimiter).filter((d) => d !== '')) {
    const found = inDir(dir);
    if (found) return found;
  }
  return debianNewest();
}
