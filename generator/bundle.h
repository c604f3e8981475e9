/* bundle: writes a built site as one ZIP file for offline distribution
 * (a USB stick, an e-mail attachment).  The bytes depend only on the
 * files' names and contents, so two builds of the same site give the
 * same zip. */
#ifndef QUIRE_BUNDLE_H
#define QUIRE_BUNDLE_H

#include "diag.h"

/* Writes every regular file under dir (recursively, sorted by path, names
 * relative to dir with '/'; dot files and symlinks skipped; a previous
 * zip_path inside dir is not packed into itself) into a ZIP file at
 * zip_path, deflated with zlib, with a fixed timestamp (1980-01-01 00:00)
 * and mode 0644.  Writes a new file of its own beside zip_path and
 * renames it, so a failure never leaves a partial zip.  No ZIP64: more
 * than 65535 files or 4 GiB is an error.  Returns 0, or -1 after
 * reporting to d. */
int bundle_write_zip(const char *dir, const char *zip_path, struct diag *d);
/* bundle_write_zip in two steps, for a caller that swaps a folder in
 * between: the zip written beside zip_path, its name in *tmp (caller
 * frees; nothing is left on failure), then renamed into place
 * (bundle_place; on failure it is removed).  0, or -1 after reporting. */
int bundle_pack(const char *dir, const char *zip_path, char **tmp, struct diag *d);
int bundle_place(const char *tmp, const char *zip_path, struct diag *d);

#endif
