/**
 * The Fargate task size table (Linux): which memory sizes each CPU size allows.
 * Source: Amazon ECS Developer Guide, "Amazon ECS task definition parameters for Fargate" (task size);
 * AWS Batch Fargate jobs use the same pairs, expressed as vCPU. See shared/aws-facts.md.
 */

/** CPU units → the memory sizes (MiB) Fargate allows with it. */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map<number, number[]>([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** The CPU sizes Fargate accepts, ascending. */
export const FARGATE_CPUS: readonly number[] = [...FARGATE_SIZES.keys()];

/** Human list: "512, 1024 or 2048", or "1024 to 4096 in steps of 1024" for long ranges. */
function describeMemory(sizes: readonly number[]): string {
  if (sizes.length <= 3) return `${sizes.slice(0, -1).join(", ")} or ${sizes[sizes.length - 1]}`;
  return `${sizes[0]} to ${sizes[sizes.length - 1]} in steps of ${sizes[1] - sizes[0]}`;
}

/** Is cpu/memory a valid Fargate task size? */
export function isFargateSize(cpu: number, memory: number): boolean {
  return FARGATE_SIZES.get(cpu)?.includes(memory) ?? false;
}

/**
 * Why a cpu/memory pair is not a Fargate task size, as a message for the memory (or cpu) key;
 * undefined when the pair is valid.
 */
export function fargateSizeProblem(cpu: number, memory: number): { field: "cpu" | "memory"; message: string } | undefined {
  const allowed = FARGATE_SIZES.get(cpu);
  if (!allowed) {
    return { field: "cpu", message: `Fargate allows ${FARGATE_CPUS.join(", ")} CPU units, got ${cpu}` };
  }
  if (!allowed.includes(memory)) {
    return { field: "memory", message: `${cpu} CPU units allow ${describeMemory(allowed)} MiB, got ${memory}` };
  }
  return undefined;
}

/** CPU units as the vCPU string AWS Batch expects ("0.25", "1", "16"). */
export function cpuUnitsToVcpu(cpu: number): string {
  return String(cpu / 1024);
}
