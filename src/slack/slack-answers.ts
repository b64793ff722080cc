/**
 * What the bot answered to recent slash commands, by dedupe key, so that a replay (the same
 * trigger_id signed again) gets the same answer while the inbound dedupe keeps it from running
 * twice. Replays older than Slack's 5-minute signature window are refused before they get here.
 */
export class SlackAnswers {
  private readonly answers = new Map<string, { at: number; answer: unknown }>();

  constructor(
    private readonly keepMs = 10 * 60_000,
    private readonly max = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  remember(key: string, answer: unknown): void {
    this.forgetOld();
    this.answers.set(key, { at: this.now(), answer });
    // Oldest first in a Map: drop from the front past the cap.
    for (const oldest of this.answers.keys()) {
      if (this.answers.size <= this.max) break;
      this.answers.delete(oldest);
    }
  }

  get(key: string): unknown {
    this.forgetOld();
    return this.answers.get(key)?.answer;
  }

  private forgetOld(): void {
    const cutoff = this.now() - this.keepMs;
    for (const [key, entry] of this.answers) {
      if (entry.at >= cutoff) break;
      this.answers.delete(key);
    }
  }
}
