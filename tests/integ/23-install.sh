#!/usr/bin/env bash
# 23-install: `make install` into a DESTDIR lays out the binaries, eiso-provision, man pages,
# config samples, systemd units and the sysusers entry; the samples are what the binaries
# print, with every directive documented in eiso.conf(5) and every verb in the man pages;
# the man pages format without warnings; the units pass `systemd-analyze verify`, ask for
# what the service needs (Type=notify, User=eiso, StateDirectory, hardening, reload by SIGHUP)
# and score "OK" in `systemd-analyze security`; the installed provisioning works; uninstall
# removes it all.
# timeout: 200
. "$(dirname "$0")/lib.sh"

D=$TEST_DIR/root
san=""
[[ ${BUILD:-} == *-san ]] && san=1
install_to() {   # DESTDIR [make variables...]
	local dest=$1
	shift
	make --no-print-directory -C "$ROOT" SANITIZE="$san" DESTDIR="$dest" "$@" install \
	    >>"$LOG_DIR/make-install.log" 2>&1 || fail "make install failed: $(tail -n 5 "$LOG_DIR/make-install.log")"
}
install_to "$D"
P=$D/usr/local

mode() { stat -c %a "$1"; }
for f in bin/noded bin/hubd bin/eiso-provision; do
	[[ -x $P/$f && $(mode "$P/$f") == 755 ]] || fail "$P/$f missing or not 0755"
done
cmp -s "$P/bin/noded" "$NODED" && cmp -s "$P/bin/hubd" "$HUBD" || fail "installed binaries differ from the build"
for f in share/man/man8/noded.8 share/man/man8/hubd.8 share/man/man5/eiso.conf.5 \
    share/eiso/noded.conf.sample share/eiso/hubd.conf.sample share/eiso/agencies-vinh-phuc.tsv \
    lib/systemd/system/eiso-noded.service lib/systemd/system/eiso-hubd.service \
    lib/sysusers.d/eiso.conf; do
	[[ -f $P/$f && $(mode "$P/$f") == 644 ]] || fail "$P/$f missing or not 0644"
done
grep -q '^u eiso ' "$P/lib/sysusers.d/eiso.conf" || fail "sysusers.d/eiso.conf does not make the eiso user"

# --- config samples: the binaries' own list, every directive documented --------------------
for d in noded hubd; do
	"$EISO_BIN/$d" config-sample | cmp -s - "$P/share/eiso/$d.conf.sample" ||
	    fail "$d.conf.sample differs from $d config-sample"
done
must_fail "required directive 'agency' in \[node\] is empty" "$P/bin/noded" run -n -c "$P/share/eiso/noded.conf.sample"
must_fail "required directive 'data' in \[hub\] is empty" "$P/bin/hubd" run -n -c "$P/share/eiso/hubd.conf.sample"
MAN5=$P/share/man/man5/eiso.conf.5
n=0
for d in noded hubd; do
	want=$([[ $d == noded ]] && echo NODED.CONF || echo HUBD.CONF)
	while read -r sec name; do
		awk -v sec="$sec" -v name="$name" -v want="$want" '
			/^\.SH / { top = $2 }
			/^\.SS / { cur = $2; gsub(/[][]/, "", cur) }
			top == want && cur == sec && $0 ~ ("^\\.BR? " name "( |$)") { found = 1 }
			END { exit !found }' "$MAN5" || fail "eiso.conf(5) does not document [$sec] $name of $d"
		n=$((n + 1))
	done < <(awk '/^\[/ { sec = substr($0, 2, length($0) - 2) } /^[a-z_]+ =/ { print sec, $1 }' \
	    "$P/share/eiso/$d.conf.sample")
done
note "eiso.conf(5) documents all $n directives"
for d in noded hubd; do
	sed 's/\\-/-/g' "$P/share/man/man8/$d.8" >"$TEST_DIR/$d.8.txt"
	while read -r verb; do
		grep -Eq "^\.(B|BR) (.*[ \"|])?$verb([ \"|,]|$)" "$TEST_DIR/$d.8.txt" ||
		    fail "$d(8) does not mention the verb $verb"
	done < <("$EISO_BIN/$d" --help | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }')
done
if command -v groff >/dev/null; then
	for f in "$P"/share/man/man8/*.8 "$MAN5"; do
		out=$(LC_ALL=C.UTF-8 groff -man -ww -z "$f" 2>&1)
		[[ -z $out ]] || fail "groff warns about $f: $out"
	done
fi

# --- systemd units ----------------------------------------------------------------------------
for u in noded hubd; do
	f=$P/lib/systemd/system/eiso-$u.service
	state=$([[ $u == noded ]] && echo node || echo hub)
	for line in Type=notify User=eiso "ExecStart=/usr/local/bin/$u run -c /etc/eiso/$u.conf" \
	    "ExecStartPre=/usr/local/bin/$u run -n -c /etc/eiso/$u.conf" \
	    'ExecReload=/bin/kill -HUP $MAINPID' "StateDirectory=eiso/$state" \
	    ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes \
	    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' SystemCallFilter=@system-service; do
		grep -qxF "$line" "$f" || fail "$f lacks: $line"
	done
	# verify needs the ExecStart binaries and the man pages where the unit names them.
	sed "s|/usr/local/bin/|$P/bin/|g" "$f" >"$TEST_DIR/eiso-$u.service"
	out=$(MANPATH=$P/share/man systemd-analyze verify "$TEST_DIR/eiso-$u.service" 2>&1) ||
	    fail "systemd-analyze verify eiso-$u.service: $out"
	[[ -z $out ]] || fail "systemd-analyze verify eiso-$u.service warns: $out"
	if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
		out=$(systemd-analyze security --offline=yes --threshold=25 "$TEST_DIR/eiso-$u.service" 2>&1) ||
		    fail "eiso-$u.service is exposed above 2.5: $(tail -n 1 <<<"$out")"
		note "$(tail -n 1 <<<"$out")"
	fi
done

# --- another PREFIX: the units name its binaries --------------------------------------------
install_to "$TEST_DIR/root2" PREFIX=/usr
grep -qx "ExecStart=/usr/bin/noded run -c /etc/eiso/noded.conf" \
    "$TEST_DIR/root2/usr/lib/systemd/system/eiso-noded.service" || fail "PREFIX=/usr: ExecStart"

# --- the installed provisioning, with the installed binaries --------------------------------
printf 'id\tlevel\tparent\tname_vi\tname_en\nvp-a\tdistrict\t-\tUBND A\tA\n' >"$TEST_DIR/r.tsv"
"$P/bin/eiso-provision" "$TEST_DIR/r.tsv" "$TEST_DIR/prov" --hub tcp://hub.example:7701 \
    --bin "$P/bin" >"$TEST_DIR/prov.out" 2>&1 || fail "eiso-provision: $(cat "$TEST_DIR/prov.out")"
grep -q 'enrolled 1 new agencies' "$TEST_DIR/prov.out" || fail "eiso-provision: $(cat "$TEST_DIR/prov.out")"

# --- uninstall ------------------------------------------------------------------------------
make --no-print-directory -C "$ROOT" SANITIZE="$san" DESTDIR="$D" uninstall >>"$LOG_DIR/make-install.log" 2>&1 ||
    fail "make uninstall failed"
left=$(find "$D" -type f)
[[ -z $left ]] || fail "uninstall left: $left"
