"""A workload of kazoo, the Python ZooKeeper client (Debian's python3-kazoo), run the same way against two servers.

Usage: python3 kazoo-workload.py HOST:PORT

It prints one JSON object: a list of [step, observation] pairs. An observation holds only what both Apache ZooKeeper
and a conforming server must agree on once server-chosen values are set aside: data, versions, child counts,
sequential names, exception classes, event types, recipe outcomes. Zxids, times and session ids are left out or
replaced by what they must relate to (an ephemeral's owner is "this session" or not). The test that runs it
(conformance/suites/zookeeper-differential-kazoo.test.ts) compares the two lists.
"""

import json
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException, NoAuthError
from kazoo.recipe.barrier import Barrier
from kazoo.recipe.counter import Counter
from kazoo.recipe.election import Election
from kazoo.recipe.lock import Lock, Semaphore
from kazoo.recipe.party import Party
from kazoo.recipe.queue import LockingQueue, Queue
from kazoo.recipe.cache import TreeCache, TreeEvent
from kazoo.security import make_digest_acl

HOSTS = sys.argv[1]
ROOT = "/kz"
steps = []


def record(name, value):
    # Serialised now: watch callbacks may still append to a list after it was recorded.
    steps.append([name, json.loads(json.dumps(value))])


def outcome(fn):
    """The value of fn(), or the name of the exception class it raised: the class is what clients branch on."""
    try:
        return {"ok": fn()}
    except KazooException as e:
        return {"raised": type(e).__name__}


def stat_view(stat, session_id=None):
    if stat is None:
        return None
    view = {
        "version": stat.version,
        "cversion": stat.cversion,
        "aversion": stat.aversion,
        "dataLength": stat.dataLength,
        "numChildren": stat.numChildren,
        "ephemeral": stat.ephemeralOwner != 0,
        "created_equals_modified": stat.czxid == stat.mzxid,
        "pzxid_at_least_czxid": stat.pzxid >= stat.czxid,
    }
    if session_id is not None and stat.ephemeralOwner != 0:
        view["owner_is_this_session"] = stat.ephemeralOwner == session_id
    return view


def wait_for(predicate, seconds=10.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def client(**kwargs):
    c = KazooClient(hosts=HOSTS, timeout=10.0, **kwargs)
    c.start(timeout=15)
    return c


a = client()
b = client()
session_a = a.client_id[0]

# Plain operations and their errors.
a.ensure_path(ROOT + "/a/b")
record("ensure_path", stat_view(a.exists(ROOT + "/a/b")))
record("create", a.create(ROOT + "/x", b"v1"))
data, stat = a.get(ROOT + "/x")
record("get", [data.decode(), stat_view(stat)])
record("set", stat_view(a.set(ROOT + "/x", b"v2", version=0)))
record("set wrong version", outcome(lambda: a.set(ROOT + "/x", b"v3", version=0) and None))
record("delete wrong version", outcome(lambda: a.delete(ROOT + "/x", version=5)))
record("create existing", outcome(lambda: a.create(ROOT + "/x")))
record("create under missing parent", outcome(lambda: a.create(ROOT + "/none/y")))
record("create makepath", a.create(ROOT + "/deep/er/node", b"d", makepath=True))
record("delete not empty", outcome(lambda: a.delete(ROOT + "/deep")))
record("exists missing", a.exists(ROOT + "/missing"))
record("get missing", outcome(lambda: a.get(ROOT + "/missing") and None))
seq = [a.create(ROOT + "/seq/n-", b"", sequence=True, makepath=True) for _ in range(3)]
record("sequential names", seq)
record("sequential after a delete", [a.delete(seq[2]), a.create(ROOT + "/seq/n-", sequence=True)])
eph = a.create(ROOT + "/eph", b"e", ephemeral=True)
record("ephemeral stat", stat_view(a.exists(eph), session_a))
record("ephemeral seen by other session", stat_view(b.exists(eph), b.client_id[0]))
record("child of ephemeral", outcome(lambda: a.create(eph + "/c")))
path, stat = a.create(ROOT + "/with-stat", b"abc", include_data=True)
record("create2", [path, stat_view(stat)])
record("children sorted", sorted(a.get_children(ROOT)))
children, stat = a.get_children(ROOT + "/seq", include_data=True)
record("children with stat", [sorted(children), stat_view(stat)])
record("unicode path", a.create(ROOT + "/\u00fc\u540d", "\u2603".encode()))
record("unicode read back", a.get(ROOT + "/\u00fc\u540d")[0].decode())
big = b"z" * 900_000
record("large data", [stat_view(a.set(ROOT + "/x", big)), len(a.get(ROOT + "/x")[0])])
record("delete recursive", [a.delete(ROOT + "/deep", recursive=True), a.exists(ROOT + "/deep")])
record("sync", a.sync(ROOT))

# Transactions (multi): results in order, and a failing one rolls everything back.
t = a.transaction()
t.create(ROOT + "/t1", b"1")
t.check(ROOT + "/x", 2)
t.set_data(ROOT + "/x", b"after multi")
t.create(ROOT + "/t2", b"2", sequence=True)
record("multi ok", [r if isinstance(r, (str, bool)) else stat_view(r) for r in t.commit()])
t = a.transaction()
t.create(ROOT + "/t3")
t.delete(ROOT + "/t1", version=7)
t.create(ROOT + "/t1/child")
record("multi failing", [type(r).__name__ if isinstance(r, Exception) else r for r in t.commit()])
record("multi rolled back", a.exists(ROOT + "/t3"))

# Watches: data and child watches, one-shot, with the events in order.
events = []
lock = threading.Lock()


def seen(kind):
    def callback(event):
        with lock:
            events.append([kind, event.type, event.path])
    return callback


a.get(ROOT + "/x", watch=seen("data"))
a.get_children(ROOT + "/a", watch=seen("child"))
a.exists(ROOT + "/later", watch=seen("exists"))
b.set(ROOT + "/x", b"changed by b")
b.set(ROOT + "/x", b"changed again")  # the data watch is one-shot: no second event
b.create(ROOT + "/a/new")
b.create(ROOT + "/later")
wait_for(lambda: len(events) >= 3)
time.sleep(0.3)
record("one-shot watch events", sorted(events))

# DataWatch and ChildrenWatch re-register after every event.
data_seen = []
child_seen = []
a.DataWatch(ROOT + "/dw", lambda data, stat: data_seen.append([None if data is None else data.decode(), None if stat is None else stat.version]))
a.ChildrenWatch(ROOT + "/a", lambda children: child_seen.append(sorted(children)))
b.create(ROOT + "/dw", b"one")
wait_for(lambda: len(data_seen) >= 2)
b.set(ROOT + "/dw", b"two")
wait_for(lambda: len(data_seen) >= 3)
b.delete(ROOT + "/dw")
wait_for(lambda: len(data_seen) >= 4)
b.create(ROOT + "/a/second")
wait_for(lambda: len(child_seen) >= 2)
b.delete(ROOT + "/a/new")
wait_for(lambda: len(child_seen) >= 3)
record("DataWatch", data_seen)
record("ChildrenWatch", child_seen)

# ACLs and digest authentication.
a.add_auth("digest", "alice:secret")
acl = make_digest_acl("alice", "secret", all=True)
a.create(ROOT + "/private", b"p", acl=[acl])
acls, stat = a.get_acls(ROOT + "/private")
record("get_acls", [[x.perms, x.id.scheme, x.id.id] for x in acls] + [stat_view(stat)])
record("read without auth", outcome(lambda: b.get(ROOT + "/private") and None))
record("set_acls wrong version", outcome(lambda: a.set_acls(ROOT + "/private", [acl], version=3) and None))
record("set_acls", stat_view(a.set_acls(ROOT + "/private", [acl], version=0)))
try:
    b.get(ROOT + "/private")
    record("still no auth", "read")
except NoAuthError:
    record("still no auth", "NoAuthError")

# Recipes: several sessions contending through sequential ephemeral nodes and watches.
c = client()
order = []
lock_a = Lock(a, ROOT + "/lock", "a")
lock_b = Lock(b, ROOT + "/lock", "b")
lock_a.acquire()
waiter = threading.Thread(target=lambda: (lock_b.acquire(timeout=20), order.append("b acquired"), lock_b.release()))
waiter.start()
wait_for(lambda: len(lock_a.contenders()) == 2)
record("lock contenders", lock_a.contenders())
order.append("a releases")
lock_a.release()
waiter.join(20)
record("lock order", order)

counter = Counter(a, ROOT + "/counter")
counter += 5
Counter(b, ROOT + "/counter").__add__(2)
counter -= 1
record("counter", Counter(c, ROOT + "/counter").value)

q = Queue(a, ROOT + "/queue")
for item in (b"first", b"second", b"third"):
    q.put(item)
q.put(b"urgent", priority=10)
qb = Queue(b, ROOT + "/queue")
record("queue order", [qb.get().decode() for _ in range(4)] + [qb.get()])

lq = LockingQueue(a, ROOT + "/lqueue")
lq.put_all([b"x", b"y"])
lqb = LockingQueue(b, ROOT + "/lqueue")
got = lqb.get(timeout=5)
record("locking queue", [got.decode(), lqb.consume(), lqb.get(timeout=5).decode(), lqb.holds_lock(), lqb.consume(), len(lqb)])

won = []
election_a = Election(a, ROOT + "/election", "a")
election_b = Election(b, ROOT + "/election", "b")
ta = threading.Thread(target=lambda: election_a.run(lambda: (won.append("a"), time.sleep(0.5))))
ta.start()
wait_for(lambda: len(won) == 1)
tb = threading.Thread(target=lambda: election_b.run(lambda: won.append("b")))
tb.start()
wait_for(lambda: len(election_a.contenders()) == 2 or len(won) == 2)
ta.join(10)
tb.join(10)
record("election", won)

sem = [Semaphore(x, ROOT + "/sem", ident, max_leases=2) for x, ident in ((a, "a"), (b, "b"), (c, "c"))]
record("semaphore leases", [sem[0].acquire(timeout=5), sem[1].acquire(timeout=5), sem[2].acquire(blocking=False), sorted(sem[2].lease_holders())])
sem[0].release()
record("semaphore after release", [sem[2].acquire(timeout=5), sorted(sem[1].lease_holders())])

barrier = Barrier(a, ROOT + "/barrier")
barrier.create()
released = []
tw = threading.Thread(target=lambda: released.append(Barrier(b, ROOT + "/barrier").wait(10)))
tw.start()
time.sleep(0.3)
barrier.remove()
tw.join(10)
record("barrier", released)

party = [Party(x, ROOT + "/party", ident) for x, ident in ((a, "a"), (b, "b"))]
for p in party:
    p.join()
record("party", sorted(party[0]))

cache_events = []
cache = TreeCache(a, ROOT + "/tree")
cache.listen(lambda ev: cache_events.append([ev.event_type, ev.event_data.path if ev.event_data else None]))
a.ensure_path(ROOT + "/tree")
cache.start()
wait_for(lambda: any(e[0] == TreeEvent.INITIALIZED for e in cache_events))
b.create(ROOT + "/tree/leaf", b"l")
wait_for(lambda: any(e[1] == ROOT + "/tree/leaf" for e in cache_events))
b.set(ROOT + "/tree/leaf", b"m")
wait_for(lambda: sum(1 for e in cache_events if e[1] == ROOT + "/tree/leaf") >= 2)
b.delete(ROOT + "/tree/leaf")
wait_for(lambda: sum(1 for e in cache_events if e[1] == ROOT + "/tree/leaf") >= 3)
cache.close()
record("tree cache", cache_events)

# A session that ends takes its ephemerals with it, and watchers hear of it.
gone = []
eph_c = c.create(ROOT + "/eph-c", ephemeral=True)
a.exists(eph_c, watch=lambda ev: gone.append([ev.type, ev.path]))
c.stop()
c.close()
wait_for(lambda: len(gone) == 1)
record("ephemeral of a closed session", [gone, a.exists(eph_c)])

# A dropped connection: the client reconnects with its session id and password and sends its watches again
# (SetWatches). Whether b's change lands before or after that, the watch fires once and the session is the same.
import socket as _socket

states = []
a.add_listener(lambda state: states.append(str(state)))
reconnect_events = []
before_drop = a.client_id
a.get(ROOT + "/x", watch=lambda ev: reconnect_events.append([ev.type, ev.path]))
a.exists(ROOT + "/appears-while-away", watch=lambda ev: reconnect_events.append([ev.type, ev.path]))
a._connection._socket.shutdown(_socket.SHUT_RDWR)
b.set(ROOT + "/x", b"changed while a reconnects")
b.create(ROOT + "/appears-while-away")
wait_for(lambda: len(reconnect_events) >= 2 and states[-1:] == ["CONNECTED"])
record("reconnect", [states, sorted(reconnect_events), a.client_id == before_drop, stat_view(a.exists(eph), session_a)])

record("four-letter ruok", a.command(b"ruok"))
# The reference names itself 3.9 (it sends 3.9's notification zxids); what kazoo branches on is 3.5 and later.
record("server_version (from envi) at least 3.5", a.server_version() >= (3, 5))
record("final tree", sorted(a.get_children(ROOT)))

a.delete(ROOT, recursive=True)
for x in (a, b):
    x.stop()
    x.close()
print(json.dumps(steps))
