export interface ParsedCommand {
  /** The subcommand word, lower-cased, or null when nothing was said. */
  name: string | null;
  args: string[];
}

/** Splits "incident list open" or `role grant "Ada L" admin` into a subcommand and its arguments. */
export function parseCommand(text: string): ParsedCommand {
  const words = tokenize(text);
  const first = words.shift();
  return { name: first === undefined ? null : first.toLowerCase(), args: words };
}

function tokenize(text: string): string[] {
  const words: string[] = [];
  // Slack and Teams clients turn straight quotes into curly ones; accept both.
  const pattern = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return words;
}

/** Drops a leading "aims" (and a leading @mention already stripped by the adapter) from free text. */
export function stripBotName(text: string): string {
  return text.replace(/^\s*\/?aims\b[\s:,]*/i, '').trim();
}

/** "what's our status?", "status?", "how are we doing on status" — a question about the status. */
export function asksForStatus(text: string): boolean {
  const words = text.toLowerCase();
  return /\bstatus\b/.test(words) || /\bhow are we doing\b/.test(words);
}

/**
 * Free text (a DM, an @mention, a Teams message) that starts with "aims" is a command like
 * `/aims ...`; anything else is a message that may still be a bare subcommand or a question.
 */
export function classifyFreeText(text: string): { source: 'command' | 'message'; text: string } {
  const trimmed = text.trim();
  if (/^\/?aims\b/i.test(trimmed)) return { source: 'command', text: stripBotName(trimmed) };
  return { source: 'message', text: trimmed };
}
