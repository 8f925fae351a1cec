/**
 * The numbers the README and the docs state about the node's behaviour, against the code: the retry
 * rule (codes, causes, attempts), the crash bound, the settle wait, the limits on contended claims
 * and on downloads, and the resume window figures against the measurements table they come from.
 * Each statement is looked up by its wording in every file that makes it, and must be found: a
 * changed constant fails here naming the stale text, and so does a rewording this test no longer
 * finds (then fix the pattern, or the text).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../nodes/Aifaceswap/actions/common.descriptions';
import { unreachableFromInternet } from '../nodes/Aifaceswap/inputs/publicUrl';
import { maxItemsHeld } from '../nodes/Aifaceswap/submissions/claimWindow';
import { StoreCalls, storeCallLimits } from '../nodes/Aifaceswap/submissions/storeCalls';
import { HEAL_RIDE_MS } from '../nodes/Aifaceswap/submissions/recordTimers';
import { LEAVES_UNCHECKED_MS } from '../nodes/Aifaceswap/submissions/submissionRecord';
import { HEAL_AFTER_MS, sentRecordLimits } from '../nodes/Aifaceswap/submissions/sentRecords';
import { claimLimits, MAX_HEAL_ATTEMPTS } from '../nodes/Aifaceswap/submissions/recordRetries';
import { classifyAnswer } from '../nodes/Aifaceswap/transport/answers';
import { MAX_ATTEMPTS, PASSING_CAUSES, TRY_AGAIN_LATER } from '../nodes/Aifaceswap/transport/retryRule';
import { MAX_CALLBACK_BYTES } from '../nodes/shared/callback';
import { DOWNLOAD_DEADLINE_SECONDS } from '../nodes/shared/downloadOptions';

const root = path.resolve(__dirname, '..');
/** A file's text with its line breaks as spaces, so that a statement wrapped over lines is found whole. */
const text = (file: string) => readFileSync(path.join(root, file), 'utf8').replace(/\s*\n\s*/g, ' ');
const README = 'README.md';
const HOW = 'docs/how-it-works.md';
const CONTRIBUTING = 'CONTRIBUTING.md';

/** The captures of every match of `pattern` in `file`; at least one match is required. */
function stated(file: string, pattern: RegExp): string[][] {
	const found = [...text(file).matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].map((match) => match.slice(1));
	if (found.length === 0) throw new Error(`${file} no longer says ${pattern}: fix the text or this test's pattern`);
	return found;
}
const numbers = (captures: string[][]) => captures.map((groups) => groups.map((value) => Number(value.replace(/,/g, ''))));

describe('retry rule (transport/retryRule.ts)', () => {
	test.each([
		[HOW, /(A request is sent again .*?at most \d+ attempts)/],
	])('%s names the codes asked to try later, the causes that never reached the API and the attempts', (file, pattern) => {
		const [[sentence]] = stated(file, pattern);
		expect([...new Set([...sentence.matchAll(/\b(\d{3})\b/g)].map(([, code]) => Number(code)))].sort()).toEqual([...TRY_AGAIN_LATER].sort());
		expect([...sentence.matchAll(/\b(E[A-Z_]{3,})\b/g)].map(([, cause]) => cause).sort()).toEqual([...PASSING_CAUSES].sort());
		expect(numbers([[/(\d+) attempts/.exec(sentence)![1]]])).toEqual([[MAX_ATTEMPTS]]);
	});
});

test('README: what a re-run sends again is what the transport classes as certainly no task', () => {
	expect(stated(README, /Only a request that certainly created no task \(HTTP 4xx, the API's own 503, never left n8n\) is sent again next time/)).toHaveLength(1);
	const apiJson = (code: number) => JSON.stringify({ code, message: 'm' });
	for (const status of [400, 401, 404, 413, 429, 499]) expect([status, classifyAnswer(status, {}, 'page').kind]).toEqual([status, 'refused']);
	expect(classifyAnswer(503, {}, apiJson(503)).kind).toBe('refused');
	for (const [status, body] of [[503, '<html>busy</html>'], [500, apiJson(500)], [502, 'bad gateway'], [504, '']] as const) {
		expect([status, classifyAnswer(status, {}, body).kind]).toEqual([status, 'unknown']);
	}
});

describe('crash bound (submissions/claimWindow.ts maxItemsHeld)', () => {
	const factor = maxItemsHeld(1);

	test('how-it-works: per running execution, and at the default Concurrency', () => {
		expect(numbers(stated(HOW, /up to (\d+) x Concurrency requests per execution \((\d+) at the default (\d+)/))).toEqual([
			[factor, maxItemsHeld(DEFAULT_CONCURRENCY), DEFAULT_CONCURRENCY],
		]);
	});

	test.each([
		[README, /up to (\d+) x Concurrency requests per execution \(one with/],
		[HOW, /at most (\d+) x Concurrency per running execution/],
		[CONTRIBUTING, /strand at most (\d+) x Concurrency items per running execution/],
		[CONTRIBUTING, /(\d+) x Concurrency workers/],
	])('%s: %s', (file, pattern) => {
		for (const [value] of numbers(stated(file, pattern))) expect(value).toBe(factor);
	});

	test('the claim window without the slots: one Concurrency less', () => {
		for (const [value] of numbers(stated(HOW, /at most (\d+) x Concurrency\)/))) expect(value).toBe(factor - 1);
		for (const [value] of numbers(stated(CONTRIBUTING, /at most (\d+) x Concurrency items hold a value/))) expect(value).toBe(factor - 1);
	});
});

describe('settle wait (submissions/storeCalls.ts), as StoreCalls computes it', () => {
	/** The settle wait after store calls that took these times. */
	const settleAfter = (...callMs: number[]) => {
		const calls = new StoreCalls(() => ({}) as IExecuteFunctions, () => undefined);
		(calls as unknown as { recentMs: number[] }).recentMs = callMs;
		return calls.settleMs();
	};
	const range = { minMs: settleAfter(0), maxMs: settleAfter(3_600_000) };

	test('the range the text states is the one computed', () => {
		const texts = [
			...stated(README, /settle wait \((\d+) ms to (\d+) s\)/),
			...stated(HOW, /settle wait \([^)]*?(\d+) ms to (\d+) s\)/),
			...stated(CONTRIBUTING, /between (\d+) ms and (\d+) s\)/),
		];
		for (const [min, max] of numbers(texts)) expect({ minMs: min, maxMs: max * 1000 }).toEqual(range);
	});

	test('how-it-works: four times the slowest recent call', () => {
		const [[times]] = stated(HOW, /settle wait \((\w+) times the slowest of the last \d+ store calls/);
		const factor = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'].indexOf(times) + 1;
		const slowest = range.minMs;
		expect(settleAfter(1, slowest, 2)).toBe(factor * slowest);
	});
});

test('a claim other processes keep erasing gives up after the time the text states (claimLimits)', () => {
	for (const file of [README, HOW, CONTRIBUTING]) {
		for (const [seconds] of numbers(stated(file, /for up to (\d+) s\b/))) expect(seconds * 1000).toBe(claimLimits.contendedMs);
	}
});

test('a store call\'s deadline (storeCallLimits) and the largest callback the trigger reads (MAX_CALLBACK_BYTES)', () => {
	const deadlines = [...stated(README, /its (\d+) s deadline/), ...stated(HOW, /\((\d+) s deadline\)/), ...stated(HOW, /its (\d+) s deadline/), ...stated(CONTRIBUTING, /(?:has a|passes its) (\d+) s deadline/)];
	expect(deadlines.length).toBeGreaterThanOrEqual(3);
	for (const [seconds] of numbers(deadlines)) expect(seconds * 1000).toBe(storeCallLimits.deadlineMs);
	expect(numbers(stated(HOW, /413 above (\d+) KiB/))).toEqual([[MAX_CALLBACK_BYTES / 1024]]);
});

test('the record\'s own limits: a removal made again held past its time, a won claim left unchecked, heal attempts, sent records kept while a call hangs', () => {
	expect(numbers([...stated(HOW, /holds it more than (\d+) s past its time/), ...stated(README, /the second removal fails or is delayed over (\d+) s/)])).toEqual([[HEAL_AFTER_MS / 1000], [HEAL_AFTER_MS / 1000]]);
	const checks = [...stated(README, /checks it (\d+) s and (\d+) s after the API's answer/), ...stated(HOW, /checks its record (\d+) s and (\d+) s after the API's answer/)];
	expect(numbers(checks)).toEqual(checks.map(() => [HEAL_AFTER_MS / 1000, (storeCallLimits.deadlineMs + HEAL_AFTER_MS) / 1000]));
	for (const [seconds] of numbers([...stated(HOW, /checked once more (\d+) s after the answer/), ...stated(README, /what it sent in its last (\d+) s/), ...stated(HOW, /requests it sent in its last (\d+) s/), ...stated(CONTRIBUTING, /once more (\d+) s after the answer/)])) {
		expect(seconds * 1000).toBe(storeCallLimits.deadlineMs + HEAL_AFTER_MS);
	}
	expect(numbers([...stated(HOW, /it waits up to (\d+(?:\.\d+)?) s to go in a claim's database call/), ...stated(README, /after the\s+API's answer \(up to (\d+(?:\.\d+)?) s later\)/)])).toEqual([[HEAL_RIDE_MS / 1000], [HEAL_RIDE_MS / 1000]]);
	expect(numbers([...stated(HOW, /last checked at most (\d+) s before/), ...stated(CONTRIBUTING, /last\s+checked over (\d+) s before/)])).toEqual([[LEAVES_UNCHECKED_MS / 1000], [LEAVES_UNCHECKED_MS / 1000]]);
	expect(numbers([...stated(HOW, /written again up to (\d+) times/), ...stated(README, /written back up to (\d+) times/)])).toEqual([[MAX_HEAL_ATTEMPTS], [MAX_HEAL_ATTEMPTS]]);
	for (const file of [README, HOW]) expect(numbers(stated(file, /only the latest (\d+) sent requests are kept/))).toEqual([[sentRecordLimits.kept]]);
});

test('Download Result\'s deadline (shared/downloadOptions.ts)', () => {
	for (const [seconds] of numbers([...stated(README, /within the size limit and (\d+) seconds/), ...stated(HOW, /\(MB\) and (\d+) seconds in all/)])) {
		expect(seconds).toBe(DOWNLOAD_DEADLINE_SECONDS);
	}
});

test('Concurrency\'s range', () => {
	expect(numbers(stated(README, /How many items are sent at the same time \((\d+) to (\d+)\)/))).toEqual([[1, MAX_CONCURRENCY]]);
	expect(numbers(stated(CONTRIBUTING, /\*\*Options > Concurrency\*\* \(default (\d+), at most (\d+)/))).toEqual([[DEFAULT_CONCURRENCY, MAX_CONCURRENCY]]);
});

describe('resume window: the statements against the measurements in docs/how-it-works.md', () => {
	/** The table's rows: the n8n set-up, the callback delays (ms) and how many callbacks of them were refused. */
	const rows = readFileSync(path.join(root, HOW), 'utf8')
		.split('\n')
		.filter((line) => /^\| (one process|queue mode)/.test(line))
		.map((line) => {
			const [setup, delay, refused] = line.split('|').slice(1, -1).map((cell) => cell.trim());
			const [from, to = from] = [...delay.matchAll(/\d+/g)].map(Number);
			return { setup: setup.split(',')[0], from, to, refused: Number(/^(\d+) of/.exec(refused)![1]) };
		});
	/** Per set-up: the shortest delay from which no callback was refused. */
	const clearFrom = [...new Set(rows.map((row) => row.setup))].map((setup) => {
		const own = rows.filter((row) => row.setup === setup);
		return Math.max(...own.filter((row) => row.refused > 0).map((row) => own.find((later) => later.from > row.to)!.from));
	});

	test('the table was read', () => {
		expect(rows.length).toBeGreaterThanOrEqual(4);
		expect(new Set(rows.map((row) => row.setup))).toEqual(new Set(['one process', 'queue mode']));
	});

	test('how-it-works: the window on an idle machine', () => {
		expect(numbers(stated(HOW, /the window is about (\d+) to (\d+) ms on an idle machine/))).toEqual([[Math.min(...clearFrom), Math.max(...clearFrom)]]);
	});

	test('how-it-works: the end-to-end tests call back after the delay it names, past the window', () => {
		const [[stated_]] = numbers(stated(HOW, /the end-to-end tests call back after ([\d,]+) ms/));
		const e2e = readdirSync(path.join(root, 'test', 'e2e')).filter((file) => file.endsWith('.ts'));
		const delays = e2e.flatMap((file) => [...readFileSync(path.join(root, 'test', 'e2e', file), 'utf8').matchAll(/callbackDelayMs = (\d+)/g)].map(([, ms]) => Number(ms)));
		expect(Math.min(...delays)).toBe(stated_);
		expect(stated_).toBeGreaterThan(Math.max(...clearFrom));
	});
});

test('the local names how-it-works lists are the ones the public-URL rule refuses, among these candidates', () => {
	const [[list]] = stated(HOW, /a Callback URL, resume URL, image, video or face URL on (.*?), a name without a dot/);
	const names = [...list.matchAll(/`([^`]+)`/g)].map(([, name]) => name.replace(/^\*\./, 'x.'));
	expect(names.length).toBeGreaterThanOrEqual(5);
	for (const name of names) expect([name, unreachableFromInternet(name)]).toEqual([name, expect.any(String)]);
	expect(unreachableFromInternet('n8n')).toEqual(expect.any(String));
	for (const name of ['x.localhost', 'x.local', 'x.internal', 'x.lan', 'x.home.arpa', 'x.example', 'x.test', 'x.corp', 'x.intranet', 'x.private', 'x.localdomain', 'x.arpa']) {
		const listed = names.some((listedName) => name.endsWith(listedName.replace(/^x/, '')));
		expect([name, unreachableFromInternet(name) !== undefined]).toEqual([name, listed]);
	}
});
