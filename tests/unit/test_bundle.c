/* Tests for bundle_write_zip (`quire build --bundle FILE.zip`): the zip is
 * one Info-ZIP's unzip accepts, holds every file of the site byte for byte
 * and nothing else, is the same bytes on every build, and a failure never
 * leaves a partial or clobbered zip. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "bundle.h"
#include "diag.h"
#include "fsutil.h"
#include "unit.h"

static char *root; /* a fresh scratch folder per test, holding site/ */
static char *site;

static void fresh(void)
{
	if (root) {
		fs_rm_rf(root);
		free(root);
		free(site);
	}
	root = xstrdup("/tmp/quire-test-bundle-XXXXXX");
	if (!mkdtemp(root))
		abort();
	site = xasprintf("%s/site", root);
	fs_mkdir_p(site);
}

static char *at(const char *rel) /* caller frees */
{
	return xasprintf("%s/%s", root, rel);
}

static void put(const char *rel, const char *data, size_t len)
{
	char *p = at(rel);
	if (fs_write_file(p, data, len) < 0)
		abort();
	free(p);
}

/* Runs a shell command, returning its exit status and its stdout in *out
 * (caller frees; may be NULL). */
static int sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh(char **out, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT, text = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd.ptr, "r");
	char chunk[4096];
	size_t n;
	while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_put(&text, chunk, n);
	int st = p ? pclose(p) : -1;
	buf_free(&cmd);
	if (out)
		*out = buf_detach(&text);
	else
		buf_free(&text);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The whole file, or NULL; *len its size. Caller frees. */
static char *slurp(const char *rel, size_t *len)
{
	char *p = at(rel), *data = NULL;
	FILE *f = fopen(p, "rb");
	free(p);
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	data = buf_detach(&b);
	return data;
}

/* Zips site/ into rel under root; returns bundle_write_zip's result and
 * the number of errors it reported in *errors. */
static int zip(const char *rel, int *errors)
{
	struct diag *d = diag_new();
	char *zp = at(rel);
	int rc = bundle_write_zip(site, zp, d);
	*errors = diag_errors(d);
	free(zp);
	diag_free(d);
	return rc;
}

/* A small site: nested pages, an empty file, bytes 0..255 (so text-mode
 * mangling would show), a large compressible page and a UTF-8 name. */
static unsigned char binary[256];
static struct buf big = BUF_INIT;
static void small_tree(void)
{
	put("site/index.html", "<h1>Home</h1>\n", 14);
	put("site/a/b/deep.html", "<p>deep</p>", 11);
	put("site/assets/style.css", "body{}", 6);
	put("site/empty.txt", "", 0);
	for (int i = 0; i < 256; i++)
		binary[i] = (unsigned char)i;
	put("site/assets/logo.bin", (const char *)binary, sizeof binary);
	buf_reset(&big);
	for (int i = 0; i < 5000; i++)
		buf_printf(&big, "<p>Paragraph %d of the handbook about grievances.</p>\n", i % 50);
	put("site/big.html", big.ptr, big.len);
	put("site/r\xc3\xa9sum\xc3\xa9.html", "caf\xc3\xa9", 5);
}

static void zip_passes_unzip_test_and_lists_every_file_sorted(void)
{
	fresh();
	small_tree();
	int errors;
	CHECK(zip("site.zip", &errors) == 0);
	CHECK(errors == 0);
	CHECK(sh(NULL, "unzip -tq %s/site.zip >/dev/null 2>&1", root) == 0);
	char *list = NULL;
	CHECK(sh(&list, "unzip -Z1 %s/site.zip", root) == 0);
	CHECK_STR(list, "a/b/deep.html\nassets/logo.bin\nassets/style.css\nbig.html\n"
		  "empty.txt\nindex.html\nr\xc3\xa9sum\xc3\xa9.html\n");
	free(list);
	/* nor the temporary file it was written to (".site.zip.tmp-PID-N") */
	CHECK(sh(NULL, "ls -a %s | grep -q 'site[.]zip[.]tmp'", root) != 0);
}

static void unzipped_files_match_the_originals_byte_for_byte(void)
{
	fresh();
	small_tree();
	int errors;
	CHECK(zip("site.zip", &errors) == 0);
	CHECK(sh(NULL, "unzip -q %s/site.zip -d %s/out", root, root) == 0);
	size_t len;
	char *s = slurp("out/assets/logo.bin", &len);
	CHECK(s && len == 256 && memcmp(s, binary, 256) == 0);
	free(s);
	s = slurp("out/big.html", &len);
	CHECK(s && len == big.len && memcmp(s, big.ptr, len) == 0);
	free(s);
	s = slurp("out/a/b/deep.html", &len);
	CHECK(s && len == 11 && memcmp(s, "<p>deep</p>", 11) == 0);
	free(s);
	s = slurp("out/empty.txt", &len);
	CHECK(s && len == 0);
	free(s);
	s = slurp("out/r\xc3\xa9sum\xc3\xa9.html", &len);
	CHECK(s && len == 5);
	free(s);
	/* Files come out readable by everyone, not with odd modes. */
	char *p = at("out/index.html");
	struct stat st;
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644);
	free(p);
}

static void compressible_pages_make_a_smaller_zip(void)
{
	fresh();
	small_tree();
	int errors;
	CHECK(zip("site.zip", &errors) == 0);
	char *zp = at("site.zip");
	struct stat st;
	CHECK(stat(zp, &st) == 0 && (size_t)st.st_size < big.len / 10);
	free(zp);
	char *v = NULL; /* unzip -v names the method of each entry */
	CHECK(sh(&v, "unzip -v %s/site.zip", root) == 0);
	CHECK(v && strstr(v, "Defl:"));
	free(v);
}

static void two_builds_of_the_same_site_give_identical_bytes(void)
{
	fresh();
	small_tree();
	int errors;
	CHECK(zip("one.zip", &errors) == 0);
	/* A rebuild rewrites every file with a new time stamp. */
	fs_rm_rf(site);
	small_tree();
	struct utimbuf later = { time(NULL) + 3600, time(NULL) + 3600 };
	char *p = at("site/index.html");
	utime(p, &later);
	free(p);
	CHECK(zip("two.zip", &errors) == 0);
	size_t l1 = 0, l2 = 0;
	char *a = slurp("one.zip", &l1), *b = slurp("two.zip", &l2);
	CHECK(a && b && l1 == l2 && memcmp(a, b, l1) == 0);
	free(a);
	free(b);
}

static void dot_files_and_symlinks_are_left_out(void)
{
	fresh();
	put("site/index.html", "x", 1);
	put("site/.git/HEAD", "ref", 3);
	put("site/.hidden", "h", 1);
	put("secret.txt", "secret", 6);
	char *target = at("secret.txt"), *link = at("site/leak.txt");
	char *dtarget = xstrdup(root), *dlink = at("site/up");
	CHECK(symlink(target, link) == 0);
	CHECK(symlink(dtarget, dlink) == 0);
	free(target);
	free(link);
	free(dtarget);
	free(dlink);
	int errors;
	CHECK(zip("site.zip", &errors) == 0);
	char *list = NULL;
	CHECK(sh(&list, "unzip -Z1 %s/site.zip", root) == 0);
	CHECK_STR(list, "index.html\n");
	free(list);
}

static void a_previous_zip_inside_the_site_is_not_packed_into_itself(void)
{
	fresh();
	put("site/index.html", "x", 1);
	int errors;
	CHECK(zip("site/site.zip", &errors) == 0);
	CHECK(zip("site/site.zip", &errors) == 0);
	char *list = NULL;
	CHECK(sh(&list, "unzip -Z1 %s/site/site.zip", root) == 0);
	CHECK_STR(list, "index.html\n");
	free(list);
}

static void a_missing_folder_is_an_error_and_writes_nothing(void)
{
	fresh();
	fs_rm_rf(site);
	int errors;
	CHECK(zip("site.zip", &errors) == -1);
	CHECK(errors == 1);
	char *zp = at("site.zip");
	CHECK(!fs_exists(zp));
	free(zp);
}

/* A file of 4 GiB (sparse, so it costs no disk) cannot go in a ZIP
 * without ZIP64: the build says so, and the last good zip stays. */
static void a_file_over_4_gib_is_refused_and_the_old_zip_stays(void)
{
	fresh();
	put("site/index.html", "x", 1);
	int errors;
	CHECK(zip("site.zip", &errors) == 0);
	size_t before_len = 0, after_len = 0;
	char *before = slurp("site.zip", &before_len);
	char *huge = at("site/huge.iso");
	FILE *f = fopen(huge, "wb");
	CHECK(f && ftruncate(fileno(f), (off_t)1 << 32) == 0);
	if (f)
		fclose(f);
	free(huge);
	CHECK(zip("site.zip", &errors) == -1);
	CHECK(errors == 1);
	char *after = slurp("site.zip", &after_len);
	CHECK(before && after && before_len == after_len && memcmp(before, after, after_len) == 0);
	free(before);
	free(after);
	/* nor the temporary file it was written to (".site.zip.tmp-PID-N") */
	CHECK(sh(NULL, "ls -a %s | grep -q 'site[.]zip[.]tmp'", root) != 0);
}

static void more_than_65535_files_are_refused(void)
{
	fresh();
	put("site/many/a", "", 0);
	put("site/many/b", "", 0);
	/* Hard links are much cheaper to make than files (two sources: a
	 * file takes at most 65000 links). */
	char *a = at("site/many/a"), *b = at("site/many/b");
	int made = 2;
	for (int i = 0; i < 65534; i++) {
		char *p = xasprintf("%s/site/many/%d", root, i);
		made += link(i % 2 ? a : b, p) == 0;
		free(p);
	}
	CHECK(made == 65536);
	free(a);
	free(b);
	int errors;
	CHECK(zip("site.zip", &errors) == -1);
	CHECK(errors == 1);
	char *zp = at("site.zip");
	CHECK(!fs_exists(zp));
	free(zp);
}

int main(void)
{
	RUN(zip_passes_unzip_test_and_lists_every_file_sorted);
	RUN(unzipped_files_match_the_originals_byte_for_byte);
	RUN(compressible_pages_make_a_smaller_zip);
	RUN(two_builds_of_the_same_site_give_identical_bytes);
	RUN(dot_files_and_symlinks_are_left_out);
	RUN(a_previous_zip_inside_the_site_is_not_packed_into_itself);
	RUN(a_missing_folder_is_an_error_and_writes_nothing);
	RUN(a_file_over_4_gib_is_refused_and_the_old_zip_stays);
	RUN(more_than_65535_files_are_refused);
	if (root) {
		fs_rm_rf(root);
		free(root);
		free(site);
	}
	buf_free(&big);
	UNIT_END();
}
