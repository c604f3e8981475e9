/* slug: text to URL/id fragment. */
#include "slug.h"

#include "buf.h"

char *slug_maken(const char *text, size_t n)
{
	struct buf b = BUF_INIT;
	int pending_dash = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (pending_dash && b.len)
				buf_putc(&b, '-');
			pending_dash = 0;
			buf_putc(&b, (char)c);
		} else {
			pending_dash = 1;
		}
	}
	return buf_detach(&b);
}

char *slug_make(const char *text)
{
	size_t n = 0;
	while (text[n])
		n++;
	return slug_maken(text, n);
}
