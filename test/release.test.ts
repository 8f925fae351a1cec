/**
 * The release path: the CI and publish workflows, read with a YAML parser as GitHub reads them,
 * run what the README promises (npm ci, then the README's test command) and publish with an npm
 * provenance statement only after the tests pass.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

interface Step {
	name?: string;
	run?: string;
	uses?: string;
	with?: Record<string, unknown>;
}
interface Workflow {
	on: Record<string, unknown>;
	permissions: Record<string, string>;
	jobs: Record<string, { steps: Step[]; strategy?: { matrix: Record<string, unknown[]> } }>;
}

function workflow(name: string): Workflow {
	return parse(readFileSync(path.join(root, '.github', 'workflows', name), 'utf8')) as Workflow;
}

function runs(steps: Step[]): string[] {
	return steps.flatMap((step) => (step.run ? [step.run.trim()] : []));
}

/** The one test command the README gives contributors. */
function readmeTestCommand(): string {
	const match = /```sh\nnpm run dev[^\n]*\n(npm [^\s#]+(?: [^\s#]+)?)\s+#/.exec(readme);
	if (!match) throw new Error('README has no contributor command block');
	return match[1];
}

test('the README gives exactly two contributor commands: run in a local n8n, run every test', () => {
	const block = /## For contributors[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1];
	expect(block.trim().split('\n').map((line) => line.split('#')[0].trim())).toEqual(['npm run dev', 'npm test']);
	expect(readmeTestCommand()).toBe('npm test');
});

test('.ci/run installs from the lockfile with npm ci and runs the README test command', () => {
	const ci = readFileSync(path.join(root, '.ci', 'run'), 'utf8');
	// tried up to 3 times: the registry sometimes stalls a download
	expect(ci).toMatch(/^\s*npm ci\b/m);
	expect(ci).not.toMatch(/^\s*npm install\b/m);
	expect(ci).toMatch(new RegExp(`^${readmeTestCommand()}$`, 'm'));
});

test('ci.yml: npm ci and the README test command on Node.js 20 and 24, for pushes and pull requests', () => {
	const ci = workflow('ci.yml');
	expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
	const job = ci.jobs.test;
	expect(job.strategy!.matrix['node-version']).toEqual([20, 24]);
	const setup = job.steps.find((step) => step.uses?.startsWith('actions/setup-node'));
	expect(setup?.with?.['node-version']).toBe('${{ matrix.node-version }}');
	expect(runs(job.steps)).toEqual([expect.stringMatching(/apt-get install -y -q graphicsmagick postgresql redis-server$/), 'npm ci', readmeTestCommand()]);
});

test('publish.yml: on a version tag, tests pass before npm publish --provenance with id-token: write', () => {
	const publish = workflow('publish.yml');
	expect(publish.on).toEqual({ push: { tags: ['v*'] } });
	expect(publish.permissions['id-token']).toBe('write');
	const commands = runs(publish.jobs.publish.steps);
	const at = (command: string) => commands.findIndex((run) => run === command);
	expect(at('npm ci')).toBeGreaterThanOrEqual(0);
	expect(at(readmeTestCommand())).toBeGreaterThan(at('npm ci'));
	const publishAt = commands.findIndex((run) => run.startsWith('npm publish'));
	expect(publishAt).toBeGreaterThan(at(readmeTestCommand()));
	expect(commands[publishAt]).toMatch(/--provenance/);
});

test('publish.yml refuses a package.json without a real author e-mail, repository or issues page, as this one is now', () => {
	const guard = workflow('publish.yml').jobs.publish.steps.find((step) => step.name?.startsWith('package.json names a real author'))!;
	const script = /node -e '([\s\S]*)'/.exec(guard.run!)![1];
	const check = (pkg: object) => {
		try {
			execFileSync(process.execPath, ['-e', script.replace('require("./package.json")', JSON.stringify(pkg))], { stdio: 'pipe' });
			return 'passed';
		} catch (error) {
			return String((error as { stderr: Buffer }).stderr);
		}
	};
	const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	expect(check(pkg)).toMatch(/author\.email must be the address of whoever publishes/);
	expect(check(pkg)).toMatch(/repository\.url must name this GitHub repository/);
	expect(check(pkg)).toMatch(/bugs\.url must name the repository's issues page/);
	const published = { ...pkg, author: { name: 'A', email: 'a@b.org' }, repository: { type: 'git', url: 'git+https://github.com/o/r.git' } };
	expect(check(published)).toMatch(/bugs\.url/);
	expect(check({ ...published, bugs: { url: 'https://github.com/o/r/issues' } })).toBe('passed');
});

test('the README sends problems to the npm page\'s Issues link, which publish.yml makes sure exists (package.json bugs)', () => {
	const problems = /^- Problems: ([\s\S]*?)\n(?!  )/m.exec(readme)![1];
	expect(problems).toMatch(/the \*\*Issues\*\* link on the \[npm page\]\(https:\/\/www\.npmjs\.com\/package\/n8n-nodes-aifaceswap\)/);
	expect(readFileSync(path.join(root, '.github', 'workflows', 'publish.yml'), 'utf8')).toMatch(/if \(!p\.bugs \|\| !p\.bugs\.url\) problems\.push/);
});

test('CHANGELOG.md has an entry for the version in package.json', () => {
	const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	expect(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## ${version.replace(/\./g, '\\.')}\\b`, 'm'));
});
