/* fs_shim: an LD_PRELOAD library for t61 that makes this machine look
 * like one quire meets in the field: a file system that cannot exchange two
 * folders at once (NFS, SMB: renameat2's RENAME_EXCHANGE fails with
 * EINVAL), and, with SHIM_DENY=TEXT, a folder this user may not write (an
 * open of a path holding TEXT fails with EACCES, as it would for any user
 * but root, whom the tests may run as). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int renameat2(int od, const char *o, int nd, const char *n, unsigned int flags)
{
	static int (*real)(int, const char *, int, const char *, unsigned int);
	if (flags & RENAME_EXCHANGE) {
		errno = EINVAL;
		return -1;
	}
	if (!real)
		real = (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT, "renameat2");
	return real(od, o, nd, n, flags);
}
int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	int mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) { /* the only calls with a mode */
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	const char *deny = getenv("SHIM_DENY");
	if (deny && strstr(path, deny)) {
		errno = EACCES;
		return -1;
	}
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	return real(path, flags, mode);
}
