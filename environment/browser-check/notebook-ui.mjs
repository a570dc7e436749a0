#!/usr/bin/env node
// Runs a notebook through the real Jupyter Notebook UI and reports what a person would see.
//
// Starts Debian's classic `jupyter notebook` server on a free localhost port (kernels found through
// the caller's JUPYTER_PATH), opens the notebook in headless Chromium (puppeteer-core from
// environment/vendor, WebGL through SwiftShader), runs every cell with Jupyter's own
// execute_all_cells(), waits for the kernel to go idle with every code cell executed, then checks:
//   - no error outputs, and no uncaught errors on the page;
//   - every Plotly output drawn (.js-plotly-plot holding an svg.main-svg);
//   - every canvas in the outputs non-blank (its pixels, from a screenshot of the canvas, vary);
//   - every output shown with a display id and then updated was updated in place: one output for
//     the id, the cell's output count unchanged, several update_display_data messages seen on the
//     kernel's websocket and several in-place redraws of that output in the DOM;
//   - optionally, an interaction (a wheel turn or a key press on a canvas) changes its pixels, and
//     when the canvas is a CT viewer's (CtViewer, NiiVue), its crosshair moved to another slice;
//   - every CT viewer in the outputs reached data-state "ready" (its element is saved as a screenshot).
//
// Usage: notebook-ui.mjs NOTEBOOK.ipynb CHECKS.json|'{"...": ...}' OUT_DIR
// CHECKS (all optional): {"timeoutSeconds": 90, "minPlots": 0, "minCanvases": 0, "minLive": 0,
//   "minUpdates": 2, "minViewers": 0, "interaction": {"canvas": 0, "wheel": 120} | {"canvas": 0, "key": "ArrowUp"}}
// Prints one JSON report on stdout ({"ok", "failures", ...}) and saves OUT_DIR/page.png,
// OUT_DIR/canvas-N.png (and canvas-N-after.png after an interaction) and OUT_DIR/viewer-N.png.
// Exit status: 0 when every check passes, 1 when one fails, 2 on usage or setup errors.
// Environment: CHROMIUM (default /usr/bin/chromium), JUPYTER (default /usr/bin/jupyter),
// SCRIBE3D_VENDOR (default environment/vendor).

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pixelStats, pixelDiff } from './pixels.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const VENDOR = process.env.SCRIBE3D_VENDOR || path.join(HERE, '..', 'vendor');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const JUPYTER = process.env.JUPYTER || '/usr/bin/jupyter';
// Page errors that come from the notebook page itself offline (MathJax, require.js plugin loads), not outputs
const PAGE_NOISE = /MathJax|require|Failed to load resource/i;

function die(msg) {
  process.stderr.write(`notebook-ui: ${msg}\n`);
  process.exit(2);
}

const [nbArg, checksArg, outArg] = process.argv.slice(2);
if (!nbArg || !checksArg || !outArg) {
  die('usage: notebook-ui.mjs NOTEBOOK.ipynb CHECKS.json OUT_DIR');
}
const notebook = path.resolve(nbArg);
if (!fs.existsSync(notebook)) die(`no such notebook: ${notebook}`);
const checks = JSON.parse(checksArg.trim().startsWith('{') ? checksArg : fs.readFileSync(checksArg, 'utf8'));
const outDir = path.resolve(outArg);
fs.mkdirSync(outDir, { recursive: true });
for (const [what, p] of [['chromium', CHROMIUM], ['jupyter', JUPYTER]]) {
  if (!fs.existsSync(p)) die(`${what} not found at ${p} (environment/setup installs it)`);
}
const requireVendor = createRequire(path.join(VENDOR, 'node_modules', '.scribe3d-resolve'));
let puppeteer;
try {
  puppeteer = requireVendor('puppeteer-core');
} catch (e) {
  die(`puppeteer-core not found under ${VENDOR}/node_modules (run environment/vendor.sh)`);
}

const timeoutMs = (checks.timeoutSeconds ?? 90) * 1000;
const started = Date.now();
const remaining = () => Math.max(1000, timeoutMs - (Date.now() - started));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForServer(base, token, server) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      const tail = serverLog.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`jupyter notebook exited with ${server.exitCode}: ${tail}`);
    }
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      if (r.ok) return;
    } catch (e) { /* not listening yet */ }
    await sleep(300);
  }
  throw new Error('jupyter notebook did not answer within 60 s');
}

const report = { ok: false, failures: [], notebook };
let server = null;
let browser = null;
let serverLog = '';
let base = null;
let token = null;

async function shutdown() {
  if (browser) {
    await browser.close().catch(() => {});
  }
  if (server && server.exitCode === null) {
    // the server's own shutdown also stops the kernels it started
    await fetch(`${base}/api/shutdown?token=${token}`, { method: 'POST' }).catch(() => {});
    for (let i = 0; i < 50 && server.exitCode === null; i++) await sleep(100);
    if (server.exitCode === null) server.kill('SIGTERM');
    for (let i = 0; i < 30 && server.exitCode === null; i++) await sleep(100);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
}


async function main() {
  const port = await freePort();
  token = crypto.randomBytes(16).toString('hex');
  base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    // a private config dir: the user's nbextensions and notebook config stay out of the test
    JUPYTER_CONFIG_DIR: path.join(outDir, 'jupyter-config'),
    JUPYTER_RUNTIME_DIR: path.join(outDir, 'jupyter-runtime'),
  };
  server = spawn(JUPYTER, ['notebook', '--no-browser', `--port=${port}`, '--port-retries=0', '--ip=127.0.0.1',
    // CI and the project's machines run as root; the server listens on localhost only
    ...(process.getuid && process.getuid() === 0 ? ['--allow-root'] : []),
    `--NotebookApp.token=${token}`, '--NotebookApp.password=', `--notebook-dir=${path.dirname(notebook)}`],
  { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  await waitForServer(base, token, server);

  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-background-networking', '--no-first-run', '--disable-extensions', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      `--user-data-dir=${path.join(outDir, 'chromium-profile')}`],
    defaultViewport: { width: 1280, height: 1000 },
  });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e.message || e)));
  // the instrumentation is in place before the notebook's own scripts run
  await page.evaluateOnNewDocument(() => {
    window.__ui = { iopub: {}, status: null, domChanges: {}, texts: {}, updatedEvents: {} };
  });
  const url = `${base}/notebooks/${encodeURIComponent(path.basename(notebook))}?token=${token}`;
  await page.goto(url, { waitUntil: 'load', timeout: remaining() });
  // connected and answered kernel_info: the page knows the kernel's language and can run cells
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel
      && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.info_reply
      && Jupyter.notebook.kernel.info_reply.protocol_version, { timeout: Math.min(remaining(), 60000), polling: 200 })
    .catch(async () => {
      const st = await page.evaluate(() => {
        const k = window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel;
        return k ? { connected: k.is_connected(), info: k.info_reply } : 'no kernel object in the page';
      }).catch((e) => String(e));
      throw new Error(`the kernel did not start in the notebook page within 60 s: ${JSON.stringify(st)} (see ${outDir}/jupyter.log)`);
    });

  report.webgl = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return null;
    const d = gl.getExtension('WEBGL_debug_renderer_info');
    return d ? gl.getParameter(d.UNMASKED_RENDERER_WEBGL) : 'webgl2';
  });

  await page.evaluate(() => {
    const ui = window.__ui;
    const kernel = Jupyter.notebook.kernel;
    // every iopub message from the websocket, counted per display id and type
    const orig = kernel._handle_iopub_message.bind(kernel);
    kernel._handle_iopub_message = function (msg) {
      const t = msg.header.msg_type;
      if (t === 'status') ui.status = msg.content.execution_state;
      const id = (msg.content.transient || {}).display_id;
      if (id) {
        const c = ui.iopub[id] || (ui.iopub[id] = { display_data: 0, update_display_data: 0 });
        c[t] = (c[t] || 0) + 1;
      }
      return orig(msg);
    };
    Jupyter.notebook.events.on('output_updated.OutputArea', (ev, d) => {
      const id = (d.output.transient || {}).display_id;
      if (id) ui.updatedEvents[id] = (ui.updatedEvents[id] || 0) + 1;
    });
    // DOM changes of each cell's output, and the distinct texts each output showed over time
    Jupyter.notebook.get_cells().forEach((cell, i) => {
      if (cell.cell_type !== 'code') return;
      const el = cell.output_area.element[0];
      ui.domChanges[i] = 0;
      new MutationObserver(() => {
        ui.domChanges[i]++;
        const t = el.innerText;
        const seen = ui.texts[i] || (ui.texts[i] = []);
        if (seen[seen.length - 1] !== t) seen.push(t);
      }).observe(el, { childList: true, subtree: true, characterData: true });
    });
    Jupyter.notebook.execute_all_cells();
  });

  const finished = await page.waitForFunction(() => {
    const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code' && c.get_text().trim() !== '');
    return window.__ui.status === 'idle' && !Jupyter.notebook.kernel_busy
      && cells.every((c) => typeof c.input_prompt_number === 'number');
  }, { timeout: remaining(), polling: 250 }).then(() => true, () => false);
  // plots draw after their output is inserted; give them a moment
  await sleep(1500);

  const state = await page.evaluate(() => {
    const ui = window.__ui;
    const cells = Jupyter.notebook.get_cells();
    const out = { cells: 0, executed: 0, pending: [], errors: [], live: [] };
    cells.forEach((cell, i) => {
      if (cell.cell_type !== 'code' || cell.get_text().trim() === '') return;
      out.cells++;
      if (typeof cell.input_prompt_number === 'number') out.executed++;
      else out.pending.push({ cell: i, prompt: String(cell.input_prompt_number), source: cell.get_text().slice(0, 80) });
      const oa = cell.output_area;
      oa.outputs.forEach((o) => {
        if (o.output_type === 'error') out.errors.push({ cell: i, ename: o.ename, evalue: o.evalue });
      });
      Object.keys(oa._display_id_targets || {}).forEach((id) => {
        const counts = ui.iopub[id] || {};
        if (!counts.update_display_data) return; // shown once, never updated: not a live output
        const targets = oa._display_id_targets[id];
        out.live.push({
          cell: i, displayId: id,
          displays: counts.display_data || 0,
          updates: counts.update_display_data || 0,
          inPlaceRedraws: ui.updatedEvents[id] || 0,
          outputsForId: targets.length,
          cellOutputs: oa.outputs.length,
          outputElements: oa.element[0].querySelectorAll(':scope > .output_area').length,
          domChanges: ui.domChanges[i] || 0,
          distinctTexts: (ui.texts[i] || []).length,
          finalText: targets.length ? targets[0].element[0].innerText.slice(0, 200) : null,
        });
      });
    });
    const plots = Array.from(document.querySelectorAll('.output_area .js-plotly-plot'));
    out.plots = plots.length;
    out.plotsDrawn = plots.filter((p) => p.querySelector('svg.main-svg')).length;
    return out;
  });
  Object.assign(report, state);
  report.pageErrors = pageErrors.filter((m) => !PAGE_NOISE.test(m));
  if (!finished) {
    report.failures.push(`timed out after ${timeoutMs / 1000} s with ${state.executed} of ${state.cells} code cells executed`
      + ` (kernel ${await page.evaluate(() => window.__ui.status)})`);
  }

  // canvases in outputs, each screenshot and checked for drawn pixels
  const canvases = await page.$$('.output_area canvas');
  report.canvases = [];
  for (let i = 0; i < canvases.length; i++) {
    const c = canvases[i];
    // asking a canvas for a context would create one on a canvas that has none: read sizes only
    const info = await c.evaluate((el) => ({ width: el.width, height: el.height, id: el.id || null }));
    await c.scrollIntoView();
    const b64 = await c.screenshot({ encoding: 'base64' });
    const file = path.join(outDir, `canvas-${i}.png`);
    fs.writeFileSync(file, Buffer.from(b64, 'base64'));
    const stats = await pixelStats(page, b64, 64);
    report.canvases.push({ index: i, ...info, ...stats, nonBlank: stats.std > 2 && stats.colours > 1, screenshot: file });
  }

  // CT viewers: state, and a screenshot of the whole element (controls, planes, legend) before any interaction
  const viewerEls = await page.$$('.output_area .scribe3d-viewer');
  report.viewers = [];
  for (let i = 0; i < viewerEls.length; i++) {
    const v = viewerEls[i];
    const info = await v.evaluate((el) => ({ id: el.id, state: el.getAttribute('data-state'),
      status: (el.querySelector('[data-role=status]') || {}).textContent || '' }));
    await v.scrollIntoView();
    const file = path.join(outDir, `viewer-${i}.png`);
    await v.screenshot({ path: file });
    report.viewers.push({ index: i, ...info, screenshot: file });
  }
  // a viewer's crosshair (NiiVue's scene position, fractions of the volume): the slice each plane shows
  const crosshairOf = (c) => c.evaluate((el) => {
    const v = el.closest('.scribe3d-viewer');
    const nv = v && v.__scribe3dViewer && v.__scribe3dViewer.nv;
    return nv && nv.scene ? Array.from(nv.scene.crosshairPos) : null;
  });

  if (checks.interaction) {
    const it = checks.interaction;
    const idx = it.canvas ?? 0;
    const r = { canvas: idx, action: it.key ? `key ${it.key}` : `wheel ${it.wheel ?? 120}` };
    const c = canvases[idx];
    if (!c) {
      r.changed = false;
      r.error = `no canvas ${idx} in the outputs`;
    } else {
      await c.scrollIntoView();
      r.crosshairBefore = await crosshairOf(c);
      const before = await c.screenshot({ encoding: 'base64' });
      const box = await c.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      if (it.key) {
        await c.focus();
        await page.keyboard.press(it.key);
      } else {
        await page.mouse.wheel({ deltaY: it.wheel ?? 120 });
      }
      await sleep(500);
      const after = await c.screenshot({ encoding: 'base64' });
      fs.writeFileSync(path.join(outDir, `canvas-${idx}-after.png`), Buffer.from(after, 'base64'));
      r.changedFraction = await pixelDiff(page, before, after);
      r.changed = r.changedFraction > 0.001;
      r.crosshairAfter = await crosshairOf(c);
      if (r.crosshairBefore) {
        r.sliceChanged = r.crosshairBefore.some((x, k) => Math.abs(x - r.crosshairAfter[k]) > 1e-6);
      }
    }
    report.interaction = r;
  }

  // the notebook scrolls inside #site: grow the viewport to the whole notebook for the screenshot
  const height = await page.evaluate(() => {
    const site = document.getElementById('site');
    return site ? Math.ceil(site.getBoundingClientRect().top + site.scrollHeight) : document.body.scrollHeight;
  });
  await page.setViewport({ width: 1280, height: Math.min(Math.max(height, 600), 16000) });
  await sleep(300);
  await page.screenshot({ path: path.join(outDir, 'page.png') });
  report.screenshot = path.join(outDir, 'page.png');

  // the verdict
  const f = report.failures;
  if (state.pending.length) f.push(`cells not executed: ${JSON.stringify(state.pending)}`);
  for (const e of state.errors) f.push(`cell ${e.cell} has an error output: ${e.ename}: ${e.evalue}`);
  for (const m of report.pageErrors) f.push(`uncaught error on the page: ${m}`);
  if (state.plotsDrawn !== state.plots) f.push(`${state.plots - state.plotsDrawn} of ${state.plots} Plotly outputs not drawn`);
  if (state.plots < (checks.minPlots ?? 0)) f.push(`${state.plots} Plotly outputs, expected at least ${checks.minPlots}`);
  for (const c of report.canvases) if (!c.nonBlank) f.push(`canvas ${c.index} is blank (${c.colours} colour(s), std ${c.std.toFixed(2)})`);
  if (report.canvases.length < (checks.minCanvases ?? 0)) f.push(`${report.canvases.length} canvases, expected at least ${checks.minCanvases}`);
  if ((checks.minCanvases ?? 0) > 0 && !report.webgl) f.push('WebGL2 is not available in this Chromium');
  const minUpdates = checks.minUpdates ?? 2;
  for (const l of state.live) {
    const where = `live output ${l.displayId} in cell ${l.cell}`;
    if (l.displays !== 1) f.push(`${where}: ${l.displays} display_data messages, expected 1`);
    if (l.outputsForId !== 1) f.push(`${where}: shown in ${l.outputsForId} outputs, expected one updated in place`);
    if (l.updates < minUpdates) f.push(`${where}: ${l.updates} update_display_data messages, expected at least ${minUpdates}`);
    if (l.inPlaceRedraws < l.updates) f.push(`${where}: redrawn in place ${l.inPlaceRedraws} times for ${l.updates} updates`);
    if (l.outputElements !== l.cellOutputs) f.push(`${where}: ${l.outputElements} output elements for ${l.cellOutputs} outputs (updates appended?)`);
  }
  for (const v of report.viewers) if (v.state !== 'ready') f.push(`CT viewer ${v.index} is ${v.state}: ${v.status}`);
  if (report.viewers.length < (checks.minViewers ?? 0)) f.push(`${report.viewers.length} CT viewers, expected at least ${checks.minViewers}`);
  if (report.interaction && report.interaction.sliceChanged === false) {
    f.push(`interaction (${report.interaction.action}) on CT viewer canvas ${report.interaction.canvas} left its crosshair on the same slices`);
  }
  if (state.live.length < (checks.minLive ?? 0)) f.push(`${state.live.length} live outputs, expected at least ${checks.minLive}`);
  if (report.interaction && !report.interaction.changed) {
    f.push(`interaction (${report.interaction.action}) on canvas ${report.interaction.canvas} did not change its pixels`
      + (report.interaction.error ? `: ${report.interaction.error}` : ''));
  }
  report.ok = f.length === 0;
}

let status = 1;
const watchdog = setTimeout(async () => {
  report.failures.push(`gave up after ${timeoutMs / 1000 + 60} s`);
  await shutdown();
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(1);
}, timeoutMs + 60000);
try {
  await main();
  status = report.ok ? 0 : 1;
} catch (e) {
  report.failures.push(String(e && e.message ? e.message : e));
  status = 1;
} finally {
  clearTimeout(watchdog);
  await shutdown();
  fs.writeFileSync(path.join(outDir, 'jupyter.log'), serverLog);
  report.jupyterLog = path.join(outDir, 'jupyter.log');
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  process.stdout.write(JSON.stringify(report) + '\n');
}
process.exit(status);
