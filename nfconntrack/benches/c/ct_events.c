/* Minimal libnetfilter_conntrack event consumer for `cargo xtask bench events`:
 * subscribes to NEW and DESTROY events with a large receive buffer, creates
 * READY-FILE once subscribed, reads the mark and the original source port of
 * each event's entry, and exits 2 s after the last event, printing
 * "events count=N overruns=N". Written for this benchmark.
 *
 * usage: ct_events READY-FILE */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

static long events;
static uint64_t sum;

static int cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data) {
    (void)type; (void)data;
    sum += nfct_get_attr_u32(ct, ATTR_MARK);
    sum += nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC);
    events++;
    return NFCT_CB_CONTINUE;
}

int main(int argc, char **argv) {
    struct nfct_handle *h = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW | NF_NETLINK_CONNTRACK_DESTROY);
    if (!h) { perror("nfct_open"); return 1; }
    int fd = nfct_fd(h);
    int rcvbuf = 256 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    nfct_callback_register(h, NFCT_T_ALL, cb, NULL);
    if (argc > 1) {
        FILE *f = fopen(argv[1], "w");
        if (f) { fputs("ready\n", f); fclose(f); }
    }
    long overruns = 0;
    for (;;) {
        int r = nfct_catch(h);
        if (r < 0 && errno == ENOBUFS) { overruns++; continue; }
        if (r < 0 && errno == EINTR) continue;
        break; /* EAGAIN: idle */
    }
    printf("events count=%ld overruns=%ld sum=%llu\n", events, overruns, (unsigned long long)sum);
    nfct_close(h);
    return 0;
}
