import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A test's HTTP server on 127.0.0.1, on a free port: `url` once started. */
export abstract class LoopbackServer {
	url = '';
	protected readonly server = http.createServer((req, res) => void this.handle(req, res));

	protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;

	async start(): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
