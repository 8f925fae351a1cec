import { Random } from './random';
import type { VirtualTime } from './virtualTime';

/**
 * The aifaceswap API as the simulation sees it: it knows which requests created a task, and which
 * answers left that unknown to the node. Each attempt of a request draws its answer from its own
 * stream (seed, request, attempt number), so a request's answers do not depend on timing.
 */
export type AnswerKind = 'task' | 'refused402' | 'busy429' | 'busy503' | 'error500Created' | 'error500None' | 'timeoutCreated' | 'timeoutNone' | 'connectionRefused';

export type ApiProfile = ReadonlyArray<readonly [number, AnswerKind]>;

/** What a request did at the API: created a task, certainly none, or maybe (the node cannot tell). */
export type TaskEffect = 'created' | 'none';

export interface Send {
	request: string;
	at: number;
	/** When the node got the answer (or its request timed out): its record's checks count from then. */
	answeredAt: number;
	process: string;
	execution: string;
	answer: AnswerKind;
	effect: TaskEffect;
	/** The answer leaves the node unable to tell whether a task was created. */
	unknownToNode: boolean;
}

interface HttpError extends Error {
	code?: string;
}

function networkError(message: string, code: string): HttpError {
	return Object.assign(new Error(message), { code });
}

export class SimApi {
	readonly sends: Send[] = [];
	private attempts = new Map<string, number>();
	private tasks = 0;
	/** Every request creates a task, at once (the judge's replay). */
	calm = false;

	constructor(
		private readonly seed: number,
		private readonly time: VirtualTime,
		private readonly profile: ApiProfile,
		private readonly trace: (line: string) => void,
		/** Each answer's time, when the schedule fixes its range. */
		private readonly latency?: readonly [number, number],
	) {}

	/** One HTTP request of the node (the answer as n8n's helper returns it with returnFullResponse). */
	async request(process: string, execution: string, request: string): Promise<{ statusCode: number; headers: object; body: unknown }> {
		const attempt = (this.attempts.get(request) ?? 0) + 1;
		this.attempts.set(request, attempt);
		const random = new Random(this.seed, 'api', request, attempt);
		const answer: AnswerKind = this.calm ? 'task' : random.weighted(this.profile);
		const latencyMs = this.calm ? 10 : this.latency ? random.int(...this.latency) : answer.startsWith('timeout') ? 120_000 : random.chance(0.1) ? random.int(2_000, 20_000) : random.int(20, 800);
		const label = `${process} ${execution} api ${request} attempt ${attempt}`;
		if (answer === 'connectionRefused') {
			this.trace(`${label}: connection refused (never reached the API)`);
			throw networkError('connect ECONNREFUSED', 'ECONNREFUSED');
		}
		const effect: TaskEffect = answer === 'task' || answer.endsWith('Created') ? 'created' : 'none';
		const unknownToNode = answer.startsWith('error500') || answer.startsWith('timeout');
		this.sends.push({ request, at: this.time.now, answeredAt: this.time.now + latencyMs, process, execution, answer, effect, unknownToNode });
		this.trace(`${label}: ${answer}${effect === 'created' ? ' (task created)' : ''}`);
		await this.time.sleep(latencyMs);
		if (answer.startsWith('timeout')) throw networkError('timeout of 120000ms exceeded', 'ECONNABORTED');
		const json = (statusCode: number, body: unknown) => ({ statusCode, headers: {}, body });
		switch (answer) {
			case 'task':
				return json(200, { code: 200, data: { task_id: `task-${++this.tasks}`, points: 1 } });
			case 'refused402':
				return json(200, { code: 402, message: 'Insufficient credits (simulated)' });
			case 'busy429':
				return json(429, { code: 429, message: 'Too many requests (simulated)' });
			case 'busy503':
				return json(503, { code: 503, message: 'Busy, try again later (simulated)' });
			default:
				return json(500, 'Internal Server Error (simulated)');
		}
	}
}
