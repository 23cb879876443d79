#!/usr/bin/env bash
# make demo: the whole pipeline on this machine only. Starts the demo
# classifieds site, crawls it politely into the scanner and the search
# index, creates a demo account and serves the analyst app on 127.0.0.1.
set -euo pipefail
BIN=${BIN:-bin/redthread}
DATA=${DEMO_DIR:-demo-data}
SITE=${DEMO_SITE_ADDR:-127.0.0.1:8081}
APP=${DEMO_APP_ADDR:-127.0.0.1:8080}

rm -rf "$DATA"
mkdir -p "$DATA"
# The crawl keeps the listings' photos here (absolute paths in the results)
# and the app serves them from here, blurred until an analyst clicks one.
PHOTOS="$(cd "$DATA" && pwd)/photos"
"$BIN" demo-site --addr "$SITE" >"$DATA/demo-site.log" 2>&1 &
site=$!
trap 'kill $site 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS "http://$SITE/robots.txt" >/dev/null 2>&1 && break
  sleep 0.1
done

echo "== crawling the demo site at http://$SITE/ into the scanner and the index"
"$BIN" crawl --adapter demo --start "http://$SITE/" --allow-private --delay 0 --keep-images "$PHOTOS" \
  --state "$DATA/crawl" --scan --index "$DATA/index" -o "$DATA/results.jsonl" --progress off
kill $site 2>/dev/null || true

password=$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 16)
echo "$password" | "$BIN" users add --index "$DATA/index" --role admin --password-stdin demo >/dev/null
echo
echo "== analyst app: http://$APP/   user: demo   password: $password"
echo "   (scan results are in $DATA/results.jsonl, photos in $PHOTOS; Ctrl-C stops the app)"
echo
exec "$BIN" serve --index "$DATA/index" --addr "$APP" --photos "$PHOTOS"
