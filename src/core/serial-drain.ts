import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

/**
 * Runs a background drain one at a time: a kick while one runs asks for another right after it (what
 * arrived meanwhile is not left until the next timer). Stopped, it starts no more.
 */
export class SerialDrain {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly drain: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** True once stopped: a drain in progress checks it between items. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Starts no more drains (one in progress sees `isStopped` between items; `idle` waits for it). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when no drain runs (one asked for meanwhile is waited for too). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

/** `host:pid:token`: who took a row (an outbox message, a pack request), so a later start can tell whether they are gone. */
export function processClaimant(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Whether the process that took a row is gone: only known for processes on this host (another host's
 * may be alive). This process's earlier incarnations share its pid but not its token.
 */
export function claimantIsGone(claimant: string, self: string): boolean {
  const [host, pid, token] = claimant.split(':');
  if (host !== hostname() || !pid) return false;
  if (claimant === self) return false;
  if (Number(pid) === process.pid) return token !== undefined;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Whether the process that took a row is known to be running: this process, or another of this host
 * whose pid answers (not this process's earlier incarnation). Every replica on one SQLite file is on
 * one host, so there a claim whose lease has passed is still known to be live while its process runs.
 */
export function claimantIsAlive(claimant: string, self: string): boolean {
  if (claimant === self) return true;
  const [host, pid] = claimant.split(':');
  if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
