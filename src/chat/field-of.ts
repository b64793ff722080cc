// Input schema fields whose form field has another name.
const FIELD_OF: Record<string, string> = { ownerPersonId: 'owner', aiSystemId: 'aiSystem' };

/**
 * Where a form shows an error of its input schema: `ownerPersonId` at `owner`, and the numbered
 * corrective-action slots ("actions.0.title" at "action1Title") that resolve and review-done forms share.
 */
export function defaultFieldOf(path: string): string {
  const renamed = FIELD_OF[path];
  if (renamed) return renamed;
  const match = /^actions\.(\d+)\.(title|ownerPersonId|dueDate)$/.exec(path);
  if (!match) return path === 'actions' ? 'action1Title' : path;
  const n = Number(match[1]) + 1;
  return `action${n}${match[2] === 'title' ? 'Title' : match[2] === 'dueDate' ? 'Due' : 'Owner'}`;
}
