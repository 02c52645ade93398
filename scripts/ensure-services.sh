#!/usr/bin/env bash
# Start PostgreSQL or NATS if they are not answering (CI machines start them before the run;
# this covers a machine where one has stopped). Never fails the build by itself: the tests that
# need a service say clearly when it is missing.
set -u
want=${1:-all}
answering() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ $want == postgres || $want == all ]]; then
  if ! answering 5432; then
    echo "PostgreSQL is not answering on 127.0.0.1:5432; starting it"
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    for _ in $(seq 1 30); do answering 5432 && break; sleep 1; done
  fi
fi
if [[ $want == nats || $want == all ]]; then
  if ! answering 4222 && [ -x /usr/sbin/nats-server ]; then
    echo "NATS is not answering on 127.0.0.1:4222; starting it"
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
    for _ in $(seq 1 20); do answering 4222 && break; sleep 0.5; done
  fi
fi
exit 0
