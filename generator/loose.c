/* loose: checks git's loose objects before libgit2 reads them.
 *
 * libgit2 1.5 (Debian 12's) loops for ever inflating a truncated loose
 * object (libgit2 #7342), and overruns its buffer on one whose header
 * declares fewer bytes than it holds (#7177); a build met either as a
 * hang that Ctrl-C did not stop, or a crash.  Loose objects are what an
 * editor's own commits make until git packs them, so each is inflated
 * here once, with zlib, to its end: its header must name a type and the
 * exact size that follows.  Objects are named by their content, so one
 * found whole stays whole unless its file is damaged later, which cuts it
 * short: their ids and file sizes are kept in <gitdir>/quire/, and a
 * build inflates only the loose objects made (or resized) since the
 * last. */
#include "loose.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "fsutil.h"

#define ID_LEN 40
#define REC_LEN (ID_LEN + 16) /* the id, then the file's size in hex */
#define LIST_NAME "quire/loose-checked-v2"

/* Whether the loose object file at path inflates to "TYPE SIZE\0" and
 * exactly SIZE bytes more, and ends there. */
static int object_whole(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT; /* packed meanwhile: not ours to judge */
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		close(fd);
		return 1; /* no memory: leave it to libgit2 */
	}
	unsigned char in[16384], out[65536];
	char head[64];
	size_t headlen = 0, body = 0, declared = 0;
	int have_head = 0, rc = Z_OK, whole = 0;
	for (;;) {
		ssize_t n = read(fd, in, sizeof in);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the file ended before the stream did */
		z.next_in = in;
		z.avail_in = (uInt)n;
		while (z.avail_in && rc == Z_OK) {
			z.next_out = out;
			z.avail_out = sizeof out;
			rc = inflate(&z, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END)
				goto done;
			size_t got = sizeof out - z.avail_out, k = 0;
			while (!have_head && k < got) {
				char c = (char)out[k++];
				if (headlen + 1 >= sizeof head)
					goto done;
				head[headlen++] = c;
				if (c == '\0')
					have_head = 1;
			}
			body += got - k;
		}
		if (rc == Z_STREAM_END) {
			/* nothing may follow the stream */
			whole = z.avail_in == 0 && read(fd, in, 1) == 0;
			break;
		}
	}
	if (whole && have_head) {
		const char *sp = memchr(head, ' ', headlen);
		static const char *const types[] = { "blob", "tree", "commit", "tag" };
		int typed = 0;
		for (size_t t = 0; sp && t < 4; t++)
			typed |= (size_t)(sp - head) == strlen(types[t]) && !memcmp(head, types[t], (size_t)(sp - head));
		char *endp = NULL;
		declared = sp ? strtoull(sp + 1, &endp, 10) : 0;
		whole = typed && endp && *endp == '\0' && endp > sp + 1 && declared == body;
	} else {
		whole = 0;
	}
done:
	inflateEnd(&z);
	close(fd);
	return whole;
}

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, ID_LEN);
}

/* Every loose object, as records of its id and file size, sorted. */
static void list_loose(const char *objects, struct buf *ids)
{
	char *dir = xasprintf("%s/00", objects);
	size_t at = strlen(dir) - 2;
	for (int d = 0; d < 256; d++) {
		static const char hex[] = "0123456789abcdef";
		dir[at] = hex[d >> 4];
		dir[at + 1] = hex[d & 15];
		DIR *dh = opendir(dir);
		if (!dh)
			continue;
		struct dirent *e;
		struct stat st;
		while ((e = readdir(dh))) {
			if (strlen(e->d_name) != ID_LEN - 2 || strspn(e->d_name, hex) != ID_LEN - 2 ||
			    fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
				continue;
			buf_put(ids, dir + at, 2);
			buf_put(ids, e->d_name, ID_LEN - 2);
			char size[17];
			for (int k = 15; k >= 0; k--)
				size[15 - k] = hex[((uint64_t)st.st_size >> (4 * k)) & 15];
			buf_put(ids, size, 16);
		}
		closedir(dh);
	}
	free(dir);
	if (ids->len)
		qsort(ids->ptr, ids->len / REC_LEN, REC_LEN, cmp_id);
}

/* Whether the list of n records holds rec, size and all. */
static int in_sorted(const char *list, size_t n, const char *rec)
{
	const char *at = list ? bsearch(rec, list, n, REC_LEN, cmp_id) : NULL;
	return at && !memcmp(at, rec, REC_LEN);
}

int loose_check(const char *gitdir, const char *objects, int save, char **bad)
{
	struct buf ids = BUF_INIT, good = BUF_INIT;
	char *known = NULL, *listfile = xasprintf("%s/" LIST_NAME, gitdir);
	size_t known_len = 0, nknown = 0;
	int rc = 0, added = 0;
	*bad = NULL;
	list_loose(objects, &ids);
	if (ids.len && fs_read_file(listfile, &known, &known_len) == 0 && known_len % REC_LEN == 0)
		nknown = known_len / REC_LEN;
	for (size_t i = 0; i < ids.len; i += REC_LEN) {
		const char *id = ids.ptr + i;
		if (!in_sorted(known, nknown, id)) {
			char *path = xasprintf("%s/%.2s/%.*s", objects, id, ID_LEN - 2, id + 2);
			int whole = object_whole(path);
			if (!whole) {
				*bad = path;
				rc = -1;
				break;
			}
			free(path);
			added = 1;
		}
		buf_put(&good, id, REC_LEN);
	}
	/* what is loose now and was found whole, for the next build (objects
	 * packed since drop out of the list) */
	if (rc == 0 && save && (added || good.len != known_len)) {
		char *dir = xasprintf("%s/quire", gitdir), *tmp = xasprintf("%s.%ld.tmp", listfile, (long)getpid());
		mkdir(dir, 0777);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd >= 0) {
			int ok = write(fd, good.ptr ? good.ptr : "", good.len) == (ssize_t)good.len;
			ok = close(fd) == 0 && ok;
			if (!ok || rename(tmp, listfile) != 0)
				unlink(tmp);
		}
		free(tmp);
		free(dir);
	}
	free(known);
	free(listfile);
	buf_free(&ids);
	buf_free(&good);
	return rc;
}
