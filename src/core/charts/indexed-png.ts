import { crc32, deflateSync } from 'node:zlib';

/**
 * An RGBA image as an 8-bit palette PNG: the 256 colours it uses most, every other pixel drawn in the
 * nearest of them. A chart is a few flat colours and their anti-aliased edges, so it looks the same
 * at about a third of the bytes, small enough for a Teams card (about 28 KB a message) to carry it.
 * Deterministic: the same pixels give the same bytes.
 */
export function indexedPng(rgba: Uint8Array, width: number, height: number): Buffer {
  const pixels = width * height;
  const view = new DataView(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  // Colours by how often they occur (opaque images: alpha is ignored), ties by the colour's value.
  const counts = new Map<number, number>();
  for (let i = 0; i < pixels; i += 1) {
    const rgb = view.getUint32(i * 4) >>> 8;
    counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
  }
  const palette = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 256)
    .map(([rgb]) => rgb);
  const indexOf = new Map<number, number>();
  palette.forEach((rgb, i) => indexOf.set(rgb, i));
  const nearest = (rgb: number): number => {
    let best = 0;
    let bestDistance = Infinity;
    const [r, g, b] = [rgb >>> 16, (rgb >>> 8) & 255, rgb & 255];
    palette.forEach((candidate, i) => {
      const distance = ((candidate >>> 16) - r) ** 2 + (((candidate >>> 8) & 255) - g) ** 2 + ((candidate & 255) - b) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [i, distance];
    });
    indexOf.set(rgb, best);
    return best;
  };
  // One filter byte (none) per row, then a palette index per pixel.
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y += 1) {
    const row = y * (width + 1);
    for (let x = 0; x < width; x += 1) {
      const rgb = view.getUint32((y * width + x) * 4) >>> 8;
      raw[row + 1 + x] = indexOf.get(rgb) ?? nearest(rgb);
    }
  }
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((rgb, i) => plte.writeUIntBE(rgb, i * 3, 3));
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8); // bit depth 8, colour type 3 (palette), deflate, no filter method variants, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}
