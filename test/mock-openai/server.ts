/**
 * A stand-in for an OpenAI-compatible chat model, for n8n's OpenAI Chat Model node (its
 * credential's Base URL pointed here): real HTTP on 127.0.0.1, `POST .../chat/completions`,
 * plain JSON or server-sent events when the request streams.
 * - A conversation without a tool result yet: it answers with one call of the first tool it was
 *   given, its arguments built from that tool's JSON schema (`argumentsFor` gives the values).
 * - Once the conversation has a tool result: it answers with text quoting that result.
 * Every request is kept, so a test can read the tools, descriptions and schemas the model got.
 */
import type http from 'node:http';

import { LoopbackServer } from '../support/loopback-server';

export interface ChatTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: { properties?: Record<string, { type?: string; description?: string }>; required?: string[] } };
}

interface ChatMessage {
	role: string;
	content?: unknown;
	tool_call_id?: string;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
}

export const MOCK_OPENAI_KEY = 'sk-mock-openai-key';

export class MockOpenAi extends LoopbackServer {
	requests: ChatRequest[] = [];
	/** The value the model gives for each argument of the tool it calls. */
	argumentsFor: (tool: ChatTool) => Record<string, unknown> = () => ({});

	reset(): void {
		this.requests = [];
		this.argumentsFor = () => ({});
	}

	/** The tool results the model was given, in order. */
	toolResults(): string[] {
		return this.requests.flatMap((request) =>
			request.messages.filter((m) => m.role === 'tool').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))),
		);
	}

	protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		if (req.headers.authorization !== `Bearer ${MOCK_OPENAI_KEY}`) {
			res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }));
			return;
		}
		if (req.method === 'GET' && req.url?.endsWith('/models')) {
			res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'mock-model', object: 'model' }] }));
			return;
		}
		if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
			res.writeHead(404).end();
			return;
		}
		const request = JSON.parse(Buffer.concat(chunks).toString()) as ChatRequest;
		this.requests.push(request);
		const toolResult = [...request.messages].reverse().find((m) => m.role === 'tool');
		const tool = request.tools?.[0];
		const message = toolResult || !tool
			? { role: 'assistant', content: `The tool answered: ${typeof toolResult?.content === 'string' ? toolResult.content : JSON.stringify(toolResult?.content ?? null)}` }
			: {
					role: 'assistant',
					content: null,
					tool_calls: [{ id: `call_${this.requests.length}`, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(this.argumentsFor(tool)) } }],
				};
		const finish = 'tool_calls' in message ? 'tool_calls' : 'stop';
		const base = { id: `chatcmpl-${this.requests.length}`, created: Math.floor(Date.now() / 1000), model: request.model };
		if (!request.stream) {
			res.writeHead(200, { 'Content-Type': 'application/json' }).end(
				JSON.stringify({
					...base,
					object: 'chat.completion',
					choices: [{ index: 0, message, finish_reason: finish }],
					usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
				}),
			);
			return;
		}
		res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
		const send = (choice: unknown) => res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [choice] })}\n\n`);
		const delta = 'tool_calls' in message
			? { role: 'assistant', tool_calls: (message.tool_calls ?? []).map((call, index) => ({ index, ...call })) }
			: { role: 'assistant', content: message.content };
		send({ index: 0, delta, finish_reason: null });
		send({ index: 0, delta: {}, finish_reason: finish });
		res.end('data: [DONE]\n\n');
	}
}
