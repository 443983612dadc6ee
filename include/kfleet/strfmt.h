/* strfmt: a new string from a printf format, the one way kfleet's modules build the
 * messages they hand back through `char **err`. Header-only, so every library of the
 * project can use it without linking another. */
#ifndef KFLEET_STRFMT_H
#define KFLEET_STRFMT_H

#include <stdarg.h>
#include <stdio.h>

/* The string FMT and AP make (caller frees), or NULL when out of memory. */
static inline char *strfmt_v(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static inline char *
strfmt_v(const char *fmt, va_list ap)
{
	char *out = NULL;

	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	return out;
}

/* The same from FMT and its arguments. */
static inline char *strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline char *
strfmt(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = strfmt_v(fmt, ap);
	va_end(ap);
	return out;
}

#endif
