import { checkSlackMessage, checkSlackView } from './slack-limits.ts';
import { startLoopbackServer } from './loopback-server.ts';

export interface SlackApiCall {
  method: string;
  args: Record<string, unknown>;
  /** Problems with the payload against Slack's limits; empty when it would be accepted. */
  problems: string[];
}

export const FAKE_BOT_USER_ID = 'UAIMSBOT';

function parseArgs(contentType: string | undefined, body: string): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(body || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // The WebClient sends blocks and views as JSON strings inside the form.
    args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return args;
}

/** A fake Slack Web API on loopback that records every call and checks every payload. */
export async function startFakeSlackApi() {
  const calls: SlackApiCall[] = [];
  let ts = 1_700_000_000;
  const server = await startLoopbackServer((req, res, body) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const args = parseArgs(req.headers['content-type'], body);
    const problems = method === 'views.open' || method === 'views.update' || method === 'views.publish'
      ? checkSlackView(args.view as Record<string, unknown>)
      : method.startsWith('chat.')
        ? checkSlackMessage(args)
        : [];
    calls.push({ method, args, problems });
    res.setHeader('content-type', 'application/json');
    switch (method) {
      case 'auth.test':
        res.end(JSON.stringify({ ok: true, user_id: FAKE_BOT_USER_ID, bot_id: 'BAIMSBOT', team_id: 'T0TEST', user: 'aims' }));
        return;
      case 'chat.postMessage':
        ts += 1;
        res.end(JSON.stringify({ ok: true, channel: args.channel, ts: `${ts}.000100`, message: args }));
        return;
      default:
        res.end(JSON.stringify({ ok: true }));
    }
  });
  return {
    /** Base URL for the WebClient's slackApiUrl. */
    apiUrl: `${server.url}/api/`,
    calls,
    callsTo: (method: string) => calls.filter((call) => call.method === method),
    close: server.close,
  };
}
