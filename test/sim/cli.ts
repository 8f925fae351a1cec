/**
 * `npm run simulate -- --schedules N [--seed S] [--processes P] [--trace] [--admitted]`: runs N
 * schedules from seed S (default 1), prints one line per violation (with `--admitted`, per admitted
 * finding too) and the summary line; exit code 0 iff there is no violation. `--trace` prints each
 * schedule step by step (use it with `--schedules 1`).
 */
import { findingLine, simulateMany, summaryLine } from './simulate';

function option(args: string[], name: string): string | undefined {
	const index = args.indexOf(`--${name}`);
	return index === -1 ? undefined : args[index + 1];
}

function wholeNumber(args: string[], name: string, fallback: number | undefined, min: number, max: number): number | undefined {
	const text = option(args, name);
	if (text === undefined) return fallback;
	const value = Number(text);
	if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
	return value;
}

export async function main(args: string[]): Promise<number> {
	const schedules = wholeNumber(args, 'schedules', 1, 1, 10_000_000) ?? 1;
	const seed = wholeNumber(args, 'seed', 1, 0, 2 ** 31) ?? 1;
	const processes = wholeNumber(args, 'processes', undefined, 1, 4);
	const trace = args.includes('--trace');
	const showAdmitted = args.includes('--admitted');
	const startedAt = performance.now();
	const totals = await simulateMany(seed, schedules, { processes, trace }, (result) => {
		if (trace) process.stdout.write(`seed ${result.seed} (${result.kind}):\n${result.trace.join('\n')}\n`);
		for (const finding of result.violations) process.stdout.write(`${findingLine(result.seed, finding)}\n`);
		if (showAdmitted) for (const finding of result.admitted) process.stdout.write(`${findingLine(result.seed, finding)}\n`);
	});
	const seconds = (performance.now() - startedAt) / 1000;
	process.stderr.write(`(${seconds.toFixed(1)} s, ${Math.round(totals.schedules / seconds)} schedules/s)\n`);
	process.stdout.write(`${summaryLine(totals)}\n`);
	return totals.violations === 0 ? 0 : 1;
}
