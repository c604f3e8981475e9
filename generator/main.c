/* main: reads the command line and calls the stage that does the work.
 * Owns the process-wide state: the diagnostics collector and the signal
 * flag. */
#include <getopt.h>
#include <git2.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "diag.h"
#include "near.h"
#include "newpage.h"
#include "site.h"
#include "render.h"
#include "serve.h"

#define QUIRE_VERSION "0.1.0"

static volatile sig_atomic_t stop_flag;

/* The first signal asks the build to stop at the next page and clean up
 * (OUT stays as it was).  A build stuck inside a library call (libgit2
 * spinning on a damaged object, an open of a FIFO planted as .git/config)
 * never looks at the flag, so a second Ctrl-C or SIGTERM ends the process
 * at once; the staging folder it leaves is removed by the next build.
 * Only async-signal-safe calls here: write(2) and _exit. */
static void on_signal(int sig)
{
	static const char first[] = "\nquire: stopping (press Ctrl-C again to quit at once)\n";
	static const char again[] = "\nquire: quit at once; the next build removes what this one left\n";
	if (stop_flag && sig != SIGHUP) {
		(void)!write(STDERR_FILENO, again, sizeof again - 1);
		_exit(128 + sig);
	}
	stop_flag = 1;
	if (sig == SIGINT)
		(void)!write(STDERR_FILENO, first, sizeof first - 1);
}

/* SA_RESTART, as signal() gave: the handler only sets the flag, and no
 * system call needs breaking off for the build to see it (the wait for
 * the output's lock polls it), while libraries that do not retry on
 * EINTR would fail a read instead. */
static void catch_signal(int sig)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	/* a second signal waits until the first's handler has set the flag */
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	/* a hang-up ignored by nohup stays ignored */
	if (sig == SIGHUP && sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	sigaction(sig, &sa, NULL);
}

static const char usage_text[] =
	"usage: quire <command> [options]\n"
	"\n"
	"  build [-s SITE] [-o OUT] [-j N] [--drafts] [--strict] [--force] [--bundle FILE.zip]\n"
	"                     render SITE into OUT (default SITE/public);\n"
	"                     --bundle also writes the whole site as one zip\n"
	"  check [-s SITE] [-j N] [--drafts] [--strict]\n"
	"                     validate everything build validates; write nothing\n"
	"  serve [-s SITE] [-o OUT] [--bind ADDR] [--port N] [-j N] [--drafts] [--force]\n"
	"                     build, serve on 127.0.0.1:8080, rebuild and reload on change\n"
	"  new PATH [--title TITLE] [-s SITE]\n"
	"                     create content/PATH.md with valid front matter\n"
	"  help [COMMAND]     show this help, or a command's options\n"
	"  --version          print the version\n"
	"\n"
	"SITE defaults to the site the current folder is in (the nearest folder up with\n"
	"site.yml or content/).\n"
	"\n"
	"Exit status: 0 success, 1 the site has errors, 2 bad usage, environment fault or\n"
	"interrupted build (a second Ctrl-C quits at once: 130).\n";

static int usage(FILE *f, int status)
{
	fputs(usage_text, f);
	return status;
}

/* Each command's name, help, and long options (the names of long_opts
 * it takes, for "did you mean"). */
static const char *const command_help[][3] = {
	{ "build",
	  "usage: quire build [-s SITE] [-o OUT] [-j N] [--drafts] [--strict] [--force] [--bundle FILE.zip]\n"
	  "\n"
	  "Renders SITE into OUT; the previous OUT stays as it was until the new one is whole.\n"
	  "  -s, --site SITE    the site's folder (default: the one this folder is in)\n"
	  "  -o, --out OUT      the output folder (default SITE/public)\n"
	  "  -j, --jobs N       render on N threads (default: one per core)\n"
	  "  --drafts           include articles marked draft: true\n"
	  "  --strict           fail on any warning (exit 1), leaving OUT as it was: for CI\n"
	  "  --force            replace a non-empty OUT that quire did not create\n"
	  "  --bundle FILE.zip  also write the whole site as one zip, for offline reading\n",
	  "site out jobs drafts strict force bundle help" },
	{ "check",
	  "usage: quire check [-s SITE] [-j N] [--drafts] [--strict]\n"
	  "\n"
	  "Validates everything a build does (front matter, links, anchors, templates,\n"
	  "hooks) and writes nothing.  Errors come as FILE:LINE:COL: error: MESSAGE.\n"
	  "  -s, --site SITE    the site's folder (default: the one this folder is in)\n"
	  "  -j, --jobs N       check on N threads (default: one per core)\n"
	  "  --drafts           include articles marked draft: true\n"
	  "  --strict           fail on any warning too (exit 1)\n",
	  "site jobs drafts strict help" },
	{ "serve",
	  "usage: quire serve [-s SITE] [-o OUT] [--bind ADDR] [--port N] [-j N] [--drafts] [--force]\n"
	  "\n"
	  "Builds, serves the site and rebuilds on every save, reloading the browser.\n"
	  "  -s, --site SITE    the site's folder (default: the one this folder is in)\n"
	  "  -o, --out OUT      build into OUT (default: a temporary folder)\n"
	  "  --bind ADDR        the address to listen on (default 127.0.0.1)\n"
	  "  --port N           the port (default 8080; 0 picks a free one)\n"
	  "  -j, --jobs N       render on N threads (default: one per core)\n"
	  "  --drafts           include articles marked draft: true\n"
	  "  --force            build into a non-empty OUT that quire did not create\n",
	  "site out bind port jobs drafts force help" },
	{ "new",
	  "usage: quire new PATH [--title TITLE] [-s SITE]\n"
	  "\n"
	  "Creates content/PATH.md with valid front matter to fill in; never overwrites.\n"
	  "Inside content/, PATH is taken from the current folder.\n"
	  "  --title TITLE      the article's title (default: from PATH)\n"
	  "  -s, --site SITE    the site's folder (default: the one this folder is in)\n",
	  "title site help" },
};

static int is_command(const char *cmd)
{
	for (size_t k = 0; k < sizeof command_help / sizeof *command_help; k++)
		if (!strcmp(cmd, command_help[k][0]))
			return 1;
	return 0;
}

/* The command cmd was likely meant for ("chek": check), or NULL: one
 * slip away (two for a word of six letters or more), and only one so. */
static const char *near_command(const char *cmd)
{
	const char *best = NULL;
	int max = strlen(cmd) >= 6 ? 2 : 1, found = 0;
	for (size_t k = 0; k < sizeof command_help / sizeof *command_help; k++)
		if (near_distance(cmd, command_help[k][0], max) <= max) {
			best = command_help[k][0];
			found++;
		}
	return found == 1 ? best : NULL;
}

/* quire help COMMAND, quire COMMAND --help. */
static int help(FILE *f, const char *cmd, int status)
{
	for (size_t k = 0; cmd && k < sizeof command_help / sizeof *command_help; k++)
		if (!strcmp(cmd, command_help[k][0])) {
			fputs(command_help[k][1], f);
			return status;
		}
	if (cmd) {
		fprintf(stderr, "quire help: unknown command '%s'\n", cmd);
		return usage(stderr, 2);
	}
	return usage(f, status);
}

enum { OPT_DRAFTS = 256, OPT_FORCE, OPT_BIND, OPT_PORT, OPT_TITLE, OPT_BUNDLE, OPT_STRICT };

static const struct option long_opts[] = {
	{ "site", required_argument, NULL, 's' },
	{ "out", required_argument, NULL, 'o' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "drafts", no_argument, NULL, OPT_DRAFTS },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "bundle", required_argument, NULL, OPT_BUNDLE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	const char *site, *out, *bind, *title, *path, *bundle;
	int jobs, port, drafts, force, strict;
	int port_given, bind_given, site_given;
};

static int parse_number(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* An option another command takes is a mistake, not something to
 * ignore: "quire check --bundle x.zip" writes no zip.  Returns 0 or 2. */
static int options_fit(const char *cmd, const struct args *a)
{
	const struct {
		int given;
		const char *name, *cmds;
	} opts[] = {
		{ a->title != NULL, "--title", " new " }, { a->bundle != NULL, "--bundle", " build " },
		{ a->out != NULL, "-o", " build serve " }, { a->force, "--force", " build serve " },
		{ a->port_given, "--port", " serve " }, { a->bind_given, "--bind", " serve " },
		{ a->jobs > 0, "-j", " build check serve " }, { a->drafts, "--drafts", " build check serve " },
		{ a->strict, "--strict", " build check " },
	};
	char word[32];
	snprintf(word, sizeof word, " %s ", cmd);
	for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
		if (opts[k].given && !strstr(opts[k].cmds, word)) {
			fprintf(stderr, "quire %s: %s does not go with quire %s (it is for:%.*s)\n", cmd,
				opts[k].name, cmd, (int)strlen(opts[k].cmds) - 1, opts[k].cmds);
			return 2;
		}
	return 0;
}

/* The option of cmd that the long name (n bytes: "titel") was most
 * likely meant for, or NULL: the one it begins, or one an edit or two
 * away (one for a name of four letters or fewer). */
static const char *near_option(const char *cmd, const char *name, size_t n, char *best, size_t size)
{
	const char *opts = NULL;
	for (size_t k = 0; k < sizeof command_help / sizeof *command_help; k++)
		if (!strcmp(cmd, command_help[k][0]))
			opts = command_help[k][2];
	char *want = xstrndup(name, n);
	int best_d = 3, prefixes = 0;
	for (const char *p = opts; p && *p; p += strspn(p, " ")) {
		size_t m = strcspn(p, " ");
		char *o = xstrndup(p, m);
		int d = !strncmp(o, want, n) ? 0 : near_distance(want, o, 2);
		prefixes += !strncmp(o, want, n);
		if (d < best_d && d <= (m <= 4 || n <= 4 ? 1 : 2) && m < size) {
			best_d = d;
			memcpy(best, o, m + 1);
		}
		free(o);
		p += m;
	}
	free(want);
	/* "--b" begins both --bind and --bundle: no guess */
	return best_d < 3 && prefixes < 2 ? best : NULL;
}

/* Reports an option word of argv that getopt_long refused, as written:
 * unknown (with the option of cmd it was likely meant for), missing its
 * value, or given one it takes none of.  Returns 2. */
static int bad_option(const char *cmd, const char *word, int missing)
{
	const char *name = word + 1 + (word[1] == '-');
	size_t n = strcspn(name, "=");
	char near[32];
	const struct option *o = long_opts;
	while (o->name && (strlen(o->name) != n || strncmp(o->name, name, n)))
		o++;
	if (missing) {
		fprintf(stderr, "quire %s: option '%s' needs a value\n", cmd, word);
	} else if (word[1] == '-' && name[n] == '=' && o->name && o->has_arg == no_argument) {
		fprintf(stderr, "quire %s: option '--%s' takes no value\n", cmd, o->name);
	} else if (n > 1 && near_option(cmd, name, n, near, sizeof near)) {
		fprintf(stderr, "quire %s: unknown option '%s': did you mean '--%s'?\n", cmd, word, near);
		return 2;
	} else {
		fprintf(stderr, "quire %s: unknown option '%s'\n", cmd, word);
	}
	/* that command's usage line, not every command's */
	for (size_t k = 0; k < sizeof command_help / sizeof *command_help; k++)
		if (!strcmp(cmd, command_help[k][0]))
			fprintf(stderr, "%.*s", (int)strcspn(command_help[k][1], "\n") + 1, command_help[k][1]);
	return 2;
}

/* Whether word ("drafts", "site=x") names the option name in full. */
static int spelled_out(const char *word, const char *name)
{
	size_t n = strcspn(word, "=");
	return n == strlen(name) && !strncmp(word, name, n);
}

/* Returns 0, or 2 after printing what was wrong. */
static int parse_args(const char *cmd, int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	a->site = ".";
	a->port = 8080;
	a->bind = "127.0.0.1";
	optind = 1;
	opterr = 0;
	const char *extra = NULL;
	/* Options may come after the path too (quire new PATH --title T).
	 * getopt_long stops at each word that is no option ("+"), taken
	 * here, so the word it was reading (at) is known when it refuses
	 * one: with "-dash" it would only say 'd'. */
	for (int rest = 0, at; (at = optind) < argc;) {
		if (rest || argv[at][0] != '-' || !argv[at][1]) {
			if (a->path && !extra)
				extra = argv[at];
			a->path = a->path ? a->path : argv[at];
			optind++;
			continue;
		}
		int idx = -1, c = getopt_long(argc, argv, "+:s:o:j:h", long_opts, &idx);
		/* getopt_long takes "--d" for --drafts: a slip would publish
		 * drafts, so a long option is taken only when spelled out */
		if (idx >= 0 && argv[at][1] == '-' && !spelled_out(argv[at] + 2, long_opts[idx].name))
			return bad_option(cmd, argv[at], 0);
		switch (c) {
		case -1: rest = 1; break; /* "--": the rest are no options */
		case 's': a->site = optarg; a->site_given = 1; break;
		case 'o': a->out = optarg; break;
		case 'j':
			if (parse_number(optarg, 1, 256, &a->jobs) < 0) {
				fprintf(stderr, "quire %s: -j needs a number of threads from 1 to 256\n", cmd);
				return 2;
			}
			break;
		case OPT_DRAFTS: a->drafts = 1; break;
		case OPT_FORCE: a->force = 1; break;
		case OPT_STRICT: a->strict = 1; break;
		case OPT_BIND: a->bind = optarg; a->bind_given = 1; break;
		case OPT_PORT:
			a->port_given = 1;
			if (parse_number(optarg, 0, 65535, &a->port) < 0) {
				fprintf(stderr, "quire %s: --port needs a number from 0 to 65535\n", cmd);
				return 2;
			}
			break;
		case OPT_TITLE: a->title = optarg; break;
		case OPT_BUNDLE: a->bundle = optarg; break;
		case 'h': return help(stdout, cmd, 0) ? 2 : 3;
		default: return bad_option(cmd, argv[at], c == ':');
		}
	}
	/* -o "" named the working folder ("CWD/"), which passed for a folder
	 * beside the site: the build ran, then left a "..lock" behind. */
	const struct { const char *v, *opt, *what; } named[] = {
		{ a->out, "-o", "an output folder" }, { a->bundle, "--bundle", "a zip file" },
		{ a->site, "-s", "the site's folder" },
	};
	for (size_t k = 0; k < sizeof named / sizeof *named; k++)
		if (named[k].v && !*named[k].v) {
			fprintf(stderr, "quire %s: %s needs %s, not an empty name\n", cmd, named[k].opt, named[k].what);
			return 2;
		}
	if (extra) {
		fprintf(stderr, "quire %s: unexpected argument '%s'\n", cmd, extra);
		return 2;
	}
	return options_fit(cmd, a);
}

/* What a build leaves for the process's end, which frees it all at once
 * (still reachable: leak checkers do not count it as lost). */
static void *build_leftovers;

/* The commands that read git set libgit2 up once and keep it until they
 * end.  The stages still pair their own set-ups and shut-downs, which
 * then only count.  Were the count to reach zero while another thread had
 * a libgit2 error recorded, libgit2 would drop its thread-local key and
 * that thread's state would leak (a race once seen in CI, when this set-up
 * ran on a thread of its own that nothing waited for).
 *
 * libgit2's set-up parses the system's CA certificates for HTTPS (some
 * 6 ms, a few percent of a rebuild; quire never fetches): a build has it
 * done on a thread of its own while it starts, and waits for it
 * (git_setup_wait) before it first calls libgit2 on any thread. */
struct git_setup {
	pthread_t thread;
	int started, done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void *git_setup_main(void *arg)
{
	struct git_setup *g = arg;
	git_libgit2_init();
	pthread_mutex_lock(&g->lock);
	g->done = 1;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

static void git_setup_wait(void *arg)
{
	struct git_setup *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->done)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void git_setup_start(struct git_setup *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->started = pthread_create(&g->thread, NULL, git_setup_main, g) == 0;
	if (!g->started)
		git_setup_main(g);
}

static void git_setup_end(struct git_setup *g)
{
	if (g->started)
		pthread_join(g->thread, NULL);
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
	git_libgit2_shutdown();
}

/* quire check's last line.  A draft left out is named, so a site of
 * drafts does not read as one with nothing in it. */
static void check_summary(const struct build_stats *st, int warnings)
{
	fprintf(stderr, "checked %d article%s", st->articles, diag_s(st->articles));
	if (st->drafts)
		fprintf(stderr, " (%d draft%s not checked: use --drafts)", st->drafts, diag_s(st->drafts));
	fprintf(stderr, ": 0 errors, %d warning%s\n", warnings, diag_s(warnings));
}

static int cmd_build(const struct args *a, int check_only)
{
	struct git_setup git = { 0 };
	git_setup_start(&git);
	struct diag *d = diag_new();
	struct build_opts o = {
		.site_dir = a->site, .out_dir = a->out, .jobs = a->jobs, .drafts = a->drafts,
		.check_only = check_only, .force = a->force, .strict = a->strict, .stop = &stop_flag,
		.bundle = a->bundle,
		.keep = &build_leftovers, .git_ready = git_setup_wait, .git_ctx = &git,
	};
	struct build_stats st;
	int status = build_run(&o, d, &st);
	diag_print(d, stderr);
	if (status == 0 && !check_only && st.drafts_in)
		/* published by mistake, a preview looks like the guidance */
		fprintf(stderr, "built %d page%s (%d article%s, %d of them draft%s: a preview, not for publishing) in %.0f ms\n",
			st.pages, diag_s(st.pages), st.articles, diag_s(st.articles), st.drafts_in, diag_s(st.drafts_in),
			st.ms);
	else if (status == 0 && !check_only)
		fprintf(stderr, "built %d page%s (%d article%s) in %.0f ms\n", st.pages, diag_s(st.pages),
			st.articles, diag_s(st.articles), st.ms);
	else if (status == 0)
		check_summary(&st, diag_warnings(d));
	else
		fprintf(stderr, "%d error%s, %d warning%s%s\n", diag_errors(d), diag_s(diag_errors(d)),
			diag_warnings(d), diag_s(diag_warnings(d)),
			a->strict && diag_warnings_of_quire(d) ? " (--strict: a warning fails it too)" : "");
	diag_free(d);
	git_setup_end(&git);
	return status;
}

static int cmd_new(const struct args *a)
{
	if (!a->path) {
		fprintf(stderr, "quire new: give the path of the new article, e.g. quire new policy/social-media\n");
		return 2;
	}
	struct diag *d = diag_new();
	char *site = NULL, *here = NULL;
	/* without -s, from inside the site (content/SECTION/ most often) */
	int status = a->site_given ? 0 : site_locate(&site, &here, d);
	if (!status)
		status = newpage_create(site ? site : a->site, here, a->path, a->title, d);
	diag_print(d, stderr);
	diag_free(d);
	free(site);
	free(here);
	return status;
}

static int cmd_serve(const struct args *a)
{
	struct serve_opts o = { .site_dir = a->site, .out_dir = a->out, .bind = a->bind,
				.port = a->port, .jobs = a->jobs, .drafts = a->drafts, .force = a->force };
	git_libgit2_init(); /* as for cmd_build */
	int status = serve_run(&o);
	git_libgit2_shutdown();
	return status;
}

/* The site above the working folder (site_locate), or NULL. */
static char *found_site(void)
{
	struct diag *d = diag_new();
	char *site = NULL, *here = NULL;
	if (site_locate(&site, &here, d) != 0) {
		free(site);
		site = NULL;
	}
	free(here);
	diag_free(d);
	/* one found above is named: a build never works on a folder unsaid */
	if (site && strcmp(site, ".")) {
		char *real = realpath(site, NULL);
		fprintf(stderr, "quire: the site is '%s' (the nearest folder up with site.yml or content/)\n",
			real ? real : site);
		free(real);
	}
	return site;
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, 2);
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("quire %s\n", QUIRE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") && argc > 3) {
		fprintf(stderr, "quire help: give one command\n");
		return 2;
	}
	if (!strcmp(cmd, "help"))
		return help(stdout, argc > 2 ? argv[2] : NULL, 0);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return usage(stdout, 0);
	if (!is_command(cmd)) {
		const char *near;
		if (cmd[0] == '-')
			fprintf(stderr, "quire: the command comes first, then its options (quire build %s ...)\n", cmd);
		else if ((near = near_command(cmd)))
			fprintf(stderr, "quire: unknown command '%s': did you mean 'quire %s'?\n", cmd, near);
		else
			fprintf(stderr, "quire: unknown command '%s'\n", cmd);
		return usage(stderr, 2);
	}
	struct args a;
	int rc = parse_args(cmd, argc - 1, argv + 1, &a);
	if (rc == 3)
		return 0;
	if (rc)
		return rc;
	if ((!strcmp(cmd, "build") || !strcmp(cmd, "check")) && a.path) {
		/* "quire check content/a.md": an editor's guess at checking one file */
		fprintf(stderr, "quire %s: unexpected argument '%s': %s takes no file name; it %s the whole "
			"site (-s SITE, default: the one this folder is in)\n", cmd, a.path, cmd, strcmp(cmd, "check") ? "builds" : "checks");
		return 2;
	}
	if (!strcmp(cmd, "new"))
		return cmd_new(&a);
	/* From content/SECTION/, as quire new works there.  No site above:
	 * "." stays, for the usual message. */
	char *found = a.site_given ? NULL : found_site();
	if (found)
		a.site = found;
	if (!strcmp(cmd, "build"))
		rc = cmd_build(&a, 0);
	else if (!strcmp(cmd, "check"))
		rc = cmd_build(&a, 1);
	else
		rc = cmd_serve(&a);
	free(found);
	return rc;
}

/* glibc's allocator gives memory back to the system whenever the top of a
 * heap is free, then takes it again a page fault at a time, and grows a
 * thread's heap a few pages per mprotect call: a rebuild at 10,000
 * articles made 4,000 mprotect and 200 brk calls and faulted 29,500 pages
 * in.  Heaps grow 32 MB at a time instead (address space only, until
 * used), blocks under 32 MB come from them, and the build gives memory
 * back itself (malloc_trim, where its peak would be): 500 mprotect, 12
 * brk, 24,700 faults, the same peak. */
static void tune_malloc(void)
{
	mallopt(M_TOP_PAD, 32 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

/* Every rendering thread holds files open, and libgit2 keeps its pack
 * files open: a soft limit below the hard one (a container's, or one a
 * service manager set low) fails builds on many cores that the hard limit
 * would allow.  Raised as far as the hard limit lets, up to 65,536. */
static void raise_file_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	tune_malloc();
	raise_file_limit();
	/* serve installs its own handlers; for build and check a signal asks
	 * the pipeline to stop at the next page and clean up staging.  A
	 * hangup (the terminal closed) is one too, unless nohup ignores it. */
	catch_signal(SIGINT);
	catch_signal(SIGTERM);
	catch_signal(SIGHUP);
	render_json_install(); /* before any JSON value exists */
	return run(argc, argv);
}
