// tests/browser/dashboard.mjs: the hub's oversight dashboard in Debian's Chromium, driven by
// playwright-core. Run by tests/integ/21-dashboard-browser.sh against a running hub:
//
//   EISO_URL=http://127.0.0.1:PORT EISO_USER=admin EISO_PASSWORD=... EISO_AGENCIES=41 \
//   EISO_AGENCY=vp-skhcn EISO_SCREENSHOTS=DIR node dashboard.mjs
//
// It logs in, checks the overview (every agency in the table, colours for states, totals, the
// charts), sorts and filters the table, switches to English and back, opens an agency page
// (documents with their history, charts, alerts), acknowledges an alert, and saves a
// screenshot of each page. Nothing may be loaded from anywhere but the hub.
import { mkdirSync } from "node:fs";
import { fail, launch, steps, watchedPage } from "./lib.mjs";

const url = process.env.EISO_URL;
const user = process.env.EISO_USER || "admin";
const password = process.env.EISO_PASSWORD;
const want = Number(process.env.EISO_AGENCIES || 41);
const agency = process.env.EISO_AGENCY || "vp-skhcn";
const shots = process.env.EISO_SCREENSHOTS || "screenshots";
if (!url || !password) {
	console.error("dashboard.mjs: set EISO_URL and EISO_PASSWORD");
	process.exit(2);
}
mkdirSync(shots, { recursive: true });

const { say, mark, check } = steps("dashboard.mjs");
const browser = await launch();
const { page, problems } = await watchedPage(browser, { url, server: "hub",
	viewport: { width: 1600, height: 900 } });

const rows = () => page.locator("#agencies tbody tr[data-agency]");

try {
	say("an unauthenticated visit goes to the login page");
	await page.goto(url + "/");
	check(new URL(page.url()).pathname === "/login", `landed on ${page.url()}`);
	await page.screenshot({ path: `${shots}/login.png` });

	say("a wrong password is refused");
	await page.fill('input[name="user"]', user);
	await page.fill('input[name="password"]', "not-the-password");
	await page.click('button[type="submit"]');
	check(await page.locator("#login-error").isVisible(), "no error shown");
	check((await page.locator("#login-error").textContent()).includes("Sai tên đăng nhập"),
		"the error is not in Vietnamese");
	problems.length = 0;      /* the browser reports that refusal (401) as a console error */

	say("logging in opens the overview, in Vietnamese");
	await page.fill('input[name="user"]', user);
	await page.fill('input[name="password"]', password);
	await Promise.all([page.waitForURL(url + "/"), page.click('button[type="submit"]')]);
	check(await page.locator("html").getAttribute("lang") === "vi", "html lang is not vi");
	check((await page.locator("h1").textContent()).trim() === "Tổng quan toàn tỉnh",
		`h1 is ${await page.locator("h1").textContent()}`);

	say(`the table lists all ${want} agencies`);
	const n = await rows().count();
	check(n === want, `${n} rows`);
	check((await page.locator("#shown").textContent()).includes(`${want} / ${want}`),
		`count line: ${await page.locator("#shown").textContent()}`);
	check(await page.locator("#card-agencies .value").textContent() === String(want),
		"the agencies card disagrees");
	const online = await page.locator('#agencies tr[data-status="online"]').count();
	const never = await page.locator('#agencies tr[data-status="never"]').count();
	check(online > 0 && never > 0 && online + never <= want, `online ${online}, never ${never}`);
	const colour = async (status) => page.locator(`#agencies tr[data-status="${status}"] td`)
		.first().evaluate((td) => getComputedStyle(td).boxShadow);
	check((await colour("online")).includes("22, 108, 46"), `online colour ${await colour("online")}`);
	check(await colour("online") !== await colour("never"), "online and never look the same");
	const badge = await page.locator('#agencies tr[data-status="online"] .badge').first().textContent();
	check(badge.includes("Đang kết nối"), `online badge says ${badge}`);

	say("the province's charts are drawn");
	const bars = page.locator("#province-sets svg rect.sa");
	check(await bars.count() === 30, `${await bars.count()} bars in the change sets chart`);
	const tallest = await bars.evaluateAll((rs) => Math.max(...rs.map((r) => Number(r.getAttribute("height")))));
	check(tallest > 10, `the tallest bar is ${tallest} high: no change sets drawn`);
	const points = await page.locator("#province-in-force polyline").getAttribute("points");
	check(points.trim().split(/\s+/).length === 12, `in-force line: ${points}`);
	check(await page.locator("#province-cases svg rect.sb").count() > 0, "no late cases drawn");
	check(await page.locator("#province-cases svg rect.sa").count() > 0, "no on-time cases drawn");
	await page.screenshot({ path: `${shots}/overview-vi.png`, fullPage: true });

	say("every badge's text is readable: contrast at least 4.5:1 (WCAG AA)");
	const low = await page.locator(".badge").evaluateAll((els) => {
		const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
		const lum = (c) => {
			const [r, g, b] = rgb(c).map((v) => {
				v /= 255;
				return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		return els.map((e) => {
			const st = getComputedStyle(e);
			const [a, b] = [lum(st.color), lum(st.backgroundColor)].sort((x, y) => y - x);
			return [e.className, (a + 0.05) / (b + 0.05)];
		}).filter(([, r]) => r < 4.5).map(([c, r]) => `${c} ${r.toFixed(2)}`);
	});
	check(low.length === 0, `badges under 4.5:1: ${low.join(", ")}`);

	say("at 1366 px the table's main columns fit without scrolling sideways");
	await page.setViewportSize({ width: 1366, height: 768 });
	const fit = await page.evaluate(() => {
		const t = document.querySelector("#agencies");
		const last = document.querySelector('#agencies th[data-sort="alerts"]');
		return { right: t.getBoundingClientRect().right, page: document.documentElement.scrollWidth,
			alerts: last.getBoundingClientRect().right, width: window.innerWidth };
	});
	check(fit.right <= fit.width && fit.alerts <= fit.width && fit.page <= fit.width,
		`table ends at ${fit.right}, alerts column at ${fit.alerts}, page ${fit.page} px wide in ${fit.width}`);
	await page.screenshot({ path: `${shots}/overview-1366.png` });

	say("printed on A4, the table keeps all 12 columns and the menu and filters stay off paper");
	await page.emulateMedia({ media: "print" });
	const hidden = await page.evaluate(() => ["header.top", "form.filters", "footer"].filter((q) => {
		const e = document.querySelector(q);
		return e && getComputedStyle(e).display !== "none";
	}));
	check(hidden.length === 0, `printed: ${hidden.join(", ")}`);
	await page.pdf({ path: `${shots}/overview-print.pdf`, preferCSSPageSize: true, printBackground: true });
	await page.emulateMedia({ media: "screen" });
	await page.setViewportSize({ width: 1600, height: 900 });

	say("sorting by applied sets, twice, turns the order around");
	await Promise.all([page.waitForURL(/sort=applied_seq/), page.click('th[data-sort="applied_seq"] a')]);
	const seqs = async () => (await rows().evaluateAll((trs) => trs.map((tr) =>
		Number(tr.querySelectorAll("td")[5].textContent))));
	let s = await seqs();
	check(s.every((v, i) => i === 0 || s[i - 1] <= v), `ascending: ${s}`);
	await Promise.all([page.waitForURL(/order=desc/), page.click('th[data-sort="applied_seq"] a')]);
	s = await seqs();
	check(s.every((v, i) => i === 0 || s[i - 1] >= v) && s[0] > 0, `descending: ${s}`);
	check(await page.locator('th[data-sort="applied_seq"]').getAttribute("aria-sort") === "descending",
		"the header does not say how it sorts");

	say("filtering by level (the filter applies as it changes)");
	await Promise.all([page.waitForURL(/level=district/), page.selectOption("#f-level", "district")]);
	const districts = await rows().count();
	check(districts === 9, `${districts} district rows`);
	const levels = await rows().evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll("td")[2].textContent));
	check(levels.every((l) => l === "UBND cấp huyện"), `levels ${levels}`);
	await Promise.all([page.waitForURL(/status=never/), page.selectOption("#f-status", "never")]);
	check(await page.locator('#agencies tr[data-status="online"]').count() === 0, "online rows under status=never");
	await page.goto(url + "/?parent=vp-snnptnt");
	check(await rows().count() === 6, `${await rows().count()} agencies under vp-snnptnt`);
	await page.goto(url + "/");

	say("switching to English (and it stays English)");
	await Promise.all([page.waitForURL(/lang=en/), page.click("#lang-switch")]);
	check(await page.locator("html").getAttribute("lang") === "en", "html lang is not en");
	check((await page.locator("h1").textContent()).trim() === "Province overview", "h1 not English");
	check((await page.locator("#province-sets figcaption").textContent()).startsWith("Change sets"),
		"chart caption not English");
	await page.goto(url + "/");
	check((await page.locator("h1").textContent()).trim() === "Province overview",
		"the language did not stick");
	check(await rows().count() === want, "rows lost in English");
	await page.screenshot({ path: `${shots}/overview-en.png`, fullPage: true });

	say(`opening ${agency}'s page from the table`);
	await Promise.all([page.waitForURL(new RegExp(`/agency/${agency}$`)),
		page.click(`#agencies tr[data-agency="${agency}"] td.name a`)]);
	check((await page.locator("h1.agency-title").textContent()).includes("Department of Science"),
		`h1 is ${await page.locator("h1.agency-title").textContent()}`);
	const docs = page.locator("#documents table tbody tr");
	check(await docs.count() >= 5, `${await docs.count()} documents`);
	const revised = page.locator("#documents tr", { hasText: "QT-01" });
	await revised.locator("summary").click();
	const history = revised.locator("ol.history li");
	check(await history.count() === 2, `QT-01 shows ${await history.count()} issues`);
	check((await history.first().textContent()).includes("Effective"), "issue 2 is not effective");
	check((await history.nth(1).textContent()).includes("Superseded"), "issue 1 is not superseded");
	check(await page.locator("#agency-sets svg rect.sa").count() === 30, "no agency chart");
	check(await page.locator("#changesets tbody tr .badge.ok").count() > 0, "no verified change sets");
	check(await page.locator("#cases tbody tr").count() > 0, "no cases");
	await page.screenshot({ path: `${shots}/agency-en.png`, fullPage: true });

	say("the agency page in Vietnamese, and its alert acknowledged");
	await Promise.all([page.waitForURL(/lang=vi/), page.click("#lang-switch")]);
	check((await page.locator("#documents h2").textContent()).includes("Tài liệu và lịch sử ban hành"),
		"documents heading not Vietnamese");
	const open = page.locator('#alerts tr.al-open');
	check(await open.count() >= 1, "the agency has no open alert");
	const id = await open.first().getAttribute("data-alert");
	await page.screenshot({ path: `${shots}/agency-vi.png`, fullPage: true });
	await Promise.all([page.waitForURL(new RegExp(`/agency/${agency}$`)),
		open.first().locator("button.ack").click()]);
	check(await page.locator(`#alerts tr[data-alert="${id}"].al-acked`).count() === 1,
		`alert ${id} not shown acknowledged`);

	say("on a 400 px phone the agency page does not scroll sideways");
	await page.setViewportSize({ width: 400, height: 800 });
	await page.goto(url + `/agency/${agency}`);
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	check(wide <= 400, `the page is ${wide} px wide`);
	await page.screenshot({ path: `${shots}/agency-400.png`, fullPage: true });
	await page.setViewportSize({ width: 1600, height: 900 });

	say("the alerts page");
	await page.goto(url + "/alerts?state=all");
	check(await page.locator("#alerts-table tbody tr[data-alert]").count() >= 2, "too few alerts listed");
	await page.screenshot({ path: `${shots}/alerts.png`, fullPage: true });

	say("logging out closes the session");
	await Promise.all([page.waitForURL(/\/login$/), page.click("#logout")]);
	check(new URL(page.url()).pathname === "/login", `after logout: ${page.url()}`);
	await page.goto(url + "/");
	check(new URL(page.url()).pathname === "/login", "the dashboard still opens after logout");

	mark("the whole visit");
	check(problems.length === 0, problems.join("; "));
	console.log(`dashboard.mjs: all checks passed; screenshots in ${shots}`);
} catch (e) {
	await fail("dashboard.mjs", e, { browser, page, problems, shots });
}
await browser.close();
