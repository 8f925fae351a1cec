/**
 * The cases the project admits, one home: the label the judge (`invariants.ts`) gives a finding in
 * each, grouped under the README bullet ("What it leaves open") that states the case and its bound
 * in a user's words (docs/how-it-works.md details each under the same bullet). `Finding.admitted`
 * can hold only these labels; test/readme.test.ts checks that both documents' bullets are exactly
 * `README_BULLETS`'s and that the judge gives every label.
 */

export const KILLED_CLAIMS = "killed execution's claims";
export const STOPPED_CLAIMS = "stopped execution's claims";
export const KILLED_CHECKS = "a killed process's checks of its sent records";
export const LEFT_RECORDED = 'a failed removal or an undecidable claim (its error says so)';
export const FAILED_AFTER_WRITE = 'a database call that failed after it may have written (its error says so)';
export const CONTENTION = 'contention limit (its error says so)';
export const OTHER_PROCESS = "another process's store call slower than a settle wait";
export const LATE_WRITE = 'a store call that wrote after its 30 s deadline, before its heals';
export const HEAL_GIVEN_UP = 'heal given up (logged)';
export const REFUSED_ELSEWHERE = "another process's request refused at that moment";
export const REMOVAL_UNDONE = "a removal undone by another process's store call that overlapped it";
export const REMOVAL_GIVEN_UP = 'a removal made again given up (logged)';

/** Each README bullet, by its bold lead, with the labels of the findings it admits. */
export const README_BULLETS = {
	'n8n killed or a run stopped mid-way': [KILLED_CLAIMS, STOPPED_CLAIMS, KILLED_CHECKS],
	"n8n's database failing or busy": [LEFT_RECORDED, FAILED_AFTER_WRITE, CONTENTION],
	'A slow database call': [OTHER_PROCESS],
	'A database call past its deadline': [LATE_WRITE],
	'A record erased again and again': [HEAL_GIVEN_UP],
	'A refused request': [REFUSED_ELSEWHERE, REMOVAL_UNDONE, REMOVAL_GIVEN_UP],
} as const;

export type AdmittedLabel = (typeof README_BULLETS)[keyof typeof README_BULLETS][number];
