/**
 * The HTML report in a real browser: a real failure (the suite against a mutant factory, in its child process)
 * is written as cnxnspec-report.html, and headless Chromium opens it from disk and finds the swimlanes, their
 * links and the highlighted evidence drawn. Skipped, with the reason, where Chromium is not installed.
 * With CNXNSPEC_SCREENSHOT=<file> it also saves a screenshot of the first failure (docs/report-screenshot.png).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runConformance } from '../harness/conformance-run.ts';
import { buildReport } from './build-report.ts';
import { writeReport } from './write-report.ts';

const CHROMIUM = '/usr/bin/chromium';
const MUTANT = fileURLToPath(new URL('../../fixtures/mutants/offer-without-wakeup.ts', import.meta.url));
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

test('report: Chromium draws a real failure as swimlanes with its evidence highlighted', { timeout: 240_000, skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-html-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const result = await runConformance({ factoryPath: MUTANT, runs: 500, seed: 1, strategy: { kind: 'random' }, timeBudgetMs: 120_000, shrinkBudgetMs: 3_000, maxFailures: 1 });
  const failure = result.failures[0];
  assert.ok(failure, 'the mutant survived, so there is no failure to draw');
  const report = buildReport(result, { module: MUTANT, name: 'offer-without-wakeup', seed: 1, strategy: 'random walk', runs: 500, timeBudgetSeconds: 120, startedAt: new Date() });
  const { html } = writeReport(dir, report, result.failures.map((f) => f.trace));

  const { chromium } = await import('playwright-core');
  // A fresh profile: playwright passes it to Chromium as --user-data-dir.
  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const fetched: string[] = [];
  page.on('request', (r) => void (r.url().startsWith('file:') || fetched.push(r.url())));
  await page.goto(pathToFileURL(html).href);

  const figure = page.locator('#failure-1 svg.swimlanes');
  assert.equal(await figure.count(), 1, 'the failure has its swimlanes');
  const lanes = await figure.locator('g.lane').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-lane')));
  // The lost wakeup: the accept thread offered to the selector thread's queue while that one slept in select.
  assert.ok(lanes.includes('AcceptThread') && lanes.includes('SelectorThread-0'), `lanes: ${lanes.join(', ')}`);
  const evidence = figure.locator('g.event.evidence rect');
  assert.ok((await evidence.count()) >= 1, 'the evidence is drawn');
  // Highlighted as the stylesheet says: a red outline, and the box really laid out on the page.
  assert.equal(await evidence.first().evaluate((r) => (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(r).stroke), 'rgb(207, 34, 46)');
  const box = await evidence.first().boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, 'the evidence box has a size on the page');
  assert.match((await page.locator('table.requirements').innerText()).replace(/\s+/g, ' '), /selector\.wakeup-after-offer [a-z-]+ MUST fail/);
  assert.deepEqual(fetched, [], 'the page fetches nothing');

  const shot = process.env.CNXNSPEC_SCREENSHOT;
  if (shot) await page.locator('#failure-1').screenshot({ path: shot });
});
