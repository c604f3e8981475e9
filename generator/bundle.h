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
 * and mode 0644.  Writes zip_path.tmp and renames it, so a failure never
 * leaves a partial zip.  No ZIP64: more than 65535 files or 4 GiB is an
 * error.  Returns 0, or -1 after diag_error(d, NULL, 0, 0, ...). */
int bundle_write_zip(const char *dir, const char *zip_path, struct diag *d);

#endif
