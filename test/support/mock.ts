import { MockAifaceswapApi } from '../mock-api/server';

/** Starts the mock aifaceswap API for a test file, fresh state for each test. */
export function useMockApi(): MockAifaceswapApi {
	const api = new MockAifaceswapApi();
	beforeAll(async () => {
		await api.start();
	});
	beforeEach(() => api.reset());
	afterAll(async () => api.stop());
	return api;
}
