import { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Request and response classes for `http.createServer(options, app)` whose instances already have Express's
 * prototypes, so Express never has to swap them.
 *
 * Express gives node's req and res objects its methods by swapping their prototype (`Object.setPrototypeOf`) as each
 * request enters the app. V8 handles that swap badly. Measured on a voice join (single process):
 * - CPU per join at 800 req/s: 0.63–0.74 ms with the swap, 0.41–0.42 ms without (three interleaved rounds);
 * - young-generation collections (--trace-gc-nvp, one pinned worker under 25 connections): 2.4 MB survived and was
 *   promoted per scavenge, with pauses of 7–9 ms; without the swap 0.2 MB and about 3 ms.
 *
 * Here node constructs subclasses of IncomingMessage / ServerResponse whose prototypes are put in front of the app's
 * own request/response prototypes, and the app is told to use those: Express's swap then finds the prototype already
 * in place, which V8 treats as a no-op. Every Express method and getter is still inherited (`req.get`, `res.json`,
 * `req.app`, …). Only for an app that is not mounted inside another Express app (a mounted app swaps again). The
 * same approach is proposed upstream in expressjs/express#5998; see also nodejs/node#37457.
 */
export function expressHttpClasses(app: { request: object; response: object }): {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
} {
  class ExpressRequest extends IncomingMessage {}
  class ExpressResponse extends ServerResponse {}
  Object.setPrototypeOf(ExpressRequest.prototype, app.request);
  Object.setPrototypeOf(ExpressResponse.prototype, app.response);
  app.request = ExpressRequest.prototype;
  app.response = ExpressResponse.prototype;
  return { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse as typeof ServerResponse };
}
