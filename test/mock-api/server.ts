/**
 * A local stand-in for the aifaceswap API: every endpoint the operations declare (test/api/facts.test.ts
 * holds the declarations to the API documentation), with their body fields, answers and prices, Bearer
 * auth, JSON and multipart bodies, and the task_callback POST, with the declared `type`, to each task's
 * `webhook`. It records every request and can be told to fail.
 *
 * Where the documentation is silent, it assumes: a bad key gets HTTP 401 `{code: 401}`, a missing
 * or invalid field gets HTTP 400 `{code: 400}` naming the field, and nothing is charged for either.
 */
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';

import type { AifaceswapDeclaration } from '../../nodes/Aifaceswap/actions/node.type';
import type { OperationDeclaration } from '../../nodes/Aifaceswap/actions/operation';
import type { OperationRegistry } from '../../nodes/Aifaceswap/actions/router';
import { REGISTRY } from '../../nodes/Aifaceswap/actions/router';
import type { VideoPriceInputs } from '../../nodes/Aifaceswap/pricing/credits';
import { creditsOf } from '../../nodes/Aifaceswap/pricing/credits';
import { LoopbackServer } from '../support/loopback-server';
import { MockFiles } from './files';
import { GeneratedFiles } from './generated-files';

export const MOCK_API_KEY = 'test-key-5f2c8e1a9b7d';

/** The endpoints the operations declare. */
export type EndpointName = AifaceswapDeclaration['endpoint'];

/** The callback types the operations declare. */
export type CallbackType = Extract<AifaceswapDeclaration, { callbackType: number }>['callbackType'];

export interface RecordedFile {
	fileName: string;
	mimeType: string;
	size: number;
	sha256: string;
}

export interface RecordedRequest {
	method: string;
	path: string;
	endpoint?: EndpointName;
	headers: http.IncomingHttpHeaders;
	contentType: string;
	/** The JSON body, or the multipart text fields (arrays where a field repeats). */
	body: Record<string, unknown>;
	files: Record<string, RecordedFile>;
	status: number;
	taskId?: string;
	/** Date.now() when the request arrived and when it was answered (or dropped). */
	receivedAt: number;
	answeredAt?: number;
}

/** A scripted answer for the next matching request(s), instead of the normal one. */
export interface Fault {
	endpoint?: EndpointName;
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Destroy the connection without an answer (after reading the request). */
	drop?: boolean;
	/** Only for requests whose raw body contains this text (e.g. an item's URL). */
	match?: string;
	/** Wait this long before answering; alone (no status, body or drop) the answer is then the normal one. */
	delayMs?: number;
	/** Create (and charge) the task before failing, as a gateway timeout after processing would. */
	processFirst?: boolean;
	times?: number;
}

export interface CallbackRecord {
	url: string;
	body: Record<string, unknown>;
	status: number | string;
	answer?: string;
}

export interface Task {
	taskId: string;
	endpoint: EndpointName;
	type: CallbackType;
	webhook?: string;
	points: number;
}

/** The callback `type` of each endpoint that creates a task, as the node's operations declare it. */
export function callbackTypes(registry: OperationRegistry = REGISTRY): Partial<Record<string, CallbackType>> {
	const declarations = Object.values(registry).flat().map(({ declaration }) => declaration);
	return Object.fromEntries(declarations.filter((d) => d.callbackType !== undefined).map((d) => [d.endpoint, d.callbackType as CallbackType]));
}

const TYPE_OF = callbackTypes();

/** Each declared endpoint's declaration. */
const DECLARATIONS: Record<string, OperationDeclaration> = Object.fromEntries(
	Object.values(REGISTRY)
		.flat()
		.map(({ declaration }) => [declaration.endpoint, declaration]),
);

/** A 1x1 PNG: the result image served at /results/<task>.png. */
export const RESULT_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);

export const FACE_BOXES = [
	[146, 256, 240, 381],
	[297, 521, 371, 621],
	[441, 208, 529, 332],
];

export const FRAME_BOXES = [
	[568, 332, 655, 476],
	[1078, 170, 1169, 290],
];

class BadRequest extends Error {}

function isHttpUrl(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	try {
		const { protocol } = new URL(value);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

function isBase64(value: unknown): boolean {
	return typeof value === 'string' && value.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

export class MockAifaceswapApi extends LoopbackServer {
	apiKey = MOCK_API_KEY;
	requests: RecordedRequest[] = [];
	tasks: Task[] = [];
	callbacks: CallbackRecord[] = [];
	faults: Fault[] = [];
	latencyMs = 0;
	/** API requests being answered now, and the most there were at once since the last reset. */
	inFlight = 0;
	maxInFlight = 0;
	/** Send the task_callback by itself after a task is created. */
	autoCallback = false;
	callbackDelayMs = 20;
	callbackSuccess: 0 | 1 = 1;
	/** Files (videos, frames) served at `${url}/files/<name>`. */
	files = new MockFiles();
	/** Result files made on the fly (large, slow), served at `${url}/generated/<name>`. */
	generated = new GeneratedFiles();
	private taskCounter = 0;

	reset(): void {
		this.requests = [];
		this.tasks = [];
		this.callbacks = [];
		this.faults = [];
		this.latencyMs = 0;
		this.maxInFlight = this.inFlight;
		this.autoCallback = false;
		this.callbackDelayMs = 20;
		this.callbackSuccess = 1;
		this.files.reset();
		this.generated.reset();
	}

	fail(fault: Fault): void {
		this.faults.push({ times: 1, ...fault });
	}

	/** Requests that reached an API endpoint (not result downloads). */
	apiRequests(endpoint?: EndpointName): RecordedRequest[] {
		return this.requests.filter((r) => r.endpoint && (!endpoint || r.endpoint === endpoint));
	}

	resultUrl(taskId: string): string {
		return `${this.url}/results/${taskId}.png`;
	}

	generatedUrl(name: string): string {
		return `${this.url}/generated/${name}`;
	}

	/** POSTs a task_callback as aifaceswap does. */
	async sendCallback(
		url: string,
		body: Record<string, unknown>,
	): Promise<{ status: number; text: string }> {
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(body),
			});
			const text = await response.text();
			this.callbacks.push({ url, body, status: response.status, answer: text });
			return { status: response.status, text };
		} catch (error) {
			this.callbacks.push({ url, body, status: (error as Error).message });
			throw error;
		}
	}

	callbackBody(task: Task, success: 0 | 1 = this.callbackSuccess): Record<string, unknown> {
		return {
			success,
			type: task.type,
			task_id: task.taskId,
			result_image: success ? this.resultUrl(task.taskId) : '',
		};
	}

	private async readBody(req: http.IncomingMessage): Promise<Buffer> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks);
	}

	private async parseBody(
		contentType: string,
		raw: Buffer,
	): Promise<{ body: Record<string, unknown>; files: Record<string, RecordedFile> }> {
		if (contentType.startsWith('multipart/form-data')) {
			const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
			const body: Record<string, unknown> = {};
			const files: Record<string, RecordedFile> = {};
			for (const [name, value] of form.entries()) {
				if (typeof value === 'string') {
					body[name] = name in body ? ([] as unknown[]).concat(body[name], value) : value;
				} else {
					const data = Buffer.from(await value.arrayBuffer());
					files[name] = {
						fileName: value.name,
						mimeType: value.type,
						size: data.length,
						sha256: createHash('sha256').update(data).digest('hex'),
					};
				}
			}
			return { body, files };
		}
		if (raw.length === 0) return { body: {}, files: {} };
		if (!contentType.startsWith('application/json')) throw new BadRequest('Content-Type must be application/json or multipart/form-data');
		try {
			const parsed = JSON.parse(raw.toString('utf8'));
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
			return { body: parsed as Record<string, unknown>, files: {} };
		} catch {
			throw new BadRequest('Body is not a JSON object');
		}
	}

	private takeFault(endpoint: EndpointName | undefined, raw: Buffer): Fault | undefined {
		const index = this.faults.findIndex(
			(f) => (!f.endpoint || f.endpoint === endpoint) && (f.match === undefined || raw.includes(f.match)),
		);
		if (index === -1) return undefined;
		const fault = this.faults[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) this.faults.splice(index, 1);
		return fault;
	}

	private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const text = typeof body === 'string' ? body : JSON.stringify(body);
		res.writeHead(status, {
			'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json',
			...headers,
		});
		res.end(text);
	}

	protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = (req.url ?? '/').split('?')[0];
		if (this.files.handle(req, res, path)) return;
		if (this.generated.handle(req, res, path)) return;
		const raw = await this.readBody(req);
		const contentType = String(req.headers['content-type'] ?? '');

		if (req.method === 'GET' && path.startsWith('/results/')) {
			this.requests.push({ method: 'GET', path, headers: req.headers, contentType, body: {}, files: {}, status: 200, receivedAt: Date.now() });
			res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': RESULT_PNG.length });
			res.end(RESULT_PNG);
			return;
		}

		if (req.method === 'GET' && path === '/redirect') {
			const to = new URL(req.url ?? '/', this.url).searchParams.get('to') ?? '/';
			this.requests.push({ method: 'GET', path, headers: req.headers, contentType, body: {}, files: {}, status: 302, receivedAt: Date.now() });
			res.writeHead(302, { Location: to });
			res.end();
			return;
		}

		const match = /^\/api\/aifaceswap\/v1\/([a-z_0-9]+)$/.exec(path);
		const endpoint = match?.[1] as EndpointName | undefined;
		const record: RecordedRequest = {
			method: req.method ?? '',
			path,
			endpoint,
			headers: req.headers,
			contentType,
			body: {},
			files: {},
			status: 0,
			receivedAt: Date.now(),
		};
		this.requests.push(record);
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		res.once('close', () => {
			this.inFlight--;
			record.answeredAt = Date.now();
		});

		if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
		let fault = this.takeFault(endpoint, raw);
		if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault!.delayMs));
		if (fault && fault.status === undefined && fault.body === undefined && !fault.drop && !fault.processFirst) fault = undefined;

		const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
			record.status = status;
			this.send(res, status, body, headers);
		};

		try {
			if (!endpoint || !(endpoint in DECLARATIONS) || req.method !== 'POST') {
				answer(404, { code: 404, message: 'Not Found' });
				return;
			}
			if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
				answer(401, { code: 401, message: 'Invalid API key' });
				return;
			}
			const { body, files } = await this.parseBody(contentType, raw);
			record.body = body;
			record.files = files;
			if (fault && !fault.processFirst) {
				if (fault.drop) {
					record.status = -1;
					req.socket.destroy();
					return;
				}
				answer(fault.status ?? 500, fault.body ?? { code: fault.status ?? 500, message: 'Injected fault' }, fault.headers);
				return;
			}
			const declaration = DECLARATIONS[endpoint];
			requireDeclaredFields(declaration, body, files);
			const price = (inputs?: Partial<VideoPriceInputs>) => creditsOf(declaration.price, { durationSeconds: 0, enhance: 0, ...inputs });
			const result = (ENDPOINTS[endpoint] ?? answerTask)(body, files, price);
			let data: Record<string, unknown> = result.data;
			if (result.points !== undefined) data = { ...data, points: result.points };
			if (TYPE_OF[endpoint]) {
				const task: Task = {
					taskId: randomBytes(16).toString('hex'),
					endpoint,
					type: TYPE_OF[endpoint]!,
					webhook: typeof body.webhook === 'string' && body.webhook !== '' ? body.webhook : undefined,
					points: result.points ?? 0,
				};
				this.taskCounter++;
				this.tasks.push(task);
				record.taskId = task.taskId;
				data = { ...data, task_id: task.taskId };
				if (this.autoCallback && task.webhook) {
					const webhook = task.webhook;
					setTimeout(() => void this.sendCallback(webhook, this.callbackBody(task)).catch(() => undefined), this.callbackDelayMs);
				}
			}
			if (fault?.processFirst) {
				if (fault.drop) {
					record.status = -1;
					req.socket.destroy();
					return;
				}
				answer(fault.status ?? 504, fault.body ?? '<html>504 Gateway Time-out</html>', fault.headers);
				return;
			}
			answer(200, { code: 200, data, extra_data: {}, message: 'OK' });
		} catch (error) {
			if (error instanceof BadRequest) {
				answer(400, { code: 400, message: error.message });
				return;
			}
			answer(500, { code: 500, message: (error as Error).message });
		}
	}
}

type Handler = (
	body: Record<string, unknown>,
	files: Record<string, RecordedFile>,
	price: (inputs?: Partial<VideoPriceInputs>) => number,
) => { data: Record<string, unknown>; points?: number };

/** A body has the fields its operation declares (and `webhook` where it has a callback), and no others. */
function requireDeclaredFields(declaration: OperationDeclaration, body: Record<string, unknown>, files: Record<string, RecordedFile>): void {
	const known = [...declaration.fields, ...(declaration.callbackType === undefined ? [] : ['webhook'])];
	const unknown = [...Object.keys(body), ...Object.keys(files)].find((field) => !known.includes(field));
	if (unknown) throw new BadRequest(`${unknown} is not a field of ${declaration.endpoint}`);
	const missing = declaration.fields.find((field) => !(field in body) && !(field in files));
	if (missing) throw new BadRequest(`${missing} is required`);
}

/** The answer of an endpoint without its own below: a task, charged by the price list from the body's duration and enhance. */
const answerTask: Handler = (body, _files, price) => {
	const { duration, enhance } = body.duration === undefined ? { duration: 0, enhance: 0 } : requireDurationAndEnhance(body);
	return { data: {}, points: price({ durationSeconds: duration, enhance }) };
};

function requireImage(body: Record<string, unknown>, files: Record<string, RecordedFile>, field: string): void {
	if (files[field]) {
		if (!files[field].mimeType.startsWith('image/') || files[field].size === 0) throw new BadRequest(`${field} must be an image file`);
		return;
	}
	if (body[field] === undefined || body[field] === '') throw new BadRequest(`${field} is required`);
	if (!isHttpUrl(body[field])) throw new BadRequest(`${field} must be a complete URL`);
}

function requireDurationAndEnhance(body: Record<string, unknown>): { duration: number; enhance: number } {
	const duration = Number(body.duration);
	if (!Number.isFinite(duration) || duration <= 0) throw new BadRequest('duration must be a positive number');
	const enhance = body.enhance === undefined ? 0 : Number(body.enhance);
	if (![0, 1, 2].includes(enhance)) throw new BadRequest('enhance must be 0, 1 or 2');
	return { duration, enhance };
}

/** The mock's answer to each endpoint that checks more than its fields, or answers more than a task. */
const ENDPOINTS: Partial<Record<EndpointName, Handler>> = {
	faceswap(body, files, price) {
		requireImage(body, files, 'source_image');
		requireImage(body, files, 'face_image');
		return { data: {}, points: price() };
	},
	extract_face(body, files, price) {
		requireImage(body, files, 'img');
		return { data: { faces: FACE_BOXES }, points: price() };
	},
	multi_faceswap(body, _files, price) {
		if (!isHttpUrl(body.source_image)) throw new BadRequest('source_image must be a complete URL');
		const faces = body.face_image;
		const index = body.index;
		if (!Array.isArray(faces) || faces.length === 0 || !faces.every(isHttpUrl)) throw new BadRequest('face_image must be a list of URLs');
		if (!Array.isArray(index) || index.length !== faces.length || !index.every((i) => Number.isInteger(i) && i >= 0)) {
			throw new BadRequest('index must be a list of face indexes, one per face_image');
		}
		return { data: {}, points: price() };
	},
	video_faceswap(body, _files, price) {
		if (!isHttpUrl(body.source_video)) throw new BadRequest('source_video must be a complete URL');
		if (!isHttpUrl(body.face_image)) throw new BadRequest('face_image must be a complete URL');
		const { duration, enhance } = requireDurationAndEnhance(body);
		return { data: {}, points: price({ durationSeconds: duration, enhance }) };
	},
	extract_base64_face(body) {
		if (!isBase64(body.base64_img)) throw new BadRequest('base64_img must be a base64 image');
		return { data: { pos: FRAME_BOXES } };
	},
	multi_video_faceswap(body, _files, price) {
		if (!isHttpUrl(body.source_video)) throw new BadRequest('source_video must be a complete URL');
		const refs = body.ref_info;
		if (!Array.isArray(refs) || refs.length === 0 || refs.length > 3) throw new BadRequest('ref_info must hold 1 to 3 faces');
		for (const ref of refs as Array<Record<string, unknown>>) {
			if (!isBase64(ref?.face_ref)) throw new BadRequest('ref_info.face_ref must be a base64 image');
			if (!isHttpUrl(ref?.face_url)) throw new BadRequest('ref_info.face_url must be a complete URL');
		}
		const { duration, enhance } = requireDurationAndEnhance(body);
		return { data: {}, points: price({ durationSeconds: duration, enhance, faceCount: refs.length }) };
	},
};

/** The endpoints the mock answers: every declared one. */
export const MOCK_ENDPOINTS = Object.keys(DECLARATIONS);
