import type { Block } from './view.ts';

/** "1–25 of 502. More: `/aims … page 2`" under a page of a list, or "N in all." on the last one. */
export function pagedFooter(
  page: { total: number; page: number; pageSize: number; shown: number },
  nextPageCommand: string,
  lastPageText = `${page.total} in all.`,
): Block {
  const shownTo = page.page * page.pageSize + page.shown;
  return {
    type: 'context',
    text:
      shownTo < page.total
        ? [{ text: `${page.page * page.pageSize + 1}–${shownTo} of ${page.total}. More: ` }, { text: nextPageCommand, style: 'code' }]
        : lastPageText,
  };
}
