// Opens pages served from other origins than the API's, each of which calls the API with fetch as
// a browser application would (a preflighted POST with an API key and a JSON body, then a read of
// the ETag and Location the answer exposes), and reports what each page could do. Run by
// crossorigin_test.go, which serves the pages and the API and checks the report.
//
// Environment: PAGES (comma-separated page URLs), USER_DATA_DIR (a fresh browser profile). The last
// line of stdout is the JSON report: for each page, the text of its #result and its console errors.
import { launch } from './launch.mjs';

const pages = (process.env.PAGES ?? '').split(',').filter(Boolean);
if (pages.length === 0) throw new Error('PAGES is not set');
const userDataDir = process.env.USER_DATA_DIR;
if (!userDataDir) throw new Error('USER_DATA_DIR is not set');

const context = await launch(userDataDir);
const report = [];
for (const url of pages) {
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const consoleErrors = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  await page.goto(url);
  await page.locator('#done').waitFor({ state: 'attached' });
  report.push({ page: url, result: await page.locator('#result').textContent(), consoleErrors });
  await page.close();
}
await context.close();
console.log(JSON.stringify(report));
