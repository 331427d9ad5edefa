/* Minimal libmnl NFQUEUE consumer with batch verdicts: reads every packet
 * that is ready (MSG_DONTWAIT), then accepts them all with one
 * NFQNL_MSG_VERDICT_BATCH (at most BATCH packets per verdict). Written for
 * `cargo xtask bench queue` from libmnl's public API and the kernel
 * protocol. Usage: mnl_batch QUEUE */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 64

static struct mnl_socket *nl;
static unsigned int portid, queue_num;
static uint32_t last_id;
static int pending;

static struct nlmsghdr *put_hdr(char *buf, int type, uint32_t seq) {
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | type;
    nlh->nlmsg_flags = NLM_F_REQUEST;
    nlh->nlmsg_seq = seq;
    struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
    g->nfgen_family = AF_UNSPEC;
    g->version = NFNETLINK_V0;
    g->res_id = htons(queue_num);
    return nlh;
}

static void send_batch(void) {
    char buf[256];
    struct nlmsghdr *nlh = put_hdr(buf, NFQNL_MSG_VERDICT_BATCH, last_id);
    struct nfqnl_msg_verdict_hdr vh = {.verdict = htonl(NF_ACCEPT), .id = htonl(last_id)};
    mnl_attr_put(nlh, NFQA_VERDICT_HDR, sizeof vh, &vh);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) { perror("sendto"); exit(1); }
    pending = 0;
}

static int attr_cb(const struct nlattr *a, void *data) {
    const struct nlattr **tb = data;
    int t = mnl_attr_get_type(a);
    if (t <= NFQA_MAX) tb[t] = a;
    return MNL_CB_OK;
}

static int queue_cb(const struct nlmsghdr *nlh, void *data) {
    (void)data;
    struct nlattr *tb[NFQA_MAX + 1] = {0};
    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, tb);
    if (!tb[NFQA_PACKET_HDR]) return MNL_CB_OK;
    struct nfqnl_msg_packet_hdr *ph = mnl_attr_get_payload(tb[NFQA_PACKET_HDR]);
    last_id = ntohl(ph->packet_id);
    if (++pending >= BATCH) send_batch();
    return MNL_CB_OK;
}

int main(int argc, char **argv) {
    queue_num = argc > 1 ? atoi(argv[1]) : 0;
    nl = mnl_socket_open(NETLINK_NETFILTER);
    if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) { perror("mnl"); return 1; }
    portid = mnl_socket_get_portid(nl);
    int big = 8 << 20;
    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    /* bind + copy mode in one message, with an ack */
    char buf[65536 + 4096];
    struct nlmsghdr *nlh = put_hdr(buf, NFQNL_MSG_CONFIG, 1);
    nlh->nlmsg_flags |= NLM_F_ACK;
    struct nfqnl_msg_config_cmd cmd = {.command = NFQNL_CFG_CMD_BIND};
    mnl_attr_put(nlh, NFQA_CFG_CMD, sizeof cmd, &cmd);
    struct nfqnl_msg_config_params params = {.copy_range = htonl(0xffff), .copy_mode = NFQNL_COPY_PACKET};
    mnl_attr_put(nlh, NFQA_CFG_PARAMS, sizeof params, &params);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) { perror("config"); return 1; }
    int n = mnl_socket_recvfrom(nl, buf, sizeof buf);
    if (n < 0 || mnl_cb_run(buf, n, 1, portid, NULL, NULL) < 0) { perror("bind"); return 1; }
    fprintf(stderr, "mnl_batch: bound queue %u\n", queue_num);
    int fd = mnl_socket_get_fd(nl);
    for (;;) {
        n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && errno == EAGAIN) {
            if (pending) send_batch();
            n = recv(fd, buf, sizeof buf, 0);
        }
        if (n < 0) {
            if (errno == ENOBUFS) continue;
            perror("recv");
            return 1;
        }
        mnl_cb_run(buf, n, 0, portid, queue_cb, NULL);
    }
}
