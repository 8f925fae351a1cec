/**
 * Retry rule: a request is sent again only when it certainly did not create a task, so a task is
 * never created (and charged) twice: HTTP 429 and the API's own 503 (refused unprocessed), and a
 * refused connection or a host name that did not resolve for now (nothing reached the API).
 * Anything else that fails after the request went out (timeout, reset connection, HTTP 500, 502,
 * 504) is not retried: the task may exist, and the error says so. `answers.ts` and
 * `networkErrors.ts` decide from these lists whether a failure may be retried; `ApiClient` sends
 * again while `attemptAgain` says so.
 */

/** Attempts of one request, the first included. */
export const MAX_ATTEMPTS = 4;

/** HTTP statuses (and API codes) that refuse a request unprocessed for now. */
export const TRY_AGAIN_LATER = [429, 503];

/** Network causes that may pass by themselves, the request never having left: a refused connection, a name not resolved for now. */
export const PASSING_CAUSES = ['ECONNREFUSED', 'EAI_AGAIN'];

/** Whether a failed attempt is sent again: its failure may be retried, and attempts remain. */
export function attemptAgain(mayRetry: boolean, attempt: number): boolean {
	return mayRetry && attempt < MAX_ATTEMPTS;
}
