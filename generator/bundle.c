/* bundle: packs the output folder into one ZIP file (PKWARE APPNOTE 6.3,
 * without ZIP64) so staff can carry the whole site offline.  Entries are
 * deflated with zlib (stored when that does not shrink them), sorted by
 * path, with a fixed date and mode, so the archive is reproducible. */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "fsutil.h"

#define ZIP_MAX_ENTRIES 0xFFFFu       /* the end record's 16-bit count */
#define ZIP_MAX_OFFSET 0xFFFFFFFFull  /* 32-bit sizes and offsets */
#define ZIP_DOS_TIME 0                /* 00:00:00 */
#define ZIP_DOS_DATE ((0 << 9) | (1 << 5) | 1) /* 1980-01-01, the DOS epoch */
#define ZIP_FLAG_UTF8 0x0800          /* names are UTF-8 (bit 11) */
#define ZIP_MADE_BY ((3 << 8) | 20)   /* Unix, spec 2.0: unzip honours the mode */
#define ZIP_FILE_ATTR (0100644u << 16)  /* regular file, rw-r--r-- */

/* What the central directory repeats about an entry already written. */
struct entry {
	const char *name; /* borrowed from the file list */
	uint32_t crc, csize, usize, offset;
	uint16_t method;
};

static void put16(struct buf *b, unsigned v)
{
	buf_putc(b, (char)(v & 0xff));
	buf_putc(b, (char)((v >> 8) & 0xff));
}

static void put32(struct buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

/* Reads the regular file rel under dir into *data (caller frees), without
 * following a symlink swapped in since the listing.  Sets *skip when the
 * file is the zip being written or the one it replaces.  Returns 0 or -1
 * with errno set (EFBIG when it is too large for a ZIP without ZIP64). */
static int read_entry(const char *dir, const char *rel, const struct stat *avoid,
		      size_t navoid, unsigned char **data, size_t *len, int *skip)
{
	char *path = xasprintf("%s/%s", dir, rel);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	*data = NULL;
	*len = 0;
	*skip = 0;
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0)
		goto fail;
	for (size_t i = 0; i < navoid; i++)
		if (st.st_dev == avoid[i].st_dev && st.st_ino == avoid[i].st_ino) {
			*skip = 1;
			close(fd);
			return 0;
		}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((unsigned long long)st.st_size >= ZIP_MAX_OFFSET) {
		errno = EFBIG;
		goto fail;
	}
	size_t want = (size_t)st.st_size;
	*data = xmalloc(want ? want : 1);
	while (*len < want) {
		ssize_t r = read(fd, *data + *len, want - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break; /* shrank while we read: pack what is there */
		*len += (size_t)r;
	}
	close(fd);
	return 0;
fail:;
	int e = errno;
	free(*data);
	*data = NULL;
	close(fd);
	errno = e;
	return -1;
}

/* Raw-deflates data into a new buffer (*out, caller frees).  Returns the
 * compressed size, or (size_t)-1 when zlib fails. */
static size_t deflate_all(const unsigned char *data, size_t len, unsigned char **out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	*out = NULL;
	/* Negative window bits: a bare deflate stream, as ZIP wants. */
	if (deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return (size_t)-1;
	uLong bound = deflateBound(&z, (uLong)len);
	*out = xmalloc(bound);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = *out;
	z.avail_out = (uInt)bound;
	int rc = deflate(&z, Z_FINISH);
	size_t n = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		return (size_t)-1;
	}
	return n;
}

/* The fields local and central headers share, from "version needed" to
 * the name length. */
static void put_common(struct buf *b, const struct entry *e, size_t namelen)
{
	put16(b, e->method == 8 ? 20 : 10);
	put16(b, ZIP_FLAG_UTF8);
	put16(b, e->method);
	put16(b, ZIP_DOS_TIME);
	put16(b, ZIP_DOS_DATE);
	put32(b, e->crc);
	put32(b, e->csize);
	put32(b, e->usize);
	put16(b, (unsigned)namelen);
}

static int write_all(FILE *f, const void *p, size_t n)
{
	return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1;
}

int bundle_pack(const char *dir, const char *zip_path, char **tmp_out, struct diag *d)
{
	char *tmp = NULL;
	char **files = NULL;
	size_t nfiles = 0, nentries = 0;
	struct entry *entries = NULL;
	struct buf hdr = BUF_INIT, cd = BUF_INIT;
	unsigned char *data = NULL, *packed = NULL;
	struct stat avoid[2];
	size_t navoid = 0;
	uint64_t off = 0;
	FILE *f = NULL;
	int rc = -1;

	if (!fs_is_dir(dir)) {
		diag_error(d, NULL, 0, 0, "bundle: %s is not a folder", dir);
		goto fail;
	}
	if (stat(zip_path, &avoid[navoid]) == 0)
		navoid++;
	/* A name of its own: two builds (into two OUTs) may write one zip.
	 * One a killed build left would lie there for good. */
	fs_sweep_temps(zip_path);
	int fd = fs_mkdirs_for(zip_path) < 0 ? -1 : fs_create_temp(zip_path, &tmp);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		diag_fault(d, NULL, 0, 0, "bundle: cannot create a file beside %s: %s", zip_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	if (fstat(fileno(f), &avoid[navoid]) == 0)
		navoid++;
	if (fs_list_files(dir, &files, &nfiles) < 0) {
		diag_error(d, NULL, 0, 0, "bundle: cannot list %s: %s", dir, strerror(errno));
		goto fail;
	}
	/* Refuse before compressing anything (the old zip may be listed). */
	if (nfiles > ZIP_MAX_ENTRIES + navoid) {
		diag_error(d, NULL, 0, 0, "bundle: %s has %zu files, more than the %u a ZIP without ZIP64 holds", dir, nfiles, ZIP_MAX_ENTRIES);
		goto fail;
	}
	entries = xcalloc(nfiles ? nfiles : 1, sizeof *entries);

	for (size_t i = 0; i < nfiles; i++) {
		size_t len, namelen = strlen(files[i]);
		int skip;
		if (read_entry(dir, files[i], avoid, navoid, &data, &len, &skip) < 0) {
			if (errno == EFBIG)
				diag_error(d, NULL, 0, 0, "bundle: %s/%s is 4 GiB or larger, too large for a ZIP without ZIP64", dir, files[i]);
			else
				diag_error(d, NULL, 0, 0, "bundle: cannot read %s/%s: %s", dir, files[i], strerror(errno));
			goto fail;
		}
		if (skip)
			continue;
		if (nentries == ZIP_MAX_ENTRIES) {
			diag_error(d, NULL, 0, 0, "bundle: %s has more than the %u files a ZIP without ZIP64 holds", dir, ZIP_MAX_ENTRIES);
			goto fail;
		}
		if (namelen > 0xFFFF) {
			diag_error(d, NULL, 0, 0, "bundle: file name too long for a ZIP: %s", files[i]);
			goto fail;
		}
		struct entry *e = &entries[nentries++];
		e->name = files[i];
		e->usize = (uint32_t)len;
		e->crc = (uint32_t)crc32_z(0L, data, len);
		e->offset = (uint32_t)off;
		size_t clen = deflate_all(data, len, &packed);
		if (clen == (size_t)-1) {
			diag_error(d, NULL, 0, 0, "bundle: zlib failed to compress %s", files[i]);
			goto fail;
		}
		const unsigned char *body = packed;
		e->method = 8;
		if (clen >= len) { /* already compressed (images, fonts): store */
			body = data;
			clen = len;
			e->method = 0;
		}
		e->csize = (uint32_t)clen;

		buf_reset(&hdr);
		put32(&hdr, 0x04034b50);
		put_common(&hdr, e, namelen);
		put16(&hdr, 0); /* no extra field: no timestamps beyond the DOS one */
		buf_put(&hdr, e->name, namelen);
		off += hdr.len + clen;
		if (off > ZIP_MAX_OFFSET) {
			diag_error(d, NULL, 0, 0, "bundle: %s would exceed 4 GiB, too large for a ZIP without ZIP64", zip_path);
			goto fail;
		}
		if (write_all(f, hdr.ptr, hdr.len) < 0 || write_all(f, body, clen) < 0) {
			diag_fault(d, NULL, 0, 0, "bundle: cannot write %s: %s", tmp, strerror(errno));
			goto fail;
		}
		free(data);
		free(packed);
		data = packed = NULL;
	}

	for (size_t i = 0; i < nentries; i++) {
		const struct entry *e = &entries[i];
		size_t namelen = strlen(e->name);
		put32(&cd, 0x02014b50);
		put16(&cd, ZIP_MADE_BY);
		put_common(&cd, e, namelen);
		put16(&cd, 0); /* extra field length */
		put16(&cd, 0); /* comment length */
		put16(&cd, 0); /* disk number */
		put16(&cd, 0); /* internal attributes */
		put32(&cd, ZIP_FILE_ATTR);
		put32(&cd, e->offset);
		buf_put(&cd, e->name, namelen);
	}
	if (off + cd.len + 22 > ZIP_MAX_OFFSET) {
		diag_error(d, NULL, 0, 0, "bundle: %s would exceed 4 GiB, too large for a ZIP without ZIP64", zip_path);
		goto fail;
	}
	uint32_t cd_size = (uint32_t)cd.len;
	put32(&cd, 0x06054b50); /* end of central directory */
	put16(&cd, 0);
	put16(&cd, 0);
	put16(&cd, (unsigned)nentries);
	put16(&cd, (unsigned)nentries);
	put32(&cd, cd_size);
	put32(&cd, (uint32_t)off);
	put16(&cd, 0); /* comment length */
	if (write_all(f, cd.ptr, cd.len) < 0 || fflush(f) != 0 || fsync(fileno(f)) < 0) {
		diag_fault(d, NULL, 0, 0, "bundle: cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	int closed = fclose(f);
	f = NULL;
	if (closed != 0) {
		diag_fault(d, NULL, 0, 0, "bundle: cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	*tmp_out = tmp;
	tmp = NULL;
	rc = 0;
fail:
	if (f) {
		fclose(f);
	}
	if (rc < 0 && tmp)
		unlink(tmp);
	free(data);
	free(packed);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(entries);
	buf_free(&hdr);
	buf_free(&cd);
	free(tmp);
	return rc;
}

int bundle_place(const char *tmp, const char *zip_path, struct diag *d)
{
	if (rename(tmp, zip_path) == 0)
		return 0;
	diag_fault(d, NULL, 0, 0, "bundle: cannot rename %s to %s: %s", tmp, zip_path, strerror(errno));
	unlink(tmp);
	return -1;
}

int bundle_write_zip(const char *dir, const char *zip_path, struct diag *d)
{
	char *tmp;
	if (bundle_pack(dir, zip_path, &tmp, d) < 0)
		return -1;
	int rc = bundle_place(tmp, zip_path, d);
	free(tmp);
	return rc;
}
