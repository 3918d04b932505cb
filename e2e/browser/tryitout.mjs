// Drives Swagger UI at /docs/ in Debian's chromium as a person would: Authorize with an API key,
// Try it out on POST /scripts twice with two bodies, add a transition, and read the story back
// through GET /stories. Run by tryitout_test.go, which starts the server and checks the result.
//
// Environment: FOUNTAIN_URL (the server, e.g. http://127.0.0.1:41234), FOUNTAIN_API_KEY (an admin
// key), USER_DATA_DIR (a fresh browser profile), ARTIFACT_DIR (where a failure leaves a screenshot
// and the page's text). The last line of stdout is the JSON result; any other failure exits 1.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { launch } from './launch.mjs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env('FOUNTAIN_URL');
const apiKey = env('FOUNTAIN_API_KEY');
const userDataDir = env('USER_DATA_DIR');
const artifactDir = env('ARTIFACT_DIR');
const origin = new URL(base).origin;

// Everything that went wrong in the page besides the steps' own checks: the run fails on any.
const problems = [];

const context = await launch(userDataDir, { viewport: { width: 1400, height: 1000 } });
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(20000);
page.on('console', (msg) => {
  if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
});
page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
page.on('requestfailed', (req) => problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`));

// The API requests Try it out sends, to check where they went and which headers they carried.
const isAPI = (req) => {
  const p = new URL(req.url()).pathname;
  return !p.startsWith('/docs') && !p.startsWith('/openapi/');
};
const apiRequests = [];
page.on('request', (req) => isAPI(req) && apiRequests.push(req));

function check(ok, message) {
  if (!ok) throw new Error(message);
}

async function selectSpec(name, tag, operationId) {
  await page.selectOption('#select', { label: name });
  await page.locator(`#operations-${tag}-${operationId}`).waitFor();
}

// authorize enters the key in the apiKeyAuth form of the Authorize dialog, unless the page already
// holds it (persistAuthorization keeps it across the specs).
async function authorize() {
  await page.locator('.auth-wrapper .btn.authorize').click();
  const form = page.locator('.auth-container', { has: page.locator('h4', { hasText: 'apiKeyAuth' }) });
  await form.waitFor();
  const input = form.locator('input');
  if (await input.count() > 0) {
    await input.fill(apiKey);
    await form.getByRole('button', { name: 'Apply credentials' }).click();
  }
  await form.getByRole('button', { name: 'Remove authorization' }).waitFor();
  await form.getByRole('button', { name: 'Close' }).click();
  await page.locator('.dialog-ux').waitFor({ state: 'detached' });
}

// open expands an operation and presses Try it out.
async function open(tag, operationId) {
  const op = page.locator(`#operations-${tag}-${operationId}`);
  await op.locator('.opblock-summary-control').click();
  await op.locator('.try-out__btn').click();
  await op.locator('.btn.execute').waitFor();
  return op;
}

// execute presses Execute and returns what the page shows of the answer, once it shows the body
// the server sent for this press (not the one of an earlier press).
async function execute(op) {
  const resp = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(reject, new Error('no answer to Execute within 20 s')), 20000);
    const onResponse = (r) => isAPI(r.request()) && done(resolve, r);
    const onFailed = (r) => isAPI(r) && done(reject, new Error(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`));
    function done(settle, value) {
      clearTimeout(timer);
      page.off('response', onResponse);
      page.off('requestfailed', onFailed);
      settle(value);
    }
    page.on('response', onResponse);
    page.on('requestfailed', onFailed);
    op.locator('.btn.execute').click().catch((err) => done(reject, err));
  });
  const sent = await resp.text();
  let want;
  try {
    want = JSON.stringify(JSON.parse(sent));
  } catch {
    throw new Error(`${resp.request().method()} ${resp.url()} answered ${resp.status()} with a body that is not JSON: ${sent}`);
  }
  const id = await op.getAttribute('id');
  await page.waitForFunction(([id, want]) => {
    const pre = document.getElementById(id)?.querySelector('.live-responses-table .response-col_description pre');
    try {
      return pre !== null && JSON.stringify(JSON.parse(pre.textContent)) === want;
    } catch {
      return false;
    }
  }, [id, want]);
  const live = op.locator('.live-responses-table .response');
  const status = Number((await live.locator('.response-col_status').first().innerText()).trim());
  check(status === resp.status(), `the page shows status ${status} for an answer of ${resp.status()}`);
  const body = JSON.parse(await live.locator('.response-col_description pre').first().innerText());
  const req = resp.request();
  return { status, body, request: { method: req.method(), url: req.url(), headers: await req.allHeaders() } };
}

async function setBody(op, value) {
  const area = op.locator('textarea.body-param__text');
  await area.fill(JSON.stringify(value, null, 2));
}

async function createScript(op, script) {
  await setBody(op, script);
  const r = await execute(op);
  check(r.status === 201, `POST /scripts with "${script.title}": the page shows ${r.status}, not 201: ${JSON.stringify(r.body)}`);
  check(r.body.title === script.title, `POST /scripts: the page shows title "${r.body.title}", not "${script.title}"`);
  check(Number.isInteger(r.body.scriptId), `POST /scripts: no scriptId in ${JSON.stringify(r.body)}`);
  check(!('idempotency-key' in r.request.headers), `POST /scripts sent Idempotency-Key ${r.request.headers['idempotency-key']} nobody typed`);
  return r.body;
}

let result;
try {
  await page.goto(`${base}/docs/`);
  await selectSpec('scripts', 'Scripts', 'createScript');
  await authorize();

  const create = await open('Scripts', 'createScript');
  const key = create.locator('tr[data-param-name="Idempotency-Key"] input');
  check(await key.inputValue() === '', `Try it out pre-fills Idempotency-Key with "${await key.inputValue()}"`);
  const first = await createScript(create, { title: 'The Tempest', author: 'William Shakespeare' });
  const second = await createScript(create, { title: 'Twelfth Night', author: 'William Shakespeare' });
  check(second.scriptId !== first.scriptId, `both creates answered script ${first.scriptId}`);

  const transition = await open('Transitions', 'createTransition');
  await transition.locator('tr[data-param-name="scriptId"] input').fill(String(first.scriptId));
  await setBody(transition, { text: 'FADE IN:' });
  const t = await execute(transition);
  check(t.status === 201, `POST /scripts/${first.scriptId}/transitions: the page shows ${t.status}: ${JSON.stringify(t.body)}`);

  await selectSpec('stories', 'Stories', 'getFullStory');
  await authorize();
  const story = await open('Stories', 'getFullStory');
  await story.locator('tr[data-param-name="scriptId"] input').fill(String(first.scriptId));
  // Swagger UI fills every parameter's example into its field, the optional filters' too (a
  // character named Juliet, character 1); a person who wants the whole story empties them.
  for (const filter of ['filterByCharacter', 'characterId']) {
    await story.locator(`tr[data-param-name="${filter}"] input`).fill('');
  }
  const s = await execute(story);
  check(s.status === 200, `GET /stories: the page shows ${s.status}, not 200: ${JSON.stringify(s.body)}`);
  check(s.body.scriptId === first.scriptId && s.body.title === first.title,
    `GET /stories shows script ${s.body.scriptId} "${s.body.title}", not ${first.scriptId} "${first.title}"`);
  const texts = (s.body.story ?? []).map((e) => e.transition?.text);
  check(texts.length === 1 && texts[0] === 'FADE IN:', `GET /stories shows the story ${JSON.stringify(s.body.story)}, not the one transition`);

  check(apiRequests.length === 4, `Try it out sent ${apiRequests.length} requests for 4 presses of Execute`);
  for (const r of apiRequests) {
    check(new URL(r.url()).origin === origin, `Try it out sent ${r.method()} ${r.url()} to another host than the page's ${origin}`);
    check((await r.allHeaders())['x-api-key'] === apiKey, `Try it out sent ${r.method()} ${r.url()} without the key entered in Authorize`);
  }
  check(problems.length === 0, problems.join('\n'));
  result = { scripts: [first, second], story: s.body, requests: apiRequests.map((r) => `${r.method()} ${r.url()}`) };
} catch (err) {
  const shot = path.join(artifactDir, 'tryitout.png');
  const text = path.join(artifactDir, 'tryitout.txt');
  try {
    await page.screenshot({ path: shot, fullPage: true });
    await writeFile(text, await page.locator('body').innerText());
    console.error(`screenshot: ${shot}\npage text: ${text}`);
  } catch (saveErr) {
    console.error(`could not save the page: ${saveErr.message}`);
  }
  console.error(err.stack ?? String(err));
  if (problems.length > 0) console.error(`also:\n${problems.join('\n')}`);
  await context.close();
  process.exit(1);
}
await context.close();
console.log(JSON.stringify(result));
