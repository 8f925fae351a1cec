/**
 * A stand-in for n8n's webhook server on 127.0.0.1: express parses the request as n8n does, the
 * node's webhook() runs in n8n-core's real WebhookContext, and when the node did not answer
 * itself the server answers as n8n does ("Workflow was started" / "Webhook call received").
 *   POST /webhook/<webhookId>/task_callback  -> the Aifaceswap Trigger (production URL)
 *   POST /webhook-waiting/<executionId>      -> resumes a waiting Aifaceswap execution
 */
import express from 'express';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

import type { RunResult } from './n8n';
import { callTrigger, resumeWaitingExecution } from './n8n';
import { Aifaceswap } from '../../nodes/Aifaceswap/Aifaceswap.node';
import { AifaceswapTrigger } from '../../nodes/AifaceswapTrigger/AifaceswapTrigger.node';

const TRIGGER_RESPONSE_DATA = new AifaceswapTrigger().description.webhooks![0].responseData as string | undefined;
const RESUME_RESPONSE_DATA = new Aifaceswap().description.webhooks![0].responseData as string | undefined;

export class WebhookServer {
	url = '';
	/** The trigger's parameters and credential, and its workflow's settings and execution mode. */
	trigger: { parameters: IDataObject; credentials?: { baseUrl: string }; workflow?: Parameters<typeof callTrigger>[3] } = { parameters: {} };
	/** Executions the trigger started: each is the workflow data it returned. */
	started: INodeExecutionData[][][] = [];
	/** Waiting executions by id, and what resuming them gave. */
	waiting = new Map<string, RunResult>();
	resumed = new Map<string, NonNullable<Awaited<ReturnType<typeof resumeWaitingExecution>>['resumed']>>();
	errors: Error[] = [];
	private server?: http.Server;

	async start(): Promise<this> {
		const app = express();
		app.use(express.json({ limit: '16mb' }));
		app.use(express.urlencoded({ extended: false, limit: '16mb' }));
		app.post('/webhook/:webhookId/task_callback', (req, res) => {
			void this.answer(res, TRIGGER_RESPONSE_DATA, async () => {
				const result = await callTrigger(this.trigger.parameters, { req, res }, this.trigger.credentials, this.trigger.workflow);
				if (result.workflowData) this.started.push(result.workflowData);
				return result;
			});
		});
		app.post('/webhook-waiting/:executionId', (req, res) => {
			void this.answer(res, RESUME_RESPONSE_DATA, async () => {
				const paused = this.waiting.get(req.params.executionId);
				if (!paused) {
					res.status(404).json({ message: `The execution "${req.params.executionId}" does not exist.` });
					return { noWebhookResponse: true };
				}
				const { response, resumed } = await resumeWaitingExecution(paused, { req, res });
				if (resumed) {
					this.waiting.delete(req.params.executionId);
					this.resumed.set(req.params.executionId, resumed);
				}
				return response;
			});
		});
		await new Promise<void>((resolve) => {
			this.server = app.listen(0, '127.0.0.1', () => resolve());
		});
		this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
		return this;
	}

	triggerUrl(query = ''): string {
		return `${this.url}/webhook/c0ffee00-0000-4000-8000-000000000001/task_callback${query}`;
	}

	reset(): void {
		this.trigger = { parameters: {} };
		this.started = [];
		this.waiting.clear();
		this.resumed.clear();
		this.errors = [];
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}

	private async answer(res: express.Response, responseData: string | undefined, run: () => Promise<IWebhookResponseData>): Promise<void> {
		try {
			const result = await run();
			if (result.noWebhookResponse || res.headersSent) return;
			if (!result.workflowData) {
				res.status(200).json({ message: 'Webhook call received' });
				return;
			}
			// n8n's rule for responseMode "onReceived" (webhook-on-received-response-extractor in
			// n8n 2.40): the description's responseData, 'firstEntryJson' when it has none, is sent
			// as it is, as text; when it is empty: the node's webhookResponse, else the message below.
			const data = responseData ?? 'firstEntryJson';
			if (data === 'noData') res.status(200).end();
			else if (data) res.status(200).type('text/html').send(data);
			else res.status(200).json(result.webhookResponse ?? { message: 'Workflow was started' });
		} catch (error) {
			this.errors.push(error as Error);
			if (!res.headersSent) res.status(500).json({ message: 'Error in workflow', error: (error as Error).message });
		}
	}
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: IDataObject }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let json: IDataObject = {};
	try {
		json = JSON.parse(text) as IDataObject;
	} catch {
		json = { text };
	}
	return { status: response.status, json };
}

/** Starts the stand-in webhook server for a test file, fresh state for each test. */
export function useWebhookServer(): WebhookServer {
	const server = new WebhookServer();
	beforeAll(async () => {
		await server.start();
	});
	beforeEach(() => server.reset());
	afterAll(async () => server.stop());
	return server;
}
