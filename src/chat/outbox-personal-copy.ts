import type { PersonalCopy } from '../core/posted/posted-copy.ts';
import type { FeatureContext } from './feature.ts';
import type { MessageView } from './views/view.ts';

/**
 * Where the person who just submitted a form keeps their own, live copy of the record:
 * - Teams, in their personal chat: the card the form turns into in place (Action.Execute answers
 *   replace the form), tracked by the id of that message;
 * - Teams, from a channel dialog: a direct message, where the bot can reach them (it cannot before
 *   they opened a chat with it or installed it);
 * - Slack: a direct message. The modal's confirmation closes with the modal, and an ephemeral reply
 *   can never be updated, so neither can stay live.
 */
export function personalCopyFor(ctx: FeatureContext): PersonalCopy {
  const { origin, platform, contact } = ctx;
  if (platform === 'teams') {
    const conversation = origin.conversation;
    if (conversation?.kind === 'direct' && origin.card && origin.card.channelId === conversation.id) {
      // Their personal chat's reference (stored with the contact) is what updates it later.
      const reference = contact.person.directReference ?? conversation.reference;
      return {
        kind: 'in-place',
        channelId: origin.card.channelId,
        messageId: origin.card.messageId,
        ...(reference === undefined || reference === null ? {} : { reference }),
      };
    }
    return contact.person.directReference ? { kind: 'direct' } : { kind: 'none' };
  }
  return { kind: 'direct' };
}

/** A person's copy of a record's card: a line on top, and its buttons only while they still lead somewhere. */
export function personalView(card: MessageView, line: string, live: boolean): MessageView {
  return {
    ...card,
    blocks: [{ type: 'text', text: line }, ...card.blocks.filter((block) => live || block.type !== 'actions')],
    visibility: 'private',
  };
}
