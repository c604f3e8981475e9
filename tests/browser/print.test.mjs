// Real-Chromium tests of the print handbook, OUT/print.html, opened from
// file://: every article of the home page in reading order, each starting
// a new printed page after a cover and contents, links and anchors that
// resolve, no site chrome in print, and no serious accessibility problems.
// Run by run.sh; the quire binary comes from $QUIRE_RELEASE (else ../../quire).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const quire = path.resolve(process.env.QUIRE_RELEASE || path.join(repo, 'quire'));
const STEP = { timeout: 30000 };

let tmp, site, browser, built = false;
const problems = new Set(); // console errors, script errors, failed loads, foreign requests

async function open(rel) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.add(`console error on ${rel}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.add(`script error on ${rel}: ${e.message}`));
  page.on('requestfailed', (r) => problems.add(`failed to load ${r.url()} (${r.failure()?.errorText})`));
  context.on('request', (r) => { if (!r.url().startsWith('file://')) problems.add(`request to another origin: ${r.url()}`); });
  await page.goto(pathToFileURL(path.join(site, rel)).href);
  return page;
}

describe('the print handbook, print.html', { concurrency: false }, () => {
  before(async () => {
    assert.ok(fs.existsSync(quire), `quire binary ${quire} exists (set QUIRE_RELEASE or run make)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-print-'));
    site = path.join(tmp, 'site');
    execFileSync(quire, ['build', '-s', repo, '-o', site], { stdio: ['ignore', 'ignore', 'inherit'] });
    built = fs.existsSync(path.join(site, 'print.html'));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  });
  after(async () => {
    if (browser) await browser.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('print.html is in the build', () => {
    assert.ok(built, 'OUT/print.html exists (rendered with the theme\'s print template)');
  });

  it('holds every article the home page lists, in the same order', STEP, async (t) => {
    if (!built) return t.skip('print.html is not in the build yet');
    const home = await open('index.html');
    const listed = await home.locator('.guide-section ul a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    await home.context().close();
    const page = await open('print.html');
    const ids = await page.locator('.handbook-article').evaluateAll((els) => els.map((e) => e.id));
    const titles = await page.locator('.handbook-article > h3').allInnerTexts();
    assert.ok(listed.length > 0, 'the home page lists articles');
    const missing = listed.filter((u) => !ids.includes(u));
    assert.deepEqual(missing, [], 'every article of the home page is in the handbook');
    const order = listed.map((u) => ids.indexOf(u));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in the home page\'s reading order');
    assert.equal(titles.length, ids.length, 'each article has its title');
    const toc = await page.locator('.handbook-toc a').evaluateAll((as) => as.map((a) => a.getAttribute('href').slice(1)));
    for (const id of ids) assert.ok(toc.includes(id), `the contents list ${id}`);
    await page.context().close();
  });

  it('its headings are an outline: one h1, a section an h2, an article an h3, its own headings below', STEP, async (t) => {
    if (!built) return t.skip('print.html is not in the build yet');
    const page = await open('print.html');
    const found = await page.evaluate(() => {
      const levels = (sel) => Array.from(document.querySelectorAll(sel), (h) => Number(h.tagName[1]));
      return { h1: levels('main h1').length, sections: levels('.handbook-section > h2, .handbook-section > .handbook-section-title'),
        articles: levels('.handbook-article > .handbook-article-title'),
        inside: levels('.handbook-article .content h1, .handbook-article .content h2, .handbook-article .content h3, .handbook-article .content h4, .handbook-article .content h5, .handbook-article .content h6') };
    });
    assert.equal(found.h1, 1, 'the handbook\'s title is the one h1');
    assert.ok(found.sections.length > 0 && found.sections.every((l) => l === 2), 'each section\'s title is an h2');
    assert.ok(found.articles.length > 0 && found.articles.every((l) => l === 3), 'each article\'s title is an h3');
    assert.ok(found.inside.length > 0 && found.inside.every((l) => l >= 4), `an article's own headings are h4 or below: ${[...new Set(found.inside)]}`);
    // and they still look like headings of their size, not like body text
    const size = await page.locator('.handbook-article .content h4').first().evaluate((h) => parseFloat(getComputedStyle(h).fontSize));
    const body = await page.locator('.handbook-article .content p').first().evaluate((p) => parseFloat(getComputedStyle(p).fontSize));
    assert.ok(size >= body * 1.2, `an article's h2, now an h4, is larger than its text (${size}px, ${body}px)`);
    await page.context().close();
  });

  it('links, images and anchors in print.html all lead somewhere', STEP, async (t) => {
    if (!built) return t.skip('print.html is not in the build yet');
    const page = await open('print.html');
    const { dupes, anchors, refs } = await page.evaluate(() => {
      const seen = new Map();
      for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
      const anchors = [...document.querySelectorAll('a[href^="#"]')].map((a) => decodeURIComponent(a.getAttribute('href').slice(1)))
        .filter((id) => id && !document.getElementById(id));
      const refs = [...document.querySelectorAll('a[href], img[src]')].map((e) => e.href || e.src)
        .filter((u) => u.startsWith('file:')).map((u) => u.split('#')[0].split('?')[0]);
      return { dupes: [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`), anchors, refs };
    });
    assert.deepEqual(dupes, [], 'ids are unique (two articles with the same heading must not share its id)');
    assert.deepEqual([...new Set(anchors)], [], 'every #anchor link has its target in print.html');
    const broken = [...new Set(refs)].filter((u) => !fs.existsSync(fileURLToPath(u)));
    assert.deepEqual(broken, [], 'links and images are relative to print.html and exist');
    await page.context().close();
  });

  it('prints a cover, the contents, then each article on a new page, without the site chrome', STEP, async (t) => {
    if (!built) return t.skip('print.html is not in the build yet');
    const page = await open('print.html');
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['.site-header', '.site-footer', '.handbook-note']) {
      const shown = await page.locator(sel).evaluateAll((els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
      assert.equal(shown, 0, `${sel} is hidden in print`);
    }
    assert.ok(await page.locator('.handbook-toc').isVisible(), 'the contents print');
    const breaks = await page.locator('.handbook-article, .handbook-toc').evaluateAll((els) =>
      els.filter((e) => getComputedStyle(e).breakBefore !== 'page').map((e) => e.id || e.className));
    assert.deepEqual(breaks, [], 'the contents and every article start a new page');
    const n = await page.locator('.handbook-article').count();
    const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
    const pages = (pdf.match(/\/Type\s*\/Page\b/g) || []).length;
    assert.ok(pages >= n + 2, `the PDF has a cover, contents and ${n} articles: ${pages} pages`);
    await page.context().close();
  });

  it('an article prints without the lists of other pages and the history link', STEP, async (t) => {
    if (!built) return t.skip('print.html is not in the build yet');
    const page = await open('confidentiality/duty-of-confidentiality.html');
    for (const sel of ['.backlinks', '.related', '.history-link'])
      assert.ok(await page.locator(sel).count() > 0 && await page.locator(sel).first().isVisible(), `${sel} shows on screen`);
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['.backlinks', '.related', '.history-link'])
      assert.ok(!(await page.locator(sel).first().isVisible()), `${sel} is hidden in print`);
    assert.ok(await page.locator('.content').isVisible(), 'the article\'s text prints');
    await page.context().close();
  });

  it('has no serious or critical axe-core violations', STEP, async (t) => {
    if (!built) return t.skip('print.html is not in the build yet');
    const page = await open('print.html');
    await page.addScriptTag({ path: require.resolve('axe-core') });
    const res = await page.evaluate(() => axe.run(document, { preload: false }));
    for (const v of res.violations) console.log(`axe print.html: [${v.impact}] ${v.id}: ${v.help}`);
    const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} elements)`), []);
    await page.context().close();
  });

  it('made no request to any origin but file:// and logged no console errors', () => {
    assert.deepEqual([...problems], []);
  });
});
