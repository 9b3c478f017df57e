// portal.mjs: the public portal as a citizen uses it, in Debian's Chromium (playwright-core):
// agencies -> an agency -> a document -> its publication sheet (screenshot and A4 PDF), the
// language switch, a search without diacritics, the verify page with a real and a changed
// file, and the page the sheet's QR code leads to. Run by tests/integ/19-portal-browser.sh:
//
//   node portal.mjs WEB_URL OUT_DIR AGENCY CODE FILE CHANGED_FILE OLD_CODE
//
// OLD_CODE names a document whose issue 1 was superseded by issue 2: the page its old sheet's
// QR code leads to must say so and link issue 2.
//
// Prints one JSON line {"qr_url": ..., "sheet": ...} for the scenario to check with zbarimg;
// exits non-zero with a message on the first thing that is not as it should be.
import fs from 'node:fs';
import path from 'node:path';
import { launch } from './lib.mjs';

const [web, out, agency, code, file, changed, oldCode] = process.argv.slice(2);
if (!oldCode) {
	console.error('usage: node portal.mjs WEB_URL OUT_DIR AGENCY CODE FILE CHANGED_FILE OLD_CODE');
	process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

function check(cond, what) {
	if (!cond) throw new Error(what);
}

const browser = await launch();
const failures = [];
try {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await ctx.newPage();
	// Nothing may be loaded from anywhere but the hub.
	page.on('request', (req) => {
		if (!req.url().startsWith(web) && !req.url().startsWith('data:'))
			failures.push('request outside the hub: ' + req.url());
	});
	page.on('pageerror', (e) => failures.push('page error: ' + e.message));
	// A refused inline script or style (the Content-Security-Policy) is a console error; the
	// 4xx pages this visit asks for on purpose are too, and are checked where they are asked.
	page.on('console', (m) => {
		if (m.type() === 'error' && !/status of 4\d\d/.test(m.text()))
			failures.push('console: ' + m.text());
	});

	// Agencies, in Vietnamese by default.
	await page.goto(web + '/portal');
	check((await page.title()).includes('Cổng công bố tài liệu ISO'), 'portal title: ' + await page.title());
	await page.screenshot({ path: path.join(out, 'portal-agencies.png'), fullPage: true });

	// An agency's documents, grouped by kind.
	await page.click(`a[href="/portal/a/${agency}"]`);
	await page.waitForSelector('#kind-procedure');
	check(await page.locator('section.kind h2').count() >= 2, 'agency page: fewer than two kinds');
	await page.screenshot({ path: path.join(out, 'portal-agency.png'), fullPage: true });

	// The document in force, its QR code drawn.
	await page.click(`#kind-procedure a[href^="/portal/d/${agency}/${code}/"]`);
	await page.waitForSelector('section.doc[data-state="in_force"]');
	const qrOk = await page.$eval('.qr img', (img) => img.complete && img.naturalWidth > 0);
	check(qrOk, 'document page: the QR image did not load');
	check(await page.locator('table.files td.hash').count() >= 1, 'document page: no file hash');
	await page.screenshot({ path: path.join(out, 'portal-document.png'), fullPage: true });

	// The publication sheet: on screen, and printed to A4.
	await page.click('.qr a');
	await page.waitForSelector('#sheet');
	const qrUrl = (await page.textContent('#qr-url')).trim();
	check(/\/q\/[^/]+\/[^/]+\/\d+\/[0-9a-f]{12}$/.test(qrUrl), 'sheet: odd QR URL ' + qrUrl);
	await page.setViewportSize({ width: 900, height: 1300 });
	const sheetPng = path.join(out, 'portal-sheet.png');
	await page.locator('#sheet').screenshot({ path: sheetPng });
	const pdf = await page.pdf({ format: 'A4', printBackground: true });
	fs.writeFileSync(path.join(out, 'portal-sheet.pdf'), pdf);
	const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
	check(pages === 1, `sheet: printed on ${pages} A4 pages, not one`);

	// English, kept by the cookie on the next page.
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.goto(web + '/portal');
	await page.click('#lang');
	await page.waitForSelector('html[lang="en"]');
	await page.goto(web + '/portal/search');
	check((await page.textContent('header.site')).includes('ISO document portal'), 'English did not stick');
	await page.goto(web + '/portal/search?lang=vi');

	// Search without diacritics.
	await page.fill('input[name="q"]', 'quy trinh tiep nhan ho so');
	await Promise.all([page.waitForNavigation(), page.click('form button')]);
	const total = await page.getAttribute('#total', 'data-total');
	check(total === '1', 'search: ' + total + ' results, not 1');
	check((await page.textContent('ol.hits')).includes('Quy trình tiếp nhận hồ sơ'), 'search: no hit');
	await page.screenshot({ path: path.join(out, 'portal-search.png'), fullPage: true });

	// The verify page: the real file, then a changed one.
	for (const [f, want] of [[file, 'published'], [changed, 'unknown']]) {
		await page.goto(web + '/verify');
		await page.setInputFiles('#upload input[type=file]', f);
		await Promise.all([page.waitForNavigation(), page.click('#upload button')]);
		const v = await page.getAttribute('#verdict', 'data-verdict');
		check(v === want, `verify ${path.basename(f)}: ${v}, not ${want}`);
		if (want === 'published')
			await page.screenshot({ path: path.join(out, 'portal-verify.png'), fullPage: true });
	}

	// Where the QR code leads (the public base names another host; follow its path here).
	await page.goto(web + new URL(qrUrl).pathname);
	check(await page.getAttribute('#verdict', 'data-verdict') === 'in_force', 'QR page: not in force');
	await page.screenshot({ path: path.join(out, 'portal-qr-landing.png'), fullPage: true });

	// An old printout: issue 1's sheet leads to a page that says it was superseded, and on.
	await page.goto(`${web}/portal/sheet/${agency}/${oldCode}/1`);
	const oldUrl = (await page.textContent('#qr-url')).trim();
	await page.goto(web + new URL(oldUrl).pathname);
	check(await page.getAttribute('#verdict', 'data-verdict') === 'superseded', 'old QR: not superseded');
	await page.screenshot({ path: path.join(out, 'portal-qr-superseded.png'), fullPage: true });
	await Promise.all([page.waitForNavigation(), page.click('#current')]);
	check(page.url().endsWith(`/portal/d/${agency}/${oldCode}/2`), 'old QR: the link leads to ' + page.url());
	await page.waitForSelector('section.doc[data-state="in_force"]');

	check(failures.length === 0, failures.join('; '));
	console.log(JSON.stringify({ qr_url: qrUrl, sheet: sheetPng }));
} catch (e) {
	console.error('portal.mjs: ' + e.message);
	process.exitCode = 1;
} finally {
	await browser.close();
}
