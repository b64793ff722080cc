/** A lower-case LIKE pattern for "contains", wildcards escaped so "100%" finds "100%", not everything. */
export function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
