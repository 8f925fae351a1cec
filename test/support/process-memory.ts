import fs from 'node:fs';

const MIB = 1024 * 1024;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
	return Number(match[1]) * 1024;
}

/**
 * Watches the peak resident memory of a process (Linux): the kernel's high-water mark (VmHWM) is
 * reset to the current size at the start, so `growthMiB()` is how far the process grew above
 * where it was, at its highest, since then.
 */
export class PeakMemory {
	readonly startBytes: number;

	constructor(private readonly pid: number) {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		this.startBytes = statusField(pid, 'VmRSS');
	}

	/** Resident memory at the start and at the peak since, in MiB. */
	read(): { startMiB: number; peakMiB: number; growthMiB: number } {
		const peak = statusField(this.pid, 'VmHWM');
		return { startMiB: Math.round(this.startBytes / MIB), peakMiB: Math.round(peak / MIB), growthMiB: Math.round((peak - this.startBytes) / MIB) };
	}
}
