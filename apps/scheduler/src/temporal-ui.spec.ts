import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { requestTicketRefresh } from '@btc/ticket-cache-client';
import { openHarness, type Harness } from '@btc/worker-runtime/testing';
import { SEARCH_ATTRIBUTES, refreshWorkflowId } from '@btc/workflows';

/**
 * The Temporal UI is the operators' window into every run, so one test uses it as they do, in a real
 * browser (Debian's chromium, driven by playwright-core; `.ci/run` installs it when missing): a refresh
 * runs on the dev server, the UI's query box finds it by `BytemarkUserId = <id>` as the workflows README
 * says, and its page shows how it ended. Screenshots of both pages land in `.data/screenshots/`.
 */
const CHROMIUM = '/usr/bin/chromium';
const UI_URL = process.env['TEMPORAL_UI_URL'] ?? 'http://127.0.0.1:8233';
const SCREENSHOTS = resolve(__dirname, '../../../.data/screenshots');
// A user id no other run on this dev server has, so the search lists this test's run only.
const USER_ID = 6_000_000 + (Math.floor(Date.now() / 1000) % 1_000_000);

describe('the Temporal UI in a real browser', () => {
  let h: Harness;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: \`apt-get install -y chromium\` (.ci/run installs it when missing)`);
    }
    h = await openHarness({ users: 1, passesPerUser: 3, firstUserId: USER_ID });
    await h.reset();
    await h.seedTokens();
    profile = mkdtempSync(join(tmpdir(), 'temporal-ui-chromium-'));
    // A persistent context is how Playwright takes a --user-data-dir: a fresh, empty profile per run.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 900 },
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await h?.close();
  });

  async function screenshot(page: Page, name: string): Promise<string> {
    const path = join(SCREENSHOTS, `temporal-ui-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  it("an operator finds a user's refresh by BytemarkUserId and sees it completed, with its summary and outcome", async () => {
    const { runId, summary } = await h.withWorkers(async (taskQueue) => {
      const handle = await requestTicketRefresh(h.client, USER_ID, { taskQueue, trigger: 'manual', mode: 'check' });
      const result = await handle.result();
      const { runId: id } = await handle.describe();
      return { runId: id, summary: result };
    });
    expect(summary.outcome).toBe('built');
    const workflowId = refreshWorkflowId(USER_ID);

    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(15_000);
    try {
      // The list, searched as the README tells operators: the query box, `BytemarkUserId = <id>`.
      await page.goto(`${UI_URL}/namespaces/default/workflows`);
      await page.getByTestId('toggle-manual-query').click();
      const query = page.getByTestId('manual-search-input');
      await query.fill(`${SEARCH_ATTRIBUTES.userId.name} = ${USER_ID}`);
      await query.press('Enter');
      await page.waitForURL(/[?&]query=/);
      // Only this user's runs are listed (the unfiltered list shows other users' first), newest first.
      const rows = page.getByRole('row').filter({ hasText: 'bytemark-ticket-cache-' });
      await waitUntil(
        async () => {
          const listed = await rows.allInnerTexts();
          return listed.length > 0 && listed.every((text) => text.includes(workflowId));
        },
        'the list to show only BytemarkUserId = ' + String(USER_ID),
      );
      const row = rows.first();
      expect(await row.innerText()).toContain(runId);
      expect(await row.innerText()).toMatch(/Completed/);
      await screenshot(page, 'search');

      // The run's page: how it ended, what it was (its summary), and the outcome it returned.
      await row.getByRole('link', { name: workflowId }).first().click();
      await page.waitForURL(new RegExp(`/workflows/${workflowId}/${runId}/history`));
      await page.getByText('Completed', { exact: true }).first().waitFor();
      await page.getByText(`"outcome": "${summary.outcome}"`).first().waitFor();
      await page.getByText(`"created": ${summary.created}`).first().waitFor();
      expect(await screenshot(page, 'run')).toMatch(/\.data\/screenshots\/temporal-ui-run\.png$/);

      // Its summary, under User Metadata (the UI renders it as markdown in a sandboxed frame).
      await page.getByText('User Metadata', { exact: true }).click();
      await page.waitForURL(/\/user-metadata$/);
      await page
        .frameLocator('iframe')
        .first()
        .getByText(`Refresh Bytemark tickets for user ${USER_ID}, manual`)
        .waitFor();
      await screenshot(page, 'summary');
    } catch (error) {
      await screenshot(page, 'failure').catch(() => undefined);
      const text = await page.innerText('body').catch(() => '');
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- page text ---\n${text.slice(0, 3000)}`,
      );
    }
  });
});

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
