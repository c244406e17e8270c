/**
 * Three dialogs played in the chat widget at a phone size (390x844), as she would type them, with nobody online:
 * a disclosure in English on the Chinese page, a threat to kill, and an emergency with a follow-up while she hides.
 * What she sees is checked in the page (the acknowledgement right after her words, the danger named, the emergency
 * text once and then the line that fits hiding) and kept as screenshots in test/artifacts/dialog-<name>.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { browserAvailable, launch } from '../support/browser.js';

const available = browserAvailable();
const PHONE = { width: 390, height: 844 };
const artifacts = resolve(PROJECT_ROOT, 'test/artifacts');
const TEXTS = (JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'replies/bot.json'), 'utf8')) as { texts: Record<string, { zh: string; en: string }> }).texts;
/** The first line of one of the bot's texts: what to look for in the page (bubbles render line breaks apart). */
const firstLine = (key: string, lang: 'zh' | 'en') => TEXTS[key]![lang].split('\n')[0]!;

describe.skipIf(!available)('dialogs in the chat widget at a phone size', () => {
  let app: App;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    app = await buildTestApp({}, { staffAvailable: async () => false });
    url = `http://127.0.0.1:${(await app.listen()).port}/`;
    browser = await launch();
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const page = await (await browser.newContext({ viewport: PHONE })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(m.text());
    });
    await page.goto(url);
    await page.getByText('机器人').first().waitFor();
    return { page, errors };
  }

  async function send(page: Page, text: string): Promise<void> {
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.fill(text);
    await box.press('Enter');
  }

  /** Waits for a text of the bot to appear (the last of its kind when it appears more than once). */
  async function see(page: Page, text: string): Promise<void> {
    await page.getByText(text, { exact: false }).last().waitFor({ timeout: 15_000 });
  }

  /** The transcript's bubbles as she sees them, oldest first. */
  const bubbles = (page: Page) => page.locator('.webchat__basic-transcript__activity').allInnerTexts();

  /** What the bot said after her message (up to her next one). */
  async function after(page: Page, hers: string): Promise<string[]> {
    const all = await bubbles(page);
    const at = all.findLastIndex((t) => t.includes(hers));
    expect(at, `her message "${hers}" is not in the transcript`).toBeGreaterThanOrEqual(0);
    return all.slice(at + 1);
  }

  /** The buttons she can tap now (Web Chat shows those of the last message only). */
  async function buttonsInView(page: Page): Promise<string[]> {
    await page.waitForTimeout(300);
    return page.locator('.webchat__suggested-actions button').allInnerTexts();
  }

  async function shoot(page: Page, name: string): Promise<void> {
    // Let the last bubbles scroll into view before the picture is taken.
    await page.waitForTimeout(300);
    await page.screenshot({ path: resolve(artifacts, `dialog-${name}.png`) });
  }

  it('"my husband hits me": acknowledged first, in English, with the topics that may help and the no-staff path', async () => {
    const { page, errors } = await open();
    await send(page, 'my husband hits me');
    await see(page, firstLine('offerHumanNoStaff', 'en').slice(0, 30));
    const replies = await after(page, 'my husband hits me');
    expect(replies[0]).toContain(TEXTS.ack!.en);
    expect(replies.join('\n')).toContain(TEXTS.disclosureLead!.en);
    // Not "I did not understand", and nothing in Chinese after her English.
    expect(replies.join('\n')).not.toContain(TEXTS.clarify!.en);
    expect(replies.join('\n')).not.toMatch(/\p{Script=Han}{4}/u);
    expect(await buttonsInView(page)).toEqual(expect.arrayContaining(['Applying for a protection order', 'Safety plan', 'Leave a message']));
    await shoot(page, 'husband-hits');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('"他说要杀了我": the danger named in a sentence, steps for now with their buttons, and whether she can talk', async () => {
    const { page, errors } = await open();
    await send(page, '他说要杀了我');
    await see(page, TEXTS.safeToTalk!.zh);
    const replies = await after(page, '他说要杀了我');
    expect(replies[0]).toContain(TEXTS.ack!.zh);
    expect(replies[0]).toContain(TEXTS['danger.threat_to_kill']!.zh);
    expect(replies.join('\n')).toContain(firstLine('highSteps', 'zh'));
    expect(await buttonsInView(page)).toEqual(expect.arrayContaining(['申请保护令', '庇护所', '安全计划', '现在方便说', '现在不方便', '给工作人员留言']));
    await shoot(page, 'threat-to-kill');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('an emergency, then hiding: the emergency text first and once, then what fits hiding, never the same text again', async () => {
    const { page, errors } = await open();
    await send(page, '他在砸门 救命');
    await see(page, firstLine('emergency', 'zh'));
    const first = await after(page, '他在砸门 救命');
    expect(first[0]).toContain(firstLine('emergency', 'zh'));
    expect(first[0]).toMatch(/110/);
    expect(first[1]).toContain(TEXTS.ack!.zh);

    await send(page, '我躲在厕所里了 不敢出声');
    await see(page, TEXTS.followHiding!.zh);
    const second = await after(page, '我躲在厕所里了 不敢出声');
    expect(second[0]).toContain(TEXTS.followHiding!.zh);
    expect(second.join('\n')).not.toContain(firstLine('emergency', 'zh'));
    // The full emergency text is in the chat once.
    expect((await bubbles(page)).filter((t) => t.includes(firstLine('emergency', 'zh')))).toHaveLength(1);
    await shoot(page, 'imminent-hiding');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
