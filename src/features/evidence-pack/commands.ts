import type { CommandContext } from '../../chat/commands/command-context.ts';
import { linkSpan, message, type ChatResponse, type MessageView } from '../../chat/views/view.ts';
import { isAimsError } from '../../core/errors.ts';
import type { PackManifest } from '../../evidence-pack/pack-manifest.ts';
import { packPeriod } from './service.ts';

const answer = (text: string, visibility: MessageView['visibility'] = 'private'): ChatResponse =>
  message({ summary: text, blocks: [{ type: 'text', text }], visibility });

const packLine = (manifest: PackManifest): string =>
  `${manifest.files.length + 1} files, ${manifest.chain.events} audit event(s), ${
    manifest.signature ? 'signed (Ed25519)' : 'UNSIGNED (no AIMS_SIGNING_KEY is set)'
  }`;

/** `export [from] [to]`: the signed evidence pack of the workspace, to the asker's direct messages (Slack). */
export async function exportCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, request, contact, cards } = ctx;
  services.evidencePack.assertMayExport(actor);
  const period = packPeriod(args, services.clock.now());
  const platform = request.contact.platform;
  if (!cards || !cards.canSendFiles(platform)) {
    // Teams: no upload from a bot message; a one-time link served by the bot, valid 15 minutes.
    const pack = await services.evidencePack.build(actor, period);
    const link = services.evidencePack.offer(pack);
    return message({
      summary: `Your evidence pack ${period.from} to ${period.to}`,
      blocks: [
        {
          type: 'text',
          text: [
            { text: `Your evidence pack (${period.from} to ${period.to}, ${packLine(pack.manifest)}): ` },
            linkSpan(link.url, 'download pack.zip'),
            {
              text: `. The link works once, until ${link.expiresAt.toISOString().slice(11, 16)} UTC. manifest.json sha256 ${pack.manifestSha256}.`,
            },
          ],
        },
      ],
      visibility: 'private',
    });
  }
  const title = `Evidence pack ${period.from} to ${period.to}`;
  const person = contact.person;
  // Slack wants its answer within 3 seconds and a pack takes longer: it is built and sent after the answer.
  services.evidencePack.inBackground(async () => {
    try {
      const pack = await services.evidencePack.build(actor, period);
      const note = `Your evidence pack, ${period.from} to ${period.to}: ${packLine(pack.manifest)}. manifest.json sha256 ${pack.manifestSha256}. An auditor checks it with \`npx aims audit verify --pack ${pack.filename}\`.`;
      await cards.directFile(
        platform,
        person,
        { summary: title, blocks: [{ type: 'text', text: note }], visibility: 'public' },
        {
          bytes: pack.bytes,
          filename: pack.filename,
          title,
        },
      );
    } catch (error) {
      services.logger.warn('the evidence pack could not be built or sent', { person: person.externalId, error });
      await cards.direct(platform, person, {
        summary: title,
        blocks: [
          {
            type: 'text',
            text: `${title} could not be built or sent (${isAimsError(error) ? error.message : 'an error on our side'}). Try again in a minute.`,
          },
        ],
        visibility: 'public',
      });
    }
  });
  return answer(`Your evidence pack (${period.from} to ${period.to}) is being built: it will be in your direct messages in a minute.`);
}
