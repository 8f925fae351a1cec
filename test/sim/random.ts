/**
 * The simulation's one source of randomness: a small seeded generator (sfc32). Streams are derived
 * from the schedule's seed and a name, so the n-th draw of a stream (the n-th store call of a
 * process, the n-th attempt of a request) stays the same when the record's code changes how many
 * draws other parts take.
 */
export class Random {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	constructor(seed: number, ...names: Array<string | number>) {
		const h = hashText(`${seed}|${names.join('|')}`);
		[this.a, this.b, this.c, this.d] = [h, h ^ 0x9e3779b9, h ^ 0x243f6a88, 1];
		for (let i = 0; i < 12; i++) this.next();
	}

	/** A number in [0, 1). */
	next(): number {
		const t = (((this.a + this.b) | 0) + this.d) | 0;
		this.d = (this.d + 1) | 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) | 0;
		this.c = (this.c << 21) | (this.c >>> 11);
		this.c = (this.c + t) | 0;
		return (t >>> 0) / 4294967296;
	}

	/** An integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	pick<T>(choices: readonly T[]): T {
		return choices[Math.floor(this.next() * choices.length)];
	}

	/** A choice by weight: `[[weight, value], ...]`. */
	weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
		const total = choices.reduce((sum, [weight]) => sum + weight, 0);
		let left = this.next() * total;
		for (const [weight, value] of choices) {
			left -= weight;
			if (left < 0) return value;
		}
		return choices[choices.length - 1][1];
	}
}

function hashText(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
	return h >>> 0;
}
