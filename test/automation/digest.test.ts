/**
 * Image digest resolution against a small OCI registry served on 127.0.0.1 by this test (it speaks
 * the distribution API's manifest HEAD/GET and the anonymous Bearer-token flow; it closes itself
 * after the tests or after 30 s at the latest), and against ECR through the SDK mock.
 */
import { expect } from "chai";
import { createHash } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  ImageReferenceError,
  ImageResolutionError,
  MANIFEST_ACCEPT,
  RegistryImageResolver,
  parseBearerChallenge,
  parseImageRef,
} from "../../automation/digest";
import { FakeClock } from "./doubles";

const INDEX = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] });
const INDEX_DIGEST = `sha256:${createHash("sha256").update(INDEX).digest("hex")}`;
const PLAIN = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.v2+json", layers: [] });
const PLAIN_DIGEST = `sha256:${createHash("sha256").update(PLAIN).digest("hex")}`;

interface Seen {
  method: string;
  url: string;
  accept?: string;
  auth?: string;
}

describe("automation/digest: registry on loopback", () => {
  let server: http.Server;
  let host: string;
  const seen: Seen[] = [];
  let unavailable = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, accept: req.headers.accept, auth: req.headers.authorization });
      const url = new URL(req.url!, "http://x");
      if (url.pathname === "/token") {
        // Anonymous pull tokens for the scope asked.
        if (url.searchParams.get("service") !== "test-registry" || !url.searchParams.get("scope")?.startsWith("repository:")) return void res.writeHead(400).end();
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `anon:${url.searchParams.get("scope")}` }));
      }
      const m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
      if (!m) return void res.writeHead(404).end();
      const [, name, ref] = m;
      if (name === "team/flaky" && unavailable-- > 0) return void res.writeHead(503).end();
      if (name.startsWith("private/") || name === "team/web") {
        if (req.headers.authorization !== `Bearer anon:repository:${name}:pull`) {
          return void res
            .writeHead(401, { "www-authenticate": `Bearer realm="http://${host}/token",service="test-registry",scope="repository:${name}:pull"` })
            .end();
        }
      }
      if ((name === "team/web" || name === "team/flaky") && (ref === "2.0" || ref === INDEX_DIGEST)) {
        return void res.writeHead(200, { "docker-content-digest": INDEX_DIGEST, "content-type": "application/vnd.oci.image.index.v1+json" }).end(req.method === "GET" ? INDEX : undefined);
      }
      if (name === "legacy/app" && ref === "1.0") {
        // A registry that sends no digest header: the manifest bytes are hashed.
        return void res.writeHead(200, { "content-type": "application/vnd.docker.distribution.manifest.v2+json" }).end(req.method === "GET" ? PLAIN : undefined);
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    setTimeout(() => server.close(), 30_000).unref(); // bounded, whatever happens
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const resolver = () => new RegistryImageResolver({ clock: new FakeClock(), requestTimeoutMs: 5000 });

  it("resolves a tag through the anonymous Bearer-token flow, asking for index and manifest types", async () => {
    const r = await resolver().resolve(`${host}/team/web:2.0`);
    expect(r).to.deep.equal({ requested: `${host}/team/web:2.0`, image: `${host}/team/web@${INDEX_DIGEST}`, digest: INDEX_DIGEST, via: "registry" });
    expect(seen.map((s) => `${s.method} ${s.url.split("?")[0]}`)).to.deep.equal(["HEAD /v2/team/web/manifests/2.0", "GET /token", "HEAD /v2/team/web/manifests/2.0"]);
    for (const t of ["application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json"]) {
      expect(seen[0].accept).to.contain(t);
    }
    expect(seen[2].auth).to.equal("Bearer anon:repository:team/web:pull");
  });

  it("hashes the manifest when the registry sends no Docker-Content-Digest", async () => {
    const r = await resolver().resolve(`${host}/legacy/app:1.0`);
    expect(r.digest).to.equal(PLAIN_DIGEST);
    expect(seen.map((s) => s.method)).to.deep.equal(["HEAD", "GET"]);
  });

  it("checks an image given by digest against the registry", async () => {
    const ok = await resolver().resolve(`${host}/team/web@${INDEX_DIGEST}`);
    expect(ok.image).to.equal(`${host}/team/web@${INDEX_DIGEST}`);
    const missing = await resolver().resolve(`${host}/team/web@sha256:${"0".repeat(64)}`).catch((e: Error) => e);
    expect(missing).to.be.instanceOf(ImageResolutionError);
  });

  it("says so when the tag does not exist", async () => {
    const err = await resolver().resolve(`${host}/team/web:9.9`).catch((e: Error) => e);
    expect(err).to.be.instanceOf(ImageResolutionError);
    expect((err as Error).message).to.contain(`${host} has no manifest team/web:9.9 (404)`);
  });

  it("retries a registry answering 503", async () => {
    unavailable = 2;
    const r = await resolver().resolve(`${host}/team/flaky:2.0`);
    expect(r.digest).to.equal(INDEX_DIGEST);
    expect(seen.filter((s) => s.method === "HEAD")).to.have.length(3);
  });
});

describe("automation/digest: references", () => {
  it("takes references apart as Docker does", () => {
    expect(parseImageRef("nginx")).to.include({ registry: "docker.io", repository: "library/nginx", name: "nginx" });
    expect(parseImageRef("public.ecr.aws/nginx/nginx:1.27")).to.include({ registry: "public.ecr.aws", repository: "nginx/nginx", tag: "1.27" });
    expect(parseImageRef("localhost:5000/a/b:c")).to.include({ registry: "localhost:5000", repository: "a/b", tag: "c" });
    const d = `sha256:${"b".repeat(64)}`;
    expect(parseImageRef(`r.example.com/web:2.0@${d}`)).to.include({ name: "r.example.com/web", tag: "2.0", digest: d });
  });

  it("refuses what no registry serves, saying what is allowed", () => {
    for (const bad of ["web 2.0", "", "Registry.example.com/Web:1", "r.example.com/web@sha256:abc", "r.example.com/web:bad tag", `r.example.com/${"a".repeat(250)}`]) {
      expect(() => parseImageRef(bad), bad).to.throw(ImageReferenceError, "allowed: [registry[:port]/]path[:tag][@sha256:<64 hex>]");
    }
  });

  it("reads Bearer challenges", () => {
    expect(parseBearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).to.deep.equal({
      realm: "https://auth.docker.io/token",
      service: "registry.docker.io",
      scope: "repository:library/nginx:pull",
    });
    expect(parseBearerChallenge('Basic realm="x"')).to.equal(undefined);
    expect(MANIFEST_ACCEPT.split(", ")).to.have.length(4);
  });
});

describe("automation/digest: Amazon ECR", () => {
  const ecr = mockClient(ECRClient);
  after(() => ecr.restore());
  beforeEach(() => ecr.reset());
  const digest = `sha256:${"c".repeat(64)}`;

  it("asks ECR DescribeImages in the registry's region, for the tag", async () => {
    const regions: string[] = [];
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: digest, imageTags: ["2.0"] }] });
    const r = await new RegistryImageResolver({
      clock: new FakeClock(),
      ecr: (region) => {
        regions.push(region);
        return new ECRClient({ region });
      },
    }).resolve("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:2.0");
    expect(r).to.deep.equal({ requested: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:2.0", image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web@${digest}`, digest, via: "ecr" });
    expect(regions).to.deep.equal(["eu-west-1"]);
    expect(ecr.commandCalls(DescribeImagesCommand)[0].args[0].input).to.deep.equal({ registryId: "123456789012", repositoryName: "team/web", imageIds: [{ imageTag: "2.0" }] });
  });

  it("reports an image ECR does not have", async () => {
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error("The image with imageId {imageTag:'9'} does not exist"), { name: "ImageNotFoundException" }));
    const err = await new RegistryImageResolver({ clock: new FakeClock() }).resolve("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:9").catch((e: Error) => e);
    expect(err).to.be.instanceOf(ImageResolutionError);
    expect((err as Error).message).to.contain("ImageNotFoundException in ECR 123456789012 (eu-west-1)");
  });
});
