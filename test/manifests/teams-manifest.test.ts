import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { features } from '../../src/features/index.ts';

// The words the router understands: every feature's commands, and help.
const COMMAND_NAMES = [...features.flatMap((feature) => (feature.commands ?? []).map((command) => command.word)), 'help'];

const ROOT = join(import.meta.dirname, '../..');
const TEAMS_DIR = join(ROOT, 'manifests/teams');
const MANIFEST_PATH = join(TEAMS_DIR, 'manifest.json');
const ZIP_PATH = join(TEAMS_DIR, 'aims-bot.zip');
const SCRIPT = join(ROOT, 'scripts/teams-package.js');
const PLACEHOLDER_ID = '11111111-2222-4333-8444-555555555555';

interface Bot {
  botId: string;
  scopes: string[];
  supportsFiles?: boolean;
  isNotificationOnly?: boolean;
  commandLists?: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }>;
}
/** The parts of a Teams app manifest these tests look at. */
interface TeamsManifest {
  $schema: string;
  version: string;
  id: string;
  icons: { color: string; outline: string };
  accentColor: string;
  bots: Bot[];
  validDomains?: string[];
}
const parseManifest = (text: string): TeamsManifest => JSON.parse(text) as TeamsManifest;
const readManifest = (): TeamsManifest => parseManifest(readFileSync(MANIFEST_PATH, 'utf8'));

interface Png {
  width: number;
  height: number;
  colorType: number;
  channels: number;
  filterBytes: number[];
  pixels: Buffer; // unfiltered samples, row after row, no filter bytes
}

/** Decodes an 8-bit, non-interlaced PNG whose rows all use filter type 0 (what our encoder writes). */
function decodePng(file: Buffer): Png {
  expect(file.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  let pos = 8;
  while (pos < file.length) {
    const length = file.readUInt32BE(pos);
    const type = file.toString('ascii', pos + 4, pos + 8);
    const data = file.subarray(pos + 8, pos + 8 + length);
    expect(file.readUInt32BE(pos + 8 + length), `CRC of ${type}`).toBe(zlib.crc32(file.subarray(pos + 4, pos + 8 + length)) >>> 0);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    pos += 12 + length;
    if (type === 'IEND') break;
  }
  if (!ihdr) throw new Error('PNG has no IHDR chunk');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colorType, , , interlace] = [ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]];
  expect(bitDepth).toBe(8);
  expect(interlace).toBe(0);
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType ?? -1];
  if (!channels) throw new Error(`unsupported PNG colour type ${colorType}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const filterBytes: number[] = [];
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    filterBytes.push(raw[y * (stride + 1)] ?? -1);
    rows.push(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
  }
  return { width, height, colorType: colorType ?? -1, channels, filterBytes, pixels: Buffer.concat(rows) };
}

interface ZipEntry {
  name: string;
  method: number;
  data: Buffer;
}

/** Reads a ZIP through its central directory, inflating and CRC-checking every entry. */
function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  let pos = zip.readUInt32LE(eocd + 16);
  expect(pos + cdSize).toBe(eocd);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    expect(zip.readUInt32LE(pos)).toBe(0x02014b50);
    const method = zip.readUInt16LE(pos + 10);
    const crc = zip.readUInt32LE(pos + 16);
    const compressedSize = zip.readUInt32LE(pos + 20);
    const size = zip.readUInt32LE(pos + 24);
    const nameLength = zip.readUInt16LE(pos + 28);
    const extraLength = zip.readUInt16LE(pos + 30);
    const commentLength = zip.readUInt16LE(pos + 32);
    const localOffset = zip.readUInt32LE(pos + 42);
    const name = zip.toString('utf8', pos + 46, pos + 46 + nameLength);

    expect(zip.readUInt32LE(localOffset)).toBe(0x04034b50);
    expect(zip.toString('utf8', localOffset + 30, localOffset + 30 + zip.readUInt16LE(localOffset + 26))).toBe(name);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const stored = zip.subarray(start, start + compressedSize);
    const data = method === 8 ? zlib.inflateRawSync(stored) : stored;
    expect(data.length, `${name} size`).toBe(size);
    expect(zlib.crc32(data) >>> 0, `${name} crc`).toBe(crc);
    entries.push({ name, method, data });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function runPackager(appId: string | undefined) {
  const env = { ...process.env };
  delete env.MicrosoftAppId;
  if (appId !== undefined) env.MicrosoftAppId = appId;
  return spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, env, encoding: 'utf8' });
}

describe('Teams app manifest', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('validates against the bundled v1.19 schema without touching the network', async () => {
    const fetchSpy = vi.fn(async () => {
      throw new Error('network access attempted');
    });
    vi.stubGlobal('fetch', fetchSpy);
    const [manifest, errors] = await AppManifestUtils.readAndValidateTeamsManifest(MANIFEST_PATH);
    expect(errors).toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(manifest.manifestVersion).toBe('1.19');
  });

  it('declares the bot, its scopes and commands', () => {
    const manifest = readManifest();
    expect(manifest.$schema).toBe('https://developer.microsoft.com/en-us/json-schemas/teams/v1.19/MicrosoftTeams.schema.json');
    expect(manifest.version).toBe('0.1.0');
    expect(manifest.id).toBe(PLACEHOLDER_ID);
    expect(manifest.bots).toHaveLength(1);
    const bot = manifest.bots[0] as Bot;
    expect(bot.botId).toBe(manifest.id);
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot.supportsFiles).toBe(false);
    expect(bot.isNotificationOnly).toBe(false);
    const lists = bot.commandLists ?? [];
    expect(lists.flatMap((list) => list.scopes).sort()).toEqual(['personal', 'team']);
    for (const list of lists) {
      const titles = list.commands.map((command) => command.title);
      expect(titles.slice(0, 2)).toEqual(['help', 'status']);
      // Every suggested command is one the bot understands, within Teams' length limits.
      for (const command of list.commands) {
        expect(COMMAND_NAMES).toContain(command.title.split(' ')[0]);
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
    }
    expect(manifest.validDomains).toEqual([]);
  });

  it('ships a 192x192 full-colour icon in the accent colour', () => {
    const manifest = readManifest();
    const png = decodePng(readFileSync(join(TEAMS_DIR, manifest.icons.color)));
    expect([png.width, png.height]).toEqual([192, 192]);
    expect([2, 6]).toContain(png.colorType);
    expect(new Set(png.filterBytes)).toEqual(new Set([0]));
    const accent = manifest.accentColor.slice(1);
    const corner = png.pixels.subarray(0, 3).toString('hex');
    expect(corner.toUpperCase()).toBe(accent.toUpperCase());
    // Something besides the background is drawn on it.
    const distinct = new Set<string>();
    for (let i = 0; i < png.pixels.length; i += png.channels) distinct.add(png.pixels.subarray(i, i + 3).toString('hex'));
    expect(distinct.has('ffffff')).toBe(true);
  });

  it('ships a 32x32 outline icon that is only white on transparent', () => {
    const manifest = readManifest();
    const png = decodePng(readFileSync(join(TEAMS_DIR, manifest.icons.outline)));
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(png.colorType).toBe(6); // RGBA
    expect(new Set(png.filterBytes)).toEqual(new Set([0]));
    let drawn = 0;
    let solid = 0;
    let transparent = 0;
    const offenders: string[] = [];
    for (let i = 0; i < png.pixels.length; i += 4) {
      const [r, g, b, a] = [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2], png.pixels[i + 3]];
      if (a === 0) transparent++;
      else if (r === 255 && g === 255 && b === 255) {
        drawn++; // white, possibly partly transparent at anti-aliased edges
        if (a === 255) solid++;
      } else offenders.push(`pixel ${i / 4}: rgba(${r},${g},${b},${a})`);
    }
    expect(offenders).toEqual([]);
    expect(drawn).toBeGreaterThan(50); // the shape is really there
    expect(solid).toBeGreaterThan(0);
    expect(transparent).toBeGreaterThan(200); // and the background is see-through
  });
});

describe('scripts/teams-package.js', () => {
  const APP_ID = 'a1b2c3d4-e5f6-4789-8abc-def012345678';
  const tempDirs: string[] = [];

  // No zip left by another test: "refuses" checks that none is written.
  beforeEach(() => rmSync(ZIP_PATH, { force: true }));
  afterAll(() => {
    rmSync(ZIP_PATH, { force: true });
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a MicrosoftAppId that is not a GUID', () => {
    const result = runPackager('not-a-guid');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/MicrosoftAppId must be a GUID/);
    expect(existsSync(ZIP_PATH)).toBe(false);
  });

  it('packages manifest.json and both icons at the zip root with the app id substituted', async () => {
    const result = runPackager(APP_ID);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('aims-bot.zip');

    const entries = readZip(readFileSync(ZIP_PATH));
    expect(entries.map((entry) => entry.name)).toEqual(['manifest.json', 'color.png', 'outline.png']);
    expect(entries.every((entry) => entry.method === 8)).toBe(true);

    const byName = new Map(entries.map((entry) => [entry.name, entry.data]));
    expect(byName.get('color.png')?.equals(readFileSync(join(TEAMS_DIR, 'color.png')))).toBe(true);
    expect(byName.get('outline.png')?.equals(readFileSync(join(TEAMS_DIR, 'outline.png')))).toBe(true);

    const packaged = parseManifest(byName.get('manifest.json')?.toString('utf8') ?? '');
    expect(packaged.id).toBe(APP_ID);
    expect(packaged.bots[0]?.botId).toBe(APP_ID);
    // Nothing else changed, and the substituted manifest still validates.
    const restored = { ...packaged, id: PLACEHOLDER_ID, bots: packaged.bots.map((bot) => ({ ...bot, botId: PLACEHOLDER_ID })) };
    expect(restored).toEqual(readManifest());
    const dir = mkdtempSync(join(tmpdir(), 'aims-teams-'));
    tempDirs.push(dir);
    writeFileSync(join(dir, 'manifest.json'), byName.get('manifest.json') ?? '');
    const [, errors] = await AppManifestUtils.readAndValidateTeamsManifest(join(dir, 'manifest.json'));
    expect(errors).toEqual([]);
  });

  it('keeps the placeholder id when MicrosoftAppId is not set', () => {
    const result = runPackager(undefined);
    expect(result.status, result.stderr).toBe(0);
    const manifest = readZip(readFileSync(ZIP_PATH)).find((entry) => entry.name === 'manifest.json');
    const packaged = parseManifest(manifest?.data.toString('utf8') ?? '');
    expect(packaged.id).toBe(PLACEHOLDER_ID);
    expect(packaged.bots[0]?.botId).toBe(PLACEHOLDER_ID);
  });
});
