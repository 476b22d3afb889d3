/* assert.h: assert(cond) reports the condition, file, line and function on
 * stderr and aborts when cond is false; it compiles to nothing if NDEBUG is
 * defined. Unlike <assert.h> of ISO C this header is included once. */
#ifndef ASSERT_H
#define ASSERT_H

void assert_failed(const char *cond, const char *file, int line, const char *func)
	__attribute__((noreturn));

#ifdef NDEBUG
#define assert(cond) ((void)0)
#else
#define assert(cond) ((cond) ? (void)0 : assert_failed(#cond, __FILE__, __LINE__, __func__))
#endif

#endif
