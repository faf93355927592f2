//  timeclient.c - synchronous round-trip timing through the zguide
//  Majordomo broker, using the zguide mdcliapi (MDP/0.1 client).
//
//  usage: timeclient SECONDS [ENDPOINT] [BODY_FILE]
//  Built with: gcc -O2 -include compat.h timeclient.c mdcliapi.c -lczmq -lzmq

#include "mdcliapi.h"
#include <time.h>

#define DEFAULT_ENDPOINT  "tcp://127.0.0.1:15620"
#define DEFAULT_BODY_FILE "examples/minimal/required-fields-only.json"

static double
s_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
s_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

//  Nearest-rank percentile of a sorted array
static double
s_percentile (const double *sorted, size_t n, double p)
{
    size_t rank = (size_t) (p * n + 0.999999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted [rank - 1];
}

static char *
s_read_file (const char *path, size_t *size_p)
{
    FILE *f = fopen (path, "rb");
    if (!f) {
        perror (path);
        exit (2);
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc (cap);
    size_t n;
    while ((n = fread (buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            buf = realloc (buf, cap *= 2);
    }
    fclose (f);
    *size_p = len;
    return buf;
}

//  One synchronous request/reply; returns 0 on a correct echo
static int
s_round_trip (mdcli_t *session, const char *body, size_t body_len)
{
    zmsg_t *request = zmsg_new ();
    zmsg_addmem (request, body, body_len);
    zmsg_t *reply = mdcli_send (session, "echo", &request);
    if (!reply)
        return -1;              //  Lost (no reply after retries)
    int rc = 0;
    zframe_t *frame = zmsg_first (reply);
    if (zmsg_size (reply) != 1 || !frame
    ||  zframe_size (frame) != body_len
    ||  memcmp (zframe_data (frame), body, body_len) != 0)
        rc = -2;                //  Wrong echo
    zmsg_destroy (&reply);
    return rc;
}

int main (int argc, char *argv [])
{
    if (argc < 2) {
        fprintf (stderr, "usage: %s SECONDS [ENDPOINT] [BODY_FILE]\n", argv [0]);
        return 2;
    }
    double seconds = atof (argv [1]);
    char *endpoint = argc > 2? argv [2]: DEFAULT_ENDPOINT;
    const char *body_file = argc > 3? argv [3]: DEFAULT_BODY_FILE;

    size_t body_len;
    char *body = s_read_file (body_file, &body_len);

    mdcli_t *session = mdcli_new (endpoint, 0);

    //  Warm-up: one request (also waits for the worker to be registered)
    if (s_round_trip (session, body, body_len) != 0) {
        fprintf (stderr, "timeclient: warm-up request failed\n");
        return 1;
    }

    size_t cap = 1 << 16, count = 0, lost = 0, bad = 0;
    double *lat = malloc (cap * sizeof (double));
    double start = s_now ();
    double deadline = start + seconds;
    double t0 = start, t1 = start;
    while (t1 < deadline) {
        t0 = s_now ();
        int rc = s_round_trip (session, body, body_len);
        t1 = s_now ();
        if (rc == -1) {
            lost++;
            continue;
        }
        if (rc == -2)
            bad++;
        if (count == cap)
            lat = realloc (lat, (cap *= 2) * sizeof (double));
        lat [count++] = (t1 - t0) * 1e6;
    }
    double elapsed = t1 - start;
    mdcli_destroy (&session);

    if (lost || bad)
        fprintf (stderr, "timeclient: %zu lost requests, %zu wrong echoes\n",
                 lost, bad);
    if (count == 0) {
        fprintf (stderr, "timeclient: no round trips completed\n");
        return 1;
    }
    qsort (lat, count, sizeof (double), s_cmp_double);
    fprintf (stderr, "timeclient: %zu round trips in %.3f s, body %zu bytes, "
             "min %.1f us, max %.1f us\n",
             count, elapsed, body_len, lat [0], lat [count - 1]);
    printf ("zguide C Majordomo broker (MDP/0.1, 3 processes, echo worker): "
            "%.0f round trips/s; p50 %.1f \xc2\xb5s, p99 %.1f \xc2\xb5s\n",
            count / elapsed,
            s_percentile (lat, count, 0.50),
            s_percentile (lat, count, 0.99));
    free (lat);
    free (body);
    return (lost || bad)? 1: 0;
}
