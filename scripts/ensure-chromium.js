// The editor test drives Debian's Chromium with playwright-core. Installs it from Debian's
// packages when it is missing and this user may (root, as in CI); otherwise says what to do.
const { execSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

if (!fs.existsSync(CHROMIUM)) {
	if (process.getuid && process.getuid() === 0) {
		console.log('Installing Chromium from Debian packages for the editor test...');
		execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
	} else {
		console.error(`Chromium not found at ${CHROMIUM}: install it (sudo apt-get install chromium) or set CHROMIUM_PATH.`);
		process.exit(1);
	}
}
