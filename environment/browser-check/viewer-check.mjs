#!/usr/bin/env node
// Opens an HTML page (an nbconvert export, a report) offline in headless Chromium with WebGL2
// (SwiftShader) and checks every Scribe3D CT viewer on it (.scribe3d-viewer, see CtViewer):
//   - it reached data-state "ready" (NiiVue loaded, the volumes parsed), no error text;
//   - its WebGL canvas is non-blank (pixels from a screenshot vary);
//   - a mouse wheel over the canvas's left tile (axial plane) changes the canvas pixels.
// Usage: viewer-check.mjs PAGE.html OUT_DIR [MIN_VIEWERS]
// Prints one JSON report on stdout ({"ok", "failures", "viewers": [...]}) and saves
// OUT_DIR/viewer-N.png and OUT_DIR/viewer-N-after-wheel.png.
// Exit status: 0 when every check passes, 1 when one fails, 2 on usage or setup errors.
// Environment: CHROMIUM (default /usr/bin/chromium), SCRIBE3D_VENDOR (default environment/vendor).

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pixelStats, pixelDiff } from './pixels.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const VENDOR = process.env.SCRIBE3D_VENDOR || path.join(HERE, '..', 'vendor');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function die(msg) {
  process.stderr.write(`viewer-check: ${msg}\n`);
  process.exit(2);
}

const [pageArg, outArg, minArg] = process.argv.slice(2);
if (!pageArg || !outArg) die('usage: viewer-check.mjs PAGE.html OUT_DIR [MIN_VIEWERS]');
const page = path.resolve(pageArg);
if (!fs.existsSync(page)) die(`no such file: ${page}`);
if (!fs.existsSync(CHROMIUM)) die(`chromium not found at ${CHROMIUM}`);
const outDir = path.resolve(outArg);
fs.mkdirSync(outDir, { recursive: true });
const minViewers = parseInt(minArg || '1', 10);
let puppeteer;
try {
  puppeteer = createRequire(path.join(VENDOR, 'node_modules', '.scribe3d-resolve'))('puppeteer-core');
} catch (e) {
  die(`puppeteer-core not found under ${VENDOR}/node_modules (run environment/vendor.sh)`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));


const report = { ok: false, failures: [], page, viewers: [] };
let browser = null;
const started = Date.now();
try {
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--allow-file-access-from-files',
      '--disable-background-networking', '--no-first-run', '--disable-extensions', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND', `--user-data-dir=${path.join(outDir, 'chromium-profile')}`],
    defaultViewport: { width: 1280, height: 1000 },
  });
  const p = await browser.newPage();
  const pageErrors = [];
  p.on('pageerror', (e) => pageErrors.push(String(e.message || e)));
  await p.goto(pathToFileURL(page).href, { waitUntil: 'load', timeout: 120000 });
  // every viewer leaves "loading" once NiiVue has parsed its volumes (or it failed)
  await p.waitForFunction(() => Array.from(document.querySelectorAll('.scribe3d-viewer'))
    .every((v) => v.getAttribute('data-state') !== 'loading'), { timeout: 90000, polling: 250 }).catch(() => {});
  await sleep(800);
  const viewers = await p.$$('.scribe3d-viewer');
  for (let i = 0; i < viewers.length; i++) {
    const v = viewers[i];
    const info = await v.evaluate((el) => ({
      id: el.id, state: el.getAttribute('data-state'),
      status: (el.querySelector('[data-role=status]') || {}).textContent || '',
    }));
    const canvas = await v.$('canvas');
    await canvas.scrollIntoView();
    await sleep(300);
    const before = await canvas.screenshot({ encoding: 'base64' });
    fs.writeFileSync(path.join(outDir, `viewer-${i}.png`), Buffer.from(before, 'base64'));
    const stats = await pixelStats(p, before, 256);
    // the wheel over the first tile (axial, left of the row layout) steps its slice
    const box = await canvas.boundingBox();
    await p.mouse.move(box.x + box.width / 6, box.y + box.height / 2);
    for (let k = 0; k < 3; k++) {
      await p.mouse.wheel({ deltaY: 120 });
      await sleep(150);
    }
    await sleep(500);
    const after = await canvas.screenshot({ encoding: 'base64' });
    fs.writeFileSync(path.join(outDir, `viewer-${i}-after-wheel.png`), Buffer.from(after, 'base64'));
    const changed = await pixelDiff(p, before, after);
    report.viewers.push({ index: i, ...info, ...stats, nonBlank: stats.std > 2 && stats.colours > 8,
      wheelChangedFraction: changed, wheelChanged: changed > 0.001,
      screenshot: path.join(outDir, `viewer-${i}.png`) });
  }
  report.pageErrors = pageErrors.filter((m) => !/MathJax|require/i.test(m));
  const f = report.failures;
  if (viewers.length < minViewers) f.push(`${viewers.length} viewers on the page, expected at least ${minViewers}`);
  for (const v of report.viewers) {
    if (v.state !== 'ready') f.push(`viewer ${v.index} is ${v.state}: ${v.status}`);
    if (!v.nonBlank) f.push(`viewer ${v.index}'s canvas is blank (${v.colours} colour(s), std ${v.std.toFixed(2)})`);
    if (!v.wheelChanged) f.push(`a wheel over viewer ${v.index} did not change its pixels`);
  }
  for (const m of report.pageErrors) f.push(`uncaught error on the page: ${m}`);
  report.ok = f.length === 0;
} catch (e) {
  report.failures.push(String(e && e.message ? e.message : e));
} finally {
  if (browser) await browser.close().catch(() => {});
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  process.stdout.write(JSON.stringify(report) + '\n');
}
process.exit(report.ok ? 0 : 1);
