// ES2019, no modules: inlined into the script-tag build (pkg-template/
// bundle.js) and shipped as push-reader.js of the npm package (imported by
// tabs.js, which hands `readPush` to the wasm instance it runs).
//
// The push reader (docs/DECISIONS.md D66): the wasm side calls it once per
// `message` event instead of reading the parsed message member by member
// across the boundary. It parses `text` and reports what the core's checks
// need in `f`, six numbers in wasm memory (`st`: {m: the wasm memory, p: the
// address, f: their Float64Array view, remade when the memory grew, n: the
// length limit: longer texts are not parsed}): f[0] the bits of
// core/src/facts.rs, f[1] msgType, f[2] the event id (-1 none, -2 not a
// short decimal: read by the caller), f[3] the text's length, f[5] the
// event's timeStamp. Returns the event payload: `data` (a new {} when absent or
// null) with the message's sid and msgType set on it, or undefined when the
// message is not an object or its data is not one. It only reads: every
// check and every decision stays in the core, and the browser unit tests
// (src/web/sse.rs) hold it to the core's own reading (PushFacts::read).
var PUSH_ID = /^(?:0|[1-9][0-9]{0,14})$/;

function isPlainObject(x) {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function readPush(text, ev, st) {
  var f = st.f;
  if (f === null || f.buffer !== st.m.buffer) f = st.f = new Float64Array(st.m.buffer, st.p, 6);
  var id = ev.lastEventId;
  f[2] = id === '' ? -1 : PUSH_ID.test(id) ? +id : -2;
  f[5] = ev.timeStamp;
  f[0] = 0;
  f[1] = 0;
  f[3] = typeof text === 'string' ? text.length : 0;
  if (f[3] > st.n || typeof text !== 'string') return undefined;
  var v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return undefined;
  }
  var bits = 1;
  if (!isPlainObject(v)) {
    f[0] = bits;
    return undefined;
  }
  bits |= 2;
  var t = v.msgType;
  if (t != null) {
    bits |= 4;
    if (typeof t === 'number') {
      bits |= 8;
      f[1] = t;
    }
  }
  var sid = v.sid;
  if (typeof sid === 'string' && sid !== '') bits |= 16;
  var d = v.data;
  if (d == null) {
    bits |= 32;
    d = {};
  } else if (isPlainObject(d)) {
    bits |= 64;
    if (isPlainObject(d.streams)) bits |= 128;
    if (typeof d.url === 'string') bits |= 256;
    if (typeof d.from === 'string') bits |= 512;
    if (typeof d.newer === 'string') bits |= 1024;
  } else {
    f[0] = bits;
    return undefined;
  }
  d.sid = sid;
  d.msgType = t;
  f[0] = bits;
  return d;
}
