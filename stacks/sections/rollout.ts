/** `ecs-fleet:rollout`: how a new image goes out region by region (used by `npm run fleet -- rollout`). */
import { z } from "zod";
import { AddIssue, hint, integer, listOf, nameList, struct, text } from "./common";

export const RolloutSchema = struct(
  {
    /** Waves of regions, in order; when given, every configured region appears exactly once. Default: one region per wave, in config order. Sites always form the last wave. */
    waves: listOf(listOf(text("a region name"), "region names"), "waves (lists of region names)").optional(),
    /** Minutes to watch a wave's health before the next wave starts, 0..1440. Default 10. */
    bakeMinutes: integer(0, 1440).default(10),
  },
  "waves, bakeMinutes",
);

export type RolloutConfig = z.infer<typeof RolloutSchema>;

export function checkRollout(rollout: RolloutConfig | undefined, declaredRegions: readonly string[], add: AddIssue): void {
  const seen = new Map<string, number>();
  (rollout?.waves ?? []).forEach((wave, w) => {
    if (wave.length === 0) add(["rollout", "waves", w], "a wave needs at least one region");
    wave.forEach((region, i) => {
      if (!declaredRegions.includes(region)) {
        add(["rollout", "waves", w, i], `"${region}" is not a configured region${hint(region, declaredRegions)} (configured: ${nameList(declaredRegions)})`);
      } else if (seen.has(region)) {
        add(["rollout", "waves", w, i], `${region} is already in wave ${seen.get(region)}; each region belongs to one wave`);
      } else {
        seen.set(region, w);
      }
    });
  });
  if (rollout?.waves && rollout.waves.length > 0) {
    const missing = declaredRegions.filter((r) => !seen.has(r));
    if (missing.length > 0) {
      add(["rollout", "waves"], `waves must name every configured region; missing: ${nameList(missing)}`);
    }
  }
}
