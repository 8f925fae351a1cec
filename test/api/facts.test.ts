/**
 * The operations' declarations and the price table against the API documentation (facts.ts): each
 * declared endpoint is documented, sends the documented body fields, has a callback exactly when the
 * doc gives the endpoint a `webhook`, declares the doc's callback `type` where the doc names one, and
 * costs what the doc's price list says. Every other test takes endpoints and prices from the
 * declarations (test/support/operations.ts), so this is the one test that spells them out.
 */
import { API_PATH } from '../../nodes/Aifaceswap/transport';
import { CHECK_ENDPOINT } from '../../nodes/Aifaceswap/transport/credentialTest';
import { creditsOf } from '../../nodes/Aifaceswap/pricing/credits';
import { callbackTypeNames } from '../../nodes/Aifaceswap/actions/router';
import { UNKNOWN_TYPE_NAME } from '../../nodes/shared/callback';
import { DECLARED } from '../support/operations';
import type { PricedBy } from './facts';
import { API_FACTS } from './facts';

/** Tasks to price: lengths, every enhance level, one to three faces. */
const TASKS: PricedBy[] = [1, 2.5, 61].flatMap((seconds) =>
	([0, 1, 2] as const).flatMap((enhance) => [1, 2, 3].map((faces) => ({ seconds, enhance, faces }))),
);

test('the endpoints are under the documented path', () => {
	expect(API_PATH).toBe('/api/aifaceswap/v1/');
});

test('every documented endpoint is declared by one operation, and every declared endpoint is documented', () => {
	expect(DECLARED.map(({ declaration }) => declaration.endpoint).sort()).toEqual(API_FACTS.map(({ endpoint }) => endpoint).sort());
});

describe.each(API_FACTS.map((fact) => [fact.section, fact] as const))('%s', (_, fact) => {
	const declared = DECLARED.find(({ declaration }) => declaration.endpoint === fact.endpoint);
	const declaration = declared!.declaration;

	test('the body fields: the documented ones; webhook exactly when the operation has a callback', () => {
		const sent = [...declaration.fields, ...(declaration.callbackType === undefined ? [] : ['webhook'])];
		expect([...sent].sort()).toEqual([...fact.fields].sort());
	});

	test('the callback type, where the doc names one', () => {
		if (fact.callbackType !== undefined) expect(declaration.callbackType).toBe(fact.callbackType);
		// Where it names none, the declared type is the operation's guess: it names the type, and any type is taken.
		if (declaration.callbackType !== undefined) expect(callbackTypeNames()[declaration.callbackType]).not.toBe(UNKNOWN_TYPE_NAME);
	});

	test('the price', () => {
		const priced = TASKS.map((task) => creditsOf(declaration.price, { durationSeconds: task.seconds, enhance: task.enhance, faceCount: task.faces }));
		expect(priced).toEqual(TASKS.map((task) => fact.credits(task)));
	});
});

test('the credential test posts to a documented endpoint that creates no task', () => {
	const checked = API_FACTS.find(({ endpoint }) => endpoint === CHECK_ENDPOINT);
	expect(checked).toMatchObject({ endpoint: 'extract_face' });
	expect(checked?.fields).not.toContain('webhook');
});
