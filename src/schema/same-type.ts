/**
 * `true` when A and B are the same type: `const x: Same<A, B> = true` fails to compile the day they part.
 * The keys are compared too: an optional key one has and the other lacks (a renamed or added option)
 * leaves two object types assignable to each other both ways.
 */
export type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
