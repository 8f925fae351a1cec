/**
 * The n8n editor the way a person meets the package, in Debian's Chromium driven by
 * playwright-core against a real n8n with the package installed: a new workflow, the node panel,
 * a search, an action picked from the list, the credential modal with n8n's own connection test,
 * the fields, Execute step and the output panel; the trigger from the trigger panel. Nothing is
 * imported and no node is opened by URL. Screenshots of every step go to test-output/editor/.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { chromium, selectors } from 'playwright-core';

import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { PUBLIC_HOST_NAMES_PRELOAD, publicLooking } from '../support/public-host';
import { CREDENTIAL_CHECK_PATH, DECLARED, endpointOf } from '../support/operations';
import { N8nServer, OWNER } from './n8n-server';

const api = new MockAifaceswapApi();
// public-host-names: the saved credential's Base URL http://api.aifaceswap.test:<port> looks like
// an API on the internet in the screenshots (as the README's setup has it) and reaches the mock API
const n8n = new N8nServer('editor', { env: { NODE_OPTIONS: `--require ${PUBLIC_HOST_NAMES_PRELOAD}` } });
/** A Callback URL as the README's Quick start builds it: a trigger's Production URL and its Secret Token. */
const CALLBACK_URL = 'https://n8n.aifaceswap.test/webhook/3f6c2a1e-8d4b-4c7a-9e21-5b0d7f9a6c13/task_callback?token=my-secret-token';
const screenshots = path.resolve(__dirname, '..', '..', 'test-output', 'editor');
let browser: Browser;
let page: Page;

beforeAll(async () => {
	fs.mkdirSync(screenshots, { recursive: true });
	selectors.setTestIdAttribute('data-test-id');
	await api.start();
	await n8n.start();
	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	page.setDefaultTimeout(20_000);
	await page.goto(`${n8n.url}/signin`);
	await page.getByLabel(/email/i).first().fill(OWNER.email);
	await page.getByLabel(/password/i).first().fill(OWNER.password);
	await page.getByRole('button', { name: /sign in/i }).click();
	await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 60_000 });
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await n8n.stop();
	await api.stop();
});

async function shot(name: string, target: Page | Locator = page): Promise<void> {
	await page.waitForTimeout(300);
	await target.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

const text = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, ' ');
const nodePanel = () => page.getByTestId('node-creator');
const panelItem = (name: string | RegExp) => nodePanel().getByTestId('node-creator-item-name').filter({ hasText: name });
const ndv = () => page.getByTestId('ndv');

/** A new, empty workflow with its "Add first step" button, which opens "What triggers this workflow?". */
async function newWorkflow(): Promise<void> {
	await page.goto(`${n8n.url}/workflow/new`);
	await page.getByTestId('canvas-add-button').waitFor({ state: 'visible', timeout: 60_000 });
}

async function search(query: string): Promise<void> {
	await nodePanel().getByTestId('node-creator-search-bar').fill(query);
	await page.waitForTimeout(300);
}

/** A new workflow with n8n's manual trigger, and the node panel opened from its "+" ("What happens next?"). */
async function openWhatHappensNext(): Promise<void> {
	await newWorkflow();
	await page.getByTestId('canvas-add-button').click();
	await search('manual');
	await panelItem(/manual/i).first().click();
	await page.getByTestId('canvas-handle-plus').first().waitFor({ state: 'visible' });
	await page.keyboard.press('Escape');
	await page.getByTestId('canvas-handle-plus').first().click();
	await nodePanel().getByText('What happens next?').waitFor({ state: 'visible' });
}

/** From "What happens next?": search, open Aifaceswap, pick the action; the node's panel opens. */
async function addAction(action: string, query = 'aifaceswap'): Promise<void> {
	await search(query);
	await panelItem('Aifaceswap').first().click();
	await panelItem(action).click();
	await ndv().waitFor({ state: 'visible', timeout: 15_000 });
	await ndv().getByTestId('parameter-input-operation').waitFor({ state: 'visible' });
}

const ACTIONS = [
	'Swap a face in an image',
	'Extract faces from an image',
	'Swap multiple faces in an image',
	'Swap a face in a video',
	'Extract faces from a video frame',
	'Swap multiple faces in a video',
];

describe('the node panel', () => {
	test.each(['aifaceswap', 'face swap', 'swap face'])('"What triggers this workflow?" finds the trigger by "%s"', async (query) => {
		await newWorkflow();
		await page.getByTestId('canvas-add-button').click();
		await nodePanel().getByText('What triggers this workflow?').waitFor({ state: 'visible' });
		await search(query);
		await panelItem('Aifaceswap').first().waitFor({ state: 'visible' });
		await shot(`1-trigger-panel-search-${query.replace(/ /g, '-')}`, nodePanel());
		await expect(panelItem('Aifaceswap').count()).resolves.toBe(1);
	});

	test.each(['aifaceswap', 'face swap', 'swap face'])('"What happens next?" finds the node by "%s", with every action and the trigger', async (query) => {
		await openWhatHappensNext();
		await search(query);
		await shot(`2-next-panel-search-${query.replace(/ /g, '-')}`, nodePanel());
		await panelItem('Aifaceswap').first().click();
		await nodePanel().getByText(/Actions \(\d+\)/).waitFor({ state: 'visible' });
		const details = await text(nodePanel());
		await shot('3-next-panel-actions', nodePanel());
		expect(details).toContain(`Actions (${DECLARED.length})`);
		expect(details).toMatch(/Triggers \(\d\)/);
		// The package's one entry shows the trigger's description: it must fit the actions too.
		expect(details).toContain('Face swaps with aifaceswap.io');
		expect(details).not.toContain('Starts the workflow when aifaceswap sends');
		for (const action of ACTIONS) expect(details).toContain(action);
	});
});

describe('a first swap, from the node panel to the output', () => {
	test('pick "Swap a face in an image": the node opens asking for a credential', async () => {
		await openWhatHappensNext();
		await addAction('Swap a face in an image', 'face swap');
		await shot('4-swap-face-node');
		expect(await text(ndv())).toContain('Connect to Aifaceswap');
	});

	test('the credential modal: a wrong key fails n8n\'s connection test with the API\'s reason, and no task is created', async () => {
		await ndv().getByTestId('node-credentials-slot').getByRole('button', { name: /Connect to Aifaceswap/ }).click();
		const modal = page.getByTestId('editCredential-modal');
		await modal.getByTestId('parameter-input-apiKey').locator('input').fill('a-wrong-key');
		await modal.getByTestId('parameter-input-baseUrl').locator('input').fill(api.url);
		await page.getByTestId('credential-save-button').click();
		await modal.getByText('Couldn’t connect with these settings').waitFor({ state: 'visible', timeout: 30_000 });
		await modal.getByText('More details').click();
		await shot('5-credential-test-failed', modal);
		expect(await text(modal)).toContain('The aifaceswap API rejected this API key');
		expect(api.tasks).toHaveLength(0);
	});

	test('the right key with a Base URL where no aifaceswap API answers (HTTP 404): n8n\'s connection test fails and says so', async () => {
		const modal = page.getByTestId('editCredential-modal');
		api.reset();
		await modal.getByTestId('parameter-input-apiKey').locator('input').fill(MOCK_API_KEY);
		// A common slip: the Base URL with /api at the end
		await modal.getByTestId('parameter-input-baseUrl').locator('input').fill(`${api.url}/api`);
		const tested = page.waitForResponse((r) => r.url().includes('/rest/credentials/test'), { timeout: 30_000 });
		await page.getByTestId('credential-save-button').click();
		await tested;
		await modal.getByText('Couldn’t connect with these settings').waitFor({ state: 'visible', timeout: 30_000 });
		const expected = `No aifaceswap API at ${api.url}/api/api/aifaceswap/v1/ (HTTP 404 Not Found`;
		const details = modal.getByText(expected, { exact: false });
		if (!(await details.isVisible())) await modal.getByText('More details').click();
		await details.waitFor({ state: 'visible' });
		await shot('5b-credential-test-no-api-at-base-url', modal);
		expect(await text(modal)).toContain(`${expected}, code 404: Not Found): check the Base URL.`);
		expect(await text(modal)).not.toContain(MOCK_API_KEY);
		expect(api.requests.map((r) => [r.path, r.status])).toEqual([[`/api${CREDENTIAL_CHECK_PATH}`, 404]]);
		expect(api.tasks).toHaveLength(0);
	});

	test('the right key: the credential is saved and n8n shows "Connection tested successfully"', async () => {
		const modal = page.getByTestId('editCredential-modal');
		await modal.getByTestId('parameter-input-apiKey').locator('input').fill(MOCK_API_KEY);
		await modal.getByTestId('parameter-input-baseUrl').locator('input').fill(publicLooking(api.url));
		await page.getByTestId('credential-save-button').click();
		// n8n closes the modal once a new credential tests well; open it again to see the result.
		await modal.waitFor({ state: 'hidden', timeout: 30_000 });
		await ndv().getByTestId('credential-edit-button').click();
		await modal.getByText('Connection tested successfully').waitFor({ state: 'visible', timeout: 30_000 });
		await shot('6-credential-test-success', modal);
		expect(api.tasks).toHaveLength(0);
		// Close the modal only: Escape would close the node's panel too.
		await modal.locator('button[aria-label=Close], .el-dialog__headerbtn').first().click();
		await modal.waitFor({ state: 'hidden' });
		await ndv().waitFor({ state: 'visible' });
	});

	test('fill the URLs: without a Callback URL the hint says where the result goes; with one it is gone', async () => {
		await ndv().getByTestId('parameter-input-sourceImageUrl').locator('input').fill(SOURCE_URL);
		await ndv().getByTestId('parameter-input-faceImageUrl').locator('input').fill(FACE_URL);
		const hint = ndv().getByTestId('output-panel').getByText('Submit Only without a Callback URL', { exact: false });
		await hint.waitFor({ state: 'visible' });
		await shot('7a-submit-only-hint');
		expect(await text(ndv().getByTestId('output-panel'))).toContain('Submit Only without a Callback URL: aifaceswap shows the result in your aifaceswap.io account only');
		await ndv().getByTestId('parameter-input-webhookUrl').locator('input').fill(CALLBACK_URL);
		await hint.waitFor({ state: 'hidden' });
		expect(api.tasks).toHaveLength(0);
	});

	test('Execute step: the output panel shows taskId, credits and estimatedCredits; the task goes to the Callback URL', async () => {
		await ndv().getByTestId('node-execute-button').click();
		const output = ndv().getByTestId('output-panel');
		await output.getByText('estimatedCredits').waitFor({ state: 'visible', timeout: 30_000 });
		await shot('7-swap-face-output');
		expect(api.tasks).toHaveLength(1);
		const shown = await text(output);
		expect(shown).toContain('taskId');
		expect(shown).toContain('credits');
		expect(shown).toContain(api.tasks[0].taskId);
		expect(shown).not.toContain('Submit Only without a Callback URL');
		const [request] = api.apiRequests(endpointOf('image', 'swapFace'));
		expect(request.body).toMatchObject({ source_image: SOURCE_URL, face_image: FACE_URL, webhook: CALLBACK_URL });
	});

	test('Wait for Result shows its notice and hides the Callback URL', async () => {
		await ndv().getByTestId('parameter-input-resultMode').click();
		await page.getByRole('option', { name: 'Wait for Result' }).click();
		await page.waitForTimeout(300);
		await shot('8-wait-for-result');
		const shown = await text(ndv());
		expect(shown).toContain('This execution will pause until aifaceswap sends the result');
		expect(shown).not.toContain('Callback URL');
		// the hint is gone: Wait for Result delivers the result to this execution
		expect(shown).not.toContain('Submit Only without a Callback URL');
	});
});

const swapCommon = ['Result Mode', 'Callback URL'];

describe('every action from the node panel shows its fields and not the others', () => {
	test.each([
		['Swap a face in an image', ['Source Image Input', 'Source Image URL', 'Face Image Input', 'Face Image URL', ...swapCommon], ['Duration', 'Enhance', 'Frame Input', 'Faces']],
		['Extract faces from an image', ['Image Input', 'Image URL'], ['Result Mode', 'Callback URL', 'Duration']],
		['Swap multiple faces in an image', ['Source Image URL', 'Faces', ...swapCommon], ['Source Image Input', 'Duration', 'References']],
		// The length is read from the video by default: Duration (Seconds) shows only with Duration Source: Manual.
		['Swap a face in a video', ['Source Video URL', 'Face Image URL', 'Duration Source', 'Enhance', ...swapCommon], ['Source Image Input', 'References', 'Frame Input', 'Duration (Seconds)']],
		['Extract faces from a video frame', ['Frame Input', 'Frame Binary Property'], ['Result Mode', 'Source Video URL', 'Frame Base64']],
		['Swap multiple faces in a video', ['Source Video URL', 'References', 'Duration Source', 'Enhance', ...swapCommon], ['Faces', 'Frame Input', 'Duration (Seconds)']],
	])('%s', async (action, shown, hidden) => {
		await openWhatHappensNext();
		await addAction(action);
		await shot(`action-${action.toLowerCase().replace(/ /g, '-')}`);
		const fields = await text(ndv());
		// The credential made above is picked for the new node by itself.
		expect(fields).not.toContain('Connect to Aifaceswap');
		for (const label of shown) expect(fields).toContain(label);
		for (const label of hidden) expect(fields).not.toContain(label);
	});
});

test('the trigger from "What triggers this workflow?": its events listed, its URL, its setup notice', async () => {
	await newWorkflow();
	await page.getByTestId('canvas-add-button').click();
	await search('aifaceswap');
	await panelItem('Aifaceswap').first().click();
	// n8n lists a trigger's events as separate entries; picking one selects that event.
	await panelItem('On task failed').waitFor({ state: 'visible' });
	await shot('9-trigger-panel-events', nodePanel());
	await panelItem('On task succeeded').click();
	await ndv().getByText("Copy this node's Production URL", { exact: false }).waitFor({ state: 'visible' });
	await shot('10-trigger');
	const shown = await text(ndv());
	expect(shown).toContain("Copy this node's Production URL");
	expect(shown).toContain('WEBHOOK_URL');
	expect(shown).toMatch(/Events (Fixed Expression )?Task Succeeded/);
	expect(shown).not.toContain('Task Failed');
	await page.getByText(/Webhook URLs?/i).first().click();
	await page.getByText('Production URL', { exact: false }).first().click();
	await shot('11-trigger-urls');
	expect(await text(ndv())).toMatch(/\/webhook\/[0-9a-f-]{36}\/task_callback/);
});

describe('a swap\'s editor shows only what acts', () => {
	/** The names the Options collection offers under its "Add Option" button (n8n 2.x: a dropdown menu, 1.x: a select). */
	async function offeredOptions(): Promise<string[]> {
		const button = ndv().locator('[data-test-id^="collection-parameter-add"]').filter({ visible: true }).first();
		const list = page.locator('[role=menuitem], [role=option], .el-select-dropdown__item').filter({ visible: true });
		for (let attempt = 1; ; attempt++) {
			await button.click();
			await page.waitForTimeout(500);
			const names = (await list.allInnerTexts()).map((name) => name.trim()).filter((name) => name !== '');
			await page.keyboard.press('Escape');
			await page.waitForTimeout(300);
			// A click while the list closes only closes it: ask again.
			if (names.length > 0 || attempt === 3) return names;
		}
	}

	const WAIT_ONLY = ['Download Result', 'Wait Limit (Minutes)'];

	test('Submit Only offers Concurrency and none of the Wait for Result options; Wait for Result the reverse', async () => {
		await openWhatHappensNext();
		await addAction('Swap a face in an image', 'face swap');
		const submitOnly = await offeredOptions();
		await shot('12-options-submit-only');
		expect(submitOnly).toEqual(expect.arrayContaining(['Concurrency', 'Max Credits', 'Skip Already Submitted', 'Value to Dedupe On']));
		for (const name of WAIT_ONLY) expect(submitOnly).not.toContain(name);

		await ndv().getByTestId('parameter-input-resultMode').click();
		await page.getByRole('option', { name: 'Wait for Result' }).click();
		await page.waitForTimeout(300);
		const wait = await offeredOptions();
		await shot('13-options-wait-for-result');
		expect(wait).toEqual(expect.arrayContaining([...WAIT_ONLY, 'Max Credits', 'Skip Already Submitted']));
		expect(wait).not.toContain('Concurrency');
	});

	test('Result Mode takes no expression (one value per run); its description says so', async () => {
		const resultMode = ndv().getByTestId('parameter-item').filter({ has: page.getByTestId('parameter-input-resultMode') });
		await resultMode.hover();
		await shot('14-result-mode');
		expect(await text(resultMode)).not.toMatch(/Expression/);
		const sourceUrl = ndv().getByTestId('parameter-item').filter({ has: page.getByTestId('parameter-input-sourceImageUrl') });
		await sourceUrl.hover();
		// A field that takes expressions shows n8n's Fixed / Expression switch on hover.
		expect(await text(sourceUrl)).toMatch(/Expression/);
	});

	test('Duration (Seconds) cannot be set to 0, which the node refuses', async () => {
		await openWhatHappensNext();
		await addAction('Swap a face in a video', 'face swap');
		await ndv().getByTestId('parameter-input-durationSource').click();
		await page.getByRole('option', { name: 'Manual' }).click();
		const duration = ndv().getByTestId('parameter-input-duration').locator('input');
		await duration.fill('0');
		await duration.blur();
		await page.waitForTimeout(300);
		await shot('15-duration-minimum');
		expect(Number(await duration.inputValue())).toBeGreaterThan(0);
	});
});
