import PDFDocument from 'pdfkit';
import type { SegmentEnd, SegmentEvent, SegmentSummary } from './audit-segment.ts';

/** One control or clause of the pack: its evidence in the period, and the most recent records behind it. */
export interface RequirementSection {
  id: string;
  title: string;
  kind: 'clause' | 'control';
  counts: ReadonlyArray<{ kind: string; count: number }>;
  recent: readonly SegmentEvent[];
}

export interface PackPdfInput {
  workspace: string;
  period: { from: string; to: string };
  generatedAt: string;
  generator: string;
  head: SegmentEnd | null;
  segment: SegmentSummary;
  /** The public key that signs the manifest, or null: unsigned. */
  publicKey: string | null;
  scope: readonly string[];
  registers: ReadonlyArray<{ file: string; title: string; rows: number }>;
  soa: readonly string[];
  sections: readonly RequirementSection[];
  openItems: readonly string[];
  /** The digest's trend chart (PNG), on the first page when given (src/core/charts/). */
  chartPng?: Buffer;
}

const MARGIN = 50;

/** index.pdf: the auditor's reading copy of the pack. Standard fonts only, so it renders the same everywhere. */
export async function packPdf(input: PackPdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `AIMS evidence pack ${input.workspace}`, Creator: input.generator, Producer: input.generator },
    // Fixed dates keep the file's bytes a function of its content.
    compress: true,
  });
  doc.info.CreationDate = new Date(input.generatedAt);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  const width = doc.page.width - 2 * MARGIN;
  const heading = (text: string, size = 14) => {
    if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).text(text, { width }).moveDown(0.2).font('Helvetica').fontSize(10);
  };
  const para = (text: string) => doc.font('Helvetica').fontSize(10).text(safe(text), { width });
  const bullet = (text: string) =>
    doc
      .font('Helvetica')
      .fontSize(10)
      .text(`-  ${safe(text)}`, { width, indent: 8 });

  // Cover
  doc.font('Helvetica-Bold').fontSize(22).text('AI management system', { width });
  doc.fontSize(16).text('Evidence pack (ISO/IEC 42001)', { width }).moveDown(0.8);
  const cover: Array<[string, string]> = [
    ['Workspace', input.workspace],
    ['Period', `${input.period.from} to ${input.period.to} (both days included, UTC)`],
    ['Generated', input.generatedAt],
    ['Generator', input.generator],
    ['Chain head', input.head ? `#${input.head.sequence} ${input.head.hash}` : 'no event yet'],
    [
      'Chain segment',
      input.segment.first && input.segment.last
        ? `${input.segment.events} event(s), #${input.segment.first.sequence} to #${input.segment.last.sequence}`
        : 'no event in the period',
    ],
    [
      'Signature',
      input.publicKey ? `Ed25519, public key ${input.publicKey}` : 'UNSIGNED: no AIMS_SIGNING_KEY was set when this pack was made',
    ],
  ];
  for (const [label, value] of cover) {
    doc.font('Helvetica-Bold').fontSize(10).text(`${label}: `, { continued: true, width }).font('Helvetica').text(safe(value), { width });
  }
  if (input.chartPng) {
    doc.moveDown(0.8);
    doc.image(input.chartPng, { fit: [width, 260] });
  }

  heading('Scope');
  for (const line of input.scope) bullet(line);
  heading('Registers in this pack');
  for (const register of input.registers)
    bullet(`${register.title}: ${register.rows} row(s), ${register.file}.xlsx and ${register.file}.csv`);
  heading('Statement of Applicability');
  for (const line of input.soa) bullet(line);

  doc.addPage();
  doc.font('Helvetica-Bold').fontSize(16).text('Evidence by clause and Annex A control', { width });
  para('Records made in the period, by kind, and the most recent audit events behind them (sequence and hash in audit-log.jsonl).');
  for (const section of input.sections) {
    heading(`${section.kind === 'clause' ? 'Clause' : 'Control'} ${section.id} ${section.title}`, 11);
    if (section.counts.length === 0) para('The bot records no evidence for this one: keep it outside the bot.');
    else para(section.counts.map((c) => `${c.kind}: ${c.count}`).join('; '));
    for (const event of section.recent)
      bullet(`${event.subject} ${event.action} at ${event.at} (event #${event.sequence}, ${event.hash.slice(0, 16)})`);
  }

  heading('Open items an auditor will ask about', 14);
  if (input.openItems.length === 0) para('None.');
  for (const item of input.openItems) bullet(item);

  heading('How to verify this pack', 14);
  for (const line of [
    'No need to unzip: run `npx aims audit verify --pack <this zip> --public-key <the key the organisation gave you>` on any machine with Node.js; no store or network is needed.',
    'It checks the sha256 and size of every file against manifest.json, the Ed25519 signature of manifest.json, that audit-log.jsonl is an unbroken piece of the hash chain (each event hashes to the next), and that every record this PDF cites is an event of that piece.',
    'Compare the chain head on the cover with a head the organisation published earlier (digest, daily anchor): a later pack must continue it.',
    input.publicKey
      ? 'The signature proves who made the pack only if the public key reached you another way than inside the pack.'
      : 'This pack is UNSIGNED: its files check out against each other, but nothing proves who made it.',
  ])
    bullet(line);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** The standard fonts know WinAnsi only: other characters would print as garbage, so they show as "?". */
function safe(text: string): string {
  return text.replace(/[^\u0020-\u007e\u00a0-\u00ff\n]/g, '?');
}
