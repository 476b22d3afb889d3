/* Sockets: the client side of the network service (abi/net.h). A socket
 * is a descriptor of kind FD_SOCKET whose handle is the service's socket
 * number; the service checks that it is ours. */
#include <socket.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#include "fd.h"

/* Transfers go in pieces of at most this: the service copies through a
 * buffer of its own. */
#define PIECE 65536

static int net_call(int type, uint32_t w0, uint32_t w1, uint32_t w2, struct msg *m)
{
	*m = (struct msg){.type = type};
	m->w[0] = w0;
	m->w[1] = w1;
	m->w[2] = w2;
	return svc_call(SVC_NET, m);
}

static struct fd_entry *sock(int fd)
{
	struct fd_entry *e = libc_fd_get(fd);
	return e && e->kind == FD_SOCKET ? e : NULL;
}

static int new_fd(uint32_t s)
{
	int fd = libc_fd_lowest_free();
	if (fd < 0) {
		struct msg m;
		net_call(NET_CLOSE, s, 0, 0, &m);
		return fd;
	}
	libc_fd_set_socket(fd, s);
	return fd;
}

int socket(int type)
{
	struct msg m;
	int s = net_call(NET_SOCKET, (uint32_t)type, 0, 0, &m);
	return s < 0 ? s : new_fd((uint32_t)s);
}

int bind(int fd, uint32_t ip, uint16_t port)
{
	struct fd_entry *e = sock(fd);
	struct msg m;
	return e ? net_call(NET_BIND, e->handle, ip, port, &m) : -ENOTSOCK;
}

int listen(int fd, int backlog)
{
	struct fd_entry *e = sock(fd);
	struct msg m;
	return e ? net_call(NET_LISTEN, e->handle, (uint32_t)backlog, 0, &m) : -ENOTSOCK;
}

int accept(int fd, uint32_t *ip, uint16_t *port)
{
	struct fd_entry *e = sock(fd);
	struct msg m;
	if (!e)
		return -ENOTSOCK;
	m = (struct msg){.type = NET_ACCEPT};
	m.w[0] = e->handle;
	m.w[4] = e->timeout_ms;
	int s = svc_call(SVC_NET, &m);
	if (s < 0)
		return s;
	if (ip)
		*ip = m.w[1];
	if (port)
		*port = (uint16_t)m.w[2];
	return new_fd((uint32_t)s);
}

int connect(int fd, uint32_t ip, uint16_t port)
{
	struct fd_entry *e = sock(fd);
	struct msg m;
	return e ? net_call(NET_CONNECT, e->handle, ip, port, &m) : -ENOTSOCK;
}

int libc_sock_send(struct fd_entry *e, const void *buf, size_t n, int flags)
{
	struct msg m = {.type = NET_SEND};
	if (n == 0)
		return 0;
	m.w[0] = e->handle;
	m.w[3] = (uint32_t)flags;
	m.grant = (struct grant){(uint32_t)buf, n < PIECE ? n : PIECE, GRANT_READ};
	return svc_call(SVC_NET, &m);
}

int libc_sock_recv(struct fd_entry *e, void *buf, size_t n, int flags)
{
	struct msg m = {.type = NET_RECV};
	if (n == 0)
		return 0;
	m.w[0] = e->handle;
	m.w[3] = (uint32_t)flags;
	m.w[4] = e->timeout_ms;
	m.grant = (struct grant){(uint32_t)buf, n < PIECE ? n : PIECE, GRANT_WRITE};
	return svc_call(SVC_NET, &m);
}

int libc_sock_close(struct fd_entry *e)
{
	struct msg m;
	return net_call(NET_CLOSE, e->handle, 0, 0, &m);
}

int send(int fd, const void *buf, size_t n, int flags)
{
	struct fd_entry *e = sock(fd);
	return e ? libc_sock_send(e, buf, n, flags) : -ENOTSOCK;
}

int recv(int fd, void *buf, size_t n, int flags)
{
	struct fd_entry *e = sock(fd);
	return e ? libc_sock_recv(e, buf, n, flags) : -ENOTSOCK;
}

int sendto(int fd, const void *buf, size_t n, uint32_t ip, uint16_t port)
{
	struct fd_entry *e = sock(fd);
	struct msg m = {.type = NET_SENDTO};
	if (!e)
		return -ENOTSOCK;
	m.w[0] = e->handle;
	m.w[1] = ip;
	m.w[2] = port;
	m.grant = (struct grant){(uint32_t)buf, n < PIECE ? n : PIECE, GRANT_READ};
	return svc_call(SVC_NET, &m);
}

int recvfrom(int fd, void *buf, size_t n, uint32_t *ip, uint16_t *port)
{
	struct fd_entry *e = sock(fd);
	struct msg m = {.type = NET_RECVFROM};
	if (!e)
		return -ENOTSOCK;
	m.w[0] = e->handle;
	m.w[4] = e->timeout_ms;
	m.grant = (struct grant){(uint32_t)buf, n < PIECE ? n : PIECE, GRANT_WRITE};
	int r = svc_call(SVC_NET, &m);
	if (r >= 0 && ip)
		*ip = m.w[1];
	if (r >= 0 && port)
		*port = (uint16_t)m.w[2];
	return r;
}

int shutdown(int fd, int how)
{
	struct fd_entry *e = sock(fd);
	struct msg m;
	return e ? net_call(NET_SHUTDOWN, e->handle, (uint32_t)how, 0, &m) : -ENOTSOCK;
}

int sock_timeout(int fd, unsigned ms)
{
	struct fd_entry *e = sock(fd);
	if (!e)
		return -ENOTSOCK;
	e->timeout_ms = ms;
	return 0;
}

int sock_nodelay(int fd, int on)
{
	struct fd_entry *e = sock(fd);
	struct msg m;
	return e ? net_call(NET_SETOPT, e->handle, NET_OPT_NODELAY, (uint32_t)on, &m) : -ENOTSOCK;
}

static int fetch(int type, uint32_t w0, void *out, uint32_t len)
{
	struct msg m = {.type = type};
	m.w[0] = w0;
	m.grant = (struct grant){(uint32_t)out, len, GRANT_WRITE};
	return svc_call(SVC_NET, &m);
}

int sock_info(int fd, struct net_sockinfo *out)
{
	struct fd_entry *e = sock(fd);
	return e ? fetch(NET_SOCKINFO, e->handle, out, sizeof(*out)) : -ENOTSOCK;
}

int net_stats(struct net_stats *out)
{
	return fetch(NET_STATS, 0, out, sizeof(*out));
}

int net_ifinfo(struct net_ifinfo *out)
{
	return fetch(NET_IFINFO, 0, out, sizeof(*out));
}

int ip_parse(const char *s, uint32_t *ip)
{
	uint32_t v = 0;
	for (int part = 0; part < 4; part++) {
		uint32_t n = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			n = n * 10 + (uint32_t)(*s++ - '0');
			digits++;
		}
		if (!digits || n > 255 || (part < 3 && *s++ != '.'))
			return -EINVAL;
		v = v << 8 | n;
	}
	if (*s)
		return -EINVAL;
	*ip = v;
	return 0;
}

char *ip_format(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	return buf;
}
