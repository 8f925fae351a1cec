/**
 * What the submission record cost in store calls and settle waits, read from two files the
 * benchmark's n8n writes: the store-call counter's (store-call-counter.js, loaded with `--require`:
 * one line per call to n8n's processed-data store, with its workflow, start and duration) and n8n's
 * own log at debug level (the node logs "Aifaceswap submission record: settle wait <n> ms" once per
 * claim round). Each figure of the benchmark names a window: its workflows and the time it ran.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface StoreCall {
	method: string;
	workflowId?: string;
	node?: string;
	/** How many values the call passed. */
	values: number;
	/** When the call started (epoch ms). */
	at: number;
	ms: number;
	ok: boolean;
}

/** A measured stretch: its workflows' store calls started from `from` until `callsUntil`, its log lines from `from` to `to`. */
export interface Window {
	workflowIds: string[];
	from: number;
	to: number;
	/** Calls of the same workflows that started later belong to the next figure (a batch after a fill). */
	callsUntil?: number;
}

export interface RecordCost {
	calls: StoreCall[];
	/** Settle waits logged, in ms. */
	settleWaits: number[];
}

const SETTLE_WAIT = /^Aifaceswap submission record: settle wait (\d+(?:\.\d+)?) ms/;
/** No store call ended for this long: the node's clean-ups of the last figure are done. */
const QUIET_MS = 5_000;
const QUIET_LIMIT_MS = 60_000;

export class StoreCallLog {
	constructor(
		readonly callsFile: string,
		readonly logFile: string,
	) {}

	/** Waits until no store call has ended for QUIET_MS (at most QUIET_LIMIT_MS): the next figure starts on a quiet store. */
	async quiet(): Promise<void> {
		const started = Date.now();
		for (;;) {
			const lastCall = fs.existsSync(this.callsFile) ? fs.statSync(this.callsFile).mtimeMs : 0;
			if (Date.now() - lastCall >= QUIET_MS || Date.now() - started >= QUIET_LIMIT_MS) return;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/** Every store call so far. */
	calls(): StoreCall[] {
		if (!fs.existsSync(this.callsFile)) return [];
		return lines(this.callsFile).map((line) => JSON.parse(line) as StoreCall);
	}

	/** Every settle wait logged so far, with when it was logged. */
	settleWaits(): Array<{ at: number; ms: number }> {
		// n8n's file log (JSON lines) rolls over into n8n-debug1.log, n8n-debug2.log, ... when large
		const base = path.basename(this.logFile, '.log');
		const dir = path.dirname(this.logFile);
		if (!fs.existsSync(dir)) return [];
		const files = fs.readdirSync(dir).filter((name) => name.startsWith(base) && name.endsWith('.log'));
		return files.flatMap((name) =>
			lines(path.join(dir, name)).flatMap((line) => {
				if (!line.startsWith('{') || !line.includes('settle wait')) return [];
				const entry = JSON.parse(line) as { message?: string; timestamp?: string; metadata?: { timestamp?: string } };
				const match = SETTLE_WAIT.exec(entry.message ?? '');
				const timestamp = entry.metadata?.timestamp ?? entry.timestamp;
				return match && timestamp ? [{ at: Date.parse(timestamp), ms: Number(match[1]) }] : [];
			}),
		);
	}

	private read?: { calls: StoreCall[]; waits: Array<{ at: number; ms: number }> };

	/** The store calls and settle waits of the windows. Read once, after n8n has stopped (everything is written). */
	cost(windows: Window[]): RecordCost {
		this.read ??= { calls: this.calls(), waits: this.settleWaits() };
		const { calls, waits } = this.read;
		return {
			calls: windows.flatMap((w) => calls.filter((c) => c.workflowId !== undefined && w.workflowIds.includes(c.workflowId) && c.at >= w.from && c.at < (w.callsUntil ?? Infinity))),
			settleWaits: windows.flatMap((w) => waits.filter((wait) => wait.at >= w.from && wait.at <= w.to).map((wait) => wait.ms)),
		};
	}
}

function lines(file: string): string[] {
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '');
}
