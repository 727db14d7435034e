// The "HTML then print" peer: headless Chromium, kept open (its fastest route), prints
// each HTML page given to A4 PDF next to it. Prints the total seconds.
const { chromium } = require('playwright-core');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage();
  const start = process.hrtime.bigint();
  for (const f of process.argv.slice(2)) {
    await page.goto('file://' + f, { waitUntil: 'load' });
    await page.pdf({ path: f.replace(/\.html$/, '.chromium.pdf'), format: 'A4', printBackground: true });
  }
  console.log((Number(process.hrtime.bigint() - start) / 1e9).toFixed(3));
  await browser.close();
})();
