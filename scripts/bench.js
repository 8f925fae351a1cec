// `npm run bench`: runs test/bench/run.ts (TypeScript, compiled on the fly with the project's own
// compiler, no extra tooling) against the real n8n of the end-to-end tests. Prints figures only.
const fs = require('node:fs');

const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
		fileName: filename,
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
	});
	module._compile(outputText, filename);
};

// `npm run bench -- window`: the resume window of Wait for Result (test/bench/resumeWindow.ts).
require(process.argv[2] === 'window' ? '../test/bench/resumeWindow.ts' : '../test/bench/run.ts')
	.main()
	.then(() => process.exit(0))
	.catch((error) => {
		console.error(error);
		process.exit(1);
	});
