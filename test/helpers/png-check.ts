import { crc32, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface DecodedPng {
  width: number;
  height: number;
  colourType: number;
  /** Palette entries (colour type 3). */
  paletteSize: number;
  /** The PNG's own bytes, from its signature to the end of IEND. */
  bytes: Buffer;
}

/**
 * Decodes the PNG found in `data` (alone, or inside a multipart upload body) as a viewer would: every
 * chunk's CRC, IHDR, the image data inflated to exactly one filter byte and one row of pixels per line.
 * Throws naming what is wrong.
 */
export function decodePng(data: Buffer): DecodedPng {
  const start = data.indexOf(SIGNATURE);
  if (start < 0) throw new Error('no PNG signature');
  let at = start + SIGNATURE.length;
  let width = 0;
  let height = 0;
  let colourType = -1;
  let paletteSize = 0;
  const idat: Buffer[] = [];
  for (;;) {
    if (at + 12 > data.length) throw new Error('PNG ends before IEND');
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    const crc = data.readUInt32BE(at + 8 + length);
    if (crc32(body, crc32(data.subarray(at + 4, at + 8))) >>> 0 !== crc) throw new Error(`bad CRC in ${type}`);
    at += 12 + length;
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8) throw new Error(`bit depth ${body[8]}`);
      colourType = body[9] ?? -1;
    } else if (type === 'PLTE') paletteSize = length / 3;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
  }
  const channels = { 2: 3, 3: 1, 6: 4 }[colourType];
  if (!channels) throw new Error(`colour type ${colourType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = 1 + width * channels;
  if (raw.length !== height * stride) throw new Error(`image data is ${raw.length} bytes, expected ${height * stride}`);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * stride] ?? 255;
    if (filter > 4) throw new Error(`row ${y}: filter ${filter}`);
    if (colourType === 3)
      for (let x = 1; x < stride; x += 1)
        if ((raw[y * stride + x] ?? 0) >= paletteSize) throw new Error(`row ${y}: index beyond the palette`);
  }
  return { width, height, colourType, paletteSize, bytes: data.subarray(start, at) };
}
