import pg from 'pg';

/** The channel every write unit notifies (pg_notify in its first statement, delivered when it commits). */
export const CHANGES_CHANNEL = 'aims_changes';

/** Longest a mark stands without a notice: what changed the database outside a write unit is seen by then. */
const MARK_SECONDS = 1;

/**
 * Counts changes to one PostgreSQL database for a store's change mark: its own write units (count) and
 * every commit's notice on CHANGES_CHANNEL, heard on a connection of its own (LISTEN). The connection
 * opens at the first mark asked for, so a CLI run that never asks opens none; until it listens, and after
 * it failed, there is no mark (undefined), so callers read the store every time.
 */
export class ChangeListener {
  private changes = 0;
  private client: pg.Client | undefined;
  private state: 'idle' | 'connecting' | 'listening' | 'failed' | 'closed' = 'idle';

  constructor(private readonly url: string) {}

  count(): void {
    this.changes += 1;
  }

  mark(): string | undefined {
    if (this.state === 'idle') this.listen();
    if (this.state !== 'listening') return undefined;
    return `${this.changes}:${Math.floor(Date.now() / (MARK_SECONDS * 1000))}`;
  }

  private listen(): void {
    this.state = 'connecting';
    const client = new pg.Client({ connectionString: this.url });
    this.client = client;
    const fail = (): void => {
      if (this.state === 'closed') return;
      this.state = 'failed';
      this.changes += 1;
      void client.end().catch(() => undefined);
    };
    client.on('error', fail);
    client.on('end', fail);
    client.on('notification', () => {
      this.changes += 1;
    });
    client
      .connect()
      .then(async () => await client.query(`LISTEN ${CHANGES_CHANNEL}`))
      .then(() => {
        // Anything committed before LISTEN took effect was read after this mark moved, so it counts as a change.
        this.changes += 1;
        if (this.state === 'connecting') this.state = 'listening';
      })
      .catch(fail);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.state = 'closed';
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
