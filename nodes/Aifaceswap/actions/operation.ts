import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Price } from '../pricing/credits';
import { priceText } from '../pricing/credits';
import type { Task, TaskRun } from '../tasks/submitTask';
import { submitTask } from '../tasks/submitTask';
import type { Endpoint } from '../transport';

/**
 * What the items of one run share, made once per run (by the batch, or by Wait for Result) and
 * passed to each item's operation: the API client with the run's throttle, the result mode (one
 * value per run) and, in a batch, the claim window.
 */
export type Run = TaskRun;

/** An operation's `execute`: one input item in, its output item out. */
export type OperationExecute = (this: IExecuteFunctions, itemIndex: number, run: Run) => Promise<INodeExecutionData>;

/** An operation that creates a task: one input item in, the task (checked and priced) out, nothing sent. */
export type TaskBuilder = (this: IExecuteFunctions, itemIndex: number, run: Run) => Promise<Task>;

/** The `execute` of an operation that creates a task: its task built, then submitted. */
export function submitting(build: TaskBuilder): OperationExecute {
	return async function (this: IExecuteFunctions, itemIndex: number, run: Run) {
		return await submitTask(this, itemIndex, run, await build.call(this, itemIndex, run));
	};
}

/** Why a model cannot use an operation: its name as the model reads it, and what it needs that a model cannot give. */
export interface NotForModels {
	operation: string;
	needs: string;
}

/**
 * Everything about one operation, declared in its own `<operation>.operation.ts`. The resource's
 * option list (with the price text), the router, the node's operation map type, the editor hint, the
 * tool variant, the trigger's callback type names and the mock API are built from these declarations.
 */
export type OperationDeclaration = {
	/** The Operation option: its name, value (saved in workflows: never renamed), description (without the price) and action. */
	option: { name: string; value: string; description: string; action: string };
	/** The aifaceswap endpoint it POSTs to. */
	endpoint: Endpoint;
	/** The body fields it sends, as the API documentation names them (`webhook` not counted: it comes with a callback). */
	fields: readonly string[];
	/** Its price, from the price list (`PRICES` in pricing/credits.ts). */
	price: Price;
	/** Set when a model cannot fill it: it then refuses to run as an AI Agent's tool. */
	notForModels?: NotForModels;
} & DeliveredByCallback;

/**
 * Set when the operation creates a task delivered by callback (such an operation has Result Mode):
 * the callback's `type` and its name, which the Aifaceswap Trigger outputs as `typeName`.
 */
type DeliveredByCallback = { callbackType: number; callbackName: string } | { callbackType?: undefined; callbackName?: undefined };

/** One operation's module: its declaration, fields and `execute`; an operation with Result Mode also its `task`. */
export interface OperationModule {
	declaration: OperationDeclaration;
	description: INodeProperties[];
	execute: OperationExecute;
	task?: TaskBuilder;
}

/** Whether the operation has a Result Mode (Submit Only or Wait for Result): it creates a task that calls back. */
export function hasResultMode(declaration: OperationDeclaration): boolean {
	return declaration.callbackType !== undefined;
}

/** The Operation option of a declaration, its description ending in the price. */
export function operationOption({ option, price }: OperationDeclaration): INodePropertyOptions {
	return { ...option, description: `${option.description} (${priceText(price)})` };
}

/** A resource's Operation field; its options and default come from the resource's operations. */
const OPERATION_FIELD: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	default: '',
	noDataExpression: true,
};

/** A resource's Operation field and its operations' fields, from its operations in the order the editor lists them. */
export function resourceDescription(resource: string, operations: readonly OperationModule[]): INodeProperties[] {
	const field: INodeProperties = {
		...OPERATION_FIELD,
		displayOptions: { show: { resource: [resource] } },
		options: operations.map(({ declaration }) => operationOption(declaration)),
		default: operations[0].declaration.option.value,
	};
	return [field, ...operations.flatMap(({ description }) => description)];
}
