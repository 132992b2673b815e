// Browser checks of a consentgen build: every page of OUT (the index and each
// document) in headless Chromium with axe-core, plus what axe cannot see
// (reflow at 320 CSS px, text at 200 %, a visible focus on every stop, the
// skip link, no requests beyond the file itself, a clean print view), then
// the Nu HTML Checker over every page.
//
//   node check.mjs OUT [--screenshots DIR]
//
// Exits 1 on any finding. With --screenshots, also writes PNGs of the index
// and one document (wide and at 320 px) and a print PDF, for a person to look at.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const VNU = join(require.resolve('vnu-jar/package.json'), '..', 'build', 'dist', 'vnu.jar');

// WCAG 2.0/2.1/2.2 A and AA, and axe's best practices (landmarks, heading
// order, one h1, unique landmarks, skip link target, ...): all of them suit
// a page of text that a client reads and prints.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const args = process.argv.slice(2);
const out = args[0];
const shotsAt = args.indexOf('--screenshots');
const shots = shotsAt >= 0 ? resolve(args[shotsAt + 1]) : null;
if (!out || !existsSync(join(out, 'index.html'))) {
  console.error('usage: node check.mjs OUT [--screenshots DIR]  (OUT holds a build: index.html, XX/en/*.html)');
  process.exit(2);
}

function pages(dir) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.html')) found.push(p);
    }
  };
  walk(dir);
  // The index first, then documents in path order.
  return found.sort((a, b) => (a.endsWith('/index.html') ? -1 : 0) - (b.endsWith('/index.html') ? -1 : 0) || a.localeCompare(b));
}

const files = pages(resolve(out));
// Screenshots: the index, and the consent (signature lines) and authorization
// (blanks) of the first state.
const firstState = relative(resolve(out), files.find((f) => !f.endsWith('/index.html')) ?? '').split('/')[0];
const pictured = (name) => name === 'index.html' || name === `${firstState}/en/consent.html` || name === `${firstState}/en/authorization.html`;
const problems = [];
let passed = 0;
const fail = (page, what) => problems.push(`${page}: ${what}`);

const userDataDir = mkdtempSync(join(tmpdir(), 'consentgen-a11y-'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // Our flags only: no browser download, no background traffic, a fresh profile.
  ignoreDefaultArgs: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    `--user-data-dir=${userDataDir}`,
    '--remote-debugging-pipe',
  ],
});

async function open(file, viewport, extra = {}) {
  const context = await browser.newContext({ viewport, ...extra });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const requests = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url);
  return { context, page, requests };
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] }),
    TAGS,
  );
}

function report(name, where, results) {
  for (const v of results.violations) {
    const nodes = v.nodes.map((n) => `      ${n.target.join(' ')}: ${n.failureSummary.replace(/\n\s*/g, ' ')}`).join('\n');
    fail(name, `${where}: axe ${v.id} (${v.impact}): ${v.help}\n${nodes}`);
  }
  for (const v of results.incomplete) {
    // "Needs review" is not a failure, but a person should see it.
    console.log(`  note: ${name} ${where}: axe needs review: ${v.id} on ${v.nodes.length} element(s)`);
  }
}

// Content that sticks out of the viewport, and what does.
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue; // visually hidden text
      if (r.right > width + 1 || r.left < -1 || el.scrollWidth > el.clientWidth + 1) wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + el.className : ''} (${Math.round(r.left)}..${Math.round(r.right)})`);
    }
    return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
  });
}

async function checkPage(file) {
  const name = relative(resolve(out), file);
  const before = problems.length;

  // Wide screen: axe, requests, scripts, the skip link and every focus stop.
  {
    const { context, page, requests } = await open(file, { width: 1280, height: 900 });
    const h1 = await page.locator('h1').count();
    if (h1 !== 1) fail(name, `${h1} h1 elements; a page has exactly one`);
    const scripts = await page.locator('script').count();
    if (scripts) fail(name, `${scripts} script element(s); pages must work without scripts`);
    report(name, '1280px', await axe(page));
    if (requests.length) fail(name, `requests beyond the file itself: ${requests.join(', ')}`);

    // Tab through every stop: each must show a focus outline, inside the viewport.
    await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
    const stops = await page.locator('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])').count();
    for (let i = 0; i < stops; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return {
          what: `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`,
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          inView: r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth && r.width > 1 && r.height > 1,
          skip: el.classList.contains('skip'),
        };
      });
      if (!f) { fail(name, `Tab stop ${i + 1} of ${stops} left the page`); break; }
      if (i === 0 && !f.skip) fail(name, `the first Tab stop is ${f.what}, not the skip link`);
      if (!f.outline) fail(name, `no visible focus outline on ${f.what}`);
      if (!f.inView) fail(name, `focused ${f.what} is not on screen`);
    }
    // The skip link, the first stop of a fresh page, moves focus to the main content.
    await page.reload();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash !== '', null, { timeout: 2000 }).catch(() => {});
    const target = await page.evaluate(() => document.activeElement?.tagName.toLowerCase());
    if (target !== 'main') fail(name, `after the skip link, focus is on ${target}, not main`);

    // Print: no navigation or skip link; form lines drawn; links as plain text.
    await page.emulateMedia({ media: 'print' });
    const print = await page.evaluate(() => {
      const shown = (sel) => [...document.querySelectorAll(sel)].filter((e) => getComputedStyle(e).display !== 'none').length;
      const lines = [...document.querySelectorAll('.line')];
      return {
        chrome: shown('.skip') + shown('header nav') + shown('.back'),
        lines: lines.length,
        drawn: lines.filter((l) => parseFloat(getComputedStyle(l).borderBottomWidth) >= 1 && l.getBoundingClientRect().width >= 100).length,
      };
    });
    if (print.chrome) fail(name, `print shows ${print.chrome} navigation element(s)`);
    if (print.drawn !== print.lines) fail(name, `print draws ${print.drawn} of ${print.lines} form lines`);
    if (shots && pictured(name)) {
      const base = join(shots, name.replace(/\//g, '-').replace(/\.html$/, ''));
      await page.pdf({ path: `${base}-print.pdf`, format: 'Letter', printBackground: false });
      await page.emulateMedia({ media: 'screen' });
      await page.screenshot({ path: `${base}-1280.png`, fullPage: true });
    }
    await context.close();
  }

  // Reflow at 320 CSS px (WCAG 1.4.10), and axe again, since narrow layouts differ.
  {
    const { context, page } = await open(file, { width: 320, height: 640 });
    const o = await overflow(page);
    if (o.scroll > o.width) fail(name, `at 320px the page scrolls sideways (${o.scroll}px wide): ${o.wide.join(', ')}`);
    report(name, '320px', await axe(page));
    if (shots && pictured(name)) {
      await page.screenshot({ path: join(shots, `${name.replace(/\//g, '-').replace(/\.html$/, '')}-320.png`), fullPage: true });
    }
    await context.close();
  }

  // Text alone at 200 % (WCAG 1.4.4) on a 1280px screen: text grows, nothing spills.
  {
    const { context, page } = await open(file, { width: 1280, height: 900 });
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('main p, main li, main td') || document.body).fontSize));
    const base = await size();
    await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    const big = await size();
    if (big < base * 1.9) fail(name, `text at 200 % grows from ${base}px to only ${big}px`);
    const o = await overflow(page);
    if (o.scroll > o.width) fail(name, `with text at 200 % the page scrolls sideways: ${o.wide.join(', ')}`);
    await context.close();
  }

  if (problems.length === before) passed++;
  console.log(`${problems.length === before ? 'ok  ' : 'FAIL'} ${name}`);
}

if (shots) mkdirSync(shots, { recursive: true });
try {
  for (const f of files) await checkPage(f);
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

// The Nu HTML Checker, every page at once; warnings count as findings too.
const vnu = spawnSync('java', ['-jar', VNU, '--format', 'json', '--stdout', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
if (vnu.error) {
  problems.push(`vnu: could not run java: ${vnu.error.message}`);
} else {
  let messages = [];
  try {
    messages = JSON.parse(vnu.stdout).messages;
  } catch {
    problems.push(`vnu: no JSON report (exit ${vnu.status}): ${vnu.stderr || vnu.stdout}`);
  }
  for (const m of messages) {
    const where = m.url ? relative(resolve(out), new URL(m.url).pathname) : '?';
    problems.push(`${where}:${m.lastLine ?? '?'}: vnu ${m.subType || m.type}: ${m.message}`);
  }
  console.log(`vnu: ${messages.length} message(s) on ${files.length} pages`);
}

for (const p of problems) console.error(`error: ${p}`);
console.log(`a11y: ${passed} passed, ${files.length - passed} failed`);
process.exit(problems.length ? 1 : 0);
