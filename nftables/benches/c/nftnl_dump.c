/* Minimal libnftnl + libmnl dumper for `cargo xtask bench nftables`.
 *
 *   nftnl_dump rules            every rule of family ip, each parsed into a
 *                               struct nftnl_rule and its expressions walked
 *   nftnl_dump elems TABLE SET  every element of an ip set, each set message
 *                               parsed into a struct nftnl_set and its
 *                               elements walked (key read)
 *
 * Prints one line: `count=N exprs=E secs=T user=U maxrss_kb=K` (the time covers the
 * request, the receive and the decoding).
 * Written for this project from the libmnl and libnftnl headers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>

struct tally {
	unsigned long objects;
	unsigned long exprs;
	unsigned long keybytes;
};

static int count_expr(struct nftnl_expr *e, void *data)
{
	struct tally *t = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (name != NULL)
		t->exprs++;
	return 0;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct tally *t = data;
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r == NULL)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_ERROR;
	}
	nftnl_expr_foreach(r, count_expr, t);
	t->objects++;
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int count_elem(struct nftnl_set_elem *e, void *data)
{
	struct tally *t = data;
	uint32_t len = 0;

	if (nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len) != NULL)
		t->keybytes += len;
	t->objects++;
	return 0;
}

static int on_elems(const struct nlmsghdr *nlh, void *data)
{
	struct tally *t = data;
	struct nftnl_set *s = nftnl_set_alloc();

	if (s == NULL)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	nftnl_set_elem_foreach(s, count_elem, t);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	struct tally t = { 0 };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct timespec a, b;
	struct rusage ru;
	mnl_cb_t cb;
	uint32_t seq, portid;
	int elems, ret;

	if (argc < 2 || (strcmp(argv[1], "rules") && strcmp(argv[1], "elems")) ||
	    (!strcmp(argv[1], "elems") && argc < 4)) {
		fprintf(stderr, "usage: %s rules | elems TABLE SET\n", argv[0]);
		return 2;
	}
	elems = !strcmp(argv[1], "elems");

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("mnl_socket");
		return 1;
	}
	portid = mnl_socket_get_portid(nl);
	seq = (uint32_t)time(NULL);

	clock_gettime(CLOCK_MONOTONIC, &a);
	if (elems) {
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, NFPROTO_IPV4,
					    NLM_F_DUMP | NLM_F_ACK, seq);
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, argv[2]);
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, argv[3]);
		cb = on_elems;
	} else {
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_IPV4,
					    NLM_F_DUMP | NLM_F_ACK, seq);
		cb = on_rule;
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("mnl_socket_sendto");
		return 1;
	}
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret <= 0)
			break;
		ret = mnl_cb_run(buf, ret, seq, portid, cb, &t);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (ret < 0) {
		perror("dump");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	getrusage(RUSAGE_SELF, &ru);
	printf("count=%lu exprs=%lu secs=%.6f user=%.2f maxrss_kb=%ld\n", t.objects,
	       t.exprs, (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_maxrss);
	mnl_socket_close(nl);
	return 0;
}
