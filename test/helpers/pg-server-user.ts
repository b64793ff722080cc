import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * Who runs initdb, pg_ctl and postgres. initdb and postgres refuse to run as root, so as root they run
 * as the `postgres` user (Debian's package creates it) through runuser or setpriv; otherwise as ourselves.
 */
export interface PgServerUser {
  name: string;
  uid: number;
  gid: number;
  /** The command and arguments that run the next command as this user. */
  prefix: string[];
}

function idOf(name: string, flag: '-u' | '-g'): number | undefined {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

function findTool(name: string): string | undefined {
  // runuser and setpriv live in sbin, which a non-login PATH may lack.
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs.filter((d) => d !== '')) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The unprivileged user to run the server as when we are root; undefined when we are not root (run as ourselves). */
export function pgServerUser(): PgServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = idOf(name, '-u');
    const gid = idOf(name, '-g');
    if (uid === undefined || gid === undefined || uid === 0) continue;
    const runuser = findTool('runuser');
    if (runuser) return { name, uid, gid, prefix: [runuser, '-u', name, '--'] };
    const setpriv = findTool('setpriv');
    if (setpriv) return { name, uid, gid, prefix: [setpriv, `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'] };
    throw new Error('Running as root, but neither runuser nor setpriv is installed to run PostgreSQL as an unprivileged user.');
  }
  throw new Error('Running as root, and no unprivileged user (postgres or nobody) exists to run PostgreSQL as.');
}

/**
 * Hands the cluster's directory to the server user and lets that user reach it: every parent directory
 * gets the search bit for others if it lacks it (search only, never read: nothing becomes listable).
 */
export function giveDirectoryTo(user: PgServerUser, dir: string): void {
  chownSync(dir, user.uid, user.gid);
  for (let parent = dirname(dir); ; parent = dirname(parent)) {
    const mode = statSync(parent).mode;
    if ((mode & 0o001) === 0) chmodSync(parent, (mode & 0o7777) | 0o001);
    if (dirname(parent) === parent) break;
  }
}
