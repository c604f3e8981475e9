// Real-Chromium tests of offline reading over http: the site this repository
// builds is served from a sub-path of a tiny local web server; the service
// worker (OUT/sw.js, registered by assets/sw-register.js) must keep every
// page opened readable once the server stops, refresh its cache when the
// site is rebuilt, and never register from file://.
// Run by run.sh; the quire binary comes from $QUIRE_RELEASE (else ../../quire).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const quire = path.resolve(process.env.QUIRE_RELEASE || path.join(repo, 'quire'));
const STEP = { timeout: 30000 };
const MOUNT = '/docs/'; // the site sits at a sub-path, as on a shared web server
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.json': 'application/json' };

let tmp, site, browser, server, port, base;
let wired = false;   // OUT/sw.js exists and pages carry the meta tag and register script
let context, page;   // the http reader's browser, kept across the tests below
let articleUrl, articleTitle;
const problems = new Set(); // script errors anywhere; console errors while online
let online = true;

// Serves OUT under MOUNT; start() and stop() so a test can take the site
// off the network the way a dropped connection does.
function start() {
  return new Promise((resolve) => {
    server = http.createServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      let rel = u.pathname.startsWith(MOUNT) ? decodeURIComponent(u.pathname.slice(MOUNT.length)) : null;
      if (rel !== null && (rel === '' || rel.endsWith('/'))) rel += 'index.html';
      const file = rel === null ? null : path.join(site, rel);
      if (!file || !file.startsWith(site + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-cache' });
      res.end(fs.readFileSync(file));
    });
    server.listen(port || 0, '127.0.0.1', () => {
      port = server.address().port;
      base = `http://127.0.0.1:${port}${MOUNT}`;
      online = true;
      resolve();
    });
  });
}
function stop() {
  online = false;
  return new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); });
}

// Polls fn(arg) in the page until it returns something truthy (10 s).
async function until(pg, what, fn, arg) {
  for (let i = 0; i < 100; i++) {
    const v = await pg.evaluate(fn, arg).catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting until ${what}`);
}

// Records every navigator.serviceWorker.register() call in window.__swCalls.
function spyOnRegister() {
  window.__swCalls = [];
  if (!window.ServiceWorkerContainer) return;
  const orig = ServiceWorkerContainer.prototype.register;
  ServiceWorkerContainer.prototype.register = function (url, opts) {
    window.__swCalls.push({ url: String(url), scope: opts && opts.scope });
    return orig.apply(this, arguments);
  };
}

async function newContext() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript(spyOnRegister);
  ctx.on('page', (pg) => {
    pg.on('pageerror', (e) => problems.add(`script error on ${pg.url()}: ${e.message}`));
    pg.on('console', (m) => { if (online && m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.add(`console error on ${pg.url()}: ${m.text()}`); });
    // Chromium asks for /favicon.ico at the server root, outside the site.
    pg.on('response', (r) => { if (r.status() >= 400 && online && !r.url().endsWith('/favicon.ico')) problems.add(`${r.status()} for ${r.url()}`); });
  });
  return ctx;
}

// The names of this site's caches, from inside a page.
const quireCaches = () => caches.keys().then((ks) => ks.filter((k) => k.startsWith('quire ')));

describe('offline reading over http with the service worker', { concurrency: false }, () => {
  before(async () => {
    assert.ok(fs.existsSync(quire), `quire binary ${quire} exists (set QUIRE_RELEASE or run make)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-sw-'));
    site = path.join(tmp, 'site');
    execFileSync(quire, ['build', '-s', repo, '-o', site], { stdio: ['ignore', 'ignore', 'inherit'] });
    const home = fs.readFileSync(path.join(site, 'index.html'), 'utf8');
    wired = fs.existsSync(path.join(site, 'sw.js')) && /var BUILD = '[0-9a-f]{16}'/.test(fs.readFileSync(path.join(site, 'sw.js'), 'utf8')) &&
      /<script[^>]+src="[^"]*assets\/sw-register\.js"/.test(home);
    await start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  });
  after(async () => {
    if (browser) await browser.close();
    if (server && online) await stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sw.js is in the build', () => {
    const home = fs.readFileSync(path.join(site, 'index.html'), 'utf8');
    assert.ok(fs.existsSync(path.join(site, 'sw.js')), 'OUT/sw.js exists (copied from the theme\'s assets/sw.js)');
    assert.match(fs.readFileSync(path.join(site, 'sw.js'), 'utf8'), /var BUILD = '[0-9a-f]{16}'/, 'OUT/sw.js carries the build id');
    assert.match(fs.readFileSync(path.join(site, 'sw.js'), 'utf8'), /var LANG = 'en-GB'/, 'and the site\'s language');
    assert.ok(!fs.existsSync(path.join(site, 'assets', 'sw.js')), 'the worker\'s source is not copied to OUT/assets/ as well');
    assert.doesNotMatch(home, /quire-build/, 'pages carry no build id, so unchanged pages stay byte-identical');
    assert.match(home, /<script[^>]+src="[^"]*assets\/sw-register\.js"/, 'pages load assets/sw-register.js');
  });

  it('over http the worker registers at the site root and keeps the first page', STEP, async (t) => {
    if (!wired) return t.skip('sw.js is not in the build yet');
    context = await newContext();
    page = await context.newPage();
    await page.goto(base + 'index.html');
    const build = fs.readFileSync(path.join(site, 'sw.js'), 'utf8').match(/var BUILD = '([0-9a-f]+)'/)[1];
    const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
    assert.equal(scope, base, 'the worker\'s scope is the site root, not assets/');
    assert.deepEqual(await page.evaluate(() => window.__swCalls.map((c) => c.url)),
      [`${base}sw.js`], 'registers ROOT/sw.js once');
    await until(page, 'the worker controls the page', () => !!navigator.serviceWorker.controller);
    await until(page, 'the first page (loaded before the worker) is kept',
      (u) => caches.match(u).then((r) => !!r), base + 'index.html');
    await until(page, 'its stylesheet is kept', (u) => caches.match(u).then((r) => !!r), base + 'assets/style.css');
    const names = await page.evaluate(quireCaches);
    assert.equal(names.length, 1, `one cache: ${JSON.stringify(names)}`);
    assert.ok(names[0].endsWith(' ' + build), `the cache is named by the build id ${build}: ${names[0]}`);
  });

  it('pages opened stay readable, styled, when the server stops', STEP, async (t) => {
    if (!wired) return t.skip('sw.js is not in the build yet');
    const link = page.locator('.guide-section ul a').first();
    articleTitle = (await link.innerText()).trim();
    await link.click();
    await page.waitForLoadState('load');
    articleUrl = page.url();
    await until(page, 'the article is kept', (u) => caches.match(u).then((r) => !!r), articleUrl);
    await stop();
    await page.reload();
    assert.equal((await page.locator('main h1').innerText()).trim(), articleTitle, 'the article reloads from the cache');
    await page.goto(base + 'index.html');
    assert.ok(await page.locator('.guide-section').count() > 0, 'the home page opens from the cache');
    const bg = await page.locator('.site-header').evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the stylesheet comes from the cache too');
    // the site links its home page as index.html; a reader may have come by
    // its folder's address: either opens the page kept
    await page.goto(base);
    assert.ok(await page.locator('.guide-section').count() > 0, 'the home page opens by its folder\'s address too');
    const res = await page.goto(base + 'changes.html');
    assert.equal(res.status(), 503, 'a page never opened gets the offline notice');
    assert.match(await page.locator('h1').innerText(), /offline/i);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en-GB', 'in the site\'s language');
    assert.equal((await page.locator('.site-header .site-title').innerText()).trim(),
      'Staff guidance on social media, confidentiality and anonymity', 'under the site\'s header and title');
    assert.ok(await page.locator('main a[href$="search.html"]').count() === 1, 'with a way to search');
    assert.ok(await page.evaluate(() => document.styleSheets.length === 1 && document.styleSheets[0].cssRules.length > 10),
      'styled by the site\'s stylesheet, kept');
    const kept = await page.locator('main li a').evaluateAll((as) => as.map((a) => [a.textContent, a.href]));
    assert.ok(kept.some(([t, h]) => h === articleUrl && t.startsWith(articleTitle)),
      `it lists the pages that can be read, the article among them: ${JSON.stringify(kept)}`);
    assert.ok(kept.length >= 2 && kept.every(([, h]) => h.startsWith(base)), 'every one of them in the site');
  });

  it('after one visit to the search page, search works offline for any words', STEP, async (t) => {
    if (!wired) return t.skip('sw.js is not in the build yet');
    // every file of the index but the pages' texts (search-body-*.js), which
    // are kept as results show them: offline, a result shows its opening
    const index = fs.readdirSync(site).filter((f) => /^search-.*\.js$/.test(f) && !f.startsWith('search-body-'))
      .map((f) => base + f);
    assert.ok(index.length > 2, `the index has shards: ${index.join(' ')}`);
    await start();
    try {
      await page.goto(base + 'search.html'); // no search run: no shard loaded for one
      await until(page, 'every file of the index is kept', (urls) =>
        Promise.all(urls.map((u) => caches.match(u))).then((hits) => hits.every((h) => h)), index);
    } finally {
      await stop();
    }
    for (const q of ['anonymous', 'whistleblowing']) {
      await page.goto(`${base}search.html?q=${q}`);
      await page.locator('#search-results ol a').first().waitFor();
      assert.match(await page.locator('#search-results .search-status').innerText(), new RegExp(`results? for “${q}”`),
        `offline, searching for ${q} finds results`);
      assert.ok(await page.locator('#search-results .search-snippet').count() > 0, 'with their snippets');
    }
  });

  it('a rebuilt site refreshes the cache and deletes the old one', STEP, async (t) => {
    if (!wired) return t.skip('sw.js is not in the build yet');
    // A rebuild: a new build id in sw.js, a changed article and stylesheet.
    const swp = path.join(site, 'sw.js');
    fs.writeFileSync(swp, fs.readFileSync(swp, 'utf8').replace(/var BUILD = '[^']*'/, "var BUILD = 'rebuilt-by-test'"));
    const art = path.join(site, new URL(articleUrl).pathname.slice(new URL(base).pathname.length));
    fs.writeFileSync(art, fs.readFileSync(art, 'utf8').replace('</main>', '<p id="rebuilt">rebuilt-by-test</p></main>'));
    fs.appendFileSync(path.join(site, 'assets', 'style.css'), '\n/* rebuilt-by-test */\n');
    await start();
    await page.goto(base + 'index.html');
    const names = await until(page, 'only the rebuilt site\'s cache is left', () =>
      caches.keys().then((ks) => ks.filter((k) => k.startsWith('quire ')))
        .then((ks) => ks.length === 1 && ks[0].endsWith(' rebuilt-by-test') && ks));
    assert.equal(names.length, 1);
    const css = await page.evaluate((u) => caches.match(u).then((r) => r && r.text()), base + 'assets/style.css');
    assert.ok(css && css.includes('rebuilt-by-test'), 'the kept stylesheet is the rebuilt one');
    await stop();
    await page.goto(articleUrl);
    assert.equal((await page.locator('main h1').innerText()).trim(), articleTitle,
      'a page opened before the rebuild is still readable offline');
    assert.equal(await page.locator('#rebuilt').count(), 1, 'and it is the rebuilt version');
    await context.close();
  });

  it('from file:// no worker is registered and nothing is requested', STEP, async (t) => {
    if (!wired) return t.skip('sw.js is not in the build yet');
    const ctx = await newContext();
    const requests = [];
    ctx.on('request', (r) => { if (!r.url().startsWith('file://')) requests.push(r.url()); });
    const pg = await ctx.newPage();
    await pg.goto(pathToFileURL(path.join(site, 'index.html')).href);
    await pg.waitForLoadState('load');
    assert.equal(await pg.locator('script[src$="sw-register.js"]').count(), 1, 'the register script is on the page');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await pg.evaluate(() => window.__swCalls), [], 'register() is never called from file://');
    assert.equal(ctx.serviceWorkers().length, 0, 'no service worker runs');
    assert.deepEqual(requests, [], 'no request leaves file://');
    await ctx.close();
  });

  it('logged no script errors, and no console errors while online', () => {
    assert.deepEqual([...problems], []);
  });
});
