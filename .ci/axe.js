// axe-core WCAG 2.x A/AA rules on every HTML page under the folders given, in headless
// Chromium (playwright-core drives the system browser). Exit 1 on any violation.
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
function walk(d) { return fs.readdirSync(d).flatMap(f => { const p = path.join(d, f); return fs.statSync(p).isDirectory() ? walk(p) : (p.endsWith('.html') ? [p] : []); }); }
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage();
  let total = 0;
  for (const root of process.argv.slice(2)) for (const f of walk(root)) {
    await page.goto('file://' + f);
    await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(async () => await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    for (const v of r.violations) { total++; console.log(f, v.id, v.impact, v.nodes.length, v.nodes[0].html.slice(0, 120)); }
  }
  // The search page with a query: results, each with a snippet that marks the word, and
  // still no violation. `SEARCH_WORD` (default "council") is a word every site has.
  const word = process.env.SEARCH_WORD || 'council';
  for (const root of process.argv.slice(2)) {
    const f = path.join(root, 'search.html');
    if (!fs.existsSync(f)) continue;
    await page.goto('file://' + f + '?q=' + encodeURIComponent(word));
    await page.waitForFunction(() => /result/.test(document.getElementById('search-status').textContent), null, { timeout: 10000 });
    const found = await page.evaluate(() => ({
      status: document.getElementById('search-status').textContent,
      results: document.querySelectorAll('#search-results li').length,
      // Each result names its document and links to it.
      untitled: [...document.querySelectorAll('#search-results li')].filter(li => { const a = li.querySelector('a'); return !a || !a.textContent.trim() || !a.getAttribute('href'); }).length,
    }));
    if (found.untitled > 0) { total++; console.log(f, found.untitled, 'search results without a title or link'); }
    await page.waitForFunction(() => document.querySelector('#search-results li .snippet mark'), null, { timeout: 10000 }).catch(() => {});
    const marked = await page.evaluate(() => document.querySelectorAll('#search-results li .snippet mark').length);
    if (found.results === 0 || marked === 0) { total++; console.log(f, 'search for', word, 'gave', found.status, marked, 'marked snippets'); }
    await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(async () => await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    for (const v of r.violations) { total++; console.log(f, '(with results)', v.id, v.impact, v.nodes.length, v.nodes[0].html.slice(0, 120)); }
    console.log(f, 'search for', word + ':', found.status);
  }
  // The decisions register's filters: each choice shows exactly the rows it names, says
  // how many, and leaves the page without a violation.
  for (const root of process.argv.slice(2)) {
    const f = path.join(root, 'decisions', 'index.html');
    if (!fs.existsSync(f)) continue;
    await page.goto('file://' + f);
    for (const [id, value, attr] of [['#f-key', 'yes', 'data-key'], ['#f-callin', 'not-subject', 'data-callin'], ['#f-committee', '-', 'data-committee']]) {
      await page.selectOption(id, value);
      const got = await page.evaluate(([attr, value]) => {
        const rows = [...document.querySelectorAll('table.register tbody tr')];
        return { shown: rows.filter(r => !r.hidden).length, wanted: rows.filter(r => r.getAttribute(attr) === value).length, wrong: rows.filter(r => !r.hidden && r.getAttribute(attr) !== value).length, status: document.getElementById('shown').textContent };
      }, [attr, value]);
      if (got.wrong > 0 || got.shown !== got.wanted || !got.status.startsWith(got.shown + ' of ')) { total++; console.log(f, 'filter', id, value, JSON.stringify(got)); }
      await page.selectOption(id, '');
    }
    await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(async () => await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    for (const v of r.violations) { total++; console.log(f, '(filters used)', v.id, v.impact, v.nodes.length); }
    console.log(f, 'register filters work');
  }
  console.log('violations:', total);
  await browser.close();
  process.exit(total ? 1 : 0);
})();
