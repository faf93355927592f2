/*  compat.h - map the CZMQ v1/v2-era API used by the zguide C examples
 *  (zctx_*, zsocket_*, zclock_log) onto raw libzmq 4.x + CZMQ 4.x.
 *
 *  Injected with `gcc -include compat.h` so the zguide sources stay
 *  byte-for-byte unmodified.
 *
 *  Optional build-time endpoint overrides (the zguide examples hard-code
 *  tcp://[star]:5555 in mdbroker.c, tcp://localhost:5555 in mdworker.c):
 *    -DMDP_BIND_ENDPOINT='"tcp://127.0.0.1:15620"'     zsocket_bind() uses this
 *    -DMDP_CONNECT_ENDPOINT='"tcp://127.0.0.1:15620"'  zmq_connect() uses this
 */
#ifndef MDP_COMPAT_H_INCLUDED
#define MDP_COMPAT_H_INCLUDED

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>
#include <czmq.h>

#define COMPAT_FN static inline __attribute__ ((unused))

/*  zctx_t: a libzmq context plus the sockets created through it, so that
 *  zctx_destroy() can close them before terminating the context (as the
 *  old CZMQ did).  Old CZMQ zctx default linger was 0; we do the same.  */
#define COMPAT_MAX_SOCKETS 64
typedef struct {
    void *context;
    void *sockets [COMPAT_MAX_SOCKETS];
    int nsockets;
} zctx_t;

COMPAT_FN zctx_t *
zctx_new (void)
{
    zctx_t *self = (zctx_t *) calloc (1, sizeof (zctx_t));
    if (!self)
        abort ();
    self->context = zmq_ctx_new ();
    if (!self->context) {
        fprintf (stderr, "compat: zmq_ctx_new failed: %s\n", zmq_strerror (zmq_errno ()));
        abort ();
    }
    return self;
}

COMPAT_FN void
zctx_destroy (zctx_t **self_p)
{
    if (self_p && *self_p) {
        zctx_t *self = *self_p;
        int i;
        for (i = 0; i < self->nsockets; i++)
            if (self->sockets [i])
                zmq_close (self->sockets [i]);
        zmq_ctx_term (self->context);
        free (self);
        *self_p = NULL;
    }
}

COMPAT_FN void *
zsocket_new (zctx_t *ctx, int type)
{
    void *sock = zmq_socket (ctx->context, type);
    if (!sock) {
        fprintf (stderr, "compat: zmq_socket failed: %s\n", zmq_strerror (zmq_errno ()));
        return NULL;
    }
    int linger = 0;
    zmq_setsockopt (sock, ZMQ_LINGER, &linger, sizeof (linger));
    int i;
    for (i = 0; i < ctx->nsockets; i++)
        if (!ctx->sockets [i])
            break;
    if (i == ctx->nsockets) {
        if (ctx->nsockets == COMPAT_MAX_SOCKETS) {
            fprintf (stderr, "compat: too many sockets\n");
            abort ();
        }
        ctx->nsockets++;
    }
    ctx->sockets [i] = sock;
    return sock;
}

COMPAT_FN void
zsocket_destroy (zctx_t *ctx, void *sock)
{
    int i;
    if (!sock)
        return;
    for (i = 0; i < ctx->nsockets; i++)
        if (ctx->sockets [i] == sock)
            ctx->sockets [i] = NULL;
    zmq_close (sock);
}

COMPAT_FN void
zsocket_set_linger (void *sock, int linger)
{
    zmq_setsockopt (sock, ZMQ_LINGER, &linger, sizeof (linger));
}

COMPAT_FN void
zsocket_set_sndhwm (void *sock, int hwm)
{
    zmq_setsockopt (sock, ZMQ_SNDHWM, &hwm, sizeof (hwm));
}

COMPAT_FN void
zsocket_set_rcvhwm (void *sock, int hwm)
{
    zmq_setsockopt (sock, ZMQ_RCVHWM, &hwm, sizeof (hwm));
}

COMPAT_FN void
zsocket_set_identity (void *sock, const char *identity)
{
    zmq_setsockopt (sock, ZMQ_ROUTING_ID, identity, strlen (identity));
}

/*  Old zsocket_bind returned the port number (or 0) on success, -1 on
 *  failure.  Here a failed bind is fatal, so a broker that could not bind
 *  does not sit there silently.  */
COMPAT_FN int
zsocket_bind (void *sock, const char *format, ...)
{
    char endpoint [256];
    va_list args;
    va_start (args, format);
    vsnprintf (endpoint, sizeof (endpoint), format, args);
    va_end (args);
#ifdef MDP_BIND_ENDPOINT
    fprintf (stderr, "compat: zsocket_bind %s overridden -> %s\n",
             endpoint, MDP_BIND_ENDPOINT);
    snprintf (endpoint, sizeof (endpoint), "%s", MDP_BIND_ENDPOINT);
#endif
    if (zmq_bind (sock, endpoint) != 0) {
        fprintf (stderr, "compat: zmq_bind %s failed: %s\n",
                 endpoint, zmq_strerror (zmq_errno ()));
        exit (1);
    }
    const char *colon = strrchr (endpoint, ':');
    return colon? atoi (colon + 1): 0;
}

COMPAT_FN int
zsocket_connect (void *sock, const char *format, ...)
{
    char endpoint [256];
    va_list args;
    va_start (args, format);
    vsnprintf (endpoint, sizeof (endpoint), format, args);
    va_end (args);
    return zmq_connect (sock, endpoint);
}

#ifdef MDP_CONNECT_ENDPOINT
COMPAT_FN int
compat_zmq_connect (void *sock, const char *endpoint)
{
    (void) endpoint;
    return zmq_connect (sock, MDP_CONNECT_ENDPOINT);
}
#   define zmq_connect(s,e) compat_zmq_connect ((s), (e))
#endif

/*  zctx_interrupted is still exported (deprecated) by CZMQ 4's zsys.h,
 *  so it needs no mapping.  */

/*  Old zclock_log: timestamped log line, to stderr.  CZMQ 4 still declares
 *  a deprecated zclock_log, so ours is renamed and mapped by macro.  */
COMPAT_FN void
compat_zclock_log (const char *format, ...)
{
    time_t now = time (NULL);
    struct tm loc;
    char stamp [32];
    localtime_r (&now, &loc);
    strftime (stamp, sizeof (stamp), "%y-%m-%d %H:%M:%S", &loc);
    fprintf (stderr, "%s ", stamp);
    va_list args;
    va_start (args, format);
    vfprintf (stderr, format, args);
    va_end (args);
    fprintf (stderr, "\n");
    fflush (stderr);
}
#define zclock_log compat_zclock_log

#endif
