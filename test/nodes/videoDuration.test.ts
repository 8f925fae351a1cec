/** The MP4 / MOV length reader on byte layouts built here, read through an in-memory ByteReader. */
import type { ByteReader } from '../../nodes/Aifaceswap/video/mp4Duration';
import { readVideoDuration } from '../../nodes/Aifaceswap/video/mp4Duration';
import { box, mp4 } from '../support/mp4';

/** Serves `bytes` like range requests do, and counts what was read. */
function memoryReader(bytes: Buffer, window = 4096): ByteReader & { read_: number } {
	const reader = {
		read_: 0,
		size: () => bytes.length,
		async read(offset: number, length: number) {
			const slice = bytes.subarray(offset, offset + Math.max(length, window));
			reader.read_ += slice.length;
			return slice.subarray(0, length);
		},
	};
	return reader;
}

test.each([
	['faststart, mvhd version 0', mp4({ moovFirst: true, version: 0, timescale: 1000, duration: 12_340 }), 12.34],
	['moov at the end behind a 20 MiB mdat, mvhd version 1', mp4({ moovFirst: false, version: 1, timescale: 90_000, duration: 90_000 * 61.5, mdatBytes: 20 * 1024 * 1024 }), 61.5],
	['moov at the end behind an mdat with a 64-bit size', mp4({ moovFirst: false, largeMdat: true, timescale: 600, duration: 600 * 7 }), 7],
	['a large trak after mvhd', mp4({ trakBytes: 300_000, timescale: 25, duration: 250 }), 10],
])('%s', async (_name, file, seconds) => {
	const reader = memoryReader(file);
	await expect(readVideoDuration(reader)).resolves.toBeCloseTo(seconds, 6);
	// Only headers are read, never the media data.
	expect(reader.read_).toBeLessThan(64 * 1024);
});

test.each([
	['a fragmented MP4', mp4({ fragmented: true }), /fragmented MP4/],
	['mvhd with duration 0', mp4({ duration: 0 }), /states no length/],
	['a file cut off inside the media data, before moov', mp4({ moovFirst: false }).subarray(0, 100_000), /no "moov" box/],
	// ftyp 32 bytes, mdat 8 + 256 KiB, then moov: cut 4 bytes into moov's header, then just after mvhd's header
	['a file cut off inside a box header', mp4({ moovFirst: false }).subarray(0, 32 + 8 + 262_144 + 4), /no "moov" box .* may be cut off/],
	['a file cut off inside mvhd', mp4({ moovFirst: false }).subarray(0, 32 + 8 + 262_144 + 16), /"mvhd" header is cut off/],
	['an HTML page', Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>'), /not an MP4 or MOV file/],
	['a JPEG', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200)]), /not an MP4 or MOV file/],
	['a box with an impossible size', Buffer.concat([box('ftyp', Buffer.alloc(8)), Buffer.from([0, 0, 0, 3, 0x6d, 0x6f, 0x6f, 0x76])]), /impossible size/],
])('%s gives a clear reason', async (_name, file, reason) => {
	await expect(readVideoDuration(memoryReader(file))).rejects.toThrow(reason);
});
