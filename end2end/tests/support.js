// Shared steps: visiting a page checks it with axe, and JS-on runs fail on console errors
// (a blocked script or a failed hydration shows up there first).
import { test as base, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const test = base.extend({
  page: async ({ page, javaScriptEnabled }, use) => {
    const errors = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await use(page);
    if (javaScriptEnabled) expect(errors, 'console errors').toEqual([]);
  },
});

export { expect };

/** Checks the page as it is now against WCAG 2.1 A and AA with axe-core. */
export async function expectAccessible(page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** Goes to a path and checks the page with axe. */
export async function visit(page, path) {
  const response = await page.goto(path);
  await expectAccessible(page);
  return response;
}

export const STAFF_PASSWORD = 'e2e-password-2026';
