/* httpd: serve files over HTTP/1.0: httpd [PORT] [-n CONNECTIONS] [-r ROOT] */
#include <files.h>
#include <socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

/* RFC 1945 (HTTP/1.0): a request line "METHOD SP URI SP VERSION CRLF",
 * header lines, an empty line; the answer a status line, headers with the
 * body's Content-Length, an empty line and the body. One connection, one
 * request: the server closes it after the answer. */

#define REQ_MAX 4096

static char req[REQ_MAX + 1];
static char body[16384];
static const char *root = "";

static void status(int c, int code, const char *why, const char *text)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %u\r\n"
			 "Connection: close\r\n\r\n",
			 code, why, (unsigned)strlen(text));
	write_all(c, head, (size_t)n);
	write_all(c, text, strlen(text));
}

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0))
		return "text/html";
	if (dot && (strcmp(dot, ".txt") == 0 || strcmp(dot, ".md") == 0 || strcmp(dot, ".sh") == 0))
		return "text/plain";
	return "application/octet-stream";
}

/* Whether the headers are complete: an empty line (CRLF CRLF, or a bare
 * LF LF as some clients send). */
static int headers_done(const char *s, int len)
{
	for (int i = 1; i < len; i++)
		if (s[i] == '\n' &&
		    (s[i - 1] == '\n' || (i > 2 && s[i - 1] == '\r' && s[i - 2] == '\n')))
			return 1;
	return 0;
}

/* Reads the request up to its empty line (or REQ_MAX bytes). */
static int read_request(int c)
{
	int len = 0;
	while (len < REQ_MAX) {
		int r = recv(c, req + len, (size_t)(REQ_MAX - len), 0);
		if (r <= 0)
			return r < 0 ? r : -EPIPE;
		len += r;
		req[len] = 0;
		if (headers_done(req, len))
			return len;
	}
	return len;
}

static int serve(int c)
{
	if (read_request(c) < 0)
		return 0;
	char *sp1 = strchr(req, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	char *eol = strchr(req, '\n');
	if (!sp1 || !sp2 || !eol || sp2 > eol || sp1[1] != '/') {
		status(c, 400, "Bad Request", "400 bad request\n");
		return 400;
	}
	*sp1 = *sp2 = 0;
	int head = strcmp(req, "HEAD") == 0;
	if (!head && strcmp(req, "GET") != 0) {
		status(c, 501, "Not Implemented", "501 only GET and HEAD\n");
		return 501;
	}
	char path[FS_PATH_MAX];
	if ((size_t)snprintf(path, sizeof(path), "%s%s", root, sp1 + 1) >= sizeof(path)) {
		status(c, 414, "Request-URI Too Long", "414 path too long\n");
		return 414;
	}
	struct fs_stat st;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		status(c, 404, "Not Found", "404 not found\n");
		return 404;
	}
	if (S_ISDIR(st.mode)) {
		close(fd);
		status(c, 403, "Forbidden", "403 a directory\n");
		return 403;
	}
	char hdr[256];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.0 200 OK\r\nContent-Type: %s\r\nContent-Length: %llu\r\n"
			 "Connection: close\r\n\r\n",
			 type_of(path), (unsigned long long)st.size);
	int r = write_all(c, hdr, (size_t)n);
	while (!head && r >= 0 && (n = read(fd, body, sizeof(body))) > 0)
		r = write_all(c, body, (size_t)n);
	close(fd);
	return 200;
}

int main(int argc, char **argv)
{
	int port = 80, count = -1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			root = argv[++i];
		else
			port = atoi(argv[i]);
	}
	if (port <= 0 || port > 65535 || (root[0] && root[0] != '/')) {
		dprintf(STDERR_FILENO, "usage: httpd [PORT] [-n CONNECTIONS] [-r /ROOT]\n");
		return 2;
	}
	int fd = socket(SOCK_STREAM), r;
	if (fd < 0 || (r = bind(fd, 0, (uint16_t)port)) < 0 || (r = listen(fd, 8)) < 0) {
		dprintf(STDERR_FILENO, "httpd: %s\n", strerror(fd < 0 ? fd : r));
		return 1;
	}
	printf("httpd: listening on TCP port %d, serving %s/\n", port, root);
	for (int n = 0; count < 0 || n < count; n++) {
		uint32_t ip;
		uint16_t from;
		char a[16];
		int c = accept(fd, &ip, &from);
		if (c < 0) {
			printf("httpd: accept: %s\n", strerror(c));
			return 1;
		}
		int code = serve(c);
		close(c);
		printf("httpd: %s:%u %s %d\n", ip_format(ip, a), from, req, code);
	}
	close(fd);
	return 0;
}
