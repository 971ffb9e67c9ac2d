// Generates the tray and app icons as PNGs with no dependencies (zlib only), so they are reproducible in CI:
//   node build/generate-icons.mjs
// The web client's icons (src-renderer/public/icon-{192,512}.png, named by its manifest) are the same app icon;
// src-renderer/public/favicon.svg draws it as a vector.
// A filled disc per voice state; the app icon is a speech-bubble-ish disc. Replace with designed artwork any time.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y += 1) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x += 1) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5, size);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Anti-aliased disc of colour `fill`, with an optional ring (for "transmitting"). */
const disc = (fill, ring) => (x, y, size) => {
  const c = size / 2;
  const d = Math.hypot(x - c, y - c);
  const outer = size * 0.46;
  const alpha = Math.max(0, Math.min(1, outer - d + 0.5));
  if (ring && d > outer * 0.72 && d < outer * 0.86) return [255, 255, 255, Math.round(alpha * 255)];
  return [...fill, Math.round(alpha * 255)];
};

const states = {
  idle: disc([128, 132, 142]),
  connected: disc([35, 165, 90]),
  muted: disc([240, 160, 40]),
  deafened: disc([218, 55, 60]),
  transmitting: disc([35, 200, 100], true),
  // An incoming DM call rings (src-main/os/call-ringing.ts).
  ringing: disc([88, 101, 242], true),
};

mkdirSync(join(here, 'tray'), { recursive: true });
for (const [name, pixel] of Object.entries(states)) {
  writeFileSync(join(here, 'tray', `tray-${name}.png`), png(32, pixel));
  writeFileSync(join(here, 'tray', `tray-${name}@2x.png`), png(64, pixel));
}
const appIcon = disc([88, 101, 242], true);
writeFileSync(join(here, 'icon.png'), png(512, appIcon));
const webPublic = join(here, '..', 'src-renderer', 'public');
mkdirSync(webPublic, { recursive: true });
for (const size of [192, 512]) writeFileSync(join(webPublic, `icon-${size}.png`), png(size, appIcon));
console.log('icons written');
