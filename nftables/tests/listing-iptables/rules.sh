# Rules written with iptables-nft and ip6tables-nft (ours), listed by nft through
# its xtables translations; one command a line.
iptables-nft -N DOCKER; iptables-nft -N DOCKER-USER; iptables-nft -A FORWARD -j DOCKER-USER
iptables-nft -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables-nft -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
iptables-nft -A DOCKER-USER -j RETURN
iptables-nft -t nat -N DOCKER
iptables-nft -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
iptables-nft -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
iptables-nft -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
iptables-nft -t nat -A DOCKER -i docker0 -j RETURN
iptables-nft -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
iptables-nft -A INPUT -m state --state NEW -m tcp -p tcp --dport 22 -j ACCEPT
iptables-nft -A INPUT -m limit --limit 5/min -j LOG --log-prefix "drop: " --log-level 4
iptables-nft -A INPUT -j REJECT --reject-with icmp-host-prohibited
iptables-nft -A INPUT -j REJECT
iptables-nft -A INPUT -p tcp -j REJECT --reject-with tcp-reset
iptables-nft -A INPUT -m mark --mark 0x1/0xff -j MARK --set-mark 0x2
iptables-nft -t mangle -A PREROUTING -j CONNMARK --restore-mark
iptables-nft -t mangle -A PREROUTING -j CONNMARK --save-mark
iptables-nft -t mangle -A PREROUTING -j CONNMARK --set-mark 0x5
iptables-nft -A INPUT -m comment --comment "allow ssh" -p tcp --dport 2222 -j ACCEPT
iptables-nft -t nat -A POSTROUTING -o eth0 -j SNAT --to-source 1.2.3.4
iptables-nft -t nat -A POSTROUTING -j SNAT --to-source 1.2.3.4-1.2.3.9:100-200 --random
iptables-nft -t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000
iptables-nft -A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -j DROP
iptables-nft -A INPUT -p udp -m udp --sport 53 -j ACCEPT
iptables-nft -A INPUT -m recent --set --name foo -j ACCEPT
iptables-nft -A INPUT -m conntrack --ctstate NEW,ESTABLISHED,RELATED,INVALID,UNTRACKED -j ACCEPT
iptables-nft -A INPUT -m conntrack ! --ctstate INVALID -j ACCEPT
iptables-nft -A INPUT -j LOG --log-level info --log-tcp-sequence --log-ip-options
iptables-nft -A INPUT -j MARK --set-xmark 0x1/0xff
iptables-nft -A INPUT -p tcp -m multiport --sports 80:90,443 -j ACCEPT
iptables-nft -A INPUT -p udp -m multiport --dports 53 -j ACCEPT
iptables-nft -A INPUT -m addrtype --src-type BROADCAST -j DROP
ip6tables-nft -A INPUT -p icmpv6 -j ACCEPT
ip6tables-nft -A INPUT -j REJECT --reject-with icmp6-adm-prohibited
ip6tables-nft -A INPUT -j REJECT
ip6tables-nft -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
ip6tables-nft -t nat -A PREROUTING -p tcp -j DNAT --to-destination [2001:db8::1]:80
ip6tables-nft -A INPUT -m iprange --dst-range 2001:db8::1-2001:db8::9 -j DROP
ebtables-nft -A FORWARD -p IPv4 --ip-src 10.0.0.1 -j DROP
ebtables-nft -A INPUT -s 00:11:22:33:44:55 -j ACCEPT
ebtables-nft -A FORWARD --log --log-prefix "x" -j ACCEPT
ebtables-nft -A FORWARD -p ARP --arp-op Request -j ACCEPT
ebtables-nft -A INPUT --mark 0x5 -j ACCEPT
ebtables-nft -A FORWARD -p IPv4 --ip-dst 10.0.0.0/8 --ip-proto tcp -j DROP
arptables-nft -A INPUT -s 10.0.0.1 -j DROP
arptables-nft -A OUTPUT --opcode Request -j ACCEPT
arptables-nft -A OUTPUT -j mangle --mangle-ip-s 1.2.3.4
iptables-nft -A OUTPUT -m owner --uid-owner 1000 -j ACCEPT
iptables-nft -A INPUT -m length --length 100:200 -j DROP
iptables-nft -A INPUT -m length ! --length 100 -j DROP
iptables-nft -A INPUT -m pkttype --pkt-type broadcast -j DROP
iptables-nft -A INPUT -m tcp -p tcp --tcp-flags SYN,ACK SYN -j DROP
iptables-nft -A INPUT -p tcp --syn -j DROP
iptables-nft -A INPUT -m mac --mac-source 00:11:22:33:44:55 -j DROP
iptables-nft -A INPUT -m hashlimit --hashlimit-above 10/sec --hashlimit-name h -j DROP
iptables-nft -A INPUT -m icmp -p icmp --icmp-type echo-request -j ACCEPT
iptables-nft -A INPUT -m dscp --dscp 0x10 -j ACCEPT
iptables-nft -A INPUT -m tos --tos 0x10 -j ACCEPT
iptables-nft -A INPUT -m ttl --ttl-eq 64 -j ACCEPT
iptables-nft -A INPUT -m ttl --ttl-gt 64 -j ACCEPT
iptables-nft -A INPUT -m ttl --ttl-lt 64 -j ACCEPT
iptables-nft -t raw -A PREROUTING -j CT --notrack
iptables-nft -t raw -A PREROUTING -j NOTRACK
iptables-nft -A INPUT -j NFLOG --nflog-group 5 --nflog-prefix "p"
iptables-nft -A INPUT -j NFQUEUE --queue-num 3
iptables-nft -A INPUT -j NFQUEUE --queue-balance 3:5
iptables-nft -A INPUT -m helper --helper ftp -j ACCEPT
ip6tables-nft -A INPUT -m dscp --dscp 0x10 -j ACCEPT
iptables-nft -A OUTPUT -m owner --gid-owner 100-200 -j ACCEPT
