// Installs from the npm registry and Debian's packages are retried: the registry sometimes stalls
// a download until npm's idle timeout ends it (seen in CI: EIDLETIMEOUT on a package's metadata),
// and a second attempt, with what was fetched already in the cache, succeeds.
const ATTEMPTS = 3;
const PAUSE_SECONDS = 15;

/** npm flags that end a stalled download after 60 s (npm's default waits 5 minutes) and retry it. */
const NPM_FETCH_FLAGS = ['--fetch-timeout=60000', '--fetch-retries=4'];

/** Runs `step` (synchronous) up to ATTEMPTS times; throws the last error. */
function withRetries(what, step) {
	for (let attempt = 1; ; attempt++) {
		try {
			return step();
		} catch (error) {
			if (attempt >= ATTEMPTS) throw error;
			console.error(`${what} failed (attempt ${attempt} of ${ATTEMPTS}: ${error.message.split('\n')[0]}); trying again in ${PAUSE_SECONDS} s`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_SECONDS * 1000);
		}
	}
}

module.exports = { withRetries, NPM_FETCH_FLAGS };
