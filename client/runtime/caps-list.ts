// The capability names this kernel knows, in kernel order (CAP_CHOWN … cap_last_cap).
import { CAPABILITIES, capLastCap } from '../../sys/constants.js';

export function capNamesAll(): string[] {
  const last = capLastCap();
  return Object.entries(CAPABILITIES).filter(([, n]) => n <= last).sort((a, b) => a[1] - b[1]).map(([name]) => name);
}
