/**
 * The length of an MP4 / MOV video (ISO base media file format) read from its boxes without
 * reading the file: the `moov` box holds `mvhd`, whose timescale and duration give the length.
 * `moov` is at the start of a "faststart" file and after the media data (`mdat`) otherwise; the
 * top-level boxes are walked by their sizes, so only box headers and `moov`'s start are read.
 */

/** Random access to the bytes of a file, as HTTP range requests give it. */
export interface ByteReader {
	/** Bytes from `offset`, at most `length` of them (fewer at the end of the file). */
	read(offset: number, length: number): Promise<Uint8Array>;
	/** The file's size, when known. */
	size(): number | undefined;
}

/** Why a length could not be read; the message names the problem with the file. */
export class VideoDurationError extends Error {}

/** Box types that may stand at the top level of an ISO BMFF file. */
const TOP_LEVEL_TYPES = new Set(['ftyp', 'styp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pdin', 'uuid', 'meta', 'moof', 'mfra', 'sidx', 'prft', 'emsg', 'pnot', 'PICT', 'jP  ']);

const HEADER_READ = 16;
const MAX_BOXES = 64;

interface BoxHeader {
	type: string;
	/** Where the box starts. */
	start: number;
	/** Where its content starts (after the 8 or 16 byte header). */
	contentStart: number;
	/** Where it ends; undefined for a last box whose size is 0 ("to the end of the file") in a file of unknown size. */
	end: number | undefined;
}

function view(bytes: Uint8Array): DataView {
	return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function typeOf(bytes: Uint8Array, at: number): string {
	return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

async function readHeader(reader: ByteReader, start: number, parentEnd: number | undefined): Promise<BoxHeader | undefined> {
	if (parentEnd !== undefined && start + 8 > parentEnd) return undefined;
	const bytes = await reader.read(start, HEADER_READ);
	if (bytes.length === 0) return undefined;
	if (bytes.length < 8) throw new VideoDurationError(`the file ends in the middle of a box header at byte ${start}`);
	const data = view(bytes);
	const size32 = data.getUint32(0);
	const type = typeOf(bytes, 4);
	let size: number | undefined = size32;
	let contentStart = start + 8;
	if (size32 === 1) {
		if (bytes.length < 16) throw new VideoDurationError(`the file ends in the middle of a box header at byte ${start}`);
		size = Number(data.getBigUint64(8));
		contentStart = start + 16;
	} else if (size32 === 0) {
		size = undefined; // to the end of the enclosing box or file
	}
	if (size !== undefined && size < contentStart - start) {
		throw new VideoDurationError(`box "${type}" at byte ${start} has an impossible size (${size})`);
	}
	const end = size === undefined ? (parentEnd ?? reader.size()) : start + size;
	return { type, start, contentStart, end };
}

/** The child boxes of a box (or of the file), walked by their sizes, until `wanted` are found. */
async function findChildren(
	reader: ByteReader,
	from: number,
	end: number | undefined,
	wanted: string[],
	topLevel = false,
): Promise<Map<string, BoxHeader>> {
	const found = new Map<string, BoxHeader>();
	let offset = from;
	for (let count = 0; count < MAX_BOXES; count++) {
		const header = await readHeader(reader, offset, end);
		if (!header) return found;
		if (topLevel && count === 0 && !TOP_LEVEL_TYPES.has(header.type)) {
			throw new VideoDurationError('it is not an MP4 or MOV file (ISO base media format)');
		}
		if (wanted.includes(header.type) && !found.has(header.type)) {
			found.set(header.type, header);
			if (found.size === wanted.length) return found;
		}
		if (header.end === undefined || header.end <= offset) return found;
		offset = header.end;
		const size = reader.size();
		if (size !== undefined && offset >= size) return found;
	}
	return found;
}

/** Reads the movie's length in seconds. Throws VideoDurationError with the reason when it cannot. */
export async function readVideoDuration(reader: ByteReader): Promise<number> {
	const top = await findChildren(reader, 0, reader.size(), ['moov'], true);
	const moov = top.get('moov');
	if (!moov) {
		throw new VideoDurationError('it has no "moov" box (the part of an MP4 or MOV file that holds its length); the file may be cut off');
	}
	const children = await findChildren(reader, moov.contentStart, moov.end, ['mvhd', 'mvex']);
	if (children.has('mvex')) {
		throw new VideoDurationError('it is a fragmented MP4 (its length is spread over fragments, not stated in one place)');
	}
	const mvhd = children.get('mvhd');
	if (!mvhd) throw new VideoDurationError('its "moov" box has no "mvhd" header');
	const bytes = await reader.read(mvhd.contentStart, 4 + 28);
	const data = view(bytes);
	if (bytes.length < 4) throw new VideoDurationError('its "mvhd" header is cut off');
	const version = bytes[0];
	let timescale: number;
	let duration: number;
	if (version === 1) {
		if (bytes.length < 4 + 28) throw new VideoDurationError('its "mvhd" header is cut off');
		timescale = data.getUint32(4 + 16);
		duration = Number(data.getBigUint64(4 + 20));
	} else {
		if (bytes.length < 4 + 16) throw new VideoDurationError('its "mvhd" header is cut off');
		timescale = data.getUint32(4 + 8);
		duration = data.getUint32(4 + 12);
	}
	if (timescale === 0) throw new VideoDurationError('its "mvhd" header has a timescale of 0');
	if (duration === 0 || duration === 0xffffffff || (version === 1 && duration >= Number.MAX_SAFE_INTEGER)) {
		throw new VideoDurationError('its "mvhd" header states no length (duration 0 or unknown)');
	}
	return duration / timescale;
}
