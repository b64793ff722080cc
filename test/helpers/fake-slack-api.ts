import { checkSlackMessage, checkSlackView } from './slack-limits.ts';
import type { ServerResponse } from 'node:http';
import { startLoopbackServer } from './loopback-server.ts';

export interface SlackApiCall {
  method: string;
  args: Record<string, unknown>;
  /** Problems with the payload against Slack's limits; empty when it would be accepted. */
  problems: string[];
  /** The ts this fake gave a message it accepted (chat.postMessage). */
  ts?: string;
  /** A post this fake never answered (held as a hung Slack would): it was not posted. */
  held?: boolean;
}

export const FAKE_BOT_USER_ID = 'UAIMSBOT';

/** A file uploaded as files.uploadV2 does it: the upload URL asked for, the bytes sent there, and where it was shared. */
export interface FakeSlackFile {
  id: string;
  filename: string;
  /** What getUploadURLExternal was told the file's length is. */
  length: number;
  altText?: string;
  /** The bytes the upload URL received (as the client sent them: raw, or inside a multipart form). */
  body?: Buffer;
  /** Set by files.completeUploadExternal. */
  title?: string;
  channelId?: string;
  threadTs?: string;
  completed: boolean;
}

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
export async function startFakeSlackApi(directory: { users?: Record<string, string>; channels?: Record<string, string> } = {}) {
  const calls: SlackApiCall[] = [];
  const userNames = directory.users ?? {};
  // Channels whose posts fail as Slack fails them for a removed channel (a platform error, not retried).
  const failing = new Set<string>();
  // Channels whose posts get an HTTP error (500 or 429), as an overloaded Slack answers.
  const httpFailing = new Map<string, number>();
  // How many more posts to a channel get their HTTP error (then it answers normally again).
  const httpFailTimes = new Map<string, number>();
  // While on, chat.postMessage is never answered (a hung Slack): the caller waits until it gives up or dies.
  let holdPosts = false;
  const channelNames = directory.channels ?? {};
  // Socket Mode: the URL apps.connections.open hands out; none means Slack cannot be reached.
  let socketUrl: string | undefined;
  let ts = 1_700_000_000;
  const files: FakeSlackFile[] = [];
  // files.completeUploadExternal fails for these channels as Slack does for a channel the bot is not in.
  const failingUploads = new Set<string>();
  const held: Array<{ call: SlackApiCall; args: Record<string, unknown>; res: ServerResponse }> = [];
  const answerPost = (call: SlackApiCall, args: Record<string, unknown>, res: ServerResponse) => {
    if (httpFailing.has(String(args.channel))) {
      const status = httpFailing.get(String(args.channel)) ?? 500;
      const left = httpFailTimes.get(String(args.channel));
      if (left !== undefined) {
        if (left <= 1) {
          httpFailing.delete(String(args.channel));
          httpFailTimes.delete(String(args.channel));
        } else httpFailTimes.set(String(args.channel), left - 1);
      }
      res.statusCode = status;
      if (status === 429) res.setHeader('retry-after', '1');
      res.end(JSON.stringify({ ok: false, error: status === 429 ? 'ratelimited' : 'internal_error' }));
      return;
    }
    if (failing.has(String(args.channel))) {
      res.end(JSON.stringify({ ok: false, error: 'channel_not_found' }));
      return;
    }
    ts += 1;
    call.ts = `${ts}.000100`;
    res.end(JSON.stringify({ ok: true, channel: args.channel, ts: call.ts, message: args }));
  };
  const server = await startLoopbackServer((req, res, body, raw) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    // Step 2 of files.uploadV2: the bytes, posted to the URL step 1 handed out (not a Web API method).
    if (path.startsWith('/upload/')) {
      const file = files.find((f) => f.id === path.slice('/upload/'.length));
      if (!file) {
        res.statusCode = 404;
        res.end('no such upload');
        return;
      }
      file.body = raw;
      res.end('OK - ' + String(raw.length));
      return;
    }
    // response_url posts (replacing the message a button was on) are recorded as "response_url".
    const method = path.startsWith('/respond/') ? 'response_url' : path.replace(/^\/api\//, '');
    const args = parseArgs(req.headers['content-type'], body);
    const problems =
      method === 'views.open' || method === 'views.update' || method === 'views.push' || method === 'views.publish'
        ? checkSlackView(args.view as Record<string, unknown>)
        : method.startsWith('chat.') || method === 'response_url'
          ? checkSlackMessage(args)
          : [];
    const call: SlackApiCall = { method, args, problems };
    calls.push(call);
    res.setHeader('content-type', 'application/json');
    switch (method) {
      case 'apps.connections.open':
        if (!socketUrl) {
          // As an unreachable Slack: the connection drops without an answer.
          req.socket.destroy();
          return;
        }
        res.end(JSON.stringify({ ok: true, url: socketUrl }));
        return;
      case 'auth.test':
        res.end(JSON.stringify({ ok: true, user_id: FAKE_BOT_USER_ID, bot_id: 'BAIMSBOT', team_id: 'T0TEST', user: 'aims' }));
        return;
      case 'users.info': {
        const id = String(args.user);
        res.end(
          JSON.stringify({
            ok: true,
            user: { id, name: id.toLowerCase(), real_name: `Real ${id}`, profile: { display_name: userNames[id] ?? '' } },
          }),
        );
        return;
      }
      case 'conversations.info': {
        const id = String(args.channel);
        res.end(JSON.stringify({ ok: true, channel: { id, name: channelNames[id] ?? `channel-${id.toLowerCase()}` } }));
        return;
      }
      case 'chat.getPermalink':
        res.end(
          JSON.stringify({
            ok: true,
            channel: args.channel,
            permalink: `https://acme.slack.test/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
          }),
        );
        return;
      case 'files.getUploadURLExternal': {
        const id = `F${String(files.length + 1).padStart(6, '0')}`;
        const length = Number(args.length);
        if (!args.filename || !Number.isInteger(length) || length <= 0) {
          res.end(JSON.stringify({ ok: false, error: 'invalid_arguments' }));
          return;
        }
        files.push({
          id,
          filename: String(args.filename),
          length,
          ...(args.alt_text ? { altText: String(args.alt_text) } : {}),
          completed: false,
        });
        res.end(JSON.stringify({ ok: true, upload_url: `${server.url}/upload/${id}`, file_id: id }));
        return;
      }
      case 'files.completeUploadExternal': {
        const listed = (typeof args.files === 'string' ? JSON.parse(args.files) : args.files) as Array<{ id: string; title?: string }>;
        const channelId = args.channel_id === undefined ? undefined : String(args.channel_id);
        if (channelId && failingUploads.has(channelId)) {
          res.end(JSON.stringify({ ok: false, error: 'not_in_channel' }));
          return;
        }
        const done = [];
        for (const entry of listed) {
          const file = files.find((f) => f.id === entry.id);
          if (!file?.body) {
            res.end(JSON.stringify({ ok: false, error: 'file_not_found' }));
            return;
          }
          file.completed = true;
          if (entry.title) file.title = entry.title;
          if (channelId) file.channelId = channelId;
          if (args.thread_ts) file.threadTs = String(args.thread_ts);
          done.push({ id: file.id, name: file.filename, title: file.title ?? file.filename });
        }
        res.end(JSON.stringify({ ok: true, files: done }));
        return;
      }
      case 'chat.postMessage': {
        const call = calls.at(-1) as SlackApiCall;
        if (holdPosts) {
          call.held = true;
          held.push({ call, args, res });
          return;
        }
        answerPost(call, args, res);
        return;
      }
      default:
        res.end(JSON.stringify({ ok: true }));
    }
  });
  return {
    /** Base URL for the WebClient's slackApiUrl. */
    apiUrl: `${server.url}/api/`,
    /** A response_url that lands in this fake. */
    responseUrl: (id: string) => `${server.url}/respond/${id}`,
    calls,
    /** Makes posts to `channel` fail (or succeed again). */
    failPostsTo: (channel: string, fail = true) => (fail ? failing.add(channel) : failing.delete(channel)),
    /** Answers posts to `channel` with an HTTP status (500, 429), or normally again with undefined; `times`: only the next so many. */
    httpErrorFor: (channel: string, status: number | undefined, times?: number) => {
      if (status === undefined) return httpFailing.delete(channel);
      if (times !== undefined) httpFailTimes.set(channel, times);
      return httpFailing.set(channel, status);
    },
    /**
     * Leaves every chat.postMessage unanswered while on (marked `held`), as a hung Slack would; turned
     * off, it answers those held whose caller is still there (a caller that died never got its post).
     */
    holdPosts: (on: boolean) => {
      holdPosts = on;
      if (on) return;
      for (const { call, args, res } of held.splice(0)) {
        if (res.destroyed || res.socket?.destroyed) continue;
        call.held = false;
        answerPost(call, args, res);
      }
    },
    /** Held posts whose caller is still connected (a killed caller's connections close a moment after it dies). */
    liveHeldPosts: () => held.filter(({ res }) => !res.destroyed && !res.socket?.destroyed).length,
    /** Socket Mode: answer apps.connections.open with this ws:// URL, or (undefined) drop it as an unreachable Slack. */
    socketModeUrl: (url: string | undefined) => {
      socketUrl = url;
    },
    /** Files uploaded (files.uploadV2's three steps), in order. */
    files,
    /** Makes files.completeUploadExternal to `channel` fail (or succeed again). */
    failUploadsTo: (channel: string, fail = true) => (fail ? failingUploads.add(channel) : failingUploads.delete(channel)),
    /** Calls to one method ('*' for all, in order). */
    callsTo: (method: string) => (method === '*' ? calls : calls.filter((call) => call.method === method)),
    close: server.close,
  };
}
