/**
 * runtime/quiet-sdk-log.ts: the SDK's own per-resource debug messages are dropped before they
 * become engine RPCs; any other debug message goes through. (End to end, over gRPC under the SDK's
 * runner: test/offline/engine.test.ts.)
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { SDK_DEBUG_FORMATS, isSdkDebugMessage, quietSdkDebugLogs } from "../../runtime/quiet-sdk-log";

const SDK_RUNTIME = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "runtime");

describe("runtime: the SDK's per-resource debug messages stay off the wire (runtime/quiet-sdk-log.ts)", () => {
  it("matches the SDK's registration, invoke and serialization messages, and nothing a program would log", () => {
    for (const m of [
      "Registering resource: t=aws:ecs/service:Service, name=web, custom=true, remote=false",
      "RegisterResource RPC prepared: t=aws:ecs/service:Service, name=web",
      "RegisterResource RPC finished: resource:web[aws:ecs/service:Service]; err: null, resp: urn:…",
      "RegisterResourceOutputs RPC finished: urn=urn:pulumi:dev::p::t::n; err: null, resp: ",
      "Invoking function: tok=aws:index/getCallerIdentity:getCallerIdentity asynchronously",
      ", obj={}",
      "Serialize property [web.tags]: primitive=x",
    ]) {
      expect(isSdkDebugMessage(m), m).to.equal(true);
    }
    for (const m of ["deploying web to eu-west-1", "Registering the hosts of site a-dc", "registering resource web"]) expect(isSdkDebugMessage(m), m).to.equal(false);
  });

  it("every format matches a message the pinned SDK's runtime really builds (a stale pattern would filter nothing)", () => {
    const source = fs
      .readdirSync(SDK_RUNTIME)
      .filter((f) => f.endsWith(".js"))
      .map((f) => fs.readFileSync(path.join(SDK_RUNTIME, f), "utf8"))
      .join("\n");
    // The literal head of every template string in the runtime (up to its first `${`).
    const heads = [...source.matchAll(/`([^`$]*)/g)].map((m) => m[1]).filter((h) => h.length > 0);
    for (const re of SDK_DEBUG_FORMATS) expect(heads.some((h) => re.test(h)), String(re)).to.equal(true);
    // And a pattern that matches no message is caught by the same test.
    expect(heads.some((h) => /^Registering widget: t=/.test(h))).to.equal(false);
  });

  it("drops those messages and passes the others to the SDK's debug", async () => {
    expect(quietSdkDebugLogs()).to.equal(true);
    const log = require("@pulumi/pulumi/log");
    const settings = require("@pulumi/pulumi/runtime/settings");
    const sent: string[] = [];
    const getEngine = settings.getEngine;
    // An engine that records what reaches it (the mocks have none, so debug would return early).
    settings.getEngine = () => ({ log: (req: { getMessage(): string }, cb: () => void) => (sent.push(req.getMessage()), cb()) });
    try {
      await log.debug("Registering resource: t=aws:s3/bucket:Bucket, name=b, custom=true, remote=false");
      await log.debug("a program's own debug message");
    } finally {
      settings.getEngine = getEngine;
    }
    expect(sent).to.deep.equal(["a program's own debug message"]);
  });
});
