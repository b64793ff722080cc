import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views/view.ts';
import { escapeMrkdwn, mrkdwnText, toMrkdwn, truncate } from '../../src/slack/mrkdwn.ts';
import { renderMessage } from '../../src/slack/render-blocks.ts';
import { checkSlackMessage, checkSlackView } from '../helpers/slack-limits.ts';
import { formattedRuns, quotedLines, shownText } from '../helpers/slack-mrkdwn-check.ts';

const view = (blocks: MessageView['blocks']): MessageView => ({ summary: 'summary <!here>', blocks, visibility: 'private' });

describe('mrkdwn', () => {
  it('escapes &, < and > so user text cannot mention, link or ping', () => {
    expect(escapeMrkdwn('<!channel> & <@U1> <https://evil|click>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://evil|click&gt;');
  });

  it('shows user text literally: no bold, italics, strikethrough, code, quote, link or mention comes out of it', () => {
    const typed = '*bold* _x_ ~x~ `code` ```block``` <!channel> <http://x|y> a*b*c';
    const out = mrkdwnText(typed);
    expect(formattedRuns(out)).toEqual([]);
    expect(out).not.toMatch(/[<>]/);
    expect(shownText(out)).toBe(typed);
    expect(quotedLines(mrkdwnText('fine\n> quoted\n  >also'))).toEqual([]);
    // The checker does see formatting where there is some: a green test means something.
    expect(formattedRuns('*bold* _x_ ~x~ `code`')).toEqual(['bold', 'x', 'x', 'code']);
    expect(quotedLines('&gt; quoted')).toHaveLength(1);
  });

  it('a spoofed "*Status:*" line in a field value or a paragraph is not bold, while the labels are', () => {
    const message = renderMessage(
      view([
        { type: 'fields', fields: [{ label: 'Affected', value: 'none\n*Status:* Approved' }] },
        { type: 'text', text: 'All good.\n*Status:* Approved by the board' },
        { type: 'text', text: [{ text: 'Root cause: ', style: 'bold' }, { text: '*not* _ours_' }] },
        { type: 'list', items: ['INC-1 · *Status:* Closed'] },
      ]),
    );
    const texts = message.blocks.flatMap((block) => [
      (block.text as { text?: string } | undefined)?.text ?? '',
      ...((block.fields as Array<{ text: string }> | undefined) ?? []).map((field) => field.text),
    ]);
    // Only the view's own styles are formatting: the field label and the bold span.
    expect(texts.flatMap(formattedRuns)).toEqual(['Affected', 'Root cause:']);
    expect(shownText(texts.join('\n'))).toContain('*Status:* Approved by the board');
  });

  it('never cuts a fenced marker in half', () => {
    const cut = truncate(mrkdwnText('a'.repeat(8) + '****'), 11);
    expect(cut.length).toBeLessThanOrEqual(11);
    expect(formattedRuns(`${cut} x*`)).toEqual([]);
  });

  it('styles spans and escapes inside them', () => {
    expect(toMrkdwn([{ text: 'a<b', style: 'bold' }, { text: ' ' }, { text: 'x`y', style: 'code' }])).toBe("*a&lt;b* `x'y`");
    // Spaces inside the markers would stop Slack styling: they go outside.
    expect(toMrkdwn([{ text: 'Root cause: ', style: 'bold' }, { text: 'drift' }])).toBe('*Root cause:* drift');
  });

  it('truncates without leaving half an entity', () => {
    const cut = truncate(escapeMrkdwn('a'.repeat(8) + '<<<<'), 12);
    expect(cut.length).toBeLessThanOrEqual(12);
    expect(cut).toMatch(/^a{8}(&lt;)?…$/);
  });
});

describe('renderMessage', () => {
  it('escapes the fallback text too', () => {
    expect(renderMessage(view([])).text).toBe('summary &lt;!here&gt;');
  });

  it('keeps a 500-item list inside 50 blocks and 3000 characters a section', () => {
    const items = Array.from(
      { length: 500 },
      (_, i) => `INC-${i + 1} <!channel> model drift on the fraud scorer, owner Ada, detected 12 days ago`,
    );
    const message = renderMessage(
      view([
        { type: 'header', text: 'Open incidents' },
        { type: 'list', items },
      ]),
    );
    expect(checkSlackMessage(message as unknown as Record<string, unknown>)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const text = JSON.stringify(message.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('INC-1 ');
  });

  it('says how much was left out when a view has more than 50 blocks', () => {
    const blocks: MessageView['blocks'] = Array.from({ length: 80 }, (_, i) => ({ type: 'text', text: `paragraph ${i}` }));
    const message = renderMessage(view(blocks));
    expect(message.blocks).toHaveLength(50);
    expect(JSON.stringify(message.blocks.at(-1))).toContain('and 31 more blocks not shown');
    expect(checkSlackMessage(message as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('splits more than 10 fields over several sections and cuts long values and headers', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `Field ${i}`, value: 'v'.repeat(2500) }));
    const message = renderMessage(
      view([
        { type: 'header', text: 'H'.repeat(400) },
        { type: 'fields', fields },
      ]),
    );
    expect(message.blocks.filter((block) => block.type === 'section')).toHaveLength(3);
    expect(checkSlackMessage(message as unknown as Record<string, unknown>)).toEqual([]);
  });
});

describe('the Slack limits checker used by the fakes', () => {
  it('reports each limit it guards, so a green check means something', () => {
    const problems = checkSlackMessage({
      blocks: [
        ...Array.from({ length: 50 }, () => ({ type: 'divider' })),
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } },
        { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'b'.repeat(76) }, value: 'v'.repeat(2001), action_id: 'a' }],
        },
        { type: 'made_up' },
      ],
    });
    expect(problems.join('\n')).toMatch(/51|56/);
    for (const expected of ['max 150', 'max 3000', '11 fields', 'max 75', 'max 2000', 'unknown block type']) {
      expect(problems.join('\n')).toContain(expected);
    }
    expect(
      checkSlackView({ title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [], private_metadata: 'm'.repeat(3001) }),
    ).toHaveLength(2);
  });
});

describe('colour, links, mentions and channels in mrkdwn', () => {
  it('puts a coloured emoji before a toned span', () => {
    expect(
      toMrkdwn([
        { text: 'S1', tone: 'attention' },
        { text: ' · ' },
        { text: 'FAIL', style: 'bold', tone: 'attention' },
        { text: ' · ' },
        { text: 'Resolved', tone: 'good' },
        { text: ' · ' },
        { text: 'S3', tone: 'warning' },
      ]),
    ).toBe('🔴 S1 · 🔴 *FAIL* · 🟢 Resolved · 🟠 S3');
  });

  it('renders a link span as <url|text> with the URL and label escaped, and only for http(s)', () => {
    expect(toMrkdwn([{ text: 'run <1> | *x*', url: 'https://ci.example/r?a=1&b=<2>|3' }])).toBe(
      '<https://ci.example/r?a=1&amp;b=&lt;2&gt;%7C3|run &lt;1&gt; ¦ \u200B*\u200Bx\u200B*\u200B>',
    );
    expect(toMrkdwn([{ text: 'click', url: 'javascript:alert(1)' }])).toBe('click');
    // Text that merely looks like a link is data.
    expect(toMrkdwn('<https://evil.example|Sign in>')).toBe('&lt;https://evil.example|Sign in&gt;');
  });

  it('mentions a person and names a channel by id; anything that is not a Slack id is shown as text', () => {
    expect(toMrkdwn([{ text: 'Olivia', mention: 'U0OWNER' }])).toBe('<@U0OWNER>');
    expect(toMrkdwn([{ text: 'Olivia', mention: '!channel' }])).toBe('Olivia');
    expect(toMrkdwn([{ text: '#ai-incidents', channel: 'C0INC' }])).toBe('<#C0INC>');
    expect(toMrkdwn([{ text: '#x', channel: '19:abc@thread.tacv2' }])).toBe('#x');
  });

  it('gives each list row that opens a record its own section and button, within 50 blocks', () => {
    const items = Array.from({ length: 25 }, (_, i) => `INC-${i + 1}`);
    const message = renderMessage(
      view([
        { type: 'header', text: 'Incidents' },
        { type: 'list', items, open: items.map((_, i) => ({ label: 'Open', action: 'incident.show', args: { incident: String(i + 1) } })) },
      ]),
    );
    expect(checkSlackMessage(message as never)).toEqual([]);
    expect(message.blocks).toHaveLength(26);
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '• INC-1' },
      accessory: {
        type: 'button',
        action_id: 'aims:incident.show:row0',
        text: { type: 'plain_text', text: 'Open', emoji: true },
        value: '{"incident":"1"}',
      },
    });
  });
});
