/* quire search: queries the index that generator/search.c writes
 * (search-index.js, then search-NN.js, search-text-NN.js and
 * search-body-NN.js shards loaded on demand with <script>, so it works
 * from file://).  quireSearch.query(q) needs no DOM; on a page with
 * #search-results it also runs the box. */
(function () {
  'use strict';
  var W = typeof window !== 'undefined' ? window : globalThis;
  var D = typeof document !== 'undefined' ? document : null;
  var Q = W.quireSearch = W.quireSearch || {};
  var WORD = /[\p{L}\p{N}\p{M}]+/gu;  /* the index's words too (search.c's WORD_CP) */
  /* a word, or words joined by hyphens ("e-mail", "up-to-date"), which the
   * index holds as one word too (search.c's is_hyphen) */
  var GROUP = /[\p{L}\p{N}\p{M}]+(?:[-\u00ad\u2010\u2011][\p{L}\p{N}\p{M}]+)*/gu;
  var HYPHEN = /[-\u00ad\u2010\u2011]/;
  var ALPHA = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  var DIGIT = [];
  var PAGE = 20;          /* results shown at a time */
  var PREFIX_SHARDS = 4;  /* more than this and a short prefix matches exactly */
  var idx = null, ready = null;
  var vocab = new Map();  /* surface word -> stem */
  var written = new Map(); /* the words pages have as written -> stem (vocab
                              also has forms a stem stands for) */
  var postings = new Map(); /* stem -> encoded postings */
  var decoded = new Map();  /* stem -> Map(doc -> weight) */
  var texts = [], bodies = [];
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

  /* Loads one index file; replaceable (the node tests evaluate files).
   * Rejects when the file does not load (offline, a dropped connection). */
  Q.load = Q.load || function (file) {
    return new Promise(function (done, fail) {
      var s = D.createElement('script');
      s.src = Q.root + file;
      s.onload = function () { done(); };
      s.onerror = function () {
        s.parentNode.removeChild(s);
        fail(new Error('quire: ' + file + ' did not load'));
      };
      D.head.appendChild(s);
    });
  };
  /* Each file is loaded once; one that failed is forgotten, so the next
   * search tries it again. */
  function load(file) {
    if (!loading.has(file)) {
      loading.set(file, Q.load(file).catch(function (e) {
        loading.delete(file);
        throw e;
      }));
    }
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
        var w = stem.slice(0, sl - k) + suf.slice(k);
        vocab.set(w, stem);
        written.set(w, stem);
      });
      /* inflected forms: bit r*16+k, as form_of() in generator/search.c;
       * seen: those the pages have as written */
      var seen = v.length > 3 ? varint(v[2]) : 0;
      for (var mask = v.length > 2 ? varint(v[1]) : 0, bit = 0; mask; bit++, mask = Math.floor(mask / 2), seen = Math.floor(seen / 2)) {
        if (mask % 2 === 0) continue;
        var r = bit >> 4, k = bit & 15, root = stem.slice(0, sl - r);
        var form = k < 13 ? root + SUF[k] : root + stem.charAt(sl - 1) + DBL[k - 13];
        vocab.set(form, stem);
        if (seen % 2) written.set(form, stem);
      }
    });
    Object.keys(words).forEach(function (w) { vocab.set(w, words[w]); written.set(w, words[w]); });
  };
  /* Called by search-text-NN.js with the snippets of 'chunk' documents. */
  Q.text = function (n, list) {
    for (var i = 0; i < list.length; i++) texts[n * idx.chunk + i] = list[i];
  };
  /* Called by search-body-NN.js with the texts of 'bodychunk' documents. */
  Q.body = function (n, list) {
    for (var i = 0; i < list.length; i++) bodies[n * idx.bodychunk + i] = list[i];
  };

  function prepare(raw) {
    var keys = raw.keys ? raw.keys.split(' ') : [], shard = new Map();
    raw.starts.forEach(function (start, s) {
      var end = s + 1 < raw.starts.length ? raw.starts[s + 1] : keys.length;
      for (var k = start; k < end; k++) shard.set(keys[k], s);
    });
    var stop = new Set(raw.stop.split(' ')), syn = null;
    /* site.yml's synonyms: a word's, and each of its synonyms' words as
     * the index has them (a synonym of stop words alone is none) */
    Object.keys(raw.syn || {}).forEach(function (k) {
      var key = lower(fold(k)).match(WORD);
      if (!key || key.length !== 1) return;
      raw.syn[k].forEach(function (v) {
        var ws = (lower(fold(v)).match(WORD) || []).filter(function (w) { return !stop.has(w); });
        if (!ws.length) return;
        syn = syn || Object.create(null);
        (syn[key[0]] = syn[key[0]] || []).push(ws);
      });
    });
    return { raw: raw, keys: keys, shard: shard, chunk: raw.chunk, bodychunk: raw.bodychunk,
             maxkey: raw.maxkey, stop: stop, lists: new Set(raw.lists), syn: syn };
  }
  function start() {
    if (!ready) {
      ready = (W.quireSearchIndex ? Promise.resolve() : load('search-index.js')).then(function () {
        if (!W.quireSearchIndex) throw new Error('quire: search-index.js did not load');
        idx = prepare(W.quireSearchIndex);
      }).catch(function (e) {
        ready = null; /* the next search tries again */
        throw e;
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
  /* The words of s as the index has them, folded and lower-cased, by the
   * hyphens that join them: "E-mail policy" is [["e", "mail"], ["policy"]]. */
  Q.groups = function (s) {
    return (lower(fold(s)).match(GROUP) || []).map(function (g) { return g.match(WORD); });
  };
  var MAX_JOINED = 8; /* words a hyphen joins taken together, at most (search.c) */
  /* The words the index takes from s: each word, and after them every run
   * of two or more of the words a hyphen joins, as one ("e-mail" is "e",
   * "mail", "email"; "anti-money-laundering" gives "antimoney",
   * "antimoneylaundering" and "moneylaundering" too). */
  Q.words = function (s) {
    var out = [];
    Q.groups(s).forEach(function (g) {
      out.push.apply(out, g);
      var p = g.slice(0, MAX_JOINED);
      for (var i = 0; i + 1 < p.length; i++)
        for (var j = i + 2; j <= p.length; j++) out.push(p.slice(i, j).join(''));
    });
    return out;
  };
  /* Lower-cased words of s minus stop words. */
  Q.tokenise = function (s) {
    return Q.words(s).filter(function (w) { return !idx.stop.has(w); });
  };
  Q.doc = function (d) {
    var r = idx.raw.docs, f = r[4 * d + 1];
    return { doc: d, url: Q.root + idx.raw.dirs[r[4 * d]] + (f.charAt(0) === '!' ? f.slice(1) : f + '.html'),
             title: r[4 * d + 2], section: idx.raw.sections[r[4 * d + 3]], list: idx.lists.has(d) };
  };

  /* The terms of q: each word but stop words, and each hyphenated
   * compound ("e-mail"), with the ways it can match (alts): as its words
   * ("e" and "mail", every one) or, last, as one word ("email", which the
   * index has for a page's "e-mail" too; rank tries it first).  A term's
   * text is as the reader typed it, for messages. */
  function terms(q) {
    var list = [], groups = lower(fold(q)).match(GROUP) || [], typed = q.match(GROUP) || [];
    groups.forEach(function (g, i) {
      var parts = g.match(WORD), words = parts.filter(function (w) { return !idx.stop.has(w); });
      var alts = words.length ? [words] : [], joined = parts.join('');
      if (parts.length > 1 && !idx.stop.has(joined)) alts.push([joined]);
      var text = typed.length === groups.length ? typed[i] : g;
      if (alts.length)
        list.push({ text: text, alts: alts, simple: parts.length === 1,
                    /* "SAR", "PHA": an abbreviation, typed whole, never begun */
                    caps: /^\p{Lu}{3}$/u.test(text),
                    syns: synonyms(alts), filler: parts.length === 1 && FILLER.has(parts[0]) });
    });
    /* a query of filler words alone needs them */
    if (list.every(function (t) { return t.filler; })) list.forEach(function (t) { t.filler = false; });
    return list;
  }
  /* Words of everyday speech a question is worded with ("a journalist
   * called me", "someone is writing lies about us online"): a page need
   * not have them to have all the words, though one that does ranks
   * higher.  The stop words are dropped altogether. */
  var FILLER = new Set(['got', 'get', 'gets', 'getting', 'called', 'want', 'wants', 'wanted', 'someone',
    'somebody', 'something', 'anyone', 'anybody', 'anything', 'everyone', 'ok', 'okay', 'please', 'really',
    'just', 'thing', 'things', 'lot', 'lots', 'online']);
  /* The site's synonyms (site.yml's search.synonyms) of a term's words:
   * more ways it can match, each a list of words a page must all have. */
  function synonyms(alts) {
    var out = [];
    if (!idx.syn) return out;
    alts.forEach(function (alt) {
      if (alt.length !== 1 || !Object.prototype.hasOwnProperty.call(idx.syn, alt[0])) return;
      idx.syn[alt[0]].forEach(function (ws) { out.push(ws); });
    });
    return out;
  }
  /* The stems of word w, and of every word it starts if prefix. */
  function stemsOf(w, prefix) {
    var set = new Set(), st = vocab.get(w);
    if (st !== undefined) set.add(st);
    if (prefix)
      vocab.forEach(function (stem, word) { if (word.startsWith(w)) set.add(stem); });
    return set;
  }

  /* A phrase: a double quote ("..." or \u201c...\u201d) that opens at a
   * word's start and closes at a word's end or the query's (12" and
   * O"Brien open none). */
  var PHRASE = /(^|[^\p{L}\p{N}\p{M}])["\u201c\u201e]([^"\u201c\u201d\u201e]*)(["\u201d](?![\p{L}\p{N}\p{M}])|$)/gu;
  /* The words of s as {w, g}: g numbers the groups of words a hyphen
   * joins ("e-mail" is two words of one group). */
  function toks(s, out) {
    /* (after a null, any number above the last group's: its index) */
    var last = out[out.length - 1], g = last ? last.g + 1 : out.length;
    Q.groups(s).forEach(function (parts) {
      parts.forEach(function (w) { out.push({ w: w, g: g }); });
      g++;
    });
    return out;
  }
  /* The phrases of q of two words or more, as {text, toks (every word,
   * stop words too), prefix (unclosed, with its last word still being
   * typed: that word may be begun)}. */
  Q.phrases = function (q) {
    var out = [], m;
    PHRASE.lastIndex = 0;
    while ((m = PHRASE.exec(q))) {
      var t = toks(m[2], []);
      if (t.length > 1)
        out.push({ text: m[2].trim(), toks: t, prefix: !m[3] && /[\p{L}\p{N}\p{M}]$/u.test(q) });
    }
    return out;
  };
  /* Whether word w stands for phrase p's word j: the same, or a form of
   * its stem ("secret recordings" has "secret recording"), or, the last
   * being typed, begun by it. */
  function sameWord(w, p, j) {
    var pw = p.toks[j].w;
    return w === pw || (p.stems[j] !== undefined && vocab.get(w) === p.stems[j]) ||
      (p.prefix && j === p.toks.length - 1 && w.startsWith(pw));
  }
  /* Whether text t (toks; null parts between a page's title, opening and
   * text) has phrase p's words in a row from i: word for word, or the
   * words a hyphen joins on one side written as one on the other
   * ("e-mail policy" and "email policy", as search has them). */
  function phraseAt(t, i, p) {
    for (var j = 0, k; j < p.toks.length;) {
      if (i >= t.length || !t[i]) return false;
      if (sameWord(t[i].w, p, j)) { i++; j++; continue; }
      var w = t[i].w, pw = p.toks[j].w, done = false;
      for (k = i + 1; !done && k < t.length && t[k] && t[k].g === t[i].g && k - i < MAX_JOINED; k++)
        if (sameWord(w += t[k].w, p, j)) { i = k + 1; j++; done = true; }
      for (k = j + 1; !done && k < p.toks.length && p.toks[k].g === p.toks[j].g && k - j < MAX_JOINED; k++)
        if (t[i].w === (pw += p.toks[k].w) || (vocab.get(pw) !== undefined && vocab.get(t[i].w) === vocab.get(pw))) {
          i++; j = k + 1; done = true;
        }
      if (!done) return false;
    }
    return true;
  }
  function hasPhrase(t, p) {
    for (var i = 0; i < t.length; i++)
      if (phraseAt(t, i, p)) return true;
    return false;
  }
  var PHRASE_READ = 500;   /* results whose texts a phrase reads, at most (the best) */
  var CUT_AT = 8192;       /* a cut text keeps at least this many bytes (search.c's BODY_MAX / 2) */
  /* Whether search.c cut text short for size: it ends a cut text with
   * "\u2026" and keeps half its limit at least, so a short page of its
   * own ending so is not taken for one. */
  function wasCut(text) {
    if (text.charAt(text.length - 1) !== '\u2026' || text.length * 3 < CUT_AT) return false;
    var bytes = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00) { bytes += 4; i++; } /* a pair: one letter of four bytes */
      else bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    return bytes >= CUT_AT;
  }
  var words_of = new Map(); /* doc -> its toks (title, opening, text), once read */
  /* The words of result r's title, opening and text (null between them),
   * as far as they are here (a file not loaded: offline, not kept); kept
   * once whole. */
  function pageToks(r) {
    var t = words_of.get(r.doc);
    if (t) return t;
    var opening = texts[r.doc], body = bodies[r.doc];
    t = toks(r.title, []);
    t.push(null);
    if (opening !== undefined) toks(opening, t).push(null);
    if (body !== undefined) toks(body, t);
    if (opening !== undefined && body !== undefined) words_of.set(r.doc, t);
    return t;
  }
  /* Keeps, of res's best PHRASE_READ results, those whose title, opening
   * or text has every phrase (its words or their forms, in a row),
   * loading their texts.  One whose text did not load (offline, not
   * kept) or was cut short for size (search.c's BODY_MAX: it ends with
   * "\u2026") comes after them, as unsure.  When none has the phrases,
   * res stays as it is, marked apart; else capped says results past
   * PHRASE_READ were not read. */
  function withPhrases(res, phrases) {
    res.phrases = phrases.map(function (p) { return p.text; });
    if (!phrases.length || !res.results.length) return res;
    /* (stop words have none: they must be as written) */
    phrases.forEach(function (p) { p.stems = p.toks.map(function (t) { return vocab.get(t.w); }); });
    var all = res.results, read = all.slice(0, PHRASE_READ), files = new Set();
    read.forEach(function (r) {
      files.add('search-text-' + pad(Math.floor(r.doc / idx.chunk)) + '.js');
      files.add('search-body-' + pad(Math.floor(r.doc / idx.bodychunk)) + '.js');
    });
    return Promise.all(Array.from(files).map(function (f) {
      return load(f).catch(function () { return null; });
    })).then(function () {
      var sure = [], unsure = [];
      read.forEach(function (r) {
        var t = pageToks(r), body = bodies[r.doc];
        if (phrases.every(function (p) { return hasPhrase(t, p); })) sure.push(r);
        else if (texts[r.doc] === undefined || body === undefined || wasCut(body)) unsure.push(r);
      });
      if (!sure.length) {
        res.apart = true;
      } else {
        res.results = sure.concat(unsure);
        res.capped = all.length > PHRASE_READ;
      }
      return res;
    });
  }

  /* Resolves to {query, words (the terms' texts), stems (Set of matched
   * stems), results: [{doc, url, title, section, list, score, titles,
   * matched, exact}], missing (the terms no page has), every (how many
   * pages have every term), partial}, best first (see rank).  The last
   * term also matches as a prefix unless q ends in a space or it is
   * three capitals ("SAR").  When few pages have every term, or none,
   * pages with some of them follow (partial); two words no page has may
   * match as one ("whistle blowing" finds "whistleblowing").  A phrase in
   * quotes ("monitoring of leave") keeps the pages that have its words in
   * a row (phrases: their texts); when none has, the pages with its words
   * apart are kept, and apart is true. */
  Q.query = function (q) {
    return start().then(function () {
      var ts = terms(q), need = new Set(), pre = new Set();
      var typing = /[\p{L}\p{N}\p{M}]$/u.test(q);
      if (typing && ts.length && !ts[ts.length - 1].caps) {
        ts[ts.length - 1].alts.forEach(function (alt) {
          var w = alt[alt.length - 1];
          /* two letters start too many words: "AI" is not "airport" */
          if (Array.from(w).length >= 3) pre.add(w);
        });
      }
      ts.forEach(function (t) { t.alts.concat(t.syns).forEach(function (alt) { alt.forEach(function (w) {
        var s = shardOf(w);
        if (s >= 0) need.add(s);
      }); }); });
      if (pre.size && !addPrefixShards(pre, need)) pre.clear();
      return loadShards(need).then(function () {
        ts.forEach(function (t, i) {
          t.sets = t.alts.map(function (alt) {
            return alt.map(function (w, j) {
              return stemsOf(w, i === ts.length - 1 && j === alt.length - 1 && pre.has(w));
            });
          });
          /* the word's own stems: a page with only a word it begins has
           * it as begun, not as typed */
          t.begun = i === ts.length - 1 && t.alts.some(function (alt) { return pre.has(alt[alt.length - 1]); });
          t.own = t.alts.map(function (alt) { return alt.map(function (w) { return vocab.get(w); }); });
          t.synSets = t.syns.map(function (alt) { return alt.map(function (w) { return stemsOf(w, false); }); });
        });
        return joinUnknown(ts, typing);
      }).then(function () {
        var more = new Set();
        ts.forEach(function (t) { t.sets.concat(t.synSets).forEach(function (alt) { alt.forEach(function (set) {
          set.forEach(function (st) { var s = shardOf(st); if (s >= 0) more.add(s); });
        }); }); });
        return loadShards(more).then(function () {
          return withPhrases(rank(q, ts), Q.phrases(q));
        }).then(function (res) { return res.apart || res.phrases.length ? res : refine(res, ts); });
      });
    });
  };
  /* Adds to need every shard the words of pre start words in, unless
   * that is more than PREFIX_SHARDS: then 0. */
  function addPrefixShards(pre, need) {
    var ps = new Set();
    pre.forEach(function (w) { prefixShards(w).forEach(function (s) { ps.add(s); }); });
    if (ps.size > PREFIX_SHARDS) return 0;
    ps.forEach(function (s) { need.add(s); });
    return 1;
  }
  /* A word no page has, next to another word, may be half of a word
   * written as one: the two terms become one that matches either way. */
  function joinUnknown(ts, typing) {
    function unknown(t) {
      return t.sets.every(function (alt) { return alt.some(function (set) { return !set.size; }); });
    }
    var pairs = [], need = new Set(), pre = new Set();
    for (var i = 0; i + 1 < ts.length; i++) {
      if (!ts[i].simple || !ts[i + 1].simple || !(unknown(ts[i]) || unknown(ts[i + 1]))) continue;
      var w = ts[i].alts[0][0] + ts[i + 1].alts[0][0], s = shardOf(w);
      pairs.push({ i: i, word: w });
      if (s >= 0) need.add(s);
      if (typing && i + 2 === ts.length) pre.add(w);
    }
    if (!pairs.length) return Promise.resolve();
    if (pre.size && !addPrefixShards(pre, need)) pre.clear();
    return loadShards(need).then(function () {
      var gone = 0; /* terms joined so far, left to right */
      pairs.forEach(function (p) {
        var i = p.i - gone, a = ts[i], b = ts[i + 1], set = stemsOf(p.word, pre.has(p.word));
        if (!set.size || !a.simple || !b.simple) return;
        ts.splice(i, 2, { text: a.text + ' ' + b.text, alts: [a.alts[0].concat(b.alts[0]), [p.word]],
                          sets: [a.sets[0].concat(b.sets[0]), [set]], simple: false, syns: [], synSets: [],
                          own: [[vocab.get(p.word)]], begun: pre.has(p.word) });
        gone++;
      });
    });
  }

  /* The edit distance of a and b (a letter added, dropped or changed, or
   * two next to each other swapped), or max + 1 as soon as it must be more
   * than max. */
  function distance(a, b, max) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var before = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
        cur[j] = v;
        if (v < low) low = v;
      }
      if (low > max) return max + 1;
      before = prev;
      prev = cur;
    }
    return prev[b.length];
  }
  /* The word pages have (of the shards loaded: a slip after the first
   * letters keeps a word in its shard) nearest w, a word no page has: one
   * slip away, or two in a word of eight letters or more; of those as
   * near, the one on the most pages.  null when there is none, or w is
   * shorter than four letters (too many words are one slip from those). */
  Q.suggest = function (w) {
    var n = Array.from(w).length, max = n >= 8 ? 2 : 1, best = null, bestD = max + 1, bestN = 0, bestE = 0;
    var last = w.charAt(w.length - 1);
    function consider(stem, word) {
      var d = word === w ? 0 : distance(w, word, max);
      if (!d || d > max) return;
      /* of those as near, one that ends as typed ("employr": "employer",
       * not "employ"), then the most pages, then the first in order */
      var pages = decode(stem).size, ends = word.charAt(word.length - 1) === last ? 1 : 0;
      if (pages && (d < bestD || (d === bestD && (ends > bestE || (ends === bestE &&
          (pages > bestN || (pages === bestN && word < best))))))) {
        best = word; bestD = d; bestN = pages; bestE = ends;
      }
    }
    if (n < 4) return null;
    /* only words pages have: a form the index stands for ("faired" of
     * "fair") may be no word at all */
    written.forEach(consider);
    return best;
  };

  /* What a word's weight (search.c's weight_of) says of a page: a
   * title's word most, then a tag's, then the summary's, a heading's, and
   * the body's by how often it has it (once, two or three times, more). */
  function fieldScore(w) {
    if (w >= 28) return 10 + (w - 28) / 2;
    if (w >= 16) return 6 + (w - 16) / 4;
    return (w & 8 ? 4 : 0) + (w & 4 ? 2 : 0) + [0, 1, 1.5, 1.8][w & 3];
  }
  var SOFT = 5; /* fewer pages than this with every word: pages with most of them follow */
  /* Ranks the pages that match terms ts: those with every word first
   * (not counting filler words), then those with the word as typed
   * before those with only a word it begins ("SAR" before "Sara"), then
   * by how many of the words are in the title or tags, articles before
   * lists, then by relevance (score): each word's weight for its
   * field, times how rare the word is on the site, plus how much of the
   * title the words make up and whether it has them as typed. */
  function rank(q, ts) {
    var all = new Set(), results = [], ndocs = idx.raw.ndocs;
    /* Adds to m (doc -> {score, titles}) the pages with alternative alt
     * of a term: for one of several words, the page has every one, scored
     * as the weakest, in the title if all are; the best alternative
     * counts.  Returns 1 when a page has it. */
    function matchAlt(alt, m, titlesOnly) {
      var lists = alt.map(function (set) {
        var l = new Map();
        set.forEach(function (stem) {
          decode(stem).forEach(function (w, d) { if (!(l.get(d) >= w)) l.set(d, w); });
        });
        return l;
      });
      if (lists.some(function (l) { return !l.size; })) return 0;
      var found = 0;
      lists[0].forEach(function (w0, d) {
        var w = w0;
        for (var i = 1; i < lists.length; i++) {
          var wi = lists[i].get(d);
          if (wi === undefined) return;
          if (wi < w) w = wi;
        }
        /* from 16 on, a title's word, or a tag's (search.c's W_TITLE) */
        var titles = w >= 16 ? 1 : 0, o = m.get(d);
        if (titlesOnly && !titles) return;
        found = 1;
        if (!o || titles > o.titles || (titles === o.titles && w > o.score)) m.set(d, { score: w, titles: titles });
      });
      if (found) alt.forEach(function (set) { set.forEach(function (stem) { all.add(stem); }); });
      return found;
    }
    /* A term of several words ("e-mail", "whistle blowing") has the word
     * written as one last ("email", which the index has for "e-mail" too):
     * when a page has that, the words apart count only in a title or tags
     * ("well-being" finds "wellbeing", not every page with "well"; yet
     * "social-media" finds the pages tagged so when one page says
     * "social-media investigation").  A synonym counts as the word. */
    var maps = ts.map(function (t) {
      var m = new Map(), n = t.sets.length;
      var joined = n > 1 && matchAlt(t.sets[n - 1], m);
      t.sets.slice(0, joined ? n - 1 : n).forEach(function (alt) { matchAlt(alt, m, joined); });
      t.synSets.forEach(function (alt) { matchAlt(alt, m, false); });
      t.idf = Math.log(1 + ndocs / (m.size || 1));
      return m;
    });
    var strong = ts.filter(function (t) { return !t.filler; }).length;
    var hits = new Map();
    maps.forEach(function (m, i) {
      var t = ts[i];
      m.forEach(function (v, d) {
        var h = hits.get(d);
        if (!h) hits.set(d, h = { matched: 0, exact: 0, score: 0, titles: 0 });
        h.score += t.idf * fieldScore(v.score);
        if (t.filler) return;
        h.matched++;
        if (!t.begun || asTyped(t, d)) h.exact++;
        h.titles += v.titles;
      });
    });
    var every = 0, articles = 0, most = 0;
    hits.forEach(function (h, d) {
      if (h.matched === strong) { every++; if (!idx.lists.has(d)) articles++; }
      if (h.matched > most) most = h.matched;
    });
    /* with few pages (or only lists) that have every word, the best with
     * most of them follow; with none, every page with any of them */
    var least = every >= SOFT && articles ? strong : every ? Math.max(1, Math.ceil(strong / 2)) : most ? 1 : 0;
    hits.forEach(function (h, d) {
      if (h.matched < least) return;
      var r = Q.doc(d);
      r.score = h.score + titleFit(r.title, ts); r.titles = h.titles; r.matched = h.matched; r.exact = h.exact;
      results.push(r);
    });
    results.sort(order);
    var missing = ts.filter(function (t, i) { return !maps[i].size && !t.filler; });
    return { query: q, words: ts.map(function (t) { return t.text; }), stems: all, results: results,
             missing: missing.map(function (t) { return t.text; }),
             /* [typed, a word of the index it may be a slip for] */
             suggestions: missing.filter(function (t) { return t.simple; }).map(function (t) {
               return [t.text, Q.suggest(t.alts[0][0])];
             }).filter(function (s) { return s[1]; }),
             partial: results.length > 0 && results[results.length - 1].matched < strong,
             every: every };
  }
  /* A list repeats its pages' titles and summaries: it matches what
   * they match, so it comes after the articles that match as well (in
   * as many titles), and first only where it matches better. */
  function order(a, b) {
    return b.matched - a.matched || b.exact - a.exact || b.titles - a.titles || a.list - b.list ||
      b.score - a.score || a.doc - b.doc;
  }
  /* Whether page d has term t's words as typed (or a synonym), not only
   * a word the word being typed begins. */
  function asTyped(t, d) {
    function has(set) { var any = false; set.forEach(function (st) { any = any || decode(st).has(d); }); return any; }
    return t.own.some(function (alt) {
      return alt.every(function (st) { return st !== undefined && decode(st).has(d); });
    }) || t.synSets.some(function (alt) { return alt.every(has); });
  }
  /* How well a title fits the query: how much of it the words make up
   * ("What counts as confidential information" before "AI tools and
   * confidential information and the duty of care"), and a word in it as
   * typed ("confidential", not only "confidentiality"). */
  function titleFit(title, ts) {
    var words = Q.words(title).filter(function (w) { return !idx.stop.has(w); }), hit = 0, typed = 0;
    if (!words.length) return 0;
    words.forEach(function (w) {
      var st = vocab.get(w);
      if (ts.some(function (t) { return st !== undefined && (t.stems || termStems(t)).has(st); })) hit++;
    });
    ts.forEach(function (t) { if (t.simple && words.indexOf(t.alts[0][0]) >= 0) typed++; });
    return hit ? 3 * hit / words.length + typed : 0;
  }
  /* Every stem a term matches, its synonyms' too. */
  function termStems(t) {
    var set = new Set();
    t.sets.concat(t.synSets).forEach(function (alt) { alt.forEach(function (s) { s.forEach(function (st) { set.add(st); }); }); });
    t.stems = set;
    return set;
  }

  var NEXT = 3; /* words apart, at most, that count as next to each other (stop words between) */
  /* Relevance from the pages' texts, for the best PAGE results of a
   * query of two words or more: a page with the words next to each other
   * as typed ("Protection from Harassment Act" in a heading) before one
   * with them apart, and one with a word as typed ("protected") before
   * one with only another form of it ("protection").  Loads the texts of
   * those results, as showing their passages would; a text that does not
   * load counts as having neither. */
  function refine(res, ts) {
    var words = ts.filter(function (t) { return t.simple; });
    var strong = words.filter(function (t) { return !t.filler; });
    if (words.length < 2 || res.results.length < 2) return res;
    var top = res.results.slice(0, PAGE), files = new Set();
    top.forEach(function (r) {
      files.add('search-text-' + pad(Math.floor(r.doc / idx.chunk)) + '.js');
      /* a text only where the words are (not only in the title) */
      var inBody = false;
      res.stems.forEach(function (st) { var w = decode(st).get(r.doc); inBody = inBody || (w !== undefined && inText(w)); });
      if (inBody) files.add('search-body-' + pad(Math.floor(r.doc / idx.bodychunk)) + '.js');
    });
    return Promise.all(Array.from(files).map(function (f) {
      return load(f).catch(function () { return null; });
    })).then(function () {
      top.forEach(function (r) {
        r.score += nearness(pageToks(r), words);
        /* the words as typed, in a row, in the title, the opening or a
         * short block (a heading, a list item): as strong as all of them
         * in the title ("Protection from Harassment Act" as a heading) */
        if (strong.length > 1 && r.titles < strong.length && inRow(r, strong)) r.titles = strong.length;
      });
      top.sort(order);
      res.results = top.concat(res.results.slice(PAGE));
      return res;
    });
  }
  var SHORT = 120; /* characters of a block that is a heading, a list item, a term */
  /* Whether result r's title, opening or a short block of its text has
   * the words of ts in a row (stop words between them as typed or not). */
  function inRow(r, ts) {
    var blocks = [r.title, texts[r.doc] || ''].concat((bodies[r.doc] || '').split('\n').filter(function (b) {
      return b.length <= SHORT;
    }));
    return blocks.some(function (b) { return run(toks(b, []), ts) === ts.length; });
  }
  /* The longest run of ts's words, in order, in text t (toks), each
   * within NEXT words of the one before with only stop words between. */
  function run(t, ts) {
    var stems = ts.map(function (x) { return x.stems || termStems(x); }), best = 0;
    function is(tok, j) {
      return tok && (tok.w === ts[j].alts[0][0] || (vocab.get(tok.w) !== undefined && stems[j].has(vocab.get(tok.w))));
    }
    for (var i = 0; i < t.length; i++) {
      for (var j = 0; j < ts.length; j++) {
        if (!is(t[i], j)) continue;
        var at = i, k = j;
        while (k + 1 < ts.length) {
          var found = -1;
          for (var g = at + 1; g < t.length && g <= at + NEXT && t[g]; g++) {
            if (is(t[g], k + 1)) { found = g; break; }
            if (!idx.stop.has(t[g].w)) break;
          }
          if (found < 0) break;
          at = found; k++;
        }
        if (k - j + 1 > best) best = k - j + 1;
      }
    }
    return best;
  }
  /* The bonus text t (toks) earns for terms ts (simple ones, in order):
   * 2 for each two next to each other, 4 more for all of them in a row,
   * 1 for each word as typed. */
  function nearness(t, ts) {
    var bonus = run(t, ts) === ts.length ? 4 : 0;
    for (var i = 0; i + 1 < ts.length; i++)
      if (run(t, ts.slice(i, i + 2)) === 2) bonus += 2;
    ts.forEach(function (x) {
      if (t.some(function (tok) { return tok && tok.w === x.alts[0][0]; })) bonus++;
    });
    return bonus;
  }

  /* Loads the snippets (each page's opening text) of results; resolves
   * to them in the same order. */
  Q.snippets = function (results) {
    var files = new Set();
    results.forEach(function (r) { files.add('search-text-' + pad(Math.floor(r.doc / idx.chunk)) + '.js'); });
    return Promise.all(Array.from(files).map(load)).then(function () {
      return results.map(function (r) { return texts[r.doc] || ''; });
    });
  };

  /* The stem of word w when a query matched it (stems), else undefined. */
  function matchedStem(w, stems) {
    var st = vocab.get(lower(fold(w)));
    return st !== undefined && stems.has(st) ? st : undefined;
  }
  /* The words of text a query matched, in order, as [start, end, stem]:
   * each word whose stem is in stems, or words joined by hyphens as one
   * when their joined form's is ("e-mail" when "email" was searched for,
   * as the index joins them). */
  function marks(text, stems) {
    var out = [], re = new RegExp(GROUP.source, 'gu'), m;
    while ((m = re.exec(text))) {
      var parts = m[0].split(HYPHEN), at = [m.index];
      for (var k = 1; k < parts.length; k++) at.push(at[k - 1] + parts[k - 1].length + 1);
      /* from each word, the longest run of words that matched as one
       * ("money-laundering" in "anti-money-laundering"), else the word */
      for (var i = 0; i < parts.length;) {
        var st, j = Math.min(parts.length, i + MAX_JOINED);
        for (; j > i + 1; j--)
          if ((st = matchedStem(parts.slice(i, j).join(''), stems)) !== undefined) break;
        if (j === i + 1) st = matchedStem(parts[i], stems);
        if (st !== undefined) out.push([at[i], at[j - 1] + parts[j - 1].length, st]);
        i = j;
      }
    }
    return out;
  }
  /* Splits text into [[piece, matched], ...]: matched pieces are the
   * words a query matched (stems). */
  Q.highlight = function (text, stems) {
    var parts = [], at = 0;
    marks(text, stems).forEach(function (m) {
      if (m[0] > at) parts.push([text.slice(at, m[0]), false]);
      parts.push([text.slice(m[0], m[1]), true]);
      at = m[1];
    });
    if (at < text.length) parts.push([text.slice(at), false]);
    return parts;
  };

  var NEAR = 100;     /* matched words this close count as one passage's */
  var LEAD = 100;     /* a passage starts at its sentence's start if that is this close */
  var BEFORE = 40;    /* else at a word this close before the first match */
  var PASSAGE = 220;  /* a passage's length, about */
  /* The place in blocks (a page's text) with the most of the matched
   * words (stems) near each other, the first such: {count (of different
   * stems), block (its number), at}, or null when it has none. */
  function bestPlace(blocks, stems) {
    var best = null, aside = asides(blocks);
    blocks.forEach(function (block, b) {
      var ms = marks(block, stems);
      for (var i = 0; i < ms.length; i++) {
        var seen = new Set();
        for (var j = i; j < ms.length && ms[j][1] - ms[i][0] <= NEAR; j++) seen.add(ms[j][2]);
        /* a passage of the page's own before boilerplate and its sources */
        if (!best || (best.aside && !aside[b]) || (best.aside === aside[b] && seen.size > best.count))
          best = { count: seen.size, block: b, at: ms[i][0], aside: aside[b] };
      }
    });
    return best;
  }
  /* The opening (the summary, topped up with the start of the text)
   * without an aside of the text it runs into: the summary alone when the
   * text starts with the callout every page has. */
  function ownOpening(opening, blocks) {
    var aside = asides(blocks), cut = opening.length;
    blocks.forEach(function (b, i) {
      var o = aside[i] && opener(b), at = o ? opening.indexOf(o) : -1;
      if (at > 0 && at < cut) cut = at;
    });
    return opening.slice(0, cut).replace(/\s+$/, '');
  }
  /* Headings of a page's closing list of sources: what follows one is
   * citations, not the page's advice. */
  var SOURCES = /^(sources|references|further reading|bibliography|notes|see also)$/i;
  /* A block's first sentence, when long enough to tell pages apart. */
  function opener(block) {
    var m = block.match(/^.{20,}?[.!?](?=\s|$)/);
    return m ? m[0] : null;
  }
  var openers = { n: 0, seen: new Map() }; /* first sentence -> how many texts start a block with it */
  /* Per block of a page's text, whether it is an aside: a callout the
   * site puts on many pages (a block that opens with the same sentence as
   * one on two other pages whose texts are here: "This is guidance, not
   * legal advice."), or in the sources the page closes with. */
  function asides(blocks) {
    var loaded = bodies.filter(function (t) { return t !== undefined; });
    if (openers.n !== loaded.length) {
      openers = { n: loaded.length, seen: new Map() };
      loaded.forEach(function (t) {
        new Set(t.split('\n').map(opener)).forEach(function (o) {
          if (o) openers.seen.set(o, (openers.seen.get(o) || 0) + 1);
        });
      });
    }
    var sources = false;
    return blocks.map(function (b) {
      if (SOURCES.test(b.trim())) sources = true;
      var o = opener(b);
      return sources || (o !== null && openers.seen.get(o) >= 3);
    });
  }
  /* A low surrogate: the second half of a character, never cut before. */
  function half(s, i) { var c = s.charCodeAt(i); return c >= 0xdc00 && c <= 0xdfff; }
  /* About PASSAGE characters of blocks from shortly before at in block
   * b: from the start of at's sentence when that is near, else from a
   * word; a short one (a heading, a list item, a term) goes on with the
   * blocks after it, after a dash; "…" where the text is cut. */
  function around(blocks, b, at) {
    var block = blocks[b], start = 0;
    if (at > LEAD) {
      var sentence = block.slice(at - LEAD, at).match(/^[\s\S]*[.!?:;]\s+/);
      var space = block.indexOf(' ', at - BEFORE);
      start = sentence ? at - LEAD + sentence[0].length : space >= 0 && space < at ? space + 1 : at;
    }
    var text = block.slice(start), at2 = at - start, end;
    for (var k = b + 1; text.length < PASSAGE / 2 && k < blocks.length; k++) text += ' \u2014 ' + blocks[k];
    end = text.length;
    if (end > PASSAGE) {
      var cut = text.lastIndexOf(' ', PASSAGE);
      end = cut > at2 ? cut : PASSAGE;
      while (end > at2 && half(text, end)) end--;
    }
    return (start > 0 ? '\u2026' : '') + text.slice(0, end).replace(/ \u2014$/, '') +
      (end < text.length ? '\u2026' : '');
  }
  /* What a result shows of its page, as Q.highlight's pieces: the passage
   * of its text (body) with the most of the words matched (stems), or
   * its opening text when that has as many (or the words are only in
   * its title). */
  Q.passage = function (opening, body, stems) {
    var blocks = (body || '').split('\n'), best = bestPlace(blocks, stems);
    opening = ownOpening(opening, blocks);
    var inOpening = new Set(marks(opening, stems).map(function (m) { return m[2]; })).size;
    /* an aside only when the opening has none of the words */
    var better = best && (best.aside ? !inOpening : best.count > inOpening);
    return Q.highlight(better ? around(blocks, best.block, best.at) : opening, stems);
  };
  /* Whether a word's weight says its page's text (a heading or the body)
   * has it: search.c's weight_of, a title's 28 + body, a tag's 16 +
   * summary 6 + heading 3 + body (0..2), else summary 8 + heading 4 +
   * body (0..3).  A title's word in a heading alone is not told: its
   * result shows the opening. */
  function inText(w) {
    return w >= 28 ? w > 28 : w >= 16 ? (w - 16) % 6 > 0 : w % 8 > 0;
  }
  /* Whether doc's text has a word matched (stems) that its opening text
   * does not show: only then is its text loaded. */
  function needsText(doc, opening, stems) {
    var shown = new Set(marks(opening, stems).map(function (m) { return m[2]; })), need = false;
    stems.forEach(function (st) {
      var w = decode(st).get(doc);
      if (w !== undefined && inText(w) && !shown.has(st)) need = true;
    });
    return need;
  }
  /* Loads the opening texts of results, and the texts of those whose
   * opening does not show every word matched (stems); resolves to what
   * each shows (Q.passage), in the same order.  A text that does not
   * load (offline, not kept by the worker) leaves the opening text. */
  Q.passages = function (results, stems) {
    return Q.snippets(results).then(function (openings) {
      var files = new Set();
      results.forEach(function (r, i) {
        if (needsText(r.doc, openings[i], stems))
          files.add('search-body-' + pad(Math.floor(r.doc / idx.bodychunk)) + '.js');
      });
      return Promise.all(Array.from(files).map(function (f) {
        return load(f).catch(function () { return null; });
      })).then(function () {
        return results.map(function (r, i) { return Q.passage(openings[i], bodies[r.doc], stems); });
      });
    });
  };

  /* ---- the page: search.html with #search-results ---- */
  function el(tag, cls, text) {
    var e = D.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function quoted(s) { return '\u201c' + s + '\u201d'; }
  /* "a", "a" or "b", "a", "b" or "c" */
  function either(list) {
    var q = list.map(quoted);
    return q.length > 1 ? q.slice(0, -1).join(', ') + ' or ' + q[q.length - 1] : q[0];
  }
  function count(n) { return n + (n === 1 ? ' result' : ' results'); }

  /* Files of the whole index but the pages' texts (search-body-NN.js, the
   * largest part, for passages); loaded ahead of need when the worker
   * keeps them (offline reading).  A text is kept once a search has shown
   * it; offline, a result whose text was not kept shows its opening. */
  Q.files = function () {
    var files = ['search-index.js'], i;
    for (i = 0; i < idx.raw.starts.length; i++) files.push('search-' + pad(i) + '.js');
    for (i = 0; i * idx.chunk < idx.raw.ndocs; i++) files.push('search-text-' + pad(i) + '.js');
    return files;
  };
  /* Served over http(s) with the offline worker (sw.js): has it keep the
   * whole index, so search works offline after one visit to this page,
   * not only for the words searched for while online. */
  function keepIndex() {
    var sw = W.navigator && W.navigator.serviceWorker;
    if (!sw || !/^https?:$/.test(W.location.protocol)) return;
    start().then(function () {
      var urls = Q.files().map(function (f) { return new URL(Q.root + f, W.location.href).href; });
      return sw.ready.then(function (reg) {
        if (reg.active) reg.active.postMessage({ quire: 'keep', urls: urls });
      });
    }).catch(function () { /* searching will say what did not load */ });
  }

  function init() {
    var box = D.getElementById('search-results');
    if (!box) return;
    /* Only the status line is live: a screen reader hears "12 results
     * for ...", not every result, on each keystroke. */
    var status = box.querySelector('.search-status');
    if (!status) box.insertBefore(status = el('p', 'search-status'), box.firstChild);
    status.setAttribute('role', 'status');
    status.tabIndex = -1; /* where the keyboard starts after a search sent here */
    var azUrl = box.getAttribute('data-az-url') || Q.root + 'a-z.html';
    var tagsUrl = box.getAttribute('data-tags-url') || Q.root + 'tags/index.html';
    var inputs = Array.prototype.slice.call(D.querySelectorAll('form.search-form input[name="q"]'));
    /* the box last typed in, where ArrowUp from the first result goes */
    var last = D.getElementById('search-input') || inputs[inputs.length - 1];
    var seq = 0, timer = 0, title = D.title;
    var q = new URLSearchParams(W.location.search).get('q') || '';
    inputs.forEach(function (i) { i.value = q; });

    /* Empties the results, and says parts (text or nodes) in the status. */
    function say() {
      while (status.nextSibling) box.removeChild(status.nextSibling);
      status.textContent = '';
      for (var i = 0; i < arguments.length; i++)
        status.appendChild(typeof arguments[i] === 'string' ? D.createTextNode(arguments[i]) : arguments[i]);
    }
    function link(href, text) {
      var a = el('a', null, text);
      a.href = href;
      return a;
    }
    function run(q, remember) {
      var my = ++seq;
      if (remember) {
        try { W.history.replaceState(null, '', '?' + new URLSearchParams({ q: q })); } catch (e) { /* file:// may refuse */ }
      }
      /* the browser's history and tabs tell one search from another */
      D.title = q.trim() ? quoted(q.trim()) + ' \u2013 ' + title : title;
      if (!q.trim()) { say(); return; }
      Q.query(q).then(function (res) {
        if (my === seq) show(res, my);
      }, function () {
        if (my === seq) failed(q);
      });
    }
    /* A file of the index did not load: no result is not "no results". */
    function failed(q) {
      say('Search could not load part of its index, so it cannot show results for ' + quoted(q.trim()) +
          '. You may be offline: check your connection, then try again.');
      var again = el('button', 'search-retry', 'Try again');
      again.type = 'button';
      again.addEventListener('click', function () {
        if (last) last.focus();
        run(last ? last.value : q, false);
      });
      box.appendChild(again);
    }
    /* "Did you mean “confidentiality”?" after the status, a link that
     * runs the query with each slip put right; 0 when there is none. */
    function didYouMean(res) {
      if (!res.suggestions.length) return 0;
      var fixed = res.query.trim();
      res.suggestions.forEach(function (s) {
        /* "Norwhich" is put right as "Norwich", as the reader wrote it */
        var w = s[0].charAt(0) !== s[0].charAt(0).toLowerCase() ? s[1].charAt(0).toUpperCase() + s[1].slice(1) : s[1];
        /* the word as typed, whole: "holida" in "holida holidays" */
        var re = new RegExp('(^|[^\\p{L}\\p{N}\\p{M}])' + s[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&') +
                            '(?![\\p{L}\\p{N}\\p{M}])', 'gu');
        fixed = fixed.replace(re, function (m, before) { return before + w; });
      });
      var a = link('?' + new URLSearchParams({ q: fixed }), fixed);
      a.className = 'search-suggestion';
      a.addEventListener('click', function (e) {
        e.preventDefault();
        inputs.forEach(function (i) { i.value = fixed; });
        run(fixed, true);
        status.focus({ preventScroll: true });
      });
      status.appendChild(D.createTextNode('Did you mean \u201c'));
      status.appendChild(a);
      status.appendChild(D.createTextNode('\u201d?'));
      return 1;
    }
    function show(res, my) {
      var shown = 0, list = el('ol', 'search-results-list');
      var more = el('button', 'search-more', 'Show more results');
      /* a query that is one phrase is shown in one pair of quotes */
      var n = res.results.length, typed = res.query.trim();
      var q = typed.replace(/^["\u201c\u201e]([^"\u201c\u201d\u201e]*)["\u201d]$/, '$1') || typed;
      if (!n && !res.words.length && q && !/[\p{L}\p{N}]/u.test(q)) {
        say(quoted(q) + ' has no word to search for: type a word or two.');
        return;
      }
      if (!n && !res.words.length && q) {
        say(quoted(q) + ' has only words too common to search for (such as \u201cthe\u201d or \u201cand\u201d): add a more specific one.');
        return;
      }
      /* "wh", typed on the way to a word: two letters begin too many
       * words to look for those they begin (query) */
      if (!n && /^[\p{L}\p{N}]{1,2}$/u.test(q)) {
        say(quoted(q) + ': keep typing. A word of three letters or more finds the words it begins.');
        return;
      }
      if (!n) {
        say('No results for ' + quoted(q) + '. ');
        if (!didYouMean(res))
          status.appendChild(D.createTextNode('Check the spelling or try other words, or browse the '));
        else
          status.appendChild(D.createTextNode(' Or browse the '));
        status.appendChild(link(azUrl, 'A to Z'));
        status.appendChild(D.createTextNode(' or the '));
        status.appendChild(link(tagsUrl, 'Topics'));
        status.appendChild(D.createTextNode('.'));
        return;
      }
      if (res.partial && res.missing.length) {
        say('No page mentions ' + either(res.missing) + '; showing ' + count(n) + ' with the other words.');
        if (res.suggestions.length) status.appendChild(D.createTextNode(' '));
        didYouMean(res);
      }
      else if (res.apart)
        say('No page has ' + either(res.phrases) + ' as written; showing ' + count(n) + ' with ' +
            (res.phrases.length > 1 ? 'their' : 'its') + ' words apart.');
      else if (res.partial && res.every)
        say(count(res.every) + ' with all the words of ' + quoted(q) + ', then ' + (n - res.every) +
            ' with some of them.');
      else if (res.partial)
        say('No page has all the words of ' + quoted(q) + '; showing ' + count(n) + ' with some of them.');
      else if (res.capped)
        say(count(n) + ' for ' + quoted(q) + ' (the phrase was looked for in the ' + PHRASE_READ +
            ' best matches of its words)');
      else
        say(count(n) + ' for ' + quoted(q));
      box.appendChild(list);
      more.type = 'button';
      more.hidden = true;
      box.appendChild(more);
      /* Shows the next PAGE results; resolves when they are in the list. */
      function page() {
        var slice = res.results.slice(shown, shown + PAGE);
        /* results without snippets rather than none */
        return Q.passages(slice, res.stems).catch(function () { return slice.map(function () { return []; }); }).then(function (snips) {
          if (my !== seq) return;
          slice.forEach(function (r, i) {
            var li = el('li'), a = el('a', null, r.title), p = el('p', 'search-snippet');
            a.href = r.url;
            li.appendChild(a);
            if (r.section) li.appendChild(el('span', 'search-section', r.section));
            /* the page's text as text nodes, never as HTML */
            snips[i].forEach(function (part) {
              p.appendChild(part[1] ? el('mark', null, part[0]) : D.createTextNode(part[0]));
            });
            if (snips[i].length) li.appendChild(p);
            list.appendChild(li);
          });
          shown += slice.length;
          more.hidden = shown >= n;
        });
      }
      /* The keyboard goes on at the first result added, once it is there
       * (the passages may take a while to load), and the button, hidden
       * after the last, never keeps it. */
      var busy = false; /* (not disabled: a disabled button drops the focus) */
      more.addEventListener('click', function () {
        if (busy) return;
        var next = shown;
        busy = true;
        page().then(function () {
          busy = false;
          var a = list.querySelectorAll('a')[next];
          if (a && my === seq) a.focus();
        });
      });
      page();
    }

    inputs.forEach(function (input) {
      input.addEventListener('input', function () {
        last = input;
        /* the header's box and the page's show the same query */
        inputs.forEach(function (other) { if (other !== input) other.value = input.value; });
        clearTimeout(timer);
        timer = setTimeout(function () { run(input.value, true); }, 120);
      });
      input.form.addEventListener('submit', function (e) {
        e.preventDefault();
        clearTimeout(timer);
        last = input;
        run(input.value, true);
      });
      input.addEventListener('keydown', function (e) {
        var a = box.querySelector('ol a');
        if (e.key === 'ArrowDown' && a) { e.preventDefault(); last = input; a.focus(); }
      });
    });
    /* Up and Down move between result links (Down from the status line
     * to the first); Enter follows the link. */
    box.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      var links = Array.prototype.slice.call(box.querySelectorAll('ol a'));
      var i = links.indexOf(D.activeElement);
      if (D.activeElement === status && e.key === 'ArrowDown' && links.length) {
        e.preventDefault();
        links[0].focus();
        return;
      }
      if (i < 0) return;
      e.preventDefault();
      if (e.key === 'ArrowDown' && i + 1 < links.length) links[i + 1].focus();
      else if (e.key === 'ArrowUp') (i > 0 ? links[i - 1] : last || links[0]).focus();
    });
    /* Arrived from another page's search box: the keyboard starts at the
     * results (the status line, which says how many), not at the top of
     * the page; a phone's keyboard stays closed. */
    if (q) {
      run(q, false);
      status.focus({ preventScroll: true });
    }
    keepIndex();
  }
  if (D) {
    if (D.readyState === 'loading') D.addEventListener('DOMContentLoaded', init);
    else init();
  }
}());
