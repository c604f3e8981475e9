/* history: one pass over the git history of the repository holding the
 * site, crediting each commit to the articles it changed (rules in
 * history.h), plus the working tree's state.  Hands on per-file revision
 * lists, moves for redirect pages, and past blobs on demand.
 *
 * Speed: trees are compared entry by entry (sorted merge-join, descending
 * only into subtrees whose ids differ, only under content/), one folder
 * depth at a time with each folder's versions read in a row, newest first,
 * so each version is read once while its delta base is still in libgit2's
 * cache (see plan_diff); the commit graph is ordered by hand, which also
 * lets a shallow clone's missing parents end the walk instead of failing. */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <jansson.h>

#include "buf.h"
#include "fsutil.h"
#include "loose.h"
#include "status.h"
#include "arena.h"
#include "cache.h"
#include "par.h"

/* ---- string map: borrowed keys (the caller keeps them alive) → size_t ---- */

struct smap_slot {
	const char *key;
	size_t val;
	uint64_t hash;
};

struct smap {
	struct smap_slot *slots;
	size_t cap, len;
};

static struct smap_slot *smap_find(const struct smap *m, const char *key, uint64_t hash)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct smap_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->hash == hash && strcmp(s->key, key) == 0)
			return s;
	}
}

static void smap_insert_slot(struct smap *m, const char *key, size_t val, uint64_t hash)
{
	size_t i = hash & (m->cap - 1);
	while (m->slots[i].key)
		i = (i + 1) & (m->cap - 1);
	m->slots[i].key = key;
	m->slots[i].val = val;
	m->slots[i].hash = hash;
	m->len++;
}

/* Makes an empty map room for n keys without growing (each growth
 * places every key again). */
static void smap_reserve(struct smap *m, size_t n)
{
	if (m->cap)
		return;
	m->cap = 64;
	while (m->cap * 3 < (n + 1) * 4)
		m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
}

/* Sets key → val; key must outlive the map (it is not copied). */
static struct smap_slot *smap_put(struct smap *m, const char *key, size_t val)
{
	uint64_t hash = str_hash(key, strlen(key));
	struct smap_slot *s = smap_find(m, key, hash);
	if (s) {
		s->val = val;
		return s;
	}
	if ((m->len + 1) * 4 > m->cap * 3) {
		struct smap old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->len = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				smap_insert_slot(m, old.slots[i].key, old.slots[i].val,
						 old.slots[i].hash);
		free(old.slots);
	}
	smap_insert_slot(m, key, val, hash);
	return smap_find(m, key, hash);
}

static struct smap_slot *smap_get(const struct smap *m, const char *key)
{
	return smap_find(m, key, str_hash(key, strlen(key)));
}

static void smap_free(struct smap *m, int free_keys)
{
	if (free_keys)
		for (size_t i = 0; i < m->cap; i++)
			free((char *)m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- object-id map: git_oid → pointer ---- */

struct omap_slot {
	git_oid key;
	void *val;
	int used;
};

struct omap {
	struct omap_slot *slots;
	size_t cap, len;
};

static size_t oid_hash(const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof(h));
	return h;
}

static struct omap_slot *omap_find(const struct omap *m, const git_oid *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = oid_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct omap_slot *s = &m->slots[i];
		if (!s->used)
			return NULL;
		if (git_oid_equal(&s->key, key))
			return s;
	}
}

static void omap_put(struct omap *m, const git_oid *key, void *val)
{
	struct omap_slot *s = omap_find(m, key);
	if (s) {
		s->val = val;
		return;
	}
	if ((m->len + 1) * 2 > m->cap) {
		struct omap old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->len = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].used)
				omap_put(m, &old.slots[i].key, old.slots[i].val);
		free(old.slots);
	}
	size_t i = oid_hash(key) & (m->cap - 1);
	while (m->slots[i].used)
		i = (i + 1) & (m->cap - 1);
	git_oid_cpy(&m->slots[i].key, key);
	m->slots[i].val = val;
	m->slots[i].used = 1;
	m->len++;
}

static void omap_clear(struct omap *m)
{
	if (m->cap)
		memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->len = 0;
}

static void omap_free(struct omap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- the history ---- */

#define BLOB_READERS 16

struct history {
	git_repository *repo;   /* NULL: the site is in no repository */
	/* hist_read_blob: a libgit2 repository handle serves one thread at a
	 * time, so readers share a small pool of handles opened on demand. */
	pthread_mutex_t lock;
	pthread_cond_t freed;
	git_repository *readers[BLOB_READERS];
	unsigned char busy[BLOB_READERS];
	size_t nreaders;
	char head[41];
	/* HEAD's committer date (hist_head_time), once read */
	int head_read, head_dated;
	long long head_time;
	int head_tz;
	git_oid key;            /* the cache key besides HEAD (cache_key) */
	int shallow;
	int from_cache;         /* the revisions came from the on-disk cache */
	char *prefix;           /* the site folder inside the work tree: "" or "docs/" */
	struct arena arena;     /* the many small strings that live as long as it */
	struct hist_file *files; /* sorted by path; revs malloc'd */
	size_t nfiles;
	struct smap byfinal;    /* newest path → index in files */
	struct smap live;       /* .md paths at HEAD (arena keys) */
	char (*bounds)[41];     /* a shallow clone's boundary commits, sorted */
	size_t nbounds;
	struct smap dirty;      /* paths with uncommitted changes (malloc'd keys) */
	/* renames staged but not committed: the new site path, then after its
	 * NUL the old one (one malloc'd key) */
	struct smap renamed;
	struct status_index index; /* git's index file when the state was read */
	struct status_memo *memo;  /* the last build's state, until settled */
	const char **move_from, **move_to;
	size_t nmoves;
};

/* One file's history while it is being built: the newest path it had. */
struct record {
	const char *path;
	struct hist_rev *revs;
	size_t n, cap;
	int truncated;
	int has_fp;     /* fp read from the cache (else finish makes it) */
	uint64_t fp[2];
};

/* A commit in the graph.  parents index into walk.parents. */
struct node {
	git_oid id, tree;
	long long ctime;
	uint32_t pfirst, np, pending;
	uint32_t order; /* its place in the walk, counted from the oldest */
	/* where the site's content/ is in this commit ("docs/kb/content"),
	 * when the site's folder was moved since; NULL: where it is now */
	const char *cpath;
	unsigned char cpath_set;
	unsigned char loaded, missing, boundary;
	/* 1 + the main-line merge that brought it onto HEAD's first-parent
	 * line; 0 on that line (see mark_branches) */
	uint32_t merged_by;
	unsigned char on_main;
};

/* One .md path a commit changed, relative to content/ (offset in names). */
struct change {
	size_t path;
	git_oid old, new;
	int has_old, has_new;
	int pair;      /* for an added path: index of the deleted path it was renamed from + 1 */
	int dropped;
	/* ext: path is the file's place in the repository, outside the site's
	 * content/ (a file that moved in; see follow_moved_in); cand: such a
	 * file's deletion, only a rename's possible source */
	unsigned char ext, cand;
};

/* Line fingerprint of a blob for rename similarity. */
struct fprint {
	uint64_t *lines; /* (hash << 20) | min(weight, 2^20-1), sorted */
	size_t n, size;
	uint64_t title;  /* hash of its front matter's title line, 0: none */
	int ok;
};

struct walk {
	struct history *h;
	int jobs;                /* threads the folder comparisons may use */
	git_repository *repo;
	git_odb *odb;
	git_mailmap *mailmap;
	json_t *merge_bases;     /* "a:b" -> their merge base (hex; "": none) */
	struct node *nodes;
	size_t nnodes, capnodes;
	uint32_t *parents;
	size_t nparents, capparents;
	struct omap index;       /* commit id → node index + 1 */
	struct omap shallow;     /* commits listed in .git/shallow */
	struct omap gen[2];      /* tree cache: this commit's trees, the previous commit's */
	char **comps;            /* path components from the work tree to content/ */
	size_t ncomps;
	struct change *ch;
	size_t nch, capch;
	struct buf names;        /* the changes' paths, NUL-separated */
	struct buf tmp;
	struct smap cur;         /* site path (arena) → record index + 1 that path belongs to */
	struct record *recs;
	size_t nrecs, caprecs;
	/* metadata of the commit being credited, loaded on first use */
	const struct node *ci_node;
	const char *ci_author, *ci_email, *ci_subject, *ci_body, *ci_committer;
	long long ci_time, ci_ctime;
	int ci_tz, ci_ctz;
	uint32_t ci_order;
	struct diag *d;          /* for commits read as raw objects (raw_commit) */
	struct smap head;        /* site path at HEAD → index + 1 in head_blob */
	git_oid *head_blob;
	size_t nhead;
	/* files that moved into content/ from elsewhere in the repository:
	 * their paths there, sorted, compared in every commit walked after
	 * the move (see follow_moved_in); tracked holds the same keys */
	char **ext;
	size_t next, capext;
	struct smap tracked;
	char *content_path;      /* "docs/kb/content": comps joined */
	size_t outside_left;     /* what OUTSIDE_SEARCH_TOTAL leaves */
	size_t ext_left;         /* what EXT_COMPARE_TOTAL leaves */
	size_t rename_left;      /* what RENAME_WORK_TOTAL leaves */
};

/* A git fault (a repository git will not read, a corrupt object) is the
 * environment's, not the site's: exit status 2. */
static void report_git(struct diag *d, const char *what)
{
	const git_error *e = git_error_last();
	diag_fault(d, NULL, 0, 0, "history: %s: %s", what,
		   e && e->message ? e->message : "unknown libgit2 error");
}

/* ---- tree cache ---- */

/* Trees are read raw from the object database and scanned in place: no
 * per-entry parsing or allocation, and identical entries are skipped with
 * one memcmp. */
struct rtree {
	const unsigned char *p, *end;
};

/* One entry of a raw tree: "<octal mode> <name>\0<20-byte id>". */
struct rent {
	const char *name;
	size_t namelen, len; /* len: the whole entry's bytes */
	unsigned mode;
	git_oid id;
};

#define MODE_TREE 0040000u
#define MODE_BLOB 0100644u
#define MODE_LINK 0120000u
#define MODE_GITLINK 0160000u
#define MODE_EXEC 0100755u

static int rent_parse(const unsigned char *p, const unsigned char *end, struct rent *e)
{
	const unsigned char *q = p;
	unsigned mode = 0;
	while (q < end && *q != ' ') {
		if (*q < '0' || *q > '7')
			return -1;
		mode = mode * 8 + (unsigned)(*q++ - '0');
	}
	if (q == end || q == p)
		return -1;
	q++;
	const unsigned char *nul = memchr(q, 0, (size_t)(end - q));
	if (!nul || end - nul < 1 + GIT_OID_RAWSZ)
		return -1;
	e->name = (const char *)q;
	e->namelen = (size_t)(nul - q);
	e->mode = mode;
	memcpy(e->id.id, nul + 1, GIT_OID_RAWSZ);
	e->len = (size_t)(nul + 1 + GIT_OID_RAWSZ - p);
	return 0;
}

static int rent_is_tree(const struct rent *e)
{
	return (e->mode & 0170000u) == MODE_TREE;
}

static int rent_is_file(const struct rent *e)
{
	return e->mode == MODE_BLOB || e->mode == MODE_EXEC;
}

static int rent_is_md(const struct rent *e)
{
	return (e->mode == MODE_BLOB || e->mode == MODE_EXEC) && e->namelen > 3 &&
	       memcmp(e->name + e->namelen - 3, ".md", 3) == 0;
}

static const git_oid *rent_oid(const struct rent *e)
{
	return &e->id;
}

/* Reads a tree into t; the data stays valid until tree_rotate has run
 * twice, i.e. through this commit and the next one processed.  Returns 0
 * or negative on a read error. */
static int tree_get(struct walk *w, const git_oid *id, struct rtree *t)
{
	git_odb_object *o = NULL;
	struct omap_slot *s = omap_find(&w->gen[0], id);
	if (s) {
		o = s->val;
	} else if ((s = omap_find(&w->gen[1], id)) && s->val) {
		o = s->val;
		s->val = NULL;
		omap_put(&w->gen[0], id, o);
	} else {
		if (git_odb_read(&o, w->odb, id) < 0)
			return -1;
		omap_put(&w->gen[0], id, o);
		if (git_odb_object_type(o) != GIT_OBJECT_TREE) {
			git_error_set_str(GIT_ERROR_OBJECT, "a tree entry does not point at a tree");
			return -1;
		}
	}
	t->p = git_odb_object_data(o);
	t->end = t->p + git_odb_object_size(o);
	return 0;
}

static void tree_rotate(struct walk *w)
{
	struct omap *old = &w->gen[1];
	for (size_t i = 0; i < old->cap; i++)
		if (old->slots[i].used && old->slots[i].val)
			git_odb_object_free(old->slots[i].val);
	omap_clear(old);
	struct omap t = w->gen[0];
	w->gen[0] = w->gen[1];
	w->gen[1] = t;
}

static void tree_cache_free(struct walk *w)
{
	for (int g = 0; g < 2; g++) {
		for (size_t i = 0; i < w->gen[g].cap; i++)
			if (w->gen[g].slots[i].used && w->gen[g].slots[i].val)
				git_odb_object_free(w->gen[g].slots[i].val);
		omap_free(&w->gen[g]);
	}
}

/* Finds the entry called name (namelen bytes) in a tree.  1 found, 0 not,
 * negative on a malformed tree. */
static int tree_find(const struct rtree *t, const char *name, size_t namelen, struct rent *e)
{
	for (const unsigned char *p = t->p; p < t->end; p += e->len) {
		if (rent_parse(p, t->end, e) < 0)
			return -1;
		if (e->namelen == namelen && memcmp(e->name, name, namelen) == 0)
			return 1;
	}
	return 0;
}

static int malformed(void)
{
	git_error_set_str(GIT_ERROR_OBJECT, "malformed tree object");
	return -1;
}

/* Finds content/ (under the site prefix) in a commit's root tree.
 * Returns 1 and its id, 0 when there is none, negative on a read error. */
static int content_id(struct walk *w, const git_oid *root, git_oid *out)
{
	struct rtree t;
	struct rent e;
	if (!w->ncomps) {
		git_oid_cpy(out, root); /* content/ is the repository's top */
		return 1;
	}
	if (tree_get(w, root, &t) < 0)
		return -1;
	for (size_t i = 0; i < w->ncomps; i++) {
		int rc = tree_find(&t, w->comps[i], strlen(w->comps[i]), &e);
		if (rc < 0)
			return malformed();
		if (!rc || !rent_is_tree(&e))
			return 0;
		if (i + 1 == w->ncomps) {
			git_oid_cpy(out, rent_oid(&e));
			return 1;
		}
		if (tree_get(w, rent_oid(&e), &t) < 0)
			return -1;
	}
	return 0;
}

/* The tree at path ("a/b/content") under root: 1 and its id, 0 when there
 * is none, negative on a read error. */
static int tree_at_path(struct walk *w, const git_oid *root, const char *path, git_oid *out)
{
	struct rtree t;
	struct rent e;
	git_oid at = *root;
	for (;;) {
		if (tree_get(w, &at, &t) < 0)
			return -1;
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);
		int rc = tree_find(&t, path, n, &e);
		if (rc < 0)
			return malformed();
		if (!rc || !rent_is_tree(&e))
			return 0;
		git_oid_cpy(&at, rent_oid(&e));
		if (!slash) {
			*out = at;
			return 1;
		}
		path = slash + 1;
	}
}

/* The content/ folder of commit n (see node.cpath). */
static int node_content(struct walk *w, const struct node *n, git_oid *out)
{
	return n->cpath ? tree_at_path(w, &n->tree, n->cpath, out) : content_id(w, &n->tree, out);
}

#define MOVED_SEARCH_MAX 200000 /* tree entries looked at for a moved site folder */

/* Where under tree the folder want is (its path appended to path): 1,
 * 0 when it is not within *budget entries, negative on a read error. */
static int find_tree(struct walk *w, const git_oid *tree, const git_oid *want, struct buf *path, size_t *budget)
{
	struct rtree t;
	struct rent e;
	if (tree_get(w, tree, &t) < 0)
		return -1;
	for (const unsigned char *p = t.p; p < t.end; p += e.len) {
		if (!*budget || rent_parse(p, t.end, &e) < 0)
			return *budget ? malformed() : 0;
		(*budget)--;
		if (!rent_is_tree(&e))
			continue;
		size_t len = path->len;
		if (len)
			buf_putc(path, '/');
		buf_put(path, e.name, e.namelen);
		if (git_oid_equal(rent_oid(&e), want))
			return 1;
		int rc = find_tree(w, rent_oid(&e), want, path, budget);
		if (rc)
			return rc;
		buf_truncate(path, len);
	}
	return 0;
}

/* A commit (child) whose parent p has no content/ where the site now
 * keeps it: when p holds the very same folder elsewhere, and the child no
 * longer does, the site's folder was moved (git mv docs/kb kb), and p and
 * its ancestors are read there, so the articles keep their history.
 * Returns 1 when found, negative on a read error. */
static int follow_moved_site(struct walk *w, const struct node *child, struct node *p, const git_oid *content)
{
	struct buf path = BUF_INIT;
	size_t budget = MOVED_SEARCH_MAX;
	git_oid still;
	int rc = find_tree(w, &p->tree, content, &path, &budget);
	/* moved, not copied: the old place is gone in the child (a site
	 * copied to start another keeps no history of the first) */
	if (rc > 0) {
		int kept = tree_at_path(w, &child->tree, buf_cstr(&path), &still);
		if (kept == 0)
			p->cpath = arena_strdup(&w->h->arena, buf_cstr(&path));
		rc = kept < 0 ? kept : !kept;
	}
	buf_free(&path);
	return rc;
}

/* The .md blob (with any, any file's) at rel ("a/b.md") under a tree: 1
 * and its id, 0 when there is none, negative on a read error. */
static int tree_find_file(struct walk *w, const git_oid *tree, const char *rel, int any, git_oid *out)
{
	struct rtree t;
	struct rent e;
	if (tree_get(w, tree, &t) < 0)
		return -1;
	for (;;) {
		const char *slash = strchr(rel, '/');
		size_t n = slash ? (size_t)(slash - rel) : strlen(rel);
		int rc = tree_find(&t, rel, n, &e);
		if (rc < 0)
			return malformed();
		if (!rc)
			return 0;
		if (!slash) {
			if (!(any ? rent_is_file(&e) : rent_is_md(&e)))
				return 0;
			git_oid_cpy(out, rent_oid(&e));
			return 1;
		}
		if (!rent_is_tree(&e))
			return 0;
		if (tree_get(w, rent_oid(&e), &t) < 0)
			return -1;
		rel = slash + 1;
	}
}

static int tree_find_path(struct walk *w, const git_oid *tree, const char *rel, git_oid *out)
{
	return tree_find_file(w, tree, rel, 1, out);
}

/* The file rel (under content/) in commit n: 1 and its blob, 0 when it has
 * none, negative on a read error. */
static int blob_at(struct walk *w, const struct node *n, const char *rel, git_oid *out)
{
	git_oid cid;
	int rc = node_content(w, n, &cid);
	return rc <= 0 ? rc : tree_find_path(w, &cid, rel, out);
}

/* ---- comparing trees ---- */

/* git's tree order: names compare bytewise, a tree's name as if it ended
 * in '/'. */
static int rent_cmp(const struct rent *a, const struct rent *b)
{
	size_t n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	int ca = a->namelen > n ? (unsigned char)a->name[n] : rent_is_tree(a) ? '/' : 0;
	int cb = b->namelen > n ? (unsigned char)b->name[n] : rent_is_tree(b) ? '/' : 0;
	return ca - cb;
}

/* ---- comparing every commit with its first parent, folder by folder ----
 *
 * Why not commit by commit: a pack stores the versions of one folder's
 * tree as a chain of deltas, and libgit2 1.5 keeps the chain's resolved
 * bases in a 16 MB cache that it empties completely when full.  Reading
 * commit by commit interleaves every folder's chain, which overflows that
 * cache on a large site and re-resolves whole chains on each read (3-4x
 * the time of `git log`).  So the comparison runs one folder depth at a
 * time and, within a depth, reads all of one folder's versions before the
 * next folder's, newest first: each version is read once and its delta
 * base is still cached.  The result is the same list of changes per commit,
 * sorted by path as a recursive tree walk would produce it. */

/* Two versions of one folder to compare: in commit order[seq] and in its
 * first parent. */
struct tpair {
	uint32_t seq, dir;      /* dir: index into plan.dirs */
	git_oid a, b;
	unsigned char has_a, has_b;
};

/* A changed .md path of commit order[seq], relative to content/. */
struct pchange {
	uint32_t seq;
	const char *path;       /* owned by plan.paths */
	git_oid old, new;
	unsigned char has_old, has_new;
};

/* One thread's share of a depth: a run of the depth's pairs, compared
 * through an object database of its own (a libgit2 object serves one
 * thread at a time), and what they yield, which plan_diff gathers. */
struct planner {
	struct plan *pl;
	git_odb *odb;
	git_repository *repo;   /* the odb's, when this planner opened it */
	const struct tpair *items;
	size_t nitems;
	struct tpair *next;     /* the next depth's pairs */
	size_t nnext, capnext;
	struct pchange *ch;
	size_t nch, capch;
	char **paths;
	size_t npaths, cappaths;
	struct buf tmp;
	git_odb_object *slot[4]; /* the trees read last (see plan_tree) */
	unsigned stamp[4], clock;
	int rc;
	char *err;              /* libgit2's message on this thread's failure */
};

#define PLANNERS_MAX 2

struct plan {
	uint32_t *order;        /* node indexes, in walk order */
	size_t norder;
	char **dirs;            /* folder paths ("" or "a/b/"), interned */
	size_t ndirs, capdirs;
	struct smap dirmap;     /* folder path → index + 1 */
	pthread_mutex_t lock;   /* over dirs, which every planner adds to */
	struct tpair *items;
	size_t nitems, capitems;
	struct pchange *ch;
	size_t nch;
	char **paths;
	size_t npaths;
	size_t *first;          /* per seq: its first change in ch; first[norder] = nch */
	struct planner planners[PLANNERS_MAX];
	int nplanners;
	int opened;             /* the planners beyond the first were tried */
};

/* A depth of fewer pairs is not worth a thread, nor a second handle on
 * the repository (a small site's history never opens one). */
#define PLAN_SPLIT_MIN 64

static uint32_t plan_dir(struct plan *pl, const char *path)
{
	pthread_mutex_lock(&pl->lock);
	struct smap_slot *s = smap_get(&pl->dirmap, path);
	uint32_t id;
	if (s) {
		id = (uint32_t)(s->val - 1);
	} else {
		if (pl->ndirs == pl->capdirs) {
			pl->capdirs = pl->capdirs ? pl->capdirs * 2 : 64;
			pl->dirs = xrealloc(pl->dirs, pl->capdirs * sizeof(*pl->dirs));
		}
		pl->dirs[pl->ndirs] = xstrdup(path);
		smap_put(&pl->dirmap, pl->dirs[pl->ndirs], pl->ndirs + 1);
		id = (uint32_t)pl->ndirs++;
	}
	pthread_mutex_unlock(&pl->lock);
	return id;
}

/* A folder's path by its index: the table may be growing on another
 * thread, so it is read under the lock. */
static const char *plan_dir_path(struct plan *pl, uint32_t dir)
{
	pthread_mutex_lock(&pl->lock);
	const char *path = pl->dirs[dir];
	pthread_mutex_unlock(&pl->lock);
	return path;
}

static void plan_push(struct planner *pr, uint32_t seq, uint32_t dir, const git_oid *a, const git_oid *b)
{
	if (pr->nnext == pr->capnext) {
		pr->capnext = pr->capnext ? pr->capnext * 2 : 256;
		pr->next = xrealloc(pr->next, pr->capnext * sizeof(*pr->next));
	}
	struct tpair *t = &pr->next[pr->nnext++];
	memset(t, 0, sizeof(*t));
	t->seq = seq;
	t->dir = dir;
	if ((t->has_a = a != NULL))
		git_oid_cpy(&t->a, a);
	if ((t->has_b = b != NULL))
		git_oid_cpy(&t->b, b);
}

static void plan_change(struct planner *pr, uint32_t seq, const char *dir, const struct rent *e,
			const git_oid *old, const git_oid *new)
{
	if (pr->nch == pr->capch) {
		pr->capch = pr->capch ? pr->capch * 2 : 256;
		pr->ch = xrealloc(pr->ch, pr->capch * sizeof(*pr->ch));
	}
	if (pr->npaths == pr->cappaths) {
		pr->cappaths = pr->cappaths ? pr->cappaths * 2 : 256;
		pr->paths = xrealloc(pr->paths, pr->cappaths * sizeof(*pr->paths));
	}
	size_t dl = strlen(dir);
	char *path = xmalloc(dl + e->namelen + 1);
	memcpy(path, dir, dl);
	memcpy(path + dl, e->name, e->namelen);
	path[dl + e->namelen] = '\0';
	pr->paths[pr->npaths++] = path;
	struct pchange *c = &pr->ch[pr->nch++];
	memset(c, 0, sizeof(*c));
	c->seq = seq;
	c->path = path;
	if ((c->has_old = old != NULL))
		git_oid_cpy(&c->old, old);
	if ((c->has_new = new != NULL))
		git_oid_cpy(&c->new, new);
}

/* Reads a tree for the folder comparison.  Keeps the last four read: the
 * older side of one pair is the newer side of the folder's next pair, so
 * each version is read once.  The data stays valid until two more trees
 * have been read. */
static int plan_tree(struct planner *pr, const git_oid *id, struct rtree *t)
{
	int victim = 0;
	for (int i = 0; i < 4; i++) {
		if (pr->slot[i] && git_oid_equal(git_odb_object_id(pr->slot[i]), id)) {
			pr->stamp[i] = ++pr->clock;
			victim = i;
			goto found;
		}
		if (pr->stamp[i] < pr->stamp[victim])
			victim = i;
	}
	git_odb_object_free(pr->slot[victim]);
	pr->slot[victim] = NULL;
	if (git_odb_read(&pr->slot[victim], pr->odb, id) < 0)
		return -1;
	pr->stamp[victim] = ++pr->clock;
	if (git_odb_object_type(pr->slot[victim]) != GIT_OBJECT_TREE) {
		git_error_set_str(GIT_ERROR_OBJECT, "a tree entry does not point at a tree");
		return -1;
	}
found:
	t->p = git_odb_object_data(pr->slot[victim]);
	t->end = t->p + git_odb_object_size(pr->slot[victim]);
	return 0;
}

/* Queues a subtree that exists on one side only, or differs. */
static void plan_sub(struct planner *pr, const struct tpair *t, const char *dir, const struct rent *ea,
		     const struct rent *eb)
{
	const struct rent *e = ea ? ea : eb;
	buf_reset(&pr->tmp);
	buf_puts(&pr->tmp, dir);
	buf_put(&pr->tmp, e->name, e->namelen);
	buf_putc(&pr->tmp, '/');
	plan_push(pr, t->seq, plan_dir(pr->pl, pr->tmp.ptr), ea ? rent_oid(ea) : NULL, eb ? rent_oid(eb) : NULL);
}

/* Merge-joins one pair of sorted trees, recording each file whose blob
 * differs (an article, or a file an article may link: a form, a chart)
 * and queueing each subtree that differs for the next depth. */
static int plan_compare(struct planner *pr, const struct tpair *t)
{
	struct rtree ta = { NULL, NULL }, tb = { NULL, NULL };
	struct rent ea, eb;
	const char *dir = plan_dir_path(pr->pl, t->dir);
	if ((t->has_a && plan_tree(pr, &t->a, &ta) < 0) || (t->has_b && plan_tree(pr, &t->b, &tb) < 0))
		return -1;
	const unsigned char *pa = ta.p, *pb = tb.p;
	while (pa < ta.end || pb < tb.end) {
		int cmp;
		if (pa < ta.end && rent_parse(pa, ta.end, &ea) < 0)
			return malformed();
		if (pa < ta.end && pb < tb.end && (size_t)(tb.end - pb) >= ea.len &&
		    memcmp(pa, pb, ea.len) == 0) {
			pa += ea.len, pb += ea.len; /* the same entry on both sides */
			continue;
		}
		if (pb < tb.end && rent_parse(pb, tb.end, &eb) < 0)
			return malformed();
		cmp = pa == ta.end ? 1 : pb == tb.end ? -1 : rent_cmp(&ea, &eb);
		if (cmp < 0) {
			if (rent_is_tree(&ea))
				plan_sub(pr, t, dir, &ea, NULL);
			else if (rent_is_file(&ea))
				plan_change(pr, t->seq, dir, &ea, rent_oid(&ea), NULL);
			pa += ea.len;
		} else if (cmp > 0) {
			if (rent_is_tree(&eb))
				plan_sub(pr, t, dir, NULL, &eb);
			else if (rent_is_file(&eb))
				plan_change(pr, t->seq, dir, &eb, NULL, rent_oid(&eb));
			pb += eb.len;
		} else {
			int same = git_oid_equal(rent_oid(&ea), rent_oid(&eb));
			/* equal names mean both are trees or neither (rent_cmp) */
			if (rent_is_tree(&ea)) {
				if (!same)
					plan_sub(pr, t, dir, &ea, &eb);
			} else {
				int fa = rent_is_file(&ea), fb = rent_is_file(&eb);
				if ((fa || fb) && !(fa && fb && same))
					plan_change(pr, t->seq, dir, &ea, fa ? rent_oid(&ea) : NULL,
						    fb ? rent_oid(&eb) : NULL);
			}
			pa += ea.len, pb += eb.len;
		}
	}
	return 0;
}

static int tpair_cmp(const void *pa, const void *pb)
{
	const struct tpair *a = pa, *b = pb;
	if (a->dir != b->dir)
		return a->dir < b->dir ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int pchange_cmp(const void *pa, const void *pb)
{
	const struct pchange *a = pa, *b = pb;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* A planner's run of the depth's pairs, on its own thread. */
static void plan_run(void *ctx, size_t k)
{
	struct planner *pr = &((struct plan *)ctx)->planners[k];
	for (size_t i = 0; i < pr->nitems && pr->rc == 0; i++)
		if ((pr->rc = plan_compare(pr, &pr->items[i])) < 0) {
			const git_error *e = git_error_last();
			pr->err = xstrdup(e && e->message ? e->message : "unknown libgit2 error");
		}
}

/* A second planner reads through a repository of its own: the same one,
 * opened again.  0, or -1 when it cannot be (one planner then does all). */
static int planner_open(struct planner *pr, git_repository *repo)
{
	if (git_repository_open(&pr->repo, git_repository_path(repo)) < 0 ||
	    git_repository_odb(&pr->odb, pr->repo) < 0) {
		git_repository_free(pr->repo);
		pr->repo = NULL;
		git_error_clear();
		return -1;
	}
	return 0;
}

/* Fills pl->ch with every commit's changes against its first parent,
 * grouped by commit (pl->first) and sorted by path.  Each depth's pairs
 * are cut into as many runs as there are planners (jobs, at most
 * PLANNERS_MAX), each run a stretch of the sorted pairs, so a folder's
 * versions stay together on one thread; what the planners find is gathered
 * and sorted, so the result does not depend on how the pairs were cut. */
static int plan_diff(struct walk *w, struct plan *pl, int jobs)
{
	int rc = 0;
	pthread_mutex_init(&pl->lock, NULL);
	pl->nplanners = 1;
	pl->planners[0] = (struct planner){ .pl = pl, .odb = w->odb };
	uint32_t root = plan_dir(pl, "");
	for (size_t seq = 0; seq < pl->norder; seq++) {
		const struct node *n = &w->nodes[pl->order[seq]];
		git_oid cnew, cold;
		/* parents are read where their newest child reads (see cpath) */
		for (uint32_t k = 0; k < n->np; k++) {
			struct node *p = &w->nodes[w->parents[n->pfirst + k]];
			if (!p->cpath_set) {
				p->cpath = n->cpath;
				p->cpath_set = 1;
			}
		}
		int has_new = node_content(w, n, &cnew), has_old = 0;
		if (has_new >= 0 && n->np) {
			struct node *p = &w->nodes[w->parents[n->pfirst]];
			has_old = node_content(w, p, &cold);
			if (has_old == 0 && has_new > 0 && (has_old = follow_moved_site(w, n, p, &cnew)) > 0)
				cold = cnew;
		}
		tree_rotate(w);
		if (has_new < 0 || has_old < 0) {
			rc = -1;
			goto done;
		}
		if (has_new != has_old || (has_new && !git_oid_equal(&cnew, &cold)))
			plan_push(&pl->planners[0], (uint32_t)seq, root, has_old ? &cold : NULL,
				  has_new ? &cnew : NULL);
	}
	for (;;) {
		/* the planners' next pairs are this depth's */
		pl->nitems = 0;
		for (int k = 0; k < pl->nplanners; k++) {
			struct planner *pr = &pl->planners[k];
			if (pl->nitems + pr->nnext > pl->capitems) {
				pl->capitems = (pl->nitems + pr->nnext) * 2;
				pl->items = xrealloc(pl->items, pl->capitems * sizeof(*pl->items));
			}
			if (pr->nnext)
				memcpy(pl->items + pl->nitems, pr->next, pr->nnext * sizeof(*pr->next));
			pl->nitems += pr->nnext;
			pr->nnext = 0;
		}
		if (!pl->nitems)
			break;
		qsort(pl->items, pl->nitems, sizeof(*pl->items), tpair_cmp);
		for (int k = 1; !pl->opened && pl->nitems >= PLAN_SPLIT_MIN && k < jobs && k < PLANNERS_MAX; k++) {
			pl->planners[k] = (struct planner){ .pl = pl };
			if (planner_open(&pl->planners[k], w->repo) < 0)
				break;
			pl->nplanners = k + 1;
		}
		pl->opened |= pl->nitems >= PLAN_SPLIT_MIN;
		int np = pl->nitems < PLAN_SPLIT_MIN ? 1 : pl->nplanners;
		for (int k = 0; k < pl->nplanners; k++) {
			size_t from = k < np ? pl->nitems * (size_t)k / (size_t)np : pl->nitems;
			size_t to = k < np ? pl->nitems * (size_t)(k + 1) / (size_t)np : pl->nitems;
			pl->planners[k].items = pl->items + from;
			pl->planners[k].nitems = to - from;
		}
		par_for((size_t)np, np, plan_run, pl);
		for (int k = 0; k < np; k++)
			if (pl->planners[k].rc < 0) {
				git_error_set_str(GIT_ERROR_OBJECT, pl->planners[k].err);
				rc = -1;
				goto done;
			}
	}
	for (int k = 0; k < pl->nplanners; k++)
		pl->nch += pl->planners[k].nch, pl->npaths += pl->planners[k].npaths;
	pl->ch = xmalloc((pl->nch + 1) * sizeof(*pl->ch));
	pl->paths = xmalloc((pl->npaths + 1) * sizeof(*pl->paths));
	size_t c = 0, q = 0;
	for (int k = 0; k < pl->nplanners; k++) {
		struct planner *pr = &pl->planners[k];
		if (pr->nch)
			memcpy(pl->ch + c, pr->ch, pr->nch * sizeof(*pr->ch));
		if (pr->npaths)
			memcpy(pl->paths + q, pr->paths, pr->npaths * sizeof(*pr->paths));
		c += pr->nch, q += pr->npaths;
		pr->npaths = 0; /* the paths are the plan's now */
	}
	if (pl->nch)
		qsort(pl->ch, pl->nch, sizeof(*pl->ch), pchange_cmp);
	pl->first = xcalloc(pl->norder + 1, sizeof(*pl->first));
	for (size_t i = 0, seq = 0; seq <= pl->norder; seq++) {
		while (i < pl->nch && pl->ch[i].seq < seq)
			i++;
		pl->first[seq] = i;
	}
done:
	return rc;
}

static void planner_free(struct planner *pr)
{
	for (size_t i = 0; i < pr->npaths; i++)
		free(pr->paths[i]);
	for (int i = 0; i < 4; i++)
		git_odb_object_free(pr->slot[i]);
	if (pr->repo) {
		git_odb_free(pr->odb);
		git_repository_free(pr->repo);
	}
	free(pr->paths);
	free(pr->next);
	free(pr->ch);
	free(pr->err);
	buf_free(&pr->tmp);
}

static void plan_free(struct plan *pl)
{
	for (int k = 0; k < pl->nplanners; k++)
		planner_free(&pl->planners[k]);
	for (size_t i = 0; i < pl->ndirs; i++)
		free(pl->dirs[i]);
	for (size_t i = 0; i < pl->npaths; i++)
		free(pl->paths[i]);
	smap_free(&pl->dirmap, 0);
	if (pl->nplanners)
		pthread_mutex_destroy(&pl->lock);
	free(pl->dirs);
	free(pl->paths);
	free(pl->items);
	free(pl->ch);
	free(pl->first);
	free(pl->order);
}

/* Adds a change of path (NULL old or new: absent on that side). */
static struct change *change_push(struct walk *w, const char *path, size_t len, const git_oid *old,
				  const git_oid *new)
{
	if (w->nch == w->capch) {
		w->capch = w->capch ? w->capch * 2 : 16;
		w->ch = xrealloc(w->ch, w->capch * sizeof(*w->ch));
	}
	struct change *c = &w->ch[w->nch++];
	memset(c, 0, sizeof(*c));
	c->path = w->names.len;
	buf_put(&w->names, path, len);
	buf_putc(&w->names, '\0');
	if ((c->has_old = old != NULL))
		c->old = *old;
	if ((c->has_new = new != NULL))
		c->new = *new;
	return c;
}

/* Copies commit seq's planned changes into w->ch, ready for crediting. */
static void take_changes(struct walk *w, const struct plan *pl, size_t seq)
{
	w->nch = 0;
	buf_reset(&w->names);
	for (size_t i = pl->first[seq]; i < pl->first[seq + 1]; i++) {
		const struct pchange *p = &pl->ch[i];
		change_push(w, p->path, strlen(p->path), p->has_old ? &p->old : NULL, p->has_new ? &p->new : NULL);
	}
}

/* ---- merges ---- */

/* Drops changes that a merge took unchanged from one of its other parents
 * (see history.h).  Returns 0 or negative on a read error. */
/* The blob of change c's path in commit p: 1 and its id, 0 when p has
 * none, negative on a read error. */
static int change_blob(struct walk *w, const struct node *p, const struct change *c, git_oid *out)
{
	const char *path = w->names.ptr + c->path;
	return c->ext ? tree_find_file(w, &p->tree, path, 1, out) : blob_at(w, p, path, out);
}

static int filter_merge(struct walk *w, const struct node *n)
{
	for (uint32_t k = 1; k < n->np; k++) {
		const struct node *p = &w->nodes[w->parents[n->pfirst + k]];
		git_oid blob;
		for (size_t i = 0; i < w->nch; i++) {
			struct change *c = &w->ch[i];
			if (c->dropped)
				continue;
			int present = change_blob(w, p, c, &blob);
			if (present < 0)
				return present;
			if (!(c->has_new ? present && git_oid_equal(&blob, &c->new) : !present))
				continue;
			if (c->pair) {
				/* a rename is taken whole or not at all: the old
				 * path must be gone in that parent too */
				int old = change_blob(w, p, &w->ch[c->pair - 1], &blob);
				if (old < 0)
					return old;
				if (old)
					continue;
			}
			c->dropped = 1;
		}
	}
	return 0;
}

/* ---- renames ---- */

#define RENAME_MAX_SIDE 1000 /* similarity is tried for at most this many adds and deletes (git's diff.renameLimit) */
#define RENAME_MIN_SCORE 50  /* percent */
/* An article whose title changed too must share more than the template
 * two policies written alike share (scope, contacts, review): it is
 * another article, withdrawn as one is added, unless it is nearly the
 * same text. */
#define RENAME_RETITLED_SCORE 80
/* What similarity may cost: the blobs of one commit's candidates read at
 * most (their fingerprints take 8 bytes a line), the lines compared per
 * commit, and in the whole walk (about a second each); past them only
 * identical files pair. */
#define RENAME_BYTES_MAX ((size_t)8 << 20)
#define RENAME_WORK_MAX ((size_t)100000000)
#define RENAME_WORK_TOTAL ((size_t)1000000000)

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void fprint_make(struct walk *w, const git_oid *id, struct fprint *f)
{
	git_blob *blob = NULL;
	memset(f, 0, sizeof(*f));
	size_t size;
	git_object_t type;
	/* a blob past the limit on an article is never inflated */
	if (git_odb_read_header(&size, &type, w->odb, id) < 0 || size > FS_MAX_FILE ||
	    git_blob_lookup(&blob, w->repo, id) < 0)
		return;
	const char *s = git_blob_rawcontent(blob);
	size_t len = (size_t)git_blob_rawsize(blob), cap = 16;
	f->lines = xmalloc(cap * sizeof(*f->lines));
	/* 1 while in front matter (the file opens with "---"), 2 after */
	int fm = 0;
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && s[e] != '\n')
			e++;
		size_t weight = e - i + (e < len);
		size_t te = e > i && s[e - 1] == '\r' ? e - 1 : e;
		uint64_t h = 14695981039346656037ULL;
		for (size_t k = i; k < te; k++)
			h = (h ^ (unsigned char)s[k]) * 1099511628211ULL;
		int fence = te - i == 3 && !memcmp(s + i, "---", 3);
		if (fm == 1 && !f->title && te - i > 6 && !memcmp(s + i, "title:", 6))
			f->title = h | 1;
		fm = fm == 1 ? (fence ? 2 : 1) : i == 0 && fence ? 1 : 2;
		if (f->n == cap)
			f->lines = xrealloc(f->lines, (cap *= 2) * sizeof(*f->lines));
		if (weight > 0xFFFFF)
			weight = 0xFFFFF;
		f->lines[f->n++] = (h << 20) | weight;
		f->size += weight;
		i = e + 1;
	}
	if (f->n)
		qsort(f->lines, f->n, sizeof(*f->lines), u64_cmp);
	f->ok = 1;
	git_blob_free(blob);
}

/* Percentage of the larger file's bytes that lie in lines both share. */
static int fprint_score(const struct fprint *a, const struct fprint *b)
{
	if (!a->ok || !b->ok || !a->size || !b->size)
		return 0;
	size_t i = 0, j = 0, common = 0;
	while (i < a->n && j < b->n) {
		uint64_t x = a->lines[i] >> 20, y = b->lines[j] >> 20;
		if (x < y) {
			i++;
		} else if (x > y) {
			j++;
		} else {
			common += a->lines[i] & 0xFFFFF;
			i++, j++;
		}
	}
	size_t max = a->size > b->size ? a->size : b->size;
	return (int)(common * 100 / max);
}

struct cand {
	int score;
	size_t add, del;
};

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	if (a->score != b->score)
		return b->score - a->score;
	if (a->add != b->add)
		return a->add < b->add ? -1 : 1;
	return a->del < b->del ? -1 : a->del > b->del;
}

/* Whether the candidates' blobs are small enough to compare by lines
 * (RENAME_BYTES_MAX), by their sizes in the object database. */
static int similarity_affordable(struct walk *w, const size_t *add, size_t ra, const size_t *del, size_t rd)
{
	size_t total = 0, size;
	git_object_t type;
	for (size_t k = 0; k < ra + rd; k++) {
		const struct change *c = &w->ch[k < ra ? add[k] : del[k - ra]];
		if (git_odb_read_header(&size, &type, w->odb, k < ra ? &c->new : &c->old) < 0)
			continue; /* (fprint_make will find it unreadable too) */
		if ((total += size) > RENAME_BYTES_MAX)
			return 0;
	}
	return 1;
}

/* Whether change c is of an article (a .md file; a file moving in from
 * outside content/ may be one: see md_like), not of a file articles
 * link: the two kinds never pair as a move. */
static int change_is_article(const struct walk *w, const struct change *c)
{
	const char *path = w->names.ptr + c->path;
	size_t n = strlen(path);
	return c->ext || (n > 3 && !memcmp(path + n - 3, ".md", 3));
}

/* Orders deleted changes by kind, blob, then place (for pair_identical;
 * ctx: the walk). */
static int del_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct walk *w = ctx;
	const struct change *a = &w->ch[*(const size_t *)pa], *b = &w->ch[*(const size_t *)pb];
	int ka = change_is_article(w, a), kb = change_is_article(w, b);
	if (ka != kb)
		return ka - kb;
	int c = git_oid_cmp(&a->old, &b->old);
	return c ? c : (*(const size_t *)pa > *(const size_t *)pb) - (*(const size_t *)pa < *(const size_t *)pb);
}

/* Pairs each added path with the first deleted one (in the changes'
 * order) of its kind whose blob is the same and is not taken yet: a
 * sorted copy of the deletions searched, not every pair compared (a
 * commit moving 60,000 files took 12 s). */
static void pair_identical(struct walk *w, const size_t *add, size_t nadd, const size_t *del, size_t ndel,
			   char *taken)
{
	size_t *sorted = xmalloc((ndel + 1) * sizeof *sorted);
	memcpy(sorted, del, ndel * sizeof *sorted);
	qsort_r(sorted, ndel, sizeof *sorted, del_cmp, w);
	for (size_t a = 0; a < nadd; a++) {
		struct change *c = &w->ch[add[a]];
		int kind = change_is_article(w, c);
		size_t lo = 0, hi = ndel;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct change *d = &w->ch[sorted[mid]];
			int kd = change_is_article(w, d);
			int cmp = kd != kind ? kd - kind : git_oid_cmp(&d->old, &c->new);
			if (cmp < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < ndel; k++) {
			const struct change *d = &w->ch[sorted[k]];
			if (change_is_article(w, d) != kind || !git_oid_equal(&d->old, &c->new))
				break;
			if (!taken[sorted[k]]) {
				c->pair = (int)sorted[k] + 1;
				taken[sorted[k]] = 1;
				break;
			}
		}
	}
	free(sorted);
}

/* A deleted path paired into a rename (taken) is not also a deletion. */
static void drop_taken(struct walk *w, const char *taken)
{
	for (size_t i = 0; i < w->nch; i++)
		if (taken[i])
			w->ch[i].dropped = 1;
}

/* An article moved over another (git mv -f b.md a.md): a.md changed to
 * exactly the text b.md, deleted, had.  That is b.md's move, not an edit
 * of a.md: the article read at a.md from then on is b.md's, its history
 * follows from b.md (and a.md's older revisions, another article's, are
 * not credited to it: see SLOT_DISPLACED). */
static void find_replacements(struct walk *w)
{
	size_t nmod = 0, ndel = 0;
	size_t *mod = xmalloc((w->nch + 1) * sizeof *mod), *del = xmalloc((w->nch + 1) * sizeof *del);
	for (size_t i = 0; i < w->nch; i++) {
		const struct change *c = &w->ch[i];
		if (c->dropped || c->pair || c->ext || !change_is_article(w, c))
			continue;
		if (c->has_old && c->has_new && !git_oid_equal(&c->old, &c->new))
			mod[nmod++] = i;
		else if (c->has_old && !c->has_new)
			del[ndel++] = i;
	}
	if (nmod && ndel) {
		char *taken = xcalloc(w->nch, 1);
		pair_identical(w, mod, nmod, del, ndel, taken);
		for (size_t k = 0; k < nmod; k++)
			if (w->ch[mod[k]].pair)
				w->ch[mod[k]].has_old = 0; /* (its text before was another article's) */
		drop_taken(w, taken);
		free(taken);
	}
	free(mod);
	free(del);
}

/* Pairs deleted with added paths: identical blobs first, then by line
 * similarity.  Sets pair on the added change. */
static void find_renames(struct walk *w)
{
	size_t ndel = 0, nadd = 0;
	for (size_t i = 0; i < w->nch; i++) {
		const struct change *c = &w->ch[i];
		if (c->dropped || c->pair)
			continue;
		ndel += c->has_old && !c->has_new;
		nadd += c->has_new && !c->has_old;
	}
	if (!ndel || !nadd)
		return;
	size_t *del = xmalloc(ndel * sizeof(*del)), *add = xmalloc(nadd * sizeof(*add));
	char *taken = xcalloc(w->nch, 1);
	ndel = nadd = 0;
	for (size_t i = 0; i < w->nch; i++) {
		const struct change *c = &w->ch[i];
		if (c->dropped || c->pair)
			continue;
		if (c->has_old && !c->has_new)
			del[ndel++] = i;
		if (c->has_new && !c->has_old)
			add[nadd++] = i;
	}
	pair_identical(w, add, nadd, del, ndel, taken);
	/* (similarity is for articles: a file articles link moves whole, or
	 * is another file, and does not spend what articles' moves may) */
	size_t ra = 0, rd = 0;
	for (size_t a = 0; a < nadd; a++)
		if (!w->ch[add[a]].pair && change_is_article(w, &w->ch[add[a]]))
			add[ra++] = add[a];
	for (size_t d = 0; d < ndel; d++)
		if (!taken[del[d]] && change_is_article(w, &w->ch[del[d]]))
			del[rd++] = del[d];
	if (ra && rd && ra <= RENAME_MAX_SIDE && rd <= RENAME_MAX_SIDE && similarity_affordable(w, add, ra, del, rd)) {
		struct fprint *fa = xcalloc(ra, sizeof(*fa)), *fd = xcalloc(rd, sizeof(*fd));
		struct cand *cands = NULL;
		size_t nc = 0, capc = 0;
		size_t la = 0, ld = 0;
		for (size_t a = 0; a < ra; a++)
			fprint_make(w, &w->ch[add[a]].new, &fa[a]), la += fa[a].n;
		for (size_t d = 0; d < rd; d++)
			fprint_make(w, &w->ch[del[d]].old, &fd[d]), ld += fd[d].n;
		/* each pair's comparison walks both files' lines */
		size_t work = rd * la + ra * ld;
		int afford = work <= RENAME_WORK_MAX && work <= w->rename_left;
		if (afford)
			w->rename_left -= work;
		for (size_t a = 0; afford && a < ra; a++)
			for (size_t d = 0; d < rd; d++) {
				/* (the smaller file's lines are all it can share) */
				size_t lo = fa[a].size < fd[d].size ? fa[a].size : fd[d].size;
				size_t hi = fa[a].size < fd[d].size ? fd[d].size : fa[a].size;
				if (change_is_article(w, &w->ch[add[a]]) != change_is_article(w, &w->ch[del[d]]))
					continue;
				int min = fa[a].title && fd[d].title && fa[a].title != fd[d].title ? RENAME_RETITLED_SCORE
												  : RENAME_MIN_SCORE;
				if (lo * 100 < hi * (size_t)min)
					continue;
				int s = fprint_score(&fa[a], &fd[d]);
				if (s < min)
					continue;
				if (nc == capc)
					cands = xrealloc(cands, (capc = capc ? capc * 2 : 16) * sizeof(*cands));
				cands[nc++] = (struct cand){ s, add[a], del[d] };
			}
		if (nc)
			qsort(cands, nc, sizeof(*cands), cand_cmp);
		for (size_t k = 0; k < nc; k++)
			if (!w->ch[cands[k].add].pair && !taken[cands[k].del]) {
				w->ch[cands[k].add].pair = (int)cands[k].del + 1;
				taken[cands[k].del] = 1;
			}
		for (size_t a = 0; a < ra; a++)
			free(fa[a].lines);
		for (size_t d = 0; d < rd; d++)
			free(fd[d].lines);
		free(fa);
		free(fd);
		free(cands);
	}
	drop_taken(w, taken);
	free(taken);
	free(del);
	free(add);
}

/* ---- files that moved into content/ ----
 *
 * A file moved into content/ from elsewhere in the repository (git mv
 * wiki/leave.md content/hr/leave.md, or a whole wiki/ moved with edits)
 * keeps its history: when a commit adds an article that no deletion in
 * content/ explains, the files it deleted outside content/ are its
 * possible sources (paired as renames are), and from then on the source's
 * path is compared in every older commit, where it is renamed, edited
 * and added as an article's path is.  Only deletions count: a file
 * copied in, the original kept, starts its history at the copy. */

#define OUTSIDE_SEARCH_MAX 200000 /* tree entries looked at per commit for sources, */
#define OUTSIDE_SEARCH_TOTAL 20000000 /* and in the whole walk (a second or two at most) */

/* Whether a file named name could have been an article before it moved
 * in: Markdown, or plain text. */
static int md_like(const char *name, size_t n)
{
	static const char *const ext[] = { ".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdx", ".txt" };
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		size_t el = strlen(ext[i]);
		if (n > el && !strncasecmp(name + n - el, ext[i], el))
			return 1;
	}
	return 0;
}

/* From now on, path (outside content/) is compared in every commit. */
static void ext_track(struct walk *w, const char *path)
{
	if (smap_get(&w->tracked, path))
		return;
	if (w->next == w->capext)
		w->ext = xrealloc(w->ext, (w->capext = w->capext ? w->capext * 2 : 8) * sizeof(*w->ext));
	size_t at = w->next;
	while (at && strcmp(w->ext[at - 1], path) > 0)
		at--;
	memmove(&w->ext[at + 1], &w->ext[at], (w->next - at) * sizeof(*w->ext));
	w->ext[at] = xstrdup(path);
	w->next++;
	smap_put(&w->tracked, w->ext[at], 1);
}

/* Whether a followed path is path (n bytes), or (under) lies in the
 * folder path: a binary search of the sorted w->ext for path, or for
 * "path/" as a prefix. */
static int ext_has(const struct walk *w, const char *path, size_t n, int under)
{
	char *key = xmalloc(n + 2);
	memcpy(key, path, n);
	key[n] = '/';
	key[n + under] = '\0';
	size_t kl = n + (size_t)under, lo = 0, hi = w->next;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(w->ext[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int found = lo < w->next && (under ? !strncmp(w->ext[lo], key, kl) : !strcmp(w->ext[lo], key));
	free(key);
	return found;
}

/* What a comparison of a commit's tree with its parent's does with an
 * entry that differs: ea and eb are the commit's and the parent's (either
 * NULL: absent there), path its path.  1: go down into it (a folder), 0:
 * not, negative: stop (a read error). */
typedef int (*diff_visit)(struct walk *w, const struct rent *ea, const struct rent *eb, const struct buf *path,
			  const void *ctx);

/* Merge-joins the commit's folder a with its parent's b (either NULL:
 * absent) under dir ("" or "a/b/"), calling visit on each entry that
 * differs: a folder both sides share is passed over with one comparison.
 * 0 or negative on a read error; stops quietly when *budget runs out. */
static int tree_diff(struct walk *w, const git_oid *a, const git_oid *b, struct buf *dir, size_t *budget,
		     diff_visit visit, const void *ctx)
{
	struct rtree ta = { NULL, NULL }, tb = { NULL, NULL };
	struct rent ea, eb;
	if ((a && tree_get(w, a, &ta) < 0) || (b && tree_get(w, b, &tb) < 0))
		return -1;
	const unsigned char *pa = ta.p, *pb = tb.p;
	while (pa < ta.end || pb < tb.end) {
		if (!*budget)
			return 0;
		(*budget)--;
		if (pa < ta.end && rent_parse(pa, ta.end, &ea) < 0)
			return malformed();
		if (pa < ta.end && pb < tb.end && (size_t)(tb.end - pb) >= ea.len && memcmp(pa, pb, ea.len) == 0) {
			pa += ea.len, pb += ea.len; /* the same entry on both sides */
			continue;
		}
		if (pb < tb.end && rent_parse(pb, tb.end, &eb) < 0)
			return malformed();
		int cmp = pa == ta.end ? 1 : pb == tb.end ? -1 : rent_cmp(&ea, &eb);
		const struct rent *e = cmp <= 0 ? &ea : &eb;
		const struct rent *na = cmp <= 0 ? &ea : NULL, *nb = cmp >= 0 ? &eb : NULL;
		size_t len = dir->len;
		buf_put(dir, e->name, e->namelen);
		int rc = visit(w, na, nb, dir, ctx);
		if (rc > 0 && rent_is_tree(e)) {
			/* (equal names are both folders or neither: rent_cmp) */
			buf_putc(dir, '/');
			rc = tree_diff(w, na ? rent_oid(na) : NULL, nb ? rent_oid(nb) : NULL, dir, budget, visit, ctx);
		}
		buf_truncate(dir, len);
		if (rc < 0)
			return rc;
		if (cmp <= 0)
			pa += ea.len;
		if (cmp >= 0)
			pb += eb.len;
	}
	return 0;
}

/* tree_diff's visit for the followed files: goes down only into folders
 * that hold one, and adds their changes. */
static int visit_followed(struct walk *w, const struct rent *ea, const struct rent *eb, const struct buf *path,
			  const void *ctx)
{
	(void)ctx;
	if (rent_is_tree(ea ? ea : eb))
		return ext_has(w, path->ptr, path->len, 1);
	if (!ext_has(w, path->ptr, path->len, 0))
		return 0;
	int fa = ea && rent_is_file(ea), fb = eb && rent_is_file(eb);
	if (fa != fb || (fa && !git_oid_equal(rent_oid(ea), rent_oid(eb))))
		change_push(w, path->ptr, path->len, fb ? rent_oid(eb) : NULL, fa ? rent_oid(ea) : NULL)->ext = 1;
	return 0;
}

#define EXT_COMPARE_TOTAL 50000000 /* tree entries compared for followed files in a walk */

/* Adds to w->ch what commit n changed, against its first parent, in the
 * files being followed outside content/: the two trees are compared only
 * where they differ and hold such a file.  0 or negative on a read
 * error. */
static int ext_changes(struct walk *w, const struct node *n)
{
	const git_oid *pt = n->np ? &w->nodes[w->parents[n->pfirst]].tree : NULL;
	if (pt && git_oid_equal(pt, &n->tree))
		return 0;
	struct buf dir = BUF_INIT;
	int rc = tree_diff(w, &n->tree, pt, &dir, &w->ext_left, visit_followed, NULL);
	buf_free(&dir);
	return rc;
}

/* tree_diff's visit for the sources of a move (ctx: the site's content/
 * path in this commit, left out): each Markdown or text file the parent
 * held and the commit does not, not already followed, is added to w->ch
 * as one. */
static int visit_gone(struct walk *w, const struct rent *ea, const struct rent *eb, const struct buf *path,
		      const void *ctx)
{
	if (!eb)
		return 0; /* (only in the commit: nothing went) */
	if (rent_is_tree(eb))
		return strcmp(buf_cstr(path), ctx) != 0;
	if (!ea && rent_is_file(eb) && md_like(eb->name, eb->namelen) && !smap_get(&w->tracked, buf_cstr(path))) {
		struct change *c = change_push(w, path->ptr, path->len, rent_oid(eb), NULL);
		c->cand = c->ext = 1;
	}
	return 0;
}

/* Whether some added path of this commit is not yet explained by a
 * rename. */
static int unexplained_add(const struct walk *w)
{
	for (size_t i = 0; i < w->nch; i++) {
		const struct change *c = &w->ch[i];
		if (!c->dropped && !c->pair && c->has_new && !c->has_old && change_is_article(w, c))
			return 1;
	}
	return 0;
}

/* Pairs the articles commit n added with no source in content/ with files
 * it deleted elsewhere (see above); the deletions left unpaired are no
 * concern of the history.  0 or negative on a read error. */
static int follow_moved_in(struct walk *w, const struct node *n)
{
	/* (with content/ the repository's top, there is no elsewhere) */
	if (!n->np || !*w->content_path || !unexplained_add(w))
		return 0;
	const struct node *p = &w->nodes[w->parents[n->pfirst]];
	struct buf dir = BUF_INIT;
	size_t budget = w->outside_left < OUTSIDE_SEARCH_MAX ? w->outside_left : OUTSIDE_SEARCH_MAX, before = w->nch;
	size_t start = budget;
	int rc = tree_diff(w, &n->tree, &p->tree, &dir, &budget, visit_gone, n->cpath ? n->cpath : w->content_path);
	w->outside_left -= start - budget;
	buf_free(&dir);
	if (rc < 0 || w->nch == before)
		return rc;
	find_renames(w);
	for (size_t i = before; i < w->nch; i++)
		w->ch[i].dropped = 1; /* (paired or not: a source is never credited itself) */
	return 0;
}

/* ---- crediting ---- */

/* The site path of change c (relative to the site folder: "content/a.md",
 * or for a file outside content/ "wiki/a.md", or "../wiki/a.md" when the
 * site is in a folder of the repository) in an arena copy, with its cur
 * entry (created if need be). */
static struct smap_slot *path_slot(struct walk *w, const struct change *c)
{
	const char *rel = w->names.ptr + c->path, *prefix = w->h->prefix;
	size_t pl = strlen(prefix);
	buf_reset(&w->tmp);
	if (!c->ext) {
		buf_puts(&w->tmp, "content/");
	} else if (!strncmp(rel, prefix, pl)) {
		rel += pl;
	} else {
		for (const char *q = prefix; (q = strchr(q, '/')); q++)
			buf_puts(&w->tmp, "../");
	}
	buf_puts(&w->tmp, rel);
	struct smap_slot *s = smap_get(&w->cur, w->tmp.ptr);
	if (!s)
		s = smap_put(&w->cur, arena_strdup(&w->h->arena, w->tmp.ptr), 0);
	return s;
}

/* s (n bytes) converted from the encoding enc to UTF-8, a byte that
 * does not convert as U+FFFD; NULL when iconv does not know enc. */
static char *iconv_dup(const char *s, size_t n, const char *enc)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = 4 * n + 16, il = n, ol = cap - 1;
	char *out = xmalloc(cap), *in = (char *)s, *o = out;
	while (il && iconv(cd, &in, &il, &o, &ol) == (size_t)-1 && (errno == EILSEQ || errno == EINVAL) && ol >= 3) {
		memcpy(o, "\xEF\xBF\xBD", 3);
		o += 3, ol -= 3;
		in++, il--;
	}
	*o = '\0';
	iconv_close(cd);
	return out;
}

/* A commit's text (message, author) in UTF-8, in the arena: converted
 * from the encoding the commit declares (i18n.commitEncoding), and any
 * byte still not UTF-8 shown as U+FFFD, so the feed stays well-formed. */
static const char *commit_text(struct arena *a, const char *s, const char *enc)
{
	s = s ? s : "";
	size_t n = strlen(s);
	char *conv = enc && strcasecmp(enc, "UTF-8") && strcasecmp(enc, "UTF8") ? iconv_dup(s, n, enc) : NULL;
	char *valid = utf8_valid_dup(conv ? conv : s, conv ? strlen(conv) : n);
	const char *r = arena_strdup(a, valid);
	free(valid);
	free(conv);
	return r;
}

/* A commit libgit2 refuses to parse (an author line git itself writes
 * for a date before 1970 east of Greenwich, or one without <email>),
 * read from its raw object instead, as well as it can be: one odd commit
 * must not stop the site's history. */
struct raw_commit {
	git_oid tree;
	git_oid *parents;
	unsigned np;
	long long ctime, atime;
	int atz, ctz;
	char *name, *email, *message, *cname, *cemail;
};

static void raw_free(struct raw_commit *rc)
{
	free(rc->parents);
	free(rc->name);
	free(rc->email);
	free(rc->message);
	free(rc->cname);
	free(rc->cemail);
	memset(rc, 0, sizeof *rc);
}

/* "Name <email> 1234567890 +0100" (any part may be missing or wrong). */
/* A commit's date as quire keeps it: years 1 to 9999, else 0 (1970).
 * Anyone who can push a commit chooses its date, and one out of range
 * overflowed the arithmetic that prints it. */
static long long sane_time(long long t)
{
	return t < -62135596800LL || t > 253402300799LL ? 0 : t;
}

/* An offset east of Greenwich in minutes, within 14 hours, else 0. */
static int sane_tz(long long minutes)
{
	return minutes >= -14 * 60 && minutes <= 14 * 60 ? (int)minutes : 0;
}

/* Where the word before s + n starts, when it is made of a sign (or
 * none, unless sign), then digits alone; NULL otherwise. */
static const char *sig_number(const char *s, const char *e, int sign)
{
	const char *w = e;
	while (w > s && w[-1] >= '0' && w[-1] <= '9')
		w--;
	if (w == e)
		return NULL;
	if (w > s && (w[-1] == '+' || w[-1] == '-'))
		w--;
	else if (sign)
		return NULL;
	return w > s && w[-1] != ' ' ? NULL : w;
}

/* Where the date of a signature with no <email> starts ("Name
 * 1234567890 +0100"): its last two words, when they are a time and an
 * offset; s + n when they are not. */
static const char *sig_bare_date(const char *s, size_t n)
{
	const char *tzw = sig_number(s, s + n, 1);
	if (!tzw || tzw == s)
		return s + n;
	const char *tw = sig_number(s, tzw - 1, 0);
	return tw ? tw : s + n;
}

static void raw_sig(const char *s, size_t n, char **name, char **email, long long *time, int *tz)
{
	const char *lt = memchr(s, '<', n);
	const char *gt = lt ? memchr(lt, '>', n - (size_t)(lt - s)) : NULL;
	const char *date = gt ? gt + 1 : lt ? s + n : sig_bare_date(s, n);
	const char *ne = lt ? lt : date;
	while (ne > s && ne[-1] == ' ')
		ne--;
	*name = xstrndup(s, (size_t)(ne - s));
	*email = lt && gt ? xstrndup(lt + 1, (size_t)(gt - lt - 1)) : xstrdup("");
	char *rest = xstrndup(date, n - (size_t)(date - s));
	char *end;
	const char *digits = rest + strspn(rest, " ");
	/* git writes a date before 1970 east of Greenwich as the unsigned
	 * wrap-around of a negative number */
	*time = sane_time(*digits == '-' ? strtoll(digits, &end, 10) : (long long)strtoull(digits, &end, 10));
	long off = strtol(end, NULL, 10);
	*tz = off >= -1400 && off <= 1400 ? (int)(off / 100 * 60 + off % 100) : 0;
	free(rest);
}

static int raw_commit(struct walk *w, const git_oid *id, struct raw_commit *rc)
{
	git_odb_object *obj = NULL;
	memset(rc, 0, sizeof *rc);
	if (git_odb_read(&obj, w->odb, id) < 0 || git_odb_object_type(obj) != GIT_OBJECT_COMMIT) {
		git_odb_object_free(obj);
		return -1;
	}
	const char *p = git_odb_object_data(obj), *end = p + git_odb_object_size(obj);
	int has_tree = 0;
	while (p < end && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n >= 45 && !strncmp(p, "tree ", 5) && git_oid_fromstrn(&rc->tree, p + 5, 40) == 0) {
			has_tree = 1;
		} else if (n >= 47 && !strncmp(p, "parent ", 7)) {
			rc->parents = xrealloc(rc->parents, (rc->np + 1) * sizeof *rc->parents);
			if (git_oid_fromstrn(&rc->parents[rc->np], p + 7, 40) == 0)
				rc->np++;
		} else if (!strncmp(p, "author ", 7) && !rc->name) {
			raw_sig(p + 7, n - 7, &rc->name, &rc->email, &rc->atime, &rc->atz);
		} else if (!strncmp(p, "committer ", 10) && !rc->cname) {
			raw_sig(p + 10, n - 10, &rc->cname, &rc->cemail, &rc->ctime, &rc->ctz);
		}
		p = nl ? nl + 1 : end;
	}
	rc->message = p < end ? xstrndup(p + 1, (size_t)(end - p - 1)) : xstrdup("");
	git_odb_object_free(obj);
	if (!has_tree) {
		raw_free(rc);
		return -1;
	}
	char hex[41];
	git_oid_tostr(hex, sizeof hex, id);
	diag_warning(w->d, NULL, 0, 0, "history: commit %.10s has a header git's library cannot read (%s); "
		     "it is read as well as it can be", hex, git_error_last() ? git_error_last()->message : "?");
	return 0;
}

static int raw_commit_info(struct walk *w, const struct node *n);

static int load_commit_info(struct walk *w, const struct node *n)
{
	if (w->ci_node == n)
		return 0;
	git_commit *c = NULL;
	if (git_commit_lookup(&c, w->repo, &n->id) < 0)
		return raw_commit_info(w, n);
	const git_signature *sig = git_commit_author(c);
	const char *name = sig->name, *email = sig->email;
	if (w->mailmap)
		git_mailmap_resolve(&name, &email, w->mailmap, sig->name, sig->email);
	struct arena *a = &w->h->arena;
	const char *enc = git_commit_message_encoding(c);
	w->ci_author = commit_text(a, name, enc);
	w->ci_email = commit_text(a, email, enc);
	const char *subject = git_commit_summary(c), *body = git_commit_body(c);
	w->ci_subject = commit_text(a, subject, enc);
	w->ci_body = commit_text(a, body, enc);
	w->ci_time = sane_time(sig->when.time);
	w->ci_tz = sane_tz(sig->when.offset);
	const git_signature *cs = git_commit_committer(c);
	const char *cname = cs->name, *cemail = cs->email;
	if (w->mailmap)
		git_mailmap_resolve(&cname, &cemail, w->mailmap, cs->name, cs->email);
	w->ci_committer = commit_text(a, cname, enc);
	w->ci_ctime = sane_time(cs->when.time);
	w->ci_ctz = sane_tz(cs->when.offset);
	w->ci_node = n;
	git_commit_free(c);
	return 0;
}

/* load_commit_info for a commit read raw (see raw_commit). */
static int raw_commit_info(struct walk *w, const struct node *n)
{
	struct raw_commit rc;
	if (raw_commit(w, &n->id, &rc) < 0)
		return -1;
	struct arena *a = &w->h->arena;
	/* (HEAD's .mailmap names people here too) */
	const char *name = rc.name, *email = rc.email, *cname = rc.cname, *cemail = "";
	if (w->mailmap) {
		git_mailmap_resolve(&name, &email, w->mailmap, rc.name, rc.email);
		git_mailmap_resolve(&cname, &cemail, w->mailmap, rc.cname ? rc.cname : "", rc.cemail ? rc.cemail : "");
	}
	w->ci_author = commit_text(a, name, NULL);
	w->ci_email = commit_text(a, email, NULL);
	/* the subject: the first paragraph on one line, as git_commit_summary */
	char *msg = rc.message, *para = strstr(msg, "\n\n");
	char *subject = xstrndup(msg, para ? (size_t)(para - msg) : strlen(msg));
	for (char *q = subject; *q; q++)
		if (*q == '\n')
			*q = ' ';
	size_t sl = strlen(subject);
	while (sl && subject[sl - 1] == ' ')
		subject[--sl] = '\0';
	w->ci_subject = commit_text(a, subject, NULL);
	w->ci_body = commit_text(a, para ? para + 2 + strspn(para + 2, "\n") : "", NULL);
	free(subject);
	w->ci_time = rc.atime;
	w->ci_tz = rc.atz;
	w->ci_committer = commit_text(a, cname, NULL);
	w->ci_ctime = rc.ctime;
	w->ci_ctz = rc.ctz;
	w->ci_node = n;
	raw_free(&rc);
	return 0;
}

/* A new, zeroed revision at the end of r's list (the oldest so far). */
static struct hist_rev *rev_push(struct record *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		r->revs = xrealloc(r->revs, r->cap * sizeof(*r->revs));
	}
	struct hist_rev *v = &r->revs[r->n++];
	memset(v, 0, sizeof(*v));
	return v;
}

/* The slot of a path an article was moved to: older changes there were
 * another article's (one withdrawn before the move took its address),
 * not this one's, and are not credited to it.  Its history, whose
 * addresses are this one's, is not published: see credit. */
#define SLOT_DISPLACED ((size_t)-1)

static int credit(struct walk *w, const struct node *n, const struct change *c, const struct change *from)
{
	if (load_commit_info(w, n) < 0)
		return -1;
	struct smap_slot *s = path_slot(w, c);
	const char *path = s->key;
	if (s->val == SLOT_DISPLACED)
		return 0;
	if (!s->val) {
		if (w->nrecs == w->caprecs) {
			w->caprecs = w->caprecs ? w->caprecs * 2 : 64;
			w->recs = xrealloc(w->recs, w->caprecs * sizeof(*w->recs));
		}
		memset(&w->recs[w->nrecs], 0, sizeof(*w->recs));
		w->recs[w->nrecs].path = path;
		s->val = ++w->nrecs;
	}
	size_t ri = s->val - 1;
	struct record *r = &w->recs[ri];
	struct hist_rev *v = rev_push(r);
	git_oid_tostr(v->id, sizeof(v->id), &n->id);
	v->author = (char *)w->ci_author;
	v->email = (char *)w->ci_email;
	v->subject = (char *)w->ci_subject;
	v->body = (char *)w->ci_body;
	v->time = w->ci_time;
	v->tz_minutes = w->ci_tz;
	v->committed = w->ci_ctime;
	v->committed_tz = w->ci_ctz;
	v->committer = (char *)w->ci_committer;
	v->order = w->ci_order;
	v->path = (char *)path;
	if (c->has_new)
		git_oid_tostr(v->blob, sizeof(v->blob), &c->new);
	/* A revision's diff is with its first parent's file, not with the
	 * revision listed below it: on a branch that is another branch's. */
	const struct change *was = from ? from : c;
	if (was->has_old)
		git_oid_tostr(v->base, sizeof(v->base), &was->old);
	v->change = from ? HIST_RENAMED : !c->has_old ? HIST_ADDED : !c->has_new ? HIST_DELETED
										  : HIST_MODIFIED;
	if (n->boundary)
		r->truncated = 1;
	if (from) {
		/* older commits name this file by its old path */
		struct smap_slot *o = path_slot(w, from);
		v->old_path = (char *)o->key;
		o->val = ri + 1;
		if (from->ext)
			ext_track(w, w->names.ptr + from->path);
		/* (path_slot may have moved the table: looked up again) */
		smap_get(&w->cur, path)->val = SLOT_DISPLACED;
	}
	return 0;
}

/* Credits what commit seq changed (planned by plan_diff). */
static int process_commit(struct walk *w, const struct plan *pl, size_t seq)
{
	w->ci_order = (uint32_t)(pl->norder - seq);
	w->nodes[pl->order[seq]].order = w->ci_order;
	const struct node *n = &w->nodes[pl->order[seq]];
	int rc;
	take_changes(w, pl, seq);
	if (w->next && (rc = ext_changes(w, n)) < 0)
		return rc;
	if (!w->nch)
		return 0;
	/* Renames first: a merge that took a rename from one side and an
	 * edit of the old path from the other made a renamed, edited file,
	 * not a new one (its deletion alone was the other side's). */
	find_replacements(w);
	find_renames(w);
	if ((rc = follow_moved_in(w, n)) < 0)
		return rc;
	if (n->np > 1 && (rc = filter_merge(w, n)) < 0)
		return rc;
	for (size_t i = 0; i < w->nch; i++) {
		const struct change *c = &w->ch[i];
		if (c->dropped)
			continue;
		if (credit(w, n, c, c->pair ? &w->ch[c->pair - 1] : NULL) < 0)
			return -1;
	}
	return 0;
}

/* ---- the commit graph ---- */

static uint32_t node_get(struct walk *w, const git_oid *id, uint32_t **stack, size_t *nstack,
			 size_t *capstack)
{
	struct omap_slot *s = omap_find(&w->index, id);
	if (s)
		return (uint32_t)(uintptr_t)s->val - 1;
	if (w->nnodes == w->capnodes) {
		w->capnodes = w->capnodes ? w->capnodes * 2 : 256;
		w->nodes = xrealloc(w->nodes, w->capnodes * sizeof(*w->nodes));
	}
	uint32_t i = (uint32_t)w->nnodes++;
	memset(&w->nodes[i], 0, sizeof(w->nodes[i]));
	git_oid_cpy(&w->nodes[i].id, id);
	omap_put(&w->index, id, (void *)(uintptr_t)(i + 1));
	if (*nstack == *capstack) {
		*capstack = *capstack ? *capstack * 2 : 256;
		*stack = xrealloc(*stack, *capstack * sizeof(**stack));
	}
	(*stack)[(*nstack)++] = i;
	return i;
}

/* Loads every commit reachable from head.  A parent that is not in the
 * object database (a shallow clone's boundary) is dropped; when it is the
 * first parent the commit counts as a boundary with no parents. */
static int load_graph(struct walk *w, const git_oid *head)
{
	uint32_t *stack = NULL;
	size_t nstack = 0, capstack = 0;
	int rc = 0;
	node_get(w, head, &stack, &nstack, &capstack);
	while (nstack) {
		uint32_t i = stack[--nstack];
		git_commit *c = NULL;
		rc = git_commit_lookup(&c, w->repo, &w->nodes[i].id);
		if (rc == GIT_ENOTFOUND) {
			w->nodes[i].missing = 1;
			rc = 0;
			continue;
		}
		struct raw_commit raw = { 0 };
		if (rc < 0 && raw_commit(w, &w->nodes[i].id, &raw) < 0)
			goto fail;
		struct node *n = &w->nodes[i];
		git_oid_cpy(&n->tree, c ? git_commit_tree_id(c) : &raw.tree);
		n->ctime = c ? git_commit_time(c) : raw.ctime;
		n->loaded = 1;
		n->pfirst = (uint32_t)w->nparents;
		unsigned np = c ? git_commit_parentcount(c) : raw.np;
		if (omap_find(&w->shallow, &n->id)) {
			n->boundary = np > 0;
			np = 0;
		}
		for (unsigned k = 0; k < np; k++) {
			uint32_t p = node_get(w, c ? git_commit_parent_id(c, k) : &raw.parents[k], &stack, &nstack,
					      &capstack);
			if (w->nparents == w->capparents) {
				w->capparents = w->capparents ? w->capparents * 2 : 256;
				w->parents = xrealloc(w->parents, w->capparents * sizeof(*w->parents));
			}
			w->parents[w->nparents++] = p;
		}
		w->nodes[i].np = np;
		git_commit_free(c);
		raw_free(&raw);
		rc = 0;
	}
	for (size_t i = 0; i < w->nnodes; i++) {
		struct node *n = &w->nodes[i];
		if (!n->loaded)
			continue;
		if (n->np && w->nodes[w->parents[n->pfirst]].missing) {
			n->np = 0;
			n->boundary = 1;
		}
		uint32_t k = 0;
		for (uint32_t j = 0; j < n->np; j++) {
			uint32_t p = w->parents[n->pfirst + j];
			if (!w->nodes[p].missing)
				w->parents[n->pfirst + k++] = p;
		}
		n->np = k;
		for (uint32_t j = 0; j < n->np; j++)
			w->nodes[w->parents[n->pfirst + j]].pending++;
	}
fail:
	free(stack);
	return rc;
}

/* Heap order: newer committer time first, then discovery order. */
static int node_before(const struct walk *w, uint32_t a, uint32_t b)
{
	if (w->nodes[a].ctime != w->nodes[b].ctime)
		return w->nodes[a].ctime > w->nodes[b].ctime;
	return a < b;
}

static void heap_push(const struct walk *w, uint32_t *heap, size_t *n, uint32_t v)
{
	size_t i = (*n)++;
	heap[i] = v;
	while (i && node_before(w, heap[i], heap[(i - 1) / 2])) {
		uint32_t t = heap[i];
		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static uint32_t heap_pop(const struct walk *w, uint32_t *heap, size_t *n)
{
	uint32_t top = heap[0];
	heap[0] = heap[--*n];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < *n && node_before(w, heap[l], heap[m]))
			m = l;
		if (r < *n && node_before(w, heap[r], heap[m]))
			m = r;
		if (m == i)
			break;
		uint32_t t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
	return top;
}

/* The walk order: every commit, children before parents, newest first
 * otherwise. */
static void walk_order(struct walk *w, struct plan *pl)
{
	uint32_t *heap = xmalloc((w->nnodes + 1) * sizeof(*heap));
	size_t nheap = 0;
	pl->order = xmalloc((w->nnodes + 1) * sizeof(*pl->order));
	if (w->nodes[0].loaded)
		heap_push(w, heap, &nheap, 0);
	while (nheap) {
		uint32_t i = heap_pop(w, heap, &nheap);
		const struct node *n = &w->nodes[i];
		pl->order[pl->norder++] = i;
		for (uint32_t k = 0; k < n->np; k++) {
			uint32_t p = w->parents[n->pfirst + k];
			if (--w->nodes[p].pending == 0)
				heap_push(w, heap, &nheap, p);
		}
	}
	free(heap);
}

/* ---- merges that kept one side ---- */

/* The merge that kept text (a file's blob at rel; NULL: its absence) over another parent's:
 * the newest (in the walk) among the ancestors of commit from that still
 * hold text (from itself too when self_ok; HEAD holds its own text, a
 * revision's commit only its base), found by following the parents that
 * hold it (so a conflict settled on a branch, by merging main into it, is
 * found as well as one settled on main).  Only one newer than order
 * counts, so no commit at or below it is looked into: the walk order puts
 * children first, so their ancestors cannot count either.  Returns its
 * node, -1 when there is none (or the lookups run out), -2 on a read
 * error. */
static long settling_merge(struct walk *w, uint32_t from, int self_ok, const char *rel, const git_oid *text,
			   uint32_t order, size_t *budget, uint32_t *seen, uint32_t stamp)
{
	uint32_t *stack = xmalloc(sizeof *stack);
	size_t n = 0, cap = 1;
	long best = -1;
	stack[n++] = from;
	seen[from] = stamp;
	while (n) {
		const struct node *c = &w->nodes[stack[--n]];
		long self = (long)(c - w->nodes);
		if (!c->loaded)
			continue;
		int differs = 0;
		for (uint32_t k = 0; k < c->np; k++) {
			uint32_t p = w->parents[c->pfirst + k];
			git_oid b;
			if (!*budget) {
				free(stack);
				return -1; /* a long line of commits: left as it is */
			}
			(*budget)--;
			int rc = blob_at(w, &w->nodes[p], rel, &b);
			if (rc < 0) {
				free(stack);
				return -2;
			}
			if (text ? !rc || !git_oid_equal(&b, text) : rc > 0) {
				differs = 1;
				continue;
			}
			if (seen[p] == stamp || w->nodes[p].order <= order)
				continue;
			seen[p] = stamp;
			if (n == cap)
				stack = xrealloc(stack, (cap *= 2) * sizeof *stack);
			stack[n++] = p;
		}
		if (differs && c->np > 1 && c->order > order && (self_ok || self != (long)from) &&
		    (best < 0 || c->order > w->nodes[best].order))
			best = self;
	}
	free(stack);
	return best;
}

/* Lists merge m in r at place at, as the revision that made text (hex; NULL:
 * deleted the file) at path from the revision listed below it. */
static int list_merge(struct walk *w, struct record *r, size_t at, long m, const char *hex, const char *path)
{
	const struct node *n = &w->nodes[m];
	if (load_commit_info(w, n) < 0)
		return -1;
	rev_push(r); /* then the list from at moves down one */
	memmove(&r->revs[at + 1], &r->revs[at], (r->n - 1 - at) * sizeof *r->revs);
	struct hist_rev *v = &r->revs[at];
	const struct hist_rev *below = &r->revs[at + 1];
	*v = (struct hist_rev){ .author = (char *)w->ci_author, .email = (char *)w->ci_email,
				.subject = (char *)w->ci_subject, .body = (char *)w->ci_body,
				.time = w->ci_time, .tz_minutes = w->ci_tz, .committed = w->ci_ctime,
				.committed_tz = w->ci_ctz, .committer = (char *)w->ci_committer, .order = n->order,
				.path = (char *)path, .change = HIST_MODIFIED };
	git_oid_tostr(v->id, sizeof v->id, &n->id);
	if (!hex) {
		v->change = HIST_DELETED;
		v->path = below->path;
		memcpy(v->base, below->blob, sizeof v->base);
		return 0;
	}
	memcpy(v->blob, hex, sizeof v->blob);
	if (below->change == HIST_DELETED) {
		v->change = HIST_ADDED; /* kept over a deletion */
	} else {
		memcpy(v->base, below->blob, sizeof v->base);
		if (strcmp(below->path, path)) {
			v->change = HIST_RENAMED;
			v->old_path = below->path;
		}
	}
	return 0;
}

/* A merge whose result is one parent's file is not a revision (see
 * history.h), so when the other side's edit is newer it is listed above
 * the older edit whose text the merge kept, and reads as the text that
 * followed: as the current text when nothing came after, or, once an
 * edit follows, as what that edit started from, the merge gone from
 * the record.  Wherever a revision's starting text (HEAD's text, for the
 * newest) is not the text of the revision listed below it, the merge
 * that kept it is looked for among the commits between the two, and
 * listed there, showing what it changed from the revision below it.  (On
 * a branch, a revision may well start from a text other than the one
 * listed below it: then no merge is found.) */
#define SETTLE_LOOKUPS_MAX 100000 /* files looked up in ancestors, in all */

static int settle_merges(struct walk *w)
{
	size_t budget = SETTLE_LOOKUPS_MAX;
	uint32_t *seen = xcalloc(w->nnodes + 1, sizeof *seen), stamp = 0; /* stamped per search */
	int rc = 0;
	for (size_t ri = 0; ri < w->nrecs && rc == 0; ri++) {
		struct record *r = &w->recs[ri];
		struct smap_slot *hs = r->n ? smap_get(&w->head, r->path) : NULL;
		char hex[GIT_OID_HEXSZ + 1];
		/* (a shallow clone's boundary is no edit to be newer than) */
		if (hs && !hist_is_boundary(w->h, &r->revs[0])) {
			git_oid_tostr(hex, sizeof hex, &w->head_blob[hs->val - 1]);
			long m = strcmp(r->revs[0].blob, hex)
					 ? settling_merge(w, 0, 1, r->path + strlen("content/"), &w->head_blob[hs->val - 1],
							  r->revs[0].order, &budget, seen, ++stamp)
					 : -1;
			if (m == -2 || (m >= 0 && list_merge(w, r, 0, m, hex, r->path) < 0))
				rc = -1;
		} else if (!hs && r->n && r->revs[0].change != HIST_DELETED && !hist_is_boundary(w->h, &r->revs[0]) &&
			   !strncmp(r->path, "content/", 8)) {
			/* gone at HEAD, though its newest revision left it there:
			 * a merge kept one side's deletion over the other's edit */
			long m = settling_merge(w, 0, 1, r->path + strlen("content/"), NULL, r->revs[0].order, &budget,
						seen, ++stamp);
			if (m == -2 || (m >= 0 && list_merge(w, r, 0, m, NULL, r->revs[0].path) < 0))
				rc = -1;
		}
		for (size_t i = 0; i + 1 < r->n && rc == 0; i++) {
			const struct hist_rev *v = &r->revs[i], *below = &r->revs[i + 1];
			const char *path = v->old_path ? v->old_path : v->path;
			git_oid base, id;
			struct omap_slot *at;
			if (!*v->base || (below->change != HIST_DELETED && !strcmp(v->base, below->blob)))
				continue;
			if (hist_is_boundary(w->h, below) || strncmp(path, "content/", 8) ||
			    git_oid_fromstr(&base, v->base) < 0 || git_oid_fromstr(&id, v->id) < 0 ||
			    !(at = omap_find(&w->index, &id)))
				continue;
			memcpy(hex, v->base, sizeof hex);
			long m = settling_merge(w, (uint32_t)(uintptr_t)at->val - 1, 0, path + strlen("content/"), &base,
						below->order, &budget, seen, ++stamp);
			if (m == -2 || (m >= 0 && list_merge(w, r, i + 1, m, hex, path) < 0))
				rc = -1;
		}
	}
	free(seen);
	return rc;
}

/* ---- branches ---- */

/* Which commits were made on a branch, and which main-line merge brought
 * each in: HEAD's first parents are the main line; a main-line merge's
 * other parents, and their ancestors not already on the main line or
 * brought in by an older merge, came in with it.  The merges are taken
 * oldest first, so each commit goes to the first that included it. */
static void mark_branches(struct walk *w)
{
	uint32_t *line = NULL, *stack = NULL;
	size_t nline = 0, capline = 0, nstack = 0, capstack = 0;
	for (uint32_t i = 0;;) {
		struct node *n = &w->nodes[i];
		if (nline == capline)
			line = xrealloc(line, (capline = capline ? 2 * capline : 64) * sizeof *line);
		line[nline++] = i;
		n->on_main = 1;
		if (!n->loaded || !n->np || w->nodes[w->parents[n->pfirst]].on_main)
			break;
		i = w->parents[n->pfirst];
	}
	for (size_t c = nline; c-- > 0;) {
		const struct node *m = &w->nodes[line[c]];
		for (uint32_t k = 1; m->loaded && k < m->np; k++) {
			nstack = 0;
			if (nstack == capstack)
				stack = xrealloc(stack, (capstack = capstack ? 2 * capstack : 64) * sizeof *stack);
			stack[nstack++] = w->parents[m->pfirst + k];
			while (nstack) {
				struct node *x = &w->nodes[stack[--nstack]];
				if (x->on_main || x->merged_by)
					continue;
				x->merged_by = line[c] + 1;
				for (uint32_t j = 0; x->loaded && j < x->np; j++) {
					if (nstack == capstack)
						stack = xrealloc(stack, (capstack = capstack ? 2 * capstack : 64) * sizeof *stack);
					stack[nstack++] = w->parents[x->pfirst + j];
				}
			}
		}
	}
	free(line);
	free(stack);
}

/* A version's paragraphs, for telling whether a merge kept a branch's
 * change: a hash of each run of lines between blank lines, and of each
 * front-matter line on its own (a title changed on one side and the
 * summary on the other combine), sorted.  Lines are compared without
 * their trailing spaces or CR. */
struct paras {
	uint64_t *h;
	size_t n, cap;
};

static void paras_add(struct paras *p, uint64_t h)
{
	if (p->n == p->cap)
		p->h = xrealloc(p->h, (p->cap = p->cap ? 2 * p->cap : 16) * sizeof *p->h);
	p->h[p->n++] = h;
}

#define FNV_BASIS 14695981039346656037ULL

/* h (FNV-1a) carried on over s. */
static uint64_t fnv_more(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* Adds the paragraphs of s to p, and sorts them (struct paras).  A front-
 * matter line's hash is told from a paragraph's of the same text. */
static void paras_split(struct paras *p, const char *s, size_t len)
{
	uint64_t h = FNV_BASIS;
	int open = 0, fm = 0; /* fm: 1 in the front matter, 2 past it */
	for (size_t i = 0, e; i < len; i = e + 1) {
		for (e = i; e < len && s[e] != '\n'; e++)
			;
		size_t te = e;
		while (te > i && (s[te - 1] == ' ' || s[te - 1] == '\t' || s[te - 1] == '\r'))
			te--;
		int fence = te - i == 3 && !memcmp(s + i, "---", 3);
		int in_fm = fm == 1 || (i == 0 && fence);
		fm = fm == 1 ? (fence ? 2 : 1) : i == 0 && fence ? 1 : 2;
		if (in_fm || te == i) {
			if (open)
				paras_add(p, h);
			if (in_fm)
				paras_add(p, fnv_more(FNV_BASIS, s + i, te - i) ^ 1);
			h = FNV_BASIS;
			open = 0;
			continue;
		}
		h = fnv_more(open ? fnv_more(h, "\n", 1) : h, s + i, te - i);
		open = 1;
	}
	if (open)
		paras_add(p, h);
	if (p->n)
		qsort(p->h, p->n, sizeof *p->h, u64_cmp);
}

/* Reads blob id's paragraphs into p (id NULL: no file, none): 0, or -1
 * when it cannot be read or is past the limit on an article, which is
 * never inflated.  Caller frees p->h. */
static int paras_read(struct walk *w, const git_oid *id, struct paras *p)
{
	git_blob *blob = NULL;
	size_t size;
	git_object_t type;
	*p = (struct paras){ 0 };
	if (!id)
		return 0;
	if (git_odb_read_header(&size, &type, w->odb, id) < 0 || size > FS_MAX_FILE ||
	    git_blob_lookup(&blob, w->repo, id) < 0) {
		git_error_clear();
		return -1;
	}
	paras_split(p, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return 0;
}

static int paras_has(const struct paras *p, uint64_t h)
{
	return p->n && bsearch(&h, p->h, p->n, sizeof *p->h, u64_cmp) != NULL;
}

/* Whether merged kept the change from base to tip: every paragraph tip
 * added reads in it, and none that tip took out. */
static int paras_kept(const struct paras *base, const struct paras *tip, const struct paras *merged)
{
	for (size_t i = 0; i < tip->n; i++)
		if (!paras_has(base, tip->h[i]) && !paras_has(merged, tip->h[i]))
			return 0;
	for (size_t i = 0; i < base->n; i++)
		if (!paras_has(tip, base->h[i]) && paras_has(merged, base->h[i]))
			return 0;
	return 1;
}

/* Whether merged has a paragraph neither side had: the merger's own. */
static int paras_own(const struct paras *merged, const struct paras *first, const struct paras *tip)
{
	for (size_t i = 0; i < merged->n; i++)
		if (!paras_has(first, merged->h[i]) && !paras_has(tip, merged->h[i]))
			return 1;
	return 0;
}

/* For a merge (its first parent first) whose text (merged) is neither its
 * first parent's (main) nor the branch's (at tip: the newest revision of
 * the file it brought in): whether it kept what the branch changed since
 * the two sides parted (the merge base of first and tip), whatever the
 * main line did meanwhile (merge_fate).  Any blob may be NULL: no file.
 * What cannot be told (no merge base in a shallow clone, a file past the
 * limit) is left KEPT.  -1 on a read error. */
/* git_merge_base of a and b, asked once per pair: a branch commit that
 * touched 2,000 files is one question, not 2,000 walks of the graph.
 * 0, or -1 when they have none. */
static int merge_base_of(struct walk *w, const git_oid *a, const git_oid *b, git_oid *out)
{
	char key[2 * GIT_OID_HEXSZ + 2];
	git_oid_tostr(key, GIT_OID_HEXSZ + 1, a);
	key[GIT_OID_HEXSZ] = ':';
	git_oid_tostr(key + GIT_OID_HEXSZ + 1, GIT_OID_HEXSZ + 1, b);
	if (!w->merge_bases)
		w->merge_bases = json_object();
	const char *known = json_string_value(json_object_get(w->merge_bases, key));
	if (known)
		return *known && git_oid_fromstr(out, known) == 0 ? 0 : -1;
	int rc = git_merge_base(out, w->repo, a, b);
	char hex[GIT_OID_HEXSZ + 1] = "";
	if (rc == 0)
		git_oid_tostr(hex, sizeof hex, out);
	git_error_clear();
	json_object_set_new(w->merge_bases, key, json_string(hex));
	return rc < 0 ? -1 : 0;
}

/* A blob (NULL: none, read as empty) as git_merge_file takes it; *blob
 * to free with git_blob_free.  -1 when it cannot be read. */
static int merge_input(struct walk *w, const git_oid *id, git_merge_file_input *in, git_blob **blob)
{
	*blob = NULL;
	if (id && git_blob_lookup(blob, w->repo, id) < 0)
		return -1;
	in->ptr = *blob ? git_blob_rawcontent(*blob) : "";
	in->size = *blob ? (size_t)git_blob_rawsize(*blob) : 0;
	return 0;
}

/* Whether merged is what git's own line merge of the branch's text into
 * the main line's makes, with no conflict (base: their common
 * ancestor's): the merge kept both changes as they were.  1, 0, or 0 when
 * a blob cannot be read (the paragraphs then judge). */
static int merge_is_clean(struct walk *w, const git_oid *base, const git_oid *main, const git_oid *branch,
			  const git_oid *merged)
{
	git_merge_file_input in[4];
	git_blob *b[4] = { NULL, NULL, NULL, NULL };
	for (int k = 0; k < 4; k++)
		git_merge_file_input_init(&in[k], GIT_MERGE_FILE_INPUT_VERSION);
	const git_oid *ids[4] = { base, main, branch, merged };
	git_merge_file_result res = { 0 };
	int clean = 0;
	for (int k = 0; k < 4; k++)
		if (merge_input(w, ids[k], &in[k], &b[k]) < 0)
			goto done;
	if (git_merge_file(&res, &in[0], &in[1], &in[2], NULL) == 0 && res.automergeable)
		clean = res.len == in[3].size && !memcmp(res.ptr, in[3].ptr, res.len);
done:
	git_merge_file_result_free(&res);
	for (int k = 0; k < 4; k++)
		git_blob_free(b[k]);
	git_error_clear();
	return clean;
}

static int merge_paras(struct walk *w, const struct node *first, const struct hist_rev *tip, const git_oid *merged,
		       const git_oid *main, const git_oid *branch, int *fate, int *combined)
{
	git_oid tid, bid, at_base;
	struct omap_slot *bs;
	if (git_oid_fromstr(&tid, tip->id) < 0)
		return 0;
	if (merge_base_of(w, &first->id, &tid, &bid) < 0)
		return 0;
	if (!(bs = omap_find(&w->index, &bid)))
		return 0;
	int rbase = blob_at(w, &w->nodes[(uintptr_t)bs->val - 1], tip->path + 8, &at_base);
	if (rbase < 0)
		return -1;
	/* git's own merge of the two, line by line, is what the merge made:
	 * both changes kept (a list edited on both sides is no conflict) */
	if (merge_is_clean(w, rbase ? &at_base : NULL, main, branch, merged)) {
		*combined = 1;
		return 0;
	}
	struct paras pb, pt, pm, pf;
	int ok = paras_read(w, rbase ? &at_base : NULL, &pb) == 0;
	ok = paras_read(w, branch, &pt) == 0 && ok;
	ok = paras_read(w, merged, &pm) == 0 && ok;
	ok = paras_read(w, main, &pf) == 0 && ok;
	if (ok && !paras_kept(&pb, &pt, &pm))
		*fate = HIST_MERGE_SETTLED;
	else if (ok)
		*combined = paras_own(&pm, &pf, &pt) ? 2 : 1;
	free(pb.h);
	free(pt.h);
	free(pm.h);
	free(pf.h);
	return 0;
}

/* How merge m took the branch's change to the file whose newest revision
 * it brought in is tip (enum hist_merge_fate, in *fate), and so what the
 * merge's own revision of the file, if any, is (*combined, as
 * hist_rev.merge_combined).  Returns -1 on a read error. */
static int merge_fate(struct walk *w, const struct node *m, const struct hist_rev *tip, int *fate, int *combined)
{
	*fate = HIST_MERGE_KEPT;
	*combined = 0;
	if (strncmp(tip->path, "content/", 8) || !m->np)
		return 0; /* (a file outside content/ then is not compared) */
	const struct node *first = &w->nodes[w->parents[m->pfirst]];
	git_oid after, before, at_tip;
	int ra = blob_at(w, m, tip->path + 8, &after);
	int rb = ra < 0 ? ra : blob_at(w, first, tip->path + 8, &before);
	if (rb < 0)
		return -1;
	if (ra == rb && (!ra || git_oid_equal(&after, &before))) {
		*fate = HIST_MERGE_UNCHANGED; /* the main line's text */
		return 0;
	}
	int rt = *tip->blob && git_oid_fromstr(&at_tip, tip->blob) == 0;
	if (ra == rt && (!ra || git_oid_equal(&after, &at_tip)))
		return 0; /* the branch's, whole */
	return merge_paras(w, first, tip, ra ? &after : NULL, rb ? &before : NULL, rt ? &at_tip : NULL, fate,
			   combined);
}

/* Marks merge (hex)'s own revision in r, if it has one, as combining a
 * branch's change with the main line's (hist_rev.merge_combined). */
static void mark_combined(struct record *r, const char *merge, int combined)
{
	for (size_t j = 0; j < r->n; j++)
		if (!strcmp(r->revs[j].id, merge) && r->revs[j].merge_combined < combined)
			r->revs[j].merge_combined = combined;
}

/* Tells each revision made on a branch which merge brought it in, when
 * (the merge's author date, as every revision's), and what the merge
 * did with the branch's change (merge_fate). */
static int note_merged(struct walk *w)
{
	for (size_t ri = 0; ri < w->nrecs; ri++)
		for (size_t k = 0; k < w->recs[ri].n; k++) {
			struct hist_rev *v = &w->recs[ri].revs[k];
			git_oid id;
			struct omap_slot *at;
			if (git_oid_fromstr(&id, v->id) < 0 || !(at = omap_find(&w->index, &id)))
				continue;
			uint32_t m = w->nodes[(uintptr_t)at->val - 1].merged_by;
			if (!m)
				continue;
			const struct node *mn = &w->nodes[m - 1];
			if (load_commit_info(w, mn) < 0)
				return -1;
			git_oid_tostr(v->merged, sizeof v->merged, &mn->id);
			v->merged_time = w->ci_time;
			v->merged_tz = w->ci_tz;
			v->merged_order = mn->order;
			v->merger = (char *)w->ci_author;
			/* the file where the branch left it: its newest revision
			 * the merge brought in, told above (newest first) */
			const struct hist_rev *tip = v;
			for (size_t j = 0; j < k && tip == v; j++)
				if (!strcmp(w->recs[ri].revs[j].merged, v->merged))
					tip = &w->recs[ri].revs[j];
			if (tip != v) {
				v->merge_dropped = tip->merge_dropped;
				continue;
			}
			int combined;
			if (merge_fate(w, mn, v, &v->merge_dropped, &combined) < 0)
				return -1;
			if (combined)
				mark_combined(&w->recs[ri], v->merged, combined);
		}
	return 0;
}

static int walk_commits(struct walk *w)
{
	struct plan pl = { 0 };
	int rc;
	walk_order(w, &pl);
	if ((rc = plan_diff(w, &pl, w->jobs)) < 0)
		goto done;
	for (size_t seq = 0; seq < pl.norder; seq++) {
		if ((rc = process_commit(w, &pl, seq)) < 0)
			break;
		tree_rotate(w);
	}
done:
	plan_free(&pl);
	return rc;
}

/* ---- loading ---- */

static int hex_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The commits .git/shallow lists, sorted (see hist_is_boundary). */
static void read_bounds(struct history *h)
{
	char *path = xasprintf("%sshallow", git_repository_commondir(h->repo));
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return;
	char line[128];
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		if (strspn(line, "0123456789abcdef") != GIT_OID_HEXSZ)
			continue;
		if (h->nbounds == cap) {
			cap = cap ? 2 * cap : 8;
			h->bounds = xrealloc(h->bounds, cap * sizeof *h->bounds);
		}
		memcpy(h->bounds[h->nbounds], line, GIT_OID_HEXSZ);
		h->bounds[h->nbounds++][GIT_OID_HEXSZ] = '\0';
	}
	fclose(f);
	if (h->nbounds)
		qsort(h->bounds, h->nbounds, sizeof *h->bounds, hex_cmp);
}

/* The boundary commits read_bounds found, for the walk to look up. */
static void read_shallow(struct walk *w)
{
	for (size_t i = 0; i < w->h->nbounds; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, w->h->bounds[i]) == 0)
			omap_put(&w->shallow, &id, (void *)1);
	}
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct record *)a)->path, ((const struct record *)b)->path);
}

/* Records the files under a tree at HEAD: the .md ones are what counts as
 * committed (live), and each file's blob is HEAD's text (head). */
static int collect_live(struct walk *w, const git_oid *id, struct buf *dir)
{
	struct rtree t;
	struct rent e;
	if (tree_get(w, id, &t) < 0)
		return -1;
	for (const unsigned char *p = t.p; p < t.end; p += e.len) {
		if (rent_parse(p, t.end, &e) < 0)
			return malformed();
		size_t len = dir->len;
		buf_put(dir, e.name, e.namelen);
		if (rent_is_tree(&e)) {
			buf_putc(dir, '/');
			if (collect_live(w, rent_oid(&e), dir) < 0)
				return -1;
		} else if (e.mode == MODE_LINK || e.mode == MODE_GITLINK) {
			/* committed, though its history is not followed: a
			 * symlinked article, or a submodule's folder ("dir/") */
			if (e.mode == MODE_GITLINK)
				buf_putc(dir, '/');
			if (e.mode == MODE_GITLINK || (e.namelen > 3 && !memcmp(e.name + e.namelen - 3, ".md", 3)))
				smap_put(&w->h->live, arena_strdup(&w->h->arena, dir->ptr), 2);
		} else if (rent_is_file(&e)) {
			/* (a file articles link is no article, though its
			 * history is followed as theirs is) */
			const char *path = arena_strdup(&w->h->arena, dir->ptr);
			if (rent_is_md(&e))
				smap_put(&w->h->live, path, 1);
			if ((w->nhead & (w->nhead - 1)) == 0)
				w->head_blob = xrealloc(w->head_blob, (w->nhead ? 2 * w->nhead : 1) * sizeof *w->head_blob);
			git_oid_cpy(&w->head_blob[w->nhead++], rent_oid(&e));
			smap_put(&w->head, path, w->nhead);
		}
		buf_truncate(dir, len);
	}
	return 0;
}

static int load_live(struct walk *w, const git_oid *head_tree)
{
	git_oid cid;
	struct buf dir = BUF_INIT;
	int rc = content_id(w, head_tree, &cid);
	if (rc > 0) {
		buf_puts(&dir, "content/");
		rc = collect_live(w, &cid, &dir);
	}
	buf_free(&dir);
	tree_rotate(w);
	return rc;
}

struct move {
	const char *from, *to;
	uint32_t order; /* the renaming commit's place in the walk */
};

/* By old path; of two histories renamed away from one path, the later
 * rename first: the address last led to that article. */
static int move_cmp(const void *pa, const void *pb)
{
	const struct move *a = pa, *b = pb;
	int c = strcmp(a->from, b->from);
	if (c)
		return c;
	if (a->order != b->order)
		return a->order > b->order ? -1 : 1;
	return strcmp(a->to, b->to);
}

static void file_fp(struct hist_file *f)
{
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "history-file");
	cache_key_int(&kb, (long long)f->n);
	for (size_t k = 0; k < f->n; k++) {
		const struct hist_rev *rv = &f->revs[k];
		const char *fields[] = { rv->id, rv->author, rv->email, rv->subject, rv->body,
					 rv->path, rv->old_path, rv->blob, rv->base, rv->committer, rv->merger };
		for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
			cache_key_str(&kb, fields[i]);
		cache_key_int(&kb, rv->time);
		cache_key_int(&kb, rv->tz_minutes);
		cache_key_int(&kb, rv->committed);
		cache_key_int(&kb, rv->committed_tz);
		cache_key_int(&kb, rv->change);
		cache_key_str(&kb, rv->merged);
		cache_key_int(&kb, rv->merged_time);
		cache_key_int(&kb, rv->merged_tz);
		cache_key_int(&kb, rv->merged_order);
		cache_key_int(&kb, rv->merge_dropped);
		cache_key_int(&kb, rv->merge_combined);
	}
	cache_key_int(&kb, f->truncated);
	struct cache_key k = cache_key_end(&kb);
	f->fp[0] = k.h[0];
	f->fp[1] = k.h[1];
}

/* Hands the records to the history: files sorted by path, and the moves. */
static void finish(struct walk *w)
{
	struct history *h = w->h;
	if (w->nrecs)
		qsort(w->recs, w->nrecs, sizeof(*w->recs), path_cmp);
	h->files = xcalloc(w->nrecs, sizeof(*h->files));
	h->nfiles = w->nrecs;
	smap_reserve(&h->byfinal, w->nrecs);
	for (size_t i = 0; i < w->nrecs; i++) {
		h->files[i] = (struct hist_file){ w->recs[i].path, w->recs[i].revs, w->recs[i].n,
						  w->recs[i].truncated, { w->recs[i].fp[0], w->recs[i].fp[1] } };
		if (!w->recs[i].has_fp)
			file_fp(&h->files[i]);
		smap_put(&h->byfinal, w->recs[i].path, i);
	}
	struct move *mv = NULL;
	size_t nmv = 0, cap = 0;
	for (size_t i = 0; i < h->nfiles; i++) {
		const struct hist_file *f = &h->files[i];
		if (!smap_get(&h->live, f->path))
			continue;
		for (size_t k = 0; k < f->n; k++) {
			const char *from = f->revs[k].old_path;
			/* (a path that is a source again keeps its move: the
			 * source may be a draft, and the redirect is left out
			 * where a page is made) */
			/* (a file that moved in from outside content/ had no
			 * address to keep) */
			if (f->revs[k].change != HIST_RENAMED || !strcmp(from, f->path) || strncmp(from, "content/", 8))
				continue;
			if (nmv == cap) {
				cap = cap ? cap * 2 : 16;
				mv = xrealloc(mv, cap * sizeof(*mv));
			}
			mv[nmv++] = (struct move){ from, f->path, f->revs[k].order };
		}
	}
	/* a path renamed away by two histories (rare) goes to the later */
	if (nmv)
		qsort(mv, nmv, sizeof(*mv), move_cmp);
	h->move_from = xmalloc((nmv + 1) * sizeof(char *));
	h->move_to = xmalloc((nmv + 1) * sizeof(char *));
	for (size_t m = 0; m < nmv; m++) {
		if (h->nmoves && !strcmp(h->move_from[h->nmoves - 1], mv[m].from))
			continue;
		h->move_from[h->nmoves] = mv[m].from;
		h->move_to[h->nmoves++] = mv[m].to;
	}
	free(mv);
	free(w->recs);
	w->recs = NULL;
	w->nrecs = 0;
}

static void walk_free(struct walk *w)
{
	tree_cache_free(w);
	json_decref(w->merge_bases);
	for (size_t i = 0; i < w->nrecs; i++)
		free(w->recs[i].revs);
	free(w->recs);
	free(w->nodes);
	free(w->parents);
	omap_free(&w->index);
	omap_free(&w->shallow);
	for (size_t i = 0; i < w->ncomps; i++)
		free(w->comps[i]);
	free(w->comps);
	free(w->ch);
	smap_free(&w->head, 0);
	free(w->head_blob);
	buf_free(&w->names);
	buf_free(&w->tmp);
	smap_free(&w->cur, 0);
	smap_free(&w->tracked, 0);
	for (size_t i = 0; i < w->next; i++)
		free(w->ext[i]);
	free(w->ext);
	free(w->content_path);
	git_mailmap_free(w->mailmap);
	git_odb_free(w->odb);
}

/* libgit2 1.5 reports a repository owned by another user as a missing
 * "safe.directory" setting (GIT_ENOTFOUND, fixed in 1.6 to GIT_EOWNER). */
static int is_owner_error(void)
{
	const git_error *e = git_error_last();
	return e && e->klass == GIT_ERROR_CONFIG && e->message &&
	       strstr(e->message, "safe.directory");
}

/* The nearest folder at or above dir holding .git, for messages. */
static char *find_worktree(const char *dir)
{
	char *p = realpath(dir, NULL);
	if (!p)
		return xstrdup(dir);
	for (;;) {
		struct stat st;
		char *g = xasprintf("%s/.git", p);
		int found = stat(g, &st) == 0;
		free(g);
		char *slash = strrchr(p, '/');
		if (found || !slash || slash == p)
			return p;
		*slash = '\0';
	}
}

/* The site folder relative to the work tree: "" or "a/b/"; NULL when the
 * site is not inside it. */
static char *site_prefix(const char *site_dir, const char *workdir)
{
	char *site = realpath(site_dir, NULL), *work = realpath(workdir, NULL), *out = NULL;
	if (site && work) {
		size_t wl = strlen(work);
		if (!strcmp(site, work))
			out = xstrdup("");
		else if (!strncmp(site, work, wl) && (site[wl] == '/' || (wl == 1 && work[0] == '/')))
			out = xasprintf("%s/", site + wl + (site[wl] == '/'));
	}
	free(site);
	free(work);
	return out;
}

/* h->prefix when content/ is the top of a work tree of its own (a
 * submodule's checkout, a repository kept inside the site folder): the
 * site folder is the work tree's parent.  No site_prefix starts with "..",
 * so what is keyed by the prefix (the history cache, status.c's memo)
 * never mistakes one layout for the other. */
#define PREFIX_ABOVE "../"

static int content_is_top(const struct history *h)
{
	return h->prefix && !strcmp(h->prefix, PREFIX_ABOVE);
}

/* Whether site_dir's content/ holds a .git of its own (a folder, or a
 * submodule's .git file): then the articles' history is that
 * repository's, not the one the site folder is in. */
static int content_has_git(const char *site_dir)
{
	char *g = xasprintf("%s/content/.git", site_dir);
	struct stat st;
	int found = lstat(g, &st) == 0;
	free(g);
	return found;
}

/* Where git is asked for the history (caller frees): content/ when it
 * has a repository of its own, else the site folder, from which git
 * searches up as usual. */
char *hist_repo_dir(const char *site_dir)
{
	return content_has_git(site_dir) ? xasprintf("%s/content", site_dir) : xstrdup(site_dir);
}

static char *history_dir(const char *site_dir)
{
	return hist_repo_dir(site_dir);
}

/* Opens the repository the history is read from (see history_dir);
 * libgit2's return code.  content/'s own .git, broken, is not passed
 * over for the site folder's: that one does not hold the articles. */
static int history_open(git_repository **out, const char *site_dir)
{
	char *dir = history_dir(site_dir);
	unsigned int flags = content_has_git(site_dir) ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0;
	int rc = git_repository_open_ext(out, dir, flags, NULL);
	free(dir);
	return rc;
}

/* The prefix of site_dir in repo's work tree: site_prefix's, or
 * PREFIX_ABOVE when the work tree is site_dir's content/; NULL when the
 * site is elsewhere, or repo has no work tree.  Caller frees. */
static char *repo_prefix(const char *site_dir, git_repository *repo)
{
	const char *wd = git_repository_workdir(repo);
	char *out = wd ? site_prefix(site_dir, wd) : NULL;
	if (wd && !out) {
		char *content = xasprintf("%s/content", site_dir);
		char *c = realpath(content, NULL), *w = realpath(wd, NULL);
		if (c && w && !strcmp(c, w))
			out = xstrdup(PREFIX_ABOVE);
		free(content);
		free(c);
		free(w);
	}
	return out;
}

/* site_path ("content/a.md") as a path in the repository's work tree;
 * NULL when it is not in the repository (with content/ its top, only
 * content/ is).  Caller frees. */
static char *repo_path(const struct history *h, const char *site_path)
{
	if (!content_is_top(h))
		return xstrcat(h->prefix, site_path);
	return !strncmp(site_path, "content/", 8) ? xstrdup(site_path + 8) : NULL;
}

/* The site path of path in the repository's work tree (repo_path's
 * inverse); NULL when it is outside the site folder.  Caller frees. */
static char *site_path_of(const struct history *h, const char *path)
{
	size_t plen = strlen(h->prefix);
	if (content_is_top(h))
		return xstrcat("content/", path);
	return !strncmp(path, h->prefix, plen) ? xstrdup(path + plen) : NULL;
}

/* Makes w find content/ as each commit's root tree (content_is_top), not
 * under the prefix's folders: nothing of the repository is outside it. */
static void walk_from_top(struct walk *w)
{
	for (size_t i = 0; i < w->ncomps; i++)
		free(w->comps[i]);
	w->ncomps = 0;
	free(w->content_path);
	w->content_path = xstrdup("");
}

static struct history *history_new(void)
{
	struct history *h = xcalloc(1, sizeof(*h));
	h->arena.chunk_size = 65536;
	git_libgit2_init();
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->freed, NULL);
	return h;
}

struct history *hist_empty(void)
{
	return history_new();
}

/* Drops whatever the walk found, keeping the repository (for states). */
static void history_clear_files(struct history *h)
{
	for (size_t i = 0; i < h->nfiles; i++)
		free((struct hist_rev *)h->files[i].revs);
	free(h->files);
	h->files = NULL;
	h->nfiles = 0;
	smap_free(&h->byfinal, 0);
	free(h->move_from);
	free(h->move_to);
	h->move_from = h->move_to = NULL;
	h->nmoves = 0;
}

/* ---- the on-disk cache ----
 *
 * A walk's result is saved in <gitdir>/quire/history-v<CACHE_VERSION>-<hash
 * of the site prefix>.bin (the files of older versions are removed) and
 * reused by the next hist_load whose HEAD and key match, so a rebuild with
 * HEAD unchanged never walks.  The key (cache_key) covers
 * what else the walk reads: the site prefix and the shallow boundary (the
 * .mailmap it reads is HEAD's).
 * The working tree's state is kept apart (status.h).  Bump CACHE_VERSION whenever
 * the walk's rules or this format change.
 *
 * Format (integers little-endian; "str" is a u32 offset into strings):
 *   "quireHC\0", u32 version, u32 flags (1: shallow), head[20], key[20],
 *   u32 length + strings (each NUL-terminated, so the last byte is NUL),
 *   u32 count + commits: id[20], author, email, subject, body (str),
 *       u64 time, u32 tz, u32 order, u8 has_merged, merged[20] (the
 *       main-line merge that brought it in), u64 its time, u32 its tz,
 *       u32 its order, u64 committed, u32 its tz, committer, merger
 *       (str or ~0),
 *   u32 count + live paths (str, u8 1: an article, 2: a symlink or a
 *       submodule's folder, committed but not followed),
 *   u32 count + files sorted by path: path (str), u32 truncated,
 *       u32 count of revs, u64 fp[2] (hist_file.fp), the revs: u32 commit,
 *       path (str), old_path (str or ~0),
 *       u8 change, u8 has_blob, blob[20], u8 has_base, base[20],
 *       u8 merge_dropped (enum hist_merge_fate), u8 merge_combined (0-2),
 *   u64 cache_sum of every byte before it.
 * The reader trusts nothing: every count is bounded by the bytes left,
 * every offset and index is checked, and any fault means "no cache". */

#define CACHE_VERSION 16
#define CACHE_NONE 0xFFFFFFFFu
#define CACHE_MAX_SIZE ((size_t)1 << 30)
#define CACHE_COMMIT_SIZE (20 + 4 * 4 + 8 + 4 + 4 + 1 + 20 + 8 + 4 + 4 + 8 + 4 + 4 + 4)
#define CACHE_FILE_SIZE (3 * 4 + 16)
#define CACHE_REV_SIZE (3 * 4 + 2 + 20 + 1 + 20 + 2)
static const char cache_magic[8] = "quireHC";

/* A fast 64-bit checksum: catches a torn or damaged file, not an attack
 * (whoever can write the git dir can run code through its hooks anyway). */
static uint64_t cache_sum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/* The writer's string table: each distinct string once. */
struct cache_writer {
	struct buf strings;
	struct smap offs;   /* string (borrowed from the history) → offset */
	struct smap commits; /* commit hex (borrowed) → index */
	size_t ncommits;
	int toobig;
};

static uint32_t cw_str(struct cache_writer *cw, const char *s)
{
	if (!s)
		return CACHE_NONE;
	struct smap_slot *sl = smap_get(&cw->offs, s);
	if (sl)
		return (uint32_t)sl->val;
	size_t off = cw->strings.len;
	if (off >= CACHE_NONE - 1) {
		cw->toobig = 1;
		return 0;
	}
	buf_put(&cw->strings, s, strlen(s) + 1);
	smap_put(&cw->offs, s, off);
	return (uint32_t)off;
}

/* hex: a full id, or "" for none (written as zeros) */
static void put_oid_hex(struct buf *b, const char *hex)
{
	git_oid id;
	if (strlen(hex) != GIT_OID_HEXSZ || git_oid_fromstr(&id, hex) < 0)
		memset(&id, 0, sizeof(id));
	buf_put(b, (const char *)id.id, GIT_OID_RAWSZ);
}

/* The cache image of h (its files, live paths, moves' sources), or -1 when
 * it does not fit the format; *out is the caller's to free. */
static int cache_image(const struct history *h, struct buf *out)
{
	struct cache_writer cw = { 0 };
	struct buf commits = BUF_INIT, rest = BUF_INIT;
	git_oid head;
	int rc = -1;

	for (size_t i = 0; i < h->nfiles; i++) {
		const struct hist_file *f = &h->files[i];
		buf_put_u32le(&rest, cw_str(&cw, f->path));
		buf_put_u32le(&rest, f->truncated ? 1 : 0);
		buf_put_u32le(&rest, (uint32_t)f->n);
		/* its hash is read back rather than made again on every build */
		buf_put_u64le(&rest, f->fp[0]);
		buf_put_u64le(&rest, f->fp[1]);
		for (size_t k = 0; k < f->n; k++) {
			const struct hist_rev *v = &f->revs[k];
			struct smap_slot *c = smap_get(&cw.commits, v->id);
			if (!c) {
				c = smap_put(&cw.commits, v->id, cw.ncommits++);
				put_oid_hex(&commits, v->id);
				buf_put_u32le(&commits, cw_str(&cw, v->author));
				buf_put_u32le(&commits, cw_str(&cw, v->email));
				buf_put_u32le(&commits, cw_str(&cw, v->subject));
				buf_put_u32le(&commits, cw_str(&cw, v->body));
				buf_put_u64le(&commits, (uint64_t)v->time);
				buf_put_u32le(&commits, (uint32_t)v->tz_minutes);
				buf_put_u32le(&commits, v->order);
				buf_putc(&commits, v->merged[0] ? 1 : 0);
				put_oid_hex(&commits, v->merged[0] ? v->merged : "");
				buf_put_u64le(&commits, (uint64_t)v->merged_time);
				buf_put_u32le(&commits, (uint32_t)v->merged_tz);
				buf_put_u32le(&commits, v->merged_order);
				buf_put_u64le(&commits, (uint64_t)v->committed);
				buf_put_u32le(&commits, (uint32_t)v->committed_tz);
				buf_put_u32le(&commits, cw_str(&cw, v->committer));
				buf_put_u32le(&commits, cw_str(&cw, v->merger));
			}
			buf_put_u32le(&rest, (uint32_t)c->val);
			buf_put_u32le(&rest, cw_str(&cw, v->path));
			buf_put_u32le(&rest, cw_str(&cw, v->old_path));
			buf_putc(&rest, (char)v->change);
			buf_putc(&rest, v->blob[0] ? 1 : 0);
			put_oid_hex(&rest, v->blob[0] ? v->blob : "");
			buf_putc(&rest, v->base[0] ? 1 : 0);
			put_oid_hex(&rest, v->base[0] ? v->base : "");
			buf_putc(&rest, (char)v->merge_dropped);
			buf_putc(&rest, (char)v->merge_combined);
		}
	}
	struct buf live = BUF_INIT;
	size_t nlive = 0;
	for (size_t i = 0; i < h->live.cap; i++)
		if (h->live.slots[i].key) {
			buf_put_u32le(&live, cw_str(&cw, h->live.slots[i].key));
			buf_putc(&live, (char)h->live.slots[i].val);
			nlive++;
		}
	if (cw.toobig || h->nfiles >= CACHE_NONE || cw.ncommits >= CACHE_NONE ||
	    strlen(h->head) != GIT_OID_HEXSZ || git_oid_fromstr(&head, h->head) < 0) {
		buf_free(&live);
		goto fail;
	}
	buf_put(out, cache_magic, sizeof(cache_magic));
	buf_put_u32le(out, CACHE_VERSION);
	buf_put_u32le(out, h->shallow ? 1 : 0);
	buf_put(out, (const char *)head.id, GIT_OID_RAWSZ);
	buf_put(out, (const char *)h->key.id, GIT_OID_RAWSZ);
	buf_put_u32le(out, (uint32_t)cw.strings.len);
	buf_put(out, cw.strings.ptr, cw.strings.len);
	buf_put_u32le(out, (uint32_t)cw.ncommits);
	buf_put(out, commits.ptr, commits.len);
	buf_put_u32le(out, (uint32_t)nlive);
	buf_put(out, live.ptr, live.len);
	buf_put_u32le(out, (uint32_t)h->nfiles);
	buf_put(out, rest.ptr, rest.len);
	buf_put_u64le(out, cache_sum((const unsigned char *)out->ptr, out->len));
	buf_free(&live);
	rc = 0;
fail:
	buf_free(&cw.strings);
	smap_free(&cw.offs, 0);
	smap_free(&cw.commits, 0);
	buf_free(&commits);
	buf_free(&rest);
	return rc;
}

/* A bounds-checked cursor over the image: a read past the end sets bad
 * and yields zeros. */
struct hc_reader {
	const unsigned char *p, *end;
	const char *strings;
	size_t slen;
	int bad;
};

static const unsigned char *cr_take(struct hc_reader *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	const unsigned char *q = r->p;
	r->p += n;
	return q;
}

static uint32_t cr_u32(struct hc_reader *r)
{
	const unsigned char *q = cr_take(r, 4);
	return q ? get_u32le(q) : 0;
}

static uint64_t cr_u64(struct hc_reader *r)
{
	const unsigned char *q = cr_take(r, 8);
	return q ? get_u64le(q) : 0;
}

/* A count of records of size each, bounded by the bytes left. */
static size_t cr_count(struct hc_reader *r, size_t each)
{
	size_t n = cr_u32(r);
	if (!r->bad && n > (size_t)(r->end - r->p) / each)
		r->bad = 1;
	return r->bad ? 0 : n;
}

/* A string of the table (NULL for CACHE_NONE when none_ok). */
static const char *cr_str(struct hc_reader *r, int none_ok)
{
	uint32_t off = cr_u32(r);
	if (r->bad)
		return NULL;
	if (off == CACHE_NONE && none_ok)
		return NULL;
	if (off >= r->slen) {
		r->bad = 1;
		return NULL;
	}
	return r->strings + off;
}

/* A raw object id as git writes it (lower-case hex): fifty thousand of
 * them in a large site's cache, each through git_oid_tostr was 3% of a
 * rebuild's reading. */
static void cr_hex(struct hc_reader *r, char *hex)
{
	static const char X[] = "0123456789abcdef";
	const unsigned char *q = cr_take(r, GIT_OID_RAWSZ);
	hex[0] = '\0';
	if (!q)
		return;
	for (size_t i = 0; i < GIT_OID_RAWSZ; i++) {
		hex[2 * i] = X[q[i] >> 4];
		hex[2 * i + 1] = X[q[i] & 15];
	}
	hex[GIT_OID_HEXSZ] = '\0';
}

struct cache_commit {
	char id[41];
	const char *author, *email, *subject, *body;
	long long time;
	int tz;
	uint32_t order;
	char merged[41];
	long long merged_time;
	int merged_tz;
	uint32_t merged_order;
	long long committed;
	int committed_tz;
	const char *committer, *merger;
};

/* Fills the empty h from a cache image, checking its structure but not its
 * checksum (cache_load does, so that a fuzzer gets past it); want_head and
 * want_key (NULL: any) must match the image's.  0, or -1 with h left as it
 * was. */
static int cache_parse(struct history *h, const unsigned char *data, size_t len,
		       const git_oid *want_head, const git_oid *want_key)
{
	struct hc_reader r = { data, data + (len >= 8 ? len - 8 : 0), NULL, 0, 0 };
	char *strings;
	struct cache_commit *cs = NULL;
	const char **live = NULL;
	unsigned char *livek = NULL;
	struct walk w = { 0 };
	size_t ncs = 0, nlive = 0;

	if (h->nfiles || h->live.len || len < 8)
		return -1;
	const unsigned char *magic = cr_take(&r, sizeof(cache_magic));
	uint32_t version = cr_u32(&r), flags = cr_u32(&r);
	const unsigned char *head = cr_take(&r, GIT_OID_RAWSZ), *key = cr_take(&r, GIT_OID_RAWSZ);
	if (r.bad || memcmp(magic, cache_magic, sizeof(cache_magic)) || version != CACHE_VERSION ||
	    flags > 1 || (want_head && memcmp(head, want_head->id, GIT_OID_RAWSZ)) ||
	    (want_key && memcmp(key, want_key->id, GIT_OID_RAWSZ)))
		return -1;

	r.slen = cr_u32(&r);
	const unsigned char *sp = cr_take(&r, r.slen);
	if (!sp || (r.slen && sp[r.slen - 1]))
		return -1;
	/* On a bad cache the copy stays in the arena, unused, for as long as
	 * the history: cheaper than a chunk of its own for every good one. */
	strings = arena_alloc(&h->arena, r.slen);
	memcpy(strings, sp, r.slen);
	r.strings = strings;

	ncs = cr_count(&r, CACHE_COMMIT_SIZE);
	cs = xcalloc(ncs, sizeof(*cs));
	for (size_t i = 0; i < ncs && !r.bad; i++) {
		cr_hex(&r, cs[i].id);
		cs[i].author = cr_str(&r, 0);
		cs[i].email = cr_str(&r, 0);
		cs[i].subject = cr_str(&r, 0);
		cs[i].body = cr_str(&r, 0);
		cs[i].time = (long long)cr_u64(&r);
		cs[i].tz = (int)cr_u32(&r);
		cs[i].order = cr_u32(&r);
		const unsigned char *hm = cr_take(&r, 1);
		cr_hex(&r, cs[i].merged);
		cs[i].merged_time = (long long)cr_u64(&r);
		cs[i].merged_tz = (int)cr_u32(&r);
		cs[i].merged_order = cr_u32(&r);
		cs[i].committed = (long long)cr_u64(&r);
		cs[i].committed_tz = (int)cr_u32(&r);
		cs[i].committer = cr_str(&r, 1);
		cs[i].merger = cr_str(&r, 1);
		if (hm && !hm[0])
			cs[i].merged[0] = '\0';
		/* keeps the date arithmetic of later stages from overflowing */
		if (cs[i].time < -(1LL << 46) || cs[i].time > (1LL << 46) || cs[i].tz < -6000 ||
		    cs[i].tz > 6000 || !hm || hm[0] > 1 || cs[i].merged_time < -(1LL << 46) ||
		    cs[i].merged_time > (1LL << 46) || cs[i].merged_tz < -6000 || cs[i].merged_tz > 6000 ||
		    cs[i].committed < -(1LL << 46) || cs[i].committed > (1LL << 46) || cs[i].committed_tz < -6000 ||
		    cs[i].committed_tz > 6000)
			r.bad = 1;
	}
	nlive = cr_count(&r, 5);
	live = xcalloc(nlive, sizeof(*live));
	livek = xcalloc(nlive + 1, 1);
	for (size_t i = 0; i < nlive && !r.bad; i++) {
		live[i] = cr_str(&r, 0);
		const unsigned char *k = cr_take(&r, 1);
		if (!k || k[0] < 1 || k[0] > 2)
			r.bad = 1;
		else
			livek[i] = k[0];
	}

	size_t nfiles = cr_count(&r, CACHE_FILE_SIZE);
	w.recs = xcalloc(nfiles, sizeof(*w.recs));
	for (size_t i = 0; i < nfiles && !r.bad; i++) {
		struct record *rec = &w.recs[i];
		rec->path = cr_str(&r, 0);
		uint32_t truncated = cr_u32(&r);
		size_t n = cr_u32(&r);
		const unsigned char *fp = cr_take(&r, 16);
		if (!r.bad && n > (size_t)(r.end - r.p) / CACHE_REV_SIZE)
			r.bad = 1;
		if (r.bad || truncated > 1 || n == 0 ||
		    (i && strcmp(w.recs[i - 1].path, rec->path) >= 0)) {
			r.bad = 1;
			break;
		}
		rec->truncated = (int)truncated;
		rec->fp[0] = get_u64le(fp);
		rec->fp[1] = get_u64le(fp + 8);
		rec->has_fp = 1;
		rec->revs = xcalloc(n, sizeof(*rec->revs));
		rec->n = rec->cap = n;
		w.nrecs = i + 1;
		for (size_t k = 0; k < n && !r.bad; k++) {
			struct hist_rev *v = &rec->revs[k];
			uint32_t ci = cr_u32(&r);
			v->path = (char *)cr_str(&r, 0);
			v->old_path = (char *)cr_str(&r, 1);
			const unsigned char *ch = cr_take(&r, 2);
			cr_hex(&r, v->blob);
			const unsigned char *hb = cr_take(&r, 1);
			cr_hex(&r, v->base);
			const unsigned char *mo = cr_take(&r, 2);
			if (r.bad || ci >= ncs || ch[0] > HIST_DELETED || ch[1] > 1 || hb[0] > 1 ||
			    mo[0] > HIST_MERGE_SETTLED || mo[1] > 2 ||
			    (ch[0] == HIST_RENAMED) != (v->old_path != NULL)) {
				r.bad = 1;
				break;
			}
			const struct cache_commit *c = &cs[ci];
			memcpy(v->id, c->id, sizeof(v->id));
			v->author = (char *)c->author;
			v->email = (char *)c->email;
			v->subject = (char *)c->subject;
			v->body = (char *)c->body;
			v->time = c->time;
			v->tz_minutes = c->tz;
			v->order = c->order;
			memcpy(v->merged, c->merged, sizeof v->merged);
			v->merged_time = c->merged_time;
			v->merged_tz = c->merged_tz;
			v->merged_order = c->merged_order;
			v->committed = c->committed;
			v->committed_tz = c->committed_tz;
			v->committer = (char *)c->committer;
			v->merger = (char *)c->merger;
			v->merge_dropped = mo[0];
			v->merge_combined = mo[1];
			v->change = (enum hist_change)ch[0];
			if (!ch[1])
				v->blob[0] = '\0';
			if (!hb[0])
				v->base[0] = '\0';
		}
	}
	if (r.bad || r.p != r.end)
		goto fail;

	smap_reserve(&h->live, nlive);
	for (size_t i = 0; i < nlive; i++)
		smap_put(&h->live, live[i], livek[i]);
	w.h = h;
	finish(&w);
	h->shallow = (int)flags;
	git_oid head_id;
	git_oid_fromraw(&head_id, head);
	git_oid_tostr(h->head, sizeof(h->head), &head_id);
	git_oid_fromraw(&h->key, key);
	free(cs);
	free(live);
	free(livek);
	return 0;
fail:
	for (size_t i = 0; i < w.nrecs; i++)
		free(w.recs[i].revs);
	free(w.recs);
	free(cs);
	free(live);
	free(livek);
	return -1;
}

int hist_cache_parse(struct history *h, const void *data, size_t len)
{
	return cache_parse(h, data, len, NULL, NULL);
}

/* Appends a file's length and contents to b, or "-" when it is missing. */
static void key_file(struct buf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf text = BUF_INIT;
	char chunk[4096];
	size_t n;
	if (!f) {
		buf_puts(b, "-\n");
		return;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&text, chunk, n);
	fclose(f);
	buf_printf(b, "%zu\n", text.len);
	buf_put(b, buf_cstr(&text), text.len);
	buf_free(&text);
}

/* The cache key besides HEAD: a hash of the site prefix and of every input
 * of the walk that can change while HEAD does not (the shallow boundary;
 * the mailmap is HEAD's, see head_mailmap). */
static int cache_key(git_repository *repo, const char *prefix, git_oid *out)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "quire history %d\n%s\n", CACHE_VERSION, prefix);
	char *path = xasprintf("%sshallow", git_repository_commondir(repo));
	key_file(&b, path);
	free(path);
	int rc = git_odb_hash(out, b.ptr, b.len, GIT_OBJECT_BLOB);
	git_error_clear();
	buf_free(&b);
	return rc;
}

/* The .mailmap committed at HEAD (NULL: none).  Not the working tree's,
 * nor the builder's own mailmap.file or mailmap.blob, as git's loader
 * would take: who made a change is part of the record, so every machine
 * names the same people, and a name is mapped anew only by a commit. */
static git_mailmap *head_mailmap(git_repository *repo, git_odb *odb, const git_oid *head)
{
	git_odb_object *obj = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	git_mailmap *mm = NULL;
	git_oid tid;
	/* the tree from the raw header: libgit2 cannot parse every commit
	 * git writes (see raw_commit) */
	if (git_odb_read(&obj, odb, head) < 0 || git_odb_object_type(obj) != GIT_OBJECT_COMMIT ||
	    git_odb_object_size(obj) < 45 || strncmp(git_odb_object_data(obj), "tree ", 5) ||
	    git_oid_fromstrn(&tid, (const char *)git_odb_object_data(obj) + 5, GIT_OID_HEXSZ) < 0 ||
	    git_tree_lookup(&tree, repo, &tid) < 0)
		goto done;
	const git_tree_entry *e = git_tree_entry_byname(tree, ".mailmap");
	if (e && git_tree_entry_type(e) == GIT_OBJECT_BLOB && git_blob_lookup(&blob, repo, git_tree_entry_id(e)) == 0 &&
	    git_mailmap_from_buffer(&mm, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)) < 0)
		mm = NULL;
done:
	git_blob_free(blob);
	git_tree_free(tree);
	git_odb_object_free(obj);
	git_error_clear();
	return mm;
}

/* Where the cache (of format version) of the site at prefix lives;
 * caller frees. */
static char *cache_path_v(git_repository *repo, const char *prefix, int version)
{
	return xasprintf("%squire/history-v%d-%016llx.bin", git_repository_path(repo), version,
			 (unsigned long long)str_hash(prefix, strlen(prefix)));
}

static char *cache_path(git_repository *repo, const char *prefix)
{
	return cache_path_v(repo, prefix, CACHE_VERSION);
}

/* Loads h from its cache file when one matches head and h->key. */
static int cache_load(struct history *h, const char *path, const git_oid *head)
{
	struct stat st;
	int rc = -1, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 8 ||
	    (uint64_t)st.st_size > CACHE_MAX_SIZE)
		goto fail;
	/* Mapped, not read: the file is only ever replaced whole (renamed
	 * over), and its megabytes copied into fresh memory cost a rebuild
	 * more than parsing them. */
	size_t len = (size_t)st.st_size;
	void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		goto fail;
	const unsigned char *data = m;
	if (cache_sum(data, len - 8) == get_u64le(data + len - 8))
		rc = cache_parse(h, data, len, head, &h->key);
	munmap(m, len);
fail:
	close(fd);
	return rc;
}

/* Saves h as its cache file, atomically (a temporary file renamed over the
 * old one).  Silent on failure: a read-only git dir just has no cache. */
static void cache_save(const struct history *h, const char *path)
{
	struct buf img = BUF_INIT;
	if (cache_image(h, &img) == 0 && fs_replace_file(path, img.ptr, img.len) == 0)
		/* an older quire's file for the same site is never read again */
		for (int v = 1; v < CACHE_VERSION && h->repo; v++) {
			char *old = cache_path_v(h->repo, h->prefix, v);
			unlink(old);
			free(old);
		}
	buf_free(&img);
}

static int read_state(struct history *h, git_repository *repo, struct diag *d);

/* The working tree's state, read beside a walk (whose first stretch, the
 * commit graph, keeps one core busy) through a handle of its own: a
 * handle serves one thread at a time.  rc 1: not read (no handle), for
 * the caller to read after the walk. */
struct state_job {
	struct history *h;
	const char *site_dir;
	struct diag *d;
	int rc;
};

static void state_task(void *ctx)
{
	struct state_job *j = ctx;
	git_repository *own = NULL;
	j->rc = 1;
	if (history_open(&own, j->site_dir) == 0)
		j->rc = read_state(j->h, own, j->d);
	git_error_clear();
	git_repository_free(own);
}

/* Joins a state_task (state NULL: none was started); reads the state here
 * when it could not be read there.  0, or -1 when git could not read it
 * (reported). */
static int state_task_join(struct state_job *j, struct par_task *state, struct diag *d)
{
	if (!state)
		return 0;
	par_join(state);
	return j->rc == 1 ? hist_refresh_state(j->h, d) : j->rc;
}

struct history *hist_load(const char *site_dir, struct diag *d)
{
	return hist_load_ex(site_dir, 1, par_default_jobs(), d);
}

/* Swaps the repository handle for a fresh one: the walk's pack windows and
 * object caches (tens of MB on a large site) go with the old handle. */
static void reopen(struct history *h, const char *site_dir)
{
	git_repository *fresh = NULL;
	if (history_open(&fresh, site_dir) == 0) {
		git_repository_free(h->repo);
		h->repo = fresh;
	}
}

int hist_cache_current(const char *site_dir)
{
	git_repository *repo = NULL;
	git_oid head, key;
	char *prefix = NULL, *path = NULL;
	unsigned char hdr[sizeof(cache_magic) + 8 + 2 * GIT_OID_RAWSZ];
	int current = 0, fd = -1;
	git_libgit2_init();
	if (history_open(&repo, site_dir) < 0 || git_repository_is_bare(repo) ||
	    !(prefix = repo_prefix(site_dir, repo)) ||
	    git_repository_head_unborn(repo) == 1 || git_reference_name_to_id(&head, repo, "HEAD") < 0 ||
	    cache_key(repo, prefix, &key) < 0)
		goto done;
	path = cache_path(repo, prefix);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* The header as cache_image writes it: magic, version, flags, HEAD, key. */
	if (fd >= 0 && read(fd, hdr, sizeof hdr) == (ssize_t)sizeof hdr &&
	    !memcmp(hdr, cache_magic, sizeof(cache_magic)) && get_u32le(hdr + sizeof(cache_magic)) == CACHE_VERSION &&
	    !memcmp(hdr + sizeof(cache_magic) + 8, head.id, GIT_OID_RAWSZ) &&
	    !memcmp(hdr + sizeof(cache_magic) + 8 + GIT_OID_RAWSZ, key.id, GIT_OID_RAWSZ))
		current = 1;
done:
	if (fd >= 0)
		close(fd);
	free(path);
	free(prefix);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return current;
}

/* Opens h->repo, the repository the history is read from (history_dir),
 * and sets h->prefix; -1 (h->repo NULL) when there is none to read, a
 * repository git will not read reported. */
static int open_history(struct history *h, const char *site_dir, struct diag *d)
{
	char *dir = history_dir(site_dir);
	int rc = history_open(&h->repo, site_dir);
	if (rc == GIT_EOWNER || (rc == GIT_ENOTFOUND && is_owner_error())) {
		char *top = find_worktree(dir);
		diag_fault(d, NULL, 0, 0,
			   "history: the git repository at %s is owned by another user, so git "
			   "refuses to read it; if you trust it, run: git config --global --add "
			   "safe.directory %s",
			   top, top);
		free(top);
		goto fail;
	}
	if (rc == GIT_ENOTFOUND) {
		/* A .git file whose folder is gone (a worktree pruned, a
		 * submodule moved) is a repository git cannot read, not a site
		 * without one: building on would publish no history at all. */
		char *top = find_worktree(dir);
		char *g = xasprintf("%s/.git", top);
		struct stat st;
		if (lstat(g, &st) == 0 && S_ISREG(st.st_mode))
			diag_fault(d, NULL, 0, 0,
				   "history: %s names a git folder that is not there (a worktree removed, or a "
				   "repository moved?), so the history cannot be read; repair it (git worktree "
				   "repair) or set history: false in site.yml",
				   g);
		else if (content_has_git(site_dir))
			diag_fault(d, NULL, 0, 0,
				   "history: %s is not a git repository git can read, so the history cannot be "
				   "read; repair it, remove it, or set history: false in site.yml",
				   g);
		free(g);
		free(top);
		goto fail;
	}
	if (rc < 0) {
		report_git(d, "cannot open the git repository");
		goto fail;
	}
	if (git_repository_is_bare(h->repo) || !(h->prefix = repo_prefix(site_dir, h->repo)))
		goto fail;
	free(dir);
	return 0;
fail:
	git_repository_free(h->repo);
	h->repo = NULL;
	free(dir);
	return -1;
}

struct history *hist_load_ex(const char *site_dir, int save_cache, int jobs, struct diag *d)
{
	struct history *h = history_new();
	struct walk w = { 0 };
	git_oid head;
	char *cache = NULL;
	int rc;

	/* Reading objects back from our own repository: their hashes need no
	 * re-checking, and skipping it is a large share of the walk. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (open_history(h, site_dir, d) < 0)
		return h;
	char *bad = NULL, *objects = xasprintf("%sobjects", git_repository_commondir(h->repo));
	if (loose_check(git_repository_commondir(h->repo), objects, save_cache, &bad) < 0) {
		diag_fault(d, NULL, 0, 0,
			   "history: the git object %s is damaged (cut short or altered), so the history "
			   "cannot be read; run git fsck, and fetch or restore the object",
			   bad);
		free(bad);
		free(objects);
		git_repository_free(h->repo);
		h->repo = NULL;
		return h;
	}
	free(objects);
	h->shallow = git_repository_is_shallow(h->repo) == 1;
	if (h->shallow)
		read_bounds(h);
	int unborn = git_repository_head_unborn(h->repo) == 1 ||
		     git_reference_name_to_id(&head, h->repo, "HEAD") < 0;
	/* Taken before git reads the state: an index changed meanwhile is
	 * another index to the next build. */
	status_index_of(h->repo, &h->index);
	if (!unborn)
		h->memo = status_memo_load(h->repo, h->prefix, &head, &h->index);
	/* With a memo, the sources that changed since are asked about one by
	 * one once they are known (hist_settle_state): most by their blob
	 * alone, without git's index (differs_from_head). */
	if (!h->memo && unborn && hist_refresh_state(h, d) < 0) {
		return h;
	}
	if (unborn)
		return h; /* no commits yet: every article is untracked */
	git_oid_tostr(h->head, sizeof(h->head), &head);
	if (cache_key(h->repo, h->prefix, &h->key) == 0) {
		cache = cache_path(h->repo, h->prefix);
		if (cache_load(h, cache, &head) == 0) {
			h->from_cache = 1;
			free(cache);
			if (!h->memo)
				hist_refresh_state(h, d);
			return h;
		}
	}
	/* Without a memo git reads the whole state, beside the walk. */
	struct state_job sj = { h, site_dir, d, 0 };
	struct par_task *state = h->memo ? NULL : par_start(jobs, state_task, &sj);

	w.h = h;
	w.jobs = jobs;
	w.repo = h->repo;
	w.d = d;
	if (git_repository_odb(&w.odb, h->repo) < 0)
		goto fail;
	w.mailmap = head_mailmap(h->repo, w.odb, &head);
	for (const char *p = h->prefix, *s; (s = strchr(p, '/')); p = s + 1) {
		w.comps = xrealloc(w.comps, (w.ncomps + 2) * sizeof(char *));
		w.comps[w.ncomps++] = xstrndup(p, (size_t)(s - p));
	}
	w.comps = xrealloc(w.comps, (w.ncomps + 1) * sizeof(char *));
	w.comps[w.ncomps++] = xstrdup("content");
	w.content_path = xasprintf("%scontent", h->prefix);
	if (content_is_top(h))
		walk_from_top(&w);
	w.outside_left = OUTSIDE_SEARCH_TOTAL;
	w.ext_left = EXT_COMPARE_TOTAL;
	w.rename_left = RENAME_WORK_TOTAL;
	if (h->shallow)
		read_shallow(&w);

	if ((rc = load_graph(&w, &head)) < 0)
		goto fail;
	if (!w.nodes[0].loaded) {
		rc = -1;
		goto fail;
	}
	if ((rc = load_live(&w, &w.nodes[0].tree)) < 0)
		goto fail;
	mark_branches(&w);
	if ((rc = walk_commits(&w)) < 0 || (rc = settle_merges(&w)) < 0 || (rc = note_merged(&w)) < 0)
		goto fail;
	finish(&w);
	walk_free(&w);
	if (state_task_join(&sj, state, d) < 0) {
		free(cache);
		return h;
	}
	reopen(h, site_dir);
	if (cache && save_cache)
		cache_save(h, cache);
	free(cache);
	return h;
fail:
	report_git(d, "cannot read the history");
	state_task_join(&sj, state, d);
	walk_free(&w);
	history_clear_files(h);
	free(cache);
	return h;
}

struct history *hist_reload(struct history *old, const char *site_dir, struct diag *d)
{
	if (old && old->repo && old->head[0]) {
		char *prefix = repo_prefix(site_dir, old->repo);
		git_oid head, key;
		int same = prefix && !strcmp(prefix, old->prefix) && content_has_git(site_dir) == content_is_top(old) &&
			   git_reference_name_to_id(&head, old->repo, "HEAD") == 0 &&
			   git_oid_streq(&head, old->head) == 0 &&
			   cache_key(old->repo, old->prefix, &key) == 0 &&
			   git_oid_equal(&key, &old->key);
		free(prefix);
		git_error_clear();
		if (same) {
			hist_refresh_state(old, d);
			return old;
		}
	}
	hist_free(old);
	return hist_load(site_dir, d);
}

int hist_refresh_state(struct history *h, struct diag *d)
{
	smap_free(&h->dirty, 1);
	smap_free(&h->renamed, 1);
	return h->repo ? read_state(h, h->repo, d) : 0;
}

/* HEAD's tree, read from the raw commit (for one libgit2 cannot parse);
 * NULL when that fails too. */
static git_tree *head_tree_raw(git_repository *repo)
{
	git_oid id, tid;
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_tree *t = NULL;
	if (git_reference_name_to_id(&id, repo, "HEAD") < 0 || git_repository_odb(&odb, repo) < 0)
		return NULL;
	if (git_odb_read(&obj, odb, &id) == 0) {
		const char *p = git_odb_object_data(obj);
		size_t n = git_odb_object_size(obj);
		if (n >= 45 && !strncmp(p, "tree ", 5) && git_oid_fromstrn(&tid, p + 5, 40) == 0 &&
		    git_tree_lookup(&t, repo, &tid) < 0)
			t = NULL;
		git_odb_object_free(obj);
	}
	git_odb_free(odb);
	return t;
}

/* Which sources git sees changed, read through repo: h's own handle, or
 * (beside a walk, which reads through h's) one of its own. */
static int read_state(struct history *h, git_repository *repo, struct diag *d)
{
	git_status_list *list = NULL;
	git_status_options opts;
	char *spec = NULL;
	int rc = 0;

	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	/* literal: a site folder may be called "docs [v2]" */
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH |
		     GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
	if (!content_is_top(h)) { /* (else all the repository is content/) */
		spec = xasprintf("%scontent", h->prefix);
		opts.pathspec.strings = &spec;
		opts.pathspec.count = 1;
	}
	rc = git_status_list_new(&list, repo, &opts);
	git_tree *base = NULL;
	if (rc < 0 && (base = head_tree_raw(repo))) {
		/* HEAD's commit is one libgit2 cannot parse (see raw_commit) */
		opts.baseline = base;
		rc = git_status_list_new(&list, repo, &opts);
	}
	git_tree_free(base);
	if (rc < 0) {
		report_git(d, "cannot read the working tree's state");
		goto fail;
	}
	for (size_t i = 0, n = git_status_list_entrycount(list); i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *dd = e->head_to_index ? e->head_to_index : e->index_to_workdir;
		if (e->status == GIT_STATUS_CURRENT || !dd || !dd->old_file.path)
			continue;
		char *p = site_path_of(h, dd->old_file.path), *to = NULL;
		if (!p || status_mode_only(repo, dd->old_file.path, e->status)) {
			free(p);
			continue;
		}
		if (!smap_get(&h->dirty, p))
			smap_put(&h->dirty, xstrdup(p), 1);
		if (dd == e->head_to_index && dd->status == GIT_DELTA_RENAMED && dd->new_file.path &&
		    (to = site_path_of(h, dd->new_file.path))) {
			/* git mv, not yet committed: the article keeps its
			 * history in a preview */
			if (!smap_get(&h->dirty, to))
				smap_put(&h->dirty, xstrdup(to), 1);
			if (!smap_get(&h->renamed, to)) {
				size_t tl = strlen(to);
				char *key = xmalloc(tl + 1 + strlen(p) + 1);
				memcpy(key, to, tl + 1);
				strcpy(key + tl + 1, p);
				smap_put(&h->renamed, key, 1);
			}
		}
		free(p);
		free(to);
	}
fail:
	git_status_list_free(list);
	free(spec);
	return rc;
}

/* More changed sources than this, and git reads the whole state at once. */
#define STATE_ONE_BY_ONE 64

static void mark_dirty(struct history *h, const char *rel)
{
	char *key = xasprintf("content/%s", rel);
	if (!smap_get(&h->dirty, key))
		smap_put(&h->dirty, key, 1);
	else
		free(key);
}

/* 1 when the source at site_path, as git would store it now, is not the
 * blob HEAD has: it has changes against HEAD, staged or not, and git's
 * index need not be read to say so (status_plain_blob).  0 when it cannot
 * tell: not in HEAD, a filter may apply, or the same bytes (a change
 * staged and then undone in the working tree is still a change: git must
 * say). */
static int differs_from_head(struct history *h, const char *site_path)
{
	const struct hist_file *hf = smap_get(&h->live, site_path) ? hist_lookup(h, site_path) : NULL;
	if (!hf || !hf->n || hf->revs[0].change == HIST_DELETED || !hf->revs[0].blob[0])
		return 0;
	git_oid now;
	char hex[GIT_OID_HEXSZ + 1];
	char *path = repo_path(h, site_path);
	int plain = path && status_plain_blob(h->repo, path, &now);
	free(path);
	if (!plain)
		return 0;
	git_oid_tostr(hex, sizeof hex, &now);
	return strcmp(hex, hf->revs[0].blob) != 0;
}

/* The state of the sources the memo does not vouch for, from git; 0, or
 * -1 when git could not tell one (or there were many). */
static int state_of_changed(struct history *h, char *const *rel, const size_t *changed, size_t nch,
			    unsigned char *dirty, size_t *by_blob)
{
	if (nch > STATE_ONE_BY_ONE)
		return -1;
	for (size_t k = 0; k < nch; k++) {
		char *site_path = xasprintf("content/%s", rel[changed[k]]);
		char *path = repo_path(h, site_path);
		int blob = differs_from_head(h, site_path);
		int st = blob ? 1 : path ? status_of_file(h->repo, path) : -1;
		*by_blob += (size_t)blob;
		free(site_path);
		free(path);
		if (st < 0)
			return -1;
		dirty[changed[k]] = (unsigned char)st;
	}
	return 0;
}

/* Whether a source (rel: relative to content/) is not in HEAD's tree. */
static int has_stranger(const struct history *h, char *const *rel, size_t n)
{
	struct buf b = BUF_INIT;
	int found = 0;
	for (size_t i = 0; i < n && !found; i++) {
		buf_reset(&b);
		buf_puts(&b, "content/");
		buf_puts(&b, rel[i]);
		found = !smap_get(&h->live, b.ptr);
	}
	buf_free(&b);
	return found;
}

int hist_settle_state(struct history *h, char *const *rel, const struct scan_stat *st, size_t n,
		      int64_t start_ns, int save, size_t *asked, size_t *by_blob, struct diag *d)
{
	int rc = 0, known = 0, filled = 0;
	*asked = SIZE_MAX;
	*by_blob = 0;
	if (!h->repo || !h->head[0]) {
		status_memo_free(h->memo);
		h->memo = NULL;
		return 0;
	}
	unsigned char *dirty = xcalloc(n + 1, 1);
	if (h->memo && has_stranger(h, rel, n)) {
		/* a source HEAD lacks may be a rename staged, which only git's
		 * whole state tells */
		status_memo_free(h->memo);
		h->memo = NULL;
		rc = hist_refresh_state(h, d);
	}
	if (h->memo) {
		size_t *changed;
		size_t nch = status_memo_apply(h->memo, rel, st, n, dirty, &changed);
		status_memo_free(h->memo);
		h->memo = NULL;
		if (state_of_changed(h, rel, changed, nch, dirty, by_blob) == 0) {
			*asked = nch;
			for (size_t i = 0; i < n; i++)
				if (dirty[i])
					mark_dirty(h, rel[i]);
			known = nch == 0; /* the memo says it all already */
			filled = 1;       /* dirty[] is the state, source by source */
		} else {
			rc = hist_refresh_state(h, d);
		}
		free(changed);
	}
	if (rc == 0 && save && !known) {
		git_oid head;
		for (size_t i = 0; !filled && i < n; i++) {
			char *key = xasprintf("content/%s", rel[i]);
			dirty[i] = smap_get(&h->dirty, key) != NULL;
			free(key);
		}
		if (git_oid_fromstr(&head, h->head) == 0)
			status_memo_save(h->repo, h->prefix, &head, &h->index, rel, st, dirty, n, start_ns);
	}
	free(dirty);
	return rc;
}

const struct hist_file *hist_lookup(const struct history *h, const char *site_path)
{
	const struct smap_slot *s = smap_get(&h->byfinal, site_path);
	if (!s || !h->files[s->val].n) {
		/* a rename staged, not committed: the old name's history */
		const struct smap_slot *r = smap_get(&h->renamed, site_path);
		s = r ? smap_get(&h->byfinal, r->key + strlen(r->key) + 1) : NULL;
	}
	return s && h->files[s->val].n ? &h->files[s->val] : NULL;
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int staged_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return strcmp(x + strlen(x) + 1, y + strlen(y) + 1);
}

size_t hist_staged_moves(const struct history *h, const char ***from, const char ***to)
{
	size_t n = 0;
	const char **keys = xmalloc((h->renamed.len + 1) * sizeof *keys);
	for (size_t i = 0; i < h->renamed.cap; i++)
		if (h->renamed.slots[i].key)
			keys[n++] = h->renamed.slots[i].key; /* "to\0from" */
	if (n)
		qsort(keys, n, sizeof *keys, staged_cmp);
	*from = xmalloc((n + 1) * sizeof **from);
	*to = keys;
	for (size_t i = 0; i < n; i++)
		(*from)[i] = keys[i] + strlen(keys[i]) + 1;
	return n;
}

size_t hist_live_paths(const struct history *h, const char ***out)
{
	size_t n = 0;
	*out = xmalloc((h->live.len + 1) * sizeof **out);
	for (size_t i = 0; i < h->live.cap; i++)
		if (h->live.slots[i].key && h->live.slots[i].val == 1)
			(*out)[n++] = h->live.slots[i].key;
	if (n)
		qsort(*out, n, sizeof **out, str_ptr_cmp);
	return n;
}

int hist_is_link(const struct history *h, const char *site_path)
{
	const struct smap_slot *s = smap_get(&h->live, site_path);
	return s && s->val == 2;
}

const struct hist_file *hist_files(const struct history *h, size_t *n)
{
	*n = h->nfiles;
	return h->files;
}

/* Whether site_path lies in a submodule HEAD has under content/ (see
 * collect_live): committed there, not here. */
static int in_submodule(const struct history *h, const char *site_path)
{
	char *dir = xstrdup(site_path);
	int found = 0;
	for (char *slash = strrchr(dir, '/'); slash && !found; slash = strrchr(dir, '/')) {
		slash[1] = '\0';
		found = smap_get(&h->live, dir) != NULL;
		*slash = '\0';
	}
	free(dir);
	return found;
}

long long hist_day_of(long long t, int tz_minutes)
{
	long long s = t + (long long)tz_minutes * 60;
	return s / 86400 - (s % 86400 < 0);
}

int hist_landed_later(const struct hist_rev *rv)
{
	return !rv->merged[0] && rv->committed > rv->time &&
	       hist_day_of(rv->committed, rv->committed_tz) > hist_day_of(rv->time, rv->tz_minutes);
}

void hist_effective_time(const struct hist_rev *rv, long long *time, int *tz_minutes)
{
	int later = hist_landed_later(rv);
	*time = rv->merged[0] ? rv->merged_time : later ? rv->committed : rv->time;
	*tz_minutes = rv->merged[0] ? rv->merged_tz : later ? rv->committed_tz : rv->tz_minutes;
}

/* (the walk places a commit of the first-parent line after, newer than,
 * its ancestors: these order the main line's commits as its history
 * does) */
uint32_t hist_effective_order(const struct hist_rev *rv)
{
	return rv->merged[0] ? rv->merged_order : rv->order;
}

int hist_withdrawal(const struct hist_file *f, size_t *del, size_t *last)
{
	/* the file's state after each main-line commit that changed it: the
	 * newest revision (first listed) of those it brought */
	size_t *state = xmalloc((f->n + 1) * sizeof *state), n = 0;
	for (size_t k = 0; k < f->n; k++) {
		size_t j = 0;
		while (j < n && hist_effective_order(&f->revs[state[j]]) != hist_effective_order(&f->revs[k]))
			j++;
		if (j == n)
			state[n++] = k;
	}
	/* in main-line order, newest first (insertion sort: a few dozen) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && hist_effective_order(&f->revs[state[j]]) > hist_effective_order(&f->revs[state[j - 1]]);
		     j--) {
			size_t t = state[j];
			state[j] = state[j - 1];
			state[j - 1] = t;
		}
	int found = 0;
	if (n && f->revs[state[0]].change == HIST_DELETED)
		for (size_t j = 1; j < n && !found; j++)
			if (f->revs[state[j]].change != HIST_DELETED) {
				*del = state[j - 1];
				*last = state[j];
				found = 1;
			}
	free(state);
	return found;
}

const struct hist_rev *hist_rev_at(const struct hist_file *f, uint32_t order)
{
	const struct hist_rev *at = NULL;
	for (size_t k = 0; k < f->n; k++) {
		const struct hist_rev *rv = &f->revs[k];
		uint32_t o = hist_effective_order(rv);
		/* (listed newest first: the first met of a commit is its newest) */
		if (o <= order && !(rv->merged[0] && rv->merge_dropped) &&
		    (!at || o > hist_effective_order(at)))
			at = rv;
	}
	return at;
}

enum hist_state hist_state(const struct history *h, const char *site_path)
{
	if (!h->repo)
		return HIST_NOT_IN_REPO;
	if (!smap_get(&h->live, site_path))
		return in_submodule(h, site_path) ? HIST_CLEAN
		       : smap_get(&h->renamed, site_path) ? HIST_UNCOMMITTED : HIST_UNTRACKED;
	return smap_get(&h->dirty, site_path) ? HIST_UNCOMMITTED : HIST_CLEAN;
}

size_t hist_moves(const struct history *h, const char *const **from, const char *const **to)
{
	*from = (const char *const *)h->move_from;
	*to = (const char *const *)h->move_to;
	return h->nmoves;
}

/* Takes a free reader handle, opening one when all are busy and the pool
 * is not full, else waiting.  Returns the index, or -1 when none can be
 * opened at all.  Called with h->lock held. */
static int reader_take(struct history *h)
{
	for (;;) {
		for (size_t i = 0; i < h->nreaders; i++)
			if (!h->busy[i]) {
				h->busy[i] = 1;
				return (int)i;
			}
		if (h->nreaders < BLOB_READERS &&
		    git_repository_open_ext(&h->readers[h->nreaders], git_repository_path(h->repo),
					    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0) {
			h->busy[h->nreaders] = 1;
			return (int)h->nreaders++;
		}
		if (!h->nreaders)
			return -1;
		pthread_cond_wait(&h->freed, &h->lock);
	}
}

static void reader_give(struct history *h, int r)
{
	pthread_mutex_lock(&h->lock);
	h->busy[r] = 0;
	pthread_cond_signal(&h->freed);
	pthread_mutex_unlock(&h->lock);
}

static int reader_get(struct history *h)
{
	pthread_mutex_lock(&h->lock);
	int r = reader_take(h);
	pthread_mutex_unlock(&h->lock);
	return r;
}

int hist_blob_in_commit(struct history *h, const char *commit_hex, const char *site_path, char blob_hex[41],
			size_t *size)
{
	git_oid id;
	if (!h->repo || !commit_hex || strlen(commit_hex) != GIT_OID_HEXSZ || git_oid_fromstr(&id, commit_hex) < 0)
		return 0;
	int r = reader_get(h);
	if (r < 0)
		return -1;
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	git_object_t type;
	char *path = repo_path(h, site_path);
	int found = path ? -1 : 0, rc; /* (no path: not in the repository) */
	/* a file (not a symbolic link, whose text is a path, nor a
	 * submodule); no entry at the path is an answer, a read that
	 * fails is none */
	if (!path || git_commit_lookup(&c, h->readers[r], &id) < 0 || git_commit_tree(&t, c) < 0)
		goto done;
	if ((rc = git_tree_entry_bypath(&e, t, path)) < 0) {
		found = rc == GIT_ENOTFOUND ? 0 : -1;
		goto done;
	}
	found = 0;
	if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB && git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB_EXECUTABLE)
		goto done;
	found = -1;
	if (git_repository_odb(&odb, h->readers[r]) < 0 ||
	    git_odb_read_header(size, &type, odb, git_tree_entry_id(e)) < 0)
		goto done;
	found = type == GIT_OBJECT_BLOB;
	if (found)
		git_oid_tostr(blob_hex, GIT_OID_HEXSZ + 1, git_tree_entry_id(e));
done:
	free(path);
	git_odb_free(odb);
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	reader_give(h, r);
	return found;
}

char *hist_read_blob(struct history *h, const char *blob_hex, size_t *len)
{
	return hist_read_blob_upto(h, blob_hex, FS_MAX_FILE, len);
}

char *hist_read_blob_upto(struct history *h, const char *blob_hex, size_t max, size_t *len)
{
	git_oid id;
	git_blob *blob = NULL;
	char *out = NULL;
	int r;

	if (!h->repo || !blob_hex || strlen(blob_hex) != GIT_OID_HEXSZ ||
	    git_oid_fromstr(&id, blob_hex) < 0)
		return NULL;
	r = reader_get(h);
	if (r < 0)
		return NULL;
	if (len)
		*len = 0;
	/* the size first, from the object's header: a blob past the limit
	 * is not inflated (a 500 MB one compresses to kilobytes) */
	git_odb *odb = NULL;
	size_t size = 0;
	git_object_t type;
	if (git_repository_odb(&odb, h->readers[r]) == 0 && git_odb_read_header(&size, &type, odb, &id) == 0 &&
	    size > max) {
		if (len)
			*len = size;
	} else if (git_blob_lookup(&blob, h->readers[r], &id) == 0) {
		size_t n = (size_t)git_blob_rawsize(blob);
		out = xstrndup(git_blob_rawcontent(blob), n);
		if (len)
			*len = n;
		git_blob_free(blob);
	}
	git_odb_free(odb);
	reader_give(h, r);
	return out;
}

void hist_release_readers(struct history *h)
{
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->nreaders; i++)
		if (!h->busy[i])
			git_repository_free(h->readers[i]);
	size_t kept = 0;
	for (size_t i = 0; i < h->nreaders; i++)
		if (h->busy[i]) {
			h->readers[kept] = h->readers[i];
			h->busy[kept++] = 1;
		}
	h->nreaders = kept;
	pthread_mutex_unlock(&h->lock);
}

int hist_from_cache(const struct history *h)
{
	return h->from_cache;
}

int hist_in_repo(const struct history *h)
{
	return h->repo != NULL;
}

int hist_is_shallow(const struct history *h)
{
	return h->shallow;
}

int hist_is_boundary(const struct history *h, const struct hist_rev *rv)
{
	return h && h->nbounds && bsearch(rv->id, h->bounds, h->nbounds, sizeof *h->bounds, hex_cmp);
}

const struct hist_rev *hist_last_change(const struct history *h, const struct hist_file *hf)
{
	return hf && hf->n && !hist_is_boundary(h, &hf->revs[0]) ? &hf->revs[0] : NULL;
}

static const char *const months[] = { "January", "February", "March", "April", "May", "June", "July",
				      "August", "September", "October", "November", "December" };

/* Dates print in the author's own offset, never the builder's TZ, so
 * output is the same on every machine. */
static struct tm when(long long t, int tz_minutes)
{
	time_t s = (time_t)(sane_time(t) + (long long)sane_tz(tz_minutes) * 60);
	struct tm tm;
	if (!gmtime_r(&s, &tm)) {
		memset(&tm, 0, sizeof tm);
		tm.tm_mday = 1;
		tm.tm_year = 70;
	}
	return tm;
}

/* Dates are formatted for every revision of every article: digit by
 * digit, as printf's general machinery costs some 4,000 instructions a
 * date.  Years outside 0-9999 (clamped history dates never are) take
 * printf. */
static char *put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + width;
}

char *hist_date_human(long long t, int tz)
{
	struct tm tm = when(t, tz);
	int year = tm.tm_year + 1900;
	if (year < 0 || year > 9999)
		return xasprintf("%d %s %d", tm.tm_mday, months[tm.tm_mon], year);
	char s[32], *p = s;
	p = put_digits(p, tm.tm_mday, tm.tm_mday < 10 ? 1 : 2);
	*p++ = ' ';
	size_t ml = strlen(months[tm.tm_mon]);
	memcpy(p, months[tm.tm_mon], ml);
	p += ml;
	*p++ = ' ';
	p = put_digits(p, year, year >= 1000 ? 4 : year >= 100 ? 3 : year >= 10 ? 2 : 1);
	return xstrndup(s, (size_t)(p - s));
}

char *hist_date_iso(long long t, int tz)
{
	struct tm tm = when(t, tz);
	int a = tz < 0 ? -tz : tz, year = tm.tm_year + 1900;
	if (year < 0 || year > 9999 || a / 60 > 99)
		return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, tm.tm_mon + 1, tm.tm_mday,
				 tm.tm_hour, tm.tm_min, tm.tm_sec, tz < 0 ? '-' : '+', a / 60, a % 60);
	char s[32], *p = s;
	p = put_digits(p, year, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = tz < 0 ? '-' : '+';
	p = put_digits(p, a / 60, 2);
	*p++ = ':';
	p = put_digits(p, a % 60, 2);
	return xstrndup(s, (size_t)(p - s));
}

char *hist_time_hm(long long t, int tz, int seconds)
{
	struct tm tm = when(t, tz);
	char s[32], *p = s;
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	if (seconds) {
		*p++ = ':';
		p = put_digits(p, tm.tm_sec, 2);
	}
	/* the zone it is told in: two edits of one day made in different
	 * zones otherwise read out of order ("UTC", "UTC+9", "UTC-3:30") */
	memcpy(p, " UTC", 4);
	p += 4;
	if (tz) {
		int a = tz < 0 ? -tz : tz;
		*p++ = tz < 0 ? '-' : '+';
		p = put_digits(p, a / 60, a / 60 >= 100 ? 3 : a / 60 >= 10 ? 2 : 1);
		if (a % 60) {
			*p++ = ':';
			p = put_digits(p, a % 60, 2);
		}
	}
	return xstrndup(s, (size_t)(p - s));
}

int hist_closeness(const struct hist_rev *a, const struct hist_rev *b)
{
	struct tm x = when(a->time, a->tz_minutes), y = when(b->time, b->tz_minutes);
	if (x.tm_year != y.tm_year || x.tm_yday != y.tm_yday)
		return 0;
	return x.tm_hour == y.tm_hour && x.tm_min == y.tm_min ? 2 : 1;
}


/* The committer date in a commit object's header, read as the walk
 * reads a header libgit2 cannot parse.  1 when there is one. */
static int committer_date(git_odb_object *obj, long long *time, int *tz)
{
	const char *p = git_odb_object_data(obj), *end = p + git_odb_object_size(obj);
	while (p < end && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 10 && !strncmp(p, "committer ", 10)) {
			char *name, *email;
			raw_sig(p + 10, n - 10, &name, &email, time, tz);
			free(name);
			free(email);
			return 1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Read once, on a reader's handle: a build asks only when a hook runs. */
int hist_head_time(struct history *h, long long *time, int *tz)
{
	git_oid id;
	if (!h->repo || !h->head[0] || git_oid_fromstr(&id, h->head) < 0)
		return -1;
	pthread_mutex_lock(&h->lock);
	int r = h->head_read ? -1 : reader_take(h);
	pthread_mutex_unlock(&h->lock);
	if (r >= 0) {
		git_odb *odb = NULL;
		git_odb_object *obj = NULL;
		if (git_repository_odb(&odb, h->readers[r]) == 0 && git_odb_read(&obj, odb, &id) == 0 &&
		    git_odb_object_type(obj) == GIT_OBJECT_COMMIT)
			h->head_dated = committer_date(obj, &h->head_time, &h->head_tz);
		git_odb_object_free(obj);
		git_odb_free(odb);
		pthread_mutex_lock(&h->lock);
		h->head_read = 1;
		h->busy[r] = 0;
		pthread_cond_signal(&h->freed);
		pthread_mutex_unlock(&h->lock);
	}
	if (!h->head_dated)
		return -1;
	*time = h->head_time;
	*tz = h->head_tz;
	return 0;
}

const char *hist_head(const struct history *h)
{
	return h->head;
}

void hist_free(struct history *h)
{
	if (!h)
		return;
	history_clear_files(h);
	smap_free(&h->live, 0);
	free(h->bounds);
	smap_free(&h->dirty, 1);
	smap_free(&h->renamed, 1);
	status_memo_free(h->memo);
	git_repository_free(h->repo);
	free(h->prefix);
	arena_free(&h->arena);
	for (size_t i = 0; i < h->nreaders; i++)
		git_repository_free(h->readers[i]);
	pthread_cond_destroy(&h->freed);
	pthread_mutex_destroy(&h->lock);
	free(h);
	git_libgit2_shutdown();
}
