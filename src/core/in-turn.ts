/**
 * Array helpers for async callbacks that must run one after the other: inside a unit of work each
 * callback's queries (and audit appends) have to happen in order, never interleaved as Promise.all would.
 */
export async function mapInTurn<T, R>(items: Iterable<T>, fn: (item: T, index: number) => Promise<R> | R): Promise<R[]> {
  const results: R[] = [];
  let index = 0;
  for (const item of items) results.push(await fn(item, index++));
  return results;
}

/** `flatMap` with an async callback, one item after the other. */
export async function flatMapInTurn<T, R>(items: Iterable<T>, fn: (item: T) => Promise<readonly R[] | R[]> | readonly R[]): Promise<R[]> {
  return (await mapInTurn(items, fn)).flat() as R[];
}

/** `filter` with an async test, one item after the other. */
export async function filterInTurn<T>(items: Iterable<T>, keep: (item: T) => Promise<boolean> | boolean): Promise<T[]> {
  const kept: T[] = [];
  for (const item of items) if (await keep(item)) kept.push(item);
  return kept;
}

/** `some` with an async test, stopping at the first match. */
export async function someInTurn<T>(items: Iterable<T>, test: (item: T) => Promise<boolean> | boolean): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}
