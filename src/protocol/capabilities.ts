// CAPA data moved to src/capabilities/ (below both protocol and dialects). This
// re-export stays while src/server/pop3-mock.ts, edited on another branch now,
// imports from here; remove it once that import points at capabilities/.
export type { CapabilitySettings } from '../capabilities/settings';
