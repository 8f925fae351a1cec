// What the end-to-end tests need from the system: Chromium for the editor test (driven by
// playwright-core), GraphicsMagick for n8n's Edit Image node in the face-reference example
// (n8n's Docker image ships it), PostgreSQL and Redis for the queue-mode tests (the tests start
// their own servers on loopback). Installs what is missing from Debian's packages when this user
// may (root, as in CI); otherwise says what to do.
const { execFileSync, execSync } = require('node:child_process');
const fs = require('node:fs');
const { withRetries } = require('./retry');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function hasCommand(command, versionFlag = 'version') {
	try {
		execFileSync(command, [versionFlag], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

const missing = [];
if (!fs.existsSync(CHROMIUM)) missing.push({ pkg: 'chromium', why: `Chromium not found at ${CHROMIUM} (or set CHROMIUM_PATH)` });
if (!hasCommand('gm')) missing.push({ pkg: 'graphicsmagick', why: 'GraphicsMagick (gm) not found' });
const postgresRoot = '/usr/lib/postgresql';
const hasPostgres =
	fs.existsSync(postgresRoot) && fs.readdirSync(postgresRoot).some((v) => fs.existsSync(`${postgresRoot}/${v}/bin/postgres`));
if (!hasPostgres) missing.push({ pkg: 'postgresql', why: `PostgreSQL server not found in ${postgresRoot}` });
if (!hasCommand('redis-server', '--version')) missing.push({ pkg: 'redis-server', why: 'Redis (redis-server) not found' });

if (missing.length > 0) {
	const packages = missing.map((m) => m.pkg).join(' ');
	if (process.getuid && process.getuid() === 0) {
		console.log(`Installing ${packages} from Debian packages for the end-to-end tests...`);
		withRetries(`Installing ${packages}`, () =>
			execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Acquire::Retries=3 ${packages}`, { stdio: 'inherit' }),
		);
	} else {
		console.error(`${missing.map((m) => m.why).join('; ')}: install them (sudo apt-get install ${packages}).`);
		process.exit(1);
	}
}
