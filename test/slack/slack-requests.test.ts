import { describe, expect, it } from 'vitest';
import { fromSlashCommand, originOfInteraction, workspaceOfInteraction } from '../../src/slack/slack-requests.ts';

describe('whose workspace a Slack interaction belongs to', () => {
  it('is where it happened (team.id), never the clicker’s home workspace (user.team_id)', () => {
    expect(originOfInteraction({ team: { id: 'T1' }, user: { id: 'U1', team_id: 'T9' } }).contact.workspaceExternalId).toBe('T1');
  });

  it('without a team (org-wide installs) it is the modal’s team, then the install’s, then the enterprise of an enterprise install', () => {
    expect(workspaceOfInteraction({ team: null, user: { id: 'U1', team_id: 'T9' }, view: { team_id: 'T2' } })).toBe('T2');
    expect(
      workspaceOfInteraction({ team: null, user: { id: 'U1', team_id: 'T9' }, authorizations: [{ team_id: 'T3', enterprise_id: 'E1' }] }),
    ).toBe('T3');
    expect(
      workspaceOfInteraction({ team: null, user: { id: 'U1', team_id: 'T9' }, is_enterprise_install: true, enterprise: { id: 'E1' } }),
    ).toBe('E1');
  });

  it('is refused, never guessed from the user, when the payload says nothing about the place', () => {
    expect(() => originOfInteraction({ team: null, user: { id: 'U1', team_id: 'T9' } })).toThrow(/without a team/);
    expect(() => workspaceOfInteraction({ user: { id: 'U1', team_id: 'T9' }, enterprise: { id: 'E1' } })).toThrow(/without a team/);
  });

  it('a slash command carries its trigger_id as the dedupe key, so a replay runs once', () => {
    const request = fromSlashCommand({ team_id: 'T1', user_id: 'U1', text: 'status', trigger_id: '123.456.abc' });
    expect(request.dedupeKey).toBe('slack:command:T1:123.456.abc');
  });
});
