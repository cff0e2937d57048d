#!/usr/bin/env bash
# Test deploy/nginx/spine-mets.conf against a running app, as an unprivileged nginx on a free
# port in a temporary directory (nothing in /etc is touched).
#
#   deploy/nginx/check-proxy.sh check HOST:PORT        headers, host, size and websocket checks
#   deploy/nginx/check-proxy.sh serve HOST:PORT PORT   run the proxy in the foreground
#
# HOST:PORT is where the app listens (make run: 127.0.0.1:8501). Needs nginx and curl
# (Debian: apt-get install nginx curl; `make test` installs nginx as `make nginx`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
site="$here/spine-mets.conf"
server_name=localhost
nginx_bin=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

usage() { echo "usage: $0 check HOST:PORT | serve HOST:PORT PORT" >&2; exit 2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Writes an nginx.conf in $1 that runs without root and includes the site with its
# placeholders filled in; $2 upstream, $3 port, $4 "on" or "off" for daemon.
write_config() {
    local dir=$1 upstream=$2 port=$3 daemon=$4
    mkdir -p "$dir/tmp"
    sed -e "s|__LISTEN__|127.0.0.1:$port|" -e "s|__SERVER_NAME__|$server_name|" \
        -e "s|__UPSTREAM__|$upstream|" "$site" > "$dir/site.conf"
    cat > "$dir/nginx.conf" <<CONF
daemon $daemon;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/site.conf;
}
CONF
    "$nginx_bin" -q -t -p "$dir" -c "$dir/nginx.conf"
}

failures=0
expect() {  # expect DESCRIPTION ACTUAL WANTED
    if [[ "$2" == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: got '$2', want '$3'"; failures=$((failures + 1)); fi
}

header() {  # header NAME RESPONSE-HEADERS
    grep -i "^$1:" <<<"$2" | head -1 | cut -d: -f2- | sed -e 's/^ *//' -e 's/\r$//'
}

check() {
    local upstream=$1 port base headers status code
    dir=$(mktemp -d)
    port=$(free_port)
    trap '"$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -s quit 2>/dev/null || true; rm -rf "$dir"' EXIT
    write_config "$dir" "$upstream" "$port" on
    "$nginx_bin" -p "$dir" -c "$dir/nginx.conf"
    base="http://127.0.0.1:$port"
    for _ in $(seq 50); do curl -s -o /dev/null "$base/" -H "Host: $server_name:$port" && break; sleep 0.1; done

    headers=$(curl -s -D - -o /dev/null -H "Host: $server_name:$port" "$base/")
    status=$(head -1 <<<"$headers" | awk '{print $2}')
    expect "the app is answered for its own host name" "$status" 200
    expect "Content-Security-Policy" "$(header Content-Security-Policy "$headers")" \
        "$(grep -o "Content-Security-Policy \"[^\"]*\"" "$site" | cut -d'"' -f2)"
    expect "X-Frame-Options" "$(header X-Frame-Options "$headers")" DENY
    expect "X-Content-Type-Options" "$(header X-Content-Type-Options "$headers")" nosniff
    expect "Referrer-Policy" "$(header Referrer-Policy "$headers")" no-referrer
    expect "no server version" "$(header Server "$headers")" nginx

    headers=$(curl -s -D - -o /dev/null -H "Host: $server_name:$port" "$base/_stcore/health")
    expect "the health check is proxied with the headers" \
        "$(head -1 <<<"$headers" | awk '{print $2}') $(header X-Frame-Options "$headers")" "200 DENY"

    code=0
    curl -s -o /dev/null -H "Host: evil.example" "$base/" || code=$?
    expect "another Host header gets no answer (connection closed, curl exit 52)" "$code" 52

    code=$(head -c $((12 * 1024 * 1024)) /dev/zero | curl -s -o /dev/null -w '%{http_code}' \
        -H "Host: $server_name:$port" -H "Content-Type: application/octet-stream" \
        --data-binary @- "$base/_stcore/upload_file/x/y" || true)
    expect "a body over 11 MB is refused before it reaches the app" "$code" 413

    headers=$(curl -s -D - -o /dev/null --max-time 3 --http1.1 \
        -H "Host: $server_name:$port" -H "Origin: http://$server_name:$port" \
        -H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
        -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" "$base/_stcore/stream" || true)
    expect "the app's websocket is upgraded through the proxy" \
        "$(head -1 <<<"$headers" | awk '{print $2}')" 101

    if ((failures)); then echo "$failures check(s) failed; nginx log:" >&2; cat "$dir/error.log" >&2; exit 1; fi
    echo "all proxy checks passed"
}

serve() {
    local upstream=$1 port=$2
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    write_config "$dir" "$upstream" "$port" off
    "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" &
    pid=$!
    trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
    trap 'exit 0' TERM INT
    wait "$pid"
}

case "${1:-}" in
    check) [[ $# -eq 2 ]] || usage; check "$2" ;;
    serve) [[ $# -eq 3 ]] || usage; serve "$2" "$3" ;;
    *) usage ;;
esac
