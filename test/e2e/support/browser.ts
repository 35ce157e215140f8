/**
 * The browser side of the real-editor tests: Debian's chromium driven by playwright-core, and the
 * workbench moves a user makes (command palette, waiting for the workbench, reading a webview).
 */
import type { FrameLocator, Page } from 'playwright-core';

/** Launches headless chromium with the flags that keep it off the network and quiet (the shared launcher). */
export { launchChromium as launchBrowser } from '../../helpers/chromium';

/** The workbench URL of a folder, optionally with VS Code's `payload` (extension development/tests). */
export function workbenchUrl(base: string, folder: string, payload?: [string, string][]): string {
  const params = new URLSearchParams({ folder });
  if (payload) {
    params.set('payload', JSON.stringify(payload));
  }
  return `${base}/?${params.toString()}`;
}

/** Waits until the workbench has rendered its activity bar and status bar. */
export async function waitForWorkbench(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Opens the Experiments container in the activity bar and waits for the Runs view's list. */
export async function showExperiments(page: Page): Promise<void> {
  const item = page.locator('.activitybar .action-item a[aria-label^="Experiments"]');
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  const selected = await page
    .locator('.activitybar .action-item.checked a[aria-label^="Experiments"]')
    .count();
  if (selected === 0) {
    await item.click();
  }
  await page.locator('.monaco-list[aria-label="Runs"]').waitFor({ state: 'attached', timeout: 30_000 });
}

/**
 * Runs a command from the Command Palette: F1, type the title, choose its row. The workbench may still
 * move focus right after a window (re)load (restoring editors, showing a notification), which closes
 * the palette between opening it and typing: then the whole sequence starts again, up to three times,
 * each step waiting for the state it needs (the palette visible, its input holding the title).
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 10_000 });
      await pickRow(page, title, 10_000);
      // Chosen: the palette closed, or the command's own picker replaced its text.
      await pollUntil(`the Command Palette to run "${title}"`, 10_000, async () =>
        (await input.isVisible()) && (await input.inputValue()) === `>${title}` ? undefined : true,
      );
      return;
    } catch (error) {
      last = error;
    }
  }
  throw new Error(
    `Could not run "${title}" from the Command Palette in 3 attempts: ${last instanceof Error ? last.message : String(last)}`,
  );
}

/**
 * Chooses the row of the open quick pick whose text starts with `label` (the best fuzzy match is not
 * always the exact one: "Run Task…" also matches "Run Task with Params…" first). When that row is the
 * highlighted one, Enter takes it: the list recycles its row elements as it filters, so a click aimed at
 * a row can land on the command drawn there a moment later.
 */
export async function pickRow(page: Page, label: string, timeoutMs = 20_000): Promise<void> {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasText: new RegExp(`^\\s*${escaped}`) })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  const classes = ((await row.getAttribute('class')) ?? '').split(/\s+/);
  if (classes.includes('focused')) {
    await page.keyboard.press('Enter');
  } else {
    await row.click({ timeout: timeoutMs });
  }
}

/** The document inside the active webview panel (both frames are same-origin in code-server). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * Calls `check` until it returns a value other than undefined (errors count as "not yet", e.g. a UI read
 * racing a re-render), or fails after `timeoutMs` naming `what` and the last error.
 */
export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | Promise<T | undefined>,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const reason =
        last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The globals the stall monitor uses in the page (the test tsconfig has no DOM lib). */
interface StallMonitorGlobals {
  performance: { now(): number };
  setInterval(handler: () => void, ms: number): number;
  clearInterval(id: number): void;
  __xlensStall?: { timer: number; last: number; max: number };
}

const STALL_TICK_MS = 20;

/**
 * Starts measuring how long the workbench's main thread stays blocked: a 20 ms timer in the page notes
 * the largest delay between its ticks. Webview frames of code-server are same-origin, so their scripts
 * run on this thread too and their long tasks show up here.
 */
export async function startStallMonitor(page: Page): Promise<void> {
  await page.evaluate((tick: number) => {
    const g = globalThis as unknown as StallMonitorGlobals;
    const state = { timer: 0, last: g.performance.now(), max: 0 };
    state.timer = g.setInterval(() => {
      const now = g.performance.now();
      state.max = Math.max(state.max, now - state.last - tick);
      state.last = now;
    }, tick);
    g.__xlensStall = state;
  }, STALL_TICK_MS);
}

/** Stops the monitor of {@link startStallMonitor}; returns the longest stall in ms. */
export async function stopStallMonitor(page: Page): Promise<number> {
  return page.evaluate(() => {
    const g = globalThis as unknown as StallMonitorGlobals;
    const state = g.__xlensStall;
    if (!state) {
      return -1;
    }
    g.clearInterval(state.timer);
    // A stall still going on when stopped counts too.
    return Math.round(Math.max(state.max, g.performance.now() - state.last - 20));
  });
}
