/** Compile-time exhaustiveness: a new union member that is not handled is a type error where this is called. */
export function assertNever(value: never): never {
  throw new Error(`pop3-mock: unhandled event ${JSON.stringify(value)}`);
}
