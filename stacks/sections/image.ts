/**
 * Container image references, as ECS task definitions and Batch job definitions take them.
 *
 * ECS: "up to 255 characters total are allowed, including letters (uppercase and lowercase), numbers,
 * hyphens, underscores, colons, periods, forward slashes, and number signs (#). For images using
 * digests, the 255 character limit applies only to the repository URL and image name (everything
 * before the @ sign)" — https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image
 * Batch: the same 255 characters — https://docs.aws.amazon.com/batch/latest/APIReference/API_ContainerProperties.html
 * The form is the OCI / Docker reference grammar (github.com/distribution/reference, reference.go):
 * `[domain[:port]/]path-component(/path-component)*[:tag][@algorithm:hex]`, path components
 * lowercase, tags `[\w][\w.-]{0,127}`.
 */
import { z } from "zod";
import { describeValue } from "./common";

/**
 * The offline plan's stand-in for an encrypted (`secure:`) value (offline/stack-file.ts
 * SECURE_PLACEHOLDER). Under `pulumi up` the CLI decrypts the image before the program validates it;
 * offline the real value is unknown, so the stand-in passes the image check (and only that one).
 */
export const SECRET_PLACEHOLDER = "[secret]";

/** Longest image reference (before any `@digest`) ECS and Batch accept. */
export const MAX_IMAGE_REFERENCE = 255;

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const WITH_DOMAIN = new RegExp(`^${DOMAIN}/${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
const WITHOUT_DOMAIN = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

/** Why `ref` is not an image reference ECS and Batch accept, or undefined. */
export function imageReferenceProblem(ref: string): string | undefined {
  const name = ref.split("@")[0];
  if (name.length > MAX_IMAGE_REFERENCE) {
    return `an image reference is at most ${MAX_IMAGE_REFERENCE} characters (before any @digest), got ${name.length}`;
  }
  if (ref.length > 1024) return `an image reference this long (${ref.length} characters) is not valid`;
  const bad = /[^A-Za-z0-9\-_:./#@[\]]/.exec(ref);
  if (bad) {
    const c = bad[0];
    const shown = /\s/.test(c) ? "whitespace" : `"${c}"`;
    return `image references may contain letters, digits, - _ : . / # and @ only, got ${shown} in ${describeValue(ref)}`;
  }
  if (!WITH_DOMAIN.test(ref) && !WITHOUT_DOMAIN.test(ref)) {
    return `expected an image reference such as public.ecr.aws/nginx/nginx:1.27 or registry/repository@sha256:<64 hex digits> (repository names are lowercase), got ${describeValue(ref)}`;
  }
  if (ref.includes("@") && !/@sha256:[0-9a-fA-F]{64}$/.test(ref)) {
    return `ECS supports sha256 digests only, written @sha256:<64 hex digits>, got ${describeValue(ref.slice(ref.indexOf("@")))}`;
  }
  return undefined;
}

/** A container image reference. */
export function image(): z.ZodEffects<z.ZodUnknown, string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (v === undefined) {
      ctx.addIssue({ code: "custom", message: "required: a container image reference such as public.ecr.aws/nginx/nginx:1.27" });
      return z.NEVER;
    }
    if (typeof v !== "string" || v === "") {
      ctx.addIssue({ code: "custom", message: `expected a container image reference such as public.ecr.aws/nginx/nginx:1.27, got ${describeValue(v)}` });
      return z.NEVER;
    }
    const problem = v === SECRET_PLACEHOLDER ? undefined : imageReferenceProblem(v);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return v;
  });
}
