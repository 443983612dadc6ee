#!/usr/bin/env bash
# kfleet-agent killed with SIGKILL in the middle of writing a generation, round after
# round, against a private cluster of the harness filled by kfleet-loadgen. A kill lands
# while the collector holds SQLite's write lock (seen in /proc/locks: a POSIX write lock
# on byte 120 of the catalog's -shm file), at a random point of the transaction. After
# every kill the catalog must pass PRAGMA integrity_check and foreign_key_check and hold
# either the generation before or the one being written, whole: every topic, partition,
# group, committed offset and lag sample of the fleet, none half. Odd rounds kill the
# collector alone (its supervisor starts it again), even rounds kill the whole agent
# (the test starts it again); either way collection goes on from where it was.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/cluster.sh"
agent=$KFLEET_BUILDDIR/kfleet-agent
rounds=${KFLEET_KILL_ROUNDS:-30}

work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-kill.XXXXXX")
kafka=$work/kafka
agent_pid=""
trap '[ -n "$agent_pid" ] && pkill -9 -P "$agent_pid" 2>/dev/null; [ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null
	private_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
catalog=$work/catalog.db
cluster=kill

private_cluster_start "$kafka" "$work/harness.log"
# 200 topics of 10 partitions and 50 groups: a generation large enough that its write
# transaction lasts long enough to be killed at different points of it.
"$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" fleet kill 200 10 50 20 >/dev/null ||
	{ echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/agent.conf" <<EOF
cluster = $cluster
catalog = $catalog
interval = 2s
listen = 127.0.0.1:$port
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF

sql() { sqlite3 "$catalog" "$1" 2>&1; }
generation() { sqlite3 "$catalog" "SELECT generation FROM clusters WHERE name = '$cluster'" 2>/dev/null; }
# The current generation's rows, counted: equal for every whole generation of the
# unchanging fleet. The groups are "not collected" in a cycle whose groups section
# failed (recorded with the generation: a slow broker under a 2 s timeout), which leaves
# their rows out on purpose.
fingerprint() {
	sql "SELECT
	  (SELECT count(*) FROM topics WHERE cluster_id = c.id) || ' topics, ' ||
	  (SELECT count(*) FROM partitions p JOIN topics t ON t.id = p.topic_id
	     WHERE t.cluster_id = c.id) || ' partitions, ' ||
	  CASE WHEN EXISTS (SELECT 1 FROM cluster_sections WHERE cluster_id = c.id
	    AND section = 'groups' AND error IS NOT NULL) THEN 'groups not collected' ELSE
	  (SELECT count(*) FROM consumer_groups WHERE cluster_id = c.id) || ' groups with ' ||
	  (SELECT count(*) || ' offsets at ' || total(o.committed_offset) FROM committed_offsets o
	     JOIN consumer_groups g ON g.id = o.consumer_group_id WHERE g.cluster_id = c.id) ||
	  (SELECT ' (' || total(series_count) || ' lag series)' FROM lag_frames
	     WHERE cluster_id = c.id AND sampled_at_ms = c.last_collected_ms) END || ', ' ||
	  (SELECT count(*) FROM lag_frames WHERE cluster_id = c.id
	     AND sampled_at_ms = c.last_collected_ms) || ' lag frame'
	 FROM clusters c WHERE c.name = '$cluster'"
}
# whole CONTENTS: whether CONTENTS is the reference, but for groups not collected.
whole() {
	[ "$1" = "$reference" ] ||
		[ "$1" = "$(sed -E 's/, 50 groups with [^,]*, /, groups not collected, /' <<<"$reference")" ]
}
start_agent() {
	"$agent" --config "$work/agent.conf" 2>>"$work/agent.log" &
	agent_pid=$!
}
newer_than() { local g; g=$(generation); [ -n "$g" ] && [ "$g" -gt "$1" ]; }

# kill_in_write MODE: wait (at most 60 s) until the agent's collector holds the catalog's
# write lock, let a random 0-40 ms of the transaction pass, and if it still holds the
# lock, SIGKILL it (MODE child) or it and its supervisor (MODE agent). Prints the
# generation committed when the kill landed, or fails.
kill_in_write() {
	python3 - "$catalog" "$agent_pid" "$1" <<'EOF'
import os, random, signal, sqlite3, sys, time

catalog, supervisor, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def writer():
    """The child of the supervisor holding SQLite's WAL write lock, or None."""
    try:
        inode = os.stat(catalog + "-shm").st_ino
    except FileNotFoundError:
        return None
    with open("/proc/locks") as locks:
        for line in locks:
            f = line.split()
            # "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 120 120"; waiters have "->" first
            if len(f) < 8 or f[1] != "POSIX" or f[3] != "WRITE" or f[6] != "120":
                continue
            if int(f[5].split(":")[2]) != inode:
                continue
            pid = int(f[4])
            try:
                with open("/proc/%d/stat" % pid) as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == supervisor:
                        return pid
            except (FileNotFoundError, ProcessLookupError):
                pass
    return None

def committed():
    db = sqlite3.connect("file:%s?mode=ro" % catalog, uri=True, timeout=5)
    try:
        row = db.execute("SELECT generation FROM clusters WHERE name = 'kill'").fetchone()
    finally:
        db.close()
    return row[0] if row else 0

deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    pid = writer()
    if pid is None:
        time.sleep(0.0005)
        continue
    before = committed()
    time.sleep(random.uniform(0, 0.040))
    if writer() != pid:
        continue
    os.kill(pid, signal.SIGKILL)
    if mode == "agent":
        os.kill(supervisor, signal.SIGKILL)
    # Dead, its files (the listening socket) closed: gone, or a zombie.
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/stat" % pid) as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    break
        except FileNotFoundError:
            break
        time.sleep(0.01)
    print(before)
    sys.exit(0)
sys.exit("no write transaction of the agent seen within 60 s")
EOF
}

start_agent
# The fleet's 200 topics (and Kafka's own), its 50 groups, one lag frame per generation.
whole='^2[0-9]{2} topics, [0-9]{4} partitions, 50 groups with [1-9][0-9]* offsets at '
whole+='[1-9][0-9.]* \([1-9][0-9.]* lag series\), 1 lag frame$'
all_there() { reference=$(fingerprint) && [[ $reference =~ $whole ]]; }
if wait_for 60 all_there; then
	tap_ok "the agent writes whole generations ($reference)"
else
	tap_not_ok "the agent writes whole generations" "${reference:-}" "$(tail -n 5 "$work/agent.log")"
	reference=none
fi

bad_integrity="" bad_generation="" bad_contents="" stalled=""
rolled_back=0 committed=0 groups_not_collected=0
for round in $(seq 1 "$rounds"); do
	mode=child
	((round % 2 == 0)) && mode=agent
	if ! before=$(kill_in_write "$mode" 2>"$work/kill.err"); then
		stalled="$stalled round $round: $(cat "$work/kill.err");"
		break
	fi
	# The collector is dead; its supervisor too in mode agent.
	if [ "$mode" = agent ]; then
		wait "$agent_pid" 2>/dev/null
		agent_pid=""
	fi
	# Read first: in mode child the supervisor starts a new collector a second later.
	after=$(generation)
	integrity=$(sql "PRAGMA integrity_check; PRAGMA foreign_key_check;" | tr '\n' ' ')
	[ "$integrity" = "ok " ] || bad_integrity="$bad_integrity round $round: $integrity;"
	if [ "$after" = "$before" ]; then
		rolled_back=$((rolled_back + 1))
	elif [ "$after" = "$((before + 1))" ]; then
		committed=$((committed + 1))
	else
		bad_generation="$bad_generation round $round: $before before the kill, $after after;"
	fi
	contents=$(fingerprint)
	whole "$contents" || bad_contents="$bad_contents round $round: $contents;"
	[ "$contents" = "$reference" ] || groups_not_collected=$((groups_not_collected + 1))
	[ "$mode" = agent ] && start_agent
	if ! wait_for 60 newer_than "$after"; then
		stalled="$stalled round $round ($mode): no generation after $after within 60 s;"
		break
	fi
done

if [ -z "$bad_integrity" ]; then
	tap_ok "integrity_check and foreign_key_check pass after every kill"
else
	tap_not_ok "integrity_check and foreign_key_check pass after every kill" "$bad_integrity"
fi
if [ -z "$bad_generation" ]; then
	tap_ok "each kill leaves the generation before it or the one it interrupted"
else
	tap_not_ok "each kill leaves the generation before it or the one it interrupted" "$bad_generation"
fi
if [ -z "$bad_contents" ]; then
	tap_ok "and that generation is whole"
else
	tap_not_ok "and that generation is whole" "whole: $reference" "$bad_contents"
fi
if [ -z "$stalled" ]; then
	tap_ok "collection goes on after each of $rounds kills (collector alone or whole agent)"
else
	tap_not_ok "collection goes on after each kill" "$stalled" "$(tail -n 5 "$work/agent.log")"
fi
# Killed while holding the write lock, the transaction cannot have committed, except in
# the microseconds between the last check of the lock and the kill.
echo "# $rolled_back kills rolled a transaction back, $committed landed after its commit"
echo "# $groups_not_collected generations left after a kill had their groups section failed"
if [ -z "$stalled" ] && ((rolled_back * 2 >= rounds)); then
	tap_ok "the kills landed inside write transactions ($rolled_back of $rounds)"
else
	tap_not_ok "the kills landed inside write transactions" "$rolled_back of $rounds rolled back"
fi
# A collector that had written generations is started again at once, each time: the
# restart delay does not grow with the number of crashes.
delays=$(grep -o 'starting it again in [0-9]* ms' "$work/agent.log" | awk '{ print $5 }' | sort -u | tr '\n' ' ')
if [ "$delays" = "1000 " ]; then
	tap_ok "the supervisor starts a crashed collector again after 1 s, every time"
else
	tap_not_ok "the supervisor starts a crashed collector again after 1 s, every time" \
		"delays (ms): $delays"
fi
grep -q 'database disk image is malformed\|database is locked' "$work/agent.log" &&
	tap_not_ok "no catalog error in the agent's log" "$(grep -m 3 'malformed\|locked' "$work/agent.log")" ||
	tap_ok "no catalog error in the agent's log"
tap_done
