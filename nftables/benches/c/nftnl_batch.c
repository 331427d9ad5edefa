/* Minimal libnftnl + libmnl batch program for `cargo xtask bench nftables`:
 * one transaction (NFNL_MSG_BATCH_BEGIN, the operations, NFNL_MSG_BATCH_END
 * with NLM_F_ACK) sent as one datagram, as nft sends it.
 *
 *   nftnl_batch elems N      N elements 11.0.0.0 + i into set ip b s
 *   nftnl_batch intervals N  N/2 ranges (a start and an INTERVAL_END element
 *                            each: N elements) into the interval set ip b si
 *   nftnl_batch rules N      N rules `ip saddr 10.x.y.z counter accept`
 *                            appended to chain ip b c
 *
 * Elements go 2048 to a message (under the 64 KiB nest limit). Prints
 * `count=N secs=T user=U maxrss_kb=K`; the time covers building the batch, the
 * send and the kernel's answer.
 * Written for this project from the libmnl and libnftnl headers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#define PER_MSG 2048

static struct nftnl_batch *batch;
static uint32_t seq;

static struct nlmsghdr *next_hdr(uint16_t type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(batch), type,
				     NFPROTO_IPV4, flags, seq++);
}

static void done_msg(void)
{
	if (nftnl_batch_update(batch) < 0) {
		perror("nftnl_batch_update");
		exit(1);
	}
}

static void add_elems(unsigned long n, int interval)
{
	unsigned long i = 0;

	while (i < n) {
		struct nftnl_set *s = nftnl_set_alloc();
		struct nlmsghdr *nlh;
		unsigned long k;

		nftnl_set_set_str(s, NFTNL_SET_TABLE, "b");
		nftnl_set_set_str(s, NFTNL_SET_NAME, interval ? "si" : "s");
		for (k = 0; k < PER_MSG && i < n; k++, i++) {
			struct nftnl_set_elem *e = nftnl_set_elem_alloc();
			uint32_t key;

			if (interval) {
				/* range j: 10.0.0.0 + 4j .. + 4j + 1, end key + 4j + 2 */
				key = htonl(0x0a000000u + 4 * (uint32_t)(i / 2) +
					    (i % 2 ? 2 : 0));
				if (i % 2)
					nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS,
							       NFT_SET_ELEM_INTERVAL_END);
			} else {
				key = htonl(0x0b000000u + (uint32_t)i);
			}
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &key, sizeof(key));
			nftnl_set_elem_add(s, e);
		}
		nlh = next_hdr(NFT_MSG_NEWSETELEM, NLM_F_CREATE);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		nftnl_set_free(s);
		done_msg();
	}
}

static void add_rules(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct nftnl_rule *r = nftnl_rule_alloc();
		struct nftnl_expr *e;
		struct nlmsghdr *nlh;
		uint32_t addr = htonl(0x0a000000u + (uint32_t)i);

		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "b");
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "c");

		e = nftnl_expr_alloc("payload");
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 12);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_rule_add_expr(r, e);

		e = nftnl_expr_alloc("cmp");
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &addr, sizeof(addr));
		nftnl_rule_add_expr(r, e);

		e = nftnl_expr_alloc("counter");
		nftnl_rule_add_expr(r, e);

		e = nftnl_expr_alloc("immediate");
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
		nftnl_rule_add_expr(r, e);

		nlh = next_hdr(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		nftnl_rule_free(r);
		done_msg();
	}
}

int main(int argc, char **argv)
{
	static char rx[1 << 16];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct mnl_socket *nl;
	struct nlmsghdr *end;
	struct timespec a, b;
	struct rusage ru;
	struct msghdr msg = { 0 };
	struct iovec *iov;
	unsigned long n;
	uint32_t first, portid, end_seq;
	int iovlen, ret, size;
	size_t total = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s elems|intervals|rules N\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("mnl_socket");
		return 1;
	}
	portid = mnl_socket_get_portid(nl);
	first = seq = (uint32_t)time(NULL);

	clock_gettime(CLOCK_MONOTONIC, &a);
	batch = nftnl_batch_alloc(1 << 18, 1 << 17);
	nftnl_batch_begin(nftnl_batch_buffer(batch), seq++);
	done_msg();
	if (!strcmp(argv[1], "elems"))
		add_elems(n, 0);
	else if (!strcmp(argv[1], "intervals"))
		add_elems(n, 1);
	else if (!strcmp(argv[1], "rules"))
		add_rules(n);
	else {
		fprintf(stderr, "unknown mode %s\n", argv[1]);
		return 2;
	}
	end_seq = seq;
	end = nftnl_batch_end(nftnl_batch_buffer(batch), seq++);
	end->nlmsg_flags |= NLM_F_ACK;
	done_msg();

	iovlen = nftnl_batch_iovec_len(batch);
	iov = calloc(iovlen, sizeof(*iov));
	nftnl_batch_iovec(batch, iov, iovlen);
	for (ret = 0; ret < iovlen; ret++)
		total += iov[ret].iov_len;
	/* The kernel takes the batch as one datagram: the send buffer must hold it. */
	size = (int)total + 65536;
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	size = 4 << 20;
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));

	msg.msg_name = &kernel;
	msg.msg_namelen = sizeof(kernel);
	msg.msg_iov = iov;
	msg.msg_iovlen = iovlen;
	if (sendmsg(mnl_socket_get_fd(nl), &msg, 0) < 0) {
		perror("sendmsg");
		return 1;
	}
	/* Only errors and the END's acknowledgement come back. */
	for (;;) {
		struct nlmsghdr *h;
		int len = mnl_socket_recvfrom(nl, rx, sizeof(rx));
		int got_end = 0;

		if (len < 0) {
			perror("recv");
			return 1;
		}
		for (h = (struct nlmsghdr *)rx; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *err = mnl_nlmsg_get_payload(h);

				if (err->error != 0) {
					fprintf(stderr, "operation %u refused: %s\n",
						h->nlmsg_seq - first - 1, strerror(-err->error));
					return 1;
				}
				if (h->nlmsg_seq == end_seq)
					got_end = 1;
			}
		}
		if (got_end)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	getrusage(RUSAGE_SELF, &ru);
	printf("count=%lu secs=%.6f user=%.2f maxrss_kb=%ld\n", n,
	       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_maxrss);
	(void)portid;
	free(iov);
	nftnl_batch_free(batch);
	mnl_socket_close(nl);
	return 0;
}
