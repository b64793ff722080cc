import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabaseAt, databaseUrl } from './pg-create-database.ts';
import { freePort } from './free-port.ts';
import { pgBinaries, type PgBinaries } from './pg-binaries.ts';
import { giveDirectoryTo, pgServerUser, type PgServerUser } from './pg-server-user.ts';

export { pgBinaries } from './pg-binaries.ts';

/** A throwaway PostgreSQL server in a temp directory on a loopback port; user `aims`, trust authentication. */
export interface PgCluster {
  /** The temp directory holding the data directory, the log and the unix socket; removed by stop(). */
  readonly dir: string;
  readonly port: number;
  /** The server's major version, e.g. "15". */
  readonly majorVersion: string;
  url(db?: string): string;
  /** Creates a database (a unique name unless given; empty, or a copy of `template`) and returns its URL. */
  createDatabase(name?: string, template?: string): Promise<string>;
  /** Stops the server at once (-m immediate: nothing in it is kept) and removes its directory. */
  stop(): Promise<void>;
}

// Generous on purpose: a loaded 2-core machine running several suites can take many seconds to start a server.
const TIMEOUT_S = 60;
const PORT_ATTEMPTS = 3;

interface Server {
  binaries: PgBinaries;
  user: PgServerUser | undefined;
  dir: string;
  data: string;
}

/** Our environment without PG* variables, which would otherwise point the tools at another server or directory. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
}

function commandLine(server: Server, command: string, args: string[]): [string, string[]] {
  const [file, ...rest] = [...(server.user?.prefix ?? []), command, ...args];
  return [file ?? command, rest];
}

/** Runs a PostgreSQL tool as the server user; a failure carries the tool's own words. */
function run(server: Server, command: string, args: string[]): Promise<string> {
  const [file, rest] = commandLine(server, command, args);
  return new Promise((resolve, reject) => {
    // cwd is the cluster's directory: the server user may not be allowed into ours.
    execFile(
      file,
      rest,
      { cwd: server.dir, env: childEnv(), timeout: (TIMEOUT_S + 30) * 1000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command.split('/').pop()} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

function logTail(server: Server): string {
  const path = join(server.dir, 'server.log');
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trim().split('\n').slice(-15).join('\n');
}

/** pg_ctl start on a free port, again on another one when something took the port in between. */
async function startOnFreePort(server: Server): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await run(server, server.binaries.pgCtl, [
        '-D',
        server.data,
        '-l',
        join(server.dir, 'server.log'),
        '-w',
        '-t',
        String(TIMEOUT_S),
        '-o',
        `-p ${port}`,
        'start',
      ]);
      return port;
    } catch (error) {
      const log = logTail(server);
      if (attempt < PORT_ATTEMPTS && /could not bind|address already in use/i.test(log)) continue;
      throw new Error(`${(error as Error).message}\nserver log:\n${log}`);
    }
  }
}

// Servers still running when the process exits (a test that failed before stop()): stopped and removed.
const live = new Set<Server>();
let exitHookInstalled = false;

function stopNow(server: Server): void {
  const [file, rest] = commandLine(server, server.binaries.pgCtl, ['-D', server.data, '-m', 'immediate', '-w', 'stop']);
  spawnSync(file, rest, { cwd: server.dir, env: childEnv(), stdio: 'ignore', timeout: TIMEOUT_S * 1000 });
  rmSync(server.dir, { recursive: true, force: true });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const server of live) stopNow(server);
  });
}

function settings(dir: string): string {
  const quoted = dir.replaceAll("'", "''");
  return [
    '',
    '# aims-bot test cluster: loopback only, a socket in the temp directory, durability traded for speed.',
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${quoted}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    // Two bot processes with their pools plus the tests' own connections.
    'max_connections = 200',
    '',
  ].join('\n');
}

/** Starts a throwaway PostgreSQL cluster (initdb in a new temp directory, then pg_ctl start); stop() drops it. */
export async function startPgCluster(binaries: PgBinaries | undefined = pgBinaries()): Promise<PgCluster> {
  if (!binaries) throw new Error("No initdb/pg_ctl found (install Debian's postgresql).");
  const user = pgServerUser();
  const dir = await mkdtemp(join(tmpdir(), 'aims-pg-'));
  const server: Server = { binaries, user, dir, data: join(dir, 'data') };
  let port: number;
  try {
    if (user) giveDirectoryTo(user, dir);
    await run(server, binaries.initdb, ['-D', server.data, '-A', 'trust', '-U', 'aims', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await appendFile(join(server.data, 'postgresql.conf'), settings(dir));
    live.add(server);
    installExitHook();
    port = await startOnFreePort(server);
  } catch (error) {
    live.delete(server);
    stopNow(server);
    throw error;
  }
  const url = (db = 'postgres') => databaseUrl(`postgres://aims@127.0.0.1:${port}/`, db);
  let majorVersion: string;
  const client = new pg.Client({ connectionString: url() });
  try {
    await client.connect();
    const result = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    majorVersion = String(Math.floor(Number(result.rows[0]?.server_version_num) / 10000));
  } catch (error) {
    live.delete(server);
    stopNow(server);
    throw new Error(`PostgreSQL started on port ${port} but did not answer: ${(error as Error).message}\nserver log:\n${logTail(server)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  let stopped = false;
  return {
    dir,
    port,
    majorVersion,
    url,
    createDatabase: async (name, template) => await createDatabaseAt(url(), name, template),
    async stop() {
      if (stopped) return;
      stopped = true;
      live.delete(server);
      let failure: unknown;
      try {
        await run(server, binaries.pgCtl, ['-D', server.data, '-m', 'immediate', '-w', '-t', String(TIMEOUT_S), 'stop']);
      } catch (error) {
        // A server that is already gone has nothing to stop; one still running is worth saying.
        if (existsSync(join(server.data, 'postmaster.pid'))) failure = error;
      }
      await rm(dir, { recursive: true, force: true });
      if (failure) throw failure;
    },
  };
}
