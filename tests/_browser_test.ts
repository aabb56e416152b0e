/**
 * A browser test: a `Deno.test` with its own headless Chromium, closed however the test ends.
 * @module
 */
import type { Browser } from "playwright-core";
import { launchBrowser } from "./_browser.ts";

/** Register a test that gets a fresh browser. */
export function withBrowser(name: string, fn: (browser: Browser) => Promise<void>): void {
  Deno.test({
    name,
    // Chromium's pipes and timers outlive single steps; the browser is closed in `finally`.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const browser = await launchBrowser();
      try {
        await fn(browser);
      } finally {
        await browser.close();
      }
    },
  });
}
