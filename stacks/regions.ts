/**
 * AWS region names ecs-fleet knows, with their partition. A region missing here is rejected with a
 * clear error; add it here when AWS opens it.
 */

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

const COMMERCIAL = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "af-south-1",
  "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ca-central-1", "ca-west-1",
  "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
  "eu-south-1", "eu-south-2", "eu-north-1",
  "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
] as const;

const PARTITIONS: Record<string, Partition> = {
  ...Object.fromEntries(COMMERCIAL.map((r) => [r, "aws" as const])),
  "cn-north-1": "aws-cn",
  "cn-northwest-1": "aws-cn",
  "us-gov-west-1": "aws-us-gov",
  "us-gov-east-1": "aws-us-gov",
};

/** Every region name ecs-fleet accepts. */
export const KNOWN_REGIONS: readonly string[] = Object.keys(PARTITIONS);

export function isKnownRegion(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(PARTITIONS, name);
}

export function partitionOf(region: string): Partition | undefined {
  return isKnownRegion(region) ? PARTITIONS[region] : undefined;
}

/** Closest known region names, for "did you mean" hints (`eu-west1` → `eu-west-1`). */
export function suggestRegion(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  if (lower !== name && isKnownRegion(lower)) return lower; // EU-WEST-1 → eu-west-1
  if (name.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const r of KNOWN_REGIONS) {
    const d = editDistance(lower, r);
    if (d < bestDistance) {
      bestDistance = d;
      best = r;
    }
  }
  return bestDistance <= 2 ? best : undefined;
}

/** Levenshtein distance (small strings only; one typed row, no per-cell allocation). */
export function editDistance(a: string, b: string): number {
  const n = b.length;
  const prev = new Uint32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const tmp = prev[j];
      const sub = diag + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = prev[j - 1] + 1;
      prev[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      diag = tmp;
    }
  }
  return prev[n];
}
