/*
 * qr.c: QR codes of the portal's verification URLs, drawn by libqrencode as PNG (libpng's
 * simplified write-to-memory API) or SVG (one path, a rectangle per run of dark modules).
 * Error correction level M (15%): a printed sheet survives a fold or a stain, and the URL
 * still fits a small symbol. The quiet zone is the standard four modules.
 */
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "err.h"
#include "portal/portal.h"

#define QR_MARGIN 4

static int
qr_encode(const char *text, QRcode **out)
{
	if ((*out = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return eiso_seterr(EISO_INVAL, "qr: cannot encode %zu bytes", strlen(text));
	return 0;
}

int
qr_png(const char *text, unsigned scale, struct html *out)
{
	png_image img;
	QRcode *q;
	uint8_t *px = NULL;
	void *dst;
	png_alloc_size_t size = 0;
	size_t side;
	int rc;

	if (scale < 1 || scale > 32)
		return eiso_seterr(EISO_INVAL, "qr: scale %u is not 1..32", scale);
	if ((rc = qr_encode(text, &q)) != 0)
		return rc;
	side = ((size_t)q->width + 2 * QR_MARGIN) * scale;
	if ((px = malloc(side * side)) == NULL) {
		rc = EISO_NOMEM;
		goto done;
	}
	memset(px, 0xff, side * side);
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width; x++) {
			if (!(q->data[y * q->width + x] & 1))
				continue;
			for (unsigned dy = 0; dy < scale; dy++)
				memset(px + ((size_t)(y + QR_MARGIN) * scale + dy) * side +
				    (size_t)(x + QR_MARGIN) * scale, 0, scale);
		}
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)side;
	img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_GRAY;
	if (!png_image_write_to_memory(&img, NULL, &size, 0, px, (png_int_32)side, NULL)) {
		rc = eiso_seterr(EISO_INVAL, "qr: png: %s", img.message);
		goto done;
	}
	if ((dst = html_reserve(out, size)) == NULL) {
		rc = EISO_NOMEM;
		goto done;
	}
	if (!png_image_write_to_memory(&img, dst, &size, 0, px, (png_int_32)side, NULL)) {
		rc = eiso_seterr(EISO_INVAL, "qr: png: %s", img.message);
		goto done;
	}
	out->len += size;
	out->buf[out->len] = '\0';
	rc = 0;
done:
	free(px);
	QRcode_free(q);
	return rc;
}

int
qr_svg(const char *text, struct html *out)
{
	QRcode *q;
	int rc, side;

	if ((rc = qr_encode(text, &q)) != 0)
		return rc;
	side = q->width + 2 * QR_MARGIN;
	html_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\" role=\"img\"><title>", side, side);
	html_esc(out, text);
	html_printf(out, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", side, side);
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width; ) {
			int run = 0;

			while (x + run < q->width && (q->data[y * q->width + x + run] & 1))
				run++;
			if (run == 0) {
				x++;
				continue;
			}
			html_printf(out, "M%d %dh%dv1h-%dz", x + QR_MARGIN, y + QR_MARGIN, run,
			    run);
			x += run;
		}
	}
	html_raw(out, "\"/></svg>\n");
	QRcode_free(q);
	return out->oom ? EISO_NOMEM : 0;
}
