/* Minimal libnetfilter_log consumer for `cargo xtask bench log`: binds
 * GROUP (copy the whole packet, sequence numbers on, the kernel's other
 * defaults), reads the payload and the prefix of each message, counts them,
 * and exits after IDLE seconds without a message, printing
 * "packets overruns". RCVBUF sets the socket's receive buffer (as root:
 * SO_RCVBUFFORCE). Written for this benchmark.
 *
 * usage: lnflog GROUP IDLE RCVBUF */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libnetfilter_log/libnetfilter_log.h>

static long packets;
static long bytes;

static int cb(struct nflog_g_handle *gh, struct nfgenmsg *nfmsg, struct nflog_data *nfa, void *data) {
    char *payload;
    int len = nflog_get_payload(nfa, &payload);
    char *prefix = nflog_get_prefix(nfa);
    (void)gh; (void)nfmsg; (void)data;
    bytes += len > 0 ? len : 0;
    bytes += prefix != NULL;
    packets++;
    return 0;
}

int main(int argc, char **argv) {
    int group = argc > 1 ? atoi(argv[1]) : 0;
    int idle = argc > 2 ? atoi(argv[2]) : 1;
    int rcvbuf = argc > 3 ? atoi(argv[3]) : 0;
    struct nflog_handle *h = nflog_open();
    if (!h) { perror("nflog_open"); return 1; }
    struct nflog_g_handle *gh = nflog_bind_group(h, group);
    if (!gh) { perror("nflog_bind_group"); return 1; }
    if (nflog_set_mode(gh, NFULNL_COPY_PACKET, 0xffff) < 0) { perror("nflog_set_mode"); return 1; }
    if (nflog_set_flags(gh, NFULNL_CFG_F_SEQ) < 0) { perror("nflog_set_flags"); return 1; }
    nflog_callback_register(gh, cb, NULL);
    int fd = nflog_fd(h);
    if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct timeval tv = {.tv_sec = idle};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    static char buf[262144];
    long overruns = 0;
    for (;;) {
        int n = recv(fd, buf, sizeof buf, 0);
        if (n >= 0) {
            nflog_handle_packet(h, buf, n);
        } else if (errno == ENOBUFS) {
            overruns++;
        } else if (errno == EINTR) {
            continue;
        } else {
            break; /* EAGAIN: idle */
        }
    }
    printf("%ld packets, %ld overruns\n", packets, overruns);
    nflog_unbind_group(gh);
    nflog_close(h);
    return 0;
}
