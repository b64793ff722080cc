import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_INCIDENT_SHORTCUT } from '../../src/slack/slack-app.ts';
import { describe, expect, it } from 'vitest';

const SLACK_DIR = join(import.meta.dirname, '../../manifests/slack');

interface SlashCommand {
  command: string;
  url?: string;
  description: string;
  usage_hint?: string;
  should_escape?: boolean;
}
interface Shortcut {
  name: string;
  type: string;
  callback_id: string;
  description: string;
}
/** The parts of a Slack app manifest these tests look at. */
interface SlackManifest {
  _metadata: { major_version: number };
  display_information: { name: string; description?: string };
  features: {
    app_home: Record<string, boolean>;
    bot_user: { display_name: string; always_online: boolean };
    slash_commands: SlashCommand[];
    shortcuts?: Shortcut[];
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}
const load = (name: string): SlackManifest => JSON.parse(readFileSync(join(SLACK_DIR, name), 'utf8')) as SlackManifest;

const SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'files:write',
  'app_mentions:read',
  'im:history',
  'im:read',
  'im:write',
  'users:read',
  'channels:read',
  'groups:read',
];
const BOT_EVENTS = ['app_mention', 'app_home_opened', 'message.im'];
const URL_KEYS = new Set(['url', 'request_url']);

/** Every [path, value] whose key is url or request_url, anywhere in the manifest. */
function urlFields(value: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((item, i) => urlFields(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]): Array<[string, unknown]> => [
    ...(URL_KEYS.has(key) ? [[`${path}.${key}`, child] as [string, unknown]] : []),
    ...urlFields(child, `${path}.${key}`),
  ]);
}

describe.each(['manifest.http.json', 'manifest.socket.json'])('Slack manifest %s', (file) => {
  const manifest = load(file);

  it('is a version 1 manifest for the aims-bot app', () => {
    expect(manifest._metadata.major_version).toBe(1);
    expect(manifest.display_information.name).toBe('aims-bot');
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect((manifest.display_information.description ?? '').length).toBeLessThanOrEqual(140);
    expect(manifest.features.bot_user).toEqual({ display_name: 'aims', always_online: true });
  });

  it('declares the /aims slash command', () => {
    const commands = manifest.features.slash_commands;
    expect(commands.map((command) => command.command)).toEqual(['/aims']);
    const aims = commands[0] as SlashCommand;
    expect(aims.description).toBe('Run your AI management system from Slack: /aims help');
    expect(aims.description.length).toBeLessThanOrEqual(2000);
    expect(aims.usage_hint).toBe('help | status | incident | action | system | role | setup');
    expect(aims.usage_hint?.length).toBeLessThanOrEqual(1000);
    // Escaped, Slack sends @person as <@U123|name>: role commands need the user id, never the name.
    expect(aims.should_escape).toBe(true);
  });

  it('declares the "Report AI incident" message shortcut that the app handles', () => {
    const shortcuts = manifest.features.shortcuts ?? [];
    expect(shortcuts).toHaveLength(1);
    const shortcut = shortcuts[0] as Shortcut;
    expect(shortcut).toMatchObject({ name: 'Report AI incident', type: 'message', callback_id: REPORT_INCIDENT_SHORTCUT });
    expect(shortcut.name.length).toBeLessThanOrEqual(24);
    expect(shortcut.description.length).toBeLessThanOrEqual(150);
  });

  it('subscribes to the bot events and turns on interactivity and App Home', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
    expect(manifest.settings.org_deploy_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
  });

  it('requests exactly the bot scopes the features need', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SCOPES].sort());
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });
});

describe('Slack manifest modes', () => {
  const http = load('manifest.http.json');
  const socket = load('manifest.socket.json');

  it('HTTP mode sends commands, events and interactivity to /slack/events', () => {
    expect(http.settings.socket_mode_enabled).toBe(false);
    const urls = urlFields(http);
    expect(urls.map(([path]) => path).sort()).toEqual(
      ['.features.slash_commands[0].url', '.settings.event_subscriptions.request_url', '.settings.interactivity.request_url'].sort(),
    );
    for (const [path, value] of urls) {
      expect(typeof value, path).toBe('string');
      const url = new URL(value as string);
      expect(url.protocol, path).toBe('https:');
      expect(url.pathname.endsWith('/slack/events'), path).toBe(true);
    }
  });

  it('Socket Mode has no url or request_url anywhere', () => {
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(urlFields(socket)).toEqual([]);
  });

  it('the two manifests differ only in the mode flag and the URLs', () => {
    const stripped = structuredClone(http);
    for (const command of stripped.features.slash_commands) delete command.url;
    delete stripped.settings.event_subscriptions.request_url;
    delete stripped.settings.interactivity.request_url;
    stripped.settings.socket_mode_enabled = true;
    expect(socket).toEqual(stripped);
  });
});
