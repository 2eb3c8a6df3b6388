/** IPv4 CIDR arithmetic, pure. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; undefined when it is not IPv4 CIDR syntax. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return { base, prefix };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** True when the address has no host bits set (10.0.0.0/16, not 10.0.0.1/16). */
export function isNetworkAddress(c: Cidr): boolean {
  return (c.base & mask(c.prefix)) >>> 0 === c.base;
}

/** The network address of the block containing `c` (for "did you mean" hints). */
export function networkOf(c: Cidr): Cidr {
  return { base: (c.base & mask(c.prefix)) >>> 0, prefix: c.prefix };
}

export function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return (a.base & mask(p)) >>> 0 === (b.base & mask(p)) >>> 0;
}

/** Splits `c` into `2^bits` equal blocks, in address order. */
export function subdivide(c: Cidr, bits: number): Cidr[] {
  const prefix = c.prefix + bits;
  if (prefix > 32) throw new Error(`cannot split ${formatCidr(c)} into /${prefix} blocks`);
  const size = 2 ** (32 - prefix);
  return Array.from({ length: 2 ** bits }, (_, i) => ({ base: (c.base + i * size) >>> 0, prefix }));
}
