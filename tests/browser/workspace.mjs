// tests/browser/workspace.mjs: the agency workspace (noded) in Debian's Chromium, driven by
// playwright-core. Run by tests/integ/26-workspace-browser.sh against a running node:
//
//   EISO_URL=http://127.0.0.1:PORT EISO_USER=lan EISO_PASSWORD=... EISO_SCREENSHOTS=DIR \
//   node workspace.mjs
//
// It logs in (after one wrong password) to My work, creates a draft through the form,
// submits it; the checker (EISO_CHECKER, EISO_CHECKER_PASSWORD) finds it in My work and
// returns it with a comment; the drafter sees the comment, edits the draft and submits it
// again; the drafter's own-password page refuses a wrong old password. It saves screenshots
// of every page at 1366x768 and at a phone's 400 px. Nothing may be loaded from anywhere but
// the node, and no page may fail with 5xx.
import { mkdirSync } from "node:fs";
import { fail, launch, steps, watchedPage } from "./lib.mjs";

const url = process.env.EISO_URL;
const user = process.env.EISO_USER;
const password = process.env.EISO_PASSWORD;
const shots = process.env.EISO_SCREENSHOTS || "screenshots";
const checker = process.env.EISO_CHECKER;
const checkerPassword = process.env.EISO_CHECKER_PASSWORD;
if (!url || !user || !password) {
	console.error("workspace.mjs: set EISO_URL, EISO_USER and EISO_PASSWORD");
	process.exit(2);
}
mkdirSync(shots, { recursive: true });

const { say, mark, check } = steps("workspace.mjs");
const browser = await launch();
const problems = [];
const watched = (viewport) => watchedPage(browser, { url, server: "node", viewport,
	quiet: /400|401|403/, problems });
let { page } = await watched({ width: 1366, height: 768 });

async function both(name) {
	await page.setViewportSize({ width: 1366, height: 768 });
	await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
	await page.setViewportSize({ width: 400, height: 800 });
	await page.screenshot({ path: `${shots}/${name}-phone.png`, fullPage: true });
	await page.setViewportSize({ width: 1366, height: 768 });
}

try {
	say("an unauthenticated visit goes to the login page");
	await page.goto(url + "/docs");
	check(new URL(page.url()).pathname === "/login", `landed on ${page.url()}`);
	const css = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
	check(css !== "rgba(0, 0, 0, 0)", "the stylesheet did not apply");

	say("a wrong password is refused with a message");
	await page.fill("#name", user);
	await page.fill("#password", "not-the-password");
	await page.click("button[type=submit]");
	check(await page.locator(".error").isVisible(), "no error shown");
	await both("login-failed");

	say("the right password opens My work");
	await page.fill("#password", password);
	await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
	check(new URL(page.url()).pathname === "/work", `after login: ${page.url()}`);
	check((await page.locator("h1").innerText()) === "Việc của tôi", "not My work");
	await both("work-empty");
	await page.goto(url + "/docs");
	await both("docs-empty");

	say("a new draft through the form");
	await page.click("a.button.primary");
	check(new URL(page.url()).pathname === "/new", `new: ${page.url()}`);
	await page.fill("#code", "QT-11");
	await page.fill("#title", "Quy trình kiểm soát tài liệu nội bộ");
	await page.selectOption("#kind", "procedure");
	await page.fill("#note", "Ban hành lần đầu");
	await both("new");
	await Promise.all([page.waitForNavigation(), page.click("form button.primary")]);
	check(new URL(page.url()).pathname === "/docs/QT-11", `after create: ${page.url()}`);
	check((await page.locator("h1").innerText()).includes("Quy trình kiểm soát tài liệu"), "no title");
	await both("doc-draft");

	say("the drafter submits it for checking");
	await Promise.all([page.waitForNavigation(), page.click("form.action button")]);
	check(await page.locator(".st-in_review").first().isVisible(), "not in review");
	await both("doc-in-review");

	if (checker) {
		say("the checker finds it in My work and returns it with a comment");
		const mine = page;
		const second = await watched({ width: 1366, height: 768 });
		page = second.page;
		await page.goto(url + "/login");
		await page.fill("#name", checker);
		await page.fill("#password", checkerPassword);
		await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
		check((await page.locator("section.work").first().innerText()).includes("QT-11"),
			"QT-11 is not waiting for the check");
		check((await page.locator(".badge").innerText()) === "1", "no count in the header");
		await both("work-checker");
		await Promise.all([page.waitForNavigation(), page.click("section.work a")]);
		await page.fill("#comment-return", "Mục 4 thiếu lưu đồ; bổ sung biểu mẫu BM-02.");
		await both("doc-return-form");
		await Promise.all([page.waitForNavigation(),
			page.click("form[action$='/return'] button")]);
		check(await page.locator(".st-draft").first().isVisible(), "not back to draft");
		await both("doc-route");
		await second.context.close();
		page = mine;

		say("the drafter sees the comment in My work, edits and submits again");
		await page.goto(url + "/work");
		check((await page.locator(".returned-list").innerText()).includes("Mục 4 thiếu lưu đồ"),
			"the return's comment is not in My work");
		await both("work-returned");
		await Promise.all([page.waitForNavigation(), page.click(".returned-list a")]);
		check(await page.locator(".returned").isVisible(), "no returned banner");
		await page.click("details.edit summary");
		await page.fill("#edit-title", "Quy trình kiểm soát tài liệu nội bộ (bổ sung lưu đồ)");
		await both("doc-returned");
		await Promise.all([page.waitForNavigation(), page.click("details.edit button")]);
		await Promise.all([page.waitForNavigation(),
			page.click("form[action$='/submit'] button")]);
		check(await page.locator(".st-in_review").first().isVisible(), "not resubmitted");
		await page.goto(url + "/work?lang=en");
		check((await page.locator("h1").innerText()) === "My work", "My work not English");
		await both("work-en");
		await page.goto(url + "/work?lang=vi");
	}

	say("the own-password page refuses a wrong old password");
	await Promise.all([page.waitForNavigation(), page.click("header a.user")]);
	check(new URL(page.url()).pathname === "/password", `password: ${page.url()}`);
	await both("passwd");
	await page.fill("#old_password", "not-the-password");
	await page.fill("#password", "a-new-password-1");
	await page.fill("#password_again", "a-new-password-1");
	await Promise.all([page.waitForNavigation(), page.click("form button.primary")]);
	check((await page.locator(".error").innerText()).includes("old_password"),
		"the wrong old password is not named");
	await both("passwd-error");

	say("the list shows it, in English too");
	await page.goto(url + "/docs?lang=en");
	check((await page.locator("table.list").innerText()).includes("QT-11"), "QT-11 not listed");
	check((await page.locator("h1").innerText()) === "Document list", "not English");
	await both("docs-en");
	await page.goto(url + "/docs?lang=vi");

	say("logging out by the form ends the session");
	await Promise.all([page.waitForNavigation(), page.click("header form button")]);
	check(new URL(page.url()).pathname === "/login", `after logout: ${page.url()}`);
	await page.goto(url + "/docs");
	check(new URL(page.url()).pathname === "/login", "the list still opens after logout");

	mark("the whole visit");
	check(problems.length === 0, problems.join("; "));
	console.log(`workspace.mjs: all checks passed; screenshots in ${shots}`);
} catch (e) {
	await fail("workspace.mjs", e, { browser, page, problems, shots });
}
await browser.close();
