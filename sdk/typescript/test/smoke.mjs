// The SDK's test against a running server, through the built package (npm run build first):
// FOUNTAIN_URL=http://127.0.0.1:8080 FOUNTAIN_API_KEY=fai_… node test/smoke.mjs
// It writes a script of its own each run, so it can run again on the same server.
import assert from "node:assert/strict";

import { FountainError, createFountainClient, throwOnError, unwrap } from "../dist/index.js";

const baseUrl = process.env.FOUNTAIN_URL;
const apiKey = process.env.FOUNTAIN_API_KEY;
if (!baseUrl || !apiKey) {
  console.error(
    "smoke: set FOUNTAIN_URL (e.g. http://127.0.0.1:8080) and FOUNTAIN_API_KEY (a writer's or admin's API key, " +
      "e.g. $(cat .data/admin-key) after make run). The repository's e2e/sdk test starts a server and does this.",
  );
  process.exit(2);
}

let passed = 0;
async function check(name, fn) {
  await fn();
  passed++;
  console.log(`ok: ${name}`);
}

// rejects asserts that promise fails with a FountainError of status and errorCode, and returns it.
async function rejects(promise, status, errorCode) {
  let caught;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof FountainError, `want a FountainError, got ${caught}`);
  assert.equal(caught.status, status, caught.message);
  assert.equal(caught.errorCode, errorCode);
  assert.match(caught.requestId ?? "", /\S/, "X-Request-Id");
  return caught;
}

const c = createFountainClient({ baseUrl, apiKey });
const title = `The Lighthouse ${Date.now()}-${Math.random().toString(36).slice(2)}`;

let scriptId, headingId, characterId, dialogueId;
await check("write a script, a scene, a character and a line", async () => {
  const script = await unwrap(c.scripts.POST("/scripts", { body: { title } }));
  scriptId = script.scriptId;
  assert.equal(script.title, title);
  const scene = await unwrap(
    c.scripts.POST("/scripts/{scriptId}/sections", { params: { path: { scriptId } }, body: { title: "INT. LAMP ROOM - NIGHT", kind: "scene" } }),
  );
  headingId = scene.headingId;
  const keeper = await unwrap(c.characters.POST("/characters", { body: { name: "KEEPER", description: "Tends the light." } }));
  characterId = keeper.characterId;
  const line = await unwrap(
    c.characters.POST("/spokenWords", { body: { scriptId, sectionId: headingId, characterId, text: "The lamp is lit." } }),
  );
  dialogueId = line.dialogueId;
});

await check("read the story back", async () => {
  const story = await unwrap(c.stories.GET("/stories", { params: { query: { scriptId } } }));
  assert.equal(story.scriptId, scriptId);
  assert.equal(story.title, title);
  assert.deepEqual(
    story.sections.map((s) => [s.headingId, s.title]),
    [[headingId, "INT. LAMP ROOM - NIGHT"]],
  );
  assert.equal(story.totalCount, 1);
  const [e] = story.story;
  assert.equal(e.elementType, "spokenWord");
  assert.equal(e.sequence, 1);
  assert.equal(e.sectionId, headingId);
  assert.equal(e.spokenWord.dialogueId, dialogueId);
  assert.equal(e.spokenWord.text, "The lamp is lit.");
  assert.equal(e.character.characterId, characterId);
  assert.equal(e.character.name, "KEEPER");
});

await check("a 404 is a FountainError with its errorCode", async () => {
  const e = await rejects(c.stories.GET("/stories", { params: { query: { scriptId: 2 ** 53 - 1 } } }), 404, "SCRIPT_NOT_FOUND");
  assert.ok(e instanceof Error);
  assert.equal(e.name, "FountainError");
});

await check("a refused body names what is wrong in details", async () => {
  const e = await rejects(c.characters.POST("/characters", { body: { name: "", description: "nameless" } }), 400, "VALIDATION_FAILED");
  assert.ok(e.details.length > 0, "details");
  assert.ok(e.details.every((d) => typeof d === "string" && d !== ""), `details ${JSON.stringify(e.details)}`);
});

await check("without throwOnError the error is openapi-fetch's, and unwrap throws it", async () => {
  const quiet = createFountainClient({ baseUrl, apiKey, throwOnError: false });
  const r = await quiet.stories.GET("/stories", { params: { query: { scriptId: 2 ** 53 - 1 } } });
  assert.equal(r.response.status, 404);
  assert.equal(r.error.errorCode, "SCRIPT_NOT_FOUND");
  await rejects(unwrap(quiet.stories.GET("/stories", { params: { query: { scriptId: 2 ** 53 - 1 } } })), 404, "SCRIPT_NOT_FOUND");
});

await check("without a credential the answer is 401 UNAUTHENTICATED", async () => {
  const anonymous = createFountainClient({ baseUrl });
  await rejects(anonymous.access.GET("/me"), 401, "UNAUTHENTICATED");
  const me = await unwrap(c.access.GET("/me"));
  assert.ok(["reader", "writer", "admin"].includes(me.role), me.role);
});

await check("a request's own credential wins over the client's", async () => {
  const wrong = createFountainClient({ baseUrl, apiKey: "fai_0123456789abcdef_" + "A".repeat(43) });
  await rejects(wrong.access.GET("/me"), 401, "UNAUTHENTICATED");
  const me = await unwrap(wrong.access.GET("/me", { headers: { "X-API-Key": apiKey } }));
  assert.ok(["reader", "writer", "admin"].includes(me.role), me.role);
});

await check("details as one string or as an array become a list", async () => {
  const read = (body) => FountainError.fromResponse(new Response(body, { status: 400, statusText: "Bad Request", headers: { "X-Request-Id": "r1" } }));
  const one = await read(JSON.stringify({ errorCode: "VALIDATION_FAILED", message: "bad", details: "name: too short" }));
  assert.deepEqual([one.status, one.errorCode, one.message, one.details, one.requestId], [400, "VALIDATION_FAILED", "bad", ["name: too short"], "r1"]);
  const many = await read(JSON.stringify({ errorCode: "VALIDATION_FAILED", message: "bad", details: ["name: too short", "description: missing"] }));
  assert.deepEqual(many.details, ["name: too short", "description: missing"]);
  const none = await read(JSON.stringify({ errorCode: "NOT_FOUND", message: "gone" }));
  assert.deepEqual(none.details, []);
  const page = await read("<html>bad gateway</html>");
  assert.deepEqual([page.errorCode, page.message, page.body], ["", "Bad Request", "<html>bad gateway</html>"]);
});

await check("304 Not Modified is no error", async () => {
  const params = { request: new Request(baseUrl), options: {}, schemaPath: "/", params: {}, id: "x" };
  assert.equal(await throwOnError.onResponse({ ...params, response: new Response(null, { status: 304 }) }), undefined);
  await assert.rejects(throwOnError.onResponse({ ...params, response: new Response("{}", { status: 302 }) }), FountainError);
});

await check("bad options are refused", async () => {
  assert.throws(() => createFountainClient({ baseUrl: "localhost:8080" }), TypeError);
  assert.throws(() => createFountainClient({ baseUrl, apiKey, token: "t" }), TypeError);
  assert.throws(() => createFountainClient({ baseUrl, apiKey: "" }), TypeError);
  assert.throws(() => createFountainClient({ baseUrl, serviceUrls: { scenes: baseUrl } }), TypeError);
});

console.log(`smoke: ${passed} passed, 0 failed`);
