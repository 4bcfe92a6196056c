/**
 * The one place where h3/srvx types are bent: the request as a WHATWG Request, and response bodies
 * h3 accepts but does not declare (a pipeable for SSE, an h3 HTTPResponse typed as Response). Every
 * `as unknown as` of the proxy lives here.
 */
import type {ServerResponse} from 'node:http';
import {type H3Event, HTTPResponse} from 'h3';

/** The request, typed as the WHATWG Request srvx gives us (its body reader needs no more). */
export function requestOf(event: H3Event): Request {
	return event.req as Request;
}

type NodeResponse = NonNullable<NonNullable<H3Event['runtime']>['node']>['res'];

/** The Node response serving this event, when node:http serves it. */
export function nodeResponseOf(event: H3Event): NodeResponse | undefined {
	return event.runtime?.node?.res;
}

/**
 * An h3 HTTPResponse typed as Response for the handlers: h3 is the only consumer and accepts both.
 * The body is a string (written with a Content-Length in one go) or a pipeable that srvx hands
 * the Node response to (the SSE relay).
 */
export function h3Response(body: string | {pipe(destination: ServerResponse): ServerResponse}, init: {status: number; headers: Record<string, string>}): Response {
	// Typed BodyInit only for h3's signature; srvx pipes any body with `pipe` and no `on`.
	return new HTTPResponse(body as unknown as BodyInit, init) as unknown as Response;
}
