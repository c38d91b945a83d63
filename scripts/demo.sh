#!/usr/bin/env bash
# Runs the whole system on this machine: the Controller (embedded MQTT broker, LiteDB in data/demo) and a
# fleet of simulated nodes. Ctrl-C stops everything.
#   NODES=12 ZONES=4 scripts/demo.sh      more nodes
#   HTTP_PORT=8080 MQTT_PORT=1884 MQTT_TLS_PORT=8884 ...   other ports
#   CLOCK_OFFSET_SPREAD=00:00:00 CLOCK_DRIFT_PPM=0 ...     simulated nodes on true time (default: each node's clock
#                                                          up to 1.5 s off and 80 ppm fast or slow, for clock sync to fix)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

scripts/require-dotnet.sh
# mosquitto-clients: to watch the wire with mosquitto_sub; curl: to wait for the Controller.
scripts/require-debian-packages.sh mosquitto-clients curl

nodes="${NODES:-6}"
zones="${ZONES:-3}"
clock_offset_spread="${CLOCK_OFFSET_SPREAD:-00:00:01.500}"
clock_drift_ppm="${CLOCK_DRIFT_PPM:-80}"
http_port="${HTTP_PORT:-5080}"
mqtt_port="${MQTT_PORT:-1883}"
tls_port="${MQTT_TLS_PORT:-8883}"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_in_use "$mqtt_port"; then
  # Usually a system Mosquitto installed with the test prerequisites.
  echo "Port $mqtt_port is taken (a system Mosquitto?); the demo broker uses another port."
  mqtt_port=$((mqtt_port + 1))
  while port_in_use "$mqtt_port"; do mqtt_port=$((mqtt_port + 1)); done
fi
if port_in_use "$tls_port"; then
  echo "Port $tls_port is taken; the demo broker's TLS listener uses another port."
  tls_port=$((tls_port + 1))
  while port_in_use "$tls_port" || [ "$tls_port" = "$mqtt_port" ]; do tls_port=$((tls_port + 1)); done
fi
if port_in_use "$http_port"; then
  echo "Port $http_port is taken; set HTTP_PORT to a free port." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "Building…"
dotnet build SmartLoudspeaker.sln -c Release -nologo -v q

data="$root/data/demo"
mkdir -p "$data"
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

# One enrolment token for every simulated node, made afresh for each run (a random id and a 32-byte secret), valid
# for a day: the Controller approves a node that proves it at once, with the zones it asks for among the demo's.
token="t$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n').$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
token_id="${token%%.*}"
token_expires="$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)"
token_zones=()
for zone in $(seq 1 "$zones"); do token_zones+=("--Enrolment:BootstrapTokens:0:Zones:$((zone - 1))=zone-$zone"); done

# The demo's admin, made on this machine before the Controller starts (as a commune's technician makes the first
# admin): a random password printed below, never a default one; a store kept from an earlier run gets a new one.
# And a token for the curl lines below, valid one day.
controller() { (cd src/Controller/bin/Release/net10.0 && dotnet SmartLoudspeaker.Controller.dll "$@" --Store:DataDirectory="$data/controller"); }
printed() { sed -n 's/.*(shown this once[^)]*): //p'; }
if ! admin_out=$(controller accounts add-admin demo --display "Demo" 2>&1); then
  if grep -q "exists already" <<<"$admin_out"; then
    admin_out=$(controller accounts reset-password demo)
  else
    echo "$admin_out" >&2
    exit 1
  fi
fi
demo_password=$(printed <<<"$admin_out")
demo_token=$(controller accounts add-token demo --roles admin,technician --days 1 --name "demo curl" | printed)
auth="Authorization: Bearer $demo_token"

# The enrolment token goes in the environment, not on the command line: `ps` shows a command line to every local
# user, a process's environment only to its own user.
(cd src/Controller/bin/Release/net10.0 && Enrolment__BootstrapTokens__0__Token="$token" exec dotnet SmartLoudspeaker.Controller.dll \
  --Urls="http://127.0.0.1:$http_port" \
  --Broker:Mode=Embedded --Broker:Port="$mqtt_port" --Broker:BindAddress=127.0.0.1 \
  --Broker:Tls:Port="$tls_port" \
  --Store:DataDirectory="$data/controller" \
  --Security:GenerateDemoKeys=true \
  --Enrolment:BootstrapTokens:0:Expires="$token_expires" \
  --Enrolment:BootstrapTokens:0:MaxUses="$nodes" "${token_zones[@]}") &
pids+=($!)

echo "Waiting for the Controller…"
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "The Controller did not start; see its log above." >&2; exit 1; fi
  sleep 1
done

(cd src/Node/bin/Release/net10.0 && Node__Enrolment__Token="$token" exec dotnet SmartLoudspeaker.Node.dll \
  --Node:Simulation:Enabled=true \
  --Node:Simulation:NodeCount="$nodes" --Node:Simulation:ZoneCount="$zones" \
  --Node:Simulation:ClockOffsetSpread="$clock_offset_spread" --Node:Simulation:ClockDriftSpreadPpm="$clock_drift_ppm" \
  --Node:Brokers:0:Host=127.0.0.1 --Node:Brokers:0:Port="$mqtt_port" \
  --Node:DataDirectory="$data/nodes" \
  --Node:Security:RootPublicKeyFile="$data/controller/keys/root.pub") &
pids+=($!)

# The broker refuses anonymous clients: technicians watch with the read-only observer account made at first start.
observer_password=$(sed -n 's/.*"observer": *"\([^"]*\)".*/\1/p' "$data/controller/broker-secrets.json")

cat <<INFO

SmartLoudspeaker demo is running: Controller + $nodes simulated nodes in $zones zones.
The demo enrols its simulated nodes automatically: they carry this run's enrolment token ($token_id, $nodes uses,
expires $token_expires). A real node without a token waits for a technician:
  Web UI:           http://127.0.0.1:$http_port/   (Vietnamese; English from the switch at the top)
  Sign in as:       demo   password: $demo_password
                    (made for this run and shown once; more accounts: SmartLoudspeaker.Controller accounts --help)
  API token:        $demo_token
                    (roles admin and technician, valid one day; the curl lines below send it)
  Requests:         curl -H "$auth" http://127.0.0.1:$http_port/api/enrolment/requests
  Approve one:      curl -X POST -H "$auth" http://127.0.0.1:$http_port/api/enrolment/requests/NODE-ID/approve
  Enrolled nodes:   curl -H "$auth" http://127.0.0.1:$http_port/api/identities
  Fleet (JSON):     curl -H "$auth" http://127.0.0.1:$http_port/api/nodes
  One node:         curl -H "$auth" http://127.0.0.1:$http_port/api/nodes/sim-01
  Health check:     curl http://127.0.0.1:$http_port/healthz
  Metrics:          curl http://127.0.0.1:$http_port/metrics
  API description:  http://127.0.0.1:$http_port/openapi/v1.json
  The wire:         mosquitto_sub -h 127.0.0.1 -p $mqtt_port -u observer -P '$observer_password' -t 'sl/v1/#' -v
                    (read-only observer account; also at curl -H "$auth" http://127.0.0.1:$http_port/api/broker/observer)
  The wire, TLS:    mosquitto_sub -h 127.0.0.1 -p $tls_port --cafile $data/controller/broker-ca.pem -u observer -P '$observer_password' -t 'sl/v1/#' -v
                    (the demo's nodes use plain MQTT on loopback; a real node uses TLS: see the README)
  Send a command:   the node page's buttons, or
    curl -X POST -H "$auth" -H 'Content-Type: application/json' -d '{"type":"identify"}' http://127.0.0.1:$http_port/api/nodes/sim-01/commands
Data is kept in $data (demo keys in $data/controller/keys: production keeps the root key offline).
Press Ctrl-C to stop.

INFO
wait -n "${pids[@]}"
