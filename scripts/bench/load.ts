// Load for the bench: signed Slack slash commands and Teams message activities sent over keep-alive
// HTTP on loopback, N at a time, with each request's latency (send to the last byte of the answer).
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { teamsMessage } from '../../test/helpers/fake-teams-connector.ts';
import { nextTriggerId, slackSignature, TEST_SIGNING_SECRET } from '../../test/helpers/slack-signing.ts';

/** One request to send: where, what, and the headers (signed anew for each send). */
export interface BenchRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** What one target is asked: a request built fresh for each send (a slash command needs a new trigger_id). */
export type RequestMaker = () => BenchRequest;

export const SLACK_TEAM = 'T0TEST';
export const SLACK_USER = 'U0ADA';
export const TEAMS_USER = 'aad-ada';

/** `/aims <text>` as Slack sends it: form fields, signed with the test secret, a fresh trigger_id. */
export function slashCommand(text: string, user = SLACK_USER, team = SLACK_TEAM): RequestMaker {
  return () => {
    const body = new URLSearchParams({
      command: '/aims',
      team_id: team,
      team_domain: 'acme',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: user,
      user_name: user.toLowerCase(),
      response_url: 'http://127.0.0.1:9/unused',
      trigger_id: nextTriggerId(),
      api_app_id: 'A0AIMS',
      text,
    }).toString();
    return {
      path: '/slack/events',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(body, TEST_SIGNING_SECRET) },
    };
  };
}

/** A Teams personal-chat message as the channel posts it to /api/messages (local mode: no token). */
export function teamsText(serviceUrl: string, text: string, user = TEAMS_USER): RequestMaker {
  return () => ({
    path: '/api/messages',
    body: JSON.stringify(teamsMessage(serviceUrl, text, { user, name: 'Ada Lovelace' })),
    headers: { 'content-type': 'application/json' },
  });
}

// One pool of keep-alive connections for the whole run, as a load balancer in front would keep them.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Sends one request; resolves with its latency in ms and status (0 when the connection failed). */
export function send(base: string, made: BenchRequest): Promise<{ ms: number; status: number; body: string }> {
  const url = new URL(made.path, base);
  const start = performance.now();
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...made.headers, 'content-length': String(Buffer.byteLength(made.body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ ms: performance.now() - start, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', () => resolve({ ms: performance.now() - start, status: 0, body: '' }));
    req.end(made.body);
  });
}

export interface LoadResult {
  /** Latencies in ms, sorted. */
  latencies: number[];
  /** Requests answered per second over the whole run. */
  throughput: number;
  /** Answers that were not a 200 (or connections that failed). */
  failures: number;
  /** The first failure's status and body, to say what went wrong. */
  firstFailure?: string;
}

/** `count` requests, `concurrency` in flight at any time (each worker sends its next as soon as one answers). */
export async function load(base: string, make: RequestMaker, count: number, concurrency: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < count) {
      next += 1;
      const answer = await send(base, make());
      latencies.push(answer.ms);
      if (answer.status !== 200) {
        failures += 1;
        firstFailure ??= failureOf(answer);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { latencies, throughput: count / seconds, failures, ...(firstFailure ? { firstFailure } : {}) };
}

/** Between an answer and a person's next request, while a job or a status at size runs beside them. */
export const PAUSE_MS = 25;

/**
 * Sends requests `concurrency` at a time until `until` settles, each worker pausing `pauseMs` between its
 * answer and its next request (people typing, not a flood that would starve the job it runs beside);
 * the latencies of those sent meanwhile.
 */
export async function loadWhile(
  base: string,
  make: RequestMaker,
  concurrency: number,
  until: Promise<unknown>,
  pauseMs = 0,
): Promise<LoadResult> {
  let done = false;
  void until.finally(() => (done = true)).catch(() => undefined);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const start = performance.now();
  const worker = async () => {
    while (!done) {
      const answer = await send(base, make());
      latencies.push(answer.ms);
      if (answer.status !== 200) {
        failures += 1;
        firstFailure ??= failureOf(answer);
      }
      if (pauseMs > 0 && !done) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    latencies,
    throughput: latencies.length / ((performance.now() - start) / 1000),
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

/** A failed answer in words: Bolt answers 404 to a command its handler did not acknowledge within 3 s. */
function failureOf(answer: { status: number; body: string }): string {
  if (answer.status === 404 && answer.body === '') return "404: not acknowledged within Slack's 3 s (Bolt's answer)";
  return answer.status === 0 ? 'connection failed' : `${answer.status} ${answer.body.slice(0, 200)}`;
}

/** The q-th quantile (0..1) of sorted values (nearest rank); NaN for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
