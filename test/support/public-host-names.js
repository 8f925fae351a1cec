/**
 * Test host names that look public but reach this computer: every name under `aifaceswap.test`
 * (e.g. `api.aifaceswap.test`) resolves to 127.0.0.1 in the process that loads this file.
 *
 * The package refuses URLs that aifaceswap cannot reach while the credential's Base URL is a
 * public address. Tests of that rule need a Base URL that is public by the package's rule and
 * still reaches the mock API on loopback. This file patches `dns.lookup` (which Node's http, https,
 * net and fetch use) and `dns.promises.lookup` (which n8n's SSRF protection resolves names with)
 * for those names only; every other name resolves as usual. Nothing on the machine changes (no
 * /etc/hosts entry).
 *
 * In-process tests import it; a real n8n loads it with NODE_OPTIONS="--require <this file>"
 * (test/e2e/n8n-server.ts does that), and so do the task runners n8n starts.
 */
'use strict';

const dns = require('node:dns');

const SUFFIX = 'aifaceswap.test';
const PATCHED = Symbol.for('n8n-nodes-aifaceswap.publicHostNames');

function isTestName(hostname) {
	if (typeof hostname !== 'string') return false;
	const name = hostname.toLowerCase().replace(/\.$/, '');
	return name === SUFFIX || name.endsWith(`.${SUFFIX}`);
}

if (!dns[PATCHED]) {
	const original = dns.lookup;
	const lookup = function lookup(hostname, options, callback) {
		if (!isTestName(hostname)) return original.apply(this, arguments);
		const done = typeof options === 'function' ? options : callback;
		const all = typeof options === 'object' && options !== null && options.all === true;
		process.nextTick(() => (all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)));
		return {};
	};
	dns.lookup = lookup;
	// n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED) resolves names itself with dns.promises.lookup
	const originalPromise = dns.promises.lookup;
	dns.promises.lookup = async function lookupPromise(hostname, options) {
		if (!isTestName(hostname)) return originalPromise.apply(this, arguments);
		const all = typeof options === 'object' && options !== null && options.all === true;
		return all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 };
	};
	dns[PATCHED] = true;
}

module.exports = { SUFFIX, isTestName };
