// Reads and edits the section list of a WebAssembly binary (no decoding of
// the code itself): enough to list custom sections and to drop one.
//
// Why: rustc's wasm32 objects carry a `target_features` custom section, and
// the standard library's claims `reference-types` even when our own code is
// built for the MVP. wasm-bindgen reads that section and, seeing
// reference-types, emits externref glue that engines before Chromium 96
// cannot run. Dropping the section before wasm-bindgen keeps the glue MVP.

export const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Unsigned LEB128 at `pos`; returns [value, next position]. */
export function uleb(bytes, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) throw new Error('wasm: truncated LEB128');
    const b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, pos];
    shift += 7;
    if (shift > 35) throw new Error('wasm: LEB128 too long');
  }
}

/**
 * The sections of `bytes` (a Uint8Array) in order:
 * `{id, name (custom sections only), start, end}` where start..end spans the
 * whole section including its header.
 */
export function sections(bytes) {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('wasm: not a version-1 module');
  const out = [];
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    let size;
    [size, pos] = uleb(bytes, pos);
    const end = pos + size;
    if (end > bytes.length) throw new Error('wasm: section runs past the end');
    let name = null;
    if (id === 0) {
      let len;
      let p;
      [len, p] = uleb(bytes, pos);
      name = Buffer.from(bytes.subarray(p, p + len)).toString('utf8');
    }
    out.push({ id, name, start, end });
    pos = end;
  }
  return out;
}

/** `bytes` without the custom sections called `name`. */
export function withoutCustomSection(bytes, name) {
  const keep = sections(bytes).filter((s) => !(s.id === 0 && s.name === name));
  return Buffer.concat([Buffer.from(MAGIC), ...keep.map((s) => bytes.subarray(s.start, s.end))]);
}
