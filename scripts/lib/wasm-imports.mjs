// Short import names: wasm-bindgen names each import of the glue after its JS
// item plus a 16-hex-digit hash (`__wbg_instanceof_PageTransitionEvent_82193d…`);
// the name is stored twice, in the .wasm import section and in the glue that
// supplies it, and hashes do not compress. This renames every import of the
// glue's module (`./<name>_bg.js`) to a one- or two-letter name, and the
// module to `w`, in both files.

import { MAGIC, sections, uleb } from './wasm-sections.mjs';

const IMPORT_SECTION = 2;

function encodeUleb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function readName(bytes, pos) {
  const [len, p] = uleb(bytes, pos);
  return [Buffer.from(bytes.subarray(p, p + len)).toString('utf8'), p + len];
}

function encodeName(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([encodeUleb(b.length), b]);
}

/** Skips an import's description (function, table, memory or global). */
function skipDesc(bytes, pos) {
  const kind = bytes[pos++];
  const limits = (p) => {
    const flag = bytes[p++];
    [, p] = uleb(bytes, p);
    if (flag & 1) [, p] = uleb(bytes, p);
    return p;
  };
  switch (kind) {
    case 0x00:
      return uleb(bytes, pos)[1];
    case 0x01:
      return limits(pos + 1);
    case 0x02:
      return limits(pos);
    case 0x03:
      return pos + 2;
    default:
      throw new Error(`wasm: unknown import kind ${kind}`);
  }
}

const RESERVED = new Set(['do', 'if', 'in']);

/** a, b, …, Z, aa, ab, … (skipping reserved words). */
function* shortNames() {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) yield a;
  for (const a of letters) for (const b of letters) if (!RESERVED.has(a + b)) yield a + b;
}

/** The module name every glue import comes from. */
const isGlue = (module) => module.endsWith('_bg.js');
const GLUE_MODULE = 'w';

/**
 * Renames the glue's imports in `bytes`; returns the new module, the renames
 * (old name → new name, in import order) and the old module name.
 */
export function shortenImports(bytes) {
  const renames = new Map();
  let glueModule = null;
  const names = shortNames();
  const parts = [Buffer.from(MAGIC)];
  for (const section of sections(bytes)) {
    if (section.id !== IMPORT_SECTION) {
      parts.push(Buffer.from(bytes.subarray(section.start, section.end)));
      continue;
    }
    const [size, pos] = uleb(bytes, section.start + 1);
    const end = pos + size;
    let count;
    let p;
    [count, p] = uleb(bytes, pos);
    const body = [encodeUleb(count)];
    for (let i = 0; i < count; i++) {
      let module;
      let field;
      [module, p] = readName(bytes, p);
      [field, p] = readName(bytes, p);
      const descStart = p;
      p = skipDesc(bytes, p);
      let name = field;
      let mod = module;
      if (isGlue(module)) {
        if (glueModule !== null && glueModule !== module) throw new Error(`wasm: two glue modules ${glueModule}, ${module}`);
        glueModule = module;
        mod = GLUE_MODULE;
        if (!renames.has(field)) renames.set(field, names.next().value);
        name = renames.get(field);
      }
      body.push(encodeName(mod), encodeName(name), Buffer.from(bytes.subarray(descStart, p)));
    }
    if (p !== end) throw new Error('wasm: import section length mismatch');
    const content = Buffer.concat(body);
    parts.push(Buffer.from([IMPORT_SECTION]), encodeUleb(content.length), content);
  }
  return { bytes: Buffer.concat(parts), renames, glueModule };
}

/**
 * The glue with every renamed import's definition renamed too. Each old name
 * must occur exactly once (as `imports.wbg.<name> =` or `<name>:`), and the
 * module name once as a quoted key, or the glue and the module would
 * disagree: then this throws.
 */
export function renameInGlue(js, { renames, glueModule }) {
  if (glueModule === null) throw new Error('wasm: no import from the glue (wasm-bindgen changed its output?)');
  let out = js;
  const quoted = [`"${glueModule}"`, `'${glueModule}'`].filter((q) => out.split(q).length === 2);
  if (quoted.length !== 1) throw new Error(`glue: module ${glueModule} not found exactly once`);
  out = out.replace(quoted[0], `"${GLUE_MODULE}"`);
  for (const [from, to] of renames) {
    const re = new RegExp(`(?<![\\w$])${from.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
    const hits = out.match(re);
    if (!hits || hits.length !== 1) throw new Error(`glue: import ${from} occurs ${hits ? hits.length : 0} times`);
    out = out.replace(re, to);
  }
  return out;
}
