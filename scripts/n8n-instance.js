// Starts a real n8n with this package loaded, on loopback, with its own user folder and its
// default SQLite database. Used by `npm run dev` and by the end-to-end tests.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { ensureRuntime } = require('./n8n-runtime');

async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

async function waitForHealth(url, child, timeoutMs, rest) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`n8n exited with code ${child.exitCode} before it was ready`);
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			// n8n 1.x is "ready" before its REST routes exist; its settings answer once they do
			if (response.ok && (!rest || (await fetch(`${url}/rest/settings`)).ok)) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n did not become ready within ${timeoutMs / 1000} s`);
}

/**
 * Starts n8n. `userFolder` holds its settings, database and installed community packages.
 * `command`: `start` (the main process, default), or in queue mode `webhook` or `worker` (a worker
 * answers on its health-check port, which `port` then is). Returns its URL, the log file and stop().
 */
async function startN8n({ userFolder, port, env = {}, logFile, command = 'start', readyTimeoutMs = 180_000 }) {
	const runtime = ensureRuntime();
	port = port ?? (await freePort());
	const url = `http://127.0.0.1:${port}`;
	fs.mkdirSync(userFolder, { recursive: true });
	const log = fs.openSync(logFile ?? path.join(userFolder, 'n8n.log'), 'a');
	const worker = command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port) } : {};
	// n8n 1.x defaults to its legacy SQLite driver (one connection), which fails requests that
	// overlap another transaction ("Transaction is not started yet"); its pooled driver, the
	// default in 2.x and what n8n recommends for 1.x, does not.
	const sqlitePool = runtime.n8nVersion.startsWith('1.') ? { DB_SQLITE_POOL_SIZE: '3', DB_SQLITE_ENABLE_WAL: 'true' } : {};
	const child = spawn(runtime.node, [runtime.n8n, command], {
		env: {
			PATH: `${path.dirname(runtime.node)}${path.delimiter}${process.env.PATH}`,
			HOME: process.env.HOME,
			N8N_USER_FOLDER: userFolder,
			N8N_PORT: String(command === 'worker' ? await freePort() : port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${url}/`,
			N8N_EDITOR_BASE_URL: `${url}/`,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_ENCRYPTION_KEY: 'aifaceswap-local-n8n-encryption-key',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '500',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			N8N_LOG_LEVEL: 'info',
			...sqlitePool,
			...worker,
			...env,
		},
		stdio: ['ignore', log, log],
	});
	// n8n must not outlive the process that started it (a test run that crashed, Ctrl+C).
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	const stop = async () => {
		process.removeListener('exit', killOnExit);
		if (child.exitCode !== null) return;
		child.kill('SIGTERM');
		await new Promise((resolve) => {
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				resolve();
			}, 15_000);
			child.once('exit', () => {
				clearTimeout(timer);
				resolve();
			});
		});
	};
	try {
		await waitForHealth(url, child, readyTimeoutMs, command === 'start');
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, port, child, stop };
}

module.exports = { startN8n, freePort };
