/* Closed-loop UDP flood over loopback for `cargo xtask bench queue`.
 * Sends COUNT datagrams of SIZE bytes to 127.0.0.1:PORT and receives them,
 * keeping at most WINDOW in flight, so a queue never overflows. Prints
 * "packets seconds pps cpu_seconds", the last being this process's own CPU
 * time (user + system): the sender's share of the work. Written for this
 * benchmark. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 200000;
    int port = argc > 2 ? atoi(argv[2]) : 7777;
    int window = argc > 3 ? atoi(argv[3]) : 64;
    int size = argc > 4 ? atoi(argv[4]) : 64;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
    int big = 8 << 20;
    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    if (bind(rx, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
    if (connect(tx, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
    char buf[65536];
    memset(buf, 'x', sizeof buf);
    long sent = 0, got = 0;
    double t0 = now();
    while (got < count) {
        while (sent < count && sent - got < window) {
            if (send(tx, buf, size, 0) < 0) { perror("send"); return 1; }
            sent++;
        }
        struct pollfd p = {.fd = rx, .events = POLLIN};
        if (poll(&p, 1, 2000) <= 0) { fprintf(stderr, "flood: stalled at %ld/%ld\n", got, count); return 1; }
        while (recv(rx, buf, sizeof buf, MSG_DONTWAIT) > 0) got++;
    }
    double dt = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("%ld %.3f %.0f %.6f\n", got, dt, got / dt, cpu);
    return 0;
}
