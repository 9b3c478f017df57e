// tests/browser/lib.mjs: what the browser tests (dashboard.mjs, workspace.mjs, portal.mjs)
// share: Debian's Chromium started headless for playwright-core, a test's named steps, and a
// page that records what must never happen on eiso's pages.
import { chromium } from "playwright-core";

// Debian's Chromium ($CHROMIUM to use another), headless, reaching out to nothing by itself.
export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--no-first-run", "--disable-background-networking", "--disable-component-update",
			"--disable-sync", "--disable-quic"],
	});
}

// say(s) names the step now running (and prints it as "NAME: s"), mark(s) names it quietly;
// check(cond, what) throws "step: what" when cond is false.
export function steps(name) {
	let step = "";
	return {
		say(s) {
			step = s;
			console.log(`${name}: ${s}`);
		},
		mark(s) {
			step = s;
		},
		check(cond, what) {
			if (!cond) throw new Error(`${step}: ${what}`);
		},
	};
}

// A page in a new context (Vietnamese, Vietnam's time zone) whose problems array collects
// every request outside url's origin ("pages must load nothing from outside the SERVER"),
// script error, console error (but those quiet matches) and 5xx answer; pass problems to
// collect a second page's into the same array.
export async function watchedPage(browser, { url, server, viewport, quiet, problems = [] }) {
	const context = await browser.newContext({ viewport, locale: "vi-VN",
		timezoneId: "Asia/Ho_Chi_Minh" });
	const page = await context.newPage();
	const origin = new URL(url).origin;

	page.on("request", (r) => {
		if (!r.url().startsWith(origin) && !r.url().startsWith("data:"))
			problems.push(`request to ${r.url()}: pages must load nothing from outside the ${server}`);
	});
	page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
	page.on("console", (m) => {
		if (m.type() === "error" && !(quiet && quiet.test(m.text())))
			problems.push(`console: ${m.text()}`);
	});
	page.on("response", (r) => {
		if (r.status() >= 500) problems.push(`${r.status()} for ${r.url()}`);
	});
	return { context, page, problems };
}

// After a failed step: say what failed and what else went wrong, keep a screenshot of the
// page as SHOTS/failure.png, close the browser and exit 1.
export async function fail(name, e, { browser, page, problems, shots }) {
	console.error(`${name}: FAIL: ${e.message}`);
	for (const p of problems) console.error(`${name}: also: ${p}`);
	try { await page.screenshot({ path: `${shots}/failure.png`, fullPage: true }); } catch { /* */ }
	await browser.close();
	process.exit(1);
}
