/** ISO BMFF (MP4 / MOV) files built byte by byte for the length reader's tests. */

/** A box with a 32-bit size, or (`large`) size 1 and a 64-bit largesize. */
export function box(type: string, content: Buffer = Buffer.alloc(0), { large = false } = {}): Buffer {
	const header = Buffer.alloc(large ? 16 : 8);
	if (large) {
		header.writeUInt32BE(1, 0);
		header.writeBigUInt64BE(BigInt(16 + content.length), 8);
	} else {
		header.writeUInt32BE(8 + content.length, 0);
	}
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, content]);
}

/** `mvhd`, version 0 (32-bit times) or 1 (64-bit times), with the rest of its fields zero. */
export function mvhd(version: 0 | 1, timescale: number, duration: number): Buffer {
	const times = version === 1 ? 8 + 8 + 4 + 8 : 4 + 4 + 4 + 4;
	const content = Buffer.alloc(4 + times + 80);
	content.writeUInt8(version, 0);
	if (version === 1) {
		content.writeUInt32BE(timescale, 4 + 16);
		content.writeBigUInt64BE(BigInt(duration), 4 + 20);
	} else {
		content.writeUInt32BE(timescale, 4 + 8);
		content.writeUInt32BE(duration, 4 + 12);
	}
	return box('mvhd', content);
}

const ftyp = () => box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1'));
const trak = (bytes: number) => box('trak', Buffer.alloc(bytes, 1));

export interface Mp4Options {
	/** moov before the media data ("faststart"), or after it. */
	moovFirst?: boolean;
	version?: 0 | 1;
	timescale?: number;
	duration?: number;
	mdatBytes?: number;
	/** The mdat box with a 64-bit size. */
	largeMdat?: boolean;
	/** A fragmented MP4: moov with mvex/mehd, duration 0 in mvhd. */
	fragmented?: boolean;
	trakBytes?: number;
}

export function mp4(options: Mp4Options = {}): Buffer {
	const { moovFirst = true, version = 0, timescale = 1000, duration = 12_340, mdatBytes = 256 * 1024, largeMdat = false, fragmented = false, trakBytes = 2000 } = options;
	const moovChildren = [mvhd(version, timescale, fragmented ? 0 : duration), trak(trakBytes)];
	if (fragmented) moovChildren.push(box('mvex', box('mehd', Buffer.alloc(8))));
	const moov = box('moov', Buffer.concat(moovChildren));
	const mdat = box('mdat', Buffer.alloc(mdatBytes, 0xab), { large: largeMdat });
	return Buffer.concat(moovFirst ? [ftyp(), moov, mdat] : [ftyp(), mdat, moov]);
}
