/* Minimal libnetfilter_queue consumer: one verdict per packet (NF_ACCEPT),
 * classic API. Written for `cargo xtask bench queue` from the library's
 * public API. Usage: lnfq QUEUE */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static int cb(struct nfq_q_handle *qh, struct nfgenmsg *m, struct nfq_data *d, void *x) {
    (void)m; (void)x;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(d);
    unsigned char *payload;
    nfq_get_payload(d, &payload);
    return nfq_set_verdict(qh, ntohl(ph->packet_id), NF_ACCEPT, 0, NULL);
}

int main(int argc, char **argv) {
    int num = argc > 1 ? atoi(argv[1]) : 0;
    struct nfq_handle *h = nfq_open();
    if (!h) { perror("nfq_open"); return 1; }
    struct nfq_q_handle *qh = nfq_create_queue(h, num, cb, NULL);
    if (!qh) { perror("nfq_create_queue"); return 1; }
    if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 0xffff) < 0) { perror("nfq_set_mode"); return 1; }
    nfnl_rcvbufsiz(nfq_nfnlh(h), 8 << 20);
    int fd = nfq_fd(h);
    char buf[65536 + 4096];
    fprintf(stderr, "lnfq: bound queue %d\n", num);
    for (;;) {
        int n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == ENOBUFS) continue;
            perror("recv");
            return 1;
        }
        nfq_handle_packet(h, buf, n);
    }
}
