// `npm run simulate`: runs the submission record's deterministic simulation (test/sim/cli.ts).
// The TypeScript sources are compiled as they load (type checks are `npm run typecheck`'s job).
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
	});
	module._compile(outputText, filename);
};

const { main } = require(path.join(__dirname, '..', 'test', 'sim', 'cli.ts'));

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error) => {
		console.error(error);
		process.exit(2);
	},
);
