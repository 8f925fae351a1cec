import type http from 'node:http';

import { LoopbackServer } from './loopback-server';

/**
 * Another service on the Base URL's host (127.0.0.1, another port), as n8n itself or a database
 * console would be: it records every request it gets, so a test can show nothing reached it.
 */
export class Bystander extends LoopbackServer {
	requests: string[] = [];

	protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		this.requests.push(`${req.method} ${req.url}`);
		res.writeHead(200, { 'Content-Type': 'image/png' }).end('private answer');
	}
}
