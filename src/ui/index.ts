import type { ControlServer } from '../control/control-server';
import type { Pop3Mock } from '../server/pop3-mock';
import { LOGIN_PATH, uiMount } from './router';

const mounted = new WeakSet<ControlServer>();

/**
 * Mounts the browser view (/ui/) on a control server: sessions live,
 * mailboxes, fault rules. Idempotent: a second call for the same control
 * server does nothing.
 */
export function mountUi(pop3: Pop3Mock, control: ControlServer): void {
  if (mounted.has(control)) return;
  mounted.add(control);
  control.mount(uiMount(pop3, control));
}

/**
 * The link that opens the view: it carries the token once, sets a cookie
 * and redirects to /ui/. Undefined when the control server is off.
 */
export function uiLink(pop3: Pop3Mock): string | undefined {
  const { controlUrl, controlToken } = pop3;
  if (controlUrl === undefined || controlToken === undefined) return undefined;
  return `${controlUrl}${LOGIN_PATH}?token=${encodeURIComponent(controlToken)}`;
}
