// Runs queries against a built site's search index with the page's own
// script (OUT/assets/search.js), without a DOM, as tests/search_query.test.mjs
// does with the fixture index.  For each query it prints one line of JSON:
// {query, results: [{url, title, list}], every (how many have every word), partial,
// suggestions ([typed, offered]), passages: ["text with [marked] words"]}
// (the passages of the first five results).
// Usage: node tests/tools/search_run.mjs OUT QUERY...
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const [out, ...queries] = process.argv.slice(2);
if (!out || !queries.length) {
  console.error('usage: node search_run.mjs OUT QUERY...');
  process.exit(2);
}
const ctx = { console };
ctx.window = ctx;
vm.createContext(ctx);
ctx.quireSearch = {
  load(file) {
    vm.runInContext(fs.readFileSync(path.join(out, file), 'utf8'), ctx, { filename: file });
    return Promise.resolve();
  },
};
vm.runInContext(fs.readFileSync(path.join(out, 'search-index.js'), 'utf8'), ctx);
vm.runInContext(fs.readFileSync(path.join(out, 'assets', 'search.js'), 'utf8'), ctx);
const Q = ctx.quireSearch;
for (const q of queries) {
  const res = await Q.query(q);
  const shown = await Q.passages(res.results.slice(0, 5), res.stems);
  console.log(JSON.stringify({
    query: q,
    results: Array.from(res.results, (r) => ({ url: r.url, title: r.title, list: r.list })),
    every: res.every,
    partial: res.partial,
    suggestions: JSON.parse(JSON.stringify(res.suggestions)),
    passages: Array.from(shown, (pieces) => Array.from(pieces, (p) => (p[1] ? `[${p[0]}]` : p[0])).join('')),
  }));
}
