/**
 * The API key must not show up anywhere a user or an admin could read it: output items, error
 * messages and descriptions, the stored run data, and log lines, whatever way the request ended.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { LoggerProxy } from 'n8n-workflow';
import type { Logger } from 'n8n-workflow';

import { FACE_URL, photoFile, SOURCE_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import type { RunResult } from '../support/n8n';
import { runAifaceswap } from '../support/n8n';

const api = useMockApi();

const KEY = 'sk-secret-9d41c7aa53e24b06';
const logLines: string[] = [];

const capture =
	(level: string) =>
	(message: string, meta?: object): void => {
		let metaText = '';
		try {
			metaText = JSON.stringify(meta ?? {});
		} catch {
			metaText = String(meta);
		}
		logLines.push(`${level} ${message} ${metaText}`);
	};

beforeAll(() => {
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			logLines.push(`console.${method} ${args.map(String).join(' ')}`);
		});
	}
});
beforeEach(() => {
	api.apiKey = KEY;
	logLines.length = 0;
	// n8n-core points LoggerProxy at its own logger now and then; every log call of a test comes here
	LoggerProxy.init({
		error: capture('error'),
		warn: capture('warn'),
		info: capture('info'),
		debug: capture('debug'),
	} as unknown as Logger);
});
afterAll(() => jest.restoreAllMocks());

/** Everything of a run that ends up in n8n's database, UI or logs, as text. */
function everything(result: RunResult): string {
	const error = result.error as (Error & Record<string, unknown>) | undefined;
	const errorParts = error
		? [error.message, error.description, error.stack, JSON.stringify(error), JSON.stringify(error.context), JSON.stringify(error.cause ?? null)]
		: [];
	const seen = new WeakSet();
	const runData = JSON.stringify(result.run?.data ?? null, (_key, value: unknown) => {
		if (typeof value === 'object' && value !== null) {
			if (seen.has(value)) return '[seen]';
			seen.add(value);
		}
		return value;
	});
	return [JSON.stringify(result.output ?? null), ...errorParts.map(String), runData, ...logLines].join('\n');
}

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL };

async function closedPortUrl(): Promise<string> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}

describe('the API key appears in no output, error or log line', () => {
	const cases: Array<[string, () => Promise<RunResult>, RunResult['status']]> = [
		['success', async () => await runAifaceswap({ baseUrl: api.url, apiKey: KEY, parameters: imageSwap }), 'success'],
		[
			'success with a binary upload',
			async () =>
				await runAifaceswap({
					baseUrl: api.url,
					apiKey: KEY,
					parameters: { ...imageSwap, sourceImageInput: 'binary' },
					items: [{ binary: { data: photoFile } }],
				}),
			'success',
		],
		[
			'a wrong key (HTTP 401)',
			async () => {
				api.apiKey = 'the-right-key';
				return await runAifaceswap({ baseUrl: api.url, apiKey: KEY, parameters: imageSwap });
			},
			'error',
		],
		[
			'an API error',
			async () => {
				api.fail({ status: 400, body: { code: 400, message: 'face not detected in face_image' } });
				return await runAifaceswap({ baseUrl: api.url, apiKey: KEY, parameters: imageSwap });
			},
			'error',
		],
		[
			'an API error as an error item (Continue On Fail)',
			async () => {
				api.fail({ status: 500, body: '<html>Internal Server Error</html>' });
				return await runAifaceswap({ baseUrl: api.url, apiKey: KEY, parameters: imageSwap, continueOnFail: true });
			},
			'success',
		],
		[
			'a refused connection',
			async () => await runAifaceswap({ baseUrl: await closedPortUrl(), apiKey: KEY, parameters: imageSwap }),
			'error',
		],
		[
			'a connection dropped after sending',
			async () => {
				api.fail({ drop: true });
				return await runAifaceswap({ baseUrl: api.url, apiKey: KEY, parameters: imageSwap });
			},
			'error',
		],
		[
			'a network error as an error item (Continue On Fail)',
			async () => {
				api.fail({ drop: true, processFirst: true });
				return await runAifaceswap({ baseUrl: api.url, apiKey: KEY, parameters: imageSwap, continueOnFail: true });
			},
			'success',
		],
		[
			'a validation error',
			async () => await runAifaceswap({ baseUrl: api.url, apiKey: KEY, parameters: { ...imageSwap, sourceImageUrl: 'nope' } }),
			'error',
		],
	];

	test.each(cases)('%s', async (_name, runCase, status) => {
		const result = await runCase();
		expect(result.status).toBe(status);
		expect(logLines.length).toBeGreaterThan(0);
		const text = everything(result);
		expect(text.length).toBeGreaterThan(100);
		expect(text).not.toContain(KEY);
		expect(text).not.toContain(KEY.slice(3, 19));
	});

	test('the check itself can fail: the key is found where it is', () => {
		logLines.push(`debug Authorization: Bearer ${KEY}`);
		expect(everything({ status: 'success' } as RunResult)).toContain(KEY);
	});
});
