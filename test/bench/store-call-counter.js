// Loaded into the benchmark's n8n with `node --require` (NODE_OPTIONS), never into the package:
// counts the calls nodes make to n8n's processed-data store and times each one. It wraps the
// methods of n8n-core's DataDeduplicationService (the store behind `this.helpers.checkProcessedAndRecord`
// and `removeProcessed`) the first time n8n loads it, and appends one JSON line per finished call
// to the file named by BENCH_STORE_CALLS_FILE:
//   {"method":"checkProcessedAndRecord","workflowId":"…","node":"…","values":500,"at":<epoch ms when
//    the call started>,"ms":<its duration>,"ok":true}
// The node's code is unchanged; a process that never loads the service (a task runner) writes nothing.
const fs = require('node:fs');
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

const METHODS = ['checkProcessedAndRecord', 'checkProcessedItemsAndRecord', 'removeProcessed', 'clearAllProcessedItems', 'getProcessedDataCount'];
const outputFile = process.env.BENCH_STORE_CALLS_FILE;
let fd;

function write(entry) {
	fd ??= fs.openSync(outputFile, 'a');
	fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
}

function wrap(prototype, method) {
	const original = prototype[method];
	if (typeof original !== 'function') return;
	prototype[method] = async function (...args) {
		// (items, scope, contextData, options), or (propertyName, items, scope, contextData, options)
		const [values, contextData] = method === 'checkProcessedItemsAndRecord' ? [args[1], args[3]] : [args[0], args[2]];
		const at = Date.now();
		const started = performance.now();
		let ok = false;
		try {
			const result = await original.apply(this, args);
			ok = true;
			return result;
		} finally {
			write({
				method,
				workflowId: contextData?.workflow?.id,
				node: contextData?.node?.name,
				values: Array.isArray(values) ? values.length : 0,
				at,
				ms: performance.now() - started,
				ok,
			});
		}
	};
}

if (outputFile) {
	const load = Module._load;
	Module._load = function (request, ...rest) {
		const exports = load.call(this, request, ...rest);
		const service = String(request).endsWith('data-deduplication-service') ? exports?.DataDeduplicationService : undefined;
		if (typeof service === 'function' && typeof service.prototype?.checkProcessedAndRecord === 'function') {
			for (const method of METHODS) wrap(service.prototype, method);
			Module._load = load;
		}
		return exports;
	};
}
