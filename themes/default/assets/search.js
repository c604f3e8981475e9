/* quire search: queries the index that generator/search.c writes
 * (search-index.js, then search-NN.js and search-text-NN.js shards loaded
 * on demand with <script>, so it works from file://).  quireSearch.query(q)
 * needs no DOM; on a page with #search-results it also runs the box. */
(function () {
  'use strict';
  var W = typeof window !== 'undefined' ? window : globalThis;
  var D = typeof document !== 'undefined' ? document : null;
  var Q = W.quireSearch = W.quireSearch || {};
  var WORD = /[\p{L}\p{N}\p{M}]+/gu;  /* the index's words too (search.c's WORD_CP) */
  var SPLIT = /([\p{L}\p{N}\p{M}]+)/u;
  var ALPHA = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  var DIGIT = [];
  var PAGE = 20;          /* results shown at a time */
  var PREFIX_SHARDS = 4;  /* more than this and a short prefix matches exactly */
  var idx = null, ready = null;
  var vocab = new Map();  /* surface word -> stem */
  var postings = new Map(); /* stem -> encoded postings */
  var decoded = new Map();  /* stem -> Map(doc -> weight) */
  var texts = [];
  var loading = new Map();
  var SUF = ['', 'e', 's', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'y', 'ies', 'ied', 'ly'];
  var DBL = ['ed', 'ing', 'er'];
  for (var i = 0; i < ALPHA.length; i++) DIGIT[ALPHA.charCodeAt(i)] = i;
  function varint(s) {
    for (var v = 0, mul = 1, i = 0; i < s.length; i++, mul *= 32) v += (DIGIT[s.charCodeAt(i)] % 32) * mul;
    return v;
  }

  /* The site root, from this script's own src ("../assets/search.js"). */
  var me = D && D.currentScript;
  Q.root = me ? (me.getAttribute('src') || '').replace(/assets\/search\.js([?#].*)?$/, '') : '';

  /* Loads one index file; replaceable (the node tests evaluate files). */
  Q.load = Q.load || function (file) {
    return new Promise(function (done) {
      var s = D.createElement('script');
      s.src = Q.root + file;
      s.onload = s.onerror = function () { done(); };
      D.head.appendChild(s);
    });
  };
  function load(file) {
    if (!loading.has(file)) loading.set(file, Q.load(file));
    return loading.get(file);
  }

  /* Called by search-NN.js: stems with their surface words, and words
   * whose stem is elsewhere. */
  Q.add = function (n, stems, words) {
    Object.keys(stems).forEach(function (stem) {
      var v = stems[stem].split('|'), sl = stem.length;
      postings.set(stem, v[v.length - 1]);
      v[0].split(',').slice(1).forEach(function (suf) {
        var k = 0;
        while (suf.charAt(k) === '-') k++;
        vocab.set(stem.slice(0, sl - k) + suf.slice(k), stem);
      });
      /* inflected forms: bit r*16+k, as form_of() in generator/search.c */
      for (var mask = v.length > 2 ? varint(v[1]) : 0, bit = 0; mask; bit++, mask = Math.floor(mask / 2)) {
        if (mask % 2 === 0) continue;
        var r = bit >> 4, k = bit & 15, root = stem.slice(0, sl - r);
        vocab.set(k < 13 ? root + SUF[k] : root + stem.charAt(sl - 1) + DBL[k - 13], stem);
      }
    });
    Object.keys(words).forEach(function (w) { vocab.set(w, words[w]); });
  };
  /* Called by search-text-NN.js with the snippets of 'chunk' documents. */
  Q.text = function (n, list) {
    for (var i = 0; i < list.length; i++) texts[n * idx.chunk + i] = list[i];
  };

  function prepare(raw) {
    var keys = raw.keys ? raw.keys.split(' ') : [], shard = new Map();
    raw.starts.forEach(function (start, s) {
      var end = s + 1 < raw.starts.length ? raw.starts[s + 1] : keys.length;
      for (var k = start; k < end; k++) shard.set(keys[k], s);
    });
    return { raw: raw, keys: keys, shard: shard, chunk: raw.chunk, maxkey: raw.maxkey,
             stop: new Set(raw.stop.split(' ')) };
  }
  function start() {
    if (!ready) {
      ready = (W.quireSearchIndex ? Promise.resolve() : load('search-index.js')).then(function () {
        if (!W.quireSearchIndex) throw new Error('quire: search-index.js did not load');
        idx = prepare(W.quireSearchIndex);
      });
    }
    return ready;
  }

  function pad(n) { return n < 10 ? '0' + n : String(n); }
  /* Shard of the key that is the longest prefix of w, or -1. */
  function shardOf(w) {
    var cps = Array.from(w);
    for (var l = Math.min(idx.maxkey, cps.length); l > 0; l--) {
      var s = idx.shard.get(cps.slice(0, l).join(''));
      if (s !== undefined) return s;
    }
    return -1;
  }
  /* Every shard that can hold a word starting with p. */
  function prefixShards(p) {
    var set = new Set(), s = shardOf(p);
    if (s >= 0) set.add(s);
    idx.keys.forEach(function (k) { if (k.startsWith(p)) set.add(idx.shard.get(k)); });
    return set;
  }
  function loadShards(set) {
    return Promise.all(Array.from(set).map(function (n) { return load('search-' + pad(n) + '.js'); }));
  }
  function decode(stem) {
    var m = decoded.get(stem);
    if (m) return m;
    var s = postings.get(stem) || '', doc = -1, v = 0, mul = 1;
    m = new Map();
    for (var i = 0; i < s.length; i++) {
      var c = DIGIT[s.charCodeAt(i)];
      if (c >= 32) { v += (c - 32) * mul; mul *= 32; continue; }
      v += c * mul;
      doc += Math.floor(v / 32) + 1;
      if (doc < idx.raw.ndocs) m.set(doc, v % 32); /* never a document the index lacks */
      v = 0; mul = 1;
    }
    decoded.set(stem, m);
    return m;
  }

  /* Latin letters to ASCII, as the index has them (generator/slug.c's
   * table, from the same list): accents off ("Bărbulescu" is
   * "Barbulescu"), and the letters with no decomposition as people write
   * them ("Łódź" is "lodz", "ß" is "ss"); other scripts' letters stay.
   * An extra letter goes first, so its accented forms (Ǿ: Ø and an
   * acute) lose their accent too. */
  /* tests/tools/fold_table.py --js: 138 Latin letters and ligatures with
   * no decomposition, and their ASCII; the marks dropped after a letter. */
  var FOLD_EXTRA = {
    '\u00c6': 'ae', '\u00d0': 'd', '\u00d8': 'o', '\u00de': 'th', '\u00df': 'ss', '\u00e6': 'ae',
    '\u00f0': 'd', '\u00f8': 'o', '\u00fe': 'th', '\u0110': 'd', '\u0111': 'd', '\u0126': 'h',
    '\u0127': 'h', '\u0131': 'i', '\u0132': 'ij', '\u0133': 'ij', '\u0138': 'q', '\u013f': 'l',
    '\u0140': 'l', '\u0141': 'l', '\u0142': 'l', '\u0149': 'n', '\u014a': 'n', '\u014b': 'n',
    '\u0152': 'oe', '\u0153': 'oe', '\u0166': 't', '\u0167': 't', '\u017f': 's', '\u0180': 'b',
    '\u0181': 'b', '\u0182': 'b', '\u0183': 'b', '\u0187': 'c', '\u0188': 'c', '\u0189': 'd',
    '\u018a': 'd', '\u018b': 'd', '\u018c': 'd', '\u0190': 'e', '\u0191': 'f', '\u0192': 'f',
    '\u0193': 'g', '\u0195': 'hv', '\u0196': 'i', '\u0197': 'i', '\u0198': 'k', '\u0199': 'k',
    '\u019a': 'l', '\u019d': 'n', '\u019e': 'n', '\u01a2': 'oi', '\u01a3': 'oi', '\u01a4': 'p',
    '\u01a5': 'p', '\u01ab': 't', '\u01ac': 't', '\u01ad': 't', '\u01ae': 't', '\u01b2': 'v',
    '\u01b3': 'y', '\u01b4': 'y', '\u01b5': 'z', '\u01b6': 'z', '\u01c4': 'dz', '\u01c5': 'dz',
    '\u01c6': 'dz', '\u01c7': 'lj', '\u01c8': 'lj', '\u01c9': 'lj', '\u01ca': 'nj', '\u01cb': 'nj',
    '\u01cc': 'nj', '\u01e4': 'g', '\u01e5': 'g', '\u01f1': 'dz', '\u01f2': 'dz', '\u01f3': 'dz',
    '\u01f6': 'hv', '\u0220': 'n', '\u0221': 'd', '\u0224': 'z', '\u0225': 'z', '\u0234': 'l',
    '\u0235': 'n', '\u0236': 't', '\u0237': 'j', '\u0238': 'db', '\u0239': 'qp', '\u023a': 'a',
    '\u023b': 'c', '\u023c': 'c', '\u023d': 'l', '\u023e': 't', '\u023f': 's', '\u0240': 'z',
    '\u0243': 'b', '\u0244': 'u', '\u0246': 'e', '\u0247': 'e', '\u0248': 'j', '\u0249': 'j',
    '\u024c': 'r', '\u024d': 'r', '\u024e': 'y', '\u024f': 'y', '\u0253': 'b', '\u0256': 'd',
    '\u0257': 'd', '\u025b': 'e', '\u0260': 'g', '\u0268': 'i', '\u0269': 'i', '\u0272': 'n',
    '\u0288': 't', '\u0289': 'u', '\u028b': 'v', '\u1e9a': 'a', '\u1e9c': 's', '\u1e9d': 's',
    '\u1e9e': 'ss', '\u1efa': 'll', '\u1efb': 'll', '\u1efc': 'v', '\u1efd': 'v', '\u1efe': 'y',
    '\u1eff': 'y', '\u2c65': 'a', '\u2c66': 't', '\u2c7e': 's', '\u2c7f': 'z', '\ufb00': 'ff',
    '\ufb01': 'fi', '\ufb02': 'fl', '\ufb03': 'ffi', '\ufb04': 'ffl', '\ufb05': 'st', '\ufb06': 'st'
  };
  var FOLD_MARKS = /([A-Za-z])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;
  var FOLD_EXTRA_RE = new RegExp('[' + Object.keys(FOLD_EXTRA).join('') + ']', 'g');
  function fold(s) {
    return s.normalize('NFD').replace(FOLD_EXTRA_RE, function (c) { return FOLD_EXTRA[c]; })
      .replace(FOLD_MARKS, '$1').normalize('NFC');
  }
  Q.fold = fold;
  /* Lower case as the index has it (search.c's table of toLowerCase's
   * mappings), but ς is σ, as Unicode's case folding has it: toLowerCase
   * writes a word's last Σ ς, and the index cannot tell which Σ is last. */
  function lower(s) {
    return s.toLowerCase().replace(/\u03c2/g, '\u03c3');
  }
  /* The words of s as the index has them: folded and lower-cased. */
  Q.words = function (s) {
    return lower(fold(s)).match(WORD) || [];
  };
  /* Lower-cased words of s minus stop words. */
  Q.tokenise = function (s) {
    return Q.words(s).filter(function (w) { return !idx.stop.has(w); });
  };
  Q.doc = function (d) {
    var r = idx.raw.docs, f = r[4 * d + 1];
    return { doc: d, url: Q.root + idx.raw.dirs[r[4 * d]] + (f.charAt(0) === '!' ? f.slice(1) : f + '.html'),
             title: r[4 * d + 2], section: idx.raw.sections[r[4 * d + 3]] };
  };

  /* Resolves to {query, words, stems (Set of matched stems), results:
   * [{doc, url, title, section, score}]}, best first.  Every word must
   * match; the last one also matches as a prefix unless q ends in a
   * space.  Title matches rank first, then the sum of weights. */
  Q.query = function (q) {
    return start().then(function () {
      var words = Q.tokenise(q), last = words.length - 1, need = new Set();
      var prefix = last >= 0 && /[\p{L}\p{N}\p{M}]$/u.test(q) && Array.from(words[last]).length >= 2;
      words.forEach(function (w) { var s = shardOf(w); if (s >= 0) need.add(s); });
      if (prefix) {
        var ps = prefixShards(words[last]);
        if (ps.size <= PREFIX_SHARDS) ps.forEach(function (s) { need.add(s); });
        else prefix = false;
      }
      return loadShards(need).then(function () {
        var sets = words.map(function (w, i) {
          var set = new Set(), st = vocab.get(w);
          if (st !== undefined) set.add(st);
          if (prefix && i === last)
            vocab.forEach(function (stem, word) { if (word.startsWith(w)) set.add(stem); });
          return set;
        });
        var more = new Set();
        sets.forEach(function (set) { set.forEach(function (st) { var s = shardOf(st); if (s >= 0) more.add(s); }); });
        return loadShards(more).then(function () { return rank(q, words, sets); });
      });
    });
  };

  function rank(q, words, sets) {
    var all = new Set(), results = [];
    var lists = sets.map(function (set) {
      var m = new Map();
      set.forEach(function (stem) {
        all.add(stem);
        decode(stem).forEach(function (w, d) { if (!(m.get(d) >= w)) m.set(d, w); });
      });
      return m;
    });
    if (lists.length && lists.every(function (m) { return m.size > 0; })) {
      lists.sort(function (a, b) { return a.size - b.size; });
      lists[0].forEach(function (w0, d) {
        var score = 0, titles = 0;
        for (var i = 0; i < lists.length; i++) {
          var w = i ? lists[i].get(d) : w0;
          if (w === undefined) return;
          score += w;
          if (w >= 16) titles++;
        }
        var r = Q.doc(d);
        r.score = score; r.titles = titles;
        results.push(r);
      });
      results.sort(function (a, b) { return b.titles - a.titles || b.score - a.score || a.doc - b.doc; });
    }
    return { query: q, words: words, stems: all, results: results };
  }

  /* Loads the snippets of results; resolves to them in the same order. */
  Q.snippets = function (results) {
    var files = new Set();
    results.forEach(function (r) { files.add('search-text-' + pad(Math.floor(r.doc / idx.chunk)) + '.js'); });
    return Promise.all(Array.from(files).map(load)).then(function () {
      return results.map(function (r) { return texts[r.doc] || ''; });
    });
  };
  /* Splits text into [[piece, matched], ...]: matched pieces are words
   * whose stem is in stems. */
  Q.highlight = function (text, stems) {
    return text.split(SPLIT).filter(function (p) { return p; }).map(function (p) {
      return [p, SPLIT.test(p) && stems.has(vocab.get(lower(fold(p))))];
    });
  };

  /* ---- the page: search.html with #search-results ---- */
  function el(tag, cls, text) {
    var e = D.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function init() {
    var box = D.getElementById('search-results');
    if (!box) return;
    var inputs = Array.prototype.slice.call(D.querySelectorAll('form.search-form input[name="q"]'));
    var seq = 0, timer = 0;
    var q = new URLSearchParams(W.location.search).get('q') || '';
    inputs.forEach(function (i) { i.value = q; });

    function run(q, remember) {
      var my = ++seq;
      if (remember) {
        try { W.history.replaceState(null, '', '?' + new URLSearchParams({ q: q })); } catch (e) { /* file:// may refuse */ }
      }
      if (!q.trim()) { box.textContent = ''; return; }
      Q.query(q).then(function (res) { if (my === seq) show(res, my); });
    }
    function show(res, my) {
      var shown = 0, list = el('ol', 'search-results-list');
      var more = el('button', 'search-more', 'Show more results');
      var status = el('p', 'search-status');
      var n = res.results.length;
      box.textContent = '';
      box.appendChild(status);
      if (!n && !res.words.length && res.query.trim()) {
        status.textContent = '\u201c' + res.query.trim() + '\u201d has only words too common to search for (such as \u201cthe\u201d or \u201cand\u201d): add a more specific one.';
        return;
      }
      if (!n) { status.textContent = 'No results for \u201c' + res.query.trim() + '\u201d.'; return; }
      status.textContent = n + (n === 1 ? ' result' : ' results') + ' for \u201c' + res.query.trim() + '\u201d';
      box.appendChild(list);
      more.type = 'button';
      more.hidden = true;
      box.appendChild(more);
      function page() {
        var slice = res.results.slice(shown, shown + PAGE);
        Q.snippets(slice).then(function (snips) {
          if (my !== seq) return;
          slice.forEach(function (r, i) {
            var li = el('li'), a = el('a', null, r.title), p = el('p', 'search-snippet');
            a.href = r.url;
            li.appendChild(a);
            if (r.section) li.appendChild(el('span', 'search-section', r.section));
            Q.highlight(snips[i], res.stems).forEach(function (part) {
              p.appendChild(part[1] ? el('mark', null, part[0]) : D.createTextNode(part[0]));
            });
            if (snips[i]) li.appendChild(p);
            list.appendChild(li);
          });
          shown += slice.length;
          more.hidden = shown >= n;
        });
      }
      more.addEventListener('click', function () {
        var next = shown;
        page();
        setTimeout(function () { var a = list.querySelectorAll('a')[next]; if (a) a.focus(); }, 50);
      });
      page();
    }

    inputs.forEach(function (input) {
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { run(input.value, true); }, 120);
      });
      input.form.addEventListener('submit', function (e) {
        e.preventDefault();
        clearTimeout(timer);
        run(input.value, true);
      });
      input.addEventListener('keydown', function (e) {
        var a = box.querySelector('ol a');
        if (e.key === 'ArrowDown' && a) { e.preventDefault(); a.focus(); }
      });
    });
    /* Up and Down move between result links; Enter follows the link. */
    box.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      var links = Array.prototype.slice.call(box.querySelectorAll('ol a'));
      var i = links.indexOf(D.activeElement);
      if (i < 0) return;
      e.preventDefault();
      if (e.key === 'ArrowDown' && i + 1 < links.length) links[i + 1].focus();
      else if (e.key === 'ArrowUp') (i > 0 ? links[i - 1] : inputs[0] || links[0]).focus();
    });
    if (q) run(q, false);
  }
  if (D) {
    if (D.readyState === 'loading') D.addEventListener('DOMContentLoaded', init);
    else init();
  }
}());
