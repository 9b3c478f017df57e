#!/usr/bin/env bash
# 28-offline: an agency goes online -> offline -> online at the hub as its real node stops and
# starts again: the API's status, the offline alert (raised, then cleared) and /metrics' gauge
# follow. The default silence before "offline" fits a province's day (15 minutes); the test
# lowers it to 10 s. Issue 14, defect 6.
# timeout: 180
. "$(dirname "$0")/lib.sh"

A=vp-skhcn
hub_init
grep -qx 'offline_after_s = 900' "$(hub_conf)" ||
    fail "hubd init: offline_after_s is not 15 minutes: $(grep offline_after_s "$(hub_conf)")"
conf_set "$(hub_conf)" alerts offline_after_s 10
conf_set "$(hub_conf)" alerts check_s 5
node_init na "$A"
start_hub
start_node na

status() { hub_api "/api/v1/agencies/$A" | head -n -1 | json_get status; }
alerts() {   # STATE: the agency's offline alerts in that state, as "count"
	hub_api "/api/v1/alerts?state=$1&kind=offline&agency=$A" | head -n -1 | json_get total
}
gauge() {
	curl -sS --max-time 10 -H "Authorization: Bearer $(hub_token)" "$HUB_WEB/metrics" |
	    sed -n "s/^eiso_hub_agency_up{agency=\"$A\"} //p"
}

wait_until '[[ $(status) == online ]]' 30
[[ $(alerts open) == 0 ]] || fail "an offline alert is open while the node is connected"
[[ $(gauge) == 1 ]] || fail "metrics: online gauge $(gauge) while connected"

note "stopping the node: the hub must call it offline within offline_after_s + check_s"
t0=$(date +%s)
stop na
wait_until '[[ $(status) == offline ]]' 40
wait_until '[[ $(alerts open) == 1 ]]' 20
note "offline after $(( $(date +%s) - t0 )) s"
[[ $(gauge) == 0 ]] || fail "metrics: online gauge $(gauge) while offline"
hub_api "/api/v1/alerts?kind=offline&agency=$A" | head -n -1 | grep -q "no message for" ||
    fail "the offline alert gives no reason"

note "starting the node again: online, and the alert cleared"
start_node na
wait_until '[[ $(status) == online ]]' 30
wait_until '[[ $(alerts open) == 0 && $(alerts cleared) == 1 ]]' 20
[[ $(gauge) == 1 ]] || fail "metrics: online gauge $(gauge) after the node came back"

stop na
stop "$HUB"
note "ok"
