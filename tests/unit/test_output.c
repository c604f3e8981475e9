/* Tests for output fingerprints (output_reuse and the manifest): a file
 * made from the same fingerprint is linked from the previous build, but
 * only while it is still the very file recorded; a damaged manifest only
 * means files are written again. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "fsutil.h"
#include "output.h"
#include "unit.h"

static char *root, *site, *out;
/* What the last build left: the base image (the newest output_commit
 * gave) and the delta, as build.c stores them. */
static struct buf manifest = BUF_INIT, delta = BUF_INIT;

static const uint64_t FP_A[2] = { 1, 2 }, FP_B[2] = { 3, 4 };

static void fresh(void)
{
	if (root) {
		fs_rm_rf(root);
		free(root);
		free(site);
		free(out);
	}
	root = xstrdup("/tmp/quire-test-output-XXXXXX");
	if (!mkdtemp(root))
		abort();
	site = xasprintf("%s/site", root);
	out = xasprintf("%s/public", root);
	char *content = xasprintf("%s/content", site);
	fs_mkdir_p(content);
	free(content);
	buf_reset(&manifest);
	buf_reset(&delta);
}

/* A manifest is binary: copied by length, NULs and all. */
static char *copy_of(const char *p, size_t n)
{
	char *c = xmalloc(n + 1);
	memcpy(c, p, n);
	c[n] = '\0';
	return c;
}

/* Starts a build into out with the manifest of the last one. */
static int begin(struct output *o, struct diag *d)
{
	if (output_begin(o, site, out, 0, 2, NULL, d) < 0)
		return -1;
	if (manifest.len)
		output_load_manifest(o, copy_of(manifest.ptr, manifest.len), manifest.len, 1,
				     copy_of(delta.ptr, delta.len), delta.len);
	return 0;
}

/* A new base gets an id (here: a count) written into its delta. */
static uint64_t bases;

static void commit(struct output *o, struct diag *d)
{
	struct output_manifest m = { BUF_INIT, BUF_INIT };
	output_commit(o, &m, NULL, d);
	if (m.base.len) {
		uint64_t id[2] = { ++bases, 0 };
		output_name_base(&m, id);
		buf_reset(&manifest);
		buf_put(&manifest, m.base.ptr, m.base.len);
	}
	buf_reset(&delta);
	buf_put(&delta, m.delta.ptr, m.delta.len);
	buf_free(&m.base);
	buf_free(&m.delta);
}

static ino_t inode_of(const char *rel)
{
	char *p = xasprintf("%s/%s", out, rel);
	struct stat st;
	ino_t ino = lstat(p, &st) == 0 ? st.st_ino : 0;
	free(p);
	return ino;
}

static char *read_out(const char *rel)
{
	char *p = xasprintf("%s/%s", out, rel), *data = NULL;
	size_t len;
	if (fs_read_file(p, &data, &len) < 0)
		data = NULL;
	free(p);
	return data;
}

/* Whether a build after the last one would link rel for fp (the build is
 * then abandoned, leaving the output as it was). */
static int linked_next_time(const char *rel, const uint64_t fp[2])
{
	struct diag *d = diag_new();
	struct output o;
	int linked = begin(&o, d) == 0 && output_reuse(&o, rel, fp) == 1;
	output_abort(&o);
	diag_free(d);
	return linked;
}

/* A first build writes a/page.html made from FP_A. */
static void first_build(struct diag *d)
{
	struct output o;
	if (begin(&o, d) < 0)
		return;
	output_write_fp(&o, "a/page.html", "<p>one</p>", 10, FP_A, d);
	commit(&o, d);
}

/* An asset that goes away between the folder's reading and its copy (an
 * editor's temporary file) is skipped with a warning: the build goes on,
 * and the next one sees the folder as it is. */
static void an_asset_gone_before_its_copy_is_a_warning(void)
{
	fresh();
	struct diag *d = diag_new();
	struct output o;
	CHECK(begin(&o, d) == 0);
	char *gone = xasprintf("%s/content/sedAb12Cd", site);
	CHECK(output_copy(&o, "sedAb12Cd", gone, d) == 0);
	CHECK(diag_errors(d) == 0 && diag_warnings(d) == 1);
	commit(&o, d);
	CHECK(inode_of("sedAb12Cd") == 0);
	struct buf text = BUF_INIT;
	diag_format(d, &text);
	CHECK(strstr(buf_cstr(&text), "content/sedAb12Cd' went away while the site was being built") != NULL);
	buf_free(&text);
	free(gone);
	diag_free(d);
}

static void a_file_with_the_same_fingerprint_is_the_previous_builds_file(void)
{
	struct diag *d = diag_new();
	fresh();
	first_build(d);
	ino_t before = inode_of("a/page.html");
	struct output o;
	CHECK(begin(&o, d) == 0);
	CHECK(output_reuse(&o, "a/page.html", FP_A) == 1);
	commit(&o, d);
	CHECK(before != 0 && inode_of("a/page.html") == before);
	char *data = read_out("a/page.html");
	CHECK_STR(data, "<p>one</p>");
	free(data);
	/* and it is recorded again, so the next build can link it too */
	CHECK(begin(&o, d) == 0);
	CHECK(output_reuse(&o, "a/page.html", FP_A) == 1);
	commit(&o, d);
	CHECK(diag_errors(d) == 0);
	diag_free(d);
}

static void another_fingerprint_or_path_is_not_linked(void)
{
	struct diag *d = diag_new();
	fresh();
	first_build(d);
	CHECK(!linked_next_time("a/page.html", FP_B));
	CHECK(!linked_next_time("a/other.html", FP_A));
	CHECK(!linked_next_time("../escape.html", FP_A));
	CHECK(linked_next_time("a/page.html", FP_A));
	diag_free(d);
}

static void a_file_edited_by_hand_is_not_linked(void)
{
	struct diag *d = diag_new();
	fresh();
	first_build(d);
	/* same size, new bytes, written in place: only the time changes */
	char *p = xasprintf("%s/a/page.html", out);
	int fd = open(p, O_WRONLY);
	CHECK(fd >= 0);
	struct timespec later[2] = { { 0, UTIME_OMIT }, { 2000000000, 0 } };
	CHECK(fd >= 0 && pwrite(fd, "X", 1, 1) == 1 && futimens(fd, later) == 0);
	if (fd >= 0)
		close(fd);
	free(p);
	CHECK(!linked_next_time("a/page.html", FP_A));
	diag_free(d);
}

static void a_file_replaced_by_a_symlink_is_not_linked(void)
{
	struct diag *d = diag_new();
	fresh();
	first_build(d);
	char *p = xasprintf("%s/a/page.html", out);
	unlink(p);
	CHECK(symlink("/etc/passwd", p) == 0);
	free(p);
	CHECK(!linked_next_time("a/page.html", FP_A));
	diag_free(d);
}

static void a_damaged_manifest_only_means_writing_again(void)
{
	struct diag *d = diag_new();
	fresh();
	first_build(d);
	const char *bad[] = {
		"", "\n\n\n", "zz", "0000000000000001000000000000000 1 2 3 4 a/page.html\n",
		"00000000000000010000000000000002 x y z w a/page.html\n",
		"00000000000000010000000000000002 1 2 3 4 \n",
		"00000000000000010000000000000002 1 2 3 4 a/page.html", /* no newline */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct output o;
		CHECK(output_begin(&o, site, out, 0, 2, NULL, d) == 0);
		output_set_manifest(&o, xstrdup(bad[i]), strlen(bad[i]));
		CHECK(output_reuse(&o, "a/page.html", FP_A) == 0);
		output_abort(&o);
	}
	/* A real manifest cut short anywhere, or with any byte changed: no
	 * crash, and a file is linked only when its record is whole (then the
	 * link is the very file recorded). */
	struct buf real = BUF_INIT;
	buf_put(&real, manifest.ptr, manifest.len);
	char *want = read_out("a/page.html");
	for (size_t cut = 0; cut <= real.len + real.len; cut++) {
		size_t n = cut <= real.len ? cut : real.len;
		char *img = copy_of(real.ptr, n);
		if (cut > real.len)
			img[cut - real.len - 1] ^= 0x41;
		struct output o;
		CHECK(output_begin(&o, site, out, 0, 2, NULL, d) == 0);
		output_set_manifest(&o, img, n);
		if (output_reuse(&o, "a/page.html", FP_A)) {
			char *p = xasprintf("%s/a/page.html", output_staging(&o)), *got = NULL;
			size_t len;
			CHECK(fs_read_file(p, &got, &len) == 0 && want && !strcmp(got, want));
			free(got);
			free(p);
		}
		output_abort(&o);
	}
	free(want);
	buf_free(&real);
	/* random bytes: no crash, nothing linked */
	srand(7);
	for (int round = 0; round < 50; round++) {
		size_t n = (size_t)(rand() % 300);
		char *junk = xmalloc(n + 1);
		for (size_t i = 0; i < n; i++)
			junk[i] = (char)(rand() % 3 == 0 ? '\n' : rand() % 3 == 0 ? ' ' : "0123456789abcdef/."[rand() % 18]);
		junk[n] = 0;
		struct output o;
		CHECK(output_begin(&o, site, out, 0, 2, NULL, d) == 0);
		output_set_manifest(&o, junk, n);
		CHECK(output_reuse(&o, "a/page.html", FP_A) == 0);
		output_abort(&o);
	}
	diag_free(d);
}

/* A rebuild that keeps most files leaves a delta to the base it read, not
 * a new base; the next build links both what the base recorded and what
 * the delta added, and a delta that is not its base's links nothing. */
static void a_rebuild_leaves_a_delta_the_next_one_reads(void)
{
	struct diag *d = diag_new();
	fresh();
	struct output o;
	CHECK(begin(&o, d) == 0);
	for (int i = 0; i < 100; i++) {
		char *rel = xasprintf("f/%02d.html", i);
		output_write_fp(&o, rel, "<p>one</p>", 10, FP_A, d);
		free(rel);
	}
	commit(&o, d);
	uint64_t first = bases;
	CHECK(begin(&o, d) == 0);
	CHECK(output_reuse(&o, "f/00.html", FP_B) == 0);
	output_write_fp(&o, "f/00.html", "<p>two</p>", 10, FP_B, d);
	for (int i = 1; i < 100; i++) {
		char *rel = xasprintf("f/%02d.html", i);
		CHECK(output_reuse(&o, rel, FP_A) == 1);
		free(rel);
	}
	commit(&o, d);
	CHECK(bases == first); /* no new base */
	CHECK(linked_next_time("f/00.html", FP_B));
	CHECK(linked_next_time("f/01.html", FP_A));
	CHECK(linked_next_time("f/99.html", FP_A));
	CHECK(!linked_next_time("f/00.html", FP_A));
	/* one record fewer in the base than the delta says */
	uint64_t n;
	memcpy(&n, delta.ptr + 20, sizeof n);
	n--;
	memcpy(delta.ptr + 20, &n, sizeof n);
	CHECK(!linked_next_time("f/01.html", FP_A));
	CHECK(!linked_next_time("f/00.html", FP_B));
	CHECK(diag_errors(d) == 0);
	diag_free(d);
}

/* The manifest is kept under OUT's resolved name, so that name must be
 * the same before OUT is first made as after. */
static void an_output_folder_resolves_alike_before_and_after_it_exists(void)
{
	fresh();
	char *abs = xasprintf("%s/public", site), *rel = NULL;
	char *before = fs_resolve(abs), *slash = fs_resolve(site), *trail = xasprintf("%s/public//", site);
	char *before_trail = fs_resolve(trail);
	CHECK(before != NULL);
	CHECK(fs_mkdir_p(abs) == 0);
	char *after = fs_resolve(abs), *after_trail = fs_resolve(trail);
	CHECK_STR(before, after);
	CHECK_STR(before_trail, after);
	CHECK_STR(after_trail, after);
	CHECK(slash && !strcmp(slash + strlen(slash) - 4, "site")); /* no stray slash */
	char cwd[4096];
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	if (chdir(site) == 0) {
		rel = fs_resolve("new-folder");
		char *want = xasprintf("%s/new-folder", slash);
		CHECK_STR(rel, want);
		free(want);
		CHECK(chdir(cwd) == 0);
	}
	CHECK(fs_resolve("/no/such/folder/here") == NULL);
	free(abs), free(rel), free(before), free(slash), free(trail), free(before_trail), free(after), free(after_trail);
}

/* Out of file descriptors (or disk): every file would fail alike, so one
 * fault names OUT and the writing ends; the old OUT stays, and no staging
 * folder is left. */
static void running_out_of_descriptors_is_one_fault_and_ends_the_writing(void)
{
	fresh();
	struct diag *d = diag_new();
	first_build(d);
	struct output o;
	CHECK(begin(&o, d) == 0);
	CHECK(output_write(&o, "before.html", "x", 1, d) == 0);
	struct rlimit was, low;
	CHECK(getrlimit(RLIMIT_NOFILE, &was) == 0);
	low = was;
	low.rlim_cur = 64;
	CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
	int fds[64], n = 0;
	while (n < 64 && (fds[n] = dup(0)) >= 0)
		n++;
	CHECK(n < 64 && errno == EMFILE);
	for (int i = 0; i < 20; i++) {
		char *rel = xasprintf("p/%02d.html", i);
		CHECK(output_write_fp(&o, rel, "<p>two</p>", 10, FP_B, d) == -1);
		free(rel);
	}
	CHECK(output_copy(&o, "copied.txt", "/etc/hostname", d) == -1);
	while (n > 0)
		close(fds[--n]);
	setrlimit(RLIMIT_NOFILE, &was);
	/* descriptors again, but the build has failed: nothing more */
	CHECK(output_write(&o, "after.html", "x", 1, d) == -1);
	CHECK(output_reuse(&o, "a/page.html", FP_B) == 1); /* (nothing to make) */
	CHECK(diag_errors(d) == 1 && diag_faults(d) == 1);
	struct buf msg = BUF_INIT;
	diag_format(d, &msg);
	char *want = xasprintf("cannot write the site into '%s' (stopped at 'p/00.html'): %s", out, strerror(EMFILE));
	CHECK(msg.ptr && strstr(msg.ptr, want));
	free(want);
	buf_free(&msg);
	output_abort(&o);
	char *page = read_out("a/page.html");
	CHECK_STR(page, "<p>one</p>");
	free(page);
	char *cmd = xasprintf("ls -a '%s' | grep -q staging", root);
	CHECK(system(cmd) != 0);
	free(cmd);
	diag_free(d);
}

/* A build waiting for another's lock stops waiting when asked to stop. */
static void a_wait_for_the_lock_ends_when_the_build_is_stopped(void)
{
	fresh();
	struct diag *d = diag_new();
	struct output held, o;
	CHECK(output_begin(&held, site, out, 0, 2, NULL, d) == 0);
	volatile sig_atomic_t stop = 1;
	CHECK(output_begin(&o, site, out, 0, 2, &stop, d) == -2);
	struct buf msg = BUF_INIT;
	diag_format(d, &msg);
	CHECK(msg.ptr && strstr(msg.ptr, "build interrupted"));
	buf_free(&msg);
	output_abort(&held);
	stop = 0;
	diag_clear(d);
	CHECK(output_begin(&o, site, out, 0, 2, &stop, d) == 0);
	output_abort(&o);
	CHECK(diag_errors(d) == 0);
	diag_free(d);
}

/* "" is no folder: it resolved to the working folder with a slash after
 * it, which passed for a folder beside the site. */
static void an_empty_path_resolves_to_nothing(void)
{
	CHECK(fs_resolve("") == NULL);
	char *root_dir = fs_resolve("/");
	CHECK_STR(root_dir, "/");
	free(root_dir);
}

int main(void)
{
	RUN(a_file_with_the_same_fingerprint_is_the_previous_builds_file);
	RUN(an_asset_gone_before_its_copy_is_a_warning);
	RUN(another_fingerprint_or_path_is_not_linked);
	RUN(a_file_edited_by_hand_is_not_linked);
	RUN(a_file_replaced_by_a_symlink_is_not_linked);
	RUN(a_damaged_manifest_only_means_writing_again);
	RUN(a_rebuild_leaves_a_delta_the_next_one_reads);
	RUN(an_output_folder_resolves_alike_before_and_after_it_exists);
	RUN(running_out_of_descriptors_is_one_fault_and_ends_the_writing);
	RUN(a_wait_for_the_lock_ends_when_the_build_is_stopped);
	RUN(an_empty_path_resolves_to_nothing);
	fs_rm_rf(root);
	free(root);
	free(site);
	free(out);
	buf_free(&manifest);
	buf_free(&delta);
	UNIT_END();
}
