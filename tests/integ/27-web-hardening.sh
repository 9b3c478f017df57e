#!/usr/bin/env bash
# 27-web-hardening: the web side of both daemons under hostile use, with curl.
# - Every answer (dashboard, login, portal, API, static files, h2o's own errors, the node's
#   workspace and API) carries a strict Content-Security-Policy (no inline script or style,
#   object-src 'none', base-uri 'none', form-action 'self', frame-ancestors 'none'),
#   X-Content-Type-Options: nosniff and a Referrer-Policy.
# timeout: 300
. "$(dirname "$0")/lib.sh"

AG=so-noi-vu
hub_init
node_init n1 "$AG"
hub_password "hub-password-1"
NC=$(node_conf n1)
printf 'lan-password-1\n' | "$NODED" user add -c "$NC" lan --roles drafter --position "Chuyên viên" \
    --password-stdin >/dev/null || fail "noded user add"
start_hub
start_node n1
NPORT=$(sed -n 's/^listen = 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$NC")
NTOKEN=$(sed -n 's/^token = \([0-9a-f]*\)$/\1/p' "$NC")
NODE_WEB=http://127.0.0.1:$NPORT
wait_until "port_open $NPORT" 10

# ---------------------------------------------------------------------------------------------
# Security headers on every answer.

# headers_ok LABEL CURL-ARGS...: the answer's headers carry the policy.
headers_ok() {
	local label=$1 h=$TEST_DIR/headers
	shift
	curl -sS -o /dev/null -D "$h" --max-time 20 "$@" || fail "$label: curl failed"
	local csp
	csp=$(tr -d '\r' <"$h" | sed -n 's/^[Cc]ontent-[Ss]ecurity-[Pp]olicy: //p')
	[[ -n $csp ]] || fail "$label: no Content-Security-Policy in: $(cat "$h")"
	local d
	for d in "default-src 'self'" "object-src 'none'" "base-uri 'none'" "form-action 'self'" \
	    "frame-ancestors 'none'"; do
		[[ $csp == *"$d"* ]] || fail "$label: CSP '$csp' lacks $d"
	done
	[[ $csp != *unsafe-inline* && $csp != *unsafe-eval* ]] || fail "$label: CSP allows inline: $csp"
	grep -qi '^x-content-type-options: nosniff' "$h" || fail "$label: no nosniff: $(cat "$h")"
	grep -Eqi '^referrer-policy: (same-origin|strict-origin-when-cross-origin|no-referrer)' "$h" ||
	    fail "$label: no Referrer-Policy: $(cat "$h")"
	# Plain HTTP: no HSTS (a browser would ignore it, and it must not pin a test host).
	! grep -qi '^strict-transport-security' "$h" || fail "$label: HSTS over plain HTTP"
}

headers_ok "hub login page" "$HUB_WEB/login"
headers_ok "hub dashboard (redirect to login)" "$HUB_WEB/"
headers_ok "hub failed login" -d 'user=admin&password=wrong' "$HUB_WEB/login"
headers_ok "portal" "$HUB_WEB/portal"
headers_ok "portal verify" "$HUB_WEB/verify"
headers_ok "static file" "$HUB_WEB/static/dash.css"
headers_ok "API without token" "$HUB_WEB/api/v1/agencies"
headers_ok "API" -H "Authorization: Bearer $(hub_token)" "$HUB_WEB/api/v1/agencies"
headers_ok "404" "$HUB_WEB/no-such-page"
headers_ok "h2o's own 413" -H 'Content-Type: application/octet-stream' \
    --data-binary @<(head -c 70000000 /dev/zero) "$HUB_WEB/verify"
headers_ok "node login page" "$NODE_WEB/login"
headers_ok "node workspace (redirect)" "$NODE_WEB/docs"
headers_ok "node stylesheet" "$NODE_WEB/static/ws.css"
headers_ok "node API" -H "Authorization: Bearer $NTOKEN" "$NODE_WEB/api/v1/status"
headers_ok "node API without token" "$NODE_WEB/api/v1/status"
note "security headers on every answer of both daemons"

note "ok"
