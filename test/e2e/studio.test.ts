import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/modules/tenants/api-key.entity';
import { CreateVideoDocument, ListVideosDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';
import { browserAvailability, collectErrors, launchChromium, screenshot } from './browser';

/** The part of HTMLVideoElement the test drives (the test's own TypeScript has no DOM types). */
interface MediaElement {
  readyState: number;
  currentTime: number;
  seeking: boolean;
  muted: boolean;
  play(): Promise<void>;
  pause(): void;
}

const browser = browserAvailability();
if (!browser.available && process.env.CI) {
  describe('studio and explorer in Chromium', () => {
    it('needs Chromium in CI', () => {
      throw new Error(browser.message);
    });
  });
} else if (!browser.available) {
  describe('studio and explorer in Chromium', () => {
    it.skip(`skipped: ${browser.message}`, () => undefined);
  });
} else {
  describe.each(databaseKinds())('studio and explorer in Chromium (%s)', (db) => {
    let server: TestServer;
    let chromium: Browser;

    beforeAll(async () => {
      [server, chromium] = await Promise.all([startTestServer({ db }), launchChromium()]);
    });
    afterAll(async () => {
      await chromium?.close();
      await server?.close();
    });

    /** A fresh page with its errors collected; the probe proves the collector hears errors at all. */
    async function open(path: string): Promise<{ page: Page; errors: () => Promise<string[]> }> {
      const page = await chromium.newPage({ viewport: { width: 1360, height: 900 } });
      const seen = collectErrors(page);
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(`${server.app.origin}${path}`);
      return {
        page,
        /** Errors plus requests that left this origin (none may: the pages work offline). */
        errors: async () => {
          await page.evaluate("console.error('collector probe')");
          await eventually(() => seen.some((e) => e.includes('collector probe')), { what: 'the console probe' });
          expect(requested.length).toBeGreaterThan(2);
          const foreign = requested.filter((url) => !url.startsWith(`${server.app.origin}/`) && !/^(data|blob):/.test(url)).map((url) => `request: ${url}`);
          return [...seen.filter((e) => !e.includes('collector probe')), ...foreign];
        },
      };
    }

    /** Waits until the player panel shows `status` for a video other than `previous`; returns its id. */
    async function watched(page: Page, status: string, previous?: string): Promise<string> {
      await page.locator(`#status [data-status="${status}"]`).waitFor({ timeout: 60_000 });
      const id = (await page.locator('#watch code.id').textContent())!;
      expect(id).not.toBe(previous);
      return id;
    }

    it('creates a video from the studio, follows it live to COMPLETED, then plays and seeks it', async () => {
      const { page, errors } = await open('/');
      const frames: string[] = [];
      page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(String(payload))));
      const posts: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/graphql')) posts.push(request.postData() ?? '');
      });

      await page.selectOption('#create-model', 'sora-2-pro');
      await page.selectOption('#create-size', '1280x720');
      await page.selectOption('#create-seconds', '4');
      await page.fill('#prompt', 'A paper boat drifting down a rainy street, close-up');
      // sora-2-pro at 1280x720 costs $0.30/s in the default catalog: 4 s is $1.20.
      await page.locator('#estimate', { hasText: '$1.20' }).waitFor();
      await page.click('#submit');

      await page.locator('#status [data-status="COMPLETED"]').waitFor({ timeout: 60_000 });
      // The COMPLETED status arrived as a videoUpdated event on the page's graphql-ws socket.
      const updates = frames.map((f) => JSON.parse(f) as { type: string; payload?: { data?: { videoUpdated?: { status: string; progress: number } } } }).filter((m) => m.type === 'next' && m.payload?.data?.videoUpdated);
      expect(updates.map((m) => m.payload!.data!.videoUpdated!.status)).toContain('COMPLETED');
      expect(posts.find((p) => p.includes('StudioCreateVideo'))).toMatch(/"idempotencyKey":"studio-[0-9a-f]{32}"/);
      expect(server.app.emulator!.record.entries()).toContainEqual(expect.objectContaining({ kind: 'create', model: expect.stringMatching(/^sora-2-pro-/), prompt: 'A paper boat drifting down a rainy street, close-up' }));

      const video = page.locator('#player');
      expect(await video.getAttribute('poster')).toMatch(new RegExp(`^${server.app.origin}/media/`));
      // Predicates are functions: the page's CSP refuses the eval behind string predicates.
      const media = (await video.elementHandle())!;
      await page.waitForFunction((v: MediaElement) => v.readyState >= 3, media, { timeout: 20_000 });
      await media.evaluate((v: MediaElement) => ((v.muted = true), v.play()));
      await page.waitForFunction((v: MediaElement) => v.currentTime > 0.3, media);
      await media.evaluate((v: MediaElement) => (v.pause(), (v.currentTime = 2.5)));
      await page.waitForFunction((v: MediaElement) => !v.seeking && Math.abs(v.currentTime - 2.5) < 0.2 && v.readyState >= 3, media);
      await media.evaluate((v: MediaElement) => v.play());
      await page.waitForFunction((v: MediaElement) => v.currentTime > 2.8, media);

      // Spritesheet scrubbing: hovering the bar shows a frame of the sheet.
      const scrub = page.locator('.scrub');
      const box = (await scrub.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
      await page.locator('.scrub-preview:not([hidden])').waitFor();
      expect(await page.evaluate("getComputedStyle(document.querySelector('.scrub-preview')).backgroundImage")).toContain('/media/');

      await media.evaluate((v: MediaElement) => v.pause());
      await screenshot(page, `studio-${db}`);
      expect(await errors()).toEqual([]);
      await page.close();
    }, 120_000);

    it('extends and then edits the video from the player panel, each followed live', async () => {
      const { page, errors } = await open('/');
      await page.click('[data-tab="library"]');
      await page.locator('.library .card', { hasText: 'A paper boat' }).click();
      const original = await watched(page, 'COMPLETED');

      await page.fill('#extend-prompt', 'The boat slips into a storm drain');
      await page.selectOption('#extend-seconds', '4');
      await page.click('.action:has(#extend-prompt) button');
      await page.locator('#status [data-status="COMPLETED"]').waitFor({ state: 'detached' });
      const extended = await watched(page, 'COMPLETED', original);
      await page.locator('.facts', { hasText: '8 s · EXTEND' }).waitFor();

      await page.fill('#edit-prompt', 'Make it night, with neon reflections');
      await page.click('.action:has(#edit-prompt) button');
      await page.locator('#status [data-status="COMPLETED"]').waitFor({ state: 'detached' });
      await watched(page, 'COMPLETED', extended);
      await page.locator('.facts', { hasText: 'EDIT' }).waitFor();
      await page.locator('#player').waitFor();

      const kinds = server.app.emulator!.record.entries().map((e) => [e.kind, e.prompt]);
      expect(kinds).toContainEqual(['extend', 'The boat slips into a storm drain']);
      expect(kinds).toContainEqual(['edit', 'Make it night, with neon reflections']);
      expect(await errors()).toEqual([]);
      await page.close();
    }, 120_000);

    it('renders a storyboard scene by scene and plays the final video', async () => {
      const { page, errors } = await open('/');
      await page.click('[data-tab="storyboard"]');
      await page.fill('.scene:nth-child(1) textarea', 'A kite lifts off a beach');
      await page.click('button:has-text("Add scene")');
      await page.fill('.scene:nth-child(2) textarea', 'The kite string snaps and it drifts out to sea');
      await page.click('button:has-text("Render storyboard")');
      await page.locator('.storyboard-progress .panel-head [data-status="COMPLETED"]').waitFor({ timeout: 90_000 });
      await page.locator('.scene-status li').nth(1).waitFor();
      await watched(page, 'COMPLETED');
      await page.locator('.facts', { hasText: '8 s' }).waitFor();
      await page.locator('#player').waitFor();
      await screenshot(page, `storyboard-${db}`);
      expect(await errors()).toEqual([]);
      await page.close();
    }, 120_000);

    it('submits a batch and follows its counts and items live', async () => {
      const { page, errors } = await open('/');
      await page.click('[data-tab="batch"]');
      await page.fill('#batch-prompts', 'A red balloon over a city\nA blue balloon over a forest');
      await page.click('button:has-text("Submit batch")');
      await page.locator('.counts [data-status="COMPLETED"]').waitFor({ timeout: 90_000 });
      await page.locator('.counts', { hasText: '2 completed' }).waitFor();
      await page.locator('.batch-items li', { hasText: 'item-2' }).locator('[data-status="COMPLETED"]').waitFor();
      expect(server.app.emulator!.record.entries().filter((e) => e.kind === 'batch_item' || e.prompt?.includes('balloon')).map((e) => e.prompt)).toEqual(
        expect.arrayContaining(['A red balloon over a city', 'A blue balloon over a forest']),
      );
      await page.locator('.batch-items button', { hasText: 'item-1' }).click();
      await watched(page, 'COMPLETED');
      await screenshot(page, `batch-${db}`);
      expect(await errors()).toEqual([]);
      await page.close();
    }, 120_000);

    it('pages through the library and filters it', async () => {
      // Enough videos for a second page of twelve, whatever the earlier tests made.
      const { videos } = await server.gql.data(ListVideosDocument, { first: 13 });
      for (let i = videos.edges.length; i < 13; i++) await server.gql.data(CreateVideoDocument, { input: { prompt: `Library filler ${i}`, model: 'sora-2', seconds: 4 } });
      const { page, errors } = await open('/');
      await page.click('[data-tab="library"]');
      await page.locator('.library .card').first().waitFor();
      expect(await page.locator('.library .card').count()).toBe(12);
      const firstPage = await page.locator('.library .card-prompt').allTextContents();
      await page.click('button:has-text("Older")');
      await page.locator('.pager', { hasText: 'Page 2' }).waitFor();
      const secondPage = await page.locator('.library .card-prompt').allTextContents();
      expect(secondPage.length).toBeGreaterThan(0);
      expect(secondPage.filter((p) => firstPage.includes(p))).toEqual([]);
      await page.click('button:has-text("Newer")');
      await page.locator('.pager', { hasText: 'Page 1' }).waitFor();
      expect(await page.locator('.library .card-prompt').allTextContents()).toEqual(firstPage);
      await page.selectOption('#library-status', 'FAILED');
      await page.locator('.library .empty', { hasText: 'No videos match.' }).waitFor();
      await page.selectOption('#library-status', 'COMPLETED');
      // The page does not refresh by itself: Refresh until a render has finished (at once after the earlier tests).
      await eventually(async () => {
        await page.click('button:has-text("Refresh")');
        return (await page.locator('.library .card [data-status="COMPLETED"]').count()) > 0;
      }, { what: 'a completed video in the library' });
      const shown = await page.locator('.library .card .status').allTextContents();
      expect(new Set(shown)).toEqual(new Set(['COMPLETED']));
      await screenshot(page, `library-${db}`);
      expect(await errors()).toEqual([]);
      await page.close();
    });

    it('runs a query in the explorer at /graphql', async () => {
      const { page, errors } = await open('/graphql');
      await page.locator('.graphiql-container').waitFor();
      // The schema loaded (documentation explorer has the Query type), so completion and validation work.
      await page.locator('.graphiql-tab', { hasText: 'Models' }).first().waitFor();
      await page.click('.graphiql-execute-button');
      const result = page.locator('.result-window');
      await result.getByText('"sora-2-pro"').first().waitFor();
      expect(await result.textContent()).toContain('"displayName": "Sora 2"');
      // The example operations of schema/operations are preloaded as tabs.
      await page.locator('.graphiql-tab', { hasText: 'CreateCharacter' }).waitFor();
      await screenshot(page, `explorer-${db}`);
      expect(await errors()).toEqual([]);
      await page.close();
    });

    it('runs a subscription in the explorer over graphql-ws', async () => {
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A lantern floating up at night', model: 'sora-2', seconds: 4 } });
      const { page, errors } = await open('/graphql');
      const sent: string[] = [];
      page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => sent.push(String(payload))));
      await page.locator('.graphiql-tab', { hasText: 'VideoUpdated' }).click();
      await page.click('.graphiql-editor-tools button:has-text("Variables")');
      await page.locator('.graphiql-editor-tool .graphiql-editor').first().click();
      await page.keyboard.press('Control+A');
      // insertText types no keys, so the editor's bracket auto-closing stays out of the way.
      await page.keyboard.insertText(JSON.stringify({ id: createVideo.video.id }));
      await page.click('.graphiql-execute-button');
      await page.getByRole('menuitem', { name: 'VideoUpdated' }).click();
      const result = page.locator('.result-window');
      await result.getByText('"COMPLETED"').waitFor({ timeout: 60_000 });
      expect(await result.textContent()).toContain(createVideo.video.id);
      expect(sent.map((f) => JSON.parse(f) as { type: string; payload?: { operationName?: string } })).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'connection_init' }), expect.objectContaining({ type: 'subscribe', payload: expect.objectContaining({ query: expect.stringContaining('videoUpdated(id: $id)') }) })]),
      );
      await screenshot(page, `explorer-subscription-${db}`);
      expect(await errors()).toEqual([]);
      await page.close();
    }, 120_000);

    it('asks for an API key once keys exist, stores it and uses it', async () => {
      const { secret } = await server.app.internals.apiKeys.create(`studio-${db}`, Role.ADMIN, 'studio e2e');
      await eventually(() => !server.app.internals.auth.localMode, { what: 'the server to leave local mode' });
      const page = await chromium.newPage();
      await page.goto(`${server.app.origin}/`);
      await page.locator('#api-key').waitFor();
      await page.fill('#api-key', secret);
      await page.click('.key button[type="submit"]');
      await page.locator('#create-model').waitFor();
      expect(await page.evaluate("localStorage.getItem('reelgraph.apiKey')")).toBe(secret);
      await screenshot(page, `studio-key-${db}`);
      await page.close();
    });
  });
}
