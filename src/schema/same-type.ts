/** `true` when A and B are the same type: `const x: Same<A, B> = true` fails to compile the day they part. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
