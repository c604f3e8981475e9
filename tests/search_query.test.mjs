// Queries the fixture index written by generator/search.c with the page's
// own script (themes/default/assets/search.js), without a DOM.
// Run: node --test tests/search_query.test.mjs
// With QUIRE_TEST_SEARCH=path/to/test_search it uses that binary to write
// the fixture; otherwise it compiles tests/unit/test_search.c with gcc.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let tmp, out;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-search-js-'));
  out = path.join(tmp, 'out');
  fs.mkdirSync(out);
  let bin = process.env.QUIRE_TEST_SEARCH;
  if (!bin) {
    bin = path.join(tmp, 'test_search');
    const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'jansson'], { encoding: 'utf8' }).trim().split(/\s+/);
    execFileSync('gcc', ['-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror', '-O2',
      '-Igenerator', '-Itests/unit', 'tests/unit/test_search.c', 'generator/search.c',
      'generator/buf.c', 'generator/diag.c', 'generator/arena.c', 'generator/par.c', 'generator/slug.c',
      ...flags, '-lstemmer', '-lpthread', '-o', bin],
    { cwd: repo, stdio: 'inherit' });
  }
  execFileSync(bin, ['--fixture', out], { stdio: 'inherit' });
  execFileSync(bin, ['--folds', path.join(tmp, 'folds.txt')], { stdio: 'inherit' });
  execFileSync(bin, ['--words', path.join(tmp, 'words.txt')], { stdio: 'inherit' });
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A fresh engine: search-index.js and search.js evaluated in a context
// with no document; shard files are evaluated when search.js asks.  A
// file put in `failing` fails to load once, as on a dropped connection;
// with index: false, search-index.js too is loaded when search.js asks;
// edit[file], a function, changes a file's text as it is loaded.
function engine({ index = true, edit = {} } = {}) {
  const ctx = { console };
  ctx.window = ctx;
  vm.createContext(ctx);
  const loaded = [], failing = new Set();
  ctx.quireSearch = {
    load(file) {
      loaded.push(file);
      if (failing.delete(file)) return Promise.reject(new Error(`${file} did not load`));
      const text = fs.readFileSync(path.join(out, file), 'utf8');
      vm.runInContext(edit[file] ? edit[file](text) : text, ctx, { filename: file });
      return Promise.resolve();
    },
  };
  if (index) vm.runInContext(fs.readFileSync(path.join(out, 'search-index.js'), 'utf8'), ctx);
  vm.runInContext(fs.readFileSync(path.join(repo, 'themes/default/assets/search.js'), 'utf8'), ctx);
  return { Q: ctx.quireSearch, loaded, failing };
}

// Arrays made inside the vm context have its prototypes: copy them out.
const urls = (res) => Array.from(res.results, (r) => r.url);

test('a plural finds every form of the word, title matches first', async () => {
  const { Q } = engine();
  const res = await Q.query('employees ');
  assert.deepEqual(urls(res), ['people/monitoring.html', 'people/leave.html', 'people/contracts.html',
    'people/index.html', 'index.html']);
  assert.equal(res.results[0].title, 'Monitoring employees at work');
  assert.equal(res.results[0].section, 'People');
});

test('verb forms fold together, even forms the site never uses', async () => {
  const { Q } = engine();
  // the fixture says "monitoring", "monitors", "Booking" and "policies",
  // never "monitored", "booked" or "policy"
  assert.deepEqual(urls(await Q.query('booked ')), ['people/leave.html']);
  assert.deepEqual(urls(await Q.query('policy ')), ['index.html']);
  const a = await Q.query('monitored ');
  const b = await Q.query('monitoring ');
  assert.deepEqual(urls(a), urls(b));
  assert.ok(urls(a).includes('people/monitoring.html'));
  assert.ok(urls(a).includes('people/leave.html'));
});

test('the pages with every word come first, and stop words are ignored', async () => {
  const { Q } = engine();
  // three pages have both words: fewer than five, so the page with one of
  // them follows (partial); the home page says "leave and monitoring",
  // next to each other as typed, and comes before the section, which has
  // them apart
  const res = await Q.query('leave monitoring ');
  assert.deepEqual(urls(res), ['people/leave.html', 'index.html', 'people/index.html', 'people/monitoring.html']);
  assert.deepEqual(Array.from(res.results, (r) => r.matched), [2, 2, 2, 1]);
  assert.equal(res.every, 3);
  assert.equal(res.partial, true);
  assert.deepEqual(Array.from(res.missing), []);
  assert.deepEqual(urls(await Q.query('the leave of monitoring ')), urls(res));
});

test('a word no page has leaves the pages with the other words, the most words first, and is named', async () => {
  const { Q } = engine();
  let res = await Q.query('leave zebra');
  assert.deepEqual(urls(res), ['people/leave.html', 'index.html', 'people/index.html']);
  assert.equal(res.partial, true);
  assert.deepEqual(Array.from(res.missing), ['zebra']);
  // the pages with "leave" and "monitoring" come before the one with only "monitoring"
  res = await Q.query('leave monitoring zebra ');
  assert.deepEqual(urls(res), ['people/leave.html', 'index.html', 'people/index.html', 'people/monitoring.html']);
  assert.deepEqual(Array.from(res.results, (r) => r.matched), [2, 2, 2, 1]);
  assert.deepEqual(Array.from(res.missing), ['zebra']);
  // the missing word as the reader typed it
  assert.deepEqual(Array.from((await Q.query('Leave ZEBRA')).missing), ['ZEBRA']);
  const marked = Array.from(Q.highlight('Leave and zebra', res.stems)).filter((p) => p[1]).map((p) => p[0]);
  assert.deepEqual(marked, ['Leave']);
  res = await Q.query('zebra quokka');
  assert.deepEqual(urls(res), []);
  assert.deepEqual(Array.from(res.missing), ['zebra', 'quokka']);
});

test('words no page has together leave the pages with some of them, none missing', async () => {
  const { Q } = engine();
  // "holiday" is in leave's summary, "CCTV" a heading of monitoring's: no page has both
  const res = await Q.query('holiday cctv ');
  assert.deepEqual(urls(res), ['people/leave.html', 'people/monitoring.html', 'people/index.html']);
  assert.equal(res.partial, true);
  assert.deepEqual(Array.from(res.missing), []);
});

test('a hyphenated word and the word written as one find each other, either way round', async () => {
  const { Q } = engine();
  // monitoring says "email"; acceptable-use "e-mail", and "E\u2011mail" with
  // a non-breaking hyphen; the section repeats monitoring's summary
  const both = ['people/monitoring.html', 'it/acceptable-use.html', 'people/index.html'];
  for (const q of ['e-mail ', 'E-Mail', 'e\u2010mail ', 'e\u2011mail ', 'e-ma', 'email ', 'EMAIL', 'ema'])
    assert.deepEqual(urls(await Q.query(q)), both, q);
  // contracts says "Fixed-term", never "fixedterm"; acceptable-use
  // "up-to-date", "anti-virus" and "well\u00adbeing" (a soft hyphen)
  for (const q of ['fixed-term ', 'fixedterm ', 'Fixed\u2010Term'])
    assert.deepEqual(urls(await Q.query(q)), ['people/contracts.html'], q);
  for (const q of ['up-to-date ', 'uptodate ', 'antivirus ', 'anti-virus ', 'wellbeing ', 'well-being '])
    assert.deepEqual(urls(await Q.query(q)), ['it/acceptable-use.html'], q);
  const res = await Q.query('e-mail monitoring ');
  assert.deepEqual(urls(res).slice(0, res.every), ['people/monitoring.html', 'people/index.html']);
  const marked = Array.from(Q.highlight('Email monitoring', res.stems)).filter((p) => p[1]).map((p) => p[0]);
  assert.deepEqual(marked, ['Email', 'monitoring']);
  // a hyphenated word is marked whole where the word as one was searched for
  const email = await Q.query('email ');
  const parts = Array.from(Q.highlight('Work E\u2011mail, e-mail and email; e mail.', email.stems));
  assert.deepEqual(parts.filter((p) => p[1]).map((p) => p[0]), ['E\u2011mail', 'e-mail', 'email']);
});

test('a hyphenated word is found inside a longer one, and marked there', async () => {
  const { Q } = engine();
  // acceptable-use says "up-to-date": "to-date" finds it as one word
  const res = await Q.query('to-date ');
  assert.deepEqual(urls(res), ['it/acceptable-use.html']);
  const parts = Array.from(Q.highlight('Keep anti-virus up-to-date, up to date.', res.stems));
  assert.deepEqual(parts.filter((p) => p[1]).map((p) => p[0]), ['to-date']);
  // the page's words are every run of the words a hyphen joins, as the index's
  assert.deepEqual(Array.from(Q.words('anti-money-laundering')),
    ['anti', 'money', 'laundering', 'antimoney', 'antimoneylaundering', 'moneylaundering']);
});

test('a hyphenated word\'s words apart are looked for only when no page has it as one', async () => {
  const { Q } = engine();
  // grievance says "as well as", but "well-being" is a word of acceptable-use
  assert.deepEqual(urls(await Q.query('well-being ')), ['it/acceptable-use.html']);
  assert.ok(urls(await Q.query('well ')).includes('people/grievance.html'));
  // no page has "leavemonitoring": the pages with both words
  const res = await Q.query('leave-monitoring ');
  assert.deepEqual(urls(res), ['people/leave.html', 'index.html', 'people/index.html']);
  assert.equal(res.partial, false);
});

test('two words no page has may be one word split ("cc tv" finds "CCTV")', async () => {
  const { Q } = engine();
  for (const q of ['cc tv ', 'CC TV', 'haupt strasse ']) {
    const res = await Q.query(q);
    assert.equal(res.results.length, 1, q);
    assert.equal(res.partial, false, q);
    assert.deepEqual(Array.from(res.missing), [], q);
  }
  assert.deepEqual(urls(await Q.query('cc tv')), ['people/monitoring.html']);
  // words that match on their own are not joined
  assert.deepEqual(urls(await Q.query('grand chamber ')), ['law/barbulescu.html', 'law/glossary.html']);
});

test('a file that fails to load fails the search, and the next search loads it again', async () => {
  const { Q, loaded, failing } = engine();
  failing.add('search-00.js');
  await assert.rejects(Q.query('leave '), /search-00\.js did not load/);
  assert.deepEqual(urls(await Q.query('leave ')), ['people/leave.html', 'index.html', 'people/index.html']);
  assert.deepEqual(loaded, ['search-00.js', 'search-00.js']);
  // snippets too
  const res = await Q.query('leave ');
  failing.add('search-text-00.js');
  await assert.rejects(Q.snippets(res.results));
  assert.match((await Q.snippets(res.results))[0], /holiday/);
});

test('an index that fails to load fails the search, and the next search loads it again', async () => {
  const { Q, loaded, failing } = engine({ index: false });
  failing.add('search-index.js');
  await assert.rejects(Q.query('leave '));
  assert.deepEqual(urls(await Q.query('leave ')), ['people/leave.html', 'index.html', 'people/index.html']);
  assert.deepEqual(loaded, ['search-index.js', 'search-index.js', 'search-00.js']);
});

test('the whole index the worker keeps is every file but the pages\' texts, eight pages a file', async () => {
  const { Q } = engine();
  await Q.query('leave ');
  const files = fs.readdirSync(out).filter((f) => /^search-.*\.js$/.test(f));
  const texts = files.filter((f) => f.startsWith('search-body-')).sort();
  assert.deepEqual(Array.from(Q.files()).sort(), files.filter((f) => !texts.includes(f)).sort());
  const ndocs = Number(fs.readFileSync(path.join(out, 'search-index.js'), 'utf8').match(/"ndocs":(\d+)/)[1]);
  assert.ok(ndocs >= 14);
  assert.deepEqual(texts, Array.from({ length: Math.ceil(ndocs / 8) }, (_, i) => `search-body-${String(i).padStart(2, '0')}.js`));
});

test('the last word matches as a prefix while typing, not after a space', async () => {
  const { Q } = engine();
  assert.deepEqual(urls(await Q.query('holi')), ['people/leave.html', 'people/index.html']);
  assert.deepEqual(urls(await Q.query('holi ')), []);
  assert.deepEqual(urls(await Q.query('contra')), ['people/contracts.html']);
  assert.deepEqual(urls(await Q.query('contr')), ['people/contracts.html', 'policy/xss.html']);
  // two letters start too many words to be one's start ("AI" is no
  // "airport"): from the third on
  assert.deepEqual(urls(await Q.query('ho')), []);
  assert.deepEqual(urls(await Q.query('hol')), ['people/leave.html', 'people/index.html']);
  // "contract" and "contracts": the typed prefix reaches both stems' pages
  assert.deepEqual(urls(await Q.query('employment contr')).slice(0, 1), ['people/contracts.html']);
});

test('accented words and upper case match', async () => {
  const { Q } = engine();
  assert.deepEqual(urls(await Q.query('CAFÉ')), ['policy/café.html']);
});

test('accents are folded away in Latin letters, as readers type them', async () => {
  const { Q } = engine();
  assert.deepEqual(urls(await Q.query('barbulescu')), ['law/barbulescu.html']);
  assert.deepEqual(urls(await Q.query('Bărbulescu')), ['law/barbulescu.html']);
  // the page has "résumé" decomposed (e + U+0301)
  assert.deepEqual(urls(await Q.query('résumé ')), ['law/barbulescu.html']);
  assert.deepEqual(urls(await Q.query('resume ')), ['law/barbulescu.html']);
  assert.deepEqual(urls(await Q.query('cafe')), ['policy/café.html']);
  // a mark of any block of combining diacritics, as the index drops it
  assert.deepEqual(Array.from(Q.words('re\u0301sume\u0301 a\u1ab0b c\u1dc0d e\u20d7f g\ufe20h')),
    ['resume', 'ab', 'cd', 'ef', 'gh']);
  // a Cyrillic letter keeps its mark: йод is found, иод is not
  assert.deepEqual(urls(await Q.query('йод')), ['law/barbulescu.html']);
  assert.deepEqual(urls(await Q.query('иод ')), []);
  const res = await Q.query('barbulescu ');
  const marked = Array.from(Q.highlight('Bărbulescu v Romania', res.stems)).filter((p) => p[1]).map((p) => p[0]);
  assert.deepEqual(marked, ['Bărbulescu']);
});

test('letters with no accent to drop (Ł, Æ, ß, Þ) match as people type them', async () => {
  const { Q } = engine();
  // the index has the title "Łódź office" as "lodz office"
  for (const q of ['lodz', 'Łódź', 'ŁÓDŹ ', 'łodz office'])
    assert.deepEqual(urls(await Q.query(q)), ['places/lodz.html'], q);
  // "Ærøskøbing": typed in ASCII, as written, half-folded, or a prefix
  for (const q of ['aeroskobing ', 'Ærøskøbing ', 'ærøskøbing', 'aerø', 'AERO'])
    assert.deepEqual(urls(await Q.query(q)), ['places/lodz.html'], q);
  // ß and ẞ are ss, Þ is th, on either side
  for (const q of ['hauptstrasse ', 'Hauptstraße ', 'strasse ', 'Straße ', 'STRAẞE ', 'thingvellir ', 'Þingvellir '])
    assert.deepEqual(urls(await Q.query(q)), ['places/lodz.html'], q);
  assert.deepEqual(urls(await Q.query('odz ')), []);
  const res = await Q.query('lodz ');
  const marked = Array.from(Q.highlight('Our Łódź office', res.stems)).filter((p) => p[1]).map((p) => p[0]);
  assert.deepEqual(marked, ['Łódź']);
});

test('a PDF\'s ligatures match the letters they join, typed or pasted', async () => {
  const { Q } = engine();
  // the page has "ﬁnancial" and "eﬃcient" with ligatures, "fiduciary" without
  for (const q of ['financial ', 'ﬁnancial ', 'FINANCIAL ', 'efficient ', 'eﬃc', 'EFFI', 'ﬁduciary ', 'fiduciary '])
    assert.deepEqual(urls(await Q.query(q)), ['legal/pdf.html'], q);
  const res = await Q.query('financial efficient ');
  const marked = Array.from(Q.highlight('The ﬁnancial duties of eﬃcient trustees.', res.stems)).filter((p) => p[1]).map((p) => p[0]);
  assert.deepEqual(marked, ['ﬁnancial', 'eﬃcient']);
});

test('capitals match in every script, and a last Σ as any other', async () => {
  const { Q } = engine();
  // the page has "ƏLIYEV", "ҐРУНТ" and "ΟΔΟΣ"
  for (const q of ['əliyev ', 'Əliyev ', 'ƏLIYEV', 'ґрунт ', 'Ґрунт', 'οδος ', 'ΟΔΟΣ ', 'Οδος '])
    assert.deepEqual(urls(await Q.query(q)), ['people/names.html'], q);
  assert.deepEqual(Array.from(Q.words('ΟΔΟΣ οδός')), ['οδοσ', 'οδόσ']);
});

test('the page folds every letter to the ASCII the index folds it to', () => {
  const { Q } = engine();
  // test_search --folds: each code point the index folds (slug_fold), and to what
  const index = new Map(fs.readFileSync(path.join(tmp, 'folds.txt'), 'utf8').trim().split('\n')
    .map((line) => line.split(' ')).map(([hex, to]) => [parseInt(hex, 16), to]));
  assert.ok(index.size > 600);
  const differ = [];
  for (let cp = 0x80; cp < 0x10000; cp++) {
    if (cp >= 0xd800 && cp < 0xe000) continue;
    const page = Q.fold(String.fromCharCode(cp)).toLowerCase();
    // both fold it to the same ASCII, or neither folds it to ASCII
    if (index.has(cp) ? page !== index.get(cp) : /^[a-z]+$/.test(page))
      differ.push('U+' + cp.toString(16) + ': page ' + page + ', index ' + index.get(cp));
  }
  assert.deepEqual(differ, []);
});

test('a PDF\'s ligatures (U+FB00-FB06) fold to the letters they join, on both sides', () => {
  const { Q } = engine();
  const index = new Map(fs.readFileSync(path.join(tmp, 'folds.txt'), 'utf8').trim().split('\n')
    .map((line) => line.split(' ')).map(([hex, to]) => [parseInt(hex, 16), to]));
  for (let cp = 0xfb00; cp <= 0xfb06; cp++) {
    const letters = String.fromCharCode(cp).normalize('NFKD').toLowerCase();
    assert.equal(index.get(cp), letters, 'U+' + cp.toString(16));
    assert.equal(Q.fold(String.fromCharCode(cp)), letters, 'U+' + cp.toString(16));
  }
});

test('the page splits, lower-cases and folds every character as the index does, and as slugs do', (t) => {
  const { Q } = engine();
  // fold_table.py's Unicode made search.c's tables; node's may be later, and
  // what that assigned since, the index cannot know
  const free = execFileSync('python3', ['tests/tools/fold_table.py', '--unassigned'], { cwd: repo, encoding: 'utf8' })
    .trim().split('\n');
  const made = fs.readFileSync(path.join(repo, 'generator/search.c'), 'utf8').match(/\((Unicode [0-9.]+)\): tests\/tools\/fold_table.py --search/);
  if (!made || made[1] !== free[0]) {
    t.skip('search.c\'s tables are of ' + (made && made[1]) + ', python3 has ' + free[0]);
    return;
  }
  const unassigned = new Set();
  free.slice(1).map((r) => r.split('-').map((h) => parseInt(h, 16)))
    .forEach(([a, b]) => { for (let cp = a; cp <= b; cp++) unassigned.add(cp); });
  const folded = new Set(fs.readFileSync(path.join(tmp, 'folds.txt'), 'utf8').trim().split('\n')
    .map((line) => parseInt(line, 16)));
  // test_search --words: for each code point c, the index's words of
  // "c xcy xc" (each once, in order) and the slug of that text
  const lines = fs.readFileSync(path.join(tmp, 'words.txt'), 'utf8').split('\n').filter((l) => l);
  assert.ok(lines.length > 60000);
  const differ = [];
  let compared = 0;
  for (const line of lines) {
    const [hex, words, slug] = line.split('\t');
    const cp = parseInt(hex, 16), c = String.fromCharCode(cp);
    if (unassigned.has(cp)) continue;
    // NFC makes these another character (CJK compatibility ideographs,
    // Greek letters with oxia, Hebrew presentation forms...), which the
    // index, normalising nothing, does not: a known difference, unless the
    // index folds it to ASCII (the Kelvin sign is K)
    if (c.normalize('NFC') !== c && !folded.has(cp)) continue;
    compared++;
    const probe = c + ' x' + c + 'y x' + c;
    const page = Array.from(Q.words(probe));
    // a slug is the page's words (not those a hyphen joins as one) with
    // all but a-z and 0-9 made one '-'
    const pageSlug = Array.from(Q.groups(probe)).flatMap((g) => Array.from(g))
      .map((w) => w.replace(/[^a-z0-9]+/g, '-')).join('-').replace(/-+/g, '-').replace(/^-|-$/g, '');
    if ([...new Set(page)].join(' ') !== words)
      differ.push('U+' + hex + ': page [' + page.join(' ') + '], index [' + words + ']');
    if (pageSlug !== slug)
      differ.push('U+' + hex + ': slug from the page\'s words ' + pageSlug + ', slug ' + slug);
  }
  assert.ok(compared > 50000);
  assert.ok(!differ.length, differ.length + ' differences, the first:\n' + differ.slice(0, 40).join('\n'));
});

test('the index\'s table and the page\'s list are what fold_table.py makes', () => {
  // generator/slug.c and search.js hold its output; a hand edit to either
  // (or to its list alone) shows here
  const out = execFileSync('python3', ['tests/tools/fold_table.py', '--check'], { cwd: repo, encoding: 'utf8' });
  assert.doesNotMatch(out, /differs/);
});

test('a word in the summary outranks the same word in a heading', async () => {
  const { Q } = engine();
  // barbulescu's summary is "A Grand Chamber judgment."; the glossary has
  // headings "Grand Chamber" and "Judgment"
  assert.deepEqual(urls(await Q.query('judgment ')), ['law/barbulescu.html', 'law/glossary.html']);
  assert.deepEqual(urls(await Q.query('grand chamber ')), ['law/barbulescu.html', 'law/glossary.html']);
});

test('a title with markup comes back as the same text', async () => {
  const { Q } = engine();
  const res = await Q.query('alert');
  assert.equal(res.results.length, 1);
  assert.equal(res.results[0].title, '</script><script>alert(1)</script> \u2028 line');
  assert.equal(res.results[0].section, 'Policy <b>');
});

test('snippets load on demand and mark the matched words', async () => {
  const { Q, loaded } = engine();
  const res = await Q.query('employee ');
  assert.ok(!loaded.some((f) => f.startsWith('search-text-')));
  const snips = await Q.snippets(res.results.slice(0, 2));
  assert.deepEqual([...loaded].filter((f) => f.startsWith('search-text-')), ['search-text-00.js']);
  assert.match(snips[1], /^How much holiday employees get\./);
  const marked = Array.from(Q.highlight(snips[1], res.stems)).filter((p) => p[1]).map((p) => p[0]);
  assert.deepEqual(marked, ['employees', 'employee']);
});

test('articles rank before lists that match as well; a list comes first where it matches best', async () => {
  const { Q } = engine();
  // the section and the home page repeat "employees" from the articles'
  // titles and summaries, and score higher than contracts' one mention in
  // its body: still after it, as after every article that has no more of
  // the words in its title
  let res = await Q.query('employees ');
  assert.deepEqual(Array.from(res.results, (r) => [r.url, r.list]), [['people/monitoring.html', false],
    ['people/leave.html', false], ['people/contracts.html', false], ['people/index.html', true], ['index.html', true]]);
  assert.ok(res.results[3].score > res.results[2].score);
  // "people" is the section's title and a word of grievance's body: the
  // section comes first
  res = await Q.query('people ');
  assert.deepEqual(urls(res), ['people/index.html', 'people/grievance.html']);
  // an article with the word in its title before a list with it there too
  assert.deepEqual(urls(await Q.query('annual leave ')), ['people/leave.html', 'people/index.html', 'index.html']);
});

// The pieces Q.passages gives for the results of q, as text with the
// marked words in [brackets].
async function shown(Q, q) {
  const res = await Q.query(q);
  const got = await Q.passages(res.results, res.stems);
  return Array.from(got, (pieces) => Array.from(pieces, (p) => (p[1] ? `[${p[0]}]` : p[0])).join(''));
}

test('a result shows the passage of its page where the words matched, marked', async () => {
  const { Q, loaded } = engine();
  // grievance's one "ombudsman" is in its last paragraph, far from the
  // opening: the passage starts at its sentence
  assert.deepEqual(await shown(Q, 'ombudsman'), ['If you are still unhappy after the appeal, you can take the matter ' +
    'to the independent [ombudsman], who looks at how the case was handled.']);
  assert.ok(loaded.includes('search-body-01.js')); // document 13's, with 8 to 15
  // the passage with the most of the words near each other
  assert.deepEqual(await shown(Q, 'unhappy appeal '), ['If you are still [unhappy] after the [appeal], you can take the ' +
    'matter to the independent ombudsman, who looks at how the case was handled.']);
  // a heading goes on with the text after it, and a long passage is cut
  const hr = (await shown(Q, 'hr '))[0];
  assert.match(hr, /^Write to \[HR\] \u2014 If talking does not settle it, write to \[HR\]\. Say what happened/);
  assert.match(hr, / as well as\u2026$/);
});

test('a result whose words are only in its title or opening shows its opening, without loading its text', async () => {
  const { Q, loaded } = engine();
  // "annual" is only in leave's title (and the section's list)
  assert.deepEqual(await shown(Q, 'annual '), ['How much holiday employees get. Every employee gets 25 days of leave. ' +
    'Monitoring of leave is done by managers.', 'Guidance for the people who work here. Monitoring employees at work ' +
    'When and how the company monitors staff email. [Annual] leave How much holiday employees get.']);
  // grievance's summary has "concern": no text is loaded for it
  assert.match((await shown(Q, 'concern '))[0], /^How to raise a \[concern\] about your work\./);
  assert.ok(!loaded.some((f) => f.startsWith('search-body-')), loaded.join(' '));
});

test('a page\'s text that does not load leaves its opening, and loads on the next search', async () => {
  const { Q, failing } = engine();
  failing.add('search-body-01.js');
  const opening = await shown(Q, 'ombudsman');
  assert.equal(opening.length, 1);
  assert.match(opening[0], /^How to raise a concern about your work\. Most concerns are settled by talking them through\./);
  assert.doesNotMatch(opening[0], /ombudsman/);
  assert.match((await shown(Q, 'ombudsman'))[0], /independent \[ombudsman\]/);
});

test('a passage is the page\'s text as text, markup and all', async () => {
  const { Q } = engine();
  const got = await Q.query('separator ');
  const pieces = Array.from((await Q.passages(got.results, got.stems))[0], (p) => Array.from(p));
  assert.ok(pieces.every((p) => typeof p[0] === 'string'));
  assert.match(pieces.map((p) => p[0]).join(''), /Body with <\/script> and a/);
  assert.deepEqual(pieces.filter((p) => p[1]).map((p) => p[0]), ['separator']);
});

test('result links start from the root the script was loaded from', async () => {
  const { Q } = engine();
  Q.root = '../';
  assert.deepEqual(urls(await Q.query('annual')), ['../people/leave.html', '../people/index.html']);
});

test('only the shards a query needs are loaded', async () => {
  const { Q, loaded } = engine();
  assert.deepEqual(loaded, []);
  await Q.query('leave ');
  assert.deepEqual(loaded, ['search-00.js']);
});

test('a word of a page\'s tags alone finds it, a little after a page with the word in its title', async () => {
  const { Q } = engine();
  // speaking-up is tagged "whistleblowing" and never says it; the law page
  // has it in its title; help has it in its tags, summary, a heading and
  // its text, and still comes after the title; the tag's page is a list,
  // after them all
  const res = await Q.query('whistleblowing ');
  assert.deepEqual(Array.from(res.results, (r) => [r.url, r.list]), [['law/whistleblowing.html', false],
    ['people/help.html', false], ['people/speaking-up.html', false], ['tags/whistleblowing.html', true]]);
  assert.deepEqual(Array.from(res.results, (r) => r.titles), [1, 1, 1, 1]);
  assert.ok(res.results[0].score > res.results[1].score);
  assert.ok(res.results[1].score > res.results[2].score);
  assert.deepEqual(urls(await Q.query('whistleblo')), urls(res));
  assert.deepEqual(urls(await Q.query('Whistleblowers ')), urls(res));
});

test('a tag\'s page is found by the tag\'s words alone, after the pages tagged, and shows what it lists', async () => {
  const { Q, loaded } = engine();
  const res = await Q.query('whistleblowing ');
  const tag = res.results[3];
  assert.equal(tag.title, 'Guidance tagged \u201cwhistleblowing\u201d');
  assert.equal(tag.section, 'All topics');
  // "guidance" and "tagged" are words of its title shown, not searched
  assert.deepEqual(urls(await Q.query('guidance tagged ')).filter((u) => u.startsWith('tags/')), []);
  // what a result whose word is only in its tags shows: its opening, not
  // an empty passage, and no text is loaded for it
  assert.deepEqual(await shown(Q, 'whistleblowing '), ['What the law protects. Protected disclosures explained.',
    'Who to ask about [whistleblowing]. Call the [whistleblowing] line. Our social-media investigation guide is separate.',
    'Who to tell when something at work is wrong. Tell someone you trust first. The law protects a report of ' +
    'wrongdoing made in the public interest.', '1 page: Speaking up']);
  assert.ok(!loaded.some((f) => f.startsWith('search-body-')), loaded.join(' '));
});

test('a tag\'s hyphen is a space: "social-media" finds the page tagged so, as "social media" does', async () => {
  const { Q } = engine();
  // help says "social-media investigation": the word as one, yet the page
  // tagged so still comes, first
  for (const q of ['social-media ', 'social media ', 'Social-Media', 'social med'])
    assert.deepEqual(urls(await Q.query(q)), ['people/speaking-up.html', 'people/help.html'], q);
  // the tag is not one word "socialmedia", which would leave out every
  // page that says "social media" but is not tagged so
  assert.deepEqual(urls(await Q.query('socialmedia ')), ['people/help.html']);
});

test('a word no page has is offered the word one slip away that pages have ("did you mean")', async () => {
  const { Q } = engine();
  const plain = (x) => JSON.parse(JSON.stringify(x)); // arrays of the engine's realm
  const res = await Q.query('ombudsmn ');
  assert.deepEqual(urls(res), []);
  assert.deepEqual(plain(res.suggestions), [['ombudsmn', 'ombudsman']]);
  // swapped letters are one slip; two in a word of eight letters or more
  assert.deepEqual(plain((await Q.query('grievnace ')).suggestions), [['grievnace', 'grievance']]);
  assert.deepEqual(plain((await Q.query('whistlblowng ')).suggestions), [['whistlblowng', 'whistleblowing']]);
  // with other words that match, the slip is named too
  const partial = await Q.query('leave ombudsmn ');
  assert.ok(partial.partial && partial.results.length > 0);
  assert.deepEqual(plain(partial.suggestions), [['ombudsmn', 'ombudsman']]);
  // as typed (capitals), so the page can put the right word in its place
  assert.deepEqual(plain((await Q.query('Ombudsmn ')).suggestions), [['Ombudsmn', 'ombudsman']]);
  // nothing near, or too short to judge
  assert.deepEqual(plain((await Q.query('xyzzy ')).suggestions), []);
  assert.deepEqual(plain((await Q.query('lve ')).suggestions), []);
  // only a word some page has: the fixture says "employers", never
  // "employer", a form the index stands for
  assert.deepEqual(plain((await Q.query('employr ')).suggestions), []);
  assert.deepEqual(plain((await Q.query('monitred ')).suggestions), []);
  // a form the index stands for that a page has is offered ("monitoring")
  assert.deepEqual(plain((await Q.query('monitorng ')).suggestions), [['monitorng', 'monitoring']]);
  // a word some page has needs none
  assert.deepEqual(plain((await Q.query('ombudsman ')).suggestions), []);
});

// A phrase in quotes keeps the pages with its words in a row, stop words
// and all: "monitoring of leave" is in the leave page's text alone, while
// the section and the home page have "monitoring" and "leave" apart.
test('a quoted phrase keeps the pages that have its words in a row', async () => {
  const { Q, loaded } = engine();
  assert.deepEqual(urls(await Q.query('monitoring leave')).slice(0, 3), ['people/leave.html', 'people/index.html', 'index.html']);
  let res = await Q.query('"monitoring of leave"');
  assert.deepEqual(urls(res), ['people/leave.html']);
  assert.deepEqual(Array.from(res.phrases), ['monitoring of leave']);
  assert.ok(!res.apart);
  assert.ok(loaded.some((f) => f.startsWith('search-body-')), 'the texts were read to tell');
  // curly quotes, capitals and accents as the index folds them
  assert.deepEqual(urls(await Q.query('\u201cMonitoring OF Leave\u201d')), ['people/leave.html']);
  assert.deepEqual(urls(await Q.query('"barbulescu v romania"')), ['law/barbulescu.html']);
  // in a title ("Annual leave") and in a section's list of titles
  assert.deepEqual(urls(await Q.query('"annual leave"')), ['people/leave.html', 'people/index.html']);
  // a phrase beside other words: both must hold
  assert.deepEqual(urls(await Q.query('"monitoring of leave" managers')), ['people/leave.html']);
  // a form of a word stands for it, as everywhere in search ("leaves"
  // for "leave"); a stop word must be as written ("monitoring to leave")
  assert.deepEqual(urls(await Q.query('"monitored of leaves"')), ['people/leave.html']);
  assert.equal((await Q.query('"monitoring to leave"')).apart, true);
  // a hyphen joins words as a space does: "e-mail" is "e mail"
  assert.deepEqual(urls(await Q.query('"forward work e-mail"')), ['it/acceptable-use.html']);
});

test('a phrase no page has keeps the pages with its words apart, and says so', async () => {
  const { Q } = engine();
  const res = await Q.query('"managers leave"');
  assert.equal(res.apart, true);
  assert.deepEqual(urls(res).slice(0, 1), ['people/leave.html']);
  assert.deepEqual(Array.from(res.phrases), ['managers leave']);
  // one quoted word is a word: nothing to put in a row
  const one = await Q.query('"leave"');
  assert.deepEqual(Array.from(one.phrases), []);
  assert.ok(!one.apart);
});

test('an unclosed quote is a phrase to the end, its last word begun while typing', async () => {
  const { Q } = engine();
  assert.deepEqual(urls(await Q.query('"monitoring of lea')), ['people/leave.html']);
  assert.deepEqual(urls(await Q.query('"monitoring of leave')), ['people/leave.html']);
  // not begun once the reader has gone on: "lea" is not "leave"
  assert.equal((await Q.query('"monitoring of lea" ')).apart, true);
});

test('a phrase whose page text did not load keeps that page, after the pages that have it', async () => {
  const { Q, failing } = engine();
  failing.add('search-body-00.js');
  const res = await Q.query('"monitoring of leave"');
  // unsure: every page with the words, as none could be read to tell
  assert.ok(urls(res).includes('people/leave.html'));
  assert.ok(!res.apart);
});

test('a quote inside a word opens no phrase', async () => {
  const { Q } = engine();
  assert.deepEqual(Array.from(Q.phrases('12" screen "monitoring of leave"'), (p) => p.text), ['monitoring of leave']);
  assert.deepEqual(Array.from(Q.phrases('O"Brien "monitoring of leave"'), (p) => p.text), ['monitoring of leave']);
  assert.deepEqual(Array.from(Q.phrases('""')), []);
});

test('a phrase is not found across a page\'s title and text, and a hyphen joins words either way', async () => {
  const { Q } = engine();
  // the leave page's title ends "leave", its summary starts "How much":
  // the section's list has "Annual leave\nHow much" in its own text
  assert.deepEqual(urls(await Q.query('"leave how much"')), ['people/index.html']);
  // "e-mail" in the text, "email" in the phrase, and the other way round
  assert.deepEqual(urls(await Q.query('"email and the intranet"')), ['it/acceptable-use.html']);
  assert.deepEqual(urls(await Q.query('"monitors staff e-mail"')), ['people/monitoring.html', 'people/index.html']);
});

test('a page whose text was cut short for size stays, after the pages with the phrase, when it is not in what is left', async () => {
  // "monitoring of leave" is in the leave page's text; the section's and
  // the home page's have its words apart.  The section's text, ended with
  // the ellipsis search.c puts where it cuts a long text, may have it in
  // what was cut; the home page's is whole.
  const long = 'How much holiday employees get. ' + 'More words. '.repeat(800);
  const cut = (text) => text.replace('How much holiday employees get."', long + '\u2026"');
  let res = await engine({ edit: { 'search-body-00.js': cut, 'search-body-01.js': cut } }).Q.query('"monitoring of leave"');
  assert.deepEqual(urls(res), ['people/leave.html', 'people/index.html'], 'the cut page comes after the page with the phrase');
  res = await engine().Q.query('"monitoring of leave"');
  assert.deepEqual(urls(res), ['people/leave.html'], 'whole texts without the phrase do not have it');
  // a short text that ends with an ellipsis of its own was not cut
  const own = (text) => text.replace('How much holiday employees get."', 'How much holiday employees get\u2026"');
  res = await engine({ edit: { 'search-body-00.js': own, 'search-body-01.js': own } }).Q.query('"monitoring of leave"');
  assert.deepEqual(urls(res), ['people/leave.html'], 'a short page ending in an ellipsis is whole');
});
