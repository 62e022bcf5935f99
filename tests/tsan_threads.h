/* tsan_threads.h - C11 <threads.h> calls as the POSIX calls they wrap, for
 * t_threads.sh's -fsanitize=thread build of the standalone program (forced
 * in with -include).  glibc's thrd_create and mtx_lock reach pthreads through
 * internal names that clang-14's ThreadSanitizer does not intercept: it would
 * crash on the first thread, and would not see the locks.  Test-only. */
#ifndef TSAN_THREADS_H
#define TSAN_THREADS_H
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

typedef struct tsan_start {
    thrd_start_t f;
    void *arg;
} tsan_start;

static void *tsan_trampoline(void *a)
{
    tsan_start s = *(tsan_start *)a;
    free(a);
    return (void *)(intptr_t)s.f(s.arg);
}

static int tsan_thrd_create(thrd_t *t, thrd_start_t f, void *arg)
{
    tsan_start *s = malloc(sizeof *s);
    if (!s)
        return thrd_nomem;
    s->f = f;
    s->arg = arg;
    if (pthread_create(t, NULL, tsan_trampoline, s) != 0) {
        free(s);
        return thrd_error;
    }
    return thrd_success;
}

#define TSAN_RC(x) ((x) == 0 ? thrd_success : thrd_error)
#define thrd_create(t, f, a) tsan_thrd_create(t, f, a)
#define thrd_join(t, r) TSAN_RC(pthread_join(t, NULL))
#define mtx_init(m, k) TSAN_RC(pthread_mutex_init((pthread_mutex_t *)(void *)(m), NULL))
#define mtx_lock(m) TSAN_RC(pthread_mutex_lock((pthread_mutex_t *)(void *)(m)))
#define mtx_unlock(m) TSAN_RC(pthread_mutex_unlock((pthread_mutex_t *)(void *)(m)))
#define mtx_destroy(m) ((void)pthread_mutex_destroy((pthread_mutex_t *)(void *)(m)))
#define cnd_init(c) TSAN_RC(pthread_cond_init((pthread_cond_t *)(void *)(c), NULL))
#define cnd_wait(c, m)                                                                  \
    TSAN_RC(pthread_cond_wait((pthread_cond_t *)(void *)(c), (pthread_mutex_t *)(void *)(m)))
#define cnd_signal(c) TSAN_RC(pthread_cond_signal((pthread_cond_t *)(void *)(c)))
#define cnd_broadcast(c) TSAN_RC(pthread_cond_broadcast((pthread_cond_t *)(void *)(c)))
#define cnd_destroy(c) ((void)pthread_cond_destroy((pthread_cond_t *)(void *)(c)))
#endif
