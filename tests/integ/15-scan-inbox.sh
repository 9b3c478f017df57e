#!/usr/bin/env bash
# 15-scan-inbox: files dropped into a node's inbox become draft documents that replicate. A
# large scan copied in slowly is not taken before it is whole; a refused type and an empty
# file go to rejected/ with a reason; the same scan dropped twice makes one document.
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-noi-vu
inbox=$TEST_DIR/n1/inbox
# A short settle time keeps the test quick; the slow copy below pauses for longer than it.
sed -i 's/^settle_ms = .*/settle_ms = 1500/' "$(node_conf n1)"
start_hub
start_node n1
wait_until "[[ -d $inbox/processed && -d $inbox/rejected ]]" 10

printf '%%PDF-1.4\n1 0 obj << /Type /Page >>\n2 0 obj << /Type /Page >>\n%%%%EOF\n' \
    >"$TEST_DIR/quyet-dinh.pdf"
cp "$TEST_DIR/quyet-dinh.pdf" "$inbox/Quyet_dinh_so_12.pdf"
echo "not a scan" >"$inbox/ghi-chu.txt"
: >"$inbox/trong.pdf"

# 24 MB written in 1 MB pieces, 500 ms apart (a slow scanner or network copy).
{
	printf '%%PDF-1.4\n'
	head -c $((24 * 1024 * 1024)) /dev/urandom
} >"$TEST_DIR/big-scan.pdf"
big_sha=$(sha256 "$TEST_DIR/big-scan.pdf")
(
	for ((i = 0; i < 25; i++)); do
		dd if="$TEST_DIR/big-scan.pdf" bs=1M skip=$i count=1 status=none >>"$inbox/Ho_so_luu_tru.pdf"
		sleep 0.5
	done
) &
copier=$!
# While it is being written, nothing of it may be taken.
while kill -0 "$copier" 2>/dev/null; do
	ls "$inbox/processed" | grep -q Ho_so_luu_tru &&
	    fail "the inbox took Ho_so_luu_tru.pdf while it was still being written"
	sleep 0.2
done
wait "$copier"

wait_until "ls $inbox/processed | grep -q Ho_so_luu_tru" 30
wait_until "ls $inbox/processed | grep -q Quyet_dinh_so_12" 10
wait_until "[[ -f $inbox/rejected/ghi-chu.txt.reason.txt && -f $inbox/rejected/trong.pdf.reason.txt ]]" 10
grep -q "text/plain are not accepted" "$inbox/rejected/ghi-chu.txt.reason.txt" ||
    fail "reason for ghi-chu.txt: $(cat "$inbox/rejected/ghi-chu.txt.reason.txt")"
grep -q "empty" "$inbox/rejected/trong.pdf.reason.txt" ||
    fail "reason for trong.pdf: $(cat "$inbox/rejected/trong.pdf.reason.txt")"

# The documents: drafts, titled from the file names, holding the whole file.
list=$("$NODED" doc list -c "$(node_conf n1)" --json)
"$PY" - "$list" "$big_sha" <<'PYEOF' || fail "inbox documents wrong: $list"
import json, sys
docs = json.loads(sys.argv[1])["documents"]
by_title = {d["title"]: d for d in docs}
assert len(docs) == 2, docs
big = by_title["Ho so luu tru"]
assert big["status"] == "draft" and big["kind"] == "record", big
assert big["files"][0]["sha256"] == sys.argv[2], big["files"]
assert big["files"][0]["media_type"] == "application/pdf"
small = by_title["Quyet dinh so 12"]
assert small["files"][0]["pages"] == 2, small["files"]
PYEOF
code=$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1])["documents"]; print([x["code"] for x in d if x["title"]=="Ho so luu tru"][0])' "$list")

# The same scan again: recognised, moved, no second document.
cp "$TEST_DIR/quyet-dinh.pdf" "$inbox/lan-hai.pdf"
wait_until "ls $inbox/processed | grep -q lan-hai" 15
n=$("$NODED" doc list -c "$(node_conf n1)" --json | json_get documents | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
[[ $n == 2 ]] || fail "the same scan dropped twice made $n documents"

# And it replicated: the hub holds the big scan byte for byte.
wait_synced n1 60
"$HUBD" doc -c "$(hub_conf)" so-noi-vu "$code" --json | grep -q "$big_sha" ||
    fail "the hub's $code lacks the scan"
hub_blob_is "$TEST_DIR/big-scan.pdf" || fail "the hub's copy of the scan differs"
note "inbox: 2 documents, 2 refusals with reasons, one duplicate recognised, scan at the hub"

# Only regular files are taken, opened without following links: a link to the node's own
# secret key and a FIFO go to rejected/ with a reason, and the inbox keeps going after them.
# (Every type accepted here, so nothing but that rule stands between the key and a document.)
stop n1
conf_set "$(node_conf n1)" inbox types ""
start_node n1
key=$(node_keys n1)/sign.key
key_sha=$(sha256 "$key")
ln -s "$key" "$inbox/khoa.txt"
mkfifo "$inbox/ong.pdf"
printf '%%PDF-1.4\n1 0 obj << /Type /Page >>\n%%%%EOF\n' >"$inbox/sau-cung.pdf"
wait_until "[[ -f $inbox/rejected/khoa.txt.reason.txt && -f $inbox/rejected/ong.pdf.reason.txt ]]" 15
wait_until "ls $inbox/processed | grep -q sau-cung" 15
grep -q "symbolic link" "$inbox/rejected/khoa.txt.reason.txt" ||
    fail "reason for the link: $(cat "$inbox/rejected/khoa.txt.reason.txt")"
grep -q "not a regular file" "$inbox/rejected/ong.pdf.reason.txt" ||
    fail "reason for the FIFO: $(cat "$inbox/rejected/ong.pdf.reason.txt")"
[[ -L $inbox/rejected/khoa.txt && -f $key && $(sha256 "$key") == "$key_sha" ]] ||
    fail "the link was not moved aside as a link, or the key moved"
list=$("$NODED" doc list -c "$(node_conf n1)" --json)
[[ $(json_get documents <<<"$list" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))') == 3 ]] ||
    fail "documents after the link and the FIFO: $list"
[[ $list != *"$key_sha"* ]] || fail "the secret key became a document"
! mdb_dump -s blobmeta "$(node_store n1)" | grep -q " $key_sha" ||
    fail "the secret key's bytes are in the node's blob store"
# A reason file planted as a link is not written through.
echo keep >"$TEST_DIR/victim"
ln -s "$TEST_DIR/victim" "$inbox/rejected/ong-2.pdf.reason.txt"
mkfifo "$inbox/ong-2.pdf"
wait_until "[[ -p $inbox/rejected/ong-2.pdf ]] && log_has n1 'ong-2.pdf.reason.txt: '" 15
[[ $(cat "$TEST_DIR/victim") == keep ]] || fail "a reason was written through a planted link"
note "inbox: a link to sign.key and a FIFO refused with reasons"
