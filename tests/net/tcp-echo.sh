#!/bin/sh
# tcp-echo.sh BYTES [SECONDS]: the host's nc sends BYTES of random data to
# the guest's tcpecho (NET_TCP_PORT, the guest's port 7) and must get
# exactly the same bytes back, within SECONDS (default 120).
set -u
bytes=$1
limit=${2:-120}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcp-echo.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
head -c "$bytes" /dev/urandom >"$tmp/sent"
# -N: shut the sending side at the end of the input, so the guest sees
# end of stream, echoes the rest and closes; -q 10 bounds the wait.
timeout "$limit" nc -N -q 10 "$NET_GUEST" "$NET_TCP_PORT" <"$tmp/sent" >"$tmp/back"
got=$(wc -c <"$tmp/back")
if cmp -s "$tmp/sent" "$tmp/back"; then
	echo "tcp echo: $got of $bytes bytes back, identical"
	exit 0
fi
echo "tcp echo: $got of $bytes bytes back, different"
exit 1
