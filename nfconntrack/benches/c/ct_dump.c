/* Minimal conntrack dump on libnetfilter_conntrack's public API, for
 * `cargo xtask bench conntrack`: reads the main fields of every entry (like
 * our decode into Flow) and prints the count and peak memory.
 * Build: cc -O2 ct_dump.c -o ct_dump -lnetfilter_conntrack */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <time.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

static unsigned long long entries, checksum;

static int on_entry(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data)
{
	(void)type; (void)data;
	entries++;
	checksum += nfct_get_attr_u32(ct, ATTR_TIMEOUT);
	checksum += nfct_get_attr_u32(ct, ATTR_MARK);
	checksum += nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_SRC);
	checksum += nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC);
	checksum += nfct_get_attr_u32(ct, ATTR_STATUS);
	checksum += nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
	return NFCT_CB_CONTINUE;
}

int main(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	uint32_t family = AF_UNSPEC;
	struct timespec a, b;
	struct rusage ru;

	if (!h) {
		perror("nfct_open");
		return 1;
	}
	nfct_callback_register(h, NFCT_T_ALL, on_entry, NULL);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (nfct_query(h, NFCT_Q_DUMP, &family) < 0) {
		perror("nfct_query");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("%-16s count=%-7llu secs=%.4f rate=%.0f/s vmhwm_kb=%ld (sum %llu)\n",
	       "dump(lnfct C)", entries, secs, entries / secs, ru.ru_maxrss, checksum);
	nfct_close(h);
	return 0;
}
