/* The raw SQLite baseline for tools/bench: the same rows and the same hash
 * chain as ladder (docs/hash-chain.md), with one prepared INSERT in one
 * transaction and nothing else: no parsing beyond a TSV split, no rules, no
 * projections. It is the floor ladder's append and verify are measured against.
 *
 *   raw_sqlite insert DB ROWS.tsv   rows: id, type, effective, recorded, actor_id, actor_role, data
 *   raw_sqlite verify DB            re-checks the chain of a ladder (or baseline) store
 * Prints one JSON line: {"events":N,"seconds":S,"per_s":R}, timed from BEGIN to COMMIT (insert)
 * or over the whole scan (verify).
 */
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static void die(sqlite3 *db, const char *what) { fprintf(stderr, "raw_sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : ""); exit(1); }

/* hex(sha256(prev ‖ body)) into out[65] */
static void chain(const char *prev, const char *body, size_t len, char *out) {
    static const char *hex = "0123456789abcdef";
    static EVP_MD_CTX *c;
    unsigned char md[32]; unsigned int n = 0;
    if (!c) c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, prev, 64);
    EVP_DigestUpdate(c, body, len);
    EVP_DigestFinal_ex(c, md, &n);
    for (int i = 0; i < 32; i++) { out[2 * i] = hex[md[i] >> 4]; out[2 * i + 1] = hex[md[i] & 15]; }
    out[64] = 0;
}

static size_t body(char *buf, size_t cap, long long seq, const char **f) {
    /* f: id, type, effective, recorded, actor_id, actor_role, data */
    int n = snprintf(buf, cap, "{\"actor\":{\"id\":\"%s\",\"role\":\"%s\"},\"data\":%s,\"effective\":\"%s\",\"id\":\"%s\",\"recorded\":\"%s\",\"seq\":%lld,\"type\":\"%s\"}",
                     f[4], f[5], f[6], f[2], f[0], f[3], seq, f[1]);
    return n < 0 ? 0 : (size_t)n;
}

static sqlite3 *open_db(const char *path) {
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) die(db, "open");
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;", 0, 0, 0);
    return db;
}

static int insert(const char *path, const char *tsv) {
    FILE *in = fopen(tsv, "r");
    if (!in) { perror(tsv); return 1; }
    sqlite3 *db = open_db(path);
    if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
                         " effective TEXT NOT NULL, recorded TEXT NOT NULL, actor_id TEXT NOT NULL, actor_role TEXT NOT NULL,"
                         " data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)", 0, 0, 0) != SQLITE_OK) die(db, "create");
    /* Rows are read before the clock starts, as in the reference figures. */
    size_t cap = 1 << 20, count = 0; char **lines = malloc(cap * sizeof *lines);
    char *line = NULL; size_t n = 0; ssize_t len;
    while ((len = getline(&line, &n, in)) > 0) {
        if (line[len - 1] == '\n') line[len - 1] = 0;
        if (count == cap) lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[count++] = strdup(line);
    }
    fclose(in);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &st, 0) != SQLITE_OK) die(db, "prepare");
    char prev[65], hash[65], *buf = malloc(1 << 24);
    memset(prev, '0', 64); prev[64] = 0;
    double t0 = now();
    sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0);
    for (size_t i = 0; i < count; i++) {
        const char *f[7]; char *p = lines[i];
        for (int k = 0; k < 7; k++) { f[k] = p; p = strchr(p, '\t'); if (!p && k < 6) die(NULL, "short row"); if (p) *p++ = 0; }
        size_t bl = body(buf, 1 << 24, (long long)i + 1, f);
        chain(prev, buf, bl, hash);
        sqlite3_bind_int64(st, 1, (long long)i + 1);
        for (int k = 0; k < 7; k++) sqlite3_bind_text(st, k + 2, f[k], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, prev, 64, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 10, hash, 64, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) die(db, "insert");
        sqlite3_reset(st);
        memcpy(prev, hash, 65);
    }
    if (sqlite3_exec(db, "COMMIT", 0, 0, 0) != SQLITE_OK) die(db, "commit");
    double s = now() - t0;
    printf("{\"events\":%zu,\"seconds\":%.4f,\"per_s\":%.0f}\n", count, s, count / s);
    sqlite3_finalize(st); sqlite3_close(db);
    return 0;
}

static int verify(const char *path) {
    sqlite3 *db = open_db(path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT seq, id, type, effective, recorded, actor_id, actor_role, data, prev_hash, hash FROM events ORDER BY seq",
                           -1, &st, 0) != SQLITE_OK) die(db, "prepare");
    char prev[65], hash[65], *buf = malloc(1 << 24);
    memset(prev, '0', 64); prev[64] = 0;
    long long expected = 1; int rc;
    double t0 = now();
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *f[7] = {(const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
                            (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
                            (const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 6),
                            (const char *)sqlite3_column_text(st, 7)};
        long long seq = sqlite3_column_int64(st, 0);
        size_t bl = body(buf, 1 << 24, seq, f);
        chain(prev, buf, bl, hash);
        if (seq != expected || strcmp(prev, (const char *)sqlite3_column_text(st, 8)) || strcmp(hash, (const char *)sqlite3_column_text(st, 9))) {
            printf("{\"ok\":false,\"firstBad\":%lld}\n", expected);
            return 1;
        }
        memcpy(prev, hash, 65);
        expected++;
    }
    double s = now() - t0;
    printf("{\"events\":%lld,\"seconds\":%.4f,\"per_s\":%.0f,\"ok\":true,\"head\":\"%s\"}\n", expected - 1, s, (expected - 1) / s, prev);
    sqlite3_finalize(st); sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "insert")) return insert(argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "verify")) return verify(argv[2]);
    fprintf(stderr, "usage: raw_sqlite insert DB ROWS.tsv | raw_sqlite verify DB\n");
    return 64;
}
