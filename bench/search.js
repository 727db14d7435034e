// What a search downloads, in a real browser: agendum's search page, and Pagefind's own
// API on the same pages, each asked the same words and showing 20 results with their
// excerpts. Prints, per word, the files fetched and their size gzipped.
//   NODE_PATH=<node_modules with playwright-core> node bench/search.js <http base> <agendum dir> <pagefind dir> words...
const { chromium } = require('playwright-core');
const zlib = require('zlib');
(async () => {
  const [base, ours, theirs, ...words] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const size = async (page, run) => {
    const bodies = [];
    const seen = new Set();
    page.removeAllListeners('response');
    page.on('response', r => { if (!seen.has(r.url())) { seen.add(r.url()); bodies.push(r.body().then(b => zlib.gzipSync(b, { level: 9 }).length).catch(() => 0)); } });
    const status = await run();
    const gz = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
    return `${status}; ${bodies.length} files, ${Math.round(gz / 1024)} KB gzipped`;
  };
  for (const w of words) {
    // A fresh page for each word: nothing cached from the one before.
    let page = await browser.newPage();
    const a = await size(page, async () => {
      await page.goto(`${base}/${ours}/search.html?q=${encodeURIComponent(w)}`);
      await page.waitForFunction(() => /result|No results/.test(document.getElementById('search-status').textContent), null, { timeout: 60000 });
      await page.waitForFunction(() => document.querySelectorAll('#search-results .snippet').length >= Math.min(20, document.querySelectorAll('#search-results li').length), null, { timeout: 60000 });
      return page.evaluate(() => document.getElementById('search-status').textContent);
    });
    await page.close();
    page = await browser.newPage();
    const b = await size(page, async () => {
      await page.goto(`${base}/${theirs}/index.html`);
      return page.evaluate(async (w) => {
        const pagefind = await import('./_pagefind/pagefind.js');
        const r = await pagefind.search(w);
        const shown = await Promise.all(r.results.slice(0, 20).map(x => x.data()));
        return `${r.results.length} results, ${shown.length} excerpts`;
      }, w);
    });
    await page.close();
    console.log(`"${w}"\n  agendum:  ${a}\n  Pagefind: ${b}`);
  }
  await browser.close();
})();
