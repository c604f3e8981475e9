/* quire offline reading: registers the service worker (sw.js at the site
 * root) when the site is served over http(s).  From file:// there is no
 * worker and nothing to do.  sw.js carries the build id, so a rebuilt site
 * has a changed worker, which the browser installs and which refreshes the
 * cache. */
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
  var sw = navigator.serviceWorker;
  var controlled = !!sw.controller; /* else this page loaded without the worker */
  var root = new URL('../', me.src); /* this script is ROOT/assets/sw-register.js */
  var url = new URL('sw.js', root);
  sw.register(url.href, { scope: root.href }).then(function () {
    return sw.ready;
  }).then(function (reg) {
    /* The first page a reader opens came before the worker: hand it the
     * page and what the page loaded, so they are kept too. */
    if (controlled || !reg.active) return;
    var urls = [location.href.split('#')[0]];
    performance.getEntriesByType('resource').forEach(function (e) { urls.push(e.name); });
    reg.active.postMessage({ quire: 'keep', urls: urls });
  }).catch(function () { /* no worker: the site still works online */ });
})();
