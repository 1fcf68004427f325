/**
 * An image as a PNG (8-bit truecolour, no alpha: charts have an opaque background, so dark-mode chat
 * clients never show black text on black). Each row gets the filter that leaves the smallest sum of
 * residuals (the heuristic of PNG spec §12.8), applied in place, then zlib's deflate.
 */
import { deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const NONE = 0;
const SUB = 1;
const UP = 2;

/**
 * @param scanlines rows of `width` RGB pixels, each led by one byte the filter type is written to; the
 *   rows are filtered in place, so the image is spent.
 */
export function encodePng(width: number, height: number, scanlines: Uint8Array): Buffer {
  const stride = width * 3 + 1;
  if (scanlines.length !== stride * height) throw new RangeError(`expected ${stride * height} bytes of scanlines for ${width}×${height}, got ${scanlines.length}`);
  // Bottom row first: "Up" needs the row above as it was.
  for (let y = height - 1; y >= 0; y--) {
    const row = y * stride;
    const above = row - stride;
    let [costSub, costUp, costNone] = [0, 0, 0];
    for (let i = 1; i < stride; i++) {
      const v = scanlines[row + i]!;
      costNone += residual(v);
      costSub += residual(v - (i > 3 ? scanlines[row + i - 3]! : 0));
      costUp += residual(v - (y > 0 ? scanlines[above + i]! : 0));
    }
    const filter = costNone <= costSub && costNone <= costUp ? NONE : costSub <= costUp ? SUB : UP;
    scanlines[row] = filter;
    // Right to left: "Sub" needs the pixel to the left as it was.
    if (filter === SUB) for (let i = stride - 1; i > 3; i--) scanlines[row + i] = scanlines[row + i]! - scanlines[row + i - 3]!;
    else if (filter === UP && y > 0) for (let i = 1; i < stride; i++) scanlines[row + i] = scanlines[row + i]! - scanlines[above + i]!;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, adaptive filtering, no interlace
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(scanlines)), chunk('IEND', Buffer.alloc(0))]);
}

/** A filtered byte's distance from zero, read as a signed byte. */
const residual = (v: number) => {
  const b = v & 0xff;
  return b < 128 ? b : 256 - b;
};

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** The CRC-32 of PNG chunks (and zip, gzip). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
