/**
 * Planning without the Pulumi CLI or AWS: reads Pulumi.<stack>.yaml straight from the project
 * directory (secrets stay encrypted: they read `[secret]`), validates it with the program's own
 * schema and plans the rollout. This is what `fleet rollout --dry-run` prints.
 */
import * as fs from "fs";
import * as path from "path";
import { readStackFile } from "../offline/stack-file";
import { validateConfig } from "../stacks/validate";
import { applyConfigChanges, readProject } from "./config-edit";
import { ConfigInvalidError, StackNotFoundError } from "./errors";
import { PROJECT_DIR } from "./fleet-stack";
import { type RolloutPlan, planRollout } from "./rollout";

export interface OfflinePlanOptions {
  stack: string;
  service: string;
  image: string;
  /** The Pulumi project directory. Default: this repository's root. */
  workDir?: string;
  /** Overrides the config's `rollout.bakeMinutes`. */
  bakeMinutes?: number;
  /** Clock for the config's date checks. Default now. */
  now?: Date;
}

/**
 * Plans a rollout from the stack's config file, and validates every config it would write.
 * Throws StackNotFoundError (no such file), ConfigInvalidError (the config, or the config a wave
 * would write, e.g. for a bad image reference), or RolloutPlanError (unknown service).
 */
export function planRolloutFromFile(options: OfflinePlanOptions): RolloutPlan {
  const workDir = path.resolve(options.workDir ?? PROJECT_DIR);
  const { project, stackConfigDir } = readProject(workDir);
  const file = path.join(stackConfigDir, `Pulumi.${options.stack}.yaml`);
  if (!fs.existsSync(file)) throw new StackNotFoundError(options.stack, `${file} does not exist`);
  const { raw } = readStackFile(file, options.stack);
  const result = validateConfig(raw, { stack: options.stack, project, now: options.now ?? new Date() });
  if (!result.ok) throw new ConfigInvalidError(options.stack, result.issues);
  const plan = planRollout(result.config, {
    stack: options.stack,
    project,
    service: options.service,
    image: options.image,
    bakeMinutes: options.bakeMinutes,
  });
  // Every config the rollout would write must validate, as the real run checks before each write.
  let state = raw;
  for (const changes of [...plan.waves.map((w) => w.changes), plan.promote]) {
    state = applyConfigChanges(state, changes, project);
    const check = validateConfig(state, { stack: options.stack, project, now: options.now ?? new Date() });
    if (!check.ok) throw new ConfigInvalidError(options.stack, check.issues);
  }
  return plan;
}
