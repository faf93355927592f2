// Reference for bench/broker/run.sh: synchronous round trips over raw libzmq -- a DEALER client and a ROUTER
// echo process on loopback TCP, the floor that any broker in between adds to.
// Usage: raw [seconds, default 5] [body bytes, default 100]
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define ENDPOINT "tcp://127.0.0.1:15600"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void echo(void) {
    void *router = zmq_socket(zmq_ctx_new(), ZMQ_ROUTER);
    zmq_bind(router, ENDPOINT);
    static char identity[256], body[1 << 20];
    for (;;) {
        int n = zmq_recv(router, identity, sizeof identity, 0);
        int m = zmq_recv(router, body, sizeof body, 0);
        zmq_send(router, identity, n, ZMQ_SNDMORE);
        zmq_send(router, body, m, 0);
    }
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 5;
    int size = argc > 2 ? atoi(argv[2]) : 100;
    pid_t pid = fork();
    if (pid == 0) echo();

    void *dealer = zmq_socket(zmq_ctx_new(), ZMQ_DEALER);
    zmq_connect(dealer, ENDPOINT);
    char *request = calloc(size, 1);
    static char reply[1 << 20];
    zmq_send(dealer, request, size, 0);  // warm-up: waits for the connection
    zmq_recv(dealer, reply, sizeof reply, 0);

    size_t capacity = 1 << 22, count = 0;
    double *latencies = malloc(capacity * sizeof(double));
    double end = now() + seconds;
    while (now() < end && count < capacity) {
        double started = now();
        zmq_send(dealer, request, size, 0);
        zmq_recv(dealer, reply, sizeof reply, 0);
        latencies[count++] = now() - started;
    }
    qsort(latencies, count, sizeof(double), by_value);
    printf("raw ROUTER-DEALER (C, libzmq, 2 processes): %.0f round trips/s; p50 %.0f µs, p99 %.0f µs\n", count / seconds,
           latencies[count / 2] * 1e6, latencies[(size_t)(count * 0.99)] * 1e6);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return 0;
}
