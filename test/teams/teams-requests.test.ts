import { describe, expect, it } from 'vitest';
import { fromTeamsMessage, hasSender, LOCAL_TENANT, tenantOf } from '../../src/teams/teams-requests.ts';

describe('whose workspace a request belongs to', () => {
  it('Teams: the tenant of the activity; none is refused outside local mode, never put into a shared workspace', () => {
    expect(tenantOf({ conversation: { id: 'c', tenantId: 't1' } as never }, false)).toBe('t1');
    expect(tenantOf({ channelData: { tenant: { id: 't2' } } }, false)).toBe('t2');
    expect(tenantOf({}, true)).toBe(LOCAL_TENANT);
    expect(() => tenantOf({}, false)).toThrow(/without a tenant/);
  });

  it('Teams: HTML entities and mentions in typed text are read as the person meant them', () => {
    const request = fromTeamsMessage(
      {
        conversation: { id: 'c', tenantId: 't', conversationType: 'personal' } as never,
        from: { id: '29:a', aadObjectId: 'aad-a', name: 'A' } as never,
      },
      'aims role grant <at>Ann Approver</at> approver &amp; recall &gt;= 0.9',
      [],
      false,
    );
    expect(request).toMatchObject({
      source: 'command',
      text: 'role grant @Ann_Approver approver & recall >= 0.9',
      contact: { workspaceExternalId: 't', userExternalId: 'aad-a' },
    });
  });
});

describe('an activity without a sender', () => {
  it('is never attributed to a shared placeholder person', () => {
    const activity = { conversation: { id: 'c', tenantId: 't', conversationType: 'personal' } as never };
    expect(hasSender(activity)).toBe(false);
    expect(hasSender({ ...activity, from: { id: '', name: 'x' } as never })).toBe(false);
    expect(() => fromTeamsMessage(activity, 'aims status', [], false)).toThrow('without a sender');
    expect(
      fromTeamsMessage({ ...activity, from: { id: '29:a', name: 'A' } as never }, 'aims status', [], false).contact.userExternalId,
    ).toBe('29:a');
  });
});
