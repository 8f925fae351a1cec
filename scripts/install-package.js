// Installs this package into an n8n user folder the way a self-hosted user does (n8n loads
// community packages from <N8N_USER_FOLDER>/.n8n/nodes/node_modules at every start): the
// package is packed as npm would publish it, then npm-installed from that tarball.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { root } = require('./n8n-runtime');

/** Installs the package in `packageDir` (this project unless told) into n8n's user folder. */
function installPackage(userFolder, packageDir = root) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest)) {
		fs.writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aifaceswap-pack-'));
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
	);
	const tarball = path.join(packDir, packed.filename);
	// n8n itself provides n8n-workflow, the peer dependency.
	execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', '--loglevel=error', tarball], {
		cwd: nodesDir,
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	fs.rmSync(packDir, { recursive: true, force: true });
	return { nodesDir, files: packed.files.map((file) => file.path) };
}

module.exports = { installPackage };
