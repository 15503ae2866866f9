import type { ControlServer } from '../control/control-server';
import type { Pop3Mock } from '../server/pop3-mock';
import { uiMount } from './router';

// In its own module: the package's entry exports it without loading the view.
export { uiLink } from './link';

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
