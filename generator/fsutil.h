/* fsutil: the file-system operations the pipeline needs, each checked. */
#ifndef QUIRE_FSUTIL_H
#define QUIRE_FSUTIL_H

#include <stddef.h>

/* Largest source file quire reads (Markdown, templates, YAML, scripts). */
#define FS_MAX_FILE (8u * 1024 * 1024)

/* Reads a whole regular file into a new NUL-terminated buffer (caller
 * frees).  Returns 0; -2 when it does not exist; -3 when larger than
 * FS_MAX_FILE; -1 on any other error (errno set). */
int fs_read_file(const char *path, char **out, size_t *len);
/* The same into out (empty), for a caller that keeps a struct buf. */
struct buf;
int fs_read_buf(const char *path, struct buf *out);
/* Creates every missing folder of path (not the last component unless
 * it ends in '/').  Returns 0 or -1. */
int fs_mkdirs_for(const char *path);
int fs_mkdir_p(const char *dir);
/* Writes all len bytes to fd (again after a signal).  Returns 0 or -1
 * (errno set). */
int fs_write_all(int fd, const void *data, size_t len);
/* Writes data to path, creating folders.  Returns 0 or -1 (errno set). */
int fs_write_file(const char *path, const char *data, size_t len);
/* Writes data to a new file beside path (making path's folder, one level)
 * and renames it over path: a reader sees the old file or the new one,
 * whole.  Returns 0 or -1 (nothing left behind). */
int fs_replace_file(const char *path, const char *data, size_t len);
/* Creates a new, empty file beside path, named ".NAME.tmp-PID-N" after
 * path's NAME, for writing (mode 0666 less the umask, as a file made in
 * its place would have) and returns its fd, with its path in *tmp (caller
 * frees).  A name of its own: two processes replacing one file never
 * write the same temporary file.  -1 (errno set, *tmp NULL) on failure. */
int fs_create_temp(const char *path, char **tmp);
/* Removes the temporary files fs_create_temp made for path that a process
 * killed before it could rename or remove them left (of a process that is
 * gone, an hour old or more).  Returns how many. */
int fs_sweep_temps(const char *path);
int fs_copy_file(const char *from, const char *to);
/* Removes a tree without following symlinks.  Returns 0 or -1. */
int fs_rm_rf(const char *path);
/* Lists the regular files under dir (recursively, skipping dot files and
 * symlinks), relative to dir, sorted.  A missing dir lists nothing.
 * Caller frees each string and the array.  Returns 0 or -1. */
int fs_list_files(const char *dir, char ***out, size_t *n);
/* The same for the symbolic links below dir (not followed). */
int fs_list_links(const char *dir, char ***out, size_t *n);
/* realpath for a path whose last component may not exist yet (OUT before
 * the first build): its folder is resolved and the name appended, so the
 * answer is the same before and after it is made.  Never ends in '/'
 * (but for "/" itself).  NULL when the folder cannot be resolved, or the
 * path is "" or ends in "." or ".." that does not exist.  Caller frees. */
char *fs_resolve(const char *path);
/* Whether path is root or lies below it (both resolved, no trailing
 * slash; root may be "/"). */
int fs_within(const char *path, const char *root);
int fs_is_dir(const char *path);
int fs_exists(const char *path);

#endif
