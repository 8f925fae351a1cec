import { createHash } from 'node:crypto';

import type { TestFile } from './n8n';

/** A small valid PNG (8x8, one colour) as a stand-in for a photo. */
export const PHOTO_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC',
	'base64',
);

/** A small JPEG header-and-body stand-in; the API only sees bytes, a name and a MIME type. */
export const FACE_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7), Buffer.from([0xff, 0xd9])]);

export function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

export const photoFile: TestFile = { data: PHOTO_PNG, fileName: 'photo.png', mimeType: 'image/png' };
export const faceFile: TestFile = { data: FACE_JPEG, fileName: 'face.jpg', mimeType: 'image/jpeg' };
export const textFile: TestFile = { data: Buffer.from('not an image'), fileName: 'notes.txt', mimeType: 'text/plain' };

export const SOURCE_URL = 'https://cdn.example.com/photos/source.webp';
export const FACE_URL = 'https://cdn.example.com/faces/face.webp';
export const FACE_URL_2 = 'https://cdn.example.com/faces/face-2.webp';
export const VIDEO_URL = 'https://cdn.example.com/videos/clip.mp4';
export const CALLBACK_URL = 'https://n8n.example.com/webhook/abc/task_callback';
