// The bench's hooks into the at-size scripts other work provides (each loaded only when its file exists):
// scripts/bench/seed-large-store.ts + scripts/bench/status-at-size.ts (status on a store of 10k systems,
// 100k incidents, 1M training completions, 1M audit events) and scripts/bench/nudge-sweep.ts (a nudge
// sweep of 100k open items for 5k people). Each runs on a store of each kind; the sweep runs inside a bot
// host, where its event-loop delay is measured while signed slash commands are acknowledged beside it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunningAims } from '../../src/app.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';

/** A module of scripts/bench/, or undefined when the file is not there yet. */
export async function optionalModule<T>(file: string): Promise<T | undefined> {
  const path = join(import.meta.dirname, file);
  if (!existsSync(path)) return undefined;
  return (await import(pathToFileURL(path).href)) as T;
}

export interface SeedModule {
  /** Fills the store; says which workspace is the large one and who in it approves. */
  seedLargeStore(store: GovernanceStore): Promise<{ workspaceId: number; approverPersonId?: number }>;
}

export interface StatusAtSizeModule {
  /** StatusService.summarize on the workspace (cold and warm), with the process's memory: figures to print. */
  statusAtSize(store: GovernanceStore, workspaceId: number, options?: { personId?: number }): Promise<unknown>;
}

export interface NudgeSweepModule {
  /** Seeds `items` open corrective actions, overdue at the returned `at`, owned round-robin by `people` people. */
  seedNudgeItems(store: GovernanceStore, items: number, people: number): Promise<{ at: Date; items: number; people: unknown[] }>;
}

/**
 * Inside a bot host: the sweep as the scheduler runs it, through the running bot (app.runJob: its store,
 * its services, its job messengers posting each DM to the fake Slack over HTTP), as of `args.at`.
 */
export async function sweepInHost(app: RunningAims, args: Record<string, unknown>): Promise<unknown> {
  return await app.runJob('nudges', new Date(String(args.at)));
}
