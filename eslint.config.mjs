// `npm run lint` lints what ships (package.json, nodes/, credentials/) with the very configuration
// n8n's verification scanner uses: @n8n/scan-community-package's buildScanConfig, which applies
// @n8n/eslint-plugin-community-nodes (recommended) and eslint-plugin-n8n-nodes-base (community,
// credentials and nodes rule sets) with n8n's own off-overrides. `npm run scan` then runs the
// scanner itself on the source and on the packed tarball, with inline disables ignored.
import { buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const scanConfig = await buildScanConfig();

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.n8n-dev/**', '.cache/**', 'test-output/**', 'test/**', 'scripts/**', 'docs/**', 'examples/**', '*.js', '*.mjs', '*.json', '!package.json'] },
	// Entries of the scan config that name no files apply to the shipped sources only.
	...scanConfig.map((entry) => (entry.files ? entry : { ...entry, files: SOURCE_FILE_PATTERNS })),
	// As in the scanner: an inline eslint-disable does not count.
	{ linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
];
