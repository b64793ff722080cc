import type { CommandContext } from '../../chat/commands/command-context.ts';
import { message, type ChatResponse } from '../../chat/views/view.ts';
import { packPeriod } from './service.ts';

const answer = (text: string): ChatResponse => message({ summary: text, blocks: [{ type: 'text', text }], visibility: 'private' });

/**
 * `export [from] [to]`: the signed evidence pack of the workspace. The request is recorded (with its
 * audit event) and answered at once (Slack wants an answer in 3 s, a pack takes longer); the pack worker
 * builds it and sends it to the asker's direct messages: pack.zip on Slack, a one-time link on Teams.
 */
export async function exportCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, request } = ctx;
  services.evidencePack.assertMayExport(actor);
  const period = packPeriod(args, services.clock.now());
  const platform = request.contact.platform;
  const { fresh } = await services.evidencePack.request(actor, period, platform);
  const where = platform === 'slack' ? 'it will be in your direct messages' : 'a one-time download link will come in our personal chat';
  if (!fresh) return answer(`Your evidence pack (${period.from} to ${period.to}) is already being built: ${where} in a minute.`);
  return answer(`Your evidence pack (${period.from} to ${period.to}) is being built: ${where} in a minute.`);
}
