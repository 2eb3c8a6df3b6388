/**
 * An image reference resolved to its content digest, once, at the start of a rollout: every wave
 * then runs `repository@sha256:…`, the same bits everywhere, even if the tag moves meanwhile.
 *
 *  - Private Amazon ECR images (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>`): ECR
 *    DescribeImages with the tag (or digest) as image id; `imageDigest` is the digest of the image
 *    manifest or, for multi-architecture images, of the image index — the same digest ECS pulls by.
 *    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
 *  - Every other registry: the OCI distribution API, `HEAD /v2/<name>/manifests/<reference>` with
 *    an Accept header listing the OCI index/manifest and Docker manifest list/v2 manifest types;
 *    the digest is the `Docker-Content-Digest` header, or the SHA-256 of the manifest body (GET)
 *    when a registry does not send the header.
 *    https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 *    A 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` is answered with the
 *    anonymous token flow (GET realm?service=…&scope=…, then `Authorization: Bearer <token>`).
 *    https://distribution.github.io/distribution/spec/auth/token/
 *
 * Registries on loopback (`localhost`, `127.0.0.1`, `[::1]`) are spoken to over plain HTTP, as
 * Docker does; every other registry over HTTPS.
 */
import { createHash } from "crypto";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { type Clock, systemClock } from "./clock";
import { FleetError } from "./errors";
import { retryTransient } from "./retry";

/** The image given to `--image` is not a reference a registry can serve. Exit code 2 (bad input). */
export class ImageReferenceError extends FleetError {}

/** The registry was asked and could not (or would not) name the image's digest. */
export class ImageResolutionError extends FleetError {}

/** Longest image reference ECS accepts (ContainerDefinition.image). */
export const MAX_IMAGE_REFERENCE = 255;

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** An image reference taken apart (the grammar of distribution/reference). */
export interface ImageReference {
  /** As given. */
  original: string;
  /** The name part as given (no tag, no digest), e.g. `nginx` or `registry.example.com/web`. */
  name: string;
  /** Registry host[:port]; `docker.io` when the reference names none. */
  registry: string;
  /** Repository path in the registry, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const ALLOWED =
  "allowed: [registry[:port]/]path[:tag][@sha256:<64 hex>] with a lowercase path of letters, digits and . _ - separators, a tag of at most 128 letters, digits, _ . -, and at most 255 characters in all";

/** Parses an image reference; throws ImageReferenceError saying what is allowed. */
export function parseImageRef(image: string): ImageReference {
  const bad = (why: string): never => {
    throw new ImageReferenceError(`--image: ${JSON.stringify(image)} is not an image reference (${why}); ${ALLOWED}`);
  };
  if (image.length === 0) bad("it is empty");
  if (image.length > MAX_IMAGE_REFERENCE) bad(`it has ${image.length} characters`);
  if (/\s/.test(image)) bad("it contains whitespace");
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad(`the digest ${JSON.stringify(digest)} is not sha256:<64 lowercase hex>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) bad(`the tag ${JSON.stringify(tag)} is not valid`);
  }
  const name = rest;
  const parts = name.split("/");
  let registry = "docker.io";
  if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
    registry = parts.shift()!;
    if (!HOST.test(registry)) bad(`the registry ${JSON.stringify(registry)} is not a host[:port]`);
  }
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) bad(`the path ${JSON.stringify(parts.join("/"))} is not valid`);
  if (registry === "docker.io" && parts.length === 1) parts.unshift("library");
  return { original: image, name, registry, repository: parts.join("/"), ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** An image pinned to its digest. */
export interface ResolvedImage {
  /** The reference as given, e.g. `registry.example.com/web:2.0`. */
  requested: string;
  /** What the rollout deploys: `<name>@sha256:…`. */
  image: string;
  digest: string;
  /** How it was resolved: `ecr` or `registry` (OCI distribution API). */
  via: "ecr" | "registry";
}

/** Resolves an image reference to its digest (tests use a double). */
export interface ImageResolver {
  /** Throws ImageReferenceError (bad reference) or ImageResolutionError (registry said no / unreachable). */
  resolve(image: string): Promise<ResolvedImage>;
}

/** The media types a manifest request accepts, index types first. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** `Bearer realm="…",service="…",scope="…"` -> its parameters (undefined if not a Bearer challenge). */
export function parseBearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header) return undefined;
  const m = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[1].matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) params[p[1].toLowerCase()] = p[2] ?? p[3];
  return params.realm ? params : undefined;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, "");
  return h === "localhost" || h === "127.0.0.1" || h === "[::1]";
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export interface RegistryImageResolverOptions {
  /** ECR client for a region. Default `new ECRClient({ region })`. */
  ecr?: (region: string) => ECRClient;
  /** HTTP client. Default the global fetch. */
  fetch?: typeof fetch;
  /** Time limit of one HTTP request. Default 15 s. */
  requestTimeoutMs?: number;
  /** How long transient errors (throttling, 5xx, network) are retried. Default 2 min. */
  retryForMs?: number;
  clock?: Clock;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpStatusError";
  }
  // Lets retryTransient see 429/5xx as transient, as for an AWS SDK error.
  get $metadata(): { httpStatusCode: number } {
    return { httpStatusCode: this.status };
  }
}

/** Resolves through ECR for private ECR images and through the OCI distribution API otherwise. */
export class RegistryImageResolver implements ImageResolver {
  private readonly clock: Clock;
  private readonly ecrClients = new Map<string, ECRClient>();

  constructor(private readonly options: RegistryImageResolverOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async resolve(image: string): Promise<ResolvedImage> {
    const ref = parseImageRef(image);
    const deadline = this.clock.now().getTime() + (this.options.retryForMs ?? 120_000);
    const ecr = ECR_HOST.exec(ref.registry);
    const digest = await retryTransient(() => (ecr ? this.fromEcr(ref, ecr[1], ecr[2]) : this.fromRegistry(ref)), {
      clock: this.clock,
      deadline,
    }).catch((err: unknown) => {
      if (err instanceof FleetError) throw err;
      throw new ImageResolutionError(`cannot resolve ${image} to a digest: ${errorText(err)}`);
    });
    if (!DIGEST.test(digest)) throw new ImageResolutionError(`cannot resolve ${image}: the registry answered digest ${JSON.stringify(digest)}`);
    if (ref.digest && ref.digest !== digest) throw new ImageResolutionError(`${image}: the registry serves ${digest} for it, not ${ref.digest}`);
    return { requested: image, image: `${ref.name}@${digest}`, digest, via: ecr ? "ecr" : "registry" };
  }

  private ecrClient(region: string): ECRClient {
    let c = this.ecrClients.get(region);
    if (!c) {
      c = this.options.ecr ? this.options.ecr(region) : new ECRClient({ region });
      this.ecrClients.set(region, c);
    }
    return c;
  }

  private async fromEcr(ref: ImageReference, registryId: string, region: string): Promise<string> {
    const imageId = ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag ?? "latest" };
    try {
      const res = await this.ecrClient(region).send(new DescribeImagesCommand({ registryId, repositoryName: ref.repository, imageIds: [imageId] }));
      const found = res.imageDetails?.[0]?.imageDigest;
      if (!found) throw new ImageResolutionError(`${ref.original}: ECR returned no image for ${JSON.stringify(imageId)}`);
      return found;
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === "ImageNotFoundException" || name === "RepositoryNotFoundException") {
        throw new ImageResolutionError(`${ref.original}: ${name} in ECR ${registryId} (${region}): ${(err as Error).message}`);
      }
      throw err;
    }
  }

  private async request(url: string, init: { method: string; headers: Record<string, string> }): Promise<Response> {
    const f = this.options.fetch ?? fetch;
    return f(url, { ...init, redirect: "follow", signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000) });
  }

  private async fromRegistry(ref: ImageReference): Promise<string> {
    const host = ref.registry === "docker.io" ? "registry-1.docker.io" : ref.registry;
    const base = `${isLoopback(host) ? "http" : "https"}://${host}`;
    const reference = ref.digest ?? ref.tag ?? "latest";
    const url = `${base}/v2/${ref.repository}/manifests/${reference}`;
    const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT };
    let res = await this.request(url, { method: "HEAD", headers });
    if (res.status === 401) {
      const challenge = parseBearerChallenge(res.headers.get("www-authenticate"));
      if (!challenge) throw new ImageResolutionError(`${ref.original}: ${host} wants credentials (no anonymous Bearer challenge); pin the image by digest`);
      headers.Authorization = `Bearer ${await this.token(challenge, ref)}`;
      res = await this.request(url, { method: "HEAD", headers });
    }
    if (res.status === 404) throw new ImageResolutionError(`${ref.original}: ${host} has no manifest ${ref.repository}:${reference} (404)`);
    if (res.status === 401 || res.status === 403) throw new ImageResolutionError(`${ref.original}: ${host} refused the manifest (${res.status})`);
    if (res.status >= 400) throw new HttpStatusError(res.status, `HEAD ${url}: ${res.status}`);
    const header = res.headers.get("docker-content-digest");
    if (header) return header;
    // No digest header: GET the manifest and hash the bytes as served.
    const body = await this.request(url, { method: "GET", headers });
    if (body.status >= 400) throw new HttpStatusError(body.status, `GET ${url}: ${body.status}`);
    return `sha256:${createHash("sha256").update(Buffer.from(await body.arrayBuffer())).digest("hex")}`;
  }

  private async token(challenge: Record<string, string>, ref: ImageReference): Promise<string> {
    const u = new URL(challenge.realm);
    if (challenge.service) u.searchParams.set("service", challenge.service);
    u.searchParams.set("scope", challenge.scope ?? `repository:${ref.repository}:pull`);
    const res = await this.request(u.toString(), { method: "GET", headers: { Accept: "application/json" } });
    if (res.status >= 500 || res.status === 429) throw new HttpStatusError(res.status, `token ${u.origin}: ${res.status}`);
    if (!res.ok) throw new ImageResolutionError(`${ref.original}: the token service ${u.origin} refused an anonymous pull token (${res.status})`);
    const json = (await res.json()) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw new ImageResolutionError(`${ref.original}: the token service ${u.origin} returned no token`);
    return token;
  }
}
