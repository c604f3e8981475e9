// Real-Chromium tests of the site this repository builds, opened from
// file:// as staff do from a copied folder: search, reach an article and its
// history, keyboard use, no request to any other origin, no console errors,
// axe-core accessibility checks, print styles and screenshots.
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
const shots = path.join(here, 'screenshots');
const AXE = require.resolve('axe-core');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const STEP = { timeout: 20000 };
const QUERY = 'anonymous'; // a word most of this site's articles use

let tmp, site, browser;
let article;          // { url, title, history }: an article reached through search
const problems = new Set(); // console errors, page errors, failed loads, foreign requests

// file:// address of a page of the built site, with an optional query.
function siteUrl(rel, query = '') { return pathToFileURL(path.join(site, rel)).href + query; }

// A fresh page whose console errors, script errors, failed loads and
// requests to anything but file:// all land in `problems`.
async function openPage(opts = {}) {
  const context = await browser.newContext({ viewport: opts.viewport || DESKTOP,
    colorScheme: opts.colorScheme || 'light' });
  const page = await context.newPage();
  const where = () => page.url().replace(pathToFileURL(site).href, '');
  page.on('console', (m) => { if (m.type() === 'error') problems.add(`console error on ${where()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.add(`script error on ${where()}: ${e.message}`));
  // (a load cut short by the test going to the next page, such as the
  // favicon's, is no failure: net::ERR_ABORTED)
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.add(`failed to load ${r.url()} (${r.failure()?.errorText})`);
  });
  context.on('request', (r) => { if (!r.url().startsWith('file://')) problems.add(`request to another origin: ${r.url()}`); });
  return page;
}
async function closePage(page) { await page.context().close(); }

// Runs axe-core on the open page (only the rules in `only`, if given); fails
// on serious or critical violations, printing every violation it finds.
async function axeCheck(page, label, only) {
  await page.addScriptTag({ path: AXE });
  // No CSSOM preload: from file:// every stylesheet is another origin, and
  // axe would try (and fail, logging an error) to fetch it with XHR.  Only
  // css-orientation-lock needs it.
  const res = await page.evaluate((only) => axe.run(document, only ? { preload: false, runOnly: only } : { preload: false }), only);
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.violations) {
    console.log(`axe ${label}: [${v.impact}] ${v.id}: ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) console.log(`    ${n.target.join(' ')}  ${n.failureSummary.replace(/\s+/g, ' ')}`);
  }
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} elements)`), [],
    `serious or critical accessibility violations on ${label}`);
}

// The href of the history link ("… see what changed") of the open article.
async function historyHref(page) {
  const link = page.locator('a', { hasText: 'see what changed' });
  assert.equal(await link.count(), 1, `${page.url()} has one "see what changed" link`);
  return link.getAttribute('href');
}

describe('the built site, opened from file:// in Chromium', { concurrency: false }, () => {
  before(async () => {
    assert.ok(fs.existsSync(quire), `quire binary ${quire} exists (set QUIRE_RELEASE or run make)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-browser-'));
    site = path.join(tmp, 'site');
    execFileSync(quire, ['build', '-s', repo, '-o', site], { stdio: ['ignore', 'ignore', 'inherit'] });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  });
  after(async () => {
    if (browser) await browser.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('searching from the home page box lists results and a click reaches the article', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('index.html'));
    // An article the home page lists; searching its title must find it.
    const first = page.locator('.guide-section ul a').first();
    const title = (await first.innerText()).trim();
    assert.ok(title, 'the home page lists articles by section');
    await page.fill('header form.search-form input[name="q"]', title);
    await page.press('header form.search-form input[name="q"]', 'Enter');
    await page.waitForURL(/search\.html\?q=/);
    const results = page.locator('#search-results ol a');
    await results.first().waitFor();
    const titles = (await results.allInnerTexts()).map((t) => t.trim());
    assert.ok(titles.slice(0, 3).includes(title),
      `searching for its title "${title}" puts that article in the top 3: got ${JSON.stringify(titles.slice(0, 5))}`);
    assert.ok(await page.locator('#search-results mark').count() > 0, 'snippets highlight the matched words');
    assert.ok((await page.title()).startsWith(`\u201c${title}\u201d \u2013 `), `the tab's title names the search: ${await page.title()}`);
    // the keyboard starts at the results: ArrowDown reaches the first
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')),
      await results.first().getAttribute('href'), 'after Enter in the header box, ArrowDown focuses the first result');
    await results.filter({ hasText: title }).first().click();
    await page.waitForLoadState('load');
    assert.equal((await page.locator('main h1').innerText()).trim(), title, 'the result leads to its article');
    article = { url: page.url(), title };
    await closePage(page);
  });

  it('the article\'s "see what changed" link opens its history with revisions listed', STEP, async () => {
    assert.ok(article, 'an article was reached through search');
    const page = await openPage();
    await page.goto(article.url);
    const href = await historyHref(page);
    await page.locator('a', { hasText: 'see what changed' }).click();
    await page.waitForLoadState('load');
    assert.match(page.url(), /\.history\.html$/, `followed ${href}`);
    article.history = page.url();
    const n = await page.locator('.revision').count();
    assert.ok(n >= 1, `the history page lists revisions (found ${n})`);
    assert.ok(await page.locator(`main a[href$="${path.basename(new URL(article.url).pathname)}"]`).count() > 0,
      'the history page links back to its article');
    await closePage(page);
  });

  it('on search.html the keyboard alone opens a result: ArrowDown then Enter', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('search.html', `?q=${QUERY}`));
    const results = page.locator('#search-results ol a');
    await results.first().waitFor();
    const want = await results.first().getAttribute('href');
    const box = page.locator('main input[name="q"]');
    assert.equal(await box.inputValue(), QUERY, 'the search page box shows the query from the address');
    await box.focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), want,
      'ArrowDown from the search box moves focus to the first result');
    await page.keyboard.press('ArrowDown');
    const second = await results.nth(1).getAttribute('href');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), second,
      'ArrowDown again moves to the second result');
    await page.keyboard.press('ArrowUp');
    await Promise.all([page.waitForURL((u) => u.href.endsWith(want)), page.keyboard.press('Enter')]);
    assert.ok(await page.locator('main h1').count() === 1, 'Enter opened the result page');
    await closePage(page);
  });

  it('a search for a word too common to index says so, and an accent-free spelling finds the accented one', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('search.html', '?q=the'));
    const status = page.locator('#search-results .search-status');
    await status.waitFor();
    assert.match(await status.innerText(), /too common to search for/);
    // no word at all is not a common word
    await page.goto(siteUrl('search.html', '?q=' + encodeURIComponent('???')));
    await page.waitForFunction(() => document.querySelector('#search-results .search-status').textContent);
    assert.equal(await status.innerText(), '\u201c???\u201d has no word to search for: type a word or two.');
    await page.goto(siteUrl('search.html', '?q=Barbulescu'));
    const first = page.locator('#search-results ol a').first();
    await first.waitFor();
    await Promise.all([page.waitForURL((u) => !u.href.includes('search.html')), first.click()]);
    assert.ok((await page.locator('main').innerText()).includes('Bărbulescu'),
      'the first result for Barbulescu is a page that names Bărbulescu');
    await closePage(page);
  });

  it('has no serious or critical axe-core violations on any kind of page: light, dark and forced colours, desktop and phone', { timeout: 120000 }, async () => {
    assert.ok(article?.history, 'an article and its history were reached');
    const hist = article.history;
    // a past version, a tag's page: the first the history and the topics link to
    const first = async (url, sel) => {
      const page = await openPage();
      await page.goto(url);
      const href = await page.locator(sel).first().evaluate((a) => a.href);
      await closePage(page);
      return href;
    };
    const pages = [['home', siteUrl('index.html')], ['article', article.url],
      ['search results', siteUrl('search.html', `?q=${QUERY}`)], ['search, no results', siteUrl('search.html', '?q=zorblaxed')],
      ['history', hist], ['past version', await first(hist, 'a[href*=".rev-"]')],
      ['section', siteUrl('confidentiality/index.html')], ['A to Z', siteUrl('a-z.html')],
      ['topics', siteUrl('tags/index.html')], ['a topic', await first(siteUrl('tags/index.html'), 'main a[href$=".html"]')],
      ['recent changes', siteUrl('changes.html')]];
    // (404.html's links start at the server's root: serve.test.mjs checks it)
    const failures = [];
    // dark, forced colours and phone: every rule but those a scheme
    // cannot change are run in light on a desktop
    for (const [mode, opts, only] of [['light', {}, null], ['dark', { colorScheme: 'dark' }, ['color-contrast']],
      ['forced colours', { forced: true }, ['color-contrast', 'link-in-text-block']],
      ['phone', { viewport: { width: 320, height: 640 } }, null]]) {
      const page = await openPage(opts);
      if (opts.forced) await page.emulateMedia({ forcedColors: 'active' });
      for (const [label, url] of pages) {
        await page.goto(url);
        if (label === 'search results') await page.locator('#search-results ol a').first().waitFor();
        if (label === 'search, no results') await page.waitForFunction(() => document.querySelector('#search-results .search-status').textContent);
        try { await axeCheck(page, `${label} (${mode})`, only); } catch (e) { failures.push(e.message); }
      }
      await closePage(page);
    }
    assert.deepEqual(failures, []);
  });

  it('on a phone the sections bar shows the current section, wherever it is in the row', STEP, async () => {
    const page = await openPage({ viewport: { width: 320, height: 700 } });
    // the last section of the row: off screen unless the bar is scrolled to it
    await page.goto(siteUrl('index.html'));
    const last = await page.locator('.site-nav a').last().getAttribute('href');
    await page.goto(siteUrl(last));
    await page.waitForLoadState('load');
    const box = await page.evaluate(() => {
      const a = document.querySelector('.site-nav [aria-current]'), bar = a.closest('ul');
      const r = a.getBoundingClientRect(), b = bar.getBoundingClientRect();
      return { scrolled: bar.scrollLeft, inside: r.left >= b.left && r.right <= b.right, wide: bar.scrollWidth > bar.clientWidth };
    });
    assert.ok(box.wide, 'at 320px the row of sections is wider than the screen');
    assert.ok(box.scrolled > 0 && box.inside, `the current section is scrolled into view: ${JSON.stringify(box)}`);
    await closePage(page);
  });

  it('on a phone a table wider than the screen says it scrolls sideways, and takes the keyboard; on a desktop it does not', STEP, async () => {
    const state = () => Array.from(document.querySelectorAll('main table')).map((t) => ({
      wide: t.scrollWidth > t.clientWidth + 1,
      hint: !!(t.previousElementSibling && t.previousElementSibling.className === 'table-hint'),
      focusable: t.getAttribute('tabindex') === '0',
      described: !!t.getAttribute('aria-describedby') &&
        (document.getElementById(t.getAttribute('aria-describedby')) || {}).className === 'table-hint',
    }));
    const phone = await openPage({ viewport: { width: 320, height: 700 } });
    await phone.goto(siteUrl('social-media/posting-about-work.html'));
    await phone.waitForLoadState('load');
    const small = await phone.evaluate(state);
    assert.ok(small.some((t) => t.wide), `at 320px a table of the article is wider than the screen: ${JSON.stringify(small)}`);
    assert.ok(small.every((t) => t.hint === t.wide && t.focusable === t.wide && t.described === t.wide),
      `each wide table, and only a wide one, has the hint and takes focus, described by the hint: ${JSON.stringify(small)}`);
    assert.match(await phone.locator('.table-hint').first().innerText(), /Scroll the table sideways/);
    await phone.setViewportSize({ width: 1280, height: 900 });
    await phone.waitForFunction(() => !document.querySelector('.table-hint') ||
      Array.from(document.querySelectorAll('main table')).some((t) => t.scrollWidth > t.clientWidth + 1));
    const large = await phone.evaluate(state);
    assert.ok(large.every((t) => t.hint === t.wide), `made wider, the page drops the hints it no longer needs: ${JSON.stringify(large)}`);
    await closePage(phone);
  });

  it('a printed history keeps what the screen folds: long commit messages and a first version\'s whole text', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('confidentiality/after-you-leave.history.html'));
    const folded = page.locator('details:not([open]) > :not(summary)');
    assert.ok(await folded.count() >= 2, 'the history has folded parts');
    assert.equal(await folded.first().isVisible(), false, 'on screen they start folded');
    await page.emulateMedia({ media: 'print' });
    const shown = await folded.evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height > 0).length);
    assert.equal(shown, await folded.count(), 'in print every folded part is shown');
    await closePage(page);
  });

  it('what a screen reader hears: external links, headings in a diff; the search box legible in the dark', STEP, async () => {
    const page = await openPage({ colorScheme: 'dark' });
    await page.goto(siteUrl('policy/managers-checklist.html'));
    // the arrow is drawn, not spoken: the name ends with the hidden words
    const external = page.locator('a.external').first();
    const name = await external.evaluate((a) => a.textContent);
    assert.match(name, /\(external link\)$/);
    assert.equal(await page.getByRole('link', { name, exact: true }).count() > 0, true,
      `the link's accessible name is its text, with no arrow: “${name}”`);
    // the header box's placeholder, its only visible label: 4.5:1 at least
    const ratio = await page.evaluate(() => {
      const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
        .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
      const box = document.querySelector('#site-search');
      const a = lum(rgb(getComputedStyle(box, '::placeholder').color)), b = lum(rgb(getComputedStyle(box).backgroundColor));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
    assert.ok(ratio >= 4.5, `the placeholder's contrast in the dark scheme is ${ratio.toFixed(2)}:1`);
    // a list drawn without bullets still says it is a list (VoiceOver
    // in Safari drops the role with list-style: none)
    const bare = [];
    for (const url of [siteUrl('index.html'), siteUrl('policy/managers-checklist.html'), siteUrl('a-z.html'),
      siteUrl('confidentiality/after-you-leave.history.html')]) {
      await page.goto(url);
      bare.push(...await page.evaluate(() => Array.from(document.querySelectorAll('ul, ol'))
        .filter((l) => getComputedStyle(l).listStyleType === 'none' && l.getAttribute('role') !== 'list')
        .map((l) => `${location.pathname.split('/').pop()}: <${l.tagName.toLowerCase()} class="${l.className}">`)));
    }
    assert.deepEqual(bare, [], 'every list without bullets has role="list"');
    // a heading's block in a diff says it is a heading, as ins and del say what they are
    await page.goto(siteUrl('confidentiality/after-you-leave.history.html'));
    assert.ok(await page.locator('.diff-heading').count() > 0, 'the history shows a heading');
    // (its headings are in the text as first published, folded: the
    // keyboard opens it)
    const whole = page.locator('details.whole-text');
    assert.equal(await whole.evaluate((d) => d.open), false, 'the first version\'s whole text starts folded');
    await whole.locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await whole.evaluate((d) => d.open), true, 'Enter on its summary opens it');
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    assert.ok(nodes.some((n) => n.role?.value === 'StaticText' && (n.name?.value || '').trim() === 'heading:'),
      'the accessibility tree has "heading:"');
    const size = await page.locator('.diff-heading').first().evaluate((el) => parseFloat(getComputedStyle(el, '::before').width));
    assert.ok(size <= 1, 'and it takes no room on screen');
    await closePage(page);
  });

  it('on a phone, a section Tab reaches in the bar is on screen, clear of the fade', STEP, async () => {
    const page = await openPage({ viewport: { width: 320, height: 700 } });
    await page.goto(siteUrl('policy/managers-checklist.html'));
    const n = await page.locator('.site-nav a').count();
    await page.locator('.search-form button').first().focus();
    for (let i = 0; i < n; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const a = document.activeElement, r = a.getBoundingClientRect();
        const fade = parseFloat(getComputedStyle(a.closest('ul')).maskImage === 'none' ? '0' : '40');
        return { text: a.textContent, nav: !!a.closest('.site-nav'), left: r.left, right: r.right, limit: innerWidth - fade };
      });
      assert.ok(at.nav, `Tab ${i + 1} is in the sections bar`);
      assert.ok(at.left >= 0 && at.right <= at.limit, `“${at.text}” is on screen and clear of the fade: ${JSON.stringify(at)}`);
    }
    await closePage(page);
  });

  it('fits a phone screen without sideways scrolling, and saves screenshots', STEP, async () => {
    assert.ok(article?.history, 'an article and its history were reached');
    fs.rmSync(shots, { recursive: true, force: true });
    fs.mkdirSync(shots, { recursive: true });
    const hist = article.history;
    const overflow = [];
    for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      for (const scheme of size === 'phone' ? ['light', 'dark'] : ['light']) {
        const page = await openPage({ viewport, colorScheme: scheme });
        for (const [name, url] of [['home', siteUrl('index.html')], ['article', article.url], ['history', hist],
          ['search', siteUrl('search.html', `?q=${QUERY}`)]]) {
          await page.goto(url);
          if (name === 'search') await page.locator('#search-results ol a').first().waitFor();
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (wide > 0) overflow.push(`${name} at ${size} (${scheme}) is ${wide}px wider than the screen`);
          const suffix = scheme === 'dark' ? '-dark' : '';
          await page.screenshot({ path: path.join(shots, `${name}-${size}${suffix}.png`) });
        }
        await closePage(page);
      }
    }
    console.log(`screenshots saved in ${shots}`);
    assert.deepEqual(overflow, []);
  });

  it('prints an article without the site header, navigation or footer, showing link targets', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('index.html'));
    const links = await page.locator('.guide-section ul a').evaluateAll((as) => as.map((a) => a.href));
    await page.emulateMedia({ media: 'print' });
    // Prefer an article with a link to the web, so the printed target shows.
    let external = null;
    for (const href of links) {
      await page.goto(href);
      if (await page.locator('.content a[href^="http"]').count() > 0) { external = href; break; }
    }
    if (!external) await page.goto(links[0]);
    for (const sel of ['.site-header', '.site-nav', '.site-footer', '.breadcrumbs']) {
      const shown = await page.locator(sel).evaluateAll((els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
      assert.equal(shown, 0, `${sel} is hidden in print`);
    }
    assert.ok(await page.locator('main h1').isVisible(), 'the article title prints');
    if (external) {
      const { href, after } = await page.locator('.content a[href^="http"]').first().evaluate((a) =>
        ({ href: a.getAttribute('href'), after: getComputedStyle(a, '::after').content }));
      assert.ok(after.includes(href), `a printed web link shows its address: ::after is ${after}`);
    }
    await closePage(page);
  });

  it('a search whose index file fails to load says so, not "No results", and trying again loads it', STEP, async () => {
    // Its own context: the failed load is the point here, not a problem.
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const blocked = [];
    await page.route(/\/search-\d+\.js$/, (route) => {
      if (blocked.length) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    await page.goto(siteUrl('search.html', `?q=${QUERY}`));
    const status = page.locator('#search-results .search-status');
    await page.waitForFunction(() => document.querySelector('#search-results .search-status').textContent);
    const said = await status.innerText();
    assert.equal(blocked.length, 1, 'a shard of the index was blocked');
    assert.match(said, /could not load part of its index/, 'the page says the index did not load');
    assert.match(said, /offline/, 'and suggests why');
    assert.doesNotMatch(said, /No results/, 'it does not say there are no results');
    await page.getByRole('button', { name: 'Try again' }).click();
    const results = page.locator('#search-results ol a');
    await results.first().waitFor();
    assert.match(await status.innerText(), /^\d+ results? for/, 'trying again finds results');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input', 'focus is back in the search box');
    await context.close();
  });

  it('a search with a word no page has lists the pages with the other words and names it; one with none offers the A to Z and Topics', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('search.html', '?q=' + encodeURIComponent('can I be zorblaxed for a facebook post')));
    const results = page.locator('#search-results ol a');
    await results.first().waitFor();
    const status = page.locator('#search-results .search-status');
    assert.match(await status.innerText(), /^No page mentions “zorblaxed”; showing \d+ results? with the other words\.$/);
    await page.goto(siteUrl('search.html', '?q=zorblaxed'));
    await page.waitForFunction(() => document.querySelector('#search-results .search-status').textContent);
    assert.match(await status.innerText(), /^No results for “zorblaxed”\./);
    const links = await status.locator('a').evaluateAll((as) => as.map((a) => [a.textContent, a.href]));
    assert.deepEqual(links, [['A to Z', siteUrl('a-z.html')], ['Topics', siteUrl('tags/index.html')]],
      'it links the A to Z and the Topics');
    await Promise.all([page.waitForURL(/a-z\.html$/), status.locator('a').first().click()]);
    assert.ok(await page.locator('.letters a').count() > 0, 'the A to Z opens');
    await closePage(page);
  });

  it('when few pages have every word, the pages with most of them follow, and the status line says so', STEP, async () => {
    const page = await openPage();
    // two articles say "libel" and "claim"; many more say "claim" alone
    await page.goto(siteUrl('search.html', '?q=' + encodeURIComponent('libel claim')));
    await page.locator('#search-results ol a').first().waitFor();
    const status = page.locator('#search-results .search-status');
    assert.match(await status.innerText(), /^[1-4] results? with all the words of “libel claim”, then \d+ with some of them\.$/);
    assert.match(await page.locator('#search-results ol a').first().getAttribute('href'), /defamation\.html$/);
    await closePage(page);
  });

  it('a misspelt word is offered the word pages have, and the offer runs that search', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('search.html', '?q=confidentialty'));
    const status = page.locator('#search-results .search-status');
    await page.waitForFunction(() => document.querySelector('#search-results .search-status').textContent);
    assert.match(await status.innerText(), /^No results for “confidentialty”\. Did you mean “confidentiality”\? Or browse the A to Z or the Topics\.$/);
    await status.locator('a.search-suggestion').click();
    await page.locator('#search-results ol a').first().waitFor();
    assert.match(await status.innerText(), /^\d+ results for “confidentiality”$/, 'the offer runs the search');
    assert.equal(await page.locator('main input[name="q"]').inputValue(), 'confidentiality', 'and puts it in the box');
    assert.match(page.url(), /[?]q=confidentiality$/);
    // with other words that match, the slip is named and put right in place
    await page.goto(siteUrl('search.html', '?q=' + encodeURIComponent('Norwhich Pharmacal')));
    await page.locator('#search-results ol a').first().waitFor();
    assert.match(await status.innerText(), /^No page mentions “Norwhich”; showing \d+ results? with the other words\. Did you mean “Norwich Pharmacal”\?$/);
    // a slip is put right as a whole word, not inside a longer one
    await page.goto(siteUrl('search.html', '?q=' + encodeURIComponent('holida holidays')));
    await page.locator('#search-results ol a').first().waitFor();
    assert.match(await status.innerText(), /Did you mean “holiday holidays”\?$/);
    // two letters on the way to a word are no misspelling
    await page.goto(siteUrl('search.html', '?q=wh'));
    await page.waitForFunction(() => document.querySelector('#search-results .search-status').textContent);
    assert.match(await status.innerText(), /^“wh”: keep typing\. A word of three letters or more finds the words it begins\.$/);
    await closePage(page);
  });

  it('"Show more results" takes the keyboard to the first result it adds, however slowly the passages load', STEP, async () => {
    const page = await openPage();
    // the pages' texts (for the passages) load 400 ms late, as on a slow
    // connection: the focus must wait for the results, not a timer
    await page.addInitScript(() => {
      window.quireSearch = { load(file) {
        const Q = window.quireSearch;
        return new Promise((done, fail) => {
          const go = () => {
            const s = document.createElement('script');
            s.src = Q.root + file;
            s.onload = () => done();
            s.onerror = () => fail(new Error(file));
            document.head.appendChild(s);
          };
          if (file.startsWith('search-body-')) setTimeout(go, 400); else go();
        });
      } };
    });
    await page.goto(siteUrl('search.html', '?q=confidential'));
    const links = page.locator('#search-results ol a');
    await links.first().waitFor();
    const total = Number((await page.locator('#search-results .search-status').innerText()).match(/^(\d+) results/)[1]);
    assert.ok(total > 20, `a search with more than a page of results (${total})`);
    const focused = () => page.evaluate(() => Array.from(document.querySelectorAll('#search-results ol a')).indexOf(document.activeElement));
    for (let shown = 20; shown < total; shown += 20) {
      await page.locator('button.search-more').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement && document.activeElement.closest('#search-results ol'), null, { timeout: 5000 });
      assert.equal(await focused(), shown, `the focus is on result ${shown + 1}, the first added`);
    }
    assert.equal(await links.count(), total, 'every result is shown');
    assert.equal(await page.locator('button.search-more').isHidden(), true, 'the button is gone after the last');
    await closePage(page);
  });

  it('a phrase in quotes finds its words in a row, and says when no page has them so', STEP, async () => {
    const page = await openPage();
    const status = page.locator('#search-results .search-status');
    const count = async (q) => {
      await page.goto(siteUrl('search.html', '?q=' + encodeURIComponent(q)));
      await page.locator('#search-results ol a').first().waitFor();
      return Number((await status.innerText()).match(/(\d+) results?/)[1]);
    };
    const apart = await count('duty of confidentiality');
    const together = await count('"duty of confidentiality"');
    assert.ok(together > 0 && together < apart, `fewer pages have the phrase (${together}) than its words (${apart})`);
    assert.match(await status.innerText(), /^\d+ results for “duty of confidentiality”$/, 'in one pair of quotes');
    assert.ok(await count('"pharmacal norwich"') > 0, 'no page has the words so: the pages with them apart');
    assert.match(await status.innerText(), /^No page has “pharmacal norwich” as written; showing \d+ results? with its words apart\.$/);
    await closePage(page);
  });

  it('a result shows the passage of its article where the words are, marked, not only the opening', STEP, async () => {
    const page = await openPage();
    // "Putterill" is a case the article cites far below its summary
    await page.goto(siteUrl('search.html', '?q=Putterill'));
    const snippet = page.locator('#search-results .search-snippet').first();
    await snippet.waitFor();
    const text = await snippet.innerText();
    assert.match(text, /Initial Services Ltd v Putterill \[1968\]/, `the passage around the word: ${text}`);
    assert.deepEqual(await snippet.locator('mark').allInnerTexts(), ['Putterill']);
    await page.locator('#search-results ol a').first().click();
    await page.waitForLoadState('load');
    const opening = (await page.locator('main p').first().innerText()).trim().slice(0, 40);
    assert.ok(!text.includes(opening), `not the article's opening (${opening})`);
    await closePage(page);
  });

  // The search page for q, its results' titles in order, and at(title):
  // a result's place (asserting it is one).
  async function searchResults(q) {
    const page = await openPage();
    await page.goto(siteUrl('search.html', `?q=${q}`));
    const results = page.locator('#search-results ol a');
    await results.first().waitFor();
    const titles = (await results.allInnerTexts()).map((t) => t.trim());
    const at = (t) => { assert.ok(titles.includes(t), `${t} is a result: ${JSON.stringify(titles)}`); return titles.indexOf(t); };
    return { page, results, titles, at };
  }

  it('a section ranks after the articles that match as well, and before those that match less', STEP, async () => {
    const { page, at } = await searchResults('whistleblowing');
    // the section "Whistleblowing and defamation" has the word in its title,
    // as two of its articles do; "Disciplinary action ..." only in its text
    assert.ok(at('Whistleblowing and defamation') > at('Whistleblowing: the Public Interest Disclosure Act 1998'));
    assert.ok(at('Whistleblowing and defamation') > at('Where whistleblowing meets confidentiality'));
    assert.ok(at('Whistleblowing and defamation') < at('Disciplinary action and the Acas Code of Practice'));
    await closePage(page);
  });

  it('a tag finds the articles tagged with it, then its own page, which leads to the tagged articles', STEP, async () => {
    const { page, results, at } = await searchResults('whistleblowing');
    // "Where to get help" is tagged "whistleblowing" (and has the word in
    // its summary); the tag's page is a list, after the articles tagged
    const tag = 'Guidance tagged \u201cwhistleblowing\u201d';
    assert.ok(at(tag) > at('Where to get help'));
    assert.ok(at(tag) < at('Disciplinary action and the Acas Code of Practice'));
    const snippet = page.locator('#search-results li').nth(at(tag)).locator('.search-snippet');
    assert.match(await snippet.innerText(), /^\d+ pages: /, 'the tag\'s page shows what it lists');
    await results.nth(at(tag)).click();
    await page.waitForLoadState('load');
    assert.equal((await page.locator('main h1').innerText()).trim(), tag, 'the result leads to the tag\'s page');
    await closePage(page);
  });

  it('"e-mail" and "email" find the same pages', STEP, async () => {
    const page = await openPage();
    const found = {};
    for (const q of ['e-mail', 'email']) {
      await page.goto(siteUrl('search.html', `?q=${q}`));
      await page.locator('#search-results ol a').first().waitFor();
      found[q] = await page.locator('#search-results ol a').evaluateAll((as) => as.map((a) => a.href));
      assert.ok(await page.locator('#search-results mark', { hasText: /^email$/i }).count() > 0, `${q}: "email" is marked`);
    }
    assert.deepEqual(found['e-mail'], found.email);
    await closePage(page);
  });

  it('withdrawn guidance, opened from file://: the notice leads to the version withdrawn and back, with no axe-core violation', { timeout: 60000 }, async () => {
    const src = path.join(tmp, 'withdrawn'), out = path.join(tmp, 'withdrawn-out');
    fs.mkdirSync(path.join(src, 'content', 'hr'), { recursive: true });
    fs.writeFileSync(path.join(src, 'site.yml'), 'title: Withdrawn\n');
    fs.cpSync(path.join(repo, 'themes'), path.join(src, 'themes'), { recursive: true });
    fs.writeFileSync(path.join(src, 'content', 'index.md'), '---\ntitle: Home\n---\nWelcome.\n');
    fs.writeFileSync(path.join(src, 'content', 'hr', 'leave.md'), '---\ntitle: Old leave policy\nsummary: How leave was booked.\n---\nAsk your manager by email.\n');
    const git = (...args) => execFileSync('git', ['-C', src, ...args], { stdio: 'ignore',
      env: { ...process.env, GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'Ann',
        GIT_COMMITTER_EMAIL: 'a@example.org', GIT_AUTHOR_DATE: '2026-01-10T09:00:00Z', GIT_COMMITTER_DATE: '2026-01-10T09:00:00Z' } });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'First guidance');
    git('rm', '-q', 'content/hr/leave.md');
    git('commit', '-q', '-m', 'Withdraw the old leave policy');
    execFileSync(quire, ['build', '-s', src, '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const page = await openPage();
    await page.goto(pathToFileURL(path.join(out, 'hr', 'leave.html')).href);
    assert.match(await page.title(), /^Withdrawn: Old leave policy/);
    await axeCheck(page, 'withdrawn notice');
    await page.getByRole('link', { name: 'Read it as it stood when withdrawn' }).click();
    await page.waitForURL(/leave\.rev-[0-9a-f]{10}\.html$/);
    assert.match(await page.locator('main').innerText(), /Ask your manager by email\./);
    await page.getByRole('link', { name: 'see the notice' }).click();
    await page.waitForURL(/hr\/leave\.html$/);
    await page.getByRole('link', { name: 'All changes' }).click();
    await page.waitForURL(/leave\.history\.html#[0-9a-f]{40}$/);
    await axeCheck(page, 'withdrawn history');
    await page.goto(pathToFileURL(path.join(out, 'changes.html')).href);
    await page.locator('#withdrawn + p + ul a', { hasText: 'Old leave policy' }).click();
    await page.waitForURL(/hr\/leave\.html$/);
    await closePage(page);
  });

  it('a passage shows markup in a page\'s text as text: never an element, never run', STEP, async () => {
    const src = path.join(tmp, 'markup'), out = path.join(tmp, 'markup-out');
    fs.mkdirSync(path.join(src, 'content'), { recursive: true });
    fs.writeFileSync(path.join(src, 'site.yml'), 'title: Markup\nhistory: false\n');
    fs.cpSync(path.join(repo, 'themes'), path.join(src, 'themes'), { recursive: true });
    fs.writeFileSync(path.join(src, 'content', 'page.md'), '---\ntitle: Markup in text\nsummary: A page that shows markup.\n---\n\n' +
      'A sentence to fill the opening. '.repeat(12) + '\n\nWrite `<img src=x onerror="document.title=\'run\'">` or ' +
      '`<b>bold</b>` to bold the zebrafish.\n');
    execFileSync(quire, ['build', '-s', src, '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const page = await openPage();
    await page.goto(pathToFileURL(path.join(out, 'search.html')).href + '?q=zebrafish');
    const snippet = page.locator('#search-results .search-snippet').first();
    await snippet.waitFor();
    assert.match(await snippet.innerText(), /Write <img src=x onerror="document\.title='run'"> or <b>bold<\/b> to bold the zebrafish\./);
    assert.equal(await page.locator('#search-results img, #search-results b').count(), 0, 'no element made of the text');
    assert.deepEqual(await snippet.locator('mark').allInnerTexts(), ['zebrafish']);
    assert.notEqual(await page.title(), 'run');
    await closePage(page);
  });

  it('a screen reader hears the status line of a search, not every result', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('search.html', `?q=${QUERY}`));
    await page.locator('#search-results ol a').first().waitFor();
    const live = await page.evaluate(() => Array.from(document.querySelectorAll(
      '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]'), (e) => e.textContent.trim()));
    assert.equal(live.length, 1, `one live region: ${JSON.stringify(live)}`);
    assert.match(live[0], new RegExp(`^\\d+ results? for “${QUERY}”$`), 'it holds the status line alone');
    await closePage(page);
  });

  it('on search.html ArrowUp from the first result returns to the box typed in, and both boxes show the query', STEP, async () => {
    assert.ok(article, 'an article was reached through search');
    const page = await openPage();
    await page.goto(siteUrl('search.html'));
    const header = page.locator('header input[name="q"]');
    const own = page.locator('main input[name="q"]');
    const first = page.locator('#search-results ol a').first();
    const status = page.locator('#search-results .search-status');
    for (const [box, id, query] of [[own, 'search-input', QUERY], [header, 'site-search', article.title]]) {
      await box.fill(query);
      await page.waitForFunction((q) => document.querySelector('#search-results .search-status').textContent.includes(`“${q}”`), query);
      await first.waitFor();
      assert.deepEqual([await header.inputValue(), await own.inputValue()], [query, query],
        `typing in #${id} shows the query in both boxes`);
      await box.press('ArrowDown');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), await first.getAttribute('href'),
        'ArrowDown moves to the first result');
      await page.keyboard.press('ArrowUp');
      assert.equal(await page.evaluate(() => document.activeElement.id), id, `ArrowUp returns to #${id}, where the query was typed`);
    }
    assert.match(await status.innerText(), /results? for/);
    await closePage(page);
  });

  it('a past version says so in its title, and is not indexed, with the current article as canonical', STEP, async () => {
    assert.ok(article?.history, 'an article and its history were reached');
    const page = await openPage();
    await page.goto(article.url);
    const title = await page.title();
    assert.ok(title.startsWith(`${article.title} – `), `the article's title: ${title}`);
    assert.equal(await page.locator('meta[name="robots"]').count(), 0, 'the article is indexed');
    await page.goto(article.history);
    // the oldest version: a past one, unless the article has one revision
    await Promise.all([page.waitForURL(/\.rev-[0-9a-f]{10}\.html$/),
      page.locator('a', { hasText: 'Read this version' }).last().click()]);
    const past = await page.title();
    // (the time too when another revision shares its day)
    assert.match(past, /^(Past|Current) version \(\d{1,2} [A-Z][a-z]+ \d{4}(, \d\d:\d\d(:\d\d)? UTC([+-]\d{1,3}(:\d\d)?)?)?\) of /,
      `a version's title: ${past}`);
    assert.ok(past.includes(article.title), `and names the article: ${past}`);
    assert.notEqual(past, title);
    assert.equal(await page.locator('meta[name="robots"]').getAttribute('content'), 'noindex', 'a version is not indexed');
    assert.equal(await page.locator('link[rel="canonical"]').evaluate((l) => l.href), article.url,
      'its canonical page is the current article');
    await closePage(page);
  });

  it('the home page\'s title is the site\'s name once', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('index.html'));
    const name = (await page.locator('.site-title').innerText()).trim();
    assert.equal(await page.title(), name);
    await closePage(page);
  });

  it('the home page and a section page say when they were updated and link their history, as an article does', STEP, async () => {
    const page = await openPage();
    await page.goto(siteUrl('index.html'));
    const section = await page.locator('.site-nav a').first().evaluate((a) => a.href);
    for (const url of [siteUrl('index.html'), section]) {
      await page.goto(url);
      assert.match(await page.locator('main .meta').first().innerText(), /Last updated/, `${url} says when it was updated`);
      await historyHref(page);
      await Promise.all([page.waitForURL(/\.history\.html$/), page.locator('a', { hasText: 'see what changed' }).click()]);
      assert.ok(await page.locator('.revision').count() >= 1, `the history of ${url} lists revisions`);
    }
    await closePage(page);
  });

  it('a screen reader hears where a change\'s added and removed words start and end; the eye sees no markers', STEP, async () => {
    assert.ok(article?.history, 'an article and its history were reached');
    const page = await openPage();
    await page.goto(article.history);
    assert.ok(await page.locator('.diff ins').count() > 0, 'the history shows added words');
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const said = nodes.filter((n) => n.role?.value === 'StaticText').map((n) => (n.name?.value || '').trim());
    for (const marker of ['added:', 'end of added text', 'removed:', 'end of removed text'])
      assert.ok(said.includes(marker), `the accessibility tree has "${marker}"`);
    const hidden = await page.locator('.diff ins').first().evaluate((e) => ['::before', '::after'].map((p) => {
      const s = getComputedStyle(e, p);
      return s.position === 'absolute' && parseFloat(s.width) <= 1 && parseFloat(s.height) <= 1;
    }));
    assert.deepEqual(hidden, [true, true], 'the markers take no room on screen');
    await closePage(page);
  });

  it('at 320px wide no page scrolls sideways and the header\'s Search button shows whole (WCAG 1.4.10)', STEP, async () => {
    assert.ok(article?.history, 'an article and its history were reached');
    const page = await openPage({ viewport: { width: 320, height: 640 } });
    const wrong = [];
    for (const [name, url] of [['home', siteUrl('index.html')], ['article', article.url], ['history', article.history],
      ['search', siteUrl('search.html', `?q=${QUERY}`)], ['A to Z', siteUrl('a-z.html')]]) {
      await page.goto(url);
      const { wide, button } = await page.evaluate(() => ({ wide: document.documentElement.scrollWidth - window.innerWidth,
        button: document.querySelector('header button').getBoundingClientRect().right - window.innerWidth }));
      if (wide > 0) wrong.push(`${name} is ${wide}px wider than the screen`);
      if (button > 0) wrong.push(`${name}: the Search button is ${button}px off the screen`);
    }
    // with WCAG 1.4.12's text spacing too, on the page with the longest
    // address in its text ("reportharmfulcontent.com")
    await page.goto(siteUrl('speaking-up/harassment-and-threats.html'));
    await page.addStyleTag({ content: '* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; } p { margin-bottom: 2em !important; }' });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (wide > 0) wrong.push(`with text spacing, harassment-and-threats is ${wide}px wider than the screen`);
    assert.deepEqual(wrong, []);
    await closePage(page);
  });

  it('in forced colours (Windows High Contrast) a focused link shows a focus outline', STEP, async () => {
    const page = await openPage();
    await page.emulateMedia({ forcedColors: 'active' });
    await page.goto(siteUrl('index.html'));
    await page.keyboard.press('Tab'); // the skip link
    await page.keyboard.press('Tab'); // the site's name
    const link = page.locator('header .site-title');
    assert.equal(await link.evaluate((a) => a === document.activeElement), true, 'the site\'s name has focus');
    const b = await link.boundingBox();
    const clip = { x: b.x - 6, y: b.y - 6, width: b.width + 12, height: b.height + 12 };
    const focused = await page.screenshot({ clip });
    await link.evaluate((a) => a.blur());
    const plain = await page.screenshot({ clip });
    assert.ok(!focused.equals(plain), 'the focused link looks different from the unfocused one');
    await closePage(page);
  });

  it('the A to Z letters are targets big enough to tap (WCAG 2.5.8: 24px)', STEP, async () => {
    const page = await openPage({ viewport: PHONE });
    await page.goto(siteUrl('a-z.html'));
    const sizes = await page.locator('.letters a').evaluateAll((as) => as.map((a) => {
      const r = a.getBoundingClientRect();
      return [a.textContent, Math.round(r.width), Math.round(r.height)];
    }));
    assert.ok(sizes.length > 0, 'the A to Z has letters');
    assert.deepEqual(sizes.filter(([, w, h]) => w < 24 || h < 24), []);
    await closePage(page);
  });

  it('a table wider than a phone shows a shadow at the side it scrolls to', STEP, async () => {
    const page = await openPage({ viewport: PHONE });
    // an article with a table too wide for the phone
    const files = fs.readdirSync(site, { recursive: true }).filter((f) => /\.html$/.test(f) &&
      !/(\.rev-[0-9a-f]{10}|\.history|^print)\.html$/.test(f) && fs.readFileSync(path.join(site, f), 'utf8').includes('<table'));
    let table = null;
    for (const f of files) {
      await page.goto(siteUrl(f));
      const t = page.locator('main table').filter({ has: page.locator('td') });
      const wide = await t.evaluateAll((ts) => ts.findIndex((e) => e.scrollWidth > e.clientWidth + 40));
      if (wide >= 0) { table = t.nth(wide); break; }
    }
    assert.ok(table, `an article has a table wider than a phone (of ${files.length} with tables)`);
    // only the shadows: no text, borders or backgrounds in the cells
    await page.addStyleTag({ content: 'table * { color: transparent !important; border-color: transparent !important; background: none !important; }' });
    // mean brightness of the 6px at each side of the table, above its scroll bar
    const edges = async () => {
      const png = await table.screenshot();
      return page.evaluate(async (b64) => {
        const img = new Image();
        img.src = 'data:image/png;base64,' + b64;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width; c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const mean = (x) => {
          const d = g.getImageData(x, 0, 6, Math.max(1, img.height - 20)).data;
          let sum = 0;
          for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
          return sum / (d.length / 4) / 3;
        };
        return { left: mean(0), right: mean(img.width - 6) };
      }, png.toString('base64'));
    };
    const start = await edges();
    assert.ok(start.right < start.left - 4, `at the start, the right edge is shaded: ${JSON.stringify(start)}`);
    await table.evaluate((t) => { t.scrollLeft = t.scrollWidth; });
    const end = await edges();
    assert.ok(end.left < end.right - 4, `scrolled to the end, the left edge is shaded: ${JSON.stringify(end)}`);
    await closePage(page);
  });

  it('an old address with a #section lands on that section of the article it moved to', STEP, async () => {
    const small = path.join(tmp, 'moved');
    fs.mkdirSync(path.join(small, 'content'), { recursive: true });
    fs.cpSync(path.join(repo, 'themes'), path.join(small, 'themes'), { recursive: true });
    fs.writeFileSync(path.join(small, 'site.yml'), 'title: Moved\nhistory: false\n');
    fs.writeFileSync(path.join(small, 'content', 'leave.md'), '---\ntitle: Leave\naliases: [old/holiday]\n---\n\n' +
      'Intro.\n\n' + 'Filler paragraph.\n\n'.repeat(80) + '## Carrying over\n\nUp to five days.\n');
    const out = path.join(small, 'public');
    execFileSync(quire, ['build', '-s', small], { stdio: ['ignore', 'ignore', 'inherit'] });
    const page = await openPage({ viewport: PHONE });
    await page.goto(pathToFileURL(path.join(out, 'old', 'holiday.html')).href + '#carrying-over');
    await page.waitForURL(/leave\.html#carrying-over$/);
    await page.waitForLoadState('load');
    assert.ok(await page.evaluate(() => window.scrollY > 0), 'scrolled to the section, not left at the top');
    await closePage(page);
  });

  it('made no request to any origin but file:// and logged no console errors', () => {
    assert.deepEqual([...problems], []);
  });
});
