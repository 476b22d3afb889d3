/* socket.h: sockets of the network service (abi/net.h), as descriptors:
 * read, write and close work on them too. Addresses and ports are in host
 * byte order (10.0.2.2 is 0x0A000202). Errors are -errno, as everywhere in
 * this libc. */
#ifndef SOCKET_H
#define SOCKET_H

#include <stddef.h>
#include <stdint.h>

#include <abi/net.h>
#include <files.h> /* close, and read and write on a socket */

#define SOCK_STREAM NET_SOCK_STREAM /* TCP */
#define SOCK_DGRAM  NET_SOCK_DGRAM  /* UDP */
#define SOCK_ICMP   NET_SOCK_ICMP   /* ICMP echo (ping) */

#define MSG_DONTWAIT NET_NONBLOCK /* flags of send and recv: do not wait */

#define SHUT_RD   NET_SHUT_RD
#define SHUT_WR   NET_SHUT_WR
#define SHUT_RDWR NET_SHUT_RDWR

/* A new socket descriptor. */
int socket(int type);
int bind(int fd, uint32_t ip, uint16_t port);
int listen(int fd, int backlog);
/* A new descriptor for the next connection; *ip and *port (may be NULL)
 * say who it is from. Waits for one. */
int accept(int fd, uint32_t *ip, uint16_t *port);
/* Waits until the connection is made, or fails. */
int connect(int fd, uint32_t ip, uint16_t port);
/* Bytes taken or received (recv: 0 at the end of the stream). */
int send(int fd, const void *buf, size_t n, int flags);
int recv(int fd, void *buf, size_t n, int flags);
int sendto(int fd, const void *buf, size_t n, uint32_t ip, uint16_t port);
int recvfrom(int fd, void *buf, size_t n, uint32_t *ip, uint16_t *port);
int shutdown(int fd, int how);
/* recv, recvfrom and accept on fd give up after ms with -ETIMEDOUT (0:
 * wait for ever, as at first). */
int sock_timeout(int fd, unsigned ms);
int sock_nodelay(int fd, int on);
int sock_info(int fd, struct net_sockinfo *out);
int net_stats(struct net_stats *out);
int net_ifinfo(struct net_ifinfo *out);

/* "a.b.c.d" to an address: 0, or -EINVAL. */
int ip_parse(const char *s, uint32_t *ip);
/* An address as "a.b.c.d" into buf (16 bytes at least); returns buf. */
char *ip_format(uint32_t ip, char *buf);

#endif
