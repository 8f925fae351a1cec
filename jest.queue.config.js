/** End-to-end tests in n8n's queue mode: Postgres, Redis, main, webhook process, two workers (npm run test:queue). */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
	testTimeout: 180000,
	maxWorkers: 1,
};
