/* quire offline reading: a service worker at the site root (registered by
 * assets/sw-register.js) keeps every page a reader opens.  quire writes the
 * build id into this file (BUILD below), so pages stay byte-identical across
 * rebuilds and the browser's own update check sees a new worker, and the
 * site's language and title (LANG, TITLE, for the offline page).
 * Pages: network first, the kept copy when offline.  Assets: kept copy
 * first.  The cache is named by scope and build, so a rebuilt site gets a
 * new worker that re-fetches everything kept into a fresh cache and then
 * deletes the old one.  Other sites on the same origin are left alone. */
'use strict';
var SCOPE = self.registration.scope;
var PREFIX = 'quire ' + SCOPE + ' ';
var BUILD = '@QUIRE_BUILD@';
var LANG = '@QUIRE_LANG@';
var TITLE = "@QUIRE_TITLE@"; /* in double quotes: see the README's theme part */
var CACHE = PREFIX + (BUILD.charAt(0) === '@' ? 'unversioned' : BUILD);

function keepable(res) {
  return res && res.status === 200 && res.type === 'basic' && !res.redirected;
}

/* Fetches url past the HTTP cache and keeps it; never rejects. */
function keep(cache, url) {
  return fetch(new Request(url, { cache: 'no-cache' })).then(function (res) {
    return keepable(res) ? cache.put(url, res) : null;
  }).catch(function () { return null; });
}

function oldCaches() {
  return caches.keys().then(function (names) {
    return names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; });
  });
}

/* A rebuilt site: fetch again everything the previous build's cache kept. */
self.addEventListener('install', function (event) {
  event.waitUntil(oldCaches().then(function (names) {
    return Promise.all(names.map(function (n) {
      return caches.open(n).then(function (c) { return c.keys(); });
    }));
  }).then(function (lists) {
    var urls = new Set();
    lists.forEach(function (reqs) { reqs.forEach(function (r) { urls.add(r.url); }); });
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(Array.from(urls, function (u) { return keep(cache, u); }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(oldCaches().then(function (names) {
    return Promise.all(names.map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

/* From sw-register.js: the page (and its assets) that loaded before the
 * worker controlled it. */
self.addEventListener('message', function (event) {
  var d = event.data;
  if (!d || d.quire !== 'keep' || !Array.isArray(d.urls)) return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(d.urls.filter(function (u) {
      return typeof u === 'string' && u.indexOf(SCOPE) === 0;
    }).map(function (u) {
      return cache.match(u, { ignoreVary: true }).then(function (hit) { return hit || keep(cache, u); });
    }));
  }));
});

function esc(s) {
  return s.replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
}
function isPage(url) { return /(\.html|\/)$/.test(new URL(url).pathname); }

/* A folder's page is both ROOT/a/ and ROOT/a/index.html: the site links
 * the one, a reader may have opened the other. */
function sameFolderPage(url) {
  var u = new URL(url);
  if (/\/$/.test(u.pathname)) u.pathname += 'index.html';
  else if (/\/index\.html$/.test(u.pathname)) u.pathname = u.pathname.slice(0, -10);
  else return null;
  return u.href;
}

/* The pages kept, as [title, url], by title; at most MAX_LISTED of them. */
var MAX_LISTED = 200;
function keptPages(cache) {
  return cache.keys().then(function (reqs) {
    var seen = new Set();
    var pages = reqs.filter(function (r) {
      var key = r.url.split('?')[0].replace(/\/index\.html$/, '/');
      if (!isPage(r.url) || seen.has(key)) return false;
      seen.add(key);
      return true;
    }).slice(0, MAX_LISTED);
    return Promise.all(pages.map(function (r) {
      return cache.match(r).then(function (res) { return res ? res.text() : ''; }).then(function (html) {
        var m = /<title>([^<]*)<\/title>/.exec(html);
        return [m ? m[1] : esc(r.url), r.url];
      });
    }));
  }).then(function (list) {
    return list.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
  }).catch(function () { return []; });
}

/* The page shown for a page not kept: the site's style (kept with the
 * first page), its header, and the pages that can be read. */
function offline(cache) {
  return keptPages(cache).then(function (pages) {
    var list = pages.map(function (p) {
      return '<li><a href="' + esc(p[1]) + '">' + p[0] + '</a></li>';
    }).join('');
    return new Response('<!DOCTYPE html><html lang="' + (LANG.charAt(0) === '@' ? 'en' : LANG) + '">' +
      '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<title>Offline</title><link rel="stylesheet" href="' + SCOPE + 'assets/style.css">' +
      '<header class="site-header"><div class="wrap header-inner"><a class="site-title" href="' + SCOPE +
      'index.html">' + esc(TITLE === '@' + 'QUIRE_TITLE@' ? 'Home' : TITLE) + '</a></div></header>' +
      '<main id="main" class="wrap"><h1>You are offline</h1><p>This page was not saved for offline reading. ' +
      (list ? 'These pages were, and can be read now:</p><ul>' + list + '</ul>'
            : '<a href="' + SCOPE + 'index.html">Go to the home page</a>.</p>') +
      '<p><a href="' + SCOPE + 'search.html">Search</a> works offline once its page has been opened.</p></main>',
    { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  });
}

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET' || req.url.indexOf(SCOPE) !== 0) return;
  /* quire serve's live reload (script and event stream) is never kept. */
  if (req.url.indexOf('/__quire/') >= 0 || (req.headers.get('Accept') || '').indexOf('text/event-stream') >= 0) return;
  var page = req.mode === 'navigate' || isPage(req.url);
  event.respondWith(caches.open(CACHE).then(function (cache) {
    function fetchAndKeep() {
      return fetch(req).then(function (res) {
        if (keepable(res)) event.waitUntil(cache.put(req, res.clone()));
        return res;
      });
    }
    if (!page) {
      return cache.match(req, { ignoreVary: true }).then(function (hit) { return hit || fetchAndKeep(); });
    }
    return fetchAndKeep().catch(function () {
      /* search.html?q=other still works offline: its query runs in the page. */
      var other = sameFolderPage(req.url.split('?')[0]);
      return cache.match(req, { ignoreVary: true }).then(function (hit) {
        return hit || cache.match(req, { ignoreVary: true, ignoreSearch: true });
      }).then(function (hit) {
        return hit || (other ? cache.match(other, { ignoreVary: true }) : null);
      }).then(function (hit) { return hit || offline(cache); });
    });
  }));
});
