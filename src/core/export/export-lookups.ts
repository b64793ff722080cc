import { personLabel } from '../identity.ts';
import type { Repositories } from '../ports.ts';

/** People's labels by id, for an export's owner and "by" columns (one query per distinct set). */
export async function personLabels(repos: Repositories, workspaceId: number, ids: Iterable<number | null>): Promise<Map<number, string>> {
  const wanted = [...new Set([...ids].filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  return new Map((await repos.people.findByIds(workspaceId, wanted)).map((person) => [person.id, personLabel(person)]));
}

/** Every page of a paged list, in order. */
export async function allPages<T>(page: (p: { limit: number; offset: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += 500) {
    const found = await page({ limit: 500, offset });
    items.push(...found.items);
    if (found.items.length < 500) return items;
  }
}
