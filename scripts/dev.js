// npm run dev: builds the package, installs it into a local n8n user folder (.n8n-dev, ignored by
// git) as a self-hosted user would, and starts n8n with it. Stop with Ctrl+C.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const { installPackage } = require('./install-package');
const { startN8n } = require('./n8n-instance');
const { root } = require('./n8n-runtime');

async function main() {
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
	const userFolder = path.join(root, '.n8n-dev');
	installPackage(userFolder);
	const port = Number(process.env.N8N_PORT || 5678);
	const env = process.env.WEBHOOK_URL ? { WEBHOOK_URL: process.env.WEBHOOK_URL } : {};
	const logFile = path.join(userFolder, 'n8n.log');
	console.log(`Starting n8n (log: ${path.relative(root, logFile)})...`);
	const n8n = await startN8n({ userFolder, port, env, logFile });
	console.log(`\nn8n is running with n8n-nodes-aifaceswap: ${n8n.url}\n` +
		'Open it, create the owner account, then add an "Aifaceswap" node. Ctrl+C stops n8n.');
	const stop = async () => {
		await n8n.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	n8n.child.on('exit', (code) => {
		console.log(`n8n exited (${code}); see ${logFile}`);
		process.exit(code ?? 1);
	});
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
