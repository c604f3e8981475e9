/* loose: checks git's loose objects before libgit2 reads them (libgit2
 * 1.5 hangs on a truncated one and overruns memory on one whose header
 * lies about its size). */
#ifndef QUIRE_LOOSE_H
#define QUIRE_LOOSE_H

/* Checks every loose object in the folder objects that the list in
 * gitdir/quire/ does not name as found whole by an earlier run.  Returns
 * 0 when all are whole (and, with save, records them), or -1 with the
 * first damaged object's path in *bad (caller frees). */
int loose_check(const char *gitdir, const char *objects, int save, char **bad);

#endif
