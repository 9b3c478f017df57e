/*
 * i18n.c: every string the web pages show, in Vietnamese (the default) and English, in one
 * table: a translator sees both side by side, and a key missing from the table shows as
 * itself, which a test notices. Keys are grouped by page set; the dashboard's come first.
 * Also times and dates as each language writes them, in Asia/Ho_Chi_Minh.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"

#define I18N_TZ_S (7 * 3600)      /* Asia/Ho_Chi_Minh: UTC+7, no daylight saving */

struct i18n_str {
	const char *key, *vi, *en;
};

static const struct i18n_str i18n_table[] = {
	/* ---- the oversight dashboard ---- */
	{ "app.name", "eISO tỉnh", "Provincial eISO" },
	{ "app.sub", "Giám sát hệ thống quản lý chất lượng ISO điện tử",
	    "Oversight of the electronic ISO quality systems" },
	{ "never", "chưa bao giờ", "never" },
	{ "none", "Chưa có.", "None yet." },
	{ "nav.overview", "Tổng quan", "Overview" },
	{ "nav.alerts", "Cảnh báo", "Alerts" },
	{ "nav.logout", "Đăng xuất", "Log out" },
	{ "footer.generated", "Số liệu lúc", "Figures as of" },
	{ "footer.tz", "giờ Việt Nam, UTC+7", "Vietnam time, UTC+7" },
	{ "login.title", "Đăng nhập", "Log in" },
	{ "login.user", "Tên đăng nhập", "User name" },
	{ "login.password", "Mật khẩu", "Password" },
	{ "login.submit", "Đăng nhập", "Log in" },
	{ "login.bad", "Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password." },
	{ "login.off", "Chưa đặt mật khẩu nên chưa thể đăng nhập. Quản trị viên đặt mật khẩu "
	    "bằng lệnh:", "No password is set, so nobody can log in yet. The administrator sets "
	    "one with:" },
	{ "err.title", "Có lỗi", "Something went wrong" },
	{ "err.not_found", "Không tìm thấy trang này.", "This page does not exist." },
	{ "err.no_agency", "Không có cơ quan này trong danh sách đã đăng ký.",
	    "No such agency is enrolled." },
	{ "err.method", "Phương thức không được hỗ trợ.", "Method not allowed." },
	{ "err.csrf", "Biểu mẫu đã hết hạn; hãy tải lại trang và thử lại.",
	    "The form has expired; reload the page and try again." },
	{ "overview.title", "Tổng quan toàn tỉnh", "Province overview" },
	{ "overview.agencies", "Các cơ quan, đơn vị", "Agencies" },
	{ "overview.shown", "Đang hiển thị", "Showing" },
	{ "overview.none", "Không có cơ quan nào phù hợp bộ lọc.", "No agency matches the filters." },
	{ "card.agencies", "Cơ quan, đơn vị", "Agencies" },
	{ "card.in_force", "Tài liệu đang có hiệu lực", "Documents in force" },
	{ "card.reviews_overdue", "quá hạn rà soát", "reviews overdue" },
	{ "card.on_time", "Hồ sơ TTHC giải quyết đúng hạn", "Cases completed on time" },
	{ "card.coverage", "Tỷ lệ hồ sơ điện tử", "Electronic record coverage" },
	{ "card.meeting_target", "đơn vị đạt chỉ tiêu", "agencies meet their target" },
	{ "card.target", "Chỉ tiêu", "Target" },
	{ "card.reviews", "Tài liệu quá hạn rà soát", "Reviews overdue" },
	{ "reason.review_overdue", "%llu tài liệu đã quá ngày rà soát",
	    "%llu documents past their review date" },
	{ "reason.offline", "không nhận được tin nào trong %llu phút",
	    "no message for %llu minutes" },
	{ "reason.storage", "ổ đĩa chứa dữ liệu đã đầy %llu%%", "the data disk is %llu%% full" },
	{ "card.sets", "Bộ thay đổi đã nhận", "Change sets applied" },
	{ "card.lag_sets", "đang chờ đồng bộ", "waiting to replicate" },
	{ "card.alerts", "Cảnh báo chưa xử lý", "Open alerts" },
	{ "chart.sets", "Bộ thay đổi đã nhận mỗi ngày (30 ngày)",
	    "Change sets applied per day (30 days)" },
	{ "chart.sets.a", "Bộ thay đổi", "Change sets" },
	{ "chart.in_force", "Tài liệu có hiệu lực (cuối mỗi tháng)",
	    "Documents in force (at each month's end)" },
	{ "chart.in_force.a", "Tài liệu có hiệu lực", "Documents in force" },
	{ "chart.cases", "Hồ sơ TTHC giải quyết theo tháng", "Cases completed per month" },
	{ "chart.cases.a", "Đúng hạn", "On time" },
	{ "chart.cases.b", "Trễ hạn", "Late" },
	{ "filter.all", "Tất cả", "All" },
	{ "filter.no_parent", "(không có đơn vị cấp trên)", "(no parent)" },
	{ "filter.search", "Tìm", "Search" },
	{ "filter.apply", "Lọc", "Filter" },
	{ "filter.reset", "Bỏ lọc", "Clear" },
	{ "col.status", "Trạng thái", "State" },
	{ "col.agency", "Cơ quan, đơn vị", "Agency" },
	{ "col.id", "Mã", "Id" },
	{ "col.level", "Cấp", "Level" },
	{ "col.parent", "Đơn vị cấp trên", "Parent" },
	{ "col.last_seen", "Liên lạc gần nhất", "Last seen" },
	{ "col.applied", "Số bộ đã áp dụng", "Applied seq" },
	{ "col.lag", "Chậm đồng bộ", "Lag" },
	{ "col.in_force", "Tài liệu hiệu lực", "In force" },
	{ "col.reviews_overdue", "Quá hạn rà soát", "Reviews overdue" },
	{ "col.on_time", "Đúng hạn", "On time" },
	{ "col.coverage", "HS điện tử / chỉ tiêu", "Coverage / target" },
	{ "col.alerts", "Cảnh báo", "Alerts" },
	{ "status.online", "Đang kết nối", "Online" },
	{ "status.offline", "Mất kết nối", "Offline" },
	{ "status.never", "Chưa kết nối", "Never connected" },
	{ "status.retired", "Ngừng hoạt động", "Retired" },
	{ "level.department", "Sở, ban, ngành", "Department" },
	{ "level.district", "UBND cấp huyện", "District" },
	{ "level.subdepartment", "Chi cục", "Sub-department" },
	{ "level.commune", "UBND cấp xã", "Commune" },
	{ "level.province", "Cấp tỉnh", "Province" },
	{ "cases.on_time", "đúng hạn", "on time" },
	{ "cases.late", "trễ hạn", "late" },
	{ "cases.open", "đang giải quyết", "open" },
	{ "cases.overdue", "quá hạn", "overdue" },
	{ "alerts.title", "Cảnh báo", "Alerts" },
	{ "alert.time", "Thời điểm", "When" },
	{ "alert.kind", "Loại", "Kind" },
	{ "alert.reason", "Chi tiết", "Details" },
	{ "alert.state", "Tình trạng", "State" },
	{ "alert.ack", "Xác nhận đã xem", "Acknowledge" },
	{ "alert.none", "Không có cảnh báo.", "No alerts." },
	{ "alert.hub", "Máy chủ tỉnh", "The hub" },
	{ "alert.offline", "Mất kết nối", "Offline" },
	{ "alert.review_overdue", "Tài liệu quá hạn rà soát", "Reviews overdue" },
	{ "alert.storage", "Dung lượng lưu trữ sắp đầy", "Storage nearly full" },
	{ "alert.reject", "Bộ thay đổi bị từ chối", "Change set rejected" },
	{ "astate.open", "Chưa xử lý", "Open" },
	{ "astate.acked", "Đã xác nhận", "Acknowledged" },
	{ "astate.cleared", "Đã hết", "Cleared" },
	{ "astate.all", "Tất cả", "All" },
	{ "agency.head", "Mã băm đầu chuỗi", "Head hash" },
	{ "agency.rejected", "Bộ bị từ chối", "Sets rejected" },
	{ "agency.documents", "Tài liệu và lịch sử ban hành", "Documents and their history" },
	{ "agency.files", "Hồ sơ lưu trữ", "Record files" },
	{ "agency.cases", "Hồ sơ thủ tục hành chính", "Administrative cases" },
	{ "agency.changesets", "Bộ thay đổi gần đây", "Recent change sets" },
	{ "doc.code", "Mã", "Code" },
	{ "doc.title", "Tên tài liệu", "Title" },
	{ "doc.kind", "Loại", "Kind" },
	{ "doc.status", "Trạng thái", "Status" },
	{ "doc.issue", "Lần ban hành", "Issue" },
	{ "doc.effective", "Hiệu lực từ", "Effective" },
	{ "doc.next_review", "Rà soát tiếp theo", "Next review" },
	{ "doc.approved_by", "phê duyệt:", "approved by" },
	{ "kind.policy", "Chính sách", "Policy" },
	{ "kind.objective", "Mục tiêu", "Objective" },
	{ "kind.manual", "Sổ tay", "Manual" },
	{ "kind.procedure", "Quy trình", "Procedure" },
	{ "kind.instruction", "Hướng dẫn", "Instruction" },
	{ "kind.form", "Biểu mẫu", "Form" },
	{ "kind.external", "Tài liệu bên ngoài", "External" },
	{ "kind.record", "Hồ sơ", "Record" },
	{ "dstatus.draft", "Dự thảo", "Draft" },
	{ "dstatus.in_review", "Đang xem xét", "In review" },
	{ "dstatus.effective", "Có hiệu lực", "Effective" },
	{ "dstatus.superseded", "Đã thay thế", "Superseded" },
	{ "dstatus.withdrawn", "Đã thu hồi", "Withdrawn" },
	{ "file.code", "Mã hồ sơ", "File code" },
	{ "file.title", "Tiêu đề hồ sơ", "Title" },
	{ "file.docs", "Văn bản / trang", "Documents / pages" },
	{ "file.retention", "Thời hạn bảo quản", "Retention" },
	{ "file.permanent", "Vĩnh viễn", "Permanent" },
	{ "file.years", "năm", "years" },
	{ "file.status", "Tình trạng", "Status" },
	{ "fstatus.open", "Đang mở", "Open" },
	{ "fstatus.closed", "Đã đóng", "Closed" },
	{ "case.no_personal", "Máy chủ tỉnh không lưu thông tin cá nhân của người nộp hồ sơ.",
	    "The hub holds no personal data of applicants." },
	{ "case.code", "Mã hồ sơ", "Case" },
	{ "case.procedure", "Thủ tục", "Procedure" },
	{ "case.received", "Tiếp nhận", "Received" },
	{ "case.due", "Hẹn trả", "Due" },
	{ "case.completed", "Hoàn thành", "Completed" },
	{ "case.status", "Tình trạng", "Status" },
	{ "cstatus.received", "Đã tiếp nhận", "Received" },
	{ "cstatus.processing", "Đang xử lý", "Processing" },
	{ "cstatus.supplement", "Chờ bổ sung", "Awaiting documents" },
	{ "cstatus.completed", "Đã giải quyết", "Completed" },
	{ "cstatus.returned", "Trả lại", "Returned" },
	{ "cstatus.withdrawn", "Đã rút", "Withdrawn" },
	{ "cs.created", "Thời điểm tạo", "Created" },
	{ "cs.changes", "Nội dung", "Changes" },
	{ "cs.hash", "Mã băm", "Hash" },
	{ "cs.outcome", "Kiểm tra", "Verification" },
	{ "cs.verified", "Chữ ký và chuỗi hợp lệ", "Signature and chain valid" },
	{ "cs.failed", "Kiểm tra không đạt", "Verification failed" },

	/* ---- the public portal (portal.c, verify.c) adds its strings below ---- */
	{ "portal.site", "Cổng công bố tài liệu ISO", "ISO document portal" },
	{ "portal.agencies", "Cơ quan, đơn vị", "Agencies" },
	{ "portal.agencies_intro", "Tài liệu của hệ thống quản lý chất lượng theo TCVN ISO "
	    "9001:2015 mà các cơ quan, đơn vị công bố công khai và đang có hiệu lực.",
	    "Quality-management documents (TCVN ISO 9001:2015) that agencies publish and that "
	    "are in force." },
	{ "portal.search", "Tìm kiếm tài liệu", "Search documents" },
	{ "portal.case", "Tra cứu hồ sơ", "Case status" },
	{ "portal.verify", "Xác thực tài liệu", "Verify a document" },
	{ "portal.footer", "Cổng công bố tài liệu ISO điện tử. Chỉ hiển thị tài liệu công khai; "
	    "thời gian theo giờ Việt Nam (UTC+7).",
	    "Electronic ISO document portal. Public documents only; times are Vietnam time "
	    "(UTC+7)." },
	{ "portal.not_found", "Không tìm thấy", "Not found" },
	{ "portal.no_page", "Không có trang này.", "There is no such page." },
	{ "portal.no_agency", "Không có cơ quan, đơn vị này.", "There is no such agency." },
	{ "portal.no_doc", "Không có tài liệu công khai nào như vậy.",
	    "There is no such public document." },
	{ "portal.no_file", "Không có tệp công khai nào như vậy.",
	    "There is no such public file." },
	{ "portal.no_docs", "Cơ quan chưa công bố tài liệu nào đang có hiệu lực.",
	    "This agency has published no document in force yet." },
	{ "portal.no_files", "Không có tệp đính kèm.", "No attached files." },
	{ "portal.agency", "Cơ quan, đơn vị", "Agency" },
	{ "portal.agency_id", "Mã định danh", "Identifier" },
	{ "portal.agency_signed", "Cơ quan ban hành (ký số)", "Issuing agency (signed)" },
	{ "portal.all_agencies", "Tất cả cơ quan", "All agencies" },
	{ "portal.all_kinds", "Tất cả loại tài liệu", "All kinds" },
	{ "portal.docs_in_force", "Tài liệu đang hiệu lực", "Documents in force" },
	{ "portal.level", "Cấp", "Level" },
	{ "portal.parent", "Cơ quan cấp trên", "Parent agency" },
	{ "portal.code", "Mã tài liệu", "Code" },
	{ "portal.title", "Tên tài liệu", "Title" },
	{ "portal.kind", "Loại tài liệu", "Kind" },
	{ "portal.issue", "Lần ban hành", "Issue" },
	{ "portal.issue_lc", "lần ban hành", "issue" },
	{ "portal.effective", "Ngày hiệu lực", "Effective" },
	{ "portal.files", "Tệp tài liệu", "Files" },
	{ "portal.file", "Tệp", "File" },
	{ "portal.size", "Dung lượng", "Size" },
	{ "portal.earlier", "Các lần ban hành trước", "Earlier issues" },
	{ "portal.approved", "Người phê duyệt", "Approved by" },
	{ "portal.owner_unit", "Đơn vị chủ trì", "Owner unit" },
	{ "portal.origin_issuer", "Cơ quan ban hành gốc", "Issued by" },
	{ "portal.origin_number", "Số, ký hiệu", "Number" },
	{ "portal.note", "Nội dung sửa đổi", "Revision note" },
	{ "portal.withdraw_note", "Lý do thu hồi", "Reason for withdrawal" },
	{ "portal.hash", "Mã băm nội dung (SHA-256)", "Content hash (SHA-256)" },
	{ "portal.history", "Các lần ban hành", "Issues" },
	{ "portal.status", "Tình trạng", "Status" },
	{ "portal.in_force", "Đang có hiệu lực", "In force" },
	{ "portal.superseded", "Đã được thay thế", "Superseded" },
	{ "portal.superseded_lc", "đã được thay thế", "superseded" },
	{ "portal.superseded_by", "bởi", "by" },
	{ "portal.withdrawn", "Đã bị thu hồi", "Withdrawn" },
	{ "portal.withdrawn_lc", "đã bị thu hồi", "withdrawn" },
	{ "portal.sheet_link", "Phiếu công bố (in khổ A4)", "Publication sheet (A4)" },
	{ "portal.case_intro", "Nhập mã hồ sơ ghi trên giấy tiếp nhận để xem tình trạng giải "
	    "quyết. Cổng không lưu và không hiển thị thông tin cá nhân.",
	    "Enter the case code printed on your receipt to see its status. The portal holds "
	    "and shows no personal data." },
	{ "portal.case_code", "Mã hồ sơ", "Case code" },
	{ "portal.lookup", "Tra cứu", "Look up" },
	{ "portal.no_case", "Không tìm thấy hồ sơ có mã này.", "No case has this code." },
	{ "portal.procedure", "Thủ tục hành chính", "Procedure" },
	{ "portal.received", "Ngày tiếp nhận", "Received" },
	{ "portal.due", "Hẹn trả kết quả", "Due" },
	{ "portal.completed", "Ngày trả kết quả", "Completed" },
	{ "portal.timeliness", "Tiến độ", "Timeliness" },
	{ "portal.on_time", "Đúng hạn", "On time" },
	{ "portal.late", "Quá hạn", "Late" },
	{ "portal.overdue", "Đang quá hạn", "Overdue" },
	{ "portal.search_words", "Từ khóa", "Words" },
	{ "portal.search_placeholder", "ví dụ: quy trinh tiep nhan ho so",
	    "e.g. quy trinh tiep nhan ho so" },
	{ "portal.search_go", "Tìm", "Search" },
	{ "portal.search_total", "%zu tài liệu phù hợp", "%zu documents match" },
	{ "portal.search_bad", "Từ khóa không hợp lệ.", "The words could not be read." },
	{ "portal.prev", "Trang trước", "Previous" },
	{ "portal.next", "Trang sau", "Next" },
	{ "plevel.department", "Sở, ban, ngành cấp tỉnh", "Provincial departments and boards" },
	{ "plevel.district", "UBND cấp huyện", "District People's Committees" },
	{ "plevel.subdepartment", "Chi cục và đơn vị trực thuộc", "Sub-departments" },
	{ "plevel.commune", "UBND cấp xã", "Commune People's Committees" },
	{ "plevel.other", "Đơn vị khác", "Other units" },
	{ "verify.intro", "Tải lên một tệp hoặc dán mã SHA-256 của tệp để biết đó có phải tệp "
	    "của tài liệu đã công bố hay không, của cơ quan nào và còn hiệu lực không.",
	    "Upload a file or paste its SHA-256 to learn whether it is a file of a published "
	    "document, of which agency, and whether that document is in force." },
	{ "verify.upload", "Tệp cần kiểm tra", "File to check" },
	{ "verify.paste", "Hoặc dán mã SHA-256 (64 ký tự)", "Or paste a SHA-256 (64 hex digits)" },
	{ "verify.check", "Kiểm tra", "Check" },
	{ "verify.uploaded", "Tệp đã tải lên", "Uploaded file" },
	{ "verify.pasted", "Mã đã nhập", "Hash entered" },
	{ "verify.bad_sha", "Mã SHA-256 phải gồm đúng 64 ký tự 0-9, a-f.",
	    "A SHA-256 is exactly 64 characters 0-9, a-f." },
	{ "verify.bad_upload", "Không đọc được tệp tải lên.", "The upload could not be read." },
	{ "verify.file_unknown", "KHÔNG XÁC THỰC: tệp này không phải là tệp của tài liệu nào đã "
	    "công bố",
	    "NOT VERIFIED: this file is not a file of any published document" },
	{ "verify.file_unknown_more", "Nếu tệp được cho là của một cơ quan, nó có thể đã bị thay "
	    "đổi dù chỉ một ký tự. Hãy tải bản gốc từ trang tài liệu trên cổng này.",
	    "If it is said to come from an agency, it may have been changed, even by one "
	    "character. Download the original from the document's page on this portal." },
	{ "verify.file_in_force", "ĐÃ XÁC THỰC: đây là tệp của tài liệu đã công bố, đang có hiệu "
	    "lực",
	    "VERIFIED: a file of a published document that is in force" },
	{ "verify.file_not_in_force", "ĐÃ XÁC THỰC nhưng KHÔNG CÒN HIỆU LỰC: tệp của tài liệu đã "
	    "công bố, nay đã được thay thế hoặc thu hồi",
	    "VERIFIED but NO LONGER IN FORCE: a file of a published document since superseded "
	    "or withdrawn" },
	{ "verify.unknown_title", "Không xác định", "Unknown" },
	{ "verify.unknown", "KHÔNG XÁC ĐỊNH: mã này không chỉ tới tài liệu nào đã công bố",
	    "UNKNOWN: this code names no published document" },
	{ "verify.unknown_more", "Bản in mang mã này không phải là tài liệu do cơ quan công bố "
	    "trên cổng này.",
	    "A printout carrying this code is not a document published on this portal." },
	{ "verify.mismatch", "CẢNH BÁO: mã xác thực KHÔNG KHỚP — bản in có thể đã bị sửa đổi "
	    "hoặc giả mạo",
	    "WARNING: the code does NOT MATCH — the printout may be altered or forged" },
	{ "verify.mismatch_more", "Tài liệu có số hiệu này tồn tại, nhưng mã băm trên bản in "
	    "không phải của nó.",
	    "A document with this number exists, but the hash on the printout is not its own." },
	{ "verify.hash_expected", "Mã đúng bắt đầu bằng", "The genuine code begins with" },
	{ "verify.in_force", "ĐANG CÓ HIỆU LỰC — tài liệu xác thực",
	    "IN FORCE — authentic document" },
	{ "verify.superseded", "ĐÃ ĐƯỢC THAY THẾ — tài liệu xác thực nhưng không còn hiệu lực",
	    "SUPERSEDED — authentic, but no longer in force" },
	{ "verify.withdrawn", "ĐÃ BỊ THU HỒI — tài liệu xác thực nhưng không còn hiệu lực",
	    "WITHDRAWN — authentic, but no longer in force" },
	{ "verify.current_is", "Xem lần ban hành đang có hiệu lực:", "See the issue in force:" },
	{ "verify.no_current", "Hiện không có lần ban hành công khai nào đang có hiệu lực.",
	    "No public issue of it is in force now." },
	{ "verify.hash_match", "Mã xác thực khớp với tài liệu do cơ quan ban hành.",
	    "The code matches the document the agency issued." },
	{ "verify.see_doc", "Xem trang tài liệu và tải tệp gốc",
	    "See the document's page and download the original" },
	{ "sheet.kicker", "PHIẾU CÔNG BỐ TÀI LIỆU", "DOCUMENT PUBLICATION SHEET" },
	{ "sheet.scan", "Quét mã QR để kiểm tra tài liệu còn hiệu lực và là bản gốc.",
	    "Scan the QR code to check that the document is genuine and in force." },
	{ "sheet.or_verify", "Hoặc mở địa chỉ trên bằng trình duyệt.",
	    "Or open the address above in a browser." },
	{ "sheet.status_at", "Tình trạng khi in", "Status when printed" },
	{ "sheet.foot", "Mã băm nội dung xác định tên, số, ngày hiệu lực và các tệp của lần ban "
	    "hành này.",
	    "The content hash fixes this issue's title, number, effective date and files." },
	{ "sheet.back", "Trang tài liệu", "Document page" },
	{ "sheet.print_hint", "In trang này trên khổ A4 (Ctrl+P).",
	    "Print this page on A4 (Ctrl+P)." },

	{ NULL, NULL, NULL }
};

const char *
tr(enum web_lang lang, const char *key)
{
	for (const struct i18n_str *s = i18n_table; s->key != NULL; s++)
		if (strcmp(s->key, key) == 0)
			return lang == WEB_EN ? s->en : s->vi;
	return key;
}

static void
i18n_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000) + I18N_TZ_S;

	gmtime_r(&t, tm);
}

void
i18n_time(char *buf, size_t len, int64_t ms, enum web_lang lang)
{
	struct tm tm;

	if (ms <= 0) {
		snprintf(buf, len, "%s", tr(lang, "never"));
		return;
	}
	i18n_tm(ms, &tm);
	strftime(buf, len, lang == WEB_EN ? "%Y-%m-%d %H:%M" : "%d/%m/%Y %H:%M", &tm);
}

void
i18n_date(char *buf, size_t len, const char *ymd, enum web_lang lang)
{
	int y, m, d;

	if (ymd == NULL || ymd[0] == '\0')
		snprintf(buf, len, "—");
	else if (lang == WEB_VI && sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) == 3)
		snprintf(buf, len, "%02d/%02d/%04d", d, m, y);
	else
		snprintf(buf, len, "%s", ymd);
}

void
i18n_iso(char *buf, size_t len, int64_t ms)
{
	struct tm tm;

	if (ms <= 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	i18n_tm(ms, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

void
i18n_day(char buf[11], int64_t ms)
{
	struct tm tm;

	i18n_tm(ms, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}
