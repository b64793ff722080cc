import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views/view.ts';
import { renderCard } from '../../src/teams/render-card.ts';
import { MAX_CARD_CHOICES, renderFormCard } from '../../src/teams/render-form-card.ts';
import { checkAdaptiveCard } from '../helpers/adaptive-card-check.ts';

const view = (blocks: MessageView['blocks']): MessageView => ({ summary: 's', blocks, visibility: 'private' });

describe('renderCard', () => {
  it('renders every neutral block as a valid Adaptive Card 1.5', () => {
    const card = renderCard(
      view([
        { type: 'header', text: 'Title' },
        { type: 'context', text: 'As of now' },
        {
          type: 'text',
          text: [
            { text: 'bold', style: 'bold' },
            { text: ' code', style: 'code' },
            { text: ' muted', style: 'muted' },
          ],
        },
        { type: 'divider' },
        { type: 'fields', fields: [{ label: 'People', value: '3' }] },
        { type: 'list', items: ['one', [{ text: 'two', style: 'bold' }]], more: 2 },
      ]),
    );
    expect(card.version).toBe('1.5');
    expect(checkAdaptiveCard(card)).toEqual([]);
    expect(card.body.find((element) => element.type === 'ColumnSet')).toMatchObject({ separator: true });
  });

  it('renders fields without markdown: a link or emphasis typed by a user stays text', () => {
    const card = renderCard(view([{ type: 'fields', fields: [{ label: 'Affected', value: '[Sign in](https://phish.example) **now**' }] }]));
    expect(checkAdaptiveCard(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('FactSet');
    expect(JSON.stringify(card)).toContain('{"type":"TextRun","text":"[Sign in](https://phish.example) **now**"}');
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
    const problems = checkAdaptiveCard({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'Bogus' }, { type: 'TextBlock', text: 'x', size: 'Huge' }],
    });
    expect(problems.join('\n')).toContain('Unknown element type "Bogus"');
    expect(problems.join('\n')).toContain('Invalid value "Huge"');
  });
});

describe('renderFormCard', () => {
  const people = Array.from({ length: 600 }, (_, i) => ({
    value: `aad-${i}`,
    label: `Person number ${i} with a fairly long display name`,
  }));
  const form = (initial?: string) => ({
    type: 'system.add',
    title: 'Add an AI system',
    submitLabel: 'Add',
    fields: [
      { id: 'name', label: 'Name', kind: 'text' as const, required: true, maxLength: 80 },
      { id: 'owner', label: 'Owner', kind: 'person' as const, required: true, choices: people, ...(initial ? { initial } : {}) },
      { id: 'stage', label: 'Stage', kind: 'select' as const, required: true, options: [{ value: 'development', label: 'Development' }] },
    ],
    context: {},
  });

  it('renders inputs and an Action.Execute submit as a valid 1.5 card, within Teams size limits even with 600 people', () => {
    const card = renderFormCard(form(), 'form-1');
    expect(checkAdaptiveCard(card)).toEqual([]);
    const owner = card.body.find((element) => element.id === 'owner') as unknown as { choices: unknown[]; style: string };
    expect(owner.style).toBe('filtered');
    expect(owner.choices).toHaveLength(MAX_CARD_CHOICES);
    expect(card.actions?.[0]).toMatchObject({
      type: 'Action.Execute',
      verb: 'aims.submit',
      data: { aims: { form: 'system.add', formId: 'form-1' } },
    });
  });

  it('keeps the chosen person among the choices even past the cap, and shows errors at their fields', () => {
    const card = renderFormCard({ ...form('aad-599'), errors: { name: 'Name is required.' } }, 'form-2');
    const owner = card.body.find((element) => element.id === 'owner') as unknown as { choices: Array<{ value: string }>; value: string };
    expect(owner.value).toBe('aad-599');
    expect(owner.choices.map((choice) => choice.value)).toContain('aad-599');
    const nameAt = card.body.findIndex((element) => element.id === 'name');
    expect(JSON.stringify(card.body[nameAt + 1])).toContain('Name is required.');
    expect(checkAdaptiveCard(card)).toEqual([]);
  });
});

describe('renderCard on a shared card (a channel or group chat)', () => {
  const buttons = view([
    {
      type: 'actions',
      buttons: [
        { label: 'Mitigated', action: 'incident.mitigate', args: { incident: '1' } },
        { label: 'Comment…', action: 'incident.comment', args: { incident: '1' }, opensForm: true },
        {
          label: 'Withdraw',
          action: 'release.withdraw',
          args: { release: '1' },
          confirm: { title: 'Withdraw?', text: 'Sure?', confirm: 'Withdraw', deny: 'Cancel' },
        },
      ],
    },
  ]);
  const actions = (shared: boolean) =>
    (renderCard(buttons, { shared }).body[0] as unknown as { actions: Array<Record<string, unknown>> }).actions;

  it('opens a dialog (Action.Submit with task/fetch) for buttons that ask for input or a confirmation; the rest act in place', () => {
    expect(actions(true).map((action) => [action.title, action.type, (action.data as { msteams?: unknown }).msteams])).toEqual([
      ['Mitigated', 'Action.Execute', undefined],
      ['Comment…', 'Action.Submit', { type: 'task/fetch' }],
      ['Withdraw', 'Action.Submit', { type: 'task/fetch' }],
    ]);
    expect(actions(true)[1]?.data).toEqual({
      msteams: { type: 'task/fetch' },
      aims: { action: 'incident.comment', args: { incident: '1' } },
    });
    expect(checkAdaptiveCard(renderCard(buttons, { shared: true }))).toEqual([]);
  });

  it('keeps every button an Action.Execute in a personal chat, where a form may replace the card', () => {
    expect(actions(false).map((action) => action.type)).toEqual(['Action.Execute', 'Action.Execute', 'Action.Execute']);
  });

  it('a form in a dialog submits with Action.Submit and has no Cancel (the dialog closes itself)', () => {
    const card = renderFormCard(
      {
        type: 'incident.comment',
        title: 'Comment',
        submitLabel: 'Add comment',
        fields: [{ id: 'comment', label: 'Comment', kind: 'longText', required: true }],
        context: { incident: '1' },
        cancel: { action: 'incident.show', args: { incident: '1' } },
      },
      'form-1',
      { dialog: true },
    );
    expect(card.actions?.map((action) => [action.type, action.title])).toEqual([['Action.Submit', 'Add comment']]);
    expect(checkAdaptiveCard(card)).toEqual([]);
  });
});

describe('renderCard: colour, links, mentions and rows that open', () => {
  it('colours toned spans with the TextRun colour Teams knows', () => {
    const card = renderCard(
      view([
        {
          type: 'fields',
          fields: [
            { label: 'Severity', value: [{ text: 'S1 critical', tone: 'attention' }] },
            { label: 'Status', value: [{ text: 'Mitigated', tone: 'warning' }] },
            { label: 'Check', value: [{ text: 'PASS', style: 'bold', tone: 'good' }] },
          ],
        },
      ]),
    );
    expect(checkAdaptiveCard(card)).toEqual([]);
    const runs = JSON.stringify(card);
    expect(runs).toContain('{"type":"TextRun","text":"S1 critical","color":"Attention"}');
    expect(runs).toContain('{"type":"TextRun","text":"Mitigated","color":"Warning"}');
    expect(runs).toContain('{"type":"TextRun","text":"PASS","weight":"Bolder","color":"Good"}');
  });

  it('makes a link span an OpenUrl TextRun, only for http(s)', () => {
    const card = renderCard(
      view([
        {
          type: 'text',
          text: [{ text: 'Run', url: 'https://ci.example/run/1' }, { text: ' and ' }, { text: 'script', url: 'javascript:alert(1)' }],
        },
      ]),
    );
    expect(checkAdaptiveCard(card)).toEqual([]);
    expect(card.body[0]).toEqual({
      type: 'RichTextBlock',
      inlines: [
        {
          type: 'TextRun',
          text: 'Run',
          color: 'Accent',
          underline: true,
          selectAction: { type: 'Action.OpenUrl', url: 'https://ci.example/run/1' },
        },
        { type: 'TextRun', text: ' and ' },
        { type: 'TextRun', text: 'script' },
      ],
    });
  });

  it('mentions a person with <at>name</at> in a TextBlock and the mention entity Teams needs', () => {
    const card = renderCard(
      view([{ type: 'fields', fields: [{ label: 'Owner', value: [{ text: 'Olivia [O]wner*', mention: 'aad-owner' }] }] }]),
    );
    expect(checkAdaptiveCard(card)).toEqual([]);
    expect(JSON.stringify(card.body)).toContain('{"type":"TextBlock","text":"<at>Olivia Owner</at>","wrap":true}');
    expect(card.msteams).toEqual({
      width: 'Full',
      entities: [{ type: 'mention', text: '<at>Olivia Owner</at>', mentioned: { id: 'aad-owner', name: 'Olivia Owner' } }],
    });
  });

  it('gives each list row that opens a record its own button', () => {
    const card = renderCard(
      view([
        {
          type: 'list',
          items: ['INC-1 one', 'INC-2 two'],
          open: [
            { label: 'Open', action: 'incident.show', args: { incident: '1' } },
            { label: 'Open', action: 'incident.show', args: { incident: '2' } },
          ],
        },
      ]),
    );
    expect(checkAdaptiveCard(card)).toEqual([]);
    const actions = JSON.stringify(card).match(/"data":\{"aims":\{"action":"incident.show","args":\{"incident":"\d"\}\}\}/g);
    expect(actions).toEqual([
      '"data":{"aims":{"action":"incident.show","args":{"incident":"1"}}}',
      '"data":{"aims":{"action":"incident.show","args":{"incident":"2"}}}',
    ]);
  });
});

describe('renderFormCard: option meanings', () => {
  it('puts what an option means in its choice title, as Slack shows it under the option', () => {
    const card = renderFormCard(
      {
        type: 't',
        title: 'T',
        submitLabel: 'Go',
        fields: [
          {
            id: 'severity',
            label: 'Severity',
            kind: 'select',
            required: true,
            options: [
              { value: 'S1', label: 'S1 critical', description: 'Harm now' },
              { value: 'S4', label: 'S4 minor' },
            ],
          },
        ],
        context: {},
      },
      'f1',
    );
    expect(checkAdaptiveCard(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('"choices":[{"title":"S1 critical — Harm now","value":"S1"},{"title":"S4 minor","value":"S4"}]');
  });
});
