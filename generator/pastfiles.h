/* pastfiles: the attachments past versions link, as they were at their
 * revision.  A picture or PDF that a version links is the file committed
 * with it, not today's (which may have changed, or gone): each blob is
 * written once, as OUT/_versions/<first 10 hex of the blob>/<file name>,
 * whatever number of versions link it, and linked from the previous OUT
 * when it was written there before.
 *
 * A revision with no file at the link's path, or one the site would not
 * publish (script in it while raw HTML is off, a Git LFS pointer whose
 * file git does not hold, one over PASTFILES_MAX), leaves the link as
 * text, as a version's link to a missing article does. */
#ifndef QUIRE_PASTFILES_H
#define QUIRE_PASTFILES_H

#include "diag.h"
#include "history.h"
#include "output.h"

#define PASTFILES_DIR "_versions/"
#define PASTFILES_MAX (256u * 1024 * 1024)

struct past_files;

struct past_files *past_files_new(struct history *h, int unsafe_html);
void past_files_free(struct past_files *pf);

/* Where the file at target (relative to content/) in commit (hex) is
 * written: its path relative to OUT, a new string, with its blob id in
 * blob; NULL when there is none to show.  Thread-safe: each commit and
 * target is looked up once, each blob judged once. */
char *past_files_at(struct past_files *pf, const char *commit, const char *target, char blob[41]);

/* Notes a file an earlier build's past_files_at named (its versions'
 * links are cached, not looked up again), to be written by this one. */
void past_files_need(struct past_files *pf, const char *out, const char *blob);

/* 1 when a lookup could not read git (a damaged or partial clone): its
 * link shows as text, what the links of past versions were made of is
 * not to be kept (the next build looks again), and past_files_write
 * warns. */
int past_files_failed(const struct past_files *pf);

/* Writes every file named or noted.  0, or -1 after reporting. */
int past_files_write(struct past_files *pf, struct output *o, struct diag *d);

#endif
