import { inflateSync } from 'node:zlib';

/**
 * The text a PDF written by pdfkit shows, for tests: its content streams inflated and the hex strings of
 * each text operator (`[<48656c6c6f> 20 <…>] TJ`) decoded (standard fonts: WinAnsi), one line per operator,
 * plus every literal string of the file (the document info).
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const parts: string[] = [];
  const streams = /stream\r?\n/g;
  for (let match = streams.exec(raw); match; match = streams.exec(raw)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const bytes = pdf.subarray(start, end);
    let content: string;
    try {
      content = inflateSync(bytes).toString('latin1');
    } catch {
      content = bytes.toString('latin1');
    }
    for (const array of content.matchAll(/\[([^\]]*)\]\s*TJ/g))
      parts.push(
        [...(array[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) => Buffer.from(hex[1] ?? '', 'hex').toString('latin1')).join(''),
      );
    streams.lastIndex = end + 'endstream'.length;
  }
  for (const literal of raw.matchAll(/\(((?:[^()\\]|\\.)*)\)/g)) parts.push(literal[1] ?? '');
  return parts.join('\n');
}
