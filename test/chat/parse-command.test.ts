import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../src/chat/closest-match.ts';
import { asksForStatus, classifyFreeText, parseCommand, stripBotName } from '../../src/chat/parse-command.ts';

describe('parseCommand', () => {
  it('splits a subcommand from its arguments, honouring straight and curly quotes', () => {
    expect(parseCommand('Role grant "Ada L" admin')).toEqual({ name: 'role', args: ['grant', 'Ada L', 'admin'] });
    expect(parseCommand('incident “model drift” S2')).toEqual({ name: 'incident', args: ['model drift', 'S2'] });
    expect(parseCommand('   ')).toEqual({ name: null, args: [] });
  });
});

describe('free text', () => {
  it('drops a leading "aims"', () => {
    expect(stripBotName('aims status')).toBe('status');
    expect(stripBotName('AIMS: help')).toBe('help');
    expect(stripBotName('aimsbot')).toBe('aimsbot');
  });

  it('treats "aims ..." as a command and anything else as a message', () => {
    expect(classifyFreeText(' aims stauts ')).toEqual({ source: 'command', text: 'stauts' });
    expect(classifyFreeText("what's our status?")).toEqual({ source: 'message', text: "what's our status?" });
  });

  it('recognises questions about the status', () => {
    for (const text of ["what's our status?", 'status?', 'Status please', 'how are we doing']) expect(asksForStatus(text)).toBe(true);
    for (const text of ['hello', 'help', 'statuses of incidents?']) expect(asksForStatus(text)).toBe(false);
  });
});

describe('closestMatch', () => {
  it('suggests a near miss or a unique prefix, and nothing for a far one', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestMatch('stauts', ['status', 'help'])).toBe('status');
    expect(closestMatch('hlep', ['status', 'help'])).toBe('help');
    expect(closestMatch('sta', ['status', 'help'])).toBe('status');
    expect(closestMatch('frobnicate', ['status', 'help'])).toBeUndefined();
  });
});

describe('parseDecimal', () => {
  it('reads decimal points and commas, and refuses ambiguous thousands', async () => {
    const { parseDecimal } = await import('../../src/features/releases/forms.ts');
    expect(parseDecimal('0.92')).toBe(0.92);
    expect(parseDecimal('0,92')).toBe(0.92);
    expect(parseDecimal('-3')).toBe(-3);
    expect(parseDecimal('1,200')).toBeNaN();
    expect(parseDecimal('1.2.3')).toBeNaN();
    expect(parseDecimal('high')).toBeNaN();
  });
});
