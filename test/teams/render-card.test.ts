import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views/view.ts';
import { renderCard } from '../../src/teams/render-card.ts';
import { checkAdaptiveCard } from '../helpers/adaptive-card-check.ts';

const view = (blocks: MessageView['blocks']): MessageView => ({ summary: 's', blocks, visibility: 'private' });

describe('renderCard', () => {
  it('renders every neutral block as a valid Adaptive Card 1.5', () => {
    const card = renderCard(
      view([
        { type: 'header', text: 'Title' },
        { type: 'context', text: 'As of now' },
        { type: 'text', text: [{ text: 'bold', style: 'bold' }, { text: ' code', style: 'code' }, { text: ' muted', style: 'muted' }] },
        { type: 'divider' },
        { type: 'fields', fields: [{ label: 'People', value: '3' }] },
        { type: 'list', items: ['one', [{ text: 'two', style: 'bold' }]], more: 2 },
      ]),
    );
    expect(card.version).toBe('1.5');
    expect(checkAdaptiveCard(card)).toEqual([]);
    expect(card.body.find((element) => element.type === 'FactSet')).toMatchObject({ separator: true });
  });

  it('puts user text in TextRuns, which Teams never reads as markdown', () => {
    const card = renderCard(view([{ type: 'text', text: '**not bold** [link](https://evil)' }]));
    expect(card.body[0]).toEqual({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '**not bold** [link](https://evil)' }] });
  });

  it('keeps a 500-item list to 40 items and "and N more", inside Teams card limits', () => {
    const items = Array.from({ length: 500 }, (_, i) => `INC-${i + 1} model drift on the fraud scorer, owner Ada, detected 12 days ago`);
    const card = renderCard(view([{ type: 'list', items }]));
    expect(checkAdaptiveCard(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('and 460 more');
  });

  it('the card checker reports what Adaptive Cards 1.5 rejects', () => {
    const problems = checkAdaptiveCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Bogus' }, { type: 'TextBlock', text: 'x', size: 'Huge' }] });
    expect(problems.join('\n')).toContain('Unknown element type "Bogus"');
    expect(problems.join('\n')).toContain('Invalid value "Huge"');
  });
});
