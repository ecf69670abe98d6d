// Generates the reference files next to this script with node, ECMAScript's own implementation:
//   numbers.txt            <IEEE bits, 16 hex digits> <String(x)>
//   number-texts.txt       <JSON number text>\t<String(Number(text))>
//   documents.jsonl        one JSON document per line (keys in random order)
//   documents.canonical.jsonl  its RFC 8785 form, computed here as ECMAScript defines it
// Usage (from this directory): node generate.js [seed]
// The output is a pure function of the seed; the checked-in files use the default seed.
'use strict';
const fs = require('fs');
const path = require('path');

const seed = BigInt(process.argv[2] || '20261123');
let state = seed;
function next64() { // splitmix64
  state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return z ^ (z >> 31n);
}
function int(n) { return Number(next64() % BigInt(n)); } // 0 <= r < n
function pick(a) { return a[int(a.length)]; }

const view = new DataView(new ArrayBuffer(8));
function fromBits(bits) { view.setBigUint64(0, bits); return view.getFloat64(0); }
function toBits(x) { view.setFloat64(0, x); return view.getBigUint64(0); }
function hex(bits) { return bits.toString(16).padStart(16, '0'); }

// ---- numbers.txt
const numbers = new Map(); // bits -> string, deduplicated, insertion order kept
function addNumber(x) { // with a random sign: formatting is symmetric, a sample of each side suffices
  if (!Number.isFinite(x)) return;
  const v = int(2) ? x : -x;
  numbers.set(hex(toBits(v)), String(v));
}
function neighbours(x) {
  if (!Number.isFinite(x) || x <= 0) return;
  const b = toBits(x);
  for (const d of [-1n, 1n]) addNumber(fromBits(b + d));
}
for (let i = 0; i < 3000; i++) addNumber(fromBits(next64()));                       // any bit pattern
for (let i = 0; i < 1500; i++) addNumber(fromBits(next64() & 0x000fffffffffffffn));  // subnormals
for (let i = 0; i < 600; i++) addNumber(fromBits(BigInt(1 + int(4096))));            // tiny subnormals
for (let i = 0; i < 2500; i++) {                                                      // short decimals
  const k = 1 + int(17);
  let digits = String(1 + int(9));
  for (let j = 1; j < k; j++) digits += String(int(10));
  addNumber(Number(digits + 'e' + (int(640) - 330)));
}
for (let e = -325; e <= 309; e++) {                                                   // powers of ten
  addNumber(Number('1e' + e));
  neighbours(Number('1e' + e));
}
for (let d = 1; d <= 99; d++) for (const e of [-324, -323, -322, -310, -300, -7, -6, 20, 21, 22, 307, 308]) {
  addNumber(Number(d + 'e' + e));                                                     // one- and two-digit
}
for (let n = -1074; n <= 1023; n += 3) addNumber(Math.pow(2, n));                        // powers of two
for (const x of [0, -0, 5e-324, 1e-315, 1e21, 1e20, 999999999999999900000, 1e-7, 1e-6, 0.000001,
                 9007199254740991, 9007199254740992, 9007199254740993, 2 ** 53 + 2, 2 ** 60, 2 ** 64,
                 Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 0.1, 0.2, 0.30000000000000004,
                 333333333.3333333, 1e23, 5e-7, 1.5e-7, 123e-20, 4.35, 0.5, 1 / 3, 2 / 3, Math.PI, Math.E]) {
  for (const v of [x, -x]) numbers.set(hex(toBits(v)), String(v));
  neighbours(Math.abs(x));
}
for (let i = 0; i < 400; i++) {                                                       // integers
  const n = int(2 ** 31) * 2 ** int(40) + int(1000);
  addNumber(n);
  neighbours(n);
}
fs.writeFileSync(path.join(__dirname, 'numbers.txt'),
  [...numbers].map(([bits, s]) => bits + ' ' + s).join('\n') + '\n');

// ---- number-texts.txt
const texts = new Set();
for (let i = 0; i < 2500; i++) {
  const intDigits = int(3) === 0 ? '0' : String(1 + int(9)) + Array.from({ length: int(20) }, () => int(10)).join('');
  const frac = int(4) === 0 ? '' : '.' + Array.from({ length: 1 + int(25) }, () => int(10)).join('');
  const exp = int(3) === 0 ? '' : pick(['e', 'E']) + pick(['', '+', '-']) + String(int(340));
  let text = (int(2) ? '-' : '') + intDigits + frac + exp;
  if (frac === '' && exp === '' && Math.abs(Number(text)) > Number.MAX_SAFE_INTEGER) continue; // refused, not formatted
  if (!Number.isFinite(Number(text))) continue;                                               // refused too
  texts.add(text);
}
for (const t of ['4.50', '333333333.33333329', '1E30', '2e-3', '0.000000000000000000000000001', '-0', '-0.0',
                 '0e0', '1.5e-324', '2.4703282292062328e-324', '2.4703282292062327e-324', '1.7976931348623157e308',
                 '9007199254740991', '-9007199254740991', '1.0', '100', '1e2', '0.1e1', '123456789012345678901234e-24']) {
  texts.add(t);
}
fs.writeFileSync(path.join(__dirname, 'number-texts.txt'),
  [...texts].map(t => t + '\t' + String(Number(t))).join('\n') + '\n');

// ---- documents.jsonl / documents.canonical.jsonl
const alphabet = ['a', 'b', 'A', 'Z', '1', '_', '-', ' ', '"', '\\', '/', '\n', '\t', '\b', '\f', '\r', '\u0000',
                  '\u001f', '\u007f', '\u0080', '\u00e9', '\u00f6', '\u20ac', '\u2028', '\u2029', '\ud7ff', '\ue000',
                  '\ufb33', '\uffff', '\ud83d\ude02', '\ud800\udc00', '\udbff\udfff', '\u1e0d\u0307', '<', '>', '&'];
function randomString(max) {
  let s = '';
  const n = int(max + 1);
  for (let i = 0; i < n; i++) s += pick(alphabet);
  return s;
}
function randomNumber() {
  switch (int(4)) {
    case 0: return int(2000) - 1000;
    case 1: return (int(2) ? 1 : -1) * int(Number.MAX_SAFE_INTEGER);
    case 2: return Number(pick(['', '-']) + String(int(1000)) + '.' + String(int(100000)) + 'e' + String(int(60) - 30));
    default: { const x = fromBits(next64()); return Number.isFinite(x) ? x : 0.5; }
  }
}
function randomValue(depth) {
  const r = int(depth >= 5 ? 5 : 8);
  switch (r) {
    case 0: return null;
    case 1: return int(2) === 0;
    case 2: return randomNumber();
    case 3: case 4: return randomString(8);
    case 5: case 6: {
      const o = {};
      const n = int(7);
      for (let i = 0; i < n; i++) o[randomString(4)] = randomValue(depth + 1);
      return o;
    }
    default: return Array.from({ length: int(6) }, () => randomValue(depth + 1));
  }
}
function shuffledStringify(v) { // JSON text with members in a random order
  if (Array.isArray(v)) return '[' + v.map(shuffledStringify).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i > 0; i--) { const j = int(i + 1); [keys[i], keys[j]] = [keys[j], keys[i]]; }
    return '{' + keys.map(k => JSON.stringify(k) + ':' + shuffledStringify(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}
function canonical(v) { // RFC 8785 as ECMAScript defines it: UTF-16 key order, JSON.stringify scalars
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map(k => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}
const inputs = [];
const outputs = [];
for (let i = 0; i < 400; i++) {
  const doc = randomValue(0);
  inputs.push(shuffledStringify(doc));
  outputs.push(canonical(JSON.parse(inputs[i])));
}
fs.writeFileSync(path.join(__dirname, 'documents.jsonl'), inputs.join('\n') + '\n');
fs.writeFileSync(path.join(__dirname, 'documents.canonical.jsonl'), outputs.join('\n') + '\n');
console.log('seed=' + seed + ' numbers=' + numbers.size + ' texts=' + texts.size + ' documents=' + inputs.length);
