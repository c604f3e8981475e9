// Writes tests/unit/github_slugs.tsv: headings and the ids github-slugger
// gives them, which test_slug checks slug_github against.  Each line is
// "heading<TAB>id".  First every code point slug.c's github_class claims to
// know, each between two letters ("a" + c + "b"), then random headings
// mixing those with spaces, hyphens and ASCII punctuation.  Run it where
// github-slugger is installed (it is not a dependency of quire):
//   mkdir /tmp/gs && cd /tmp/gs && npm install github-slugger@2 &&
//   node /path/to/quire/tests/tools/github_slugs.mjs > /path/to/quire/tests/unit/github_slugs.tsv
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// (from the folder it is run in: github-slugger is installed there)
const { slug } = await import(pathToFileURL(join(process.cwd(), 'node_modules/github-slugger/index.js')).href);

const ranges = [
  [0x80, 0x17f], [0x300, 0x36f], [0x386, 0x3ce], [0x400, 0x45f], [0x2000, 0x206f], [0x20a0, 0x20cf],
  [0x2190, 0x27bf], [0x2b00, 0x2bff], [0x3000, 0x303f], [0x3041, 0x30ff], [0xff01, 0xff5e], [0x4e00, 0x4e20], [0x9ff0, 0x9fff], [0xd790, 0xd7ff],
  [0xac00, 0xac20], [0x1f300, 0x1f320], [0x1f600, 0x1f64f], [0x1f680, 0x1f6a0], [0x1f900, 0x1f920],
];
const lines = [];
const chars = [];
for (const [lo, hi] of ranges)
  for (let c = lo; c <= hi; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCodePoint(c);
    if (/[\t\n\r]/.test(ch) || /\p{Cn}|\p{Cc}/u.test(ch)) continue;
    chars.push(ch);
    lines.push(`a${ch}b\t${slug(`a${ch}b`)}`);
  }
const extra = [...' -_.,:;()/\'"AZaz09'];
let seed = 20261127;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
for (let i = 0; i < 3000; i++) {
  let s = '';
  const len = 1 + rnd(12);
  for (let k = 0; k < len; k++) s += rnd(3) ? chars[rnd(chars.length)] : extra[rnd(extra.length)];
  lines.push(`${s}\t${slug(s)}`);
}
process.stdout.write(lines.join('\n') + '\n');
