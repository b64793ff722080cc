import { personLabel } from '../identity.ts';
import type { Repositories } from '../ports.ts';
import { yieldToEventLoop } from '../yield-to-event-loop.ts';
import type { ExportAt, ExportRow } from './export-source.ts';

/** How many records an export reads at a time. */
export const EXPORT_PAGE_SIZE = 500;

/** People's labels by id, for an export's owner and "by" columns (one query per distinct set). */
export async function personLabels(repos: Repositories, workspaceId: number, ids: Iterable<number | null>): Promise<Map<number, string>> {
  const wanted = [...new Set([...ids].filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  return new Map((await repos.people.findByIds(workspaceId, wanted)).map((person) => [person.id, personLabel(person)]));
}

/** Distinct ids, nulls left out. */
export const idsOf = (ids: Iterable<number | null | undefined>): number[] => [
  ...new Set([...ids].filter((id): id is number => id !== null && id !== undefined)),
];

/** Items grouped by a key, each group in the items' order (a page's child records by their parent). */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * The rows of records read a page at a time along a key: `page(after, limit)` returns at most `limit`
 * records in key order after `after` (from the first when undefined); `rowsOf` turns one page into its
 * rows, reading the page's lookups in one query each. The event loop runs between pages.
 */
export async function* keysetRows<T, K>(
  at: ExportAt,
  page: (after: K | undefined, limit: number) => Promise<T[]>,
  keyOf: (item: T) => K,
  rowsOf: (items: T[]) => Promise<Iterable<ExportRow>> | Iterable<ExportRow>,
): AsyncGenerator<ExportRow> {
  const limit = Math.max(1, at.pageSize ?? EXPORT_PAGE_SIZE);
  let after: K | undefined;
  for (;;) {
    const items = await page(after, limit);
    if (items.length > 0) yield* await rowsOf(items);
    const last = items.at(-1);
    if (items.length < limit || last === undefined) return;
    after = keyOf(last);
    await yieldToEventLoop();
  }
}
