// Real-Chromium tests of `quire serve` as an editor sees it: a save reloads
// the open page; a broken save shows the errors in a panel over the last
// good page; a build with warnings shows a button that opens them, which
// the editor can hide for that build's warnings.
// Run by run.sh; the quire binary comes from $QUIRE_RELEASE (else ../../quire).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core');

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const quire = path.resolve(process.env.QUIRE_RELEASE || path.join(repo, 'quire'));
const STEP = { timeout: 30000 };

let tmp, site, serve, base, browser, page;
const problems = new Set();

function article(name, title, body) {
  fs.writeFileSync(path.join(site, 'content', name), `---\ntitle: ${title}\n---\n\n${body}\n`);
}

// Polls fn() in the page until it returns something truthy (10 s).
async function until(what, fn, arg) {
  for (let i = 0; i < 100; i++) {
    const v = await page.evaluate(fn, arg).catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe('quire serve in the browser', { concurrency: false }, () => {
  before(async () => {
    assert.ok(fs.existsSync(quire), `quire binary ${quire} exists (set QUIRE_RELEASE or run make)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-serve-'));
    site = path.join(tmp, 'site');
    fs.mkdirSync(path.join(site, 'content'), { recursive: true });
    fs.cpSync(path.join(repo, 'themes', 'default'), path.join(site, 'themes', 'default'), { recursive: true });
    fs.writeFileSync(path.join(site, 'site.yml'), 'title: Serve in a browser\nhistory: false\n');
    article('leave.md', 'Annual leave', 'Version one of the leave guidance.');
    article('pay.md', 'Pay', 'See [[leave]].');
    serve = spawn(quire, ['serve', '-s', site, '-o', path.join(tmp, 'out'), '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    base = await new Promise((resolve, reject) => {
      let out = '';
      const late = setTimeout(() => reject(new Error('quire serve did not start')), 20000);
      serve.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (m) {
          clearTimeout(late);
          resolve(m[1]);
        }
      });
      serve.on('exit', (c) => reject(new Error(`quire serve exited with ${c}`)));
    });
    serve.stderr.resume();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'] });
    page = await browser.newPage();
    page.on('pageerror', (e) => problems.add(`script error on ${page.url()}: ${e.message}`));
  });
  after(async () => {
    if (browser) await browser.close();
    if (serve && serve.exitCode === null) {
      serve.kill('SIGINT');
      await new Promise((r) => serve.once('exit', r));
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a save reloads the open page', STEP, async () => {
    await page.goto(base + 'leave.html');
    assert.match(await page.textContent('main'), /Version one/);
    article('leave.md', 'Annual leave', 'Version two of the leave guidance.');
    await until('the page shows the save', () => /Version two/.test(document.querySelector('main').textContent));
  });

  it('a broken save shows its errors over the last good page', STEP, async () => {
    article('leave.md', 'Annual leave', 'Version three, see [[no-such-guidance]].');
    const text = await until('the error panel shows', () => {
      const p = document.getElementById('quire-build-errors');
      return p && p.style.display !== 'none' && p.textContent;
    });
    assert.match(text, /did not build/);
    assert.match(text, /content\/leave\.md:5:\d+: error: wiki link \[\[no-such-guidance\]\]/);
    assert.match(await page.textContent('main'), /Version two/, 'the last good version stays');
  });

  it('a build with warnings shows a button that opens them', STEP, async () => {
    // a second article titled "Pay": a warning, not an error
    article('leave.md', 'Annual leave', 'Version four.');
    article('pay2.md', 'Pay', 'Also about pay.');
    await until('the page reloads with the fix', () => /Version four/.test(document.querySelector('main').textContent));
    assert.equal(await page.$('#quire-build-errors'), null, 'the reload leaves no error panel');
    const label = await until('the warnings button shows', () => {
      const b = document.querySelector('#quire-build-warnings button');
      return b && b.textContent;
    });
    assert.equal(label, 'This build has 1 warning');
    assert.equal(await page.isVisible('#quire-build-warnings pre'), false, 'the list starts closed');
    await page.click('#quire-build-warnings button[aria-expanded]');
    assert.equal(await page.getAttribute('#quire-build-warnings button[aria-expanded]', 'aria-expanded'), 'true');
    assert.match(await page.textContent('#quire-build-warnings pre'), /warning: content\/pay\.md has the title 'Pay' too/);
  });

  it('hidden, the same warnings stay hidden on the next page', STEP, async () => {
    await page.click('#quire-build-warnings button:not([aria-expanded])');
    assert.equal(await page.$('#quire-build-warnings'), null);
    await page.goto(base + 'pay.html');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await page.$('#quire-build-warnings'), null, 'not shown again for the same warnings');
  });

  it('a page that is not there gets the site\'s 404 page, styled, with no serious axe-core violations', STEP, async () => {
    const res = await page.goto(base + 'no/such/page.html');
    assert.equal(res.status(), 404);
    assert.match(await page.textContent('h1'), /not found/i);
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).backgroundColor), 'rgba(0, 0, 0, 0)',
      'its stylesheet loaded from the site\'s root');
    await page.addScriptTag({ path: AXE });
    const res2 = await page.evaluate(() => axe.run(document));
    const bad = res2.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    assert.deepEqual(bad, []);
  });

  it('a build without warnings shows none', STEP, async () => {
    fs.rmSync(path.join(site, 'content', 'pay2.md'));
    article('leave.md', 'Annual leave', 'Version five.');
    await page.goto(base + 'leave.html');
    await until('the page shows version five', () => /Version five/.test(document.querySelector('main').textContent));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await page.$('#quire-build-warnings'), null);
    assert.deepEqual([...problems], [], 'no script errors');
  });
});
