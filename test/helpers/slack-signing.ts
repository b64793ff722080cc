import { createHmac } from 'node:crypto';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Headers exactly as Slack signs a request: v0=HMAC-SHA256(secret, "v0:{ts}:{body}"). */
export function slackSignature(body: string, secret = TEST_SIGNING_SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}

export interface SignedPostOptions {
  secret?: string;
  timestamp?: number;
  headers?: Record<string, string>;
}

async function post(url: string, body: string, contentType: string, options: SignedPostOptions) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...slackSignature(body, options.secret, options.timestamp),
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

let triggers = 0;

/** A trigger id as Slack gives one: unique to each invocation of a command. */
export function nextTriggerId(): string {
  triggers += 1;
  return `${1_700_000_000 + triggers}.456.${triggers.toString(36)}abc`;
}

/** A slash command as Slack sends it: form fields, signed; a fresh trigger_id unless one is given. */
export async function postSlashCommand(url: string, fields: Record<string, string>, options: SignedPostOptions = {}) {
  const triggerId = fields.trigger_id ?? nextTriggerId();
  const body = new URLSearchParams({
    command: '/aims',
    team_id: 'T0TEST',
    team_domain: 'acme',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0ADA',
    user_name: 'ada',
    response_url: 'http://127.0.0.1:9/unused',
    trigger_id: triggerId,
    api_app_id: 'A0AIMS',
    text: '',
    ...fields,
  }).toString();
  return { ...(await post(url, body, 'application/x-www-form-urlencoded', options)), triggerId };
}

/** An Events API callback as Slack sends it: JSON, signed. */
export async function postEvent(
  url: string,
  event: Record<string, unknown>,
  envelope: Record<string, unknown> = {},
  options: SignedPostOptions = {},
) {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0TEST',
    api_app_id: 'A0AIMS',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0TEST', user_id: 'UAIMSBOT', is_bot: true }],
    event,
    ...envelope,
  });
  return await post(url, body, 'application/json', options);
}
