/**
 * Host names that are public by the package's rule and still reach the mock API on loopback (see
 * public-host-names.js): for tests of the refusal of URLs aifaceswap cannot reach, which applies
 * only while the credential's Base URL is public.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const names = require('./public-host-names') as { SUFFIX: string; isTestName: (hostname: string) => boolean };

/** Absolute path of the preload file, for NODE_OPTIONS="--require ..." of a real n8n. */
export const PUBLIC_HOST_NAMES_PRELOAD: string = require.resolve('./public-host-names');

export const PUBLIC_TEST_SUFFIX = names.SUFFIX;

/** The loopback URL with its host replaced by `<label>.aifaceswap.test` (same port and path). */
export function publicLooking(loopbackUrl: string, label = 'api'): string {
	const url = new URL(loopbackUrl);
	url.hostname = `${label}.${PUBLIC_TEST_SUFFIX}`;
	return url.toString().replace(/\/$/, loopbackUrl.endsWith('/') ? '/' : '');
}
