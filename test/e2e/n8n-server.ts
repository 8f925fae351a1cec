/**
 * A real n8n (the pinned version, on Node 24) with this package installed as a community package,
 * on loopback with a fresh user folder, driven over its REST API like a user's browser would.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { parse } from 'flatted';
import type { IConnections, IDataObject, INode, IRunExecutionData } from 'n8n-workflow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { installPackage } = require('../../scripts/install-package');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startN8n } = require('../../scripts/n8n-instance');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureRuntime, paths } = require('../../scripts/n8n-runtime');

/** The n8n version the tests run against (N8N_MAJOR=1: the tested n8n 1.x). */
export const N8N_VERSION: string = paths().n8nVersion;

export const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Passw0rd-e2e-1' };

export interface WorkflowFile {
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IDataObject;
	id?: string;
}

export interface Execution {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	data: IRunExecutionData;
	workflowId: string;
}

/** The user folder of an n8n the tests start by this name (settings, database, installed packages). */
export function userFolderOf(name: string): string {
	return path.resolve(__dirname, '..', '..', '.cache', 'e2e', name);
}

/** Makes a fresh user folder with this package installed the way users install it. */
export function prepareUserFolder(userFolder: string, extraPackages: string[] = []): void {
	fs.rmSync(userFolder, { recursive: true, force: true });
	installPackage(userFolder);
	for (const packageDir of extraPackages) installPackage(userFolder, packageDir);
}

export class N8nServer {
	url = '';
	userFolder: string;
	private port?: number;
	private stopN8n?: () => Promise<void>;
	private child?: ChildProcess;
	private cookie = '';

	/**
	 * `env`: more n8n settings; `extraPackages`: folders of other community packages to install too;
	 * `logName`: the log file in the user folder (several processes can share one folder); `port`:
	 * n8n's port (a free one when not given).
	 */
	constructor(
		readonly name: string,
		private readonly options: { env?: Record<string, string>; extraPackages?: string[]; logName?: string; port?: number } = {},
	) {
		this.userFolder = userFolderOf(name);
		this.port = options.port;
	}

	get logFile(): string {
		return path.join(this.userFolder, this.options.logName ?? 'n8n.log');
	}

	/** Starts n8n with a fresh user folder and sets up the owner. */
	async start(): Promise<void> {
		prepareUserFolder(this.userFolder, this.options.extraPackages);
		await this.launch();
		await this.rest('POST', '/rest/owner/setup', OWNER);
	}

	private async launch(): Promise<void> {
		const n8n = await startN8n({ userFolder: this.userFolder, logFile: this.logFile, env: this.options.env, port: this.port });
		this.url = n8n.url;
		this.port = n8n.port;
		this.stopN8n = n8n.stop;
		this.child = n8n.child;
	}

	/** The n8n process's id (its memory is read from /proc/<pid>/status). */
	get pid(): number {
		if (this.child?.pid === undefined) throw new Error('n8n is not running');
		return this.child.pid;
	}

	/** Stops n8n and starts it again on the same port, folder and database, as a user's restart does. */
	async restart(): Promise<void> {
		await this.stop();
		await this.launch();
		// older n8n 1.x reads `email`, n8n 1.123 and 2.x `emailOrLdapLoginId`
		await this.rest('POST', '/rest/login', { email: OWNER.email, emailOrLdapLoginId: OWNER.email, password: OWNER.password });
	}

	async stop(): Promise<void> {
		await this.stopN8n?.();
	}

	/** Rows of n8n's SQLite database (read with the Node.js that runs n8n, which has node:sqlite). */
	sqlite(query: string): IDataObject[] {
		const database = path.join(this.userFolder, '.n8n', 'database.sqlite');
		const script = `const { DatabaseSync } = require('node:sqlite');
			const db = new DatabaseSync(process.argv[1], { readOnly: true });
			process.stdout.write(JSON.stringify(db.prepare(process.argv[2]).all()));`;
		const output = execFileSync(ensureRuntime().node, ['--no-warnings', '-e', script, database, query], { encoding: 'utf8' });
		return JSON.parse(output) as IDataObject[];
	}

	async rest<T = IDataObject>(method: string, urlPath: string, body?: unknown): Promise<T> {
		const send = async () =>
			await fetch(`${this.url}${urlPath}`, {
				method,
				headers: { 'Content-Type': 'application/json', cookie: this.cookie, 'browser-id': 'e2e' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
		// A kept-alive connection that n8n closed while idle fails the next request on it ("other
		// side closed"); a GET is asked again on a new one.
		const response = await send().catch(async (error: unknown) => {
			if (method !== 'GET') throw error;
			return await send();
		});
		const setCookie = response.headers.get('set-cookie');
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${urlPath}: HTTP ${response.status} ${text.slice(0, 500)}`);
		return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
	}

	async createCredential(name: string, type: string, data: IDataObject): Promise<string> {
		const created = await this.rest<{ id: string }>('POST', '/rest/credentials', { name, type, data });
		return created.id;
	}

	async testCredential(type: string, data: IDataObject): Promise<{ status: string; message: string }> {
		if (!N8N_VERSION.startsWith('1.')) {
			return await this.rest('POST', '/rest/credentials/test', { credentials: { id: '', name: 'test', type, data } });
		}
		// n8n 1.x tests only a credential the user has saved, as its editor saves it first
		const id = await this.createCredential(`test ${Date.now()}`, type, data);
		try {
			return await this.rest('POST', '/rest/credentials/test', { credentials: { id, name: 'test', type, data } });
		} finally {
			await this.rest('DELETE', `/rest/credentials/${id}`);
		}
	}

	/** Imports a workflow; activates it when asked and waits until its webhooks answer. */
	async importWorkflow(workflow: WorkflowFile, { activate = false } = {}): Promise<{ id: string }> {
		const { id: _ignored, ...rest } = workflow;
		const created = await this.rest<{ id: string; versionId: string }>('POST', '/rest/workflows', {
			...rest,
			settings: workflow.settings ?? { executionOrder: 'v1' },
			active: false,
		});
		if (activate) await this.activate(created.id, created.versionId);
		return { id: created.id };
	}

	async activate(id: string, versionId: string): Promise<void> {
		if (N8N_VERSION.startsWith('1.')) {
			// n8n 1.x activates at once, with the workflow's own update call
			await this.rest('PATCH', `/rest/workflows/${id}`, { versionId, active: true });
			return;
		}
		await this.rest('POST', `/rest/workflows/${id}/activate`, { versionId });
		for (let waited = 0; waited < 120; waited++) {
			const status = await this.rest<IDataObject>('GET', `/rest/workflows/${id}/publication-status`).catch(() => ({}) as IDataObject);
			if (JSON.stringify(status).match(/"(status|state)":"(published|active|done|completed)"/i) || status.isPublished === true) return;
			const workflow = await this.rest<{ activeVersionId: string | null; active: boolean }>('GET', `/rest/workflows/${id}`);
			if (workflow.active && workflow.activeVersionId && waited > 2) return;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		throw new Error(`Workflow ${id} did not become active`);
	}

	async executions(workflowId: string): Promise<Array<{ id: string; status: string }>> {
		const list = await this.rest<{ results: Array<{ id: string; status: string }> }>(
			'GET',
			`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=100`,
		);
		return list.results;
	}

	/** How many executions of the workflow there are (with one of these statuses, if given). */
	async executionCount(workflowId: string, status?: string[]): Promise<number> {
		const filter = status ? { workflowId, status } : { workflowId };
		const list = await this.rest<{ count: number }>('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify(filter))}&limit=1`);
		return list.count;
	}

	async execution(id: string): Promise<Execution> {
		const execution = await this.rest<Omit<Execution, 'data'> & { data: string }>('GET', `/rest/executions/${id}`);
		return { ...execution, data: parse(execution.data) as IRunExecutionData };
	}

	/** Waits until an execution of the workflow has ended (or is waiting, if asked). */
	async waitForExecution(workflowId: string, { count = 1, statuses = ['success', 'error', 'crashed'] } = {}): Promise<Execution> {
		for (let waited = 0; waited < 600; waited++) {
			const done = (await this.executions(workflowId)).filter((e) => statuses.includes(e.status));
			if (done.length >= count) return await this.execution(done.sort((a, b) => Number(b.id) - Number(a.id))[0].id);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`No execution of workflow ${workflowId} reached ${statuses.join('/')}`);
	}
}

/** The output items of a node in an execution (its last run, first output). */
export function nodeOutput(execution: Execution, nodeName: string): Array<{ json: IDataObject; binary?: IDataObject }> {
	const runs = execution.data.resultData.runData[nodeName] ?? [];
	return (runs[runs.length - 1]?.data?.main?.[0] ?? []) as Array<{ json: IDataObject; binary?: IDataObject }>;
}
