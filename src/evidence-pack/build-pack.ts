import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import annexA from '../core/iso42001/annex-a.json' with { type: 'json' };
import type { Feature } from '../chat/feature.ts';
import { digestSourcesOf, evidenceSourcesOf } from '../chat/feature.ts';
import { csvHeader, csvLine } from '../core/export/csv.ts';
import { fileSink } from '../core/export/file-sink.ts';
import type { ExportRow, ExportSource } from '../core/export/export-source.ts';
import { writeXlsx } from '../core/export/xlsx.ts';
import type { DigestWeek } from '../core/digest/digest-service.ts';
import type { Workspace } from '../core/identity.ts';
import type { Repositories, UnitOfWork } from '../core/ports.ts';
import { writeAuditSegment, type SegmentEvent } from './audit-segment.ts';
import { LEGACY_FILE, writeLegacySegment } from './legacy-segment.ts';
import { PACK_FORMAT, signManifest, type PackCitation, type PackFile, type PackManifest } from './pack-manifest.ts';
import { packPdf, type RequirementSection } from './pack-pdf.ts';
import { publicKeyTextOf } from './pack-signature.ts';
import { PackZipWriter } from './pack-zip.ts';

export interface PackRequest {
  workspaceId: number;
  /** Days, both included (UTC). */
  from: string;
  to: string;
  out: string;
  now: Date;
  signingKey: KeyObject | undefined;
  features: readonly Feature[];
  /** The digest's trend chart for the cover, when one is rendered (src/core/charts/). */
  chartPng?: Buffer;
}

/** How many AI systems the scope names before "and N more". */
const SCOPE_NAMES = 12;

/** Hands a file's bytes to `push` a chunk at a time. */
function copyFileChunks(path: string, push: (chunk: Uint8Array) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) push(Uint8Array.prototype.slice.call(buffer, 0, n));
  } finally {
    closeSync(fd);
  }
}

/** How many recent records each control's section cites. */
const RECENT = 3;

const DAY_MS = 86_400_000;
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const GENERATOR = { name: 'aims-bot', version: generatorVersion() };

function generatorVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The subject types of audit events that stand behind an evidence kind ("corrective-action" -> corrective_action:12). */
const SUBJECTS_OF_KIND: Record<string, readonly string[]> = {
  'impact-assessment': ['impact'],
  training: ['training_session', 'training'],
  control: ['soa-control', 'soa'],
  role: ['person'],
  'ai-system': ['ai_system'],
};
function subjectTypesOf(kind: string): string[] {
  const base = kind.includes(':') && kind.startsWith('review:') ? 'review' : (kind.split(':')[0] ?? kind);
  const extra = SUBJECTS_OF_KIND[kind] ?? SUBJECTS_OF_KIND[base] ?? [];
  return [...new Set([base, base.replace(/-/g, '_'), ...extra])];
}
const typeOf = (subject: string) => subject.slice(0, Math.max(0, subject.indexOf(':')));

/** Resolves `slack:T123` / `teams:<tenant>` (or the store's id) to a workspace. */
export function findWorkspace(workspaces: readonly Workspace[], wanted: string): Workspace | undefined {
  const key = wanted.trim().toLowerCase();
  return workspaces.find(
    (w) =>
      `${w.platform}:${w.externalId}`.toLowerCase() === key || String(w.id) === key.replace(/^#/, '') || w.externalId.toLowerCase() === key,
  );
}

/**
 * Writes the evidence pack of one workspace and period to `request.out` (a zip), inside one read of the
 * store: registers (every area's export), the audit chain's segment, the SoA, index.pdf and the signed
 * manifest. Returns the manifest.
 */
export async function buildEvidencePack(store: UnitOfWork, request: PackRequest): Promise<PackManifest> {
  const generatedAt = request.now.toISOString();
  const period = { from: `${request.from}T00:00:00.000Z`, to: `${addDays(request.to, 1)}T00:00:00.000Z` };
  return await store.read(async (repos) => {
    const workspace = await repos.workspaces.findById(request.workspaceId);
    if (!workspace) throw new Error(`workspace ${request.workspaceId} not found`);
    const zip = new PackZipWriter(request.out, request.now);
    let scratch: string | undefined;
    const scratchDir = () => (scratch ??= mkdtempSync(join(tmpdir(), 'aims-pack-')));
    try {
      const files: PackFile[] = [];

      // The chain segment, streamed; the most recent events of each subject type kept for citing.
      const recentByType = new Map<string, SegmentEvent[]>();
      const recentAll: SegmentEvent[] = [];
      const keep = (list: SegmentEvent[], event: SegmentEvent) => {
        list.push(event);
        if (list.length > RECENT) list.shift();
      };
      const log = zip.entry('audit-log.jsonl');
      const segment = await writeAuditSegment(
        repos,
        workspace.id,
        period,
        (line) => log.push(`${line}\n`),
        (event) => {
          const type = typeOf(event.subject);
          const list = recentByType.get(type) ?? [];
          keep(list, event);
          recentByType.set(type, list);
          keep(recentAll, event);
        },
      );
      files.push(log.end());
      // On a store migrated from the one global chain: the workspace's events of it, and its chain's genesis (legacy-segment.ts).
      const legacy = await writeLegacySegment(repos, workspace.id, period, () => zip.entry(LEGACY_FILE));
      if (legacy) files.push(legacy.file);

      // Registers: every area that declares an export, one at a time, each streamed a page at a time: the
      // rows go into the xlsx entry as they come, and their CSV lines into a scratch file copied into the
      // CSV entry after (the zip takes one entry at a time; an entry opened beside another would be held in
      // memory until the first ends).
      const registers: Array<{ file: string; title: string; rows: number }> = [];
      const systems = { count: 0, names: [] as string[] };
      const soaRows: ExportRow[] = [];
      for (const source of exportSources(request.features)) {
        const scratch = join(scratchDir(), `${source.name}.csv`);
        const csvFile = fileSink(scratch);
        csvFile.write(`${csvHeader(source.columns)}\r\n`);
        let count = 0;
        const rows = async function* () {
          for await (const row of source.rows(repos, workspace.id, { now: request.now })) {
            count += 1;
            csvFile.write(`${csvLine(source.columns, row)}\r\n`);
            if (source.name === 'soa') soaRows.push(row);
            if (source.name === 'system') {
              const name = String(row.name ?? row.system ?? '');
              if (name) {
                systems.count += 1;
                if (systems.names.length < SCOPE_NAMES) systems.names.push(name);
              }
            }
            yield row;
          }
        };
        const xlsx = zip.entry(`${source.name}.xlsx`);
        await writeXlsx(source.title, source.columns, rows(), (chunk) => xlsx.push(chunk));
        files.push(xlsx.end());
        csvFile.close();
        const csv = zip.entry(`${source.name}.csv`);
        copyFileChunks(scratch, (chunk) => csv.push(chunk));
        rmSync(scratch, { force: true });
        files.push(csv.end());
        registers.push({ file: source.name, title: source.title, rows: count });
      }

      const sections = await requirementSections(repos, request.features, workspace.id, period, recentByType, recentAll);
      const citations: PackCitation[] = sections.flatMap((section) =>
        section.recent.map((event) => ({
          requirement: section.id,
          subject: event.subject,
          action: event.action,
          sequence: event.sequence,
          hash: event.hash,
        })),
      );
      const head = (await repos.auditSegment.latest(workspace.id)) ?? null;
      const publicKey = request.signingKey ? publicKeyTextOf(request.signingKey) : null;
      const label = `${workspace.platform}:${workspace.externalId}${workspace.name ? ` (${workspace.name})` : ''}`;
      const pdf = await packPdf({
        workspace: label,
        period: { from: request.from, to: request.to },
        generatedAt,
        generator: `${GENERATOR.name} ${GENERATOR.version}`,
        head,
        segment,
        publicKey,
        scope: scopeLines(label, request, systems, registers.length),
        registers,
        soa: soaLines(soaRows),
        sections,
        openItems: await openItems(repos, request.features, workspace.id, request.now, sections),
        ...(request.chartPng ? { chartPng: request.chartPng } : {}),
      });
      files.push(zip.add('index.pdf', pdf));

      const manifest = signManifest(
        {
          format: PACK_FORMAT,
          generator: GENERATOR,
          generatedAt,
          workspace: { id: workspace.id, platform: workspace.platform, externalId: workspace.externalId, name: workspace.name ?? null },
          period: { from: request.from, to: request.to },
          chain: { previousHash: segment.previousHash, events: segment.events, first: segment.first, last: segment.last, head },
          ...(legacy ? { legacy: legacy.summary } : {}),
          files,
          citations,
        },
        request.signingKey,
      );
      zip.add('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
      zip.close();
      return manifest;
    } catch (error) {
      zip.abandon();
      throw error;
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }
  });
}

function exportSources(features: readonly Feature[]): ExportSource[] {
  return features.flatMap((feature) => (feature.export ? [feature.export] : []));
}

async function requirementSections(
  repos: Repositories,
  features: readonly Feature[],
  workspaceId: number,
  period: { from: string; to: string },
  recentByType: ReadonlyMap<string, SegmentEvent[]>,
  recentAll: readonly SegmentEvent[],
): Promise<RequirementSection[]> {
  const counts = new Map<string, number>();
  for (const source of evidenceSourcesOf(features)) {
    const found = await source.count(repos, workspaceId, period);
    for (const kind of source.kinds) counts.set(kind, (counts.get(kind) ?? 0) + (found[kind] ?? 0));
  }
  const section = (item: { id: string; title: string; evidence: string[] }, kind: 'clause' | 'control'): RequirementSection => {
    const events = new Map<number, SegmentEvent>();
    for (const evidence of item.evidence) {
      const candidates = evidence === 'audit-log' ? recentAll : subjectTypesOf(evidence).flatMap((type) => recentByType.get(type) ?? []);
      for (const event of candidates) events.set(event.sequence, event);
    }
    return {
      id: item.id,
      title: item.title,
      kind,
      counts: item.evidence.map((evidence) => ({ kind: evidence, count: counts.get(evidence) ?? 0 })),
      recent: [...events.values()].sort((a, b) => b.sequence - a.sequence).slice(0, RECENT),
    };
  };
  return [...annexA.clauses.map((item) => section(item, 'clause')), ...annexA.controls.map((item) => section(item, 'control'))];
}

function scopeLines(label: string, request: PackRequest, systems: { count: number; names: string[] }, registers: number): string[] {
  const { count, names } = systems;
  return [
    `Workspace ${label}: every record and audit event of this workspace only.`,
    `Records and events stamped from ${request.from} 00:00 to ${request.to} 24:00 UTC; the registers as they stood when the pack was made.`,
    count === 0
      ? 'No AI system in the inventory.'
      : `${count} AI system(s) in the inventory: ${names.join(', ')}${count > SCOPE_NAMES ? ` and ${count - SCOPE_NAMES} more` : ''}.`,
    `${registers} register(s), each as xlsx and CSV.`,
  ];
}

function soaLines(rows: readonly ExportRow[]): string[] {
  if (rows.length === 0) return ['No Statement of Applicability in this pack.'];
  const applicable = rows.filter((row) => row.applicable === true || row.applicable === 'yes').length;
  const states = new Map<string, number>();
  for (const row of rows) states.set(String(row.state ?? 'unknown'), (states.get(String(row.state ?? 'unknown')) ?? 0) + 1);
  const withEvidence = rows.filter((row) => Number(row.evidenceCount ?? 0) > 0).length;
  return [
    `${rows.length} Annex A controls: ${applicable} applicable, ${rows.length - applicable} not applicable.`,
    `By state: ${[...states].map(([state, n]) => `${state} ${n}`).join(', ')}.`,
    `${withEvidence} control(s) with evidence in the last 12 months. The full statement is soa.xlsx.`,
  ];
}

async function openItems(
  repos: Repositories,
  features: readonly Feature[],
  workspaceId: number,
  now: Date,
  sections: readonly RequirementSection[],
): Promise<string[]> {
  const today = now.toISOString().slice(0, 10);
  const week: DigestWeek = {
    from: addDays(today, -7),
    today,
    since: new Date(now.getTime() - 7 * DAY_MS).toISOString(),
    daysOverdue: (due) => Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / DAY_MS),
  };
  const items: string[] = [];
  for (const source of digestSourcesOf(features)) {
    for (const item of (await source.attention?.(repos, workspaceId, week)) ?? []) items.push(`${item.what}: ${item.why}`);
    for (const item of (await source.overdue?.(repos, workspaceId, week)) ?? [])
      items.push(`${item.what}: due ${item.due}, ${item.daysOverdue} day(s) overdue`);
  }
  const silent = sections.filter((s) => s.counts.length > 0 && s.counts.every((c) => c.count === 0)).map((s) => s.id);
  if (silent.length > 0) items.push(`No record in the period for: ${silent.join(', ')}.`);
  return [...new Set(items)];
}
