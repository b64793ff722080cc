#!/usr/bin/env node
// Builds the Teams app package: manifests/teams/aims-bot.zip holding manifest.json,
// color.png and outline.png at the zip root. Upload it in Teams (Apps > Manage your
// apps > Upload an app) or in the Teams Developer Portal.
//
// When MicrosoftAppId is set, it replaces the placeholder app id and bot id in the
// manifest, so the package points at your Azure Bot registration.
//
// Node has no zip writer, so this writes a minimal ZIP by hand: one local file header
// plus deflated data per entry, then the central directory and its end record.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const teamsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'manifests', 'teams');
const outPath = join(teamsDir, 'aims-bot.zip');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const manifest = JSON.parse(readFileSync(join(teamsDir, 'manifest.json'), 'utf8'));
const appId = process.env.MicrosoftAppId?.trim();
if (appId) {
  if (!GUID.test(appId)) {
    console.error(`teams-package: MicrosoftAppId must be a GUID like 11111111-2222-4333-8444-555555555555, got "${appId}".`);
    process.exit(1);
  }
  manifest.id = appId;
  for (const bot of manifest.bots ?? []) bot.botId = appId;
} else {
  console.warn(`teams-package: MicrosoftAppId is not set; keeping the placeholder id ${manifest.id}.`);
}

const files = [
  { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8') },
  { name: 'color.png', data: readFileSync(join(teamsDir, manifest.icons.color)) },
  { name: 'outline.png', data: readFileSync(join(teamsDir, manifest.icons.outline)) },
];

/** MS-DOS time and date fields, in local time as zip tools expect. */
function dosDateTime(d) {
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return { time, date };
}

function zip(entries) {
  const { time, date } = dosDateTime(new Date());
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const deflated = zlib.deflateRawSync(data);
    const crc = zlib.crc32(data) >>> 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header signature
    local.writeUInt16LE(20, 4); // version needed to extract (2.0: deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(8, 8); // method: deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, nameBuf, deflated);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header signature
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed to extract
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    // extra length, comment length, disk number, internal and external attributes: 0
    central.writeUInt32LE(offset, 42); // offset of the local header
    centrals.push(central, nameBuf);

    offset += local.length + nameBuf.length + deflated.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
  end.writeUInt16LE(entries.length, 8); // entries on this disk
  end.writeUInt16LE(entries.length, 10); // entries in total
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16); // where the central directory starts
  return Buffer.concat([...locals, centralDir, end]);
}

writeFileSync(outPath, zip(files));
console.log(`teams-package: wrote ${relative(process.cwd(), outPath) || outPath} (app id ${manifest.id})`);
