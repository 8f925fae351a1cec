/**
 * The n8n editor as a person sees it: Debian's Chromium, driven by playwright-core, opens each
 * operation of the Aifaceswap node and the trigger in a real n8n, checks which fields show, and
 * saves screenshots in test-output/editor/ (ignored by git).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { chromium, selectors } from 'playwright-core';

import { N8nServer, OWNER } from './n8n-server';
import { AIFACESWAP, AIFACESWAP_TRIGGER } from './workflows';

const n8n = new N8nServer('editor');
const screenshots = path.resolve(__dirname, '..', '..', 'test-output', 'editor');
let browser: Browser;
let page: Page;

beforeAll(async () => {
	fs.mkdirSync(screenshots, { recursive: true });
	selectors.setTestIdAttribute('data-test-id');
	await n8n.start();
	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	await page.goto(`${n8n.url}/signin`);
	await page.getByLabel(/email/i).first().fill(OWNER.email);
	await page.getByLabel(/password/i).first().fill(OWNER.password);
	await page.getByRole('button', { name: /sign in/i }).click();
	await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 60_000 });
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await n8n.stop();
});

/** Opens a saved workflow with one node and that node's panel; returns the panel's text. */
async function openNode(name: string, type: string, parameters: Record<string, unknown>, shot: string): Promise<string> {
	const nodeId = randomUUID();
	const { id } = await n8n.importWorkflow({
		name: `editor ${shot}`,
		nodes: [{ id: nodeId, name, type, typeVersion: 1, position: [0, 0], parameters: parameters as never, webhookId: randomUUID() }],
		connections: {},
	});
	await page.goto(`${n8n.url}/workflow/${id}/${nodeId}`);
	const panel = page.getByTestId('ndv');
	try {
		await panel.waitFor({ state: 'visible', timeout: 15_000 });
	} catch {
		// This n8n did not open the node from the URL: open it on the canvas as a person would.
		await page.getByTestId('canvas-node').first().dblclick();
		await panel.waitFor({ state: 'visible', timeout: 15_000 });
	}
	await page.waitForTimeout(500);
	await page.screenshot({ path: path.join(screenshots, `${shot}.png`) });
	return (await panel.innerText()).replace(/\s+/g, ' ');
}

const swapCommon = ['Result Mode', 'Callback URL'];

test.each([
	['image', 'swapFace', ['Source Image Input', 'Source Image URL', 'Face Image Input', 'Face Image URL', ...swapCommon], ['Duration', 'Enhance', 'Frame Input', 'Faces']],
	['image', 'extractFaces', ['Image Input', 'Image URL'], ['Result Mode', 'Callback URL', 'Duration']],
	['image', 'swapMultipleFaces', ['Source Image URL', 'Faces', ...swapCommon], ['Source Image Input', 'Duration', 'References']],
	['video', 'swapFace', ['Source Video URL', 'Face Image URL', 'Duration (Seconds)', 'Enhance', ...swapCommon], ['Source Image Input', 'References', 'Frame Input']],
	['video', 'extractFaces', ['Frame Input', 'Frame Binary Property'], ['Result Mode', 'Source Video URL', 'Frame Base64']],
	['video', 'swapMultipleFaces', ['Source Video URL', 'References', 'Duration (Seconds)', 'Enhance', ...swapCommon], ['Faces', 'Frame Input']],
])('%s > %s shows its fields and not the others', async (resource, operation, shown, hidden) => {
	const text = await openNode('Aifaceswap', AIFACESWAP, { resource, operation }, `aifaceswap-${resource}-${operation}`);
	for (const label of shown) expect(text).toContain(label);
	for (const label of hidden) expect(text).not.toContain(label);
});

test('Wait for Result shows its notice and hides the Callback URL', async () => {
	const text = await openNode('Aifaceswap', AIFACESWAP, { resource: 'image', operation: 'swapFace', resultMode: 'wait' }, 'aifaceswap-wait-mode');
	expect(text).toContain('This execution will pause until aifaceswap sends the result');
	expect(text).not.toContain('Callback URL');
});

test('the trigger shows its webhook URL, its setup hint and its events', async () => {
	const text = await openNode('Aifaceswap Trigger', AIFACESWAP_TRIGGER, {}, 'aifaceswap-trigger');
	expect(text).toMatch(/Webhook URLs?/i);
	await page.getByText(/Webhook URLs?/i).first().click();
	await page.getByText('Production URL', { exact: false }).first().click();
	await page.waitForTimeout(300);
	await page.screenshot({ path: path.join(screenshots, 'aifaceswap-trigger-urls.png') });
	const urls = (await page.getByTestId('ndv').innerText()).replace(/\s+/g, ' ');
	expect(urls).toMatch(/\/webhook\/[0-9a-f-]{36}\/task_callback/);
	expect(text).toContain("Copy this node's Production URL");
	expect(text).toContain('WEBHOOK_URL');
	expect(text).toContain('Events');
});
