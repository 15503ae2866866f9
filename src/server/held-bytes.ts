/**
 * The key of `Pop3Mock`'s reader of a message's shared bytes, for the
 * control API and the browser view. The package does not export it, so no
 * caller reaches the bytes every server of the process serves by name (what
 * the API hands out is a copy). Its own module: the readers import it without
 * importing the server.
 */
export const HELD_BYTES: unique symbol = Symbol('heldBytes');
