/**
 * n8n in queue mode as users run it at scale, started by the tests themselves on loopback:
 * PostgreSQL and Redis (Debian's packages, data in a temporary folder), one main process, one
 * webhook process (WEBHOOK_URL points at it, so production and resume URLs go there) and
 * workers, all with this package installed in one shared user folder and one encryption key.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { N8nServer, userFolderOf } from '../e2e/n8n-server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startN8n, freePort } = require('../../scripts/n8n-instance');

export interface Service {
	child: ChildProcess;
	port: number;
}

/** PostgreSQL's programs: the newest version Debian installed. */
function postgresBin(program: string): string {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
	const found = versions.map((version) => path.join(root, version, 'bin', program)).find((file) => fs.existsSync(file));
	if (!found) throw new Error('PostgreSQL is not installed: run node scripts/ensure-system-packages.js (apt-get install postgresql).');
	return found;
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
function asDatabaseUser(command: string, args: string[]): [string, string[]] {
	return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function waitForPort(port: number, child: ChildProcess, what: string, probe?: string, expect?: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
		const ok = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('error', () => resolve(false));
			socket.once('connect', () => {
				if (!probe) {
					socket.end();
					resolve(true);
					return;
				}
				socket.write(probe);
				socket.once('data', (data) => {
					socket.end();
					resolve(data.toString().includes(expect ?? ''));
				});
			});
		});
		if (ok) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`${what} did not start on port ${port}`);
}

export function stopService(service: Service | undefined): Promise<void> {
	return new Promise((resolve) => {
		if (!service || service.child.exitCode !== null) return resolve();
		service.child.once('exit', () => resolve());
		service.child.kill('SIGTERM');
		setTimeout(() => service.child.kill('SIGKILL'), 10_000).unref();
	});
}

export async function startPostgres(dataRoot: string, log: number): Promise<Service> {
	const dataDir = path.join(dataRoot, 'postgres');
	fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dataRoot]);
	const [initdb, initArgs] = asDatabaseUser(postgresBin('initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
	execFileSync(initdb, initArgs, { stdio: ['ignore', log, log] });
	const port = (await freePort()) as number;
	const [postgres, args] = asDatabaseUser(postgresBin('postgres'), [
		'-D', dataDir, '-p', String(port), '-k', dataDir,
		'-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200',
	]);
	const child = spawn(postgres, args, { stdio: ['ignore', log, log] });
	process.once('exit', () => child.kill('SIGKILL'));
	await waitForPort(port, child, 'PostgreSQL');
	// accepting connections is later than listening: wait until a query would be served
	for (let tries = 0; tries < 100; tries++) {
		try {
			execFileSync(postgresBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { stdio: 'ignore' });
			break;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
	return { child, port };
}

async function startRedis(dataRoot: string, log: number): Promise<Service> {
	const port = (await freePort()) as number;
	const dir = path.join(dataRoot, 'redis');
	fs.mkdirSync(dir, { recursive: true });
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		stdio: ['ignore', log, log],
	});
	process.once('exit', () => child.kill('SIGKILL'));
	await waitForPort(port, child, 'Redis', 'PING\r\n', 'PONG');
	return { child, port };
}

/** A webhook or worker process. */
export interface N8nProcess {
	name: string;
	url: string;
	port: number;
	child: ChildProcess;
	logFile: string;
	stop: () => Promise<void>;
}

export class QueueStack {
	main!: N8nServer;
	webhook!: N8nProcess;
	workers: N8nProcess[] = [];
	postgresPort = 0;
	private postgres?: Service;
	private redis?: Service;
	private dataRoot = '';
	private env: Record<string, string> = {};
	readonly userFolder: string;

	constructor(
		readonly name: string,
		private readonly options: { workers?: number; env?: Record<string, string>; extraPackages?: string[] } = {},
	) {
		this.userFolder = userFolderOf(name);
	}

	/** Postgres, Redis, then main (it migrates the database), then the webhook process and the workers. */
	async start(): Promise<void> {
		this.dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-${this.name}-`));
		const log = fs.openSync(path.join(this.dataRoot, 'services.log'), 'a');
		[this.postgres, this.redis] = await Promise.all([startPostgres(this.dataRoot, log), startRedis(this.dataRoot, log)]);
		this.postgresPort = this.postgres.port;
		const webhookPort = (await freePort()) as number;
		this.env = {
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.postgres.port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: 'postgres',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.redis.port),
			// a dead worker's job is found within seconds instead of about 90 s
			QUEUE_WORKER_LOCK_DURATION: '10000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
			WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
			// binary data in Postgres, where every process reads it (no shared disk): n8n 2.x's default
			// in queue mode, named here so that the tests do not rest on a default
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			...this.options.env,
		};
		this.main = new N8nServer(this.name, { env: this.env, extraPackages: this.options.extraPackages, logName: 'main.log' });
		await this.main.start();
		const workers = Array.from({ length: this.options.workers ?? 2 }, (_, index) => this.startProcess(`worker-${index + 1}`, 'worker'));
		[this.webhook, ...this.workers] = await Promise.all([this.startProcess('webhook', 'webhook', webhookPort), ...workers]);
	}

	/** Starts (or starts again) a webhook or worker process on the shared folder and database. */
	async startProcess(name: string, command: 'webhook' | 'worker', port?: number): Promise<N8nProcess> {
		const logFile = path.join(this.userFolder, `${name}.log`);
		const started = await startN8n({ userFolder: this.userFolder, logFile, env: this.env, command, port });
		return { name, url: started.url, port: started.port, child: started.child, logFile, stop: started.stop };
	}

	async restartWebhook(): Promise<void> {
		await this.webhook.stop();
		this.webhook = await this.startProcess('webhook', 'webhook', this.webhook.port);
	}

	/** Rows of n8n's database, as JSON objects. */
	sql(query: string): unknown[] {
		const args = ['-h', '127.0.0.1', '-p', String(this.postgresPort), '-U', 'postgres', '-d', 'postgres', '-At'];
		const rows = execFileSync('psql', [...args, '-c', `select coalesce(json_agg(t), '[]') from (${query}) t`], { encoding: 'utf8' });
		return JSON.parse(rows) as unknown[];
	}

	async stop(): Promise<void> {
		await Promise.all([this.webhook?.stop(), ...this.workers.map((worker) => worker.stop())]);
		await this.main?.stop();
		await Promise.all([stopService(this.redis), stopService(this.postgres)]);
		if (this.dataRoot) fs.rmSync(this.dataRoot, { recursive: true, force: true });
	}
}
