// eISO oversight dashboard: the filters apply as soon as they change. Everything works
// without this script (the form has a Filter button; column headers are links).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
	var form = document.getElementById("filters");
	if (!form) return;
	form.querySelectorAll("select").forEach(function (s) {
		s.addEventListener("change", function () { form.submit(); });
	});
});
