#!/bin/sh
# http-fetch.sh PATH LOCAL [N]: the host's curl fetches PATH from the guest's
# httpd N times at once (default 1); every copy must have LOCAL's sha256.
# Then a missing file must answer 404. NET_HTTP_PORT comes from
# tools/hostpeer.py: the guest's port 80, as the host reaches it.
set -u
path=$1
local=$2
n=${3:-1}
want=$(sha256sum "$local" | cut -d' ' -f1)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/http-fetch.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
i=0
while [ "$i" -lt "$n" ]; do
	curl -s --max-time 30 -o "$tmp/$i" -w '%{http_code} %{size_download}\n' \
		"http://$NET_GUEST:$NET_HTTP_PORT$path" >"$tmp/status.$i" &
	i=$((i + 1))
done
wait
fail=0
i=0
while [ "$i" -lt "$n" ]; do
	got=$(sha256sum "$tmp/$i" 2>/dev/null | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		echo "fetch $i: $(cat "$tmp/status.$i"), sha256 matches"
	else
		echo "fetch $i: $(cat "$tmp/status.$i"), sha256 ${got:-none}, want $want"
		fail=1
	fi
	i=$((i + 1))
done
code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' \
	"http://$NET_GUEST:$NET_HTTP_PORT/no/such/file")
echo "missing file: HTTP $code"
[ "$code" = 404 ] || fail=1
exit $fail
