/* serve_store.c - the service's state in one LMDB environment, and group
 * commit.
 *
 * Databases (all in DIR/data.mdb, so one write transaction covers them):
 *   meta   "machine" -> "NAME FINGERPRINT"; "next_seq", "idem_seq" -> u64
 *   cust   seq (8 bytes, big-endian: first-seen order) -> serve_rec + id
 *   ids    id key -> seq (DUPSORT).  The key is the id itself up to
 *          STORE_KEY_MAX bytes, else 0xFF (never a byte of UTF-8) and a hash
 *          of it: LMDB keys are at most 511 bytes.  Every candidate's full
 *          id is compared in cust, so a collision costs a compare, no more.
 *   idem   Idempotency-Key -> status (2 bytes) + the first response
 *   idemq  idem_seq -> key: the keys in the order stored, so only the last
 *          STORE_IDEM_KEEP are kept
 *
 * One committer thread takes every operation queued since its last round
 * (a group), applies them in arrival order in ONE write transaction and
 * commits it (LMDB syncs on commit), then answers them all: nothing is
 * answered before it is durable, and a crash loses a whole group or
 * nothing.  Customers touched by a group are cached in an rt_table (the
 * runtime's id table) so each body is stepped through the engine's
 * step_batch, as `expc run` steps a log.  When the map is full the group is
 * undone, the map doubled, the group done again. */
#if EXPC_SERVE
#define _GNU_SOURCE /* asprintf, vasprintf */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "expc/arena.h" /* try_grow */
#include "expc/report.h"
#include "serve_int.h"

#define STORE_KEY_MAX 400
#define STORE_IDEM_KEEP 100000
#define STORE_MAP_START ((size_t)64 << 20)
/* Free space under which a failed write is taken for a full disk. */
#define STORE_LOW_SPACE ((unsigned long long)16 << 20)

/* A customer's stored value: this head, the machine's state (the engine's
 * state size: an rt_state, then with time rules its clock and caps), then
 * its id. */
typedef struct serve_rec {
    int64_t last;             /* time of the last event applied */
    uint64_t has_last;        /* 1: the customer has had an event */
} serve_rec;

/* The rt_state part of a stored value (its scores: what the routes show). */
static rt_state rec_state(const void *v)
{
    rt_state st;
    memcpy(&st, (const char *)v + sizeof(serve_rec), sizeof st);
    return st;
}

/* Group cache flags. */
#define C_NEW 1u              /* not in the environment yet */
#define C_DIRTY 2u

struct serve_store {
    MDB_env *env;
    MDB_dbi meta, cust, ids, idem, idemq;
    const rt_engine *e;
    /* The report's per-event counter wrapping e (NULL: none); its counts
     * are loaded from meta "counts" when a group starts and stored with
     * it, so an undone group counts nothing. */
    report_run *counter;
    size_t n_events;          /* the machine's */
    size_t ss;                /* bytes of a state: the engine's */
    uint64_t lines, undeclared; /* meta "lines", "undeclared": of bodies applied */
    int lock_fd;
    /* readers hold it shared; growing the map takes it alone (LMDB: no
     * transaction of this process may be open then) */
    pthread_rwlock_t grow;
    /* the queue */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    serve_op *head, *tail;
    bool stopping;
    bool stopped;             /* the committer is gone: submit answers 503 */
    bool started;
    pthread_t thr;
    /* the group at hand */
    rt_table tab;
    uint64_t *seq;
    int64_t *last;
    uint8_t *flags;
    uint8_t *has_last;
    size_t cap;
    uint64_t next_seq, idem_seq;
};

static void be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint64_t get_be64(const void *q)
{
    const unsigned char *p = q;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* The ids key of an id (buf: STORE_KEY_MAX bytes at least). */
static MDB_val id_key(const char *id, size_t n, unsigned char *buf)
{
    MDB_val k;
    if (n <= STORE_KEY_MAX) {
        k.mv_data = (void *)id;
        k.mv_size = n;
        return k;
    }
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)id[i]) * 1099511628211ull;
    buf[0] = 0xFF;
    be64(buf + 1, h);
    be64(buf + 9, n);
    memcpy(buf + 17, id, 64); /* n > 400: the start, to spread the keys */
    k.mv_data = buf;
    k.mv_size = 17 + 64;
    return k;
}

/* ---- opening ----------------------------------------------------------- */

static int store_fail(const char *dir, const char *what, int rc)
{
    fprintf(stderr, "expc: --data=%s: %s: %s\n", dir, what, mdb_strerror(rc));
    return RT_EXIT_ERRORS;
}

/* DIR made when missing, locked against a second service. */
static int store_dir(serve_store *s, const char *dir, bool reset)
{
    struct stat st;
    if (mkdir(dir, 0775) != 0 && errno != EEXIST)
        return store_fail(dir, "cannot create the folder", errno);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return store_fail(dir, "not a folder", ENOTDIR);
    if (access(dir, W_OK | X_OK) != 0)
        return store_fail(dir, "the folder is not writable", errno);
    char *p = NULL;
    if (asprintf(&p, "%s/serve.lock", dir) < 0)
        return store_fail(dir, "out of memory", ENOMEM);
    s->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
    free(p);
    if (s->lock_fd < 0)
        return store_fail(dir, "the folder is not writable", errno);
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "expc: --data=%s: in use by another expc serve\n", dir);
        return RT_EXIT_ERRORS;
    }
    if (reset) {
        static const char *const files[] = { "data.mdb", "lock.mdb" };
        for (size_t i = 0; i < 2; i++) {
            if (asprintf(&p, "%s/%s", dir, files[i]) < 0)
                return store_fail(dir, "out of memory", ENOMEM);
            int r = unlink(p);
            free(p);
            if (r != 0 && errno != ENOENT)
                return store_fail(dir, "cannot empty it", errno);
        }
    }
    return RT_EXIT_OK;
}

static int get_u64(MDB_txn *txn, MDB_dbi db, const char *name, uint64_t *v)
{
    MDB_val k = { strlen(name), (void *)name }, d;
    int rc = mdb_get(txn, db, &k, &d);
    *v = 0;
    if (rc == 0 && d.mv_size == 8)
        *v = get_be64(d.mv_data);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int put_u64(MDB_txn *txn, MDB_dbi db, const char *name, uint64_t v)
{
    unsigned char b[8];
    MDB_val k = { strlen(name), (void *)name }, d = { 8, b };
    be64(b, v);
    return mdb_put(txn, db, &k, &d, 0);
}

/* The machine check: an empty DIR takes this machine, another refuses. */
static int store_machine(serve_store *s, MDB_txn *txn, const char *dir, const char *name,
                         const char *fp)
{
    char want[512];
    int n = snprintf(want, sizeof want, "%s %s", name, fp);
    MDB_val k = { 7, "machine" }, d;
    int rc = mdb_get(txn, s->meta, &k, &d);
    if (rc == MDB_NOTFOUND) {
        d.mv_size = (size_t)n;
        d.mv_data = want;
        rc = mdb_put(txn, s->meta, &k, &d, 0);
        return rc ? store_fail(dir, "cannot write", rc) : RT_EXIT_OK;
    }
    if (rc)
        return store_fail(dir, "cannot read", rc);
    if (d.mv_size == (size_t)n && !memcmp(d.mv_data, want, (size_t)n))
        return RT_EXIT_OK;
    const char *have = d.mv_data;
    int hn = (int)d.mv_size, sp = 0;
    while (sp < hn && have[sp] != ' ')
        sp++;
    fprintf(stderr, "expc: --data=%s holds the state of experience %.*s (machine %.*s), not "
            "of experience %s (machine %s); use another folder, or --reset to empty it\n",
            dir, sp, have, hn - sp > 0 ? hn - sp - 1 : 0, have + (sp < hn ? sp + 1 : sp), name,
            fp);
    return RT_EXIT_ERRORS;
}

static int store_dbs(serve_store *s, const char *dir, const char *name, const char *fp)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc)
        return store_fail(dir, "cannot open", rc);
    if ((rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &s->meta)) ||
        (rc = mdb_dbi_open(txn, "cust", MDB_CREATE, &s->cust)) ||
        (rc = mdb_dbi_open(txn, "ids", MDB_CREATE | MDB_DUPSORT, &s->ids)) ||
        (rc = mdb_dbi_open(txn, "idem", MDB_CREATE, &s->idem)) ||
        (rc = mdb_dbi_open(txn, "idemq", MDB_CREATE, &s->idemq))) {
        mdb_txn_abort(txn);
        return store_fail(dir, "not an expc serve folder", rc);
    }
    int r = store_machine(s, txn, dir, name, fp);
    if (r) {
        mdb_txn_abort(txn);
        return r;
    }
    rc = mdb_txn_commit(txn);
    return rc ? store_fail(dir, "cannot write", rc) : RT_EXIT_OK;
}

static void *store_committer(void *arg);

int serve_store_open(serve_store **sp, const char *dir, const ir_machine *m, const char *fp,
                     bool reset, const rt_engine *e, report_run *counter)
{
    serve_store *s = calloc(1, sizeof *s);
    int rc;
    *sp = NULL;
    if (!s)
        return store_fail(dir, "out of memory", ENOMEM);
    s->e = e;
    s->counter = counter;
    s->n_events = m->n_events;
    s->ss = rt_engine_state_size(e);
    s->lock_fd = -1;
    rt_table_init(&s->tab);
    pthread_rwlock_init(&s->grow, NULL);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    *sp = s;
    if ((rc = store_dir(s, dir, reset)))
        return rc;
    int e_rc;
    if ((e_rc = mdb_env_create(&s->env)) || (e_rc = mdb_env_set_maxdbs(s->env, 8)) ||
        (e_rc = mdb_env_set_mapsize(s->env, STORE_MAP_START)) ||
        (e_rc = mdb_env_open(s->env, dir, MDB_NOTLS, 0664)))
        return store_fail(dir, e_rc == MDB_INVALID || e_rc == MDB_VERSION_MISMATCH
                                   ? "not an LMDB environment"
                                   : "cannot open", e_rc);
    /* A service killed with reads under way left reader slots behind:
     * free them, or LMDB could never reuse the pages they pinned. */
    int dead = 0;
    mdb_reader_check(s->env, &dead);
    if ((rc = store_dbs(s, dir, m->name, fp)))
        return rc;
    if (pthread_create(&s->thr, NULL, store_committer, s) != 0)
        return store_fail(dir, "cannot start a thread", errno);
    s->started = true;
    return RT_EXIT_OK;
}

void serve_store_drain(serve_store *s)
{
    if (!s || !s->started)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thr, NULL);
    s->started = false;
}

void serve_store_close(serve_store *s)
{
    if (!s)
        return;
    serve_store_drain(s);
    if (s->env)
        mdb_env_close(s->env);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* releases the flock */
    rt_table_free(&s->tab);
    free(s->seq);
    free(s->last);
    free(s->flags);
    free(s->has_last);
    pthread_rwlock_destroy(&s->grow);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

/* ---- reading ------------------------------------------------------------ */

/* The customer's seq and stored value (the cust record), by its id. */
static int store_find(serve_store *s, MDB_txn *txn, const char *id, size_t n, uint64_t *seq,
                      MDB_val *rec)
{
    unsigned char kb[STORE_KEY_MAX];
    MDB_val k = id_key(id, n, kb), v;
    MDB_cursor *c;
    if (n <= STORE_KEY_MAX) {
        /* The key is the id: one customer at most, no cursor needed (the
         * common case, on every event of a body). */
        int rc = mdb_get(txn, s->ids, &k, &v);
        if (rc)
            return rc;
        *seq = get_be64(v.mv_data);
        MDB_val key = { 8, v.mv_data };
        return mdb_get(txn, s->cust, &key, rec);
    }
    int rc = mdb_cursor_open(txn, s->ids, &c);
    if (rc)
        return rc;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
    while (rc == 0) {
        unsigned char sk[8];
        MDB_val key = { 8, sk };
        *seq = get_be64(v.mv_data);
        memcpy(sk, v.mv_data, 8);
        rc = mdb_get(txn, s->cust, &key, rec);
        if (rc)
            break;
        if (rec->mv_size == sizeof(serve_rec) + s->ss + n &&
            !memcmp((char *)rec->mv_data + sizeof(serve_rec) + s->ss, id, n))
            break;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
    }
    mdb_cursor_close(c);
    return rc;
}

static int read_begin(serve_store *s, MDB_txn **txn)
{
    pthread_rwlock_rdlock(&s->grow);
    int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
    if (rc)
        pthread_rwlock_unlock(&s->grow);
    return rc;
}

static void read_end(serve_store *s, MDB_txn *txn)
{
    mdb_txn_abort(txn);
    pthread_rwlock_unlock(&s->grow);
}

int serve_store_get(serve_store *s, const char *id, size_t n, rt_state *st)
{
    MDB_txn *txn;
    MDB_val rec;
    uint64_t seq;
    if (read_begin(s, &txn))
        return -1;
    int rc = store_find(s, txn, id, n, &seq, &rec);
    if (rc == 0)
        *st = rec_state(rec.mv_data);
    read_end(s, txn);
    return rc == 0 ? 1 : rc == MDB_NOTFOUND ? 0 : -1;
}

bool serve_store_scan(serve_store *s, serve_row_fn *fn, void *arg)
{
    MDB_txn *txn;
    MDB_cursor *c;
    MDB_val k, v;
    bool ok = true;
    if (read_begin(s, &txn))
        return false;
    int rc = mdb_cursor_open(txn, s->cust, &c);
    if (rc == 0) {
        for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && ok;
             rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
            rt_state st = rec_state(v.mv_data);
            size_t off = sizeof(serve_rec) + s->ss;
            ok = fn(arg, (char *)v.mv_data + off, v.mv_size - off, &st);
        }
        mdb_cursor_close(c);
    }
    read_end(s, txn);
    return ok && rc == MDB_NOTFOUND;
}

static int counts_get(MDB_txn *txn, MDB_dbi meta, size_t m, report_counts *c);

/* Every stored customer's state, in first-seen order, into *out (malloc'd,
 * *n of them). */
static int states_read(serve_store *s, MDB_txn *txn, rt_state **out, size_t *n)
{
    MDB_stat st;
    MDB_cursor *c;
    MDB_val k, v;
    int rc = mdb_stat(txn, s->cust, &st);
    *out = NULL;
    *n = 0;
    if (rc)
        return rc;
    rt_state *a = malloc((st.ms_entries ? st.ms_entries : 1) * sizeof *a);
    if (!a)
        return ENOMEM;
    if ((rc = mdb_cursor_open(txn, s->cust, &c))) {
        free(a);
        return rc;
    }
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && *n < st.ms_entries;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        a[(*n)++] = rec_state(v.mv_data);
    }
    mdb_cursor_close(c);
    *out = a;
    return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

bool serve_store_page(serve_store *s, const ir_machine *m, FILE *f)
{
    MDB_txn *txn;
    uint64_t lines = 0, undeclared = 0;
    rt_state *states = NULL;
    size_t n = 0;
    report_counts *counts = calloc(m->n_events ? m->n_events : 1, sizeof *counts);
    if (!counts || read_begin(s, &txn)) {
        free(counts);
        return false;
    }
    int rc = get_u64(txn, s->meta, "lines", &lines);
    if (!rc)
        rc = get_u64(txn, s->meta, "undeclared", &undeclared);
    if (!rc)
        rc = counts_get(txn, s->meta, m->n_events, counts);
    if (!rc)
        rc = states_read(s, txn, &states, &n);
    read_end(s, txn);
    uint64_t scored = 0;
    for (size_t i = 0; i < m->n_events; i++)
        for (int k = 0; k <= IR_EFFECT_MASK; k++)
            scored += counts[i].n[k];
    char live[96];
    snprintf(live, sizeof live, "live: the state of expc serve, %zu customers", n);
    report_data d = { m, NULL, live, lines, scored, undeclared, 0, counts, states, n, 0, NULL, 0 };
    bool ok = !rc && report_write(f, &d) == 0;
    free(states);
    free(counts);
    return ok;
}

uint64_t serve_store_count(serve_store *s)
{
    MDB_txn *txn;
    MDB_stat st;
    uint64_t n = 0;
    if (read_begin(s, &txn))
        return 0;
    if (mdb_stat(txn, s->cust, &st) == 0)
        n = st.ms_entries;
    read_end(s, txn);
    return n;
}

/* ---- the group cache --------------------------------------------------- */

static void cache_reset(serve_store *s)
{
    rt_table_free(&s->tab);
    rt_table_init(&s->tab);
}

/* The cache index of a customer, loaded from txn (or made new) on first
 * sight; -1 with *err set on failure. */
static int64_t cache_intern(serve_store *s, MDB_txn *txn, const char *id, size_t n, int *err)
{
    uint32_t before = s->tab.n;
    int64_t k = rt_table_intern(&s->tab, id, n, s->e);
    if (k < 0) {
        *err = ENOMEM;
        return -1;
    }
    if ((uint32_t)k < before)
        return k;
    if ((size_t)k >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        if (!try_grow(&s->seq, cap, sizeof *s->seq) || !try_grow(&s->last, cap, sizeof *s->last) ||
            !try_grow(&s->flags, cap, 1) || !try_grow(&s->has_last, cap, 1)) {
            *err = ENOMEM;
            return -1;
        }
        s->cap = cap;
    }
    MDB_val rec;
    int rc = store_find(s, txn, id, n, &s->seq[k], &rec);
    if (rc == 0) {
        serve_rec r;
        memcpy(&r, rec.mv_data, sizeof r);
        memcpy(rt_table_state(&s->tab, k), (char *)rec.mv_data + sizeof r, s->ss);
        s->last[k] = r.last;
        s->has_last[k] = (uint8_t)r.has_last;
        s->flags[k] = 0;
    } else if (rc == MDB_NOTFOUND) {
        s->seq[k] = s->next_seq++;
        s->last[k] = 0;
        s->has_last[k] = 0;
        s->flags[k] = C_NEW;
    } else {
        *err = rc;
        return -1;
    }
    return k;
}

/* Writes the customers the group changed into txn; empties the cache. */
static int cache_flush(serve_store *s, MDB_txn *txn)
{
    size_t pos = 0;
    int rc = 0;
    for (uint32_t k = 0; k < s->tab.n && !rc; k++) {
        size_t n;
        const char *id = rt_table_next_id(&s->tab, &pos, &n);
        if (!(s->flags[k] & C_DIRTY))
            continue;
        unsigned char sk[8], kb[STORE_KEY_MAX];
        MDB_val key = { 8, sk }, v = { sizeof(serve_rec) + s->ss + n, NULL };
        serve_rec r = { s->last[k], s->has_last[k] };
        be64(sk, s->seq[k]);
        rc = mdb_put(txn, s->cust, &key, &v, MDB_RESERVE);
        if (rc)
            break;
        memcpy(v.mv_data, &r, sizeof r);
        memcpy((char *)v.mv_data + sizeof r, rt_table_state(&s->tab, k), s->ss);
        memcpy((char *)v.mv_data + sizeof r + s->ss, id, n);
        if (s->flags[k] & C_NEW) {
            MDB_val ik = id_key(id, n, kb), sv = { 8, sk };
            rc = mdb_put(txn, s->ids, &ik, &sv, 0);
        }
    }
    cache_reset(s);
    return rc;
}

/* ---- applying ----------------------------------------------------------- */

typedef struct ev_order {
    int64_t t;
    size_t i;
} ev_order;

static int ev_cmp(const void *a, const void *b)
{
    const ev_order *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int set_body(serve_op *op, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int set_body(serve_op *op, int status, const char *fmt, ...)
{
    va_list ap;
    free(op->body);
    op->body = NULL;
    op->status = status;
    va_start(ap, fmt);
    int n = vasprintf(&op->body, fmt, ap);
    va_end(ap);
    if (n < 0) {
        op->body = NULL;
        return ENOMEM;
    }
    op->body_len = (size_t)n;
    return 0;
}

/* The body's events through the engine: customers interned in body order
 * (first appearance), then stepped per customer in time order (input
 * order without --time), late ones skipped. */
static int apply_events(serve_store *s, MDB_txn *txn, serve_op *op)
{
    const serve_batch *b = op->batch;
    uint32_t *cust = malloc((b->n ? b->n : 1) * sizeof *cust);
    uint32_t *sc = malloc((b->n ? b->n : 1) * sizeof *sc);
    int32_t *ev = malloc((b->n ? b->n : 1) * sizeof *ev);
    int64_t *tm = malloc((b->n ? b->n : 1) * sizeof *tm);
    ev_order *ord = b->timed ? malloc((b->n ? b->n : 1) * sizeof *ord) : NULL;
    int err = 0;
    size_t m = 0;
    if (!cust || !sc || !ev || !tm || (b->timed && !ord))
        err = ENOMEM;
    for (size_t i = 0; i < b->n && !err; i++) {
        int64_t k = cache_intern(s, txn, b->ids + b->off[i], b->len[i], &err);
        cust[i] = (uint32_t)k;
        if (ord) {
            ord[i].t = b->t[i];
            ord[i].i = i;
        }
    }
    if (!err && ord)
        qsort(ord, b->n, sizeof *ord, ev_cmp); /* stable: ties by body order */
    for (size_t j = 0; j < b->n && !err; j++) {
        size_t i = ord ? ord[j].i : j;
        uint32_t k = cust[i];
        if (s->has_last[k] && b->t[i] < s->last[k]) {
            op->late++;
            continue;
        }
        s->has_last[k] = 1;
        s->last[k] = b->t[i];
        s->flags[k] |= C_DIRTY;
        sc[m] = k;
        tm[m] = b->t[i];
        ev[m++] = b->ev[i];
    }
    if (!err && m)
        s->e->step_batch(s->e->ctx, s->tab.states, sc, ev, b->timed ? tm : NULL, m);
    op->accepted = m;
    op->skipped = b->skipped;
    free(cust);
    free(sc);
    free(ev);
    free(tm);
    free(ord);
    return err;
}

/* Remembers key -> the response in txn, and forgets the oldest key beyond
 * STORE_IDEM_KEEP. */
static int idem_put(serve_store *s, MDB_txn *txn, const serve_op *op)
{
    unsigned char qk[8];
    MDB_val k = { op->key_len, (void *)op->key }, v = { 2 + op->body_len, NULL };
    MDB_val q = { 8, qk };
    int rc = mdb_put(txn, s->idem, &k, &v, MDB_RESERVE);
    if (rc)
        return rc;
    ((unsigned char *)v.mv_data)[0] = (unsigned char)(op->status >> 8);
    ((unsigned char *)v.mv_data)[1] = (unsigned char)op->status;
    memcpy((char *)v.mv_data + 2, op->body, op->body_len);
    be64(qk, s->idem_seq);
    if ((rc = mdb_put(txn, s->idemq, &q, &k, 0)))
        return rc;
    if (s->idem_seq >= STORE_IDEM_KEEP) {
        MDB_val old;
        be64(qk, s->idem_seq - STORE_IDEM_KEEP);
        if (mdb_get(txn, s->idemq, &q, &old) == 0) {
            MDB_val ok = old; /* the key's bytes live in the map: copy before deleting */
            char *copy = malloc(ok.mv_size ? ok.mv_size : 1);
            if (!copy)
                return ENOMEM;
            memcpy(copy, old.mv_data, old.mv_size);
            ok.mv_data = copy;
            rc = mdb_del(txn, s->idem, &ok, NULL);
            free(copy);
            if (rc && rc != MDB_NOTFOUND)
                return rc;
            if ((rc = mdb_del(txn, s->idemq, &q, NULL)))
                return rc;
        }
    }
    s->idem_seq++;
    return 0;
}

static int apply_post(serve_store *s, MDB_txn *txn, serve_op *op)
{
    if (op->key) {
        MDB_val k = { op->key_len, (void *)op->key }, v;
        int rc = mdb_get(txn, s->idem, &k, &v);
        if (rc == 0 && v.mv_size >= 2) {
            /* Applied before: the first answer again, nothing applied. */
            const unsigned char *p = v.mv_data;
            free(op->body);
            op->body = malloc(v.mv_size - 2 + 1);
            if (!op->body)
                return ENOMEM;
            memcpy(op->body, p + 2, v.mv_size - 2);
            op->body_len = v.mv_size - 2;
            op->status = p[0] << 8 | p[1];
            op->accepted = op->skipped = op->late = 0;
            return 0;
        }
        if (rc != MDB_NOTFOUND)
            return rc;
    }
    op->accepted = op->skipped = op->late = 0;
    int rc = apply_events(s, txn, op);
    if (rc)
        return rc;
    rc = set_body(op, 200, "{\"accepted\":%llu,\"skipped\":%llu,\"late\":%llu}",
                  (unsigned long long)op->accepted, (unsigned long long)op->skipped,
                  (unsigned long long)op->late);
    if (!rc && op->key)
        rc = idem_put(s, txn, op);
    return rc;
}

static int apply_delete(serve_store *s, MDB_txn *txn, serve_op *op)
{
    uint64_t seq;
    MDB_val rec;
    /* The cache holds changes not yet in txn: write them first. */
    int rc = cache_flush(s, txn);
    if (rc)
        return rc;
    rc = store_find(s, txn, op->id, op->id_len, &seq, &rec);
    if (rc == MDB_NOTFOUND)
        return set_body(op, 404, "{\"error\":\"no such customer\"}");
    if (rc)
        return rc;
    unsigned char sk[8], kb[STORE_KEY_MAX];
    MDB_val key = { 8, sk }, ik = id_key(op->id, op->id_len, kb);
    be64(sk, seq);
    if ((rc = mdb_del(txn, s->ids, &ik, &key)) || (rc = mdb_del(txn, s->cust, &key, NULL)))
        return rc;
    free(op->body);
    op->body = NULL;
    op->body_len = 0;
    op->status = 204;
    return 0;
}

/* The counter's counts as stored in meta (zero when none yet), m events. */
static int counts_get(MDB_txn *txn, MDB_dbi meta, size_t m, report_counts *c)
{
    MDB_val k = { 6, "counts" }, d;
    int rc = mdb_get(txn, meta, &k, &d);
    memset(c, 0, m * sizeof *c);
    if (rc == 0 && d.mv_size == m * sizeof *c)
        memcpy(c, d.mv_data, d.mv_size);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* What a group starts from: the lines applied so far and the counts. */
static int totals_load(serve_store *s, MDB_txn *txn, size_t m)
{
    int rc;
    if ((rc = get_u64(txn, s->meta, "lines", &s->lines)) ||
        (rc = get_u64(txn, s->meta, "undeclared", &s->undeclared)) || !s->counter)
        return rc;
    report_counts *c = malloc((m ? m : 1) * sizeof *c);
    if (!c)
        return ENOMEM;
    if (!(rc = counts_get(txn, s->meta, m, c)))
        report_counts_set(s->counter, c);
    free(c);
    return rc;
}

static int totals_store(serve_store *s, MDB_txn *txn, size_t m)
{
    int rc;
    if ((rc = put_u64(txn, s->meta, "lines", s->lines)) ||
        (rc = put_u64(txn, s->meta, "undeclared", s->undeclared)) || !s->counter)
        return rc;
    MDB_val k = { 6, "counts" }, d = { m * sizeof(report_counts),
                                       (void *)report_counts_of(s->counter) };
    return mdb_put(txn, s->meta, &k, &d, 0);
}

/* The whole group in one write transaction; an LMDB or errno code. */
static int group_apply(serve_store *s, serve_op *grp)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc)
        return rc;
    cache_reset(s);
    if (!(rc = get_u64(txn, s->meta, "next_seq", &s->next_seq)) &&
        !(rc = get_u64(txn, s->meta, "idem_seq", &s->idem_seq)))
        rc = totals_load(s, txn, s->n_events);
    for (serve_op *op = grp; op && !rc; op = op->next) {
        rc = op->kind == SERVE_OP_POST ? apply_post(s, txn, op) : apply_delete(s, txn, op);
        s->lines += op->accepted + op->skipped + op->late;
        s->undeclared += op->skipped;
    }
    if (!rc)
        rc = cache_flush(s, txn);
    if (!rc && !(rc = put_u64(txn, s->meta, "next_seq", s->next_seq)) &&
        !(rc = put_u64(txn, s->meta, "idem_seq", s->idem_seq)))
        rc = totals_store(s, txn, s->n_events);
    if (rc) {
        cache_reset(s);
        mdb_txn_abort(txn);
        return rc;
    }
    return mdb_txn_commit(txn); /* synced: durable when 0 */
}

/* Doubles the map (no transaction of this process open meanwhile). */
static bool store_grow(serve_store *s)
{
    MDB_envinfo info;
    pthread_rwlock_wrlock(&s->grow);
    mdb_env_info(s->env, &info);
    int rc = info.me_mapsize > SIZE_MAX / 2 ? ENOMEM
                                            : mdb_env_set_mapsize(s->env, info.me_mapsize * 2);
    pthread_rwlock_unlock(&s->grow);
    return rc == 0;
}

/* Whether a failed write means there is no room (507) rather than a fault
 * (500).  LMDB reports a write the disk cut short as EIO, not ENOSPC, so an
 * EIO with the data file's file system (nearly) full counts as no room. */
static bool store_no_room(serve_store *s, int rc)
{
    if (rc == MDB_MAP_FULL || rc == ENOSPC || rc == EDQUOT || rc == EFBIG)
        return true;
    int fd;
    struct statvfs fs;
    if (rc != EIO || mdb_env_get_fd(s->env, &fd) || fstatvfs(fd, &fs))
        return false;
    return (unsigned long long)fs.f_bavail * fs.f_frsize < STORE_LOW_SPACE;
}

static void group_run(serve_store *s, serve_op *grp)
{
    int rc;
    while ((rc = group_apply(s, grp)) == MDB_MAP_FULL && store_grow(s))
        ;
    if (rc == 0)
        return;
    bool full = store_no_room(s, rc);
    const char *why = full && rc == EIO ? "the disk is full" : mdb_strerror(rc);
    for (serve_op *op = grp; op; op = op->next) {
        op->accepted = op->skipped = op->late = 0;
        if (full)
            set_body(op, 507, "{\"error\":\"no room to store it: %s\"}", why);
        else
            set_body(op, 500, "{\"error\":\"cannot store it: %s\"}", why);
    }
    fprintf(stderr, "expc: serve: a write failed, %s: %s\n", full ? "507 sent" : "500 sent",
            why);
}

static void *store_committer(void *arg)
{
    serve_store *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->head && !s->stopping)
            pthread_cond_wait(&s->cv, &s->mu);
        serve_op *grp = s->head;
        s->head = s->tail = NULL;
        if (!grp)
            s->stopped = true; /* stopping, and nothing left */
        pthread_mutex_unlock(&s->mu);
        if (!grp)
            break;
        group_run(s, grp);
        while (grp) {
            serve_op *next = grp->next;
            grp->next = NULL;
            grp->done(grp);
            grp = next;
        }
    }
    return NULL;
}

void serve_store_submit(serve_store *s, serve_op *op)
{
    op->next = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->stopped) {
        pthread_mutex_unlock(&s->mu);
        set_body(op, 503, "{\"error\":\"the service is stopping\"}");
        op->done(op);
        return;
    }
    if (s->tail)
        s->tail->next = op;
    else
        s->head = op;
    s->tail = op;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}
#else
typedef int serve_store_unused; /* ISO C: a translation unit is not empty */
#endif
